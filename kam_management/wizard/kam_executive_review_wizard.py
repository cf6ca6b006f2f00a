from odoo import api, fields, models
from odoo.addons.base.models.res_partner import _lang_get
from odoo.exceptions import ValidationError

REPORT = "report.kam_management.kam_executive_review_report"


class KamExecutiveReviewWizard(models.TransientModel):
    """The account and the period of an executive account review to print."""

    _name = "kam.executive.review.wizard"
    _description = "Executive Account Review"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    account_id = fields.Many2one(
        "res.partner",
        string="Key Account",
        required=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    plan_id = fields.Many2one(
        "kam.account.plan",
        string="Account Plan",
        domain="[('account_id', '=', account_id), ('company_id', '=', company_id)]",
        help="The plan whose objectives are reviewed; empty: the plan of the period.",
    )
    lang = fields.Selection(
        _lang_get,
        string="Language",
        compute="_compute_lang",
        store=True,
        readonly=False,
        precompute=True,
        help="The language the review is printed in: by default the account's.",
    )
    date_from = fields.Date(
        string="From",
        required=True,
        compute="_compute_period",
        store=True,
        readonly=False,
        precompute=True,
    )
    date_to = fields.Date(
        string="To",
        required=True,
        compute="_compute_period",
        store=True,
        readonly=False,
        precompute=True,
    )

    @api.depends("account_id")
    def _compute_lang(self):
        for wizard in self:
            wizard.lang = wizard.account_id.lang or self.env.lang

    @api.depends("plan_id")
    def _compute_period(self):
        """The plan's period, else the last complete calendar quarter."""
        for wizard in self:
            if wizard.plan_id:
                wizard.date_from = wizard.plan_id.date_start
                wizard.date_to = wizard.plan_id.date_end
            elif not wizard.date_from or not wizard.date_to:
                date_from, date_to = self.env[REPORT]._last_complete_quarter(wizard.company_id)
                wizard.date_from, wizard.date_to = date_from, date_to

    @api.onchange("account_id")
    def _onchange_account_id(self):
        if self.plan_id and self.plan_id.account_id != self.account_id:
            self.plan_id = False

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_to < wizard.date_from:
                raise ValidationError(
                    self.env._(
                        "The review period ends (%(end)s) before it starts (%(start)s).",
                        start=wizard.date_from,
                        end=wizard.date_to,
                    )
                )

    @api.constrains("account_id", "plan_id", "company_id")
    def _check_account(self):
        # only who may read the key-account data of the account prepares its review
        self.env[REPORT]._check_may_review(self.account_id)
        self.account_id._kam_check_is_account(
            self.env._("%(account)s is a contact, not an account: review %(commercial)s instead.")
        )
        for wizard in self.filtered("plan_id"):
            if (
                wizard.plan_id.account_id != wizard.account_id
                or wizard.plan_id.company_id != wizard.company_id
            ):
                raise ValidationError(
                    self.env._(
                        "The plan %(plan)s is not a plan of %(account)s in %(company)s: "
                        "choose one of its own plans, or none.",
                        plan=wizard.plan_id.display_name,
                        account=wizard.account_id.display_name,
                        company=wizard.company_id.name,
                    )
                )

    def action_print(self):
        self.ensure_one()
        return self.env.ref("kam_management.kam_executive_review_report_action").report_action(
            self.account_id,
            data={
                "date_from": fields.Date.to_string(self.date_from),
                "date_to": fields.Date.to_string(self.date_to),
                "plan_id": self.plan_id.id,
                "lang": self.lang,
            },
        )
