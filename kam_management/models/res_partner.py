from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

KAM_TIERS = [
    ("a", "A"),
    ("b", "B"),
    ("c", "C"),
]

KEY_REASONS = [
    ("revenue", "Revenue"),
    ("strategic", "Strategic"),
    ("both", "Revenue and strategic"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    kam_user_id = fields.Many2one(
        "res.users",
        string="Key Account Manager",
        domain=lambda self: self._kam_user_domain(),
        tracking=True,
        help="The person who manages this account. Only KAM managers may change it.",
    )
    kam_is_strategic = fields.Boolean(
        string="Strategic Account",
        tracking=True,
        help="Key for reasons other than revenue (image, market entry, partnership). "
        "Needs a reason and a review date. Only KAM managers may change it.",
    )
    kam_strategic_reason = fields.Text(
        string="Strategic Reason",
        help="Why this account matters beyond its revenue.",
    )
    kam_strategic_review_date = fields.Date(
        string="Strategic Review Date",
        tracking=True,
        help="When the strategic status of this account must be reviewed.",
    )
    kam_is_key_by_revenue = fields.Boolean(
        string="Key by Revenue",
        tracking=True,
        help="Among the customers that together make most of the revenue.",
    )
    kam_tier = fields.Selection(
        KAM_TIERS,
        string="Tier",
        tracking=True,
        help="ABC classification: A carries most of the revenue, C the long tail.",
    )
    kam_is_key_account = fields.Boolean(
        string="Key Account",
        compute="_compute_kam_key_account",
        store=True,
        help="Key by revenue, strategic, or both.",
    )
    kam_key_reason = fields.Selection(
        KEY_REASONS,
        string="Key Reason",
        compute="_compute_kam_key_account",
        store=True,
    )
    kam_user_can_manage = fields.Boolean(
        string="Can Manage Key Account",
        compute="_compute_kam_user_can_manage",
        help="Technical: whether the current user may change the key-account settings.",
    )

    @api.model
    def _kam_user_domain(self):
        group = self.env.ref("kam_management.group_kam_user", raise_if_not_found=False)
        return [("share", "=", False)] + ([("groups_id", "in", group.ids)] if group else [])

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + self._kam_manager_fields()

    @api.model
    def _kam_manager_fields(self):
        """Fields of an account that only a KAM manager may change."""
        return [
            "kam_user_id",
            "kam_is_strategic",
            "kam_strategic_reason",
            "kam_strategic_review_date",
            "kam_is_key_by_revenue",
            "kam_tier",
        ]

    @api.depends("kam_is_key_by_revenue", "kam_is_strategic")
    def _compute_kam_key_account(self):
        for partner in self:
            by_revenue = partner.kam_is_key_by_revenue
            strategic = partner.kam_is_strategic
            partner.kam_is_key_account = by_revenue or strategic
            if by_revenue and strategic:
                partner.kam_key_reason = "both"
            elif by_revenue:
                partner.kam_key_reason = "revenue"
            elif strategic:
                partner.kam_key_reason = "strategic"
            else:
                partner.kam_key_reason = False

    @api.depends_context("uid")
    def _compute_kam_user_can_manage(self):
        can_manage = self._kam_is_manager()
        for partner in self:
            partner.kam_user_can_manage = can_manage

    def _kam_is_manager(self):
        return self.env.su or self.env.user.has_group("kam_management.group_kam_manager")

    @api.constrains("kam_is_strategic", "kam_strategic_reason", "kam_strategic_review_date")
    def _check_kam_strategic_details(self):
        for partner in self:
            if partner.kam_is_strategic and not (
                (partner.kam_strategic_reason or "").strip() and partner.kam_strategic_review_date
            ):
                raise ValidationError(
                    self.env._(
                        "%(account)s is flagged as a strategic account: give the reason "
                        "why it is strategic and the date when this must be reviewed.",
                        account=partner.display_name,
                    )
                )

    @api.constrains("kam_user_id")
    def _check_kam_user_is_kam(self):
        kam_group = self.env.ref("kam_management.group_kam_user")
        for partner in self.filtered("kam_user_id"):
            if kam_group not in partner.kam_user_id.sudo().groups_id:
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot manage %(account)s: only users of the group "
                        "“Key Account Management / User” can be Key Account Managers.",
                        user=partner.kam_user_id.name,
                        account=partner.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.browse()._kam_check_manager_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._kam_check_manager_fields(vals)
        return super().write(vals)

    def _kam_check_manager_fields(self, vals):
        """Refuse a change of a manager-only field by someone who is not a KAM manager.

        ``self`` holds the partners being written (empty for a creation). Writing
        the value the account already has is not a change: contacts receive their
        company's values this way, and forms may send unchanged values.
        """
        changed = vals.keys() & set(self._kam_manager_fields())
        if not changed or self._kam_is_manager():
            return
        for partner in self or [self]:
            account = partner.commercial_partner_id
            for fname in changed:
                field = self._fields[fname]
                new_value = field.convert_to_cache(vals[fname], partner)
                current_value = field.convert_to_cache(account[fname], account)
                if (new_value or False) == (current_value or False):
                    continue
                raise AccessError(
                    self.env._(
                        "Only Key Account Managers can change the %(field)s of an account. "
                        "Ask a KAM manager to change it for %(account)s.",
                        field=field._description_string(self.env),
                        account=partner.display_name or self.env._("a new account"),
                    )
                )
