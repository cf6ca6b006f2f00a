from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from ..tools.classification import key_status

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
KAM_USER = "kam_management.group_kam_user"
SALES_USER = "sales_team.group_sale_salesman"

# What a KAM manager decides about an account, per company: the only key-account
# values stored on partners (the classification is read from kam.account.figure).
# Searched through the partial indexes Odoo puts on company-dependent columns,
# except the texts and the date (no index: installing builds none for them).
DECISION_FIELDS = (
    "kam_own_user_id",
    "kam_own_is_strategic",
    "kam_own_strategic_reason",
    "kam_own_strategic_review_date",
    "kam_own_key_override",
    "kam_own_key_override_reason",
    "kam_own_effort_adjustment",
    "kam_own_effort_adjustment_reason",
)
# The fields users edit, and the account's field each of them writes.
EDITABLE_FIELDS = {
    "kam_user_id": "kam_own_user_id",
    "kam_is_strategic": "kam_own_is_strategic",
    "kam_strategic_reason": "kam_own_strategic_reason",
    "kam_strategic_review_date": "kam_own_strategic_review_date",
    "kam_key_override": "kam_own_key_override",
    "kam_key_override_reason": "kam_own_key_override_reason",
    "kam_effort_adjustment": "kam_own_effort_adjustment",
    "kam_effort_adjustment_reason": "kam_own_effort_adjustment_reason",
}
# The ranking of the revenue computation, which a KAM manager may correct until
# the next computation.
RANKING_FIELDS = {"kam_is_key_by_revenue": "is_key", "kam_tier": "tier"}


class ResPartner(models.Model):
    """Key-account decisions and classification, per company.

    The decisions are stored once, on the account (the commercial entity), in
    the company-dependent ``kam_own_*`` fields; the classification follows from
    them and from the account's revenue ranking (kam.account.figure). Everybody
    reads them through the ``kam_*`` fields, which show the values of the
    partner's commercial entity: a contact never holds a copy, so attaching,
    detaching, re-parenting or merging partners copies and wipes nothing, and a
    partner that becomes an account is classified from its own figures.
    """

    _inherit = "res.partner"

    # ------------------------------------------------------------------
    # Storage: the account's own values, per company (technical)
    # ------------------------------------------------------------------
    kam_own_user_id = fields.Many2one(
        "res.users",
        string="Own Key Account Manager",
        company_dependent=True,
        groups=KAM_USER,
        prefetch="kam",
    )
    kam_own_is_strategic = fields.Boolean(
        string="Own Strategic Flag", company_dependent=True, groups=KAM_USER, prefetch="kam"
    )
    kam_own_strategic_reason = fields.Text(
        string="Own Strategic Reason",
        company_dependent=True,
        groups=KAM_USER,
        prefetch="kam",
        index=False,
    )
    kam_own_strategic_review_date = fields.Date(
        string="Own Strategic Review Date",
        company_dependent=True,
        groups=KAM_USER,
        prefetch="kam",
        index=False,
    )
    kam_own_key_override = fields.Selection(
        [("key", "Force key account"), ("not_key", "Force not key")],
        string="Own Manager Decision",
        company_dependent=True,
        groups=KAM_USER,
        prefetch="kam",
    )
    kam_own_key_override_reason = fields.Text(
        string="Own Decision Reason",
        company_dependent=True,
        groups=KAM_USER,
        prefetch="kam",
        index=False,
    )
    kam_own_effort_adjustment = fields.Float(
        string="Own Effort Adjustment", company_dependent=True, groups=KAM_USER, prefetch="kam",
        index=False,
    )  # fmt: skip
    kam_own_effort_adjustment_reason = fields.Text(
        string="Own Effort Adjustment Reason", company_dependent=True, groups=KAM_USER,
        prefetch="kam", index=False,
    )  # fmt: skip

    # ------------------------------------------------------------------
    # What users see and edit: the values of the commercial entity
    # ------------------------------------------------------------------
    kam_user_id = fields.Many2one(
        related="commercial_partner_id.kam_own_user_id",
        readonly=False,
        string="Key Account Manager",
        domain=lambda self: self._kam_user_domain(),
        tracking=True,
        groups=SALES_USER,
        help="The person who manages this account in the current company. Only KAM "
        "managers may change it.",
    )
    kam_is_strategic = fields.Boolean(
        related="commercial_partner_id.kam_own_is_strategic",
        readonly=False,
        string="Strategic Account",
        tracking=True,
        groups=KAM_USER,
        help="Key for reasons other than revenue (image, market entry, partnership). "
        "Needs a reason and a review date. Only KAM managers may change it.",
    )
    kam_strategic_reason = fields.Text(
        related="commercial_partner_id.kam_own_strategic_reason",
        readonly=False,
        string="Strategic Reason",
        groups=KAM_USER,
        help="Why this account matters beyond its revenue.",
    )
    kam_strategic_review_date = fields.Date(
        related="commercial_partner_id.kam_own_strategic_review_date",
        readonly=False,
        string="Strategic Review Date",
        tracking=True,
        groups=KAM_USER,
        help="When the strategic status of this account must be reviewed.",
    )
    kam_key_override = fields.Selection(
        related="commercial_partner_id.kam_own_key_override",
        readonly=False,
        string="Manager Decision",
        tracking=True,
        groups=KAM_USER,
        help="A KAM manager's decision that wins over the revenue classification. "
        "The nightly computation never changes it.",
    )
    kam_key_override_reason = fields.Text(
        related="commercial_partner_id.kam_own_key_override_reason",
        readonly=False,
        string="Decision Reason",
        groups=KAM_USER,
        help="Why the manager decided against the revenue classification.",
    )
    kam_effort_adjustment = fields.Float(
        related="commercial_partner_id.kam_own_effort_adjustment",
        readonly=False,
        string="Effort Adjustment (h/month)",
        tracking=True,
        groups=KAM_USER,
        help="Hours a month a KAM manager adds to (or takes from) the estimate, with a reason.",
    )
    kam_effort_adjustment_reason = fields.Text(
        related="commercial_partner_id.kam_own_effort_adjustment_reason",
        readonly=False,
        string="Adjustment Reason",
        groups=KAM_USER,
    )
    kam_effort_estimated = fields.Float(
        string="Estimated Effort (h/month)",
        compute="_compute_kam_effort",
        digits=(16, 2),
        groups=KAM_USER,
        help="What the account takes a month in this company: a base for its tier (or for a "
        "strategic account), a norm for each relationship on its map, and the adjustment.",
    )
    kam_effort_measured = fields.Float(
        string="Measured Effort (h/month)",
        compute="_compute_kam_effort",
        digits=(16, 2),
        groups=KAM_USER,
        help="What everybody did on the account over the last 90 days, a month: meetings with "
        "its people, activities done and messages written on it (measured every night).",
    )
    kam_effort_explanation = fields.Char(
        string="How the Estimate Is Made", compute="_compute_kam_effort", groups=KAM_USER
    )
    kam_member_ids = fields.One2many(
        "kam.account.member", "account_id", string="Account Team", groups=KAM_USER
    )
    kam_is_key_by_revenue = fields.Boolean(
        string="Key by Revenue",
        compute="_compute_kam_classification",
        inverse="_inverse_kam_ranking",
        search="_search_kam_is_key_by_revenue",
        groups=KAM_USER,
        help="Among the customers that together make the key-account threshold of the "
        "revenue (computed).",
    )
    kam_tier = fields.Selection(
        KAM_TIERS,
        string="Tier",
        compute="_compute_kam_classification",
        inverse="_inverse_kam_ranking",
        search="_search_kam_tier",
        groups=KAM_USER,
        help="ABC classification by revenue: A is the key-account set, B the following "
        "customers up to the tier B percentage, C the long tail (computed).",
    )
    kam_is_key_account = fields.Boolean(
        string="Key Account",
        compute="_compute_kam_classification",
        search="_search_kam_is_key_account",
        groups=SALES_USER,
        help="Key by revenue or strategic, unless a KAM manager decided otherwise.",
    )
    kam_key_reason = fields.Selection(
        KEY_REASONS,
        string="Key Reason",
        compute="_compute_kam_classification",
        search="_search_kam_key_reason",
        groups=KAM_USER,
    )
    # Figures of the revenue-concentration computation in the current company,
    # read from kam.account.figure (a customer shared by two companies can be key
    # in one and not in the other). Contacts show those of their account.
    kam_revenue = fields.Monetary(
        string="Revenue in Window",
        compute="_compute_kam_figures",
        currency_field="kam_currency_id",
        groups=KAM_USER,
        help="Revenue of the customer over the revenue window, in company currency.",
    )
    kam_revenue_share = fields.Float(
        string="Revenue Share (%)",
        compute="_compute_kam_figures",
        digits=(16, 2),
        groups=KAM_USER,
    )
    kam_cumulative_share = fields.Float(
        string="Cumulative Share (%)",
        compute="_compute_kam_figures",
        digits=(16, 2),
        groups=KAM_USER,
        help="Share of the revenue made by this customer and all larger ones.",
    )
    kam_revenue_rank = fields.Integer(
        string="Revenue Rank",
        compute="_compute_kam_figures",
        groups=KAM_USER,
        help="1 is the customer with the largest revenue.",
    )
    kam_stakeholder_ids = fields.One2many(
        "kam.stakeholder",
        "account_id",
        string="Stakeholders",
        groups=KAM_USER,
    )
    kam_relationship_gap_ids = fields.One2many(
        "kam.relationship.gap",
        "account_id",
        string="Relationship Gaps",
        groups=KAM_USER,
    )
    kam_plan_ids = fields.One2many(
        "kam.account.plan",
        "account_id",
        string="Account Plans",
        groups=KAM_USER,
    )
    kam_plan_count = fields.Integer(
        string="Plan Count",
        compute="_compute_kam_current_plan",
        groups=KAM_USER,
    )
    kam_current_plan_id = fields.Many2one(
        "kam.account.plan",
        string="Current Plan",
        compute="_compute_kam_current_plan",
        groups=KAM_USER,
        help="The active plan of the account today, or else its latest plan.",
    )
    kam_plan_progress = fields.Float(
        string="Plan Progress (%)",
        compute="_compute_kam_current_plan",
        digits=(16, 1),
        groups=KAM_USER,
        help="Progress of the objectives of the current plan.",
    )
    kam_health_id = fields.Many2one(
        "kam.account.health",
        string="Current Health",
        compute="_compute_kam_health",
        groups=KAM_USER,
    )
    kam_health_score = fields.Integer(
        string="Health",
        compute="_compute_kam_health",
        groups=KAM_USER,
        help="Health score of the key account in the current company, 0 to 100 (nightly).",
    )
    kam_health_band = fields.Selection(
        [("healthy", "Healthy"), ("watch", "Watch"), ("at_risk", "At Risk")],
        string="Health Band",
        compute="_compute_kam_health",
        search="_search_kam_health_band",
        groups=KAM_USER,
    )
    kam_health_falling = fields.Boolean(
        string="Health Falling",
        compute="_compute_kam_health",
        search="_search_kam_health_falling",
        groups=KAM_USER,
        help="The health score fell by more than the company's alert in 30 days.",
    )
    kam_health_explanation = fields.Html(
        string="Why", compute="_compute_kam_health", sanitize=False, groups=KAM_USER
    )
    kam_signal_ids = fields.One2many(
        "kam.signal",
        "account_id",
        string="Signals",
        domain=[("state", "=", "open")],
        groups=KAM_USER,
    )
    kam_tension_ids = fields.One2many(
        "kam.tension", "account_id", string="Tensions", groups=KAM_USER
    )
    kam_tension_open_count = fields.Integer(
        string="Open Tensions",
        compute="_compute_kam_tension_counts",
        groups=KAM_USER,
        help="Tensions with the account in the current company not resolved yet.",
    )
    kam_tension_escalated_count = fields.Integer(
        string="Escalated Tensions",
        compute="_compute_kam_tension_counts",
        groups=KAM_USER,
    )
    kam_is_competitor = fields.Boolean(
        string="Competitor",
        index="btree_not_null",
        tracking=True,
        groups=KAM_USER,
        copy=False,  # Sales users copy partners without reading it
        help="A company that competes with us for our customers' business: it can be recorded "
        "at key accounts (Competition tab).",
    )
    kam_presence_ids = fields.One2many(
        "kam.competitor.presence",
        "account_id",
        string="Competition",
        groups=KAM_USER,
        help="The competitors present at this account, in every company you work in.",
    )
    kam_competitor_presence_ids = fields.One2many(
        "kam.competitor.presence",
        "competitor_id",
        string="Where We Meet Them",
        groups=KAM_USER,
    )
    kam_competitor_account_count = fields.Integer(
        string="Accounts Where Present",
        compute="_compute_kam_competitor_account_count",
        groups=KAM_USER,
    )
    kam_info_stale_count = fields.Integer(
        string="Stale Information",
        compute="_compute_kam_info_stale",
        groups=KAM_USER,
        help="Pieces of information about the account (competitors, SWOT, value proposition, "
        "needs of the current plan) not confirmed for longer than the age set in Settings.",
    )
    kam_info_is_stale = fields.Boolean(
        string="Information Stale",
        compute="_compute_kam_info_stale",
        search="_search_kam_info_is_stale",
        groups=KAM_USER,
    )
    kam_currency_id = fields.Many2one(
        "res.currency",
        string="Company Currency",
        compute="_compute_kam_currency_id",
        groups=KAM_USER,
        help="Technical: the currency of the current company, in which revenue is shown.",
    )
    kam_scorecard_id = fields.Many2one(
        "kam.account.scorecard",
        string="Scorecard",
        compute="_compute_kam_scorecard",
        groups=KAM_USER,
    )
    kam_score_information = fields.Integer(
        string="Information Score",
        compute="_compute_kam_scorecard",
        groups=KAM_USER,
        help="Information function of the KAM, 0 to 100 (nightly): competitors recorded and "
        "fresh, whitespace reviewed, needs and SWOT confirmed recently.",
    )
    kam_score_relationships = fields.Integer(
        string="Relationships Score",
        compute="_compute_kam_scorecard",
        groups=KAM_USER,
        help="Relationships function of the KAM, 0 to 100 (nightly): decision maker in touch, "
        "no gaps, people within cadence, more than one thread.",
    )
    kam_score_business = fields.Integer(
        string="Business Score",
        compute="_compute_kam_scorecard",
        groups=KAM_USER,
        help="Business function of the KAM, 0 to 100 (nightly): a current plan, its value "
        "proposition, objectives on track, plan reviewed in time.",
    )
    kam_score_team = fields.Integer(
        string="Project & Team Score",
        compute="_compute_kam_scorecard",
        groups=KAM_USER,
        help="Project & team function of the KAM, 0 to 100 (nightly): a backup, team roles "
        "covered, tensions handled in time, the KAM not overloaded.",
    )
    kam_scorecard_reasons_information = fields.Text(
        string="Information Reasons",
        compute="_compute_kam_scorecard",
        groups=KAM_USER,
    )
    kam_scorecard_reasons_relationships = fields.Text(
        string="Relationships Reasons",
        compute="_compute_kam_scorecard",
        groups=KAM_USER,
    )
    kam_scorecard_reasons_business = fields.Text(
        string="Business Reasons", compute="_compute_kam_scorecard", groups=KAM_USER
    )
    kam_scorecard_reasons_team = fields.Text(
        string="Project & Team Reasons", compute="_compute_kam_scorecard", groups=KAM_USER
    )
    kam_revenue_trend = fields.Float(
        string="Revenue Trend (%)",
        compute="_compute_kam_scorecard",
        digits=(16, 1),
        groups=KAM_USER,
        help="Revenue in the window against the window before it (nightly).",
    )
    kam_gap_count = fields.Integer(
        string="Relationship Gap Count",
        compute="_compute_kam_gap_count",
        groups=KAM_USER,
    )
    kam_is_my_account = fields.Boolean(
        string="My Key Account",
        compute="_compute_kam_is_my_account",
        search="_search_kam_is_my_account",
        groups=KAM_USER,
        help="Accounts you manage or whose team you are on now, in the current company.",
    )
    kam_concentration_date = fields.Datetime(
        string="Last Computed",
        compute="_compute_kam_concentration_date",
        groups=KAM_USER,
        help="When the revenue figures of this company were last computed.",
    )
    kam_user_can_manage = fields.Boolean(
        string="Can Manage Key Account",
        compute="_compute_kam_user_can_manage",
        groups=KAM_USER,
        help="Technical: whether the current user may change the key-account settings.",
    )

    @api.model
    def _kam_user_domain(self):
        group = self.env.ref(KAM_USER, raise_if_not_found=False)
        return [("share", "=", False)] + ([("groups_id", "in", group.ids)] if group else [])

    # Non-stored fields are searched, grouped and sorted by through SQL of their
    # own (the classification) or of their target (related fields, read as
    # superuser), which skips their groups: they are checked here.
    def _field_to_sql(self, alias, fname, query=None, flush=True):
        self._kam_check_field_access([fname])
        if fname in RANKING_FIELDS or fname in ("kam_is_key_account", "kam_key_reason"):
            if query is None:
                raise ValueError(f"{fname} is read in SQL within a query only")
            company = SQL("%s", self.env.company.id)
            return self.env["kam.classification"]._join(query, alias, company)[fname]
        return super()._field_to_sql(alias, fname, query, flush)

    @api.model
    def _search(self, domain, *args, **kwargs):
        self._kam_check_field_access(
            leaf[0].split(".", 1)[0]
            for leaf in domain
            if isinstance(leaf, (list, tuple)) and isinstance(leaf[0], str)
        )
        return super()._search(domain, *args, **kwargs)

    @api.model
    def _kam_check_field_access(self, fnames):
        restricted = [
            fname
            for fname in fnames
            if fname.startswith("kam_") and fname in self._fields and not self._fields[fname].store
        ]
        if restricted and not self.env.su:
            self.check_field_access_rights("read", restricted)

    def _search_kam_is_key_by_revenue(self, operator, value):
        return self.env["kam.classification"]._search_domain(
            "kam_is_key_by_revenue", operator, value
        )

    def _search_kam_tier(self, operator, value):
        return self.env["kam.classification"]._search_domain("kam_tier", operator, value)

    def _search_kam_is_key_account(self, operator, value):
        return self.env["kam.classification"]._search_domain("kam_is_key_account", operator, value)

    def _search_kam_key_reason(self, operator, value):
        return self.env["kam.classification"]._search_domain("kam_key_reason", operator, value)

    # the ranking rows invalidate these fields when written (kam.account.figure)
    @api.depends_context("company")
    @api.depends("commercial_partner_id")
    def _compute_kam_figures(self):
        by_account = self._kam_figures()
        for partner in self:
            figure = by_account.get(partner.commercial_partner_id.id)
            partner.kam_revenue = figure.revenue if figure else 0.0
            partner.kam_revenue_share = figure.share if figure else 0.0
            partner.kam_cumulative_share = figure.cumulative_share if figure else 0.0
            partner.kam_revenue_rank = figure.rank if figure else 0

    @api.depends_context("company")
    @api.depends(
        "commercial_partner_id.kam_own_is_strategic",
        "commercial_partner_id.kam_own_key_override",
    )
    def _compute_kam_classification(self):
        by_account = self._kam_figures()
        for partner in self:
            account = partner.commercial_partner_id.sudo()
            figure = by_account.get(account.id)
            by_revenue = bool(figure and figure.is_key)
            is_key, reason = key_status(
                account.kam_own_key_override, account.kam_own_is_strategic, by_revenue
            )
            partner.kam_is_key_by_revenue = by_revenue
            partner.kam_tier = figure.tier if figure else False
            partner.kam_is_key_account = is_key
            partner.kam_key_reason = reason or False

    @api.depends_context("company")
    @api.depends(
        "commercial_partner_id.kam_own_effort_adjustment",
        "commercial_partner_id.kam_own_is_strategic",
        "commercial_partner_id.kam_stakeholder_ids.active",
    )
    def _compute_kam_effort(self):
        company = self.env.company
        workload = self.env["kam.workload"]
        efforts = workload._account_effort(
            (account.id, company.id) for account in self.commercial_partner_id
        )
        measured = dict(
            self.env["kam.effort.measure"]
            .sudo()
            ._read_group(
                [("account_ref", "in", self.commercial_partner_id.ids)],
                ["account_ref"],
                ["hours:sum"],
            )
        )
        for partner in self:
            account = partner.commercial_partner_id
            effort = efforts.get((account.id, company.id))
            partner.kam_effort_estimated = effort["estimated"] if effort else 0.0
            partner.kam_effort_measured = measured.get(account.id, 0.0)
            partner.kam_effort_explanation = (
                self.env._(
                    "%(base).0f h for its tier + %(count)s relationships × %(norm)g h "
                    "+ %(adjustment).0f h adjusted = %(total).0f h a month",
                    base=effort["base"],
                    count=effort["relationships"],
                    norm=company.kam_effort_relationship_hours,
                    adjustment=effort["adjustment"],
                    total=effort["estimated"],
                )
                if effort
                else False
            )

    @api.onchange("kam_user_id")
    def _onchange_kam_user_id_warn_overload(self):
        """Before saving: would the new KAM be overloaded?"""
        kam, account = self.kam_user_id, self.commercial_partner_id._origin
        if not kam or not account or kam == account.sudo().kam_own_user_id:
            return None
        load, limit = kam._kam_load_with(account, self.env.company)
        if load <= limit:
            return None
        return {
            "warning": {
                "title": self.env._("%(user)s would be overloaded", user=kam.name),
                "message": self.env._(
                    "With %(account)s, the load of %(user)s would be %(load).0f %% of their "
                    "capacity (overloaded above %(limit).0f %%).",
                    account=account.display_name,
                    user=kam.name,
                    load=load,
                    limit=limit,
                ),
            }
        }

    @api.constrains("kam_own_effort_adjustment", "kam_own_effort_adjustment_reason")
    def _check_kam_effort_adjustment_reason(self):
        for partner in self.sudo():
            if partner.kam_own_effort_adjustment and not (
                (partner.kam_own_effort_adjustment_reason or "").strip()
            ):
                raise ValidationError(
                    self.env._(
                        "Say why the effort of %(account)s is adjusted: the adjustment needs "
                        "a reason.",
                        account=partner.display_name,
                    )
                )

    def _kam_figures(self):
        """The ranking rows of the accounts of ``self`` in the current company, by
        account id (one query for any number of partners)."""
        figures = (
            self.env["kam.account.figure"]
            .sudo()
            .search_fetch(
                [
                    ("company_id", "=", self.env.company.id),
                    ("account_ref", "in", self.commercial_partner_id.ids),
                ],
                ["account_ref", "revenue", "share", "cumulative_share", "rank", "tier", "is_key"],
            )
        )
        return {figure.account_ref: figure for figure in figures}

    def _inverse_kam_ranking(self):
        """A KAM manager corrects the ranking of an account until the next
        computation (which rewrites it)."""
        figure_model = self.env["kam.account.figure"].sudo()
        company = self.env.company
        for account in self.commercial_partner_id:
            values = {column: account[fname] for fname, column in RANKING_FIELDS.items()}
            figure = account._kam_figures().get(account.id)
            if figure:
                figure.write(values)
            else:
                figure_model.create({"company_id": company.id, "account_ref": account.id, **values})

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

    @api.constrains(
        "kam_own_is_strategic", "kam_own_strategic_reason", "kam_own_strategic_review_date"
    )
    def _check_kam_strategic_details(self):
        for partner in self.sudo():
            if partner.kam_own_is_strategic and not (
                (partner.kam_own_strategic_reason or "").strip()
                and partner.kam_own_strategic_review_date
            ):
                raise ValidationError(
                    self.env._(
                        "%(account)s is flagged as a strategic account: give the reason "
                        "why it is strategic and the date when this must be reviewed.",
                        account=partner.display_name,
                    )
                )

    @api.constrains("kam_own_key_override", "kam_own_key_override_reason")
    def _check_kam_key_override_reason(self):
        for partner in self.sudo():
            if partner.kam_own_key_override and not (
                (partner.kam_own_key_override_reason or "").strip()
            ):
                raise ValidationError(
                    self.env._(
                        "Say why %(account)s is forced in or out of the key accounts: the "
                        "decision needs a reason.",
                        account=partner.display_name,
                    )
                )

    @api.constrains("kam_own_user_id")
    def _check_kam_user_is_kam(self):
        """Checked when somebody assigns a KAM, never when a contact is synced."""
        company = self.env.company
        for partner in self.sudo().filtered("kam_own_user_id"):
            kam = partner.kam_own_user_id
            if not kam._kam_is_kam():
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot manage %(account)s: only users of the group "
                        "“Key Account Management / User” can be Key Account Managers.",
                        user=kam.name,
                        account=partner.display_name,
                    )
                )
            if company not in kam.company_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot manage %(account)s in %(company)s: they have no "
                        "access to that company.",
                        user=kam.name,
                        account=partner.display_name,
                        company=company.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self._kam_is_manager():
            for vals in vals_list:
                self.browse()._kam_check_manager_fields(vals)
        vals_list = [dict(vals) for vals in vals_list]
        account_values = [self._kam_pop_account_values(vals) for vals in vals_list]
        partners = super().create(vals_list)
        for partner, values in zip(partners, account_values, strict=True):
            if values:
                partner.commercial_partner_id.write(values)
        for partner, vals in zip(partners, vals_list, strict=True):
            if vals.get("kam_own_user_id"):
                self.env["kam.account.member"]._sync_team_from_account(
                    partner, self.env.company, partner.sudo().kam_own_user_id
                )
        return partners

    def write(self, vals):
        self._kam_check_manager_fields(vals)
        vals = dict(vals)
        account_values = self._kam_pop_account_values(vals)
        result = super().write(vals)
        if "kam_own_user_id" in vals:
            # the team's lead follows the account's KAM in this company
            self.env["kam.account.member"]._sync_team_from_account(
                self, self.env.company, self[:1].sudo().kam_own_user_id
            )
        if account_values:
            self.commercial_partner_id.write(account_values)
        return result

    def _kam_sync_kam_from_team(self):
        """The lead of the team went: the account's KAM in this company is the
        current lead, or nobody."""
        today = fields.Date.context_today(self)
        for account in self:
            lead = (
                self.env["kam.account.member"]
                .sudo()
                .search(
                    [
                        ("account_id", "=", account.id),
                        ("company_id", "=", self.env.company.id),
                        ("is_lead", "=", True),
                    ]
                )
                .filtered(lambda member: member._current_on(today))[:1]
            )
            if account.sudo().kam_own_user_id != lead.user_id:
                account.sudo().kam_own_user_id = lead.user_id

    @api.model
    def _kam_pop_account_values(self, vals):
        """Take the ``kam_*`` values out of ``vals``, as values of the account's own
        fields: written together in one write on the account (a strategic flag and
        its reason are checked together), not one related field at a time."""
        return {
            EDITABLE_FIELDS[fname]: vals.pop(fname)
            for fname in list(vals)
            if fname in EDITABLE_FIELDS
        }

    def _kam_check_manager_fields(self, vals):
        """Refuse a change of a manager-only field by someone who is not a KAM manager.

        ``self`` holds the partners being written (empty for a creation). Writing
        the value a partner already has is not a change (forms may send unchanged
        values). The ``kam_*`` fields a user edits write these fields on the
        commercial entity, which comes back here.
        """
        changed = vals.keys() & {*DECISION_FIELDS, *RANKING_FIELDS}
        if not changed or self._kam_is_manager():
            return
        for partner in self.sudo() or [self.sudo()]:
            for fname in changed:
                field = self._fields[fname]
                new_value = field.convert_to_cache(vals[fname], partner)
                current_value = field.convert_to_cache(partner[fname], partner)
                if (new_value or False) == (current_value or False):
                    continue
                public_field = self._fields[fname.replace("kam_own_", "kam_")]
                raise AccessError(
                    self.env._(
                        "Only Key Account Managers can change the %(field)s of an account. "
                        "Ask a KAM manager to change it for %(account)s.",
                        field=public_field._description_string(self.env),
                        account=partner.display_name or self.env._("a new account"),
                    )
                )

    @api.depends_context("company")
    @api.depends("commercial_partner_id")
    def _compute_kam_health(self):
        accounts = self.commercial_partner_id._origin
        healths = self.env["kam.account.health"].search(
            [
                ("account_id", "in", accounts.ids),
                ("company_id", "=", self.env.company.id),
                ("is_current", "=", True),
            ]
        )
        health_of = {health.account_id.id: health for health in healths}
        for partner in self:
            health = health_of.get(partner.commercial_partner_id._origin.id)
            partner.kam_health_id = health
            partner.kam_health_score = health.score if health else 0
            partner.kam_health_band = health.band if health else False
            partner.kam_health_falling = bool(health and health.is_falling)
            partner.kam_health_explanation = health.explanation if health else False

    def _kam_health_accounts(self, domain):
        """SQL: the accounts whose current health in the current company matches."""
        query = self.env["kam.account.health"]._search(
            [("is_current", "=", True), ("company_id", "=", self.env.company.id), *domain]
        )
        return query.subselect("account_id")

    def _search_kam_health_band(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Search the health band with =, !=, in or not in."))
        values = [value] if operator in ("=", "!=") else list(value)
        positive = [v for v in values if v]
        domain = [
            ("commercial_partner_id", "in", self._kam_health_accounts([("band", "in", positive)]))
        ]
        if False in values:  # no health: not a key account, or not scored yet
            domain = [
                "|",
                *domain,
                ("commercial_partner_id", "not in", self._kam_health_accounts([])),
            ]
        return ["!", *domain] if operator in ("!=", "not in") else domain

    def _search_kam_health_falling(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Search “Health Falling” with = or !=."))
        falling = self._kam_health_accounts([("is_falling", "=", True)])
        positive = (operator == "=") == bool(value)
        return [("commercial_partner_id", "in" if positive else "not in", falling)]

    def action_kam_open_health_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.kam_account_health_action_history"
        )
        action["domain"] = [
            ("account_id", "=", self.commercial_partner_id.id),
            ("company_id", "=", self.env.company.id),
        ]
        action["display_name"] = self.env._(
            "Health of %(account)s", account=self.commercial_partner_id.name
        )
        return action

    def action_kam_what_if(self):
        self.ensure_one()
        wizard = self.env["kam.what.if.wizard"].create(
            {"account_id": self.commercial_partner_id.id, "company_id": self.env.company.id}
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "What If We Lose %(account)s", account=self.commercial_partner_id.name
            ),
            "res_model": "kam.what.if.wizard",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.depends_context("company")
    def _compute_kam_tension_counts(self):
        accounts = self.commercial_partner_id._origin
        counts = dict.fromkeys(accounts.ids, (0, 0))
        groups = self.env["kam.tension"]._read_group(
            [
                ("account_id", "in", accounts.ids),
                ("company_id", "=", self.env.company.id),
                ("state", "!=", "resolved"),
            ],
            ["account_id", "state"],
            ["__count"],
        )
        for account, state, count in groups:
            unresolved, escalated = counts[account.id]
            counts[account.id] = (
                unresolved + count,
                escalated + (count if state == "escalated" else 0),
            )
        for partner in self:
            unresolved, escalated = counts.get(partner.commercial_partner_id._origin.id, (0, 0))
            partner.kam_tension_open_count = unresolved
            partner.kam_tension_escalated_count = escalated

    @api.depends_context("company")
    def _compute_kam_currency_id(self):
        self.kam_currency_id = self.env.company.currency_id

    @api.depends_context("company")
    @api.depends("commercial_partner_id")
    def _compute_kam_scorecard(self):
        accounts = self.commercial_partner_id._origin
        scorecards = self.env["kam.account.scorecard"].search(
            [("account_id", "in", accounts.ids), ("company_id", "=", self.env.company.id)]
        )
        scorecard_of = {scorecard.account_id.id: scorecard for scorecard in scorecards}
        for partner in self:
            scorecard = scorecard_of.get(partner.commercial_partner_id._origin.id)
            partner.kam_scorecard_id = scorecard
            partner.kam_score_information = scorecard.score_information if scorecard else 0
            partner.kam_score_relationships = scorecard.score_relationships if scorecard else 0
            partner.kam_score_business = scorecard.score_business if scorecard else 0
            partner.kam_score_team = scorecard.score_team if scorecard else 0
            partner.kam_revenue_trend = scorecard.revenue_trend if scorecard else 0.0
            for function in ("information", "relationships", "business", "team"):
                partner[f"kam_scorecard_reasons_{function}"] = (
                    scorecard[f"reasons_{function}"] if scorecard else False
                )

    @api.depends_context("company")
    @api.depends("commercial_partner_id")
    def _compute_kam_gap_count(self):
        accounts = self.commercial_partner_id._origin
        counts = dict(
            self.env["kam.relationship.gap"]._read_group(
                [("account_id", "in", accounts.ids), ("company_id", "=", self.env.company.id)],
                ["account_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.kam_gap_count = counts.get(partner.commercial_partner_id._origin, 0)

    def _kam_my_accounts_domain(self):
        teams = self.env["kam.account.member"]._search(
            [
                ("user_id", "=", self.env.uid),
                ("company_id", "=", self.env.company.id),
                ("is_current", "=", True),
            ]
        )
        return [
            "|",
            ("kam_user_id", "=", self.env.uid),
            ("commercial_partner_id", "in", teams.subselect("account_id")),
        ]

    @api.depends_context("company", "uid")
    @api.depends("commercial_partner_id")
    def _compute_kam_is_my_account(self):
        mine = self.search([("id", "in", self.ids), *self._kam_my_accounts_domain()])
        for partner in self:
            partner.kam_is_my_account = partner in mine

    def _search_kam_is_my_account(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search “My Key Account” with = or != and a yes/no."))
        domain = self._kam_my_accounts_domain()
        return domain if (operator == "=") == value else ["!", *domain]

    @api.model
    def action_kam_open_key_accounts(self):
        """Key Accounts: a KAM starts on their own accounts, a manager on all."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.res_partner_action_key_account"
        )
        if not self.env.user.has_group("kam_management.group_kam_manager"):
            context = safe_eval(action.get("context") or "{}")
            action["context"] = {**context, "search_default_my_key_accounts": 1}
        return action

    def action_kam_open_tensions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("kam_management.kam_tension_action")
        account = self.commercial_partner_id
        action["domain"] = [("account_id", "=", account.id)]
        action["context"] = {"default_account_id": account.id}
        return action

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
            partner.kam_plan_progress = partner.kam_current_plan_id.progress

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
        """The people of this account as an org chart (who reports to whom), with
        the gaps of the map above it; the cards grouped by buying role come next."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.kam_stakeholder_action_map"
        )
        action["domain"] = [("account_id", "=", self.commercial_partner_id.id)]
        # the kanban groups itself by buying role (default_group_by of its view)
        action["context"] = {"default_account_id": self.commercial_partner_id.id}
        action["display_name"] = self.env._(
            "Relationship Map: %(account)s", account=self.commercial_partner_id.name
        )
        return action

    def _compute_kam_competitor_account_count(self):
        groups = self.env["kam.competitor.presence"]._read_group(
            [("competitor_id", "in", self._origin.ids)],
            ["competitor_id"],
            ["account_id:count_distinct"],
        )
        counts = {competitor.id: count for competitor, count in groups}
        for partner in self:
            partner.kam_competitor_account_count = counts.get(partner._origin.id, 0)

    @api.depends_context("company")
    def _compute_kam_info_stale(self):
        company = self.env.company
        limit = self.env["kam.competitor.presence"]._stale_before(company)
        accounts = self.commercial_partner_id._origin
        stale = {
            account.id: count
            for account, count in self.env["kam.competitor.presence"]._read_group(
                [
                    ("account_id", "in", accounts.ids),
                    ("company_id", "=", company.id),
                    ("info_date", "<", limit),
                ],
                ["account_id"],
                ["__count"],
            )
        }
        for partner in self:
            account = partner.commercial_partner_id._origin
            plan = partner.kam_current_plan_id
            count = stale.get(account.id, 0) + (len(plan._stale_information()) if plan else 0)
            partner.kam_info_stale_count = count
            partner.kam_info_is_stale = bool(count)

    def _search_kam_info_is_stale(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search “Information Stale” with = or != and a yes/no."))
        company = self.env.company
        limit = self.env["kam.competitor.presence"]._stale_before(company)
        stale_presences = self.env["kam.competitor.presence"]._search(
            [("company_id", "=", company.id), ("info_date", "<", limit)]
        )
        stale_plans = self.env["kam.account.plan"]._search(
            [
                ("company_id", "=", company.id),
                ("state", "in", ("active", "review")),
                "|",
                "|",
                ("needs_date", "<", limit),
                ("value_proposition_date", "<", limit),
                ("swot_date", "<", limit),
            ]
        )
        domain = [
            "|",
            ("commercial_partner_id", "in", stale_presences.subselect("account_id")),
            ("commercial_partner_id", "in", stale_plans.subselect("account_id")),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    def action_kam_open_competitor_presence(self):
        """Where we meet this competitor, across the portfolio."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.kam_competitor_presence_action"
        )
        action["domain"] = [("competitor_id", "=", self.id)]
        action["context"] = {"default_competitor_id": self.id, "search_default_group_account": 1}
        action["display_name"] = self.env._("Where We Meet %(competitor)s", competitor=self.name)
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

    def action_kam_executive_review(self):
        """The executive review of the account: choose the period, then print."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.kam_executive_review_wizard_action"
        )
        action["context"] = {"default_account_id": self.commercial_partner_id.id}
        return action
