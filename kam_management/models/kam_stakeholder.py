from odoo import api, fields, models
from odoo.exceptions import ValidationError

INFLUENCE_LEVELS = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
ATTITUDES = [("supporter", "Supporter"), ("neutral", "Neutral"), ("opponent", "Opponent")]


class KamStakeholder(models.Model):
    """A person inside a key account and our relationship with them."""

    _name = "kam.stakeholder"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Stakeholder of a key account"
    _order = "account_id, influence_rank desc, id"
    _rec_name = "contact_id"

    active = fields.Boolean(default=True, tracking=True)
    account_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        tracking=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
        help="The customer (commercial entity) this person belongs to.",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', False)]",
        help="Usually one of the contacts of the account.",
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    function = fields.Char(related="contact_id.function", string="Job Position")
    email = fields.Char(related="contact_id.email")
    phone = fields.Char(related="contact_id.phone")
    role_ids = fields.Many2many("kam.stakeholder.role", string="Buying Roles")
    influence = fields.Selection(INFLUENCE_LEVELS, default="medium", required=True, tracking=True)
    influence_rank = fields.Integer(compute="_compute_influence_rank", store=True)
    attitude = fields.Selection(
        ATTITUDES,
        string="Attitude towards Us",
        default="neutral",
        required=True,
        tracking=True,
    )
    strength = fields.Integer(
        string="Relationship Strength",
        default=3,
        tracking=True,
        help="1 (barely know each other) to 5 (trusted relationship).",
    )
    owner_id = fields.Many2one(
        "res.users",
        string="Relationship Owner",
        default=lambda self: self.env.user,
        tracking=True,
        help="Who keeps this relationship alive on our side.",
    )
    reports_to_id = fields.Many2one(
        "kam.stakeholder",
        domain="[('account_id', '=', account_id), ('id', '!=', id)]",
        index=True,
    )
    cadence_days = fields.Integer(
        string="Contact Every (days)",
        default=lambda self: self.env.company.kam_stakeholder_cadence_days,
        help="How often this person should hear from us.",
    )
    notes = fields.Html()

    _sql_constraints = [
        (
            "account_contact_unique",
            "UNIQUE(account_id, contact_id)",
            "This person is already on the map of this account (perhaps archived).",
        ),
    ]

    @api.depends("influence")
    def _compute_influence_rank(self):
        ranks = {"low": 1, "medium": 2, "high": 3}
        for stakeholder in self:
            stakeholder.influence_rank = ranks.get(stakeholder.influence, 0)

    @api.constrains("strength")
    def _check_strength(self):
        for stakeholder in self:
            if not 1 <= stakeholder.strength <= 5:
                raise ValidationError(self.env._("The relationship strength goes from 1 to 5."))

    @api.constrains("cadence_days")
    def _check_cadence(self):
        for stakeholder in self:
            if stakeholder.cadence_days < 1:
                raise ValidationError(self.env._("The contact cadence must be at least one day."))

    @api.constrains("account_id")
    def _check_account_is_commercial_entity(self):
        for stakeholder in self:
            account = stakeholder.account_id
            if account != account.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "%(account)s is a contact, not an account: put the stakeholder on "
                        "%(commercial)s.",
                        account=account.display_name,
                        commercial=account.commercial_partner_id.display_name,
                    )
                )

    @api.constrains("reports_to_id", "account_id")
    def _check_reports_to(self):
        for stakeholder in self.filtered("reports_to_id"):
            if stakeholder.reports_to_id.account_id != stakeholder.account_id:
                raise ValidationError(
                    self.env._(
                        "%(person)s can only report to someone of the same account.",
                        person=stakeholder.contact_id.display_name,
                    )
                )
        if self._has_cycle("reports_to_id"):
            raise ValidationError(self.env._("“Reports to” cannot go round in a circle."))
