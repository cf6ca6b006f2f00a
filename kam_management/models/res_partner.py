from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

KAM_TIERS = [
    ("a", "A"),
    ("b", "B"),
    ("c", "C"),
]

KEY_REASONS = [
    ("revenue", "Revenue"),
    ("strategic", "Strategic"),
    ("both", "Revenue and strategic"),
    ("manual", "Manager decision"),
]
# Fields from which the key status of an account follows.
KEY_STATUS_INPUTS = {"kam_is_strategic", "kam_key_override", "kam_is_key_by_revenue"}


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
    kam_key_override = fields.Selection(
        [("key", "Force key account"), ("not_key", "Force not key")],
        string="Manager Decision",
        tracking=True,
        help="A KAM manager's decision that wins over the revenue classification. "
        "The nightly computation never changes it.",
    )
    kam_key_override_reason = fields.Text(
        string="Decision Reason",
        help="Why the manager decided against the revenue classification.",
    )
    # Figures of the revenue-concentration computation in the current company,
    # read from kam.account.figure (a customer shared by two companies can be key
    # in one and not in the other). Contacts show those of their account.
    kam_revenue = fields.Float(
        string="Revenue in Window",
        compute="_compute_kam_figures",
        digits=(16, 2),
        help="Revenue of the customer over the revenue window, in company currency.",
    )
    kam_revenue_share = fields.Float(
        string="Revenue Share (%)", compute="_compute_kam_figures", digits=(16, 2)
    )
    kam_cumulative_share = fields.Float(
        string="Cumulative Share (%)",
        compute="_compute_kam_figures",
        digits=(16, 2),
        help="Share of the revenue made by this customer and all larger ones.",
    )
    kam_revenue_rank = fields.Integer(
        string="Revenue Rank",
        compute="_compute_kam_figures",
        help="1 is the customer with the largest revenue.",
    )
    kam_is_key_by_revenue = fields.Boolean(
        string="Key by Revenue",
        company_dependent=True,
        readonly=True,
        help="Among the customers that together make the key-account threshold of the "
        "revenue (computed).",
    )
    kam_tier = fields.Selection(
        KAM_TIERS,
        string="Tier",
        company_dependent=True,
        readonly=True,
        help="ABC classification by revenue: A is the key-account set, B the following "
        "customers up to the tier B percentage, C the long tail (computed).",
    )
    kam_is_key_account = fields.Boolean(
        string="Key Account",
        company_dependent=True,
        readonly=True,
        help="Key by revenue or strategic, unless a KAM manager decided otherwise.",
    )
    kam_key_reason = fields.Selection(
        KEY_REASONS,
        string="Key Reason",
        company_dependent=True,
        readonly=True,
    )
    kam_stakeholder_ids = fields.One2many(
        "kam.stakeholder",
        "account_id",
        string="Stakeholders",
        groups="kam_management.group_kam_user",
    )
    kam_relationship_gap_ids = fields.One2many(
        "kam.relationship.gap",
        "account_id",
        string="Relationship Gaps",
        groups="kam_management.group_kam_user",
    )
    kam_plan_ids = fields.One2many(
        "kam.account.plan",
        "account_id",
        string="Account Plans",
        groups="kam_management.group_kam_user",
    )
    kam_plan_count = fields.Integer(
        string="Plan Count",
        compute="_compute_kam_current_plan",
        groups="kam_management.group_kam_user",
    )
    kam_current_plan_id = fields.Many2one(
        "kam.account.plan",
        string="Current Plan",
        compute="_compute_kam_current_plan",
        groups="kam_management.group_kam_user",
        help="The active plan of the account today, or else its latest plan.",
    )
    kam_concentration_date = fields.Datetime(
        string="Last Computed",
        compute="_compute_kam_concentration_date",
        help="When the revenue figures of this company were last computed.",
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
        # contacts show the classification of their account, which the revenue
        # computation keeps in line for them too
        return super()._commercial_fields() + self._kam_protected_fields()

    @api.model
    def _kam_contact_fields(self):
        """Classification written by the revenue computation on accounts and contacts."""
        return ["kam_is_key_by_revenue", "kam_tier", "kam_is_key_account", "kam_key_reason"]

    @api.model
    def _kam_protected_fields(self):
        """Manager decisions, and what the revenue computation writes."""
        return self._kam_manager_fields() + self._kam_contact_fields()

    @api.model
    def _kam_manager_fields(self):
        """Fields of an account that only a KAM manager may change."""
        return [
            "kam_user_id",
            "kam_is_strategic",
            "kam_strategic_reason",
            "kam_strategic_review_date",
            "kam_key_override",
            "kam_key_override_reason",
        ]

    @api.depends_context("company")
    def _compute_kam_figures(self):
        accounts = self.commercial_partner_id
        figures = (
            self.env["kam.account.figure"]
            .sudo()
            .search_fetch(
                [("company_id", "=", self.env.company.id), ("partner_id", "in", accounts.ids)],
                ["partner_id", "revenue", "share", "cumulative_share", "rank"],
            )
        )
        by_account = {figure.partner_id.id: figure for figure in figures}
        for partner in self:
            figure = by_account.get(partner.commercial_partner_id.id)
            partner.kam_revenue = figure.revenue if figure else 0.0
            partner.kam_revenue_share = figure.share if figure else 0.0
            partner.kam_cumulative_share = figure.cumulative_share if figure else 0.0
            partner.kam_revenue_rank = figure.rank if figure else 0

    @api.depends_context("company")
    def _compute_kam_concentration_date(self):
        self.kam_concentration_date = self.env.company.kam_last_concentration_date

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

    @api.constrains("kam_key_override", "kam_key_override_reason")
    def _check_kam_key_override_reason(self):
        for partner in self:
            if partner.kam_key_override and not (partner.kam_key_override_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Say why %(account)s is forced in or out of the key accounts: the "
                        "decision needs a reason.",
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
        partners = super().create(vals_list)
        if any(KEY_STATUS_INPUTS & vals.keys() for vals in vals_list):
            partners._kam_refresh_key_status()
        return partners

    def write(self, vals):
        self._kam_check_manager_fields(vals)
        result = super().write(vals)
        if KEY_STATUS_INPUTS & vals.keys():
            self._kam_refresh_key_status()
        return result

    def _kam_check_manager_fields(self, vals):
        """Refuse a change of a manager-only field by someone who is not a KAM manager.

        ``self`` holds the partners being written (empty for a creation). Writing
        the value the account already has is not a change: contacts receive their
        company's values this way, and forms may send unchanged values.
        """
        changed = vals.keys() & set(self._kam_protected_fields())
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

    @api.depends("kam_plan_ids.state", "kam_plan_ids.date_start", "kam_plan_ids.date_end")
    @api.depends_context("company")
    def _compute_kam_current_plan(self):
        today = fields.Date.context_today(self)
        for partner in self:
            plans = partner.commercial_partner_id.kam_plan_ids.filtered(
                lambda plan: plan.company_id == self.env.company and plan.state != "cancelled"
            )
            live = plans.filtered(
                lambda plan: (
                    plan.state in ("active", "review") and plan.date_start <= today <= plan.date_end
                )
            )
            partner.kam_plan_count = len(plans)
            partner.kam_current_plan_id = (live or plans)[:1]

    def action_open_account_plans(self):
        self.ensure_one()
        account = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.kam_account_plan_action"
        )
        action["domain"] = [("account_id", "=", account.id)]
        action["context"] = {"default_account_id": account.id}
        action["display_name"] = self.env._("Account Plans: %(account)s", account=account.name)
        return action

    def action_open_relationship_map(self):
        """The people of this account as cards grouped by buying role."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.kam_stakeholder_action_map"
        )
        action["domain"] = [("account_id", "=", self.commercial_partner_id.id)]
        action["context"] = {
            "default_account_id": self.commercial_partner_id.id,
            "group_by": ["role_ids"],
        }
        action["display_name"] = self.env._(
            "Relationship Map: %(account)s", account=self.commercial_partner_id.name
        )
        return action

    def _kam_check_is_account(self, message):
        """Refuse a contact where an account (a commercial partner) is expected.

        :param message: translated, with the placeholders %(account)s and %(commercial)s
        """
        for partner in self:
            if partner != partner.commercial_partner_id:
                raise ValidationError(
                    message
                    % {
                        "account": partner.display_name,
                        "commercial": partner.commercial_partner_id.display_name,
                    }
                )

    def _kam_refresh_key_status(self, companies=None):
        """Bring the key status of partners in line with what it follows from.

        A partner is a key account of a company when a KAM manager forced it, or,
        without such a decision, when it is strategic or key by revenue in that
        company. Contacts get the status of their commercial partner. Works on
        ``self`` and their contacts, or on every partner when called on an empty
        recordset by the concentration computation. Returns the partners whose
        status changed.
        """
        partner_model = self.env["res.partner"]
        partner_model.flush_model()
        changed_ids = []
        # a handful of companies: the whole table is meant
        all_companies = self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
        for company in companies or all_companies:
            key = str(company.id)
            key_by_revenue = SQL(
                "COALESCE((account.kam_is_key_by_revenue ->> %s)::boolean, FALSE)", key
            )
            where = (
                SQL(
                    "partner.id = ANY(%(ids)s) OR partner.commercial_partner_id = ANY(%(ids)s)",
                    ids=self.ids,
                )
                if self
                else SQL("TRUE")
            )
            rows = self.env.execute_query(
                SQL(
                    """
                    WITH status AS (
                        SELECT partner.id,
                               CASE account.kam_key_override
                                    WHEN 'key' THEN TRUE
                                    WHEN 'not_key' THEN FALSE
                                    ELSE COALESCE(account.kam_is_strategic, FALSE) OR %(by_revenue)s
                               END AS is_key,
                               CASE WHEN account.kam_key_override = 'key' THEN 'manual'
                                    WHEN account.kam_key_override = 'not_key' THEN NULL
                                    WHEN account.kam_is_strategic AND %(by_revenue)s THEN 'both'
                                    WHEN account.kam_is_strategic THEN 'strategic'
                                    WHEN %(by_revenue)s THEN 'revenue'
                               END AS reason
                          FROM res_partner partner
                          JOIN res_partner account ON account.id = partner.commercial_partner_id
                         WHERE %(where)s
                    )
                    UPDATE res_partner partner
                       SET kam_is_key_account = COALESCE(partner.kam_is_key_account, '{}'::jsonb)
                                                || jsonb_build_object(%(key)s, status.is_key),
                           kam_key_reason = COALESCE(partner.kam_key_reason, '{}'::jsonb)
                                            || jsonb_build_object(%(key)s, status.reason)
                      FROM status
                     WHERE partner.id = status.id
                       AND (COALESCE((partner.kam_is_key_account ->> %(key)s)::boolean, FALSE)
                                IS DISTINCT FROM status.is_key
                            OR (partner.kam_key_reason ->> %(key)s) IS DISTINCT FROM status.reason)
                 RETURNING partner.id
                    """,
                    by_revenue=key_by_revenue,
                    where=where,
                    key=key,
                )
            )
            changed_ids.extend(row[0] for row in rows)
        changed = partner_model.browse(sorted(set(changed_ids)))
        partner_model.invalidate_model(["kam_is_key_account", "kam_key_reason"])
        changed.modified(["kam_is_key_account", "kam_key_reason"])
        return changed
