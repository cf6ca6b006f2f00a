from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, is_html_empty

PLAN_STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("review", "In Review"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
LIVE_STATES = ("active", "review")
REVIEW_CADENCES = [
    ("monthly", "Monthly"),
    ("quarterly", "Quarterly"),
    ("half_yearly", "Every Six Months"),
    ("yearly", "Yearly"),
]
# the information of a plan, and the date that says when it was last confirmed
DATED_INFORMATION = {
    "needs_date": ("customer_needs",),
    "value_proposition_date": ("value_proposition",),
    "swot_date": ("swot_strengths", "swot_weaknesses", "swot_opportunities", "swot_threats"),
}
CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
# Which states each state may move to, so that a plan cannot jump the review.
TRANSITIONS = {
    "draft": ("active", "cancelled"),
    "active": ("review", "closed", "cancelled"),
    "review": ("active", "closed", "cancelled"),
    "closed": ("draft",),
    "cancelled": ("draft",),
}


class KamAccountPlan(models.Model):
    """The plan of a key account for a period, measured against real sales."""

    _name = "kam.account.plan"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "kam.account.managed.mixin",
        "kam.nightly.mixin",
        "kam.state.machine.mixin",
    ]
    _description = "Account Plan"
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _kam_transitions = TRANSITIONS

    name = fields.Char(
        compute="_compute_name",
        store=True,
        readonly=False,
        copy=False,
        tracking=True,
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    account_id = fields.Many2one(
        "res.partner",
        string="Key Account",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        tracking=True,
        domain=lambda self: self.env["res.partner"]._kam_user_domain(),
        help="Who keeps this plan alive: by default the KAM of the account. Only KAMs "
        "can own a plan: the owner receives its review activities.",
    )
    date_start = fields.Date(string="Start", required=True, tracking=True)
    date_end = fields.Date(string="End", required=True, tracking=True)
    state = fields.Selection(
        PLAN_STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        group_expand="_group_expand_states",
    )
    customer_needs = fields.Html(
        string="Needs and Goals of the Customer",
        help="What the customer wants to achieve, in their own words.",
    )
    value_proposition = fields.Html(
        help="What makes us different for this account: the factor X.",
    )
    swot_strengths = fields.Html(string="Strengths")
    swot_weaknesses = fields.Html(string="Weaknesses")
    swot_opportunities = fields.Html(string="Opportunities")
    swot_threats = fields.Html(string="Threats")
    needs_date = fields.Date(
        string="Needs Confirmed On",
        help="When the needs and goals were last written or confirmed.",
    )
    value_proposition_date = fields.Date(
        string="Value Proposition Confirmed On",
        help="When the value proposition was last written or confirmed.",
    )
    swot_date = fields.Date(
        string="SWOT Confirmed On", help="When the SWOT was last written or confirmed."
    )
    presence_ids = fields.One2many(
        "kam.competitor.presence",
        string="Competitors at the Account",
        compute="_compute_presence_ids",
        help="The competitors recorded at the account (its Competition tab).",
    )
    competition_notes = fields.Html(help="How the competitors are positioned at the account.")
    revenue_target = fields.Monetary(
        tracking=True,
        help="Revenue expected from the account over the plan period.",
    )
    revenue_actual = fields.Monetary(
        readonly=True,
        copy=False,
        help="Revenue of the account over the plan period, from the revenue source of "
        "the Key Account settings (posted invoices net of credit notes, or confirmed "
        "orders). Updated every night and with Update Figures.",
    )
    revenue_progress = fields.Float(
        string="Revenue Progress (%)",
        compute="_compute_revenue_progress",
        store=True,
        aggregator="avg",
    )
    measured_date = fields.Datetime(string="Figures Updated On", readonly=True, copy=False)
    objective_ids = fields.One2many("kam.account.plan.objective", "plan_id", string="Objectives")
    objective_count = fields.Integer(compute="_compute_objective_summary", store=True)
    progress = fields.Float(
        string="Objectives Progress (%)",
        compute="_compute_objective_summary",
        store=True,
        aggregator="avg",
        help="Average progress of the objectives, each counted up to 100 %.",
    )
    is_at_risk = fields.Boolean(
        string="At Risk",
        compute="_compute_objective_summary",
        store=True,
        help="At least one objective is at risk or late.",
    )
    review_cadence = fields.Selection(
        REVIEW_CADENCES, default="quarterly", required=True, tracking=True
    )
    next_review_date = fields.Date(
        tracking=True,
        copy=False,
        help="A review activity is given to the owner on this date.",
    )
    last_review_date = fields.Date(readonly=True, copy=False)
    last_change_date = fields.Datetime(
        string="Last Change",
        readonly=True,
        copy=False,
        default=fields.Datetime.now,
        help="Last time a person changed the plan or its objectives.",
    )
    is_stale = fields.Boolean(
        string="Stale",
        readonly=True,
        copy=False,
        help="Nothing changed in the plan, its objectives or its chatter within the review "
        "cadence.",
    )
    previous_plan_id = fields.Many2one(
        "kam.account.plan",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    stakeholder_ids = fields.One2many(related="account_id.kam_stakeholder_ids")

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------
    @api.depends("account_id", "company_id")
    def _compute_presence_ids(self):
        presences = self.env["kam.competitor.presence"].search(
            [("account_id", "in", self.account_id.ids), ("company_id", "in", self.company_id.ids)]
        )
        for plan in self:
            plan.presence_ids = presences.filtered(
                lambda presence, plan=plan: (
                    presence.account_id == plan.account_id
                    and presence.company_id == plan.company_id
                )
            )

    def _kam_map_rows(self):
        """The relationship map of the account as an org chart for the printed
        plan: [(stakeholder, depth)], the people who report to nobody on the map
        first, each followed by the people reporting to them, one level deeper
        (siblings in the map's order: most influential first). Reporting lines
        cannot go round (kam.stakeholder._check_reports_to)."""
        self.ensure_one()
        people = self.stakeholder_ids
        reports = defaultdict(list)
        for person in people:
            # someone reporting to an archived person is at the top of what is left
            reports[person.reports_to_id.id if person.reports_to_id in people else False].append(
                person
            )
        rows = []

        def add(boss_id, depth):
            for person in reports[boss_id]:
                rows.append((person, depth))
                add(person.id, depth + 1)

        add(False, 0)
        return rows

    def _stale_information(self):
        """The dated information of a live plan confirmed longer ago than the
        company's age limit (names of the date fields)."""
        self.ensure_one()
        if self.state not in LIVE_STATES:
            return []
        limit = self.env["kam.competitor.presence"]._stale_before(self.company_id)
        return [fname for fname in DATED_INFORMATION if self[fname] and self[fname] < limit]

    def _dated_information(self, vals):
        """The confirmation dates that the written ``vals`` change: today for what
        was written, none for what was emptied."""
        today = fields.Date.context_today(self)
        dates = {}
        for date_field, content_fields in DATED_INFORMATION.items():
            if date_field in vals or not set(content_fields) & vals.keys():
                continue
            written = [vals[fname] for fname in content_fields if fname in vals]
            if any(not is_html_empty(content) for content in written):
                dates[date_field] = today
            elif all(is_html_empty(self[fname]) for fname in content_fields if fname not in vals):
                dates[date_field] = False
        return dates

    def action_confirm_information(self):
        """The KAM checked the needs, value proposition and SWOT: current as of today."""
        today = fields.Date.context_today(self)
        for plan in self:
            plan.write(
                {
                    date_field: today
                    for date_field, content_fields in DATED_INFORMATION.items()
                    if any(not is_html_empty(plan[fname]) for fname in content_fields)
                }
            )

    @api.depends("account_id", "date_start", "date_end")
    def _compute_name(self):
        for plan in self:
            if not plan.account_id or not plan.date_start:
                plan.name = plan.name or False
                continue
            period = str(plan.date_start.year)
            if plan.date_end and plan.date_end.year != plan.date_start.year:
                period = f"{plan.date_start.year}–{plan.date_end.year}"
            plan.name = self.env._(
                "%(account)s plan %(period)s", account=plan.account_id.name, period=period
            )

    @api.depends("account_id", "company_id")
    def _compute_user_id(self):
        for plan in self:
            plan.user_id = plan.kam_user_id or plan.user_id or self.env.user

    @api.depends("revenue_actual", "revenue_target")
    def _compute_revenue_progress(self):
        for plan in self:
            plan.revenue_progress = (
                plan.revenue_actual / plan.revenue_target * 100 if plan.revenue_target > 0 else 0.0
            )

    @api.depends("objective_ids.progress", "objective_ids.status")
    def _compute_objective_summary(self):
        for plan in self:
            objectives = plan.objective_ids
            plan.objective_count = len(objectives)
            plan.progress = (
                sum(min(objective.progress, 100.0) for objective in objectives) / len(objectives)
                if objectives
                else 0.0
            )
            plan.is_at_risk = any(
                objective.status in ("at_risk", "late") for objective in objectives
            )

    @api.model
    def _group_expand_states(self, states, domain):
        return [key for key, _label in PLAN_STATES]

    @api.constrains("revenue_target")
    def _check_revenue_target(self):
        for plan in self:
            if plan.revenue_target < 0:
                raise ValidationError(
                    self.env._(
                        "The revenue target of %(plan)s cannot be negative.",
                        plan=plan.display_name,
                    )
                )

    @api.constrains("user_id")
    def _check_owner_is_kam(self):
        for plan in self.filtered("user_id"):
            if not plan.user_id._kam_is_kam():
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot own the plan %(plan)s: only users of the group "
                        "“Key Account Management / User” can own account plans.",
                        user=plan.user_id.name,
                        plan=plan.display_name,
                    )
                )

    @api.constrains("date_start", "date_end")
    def _check_period(self):
        for plan in self:
            if plan.date_end < plan.date_start:
                raise ValidationError(
                    self.env._("The plan %(plan)s ends before it starts.", plan=plan.display_name)
                )
        self.objective_ids._check_deadline()

    @api.constrains("account_id")
    def _check_account_is_commercial_entity(self):
        self.account_id._kam_check_is_account(
            self.env._(
                "%(account)s is a contact, not an account: make the plan for %(commercial)s."
            )
        )

    @api.constrains("account_id", "date_start", "date_end", "state", "company_id", "active")
    def _check_no_overlap(self):
        for plan in self.filtered(lambda plan: plan.state in LIVE_STATES):
            # an archived plan still holds its period: unarchiving it must not overlap
            overlapping = self.with_context(active_test=False).search(
                [
                    ("id", "!=", plan.id),
                    ("account_id", "=", plan.account_id.id),
                    ("company_id", "=", plan.company_id.id),
                    ("state", "in", LIVE_STATES),
                    ("date_start", "<=", plan.date_end),
                    ("date_end", ">=", plan.date_start),
                ],
                limit=1,
            )
            if overlapping:
                raise ValidationError(
                    self.env._(
                        "%(account)s already has an active plan over these dates: %(other)s "
                        "(%(start)s – %(end)s). Close it or change the dates first.",
                        account=plan.account_id.display_name,
                        other=overlapping.display_name,
                        start=overlapping.date_start,
                        end=overlapping.date_end,
                    )
                )

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("state", "draft") != "draft":
                self._check_known_state(vals["state"])
                raise UserError(
                    self.env._(
                        "A new plan starts as a draft: create it, then activate it. "
                        "Its state cannot be set to “%(state)s” on creation.",
                        state=self._state_labels()[vals["state"]],
                    )
                )
        today = fields.Date.context_today(self)
        for vals in vals_list:
            for date_field, content_fields in DATED_INFORMATION.items():
                if date_field not in vals and any(
                    not is_html_empty(vals.get(fname)) for fname in content_fields
                ):
                    vals[date_field] = today
        plans = super().create(vals_list)
        for plan in plans:
            if not plan.next_review_date:
                plan.with_context(kam_measure=True).next_review_date = plan._review_date_after(
                    plan.date_start
                )
        plans._refresh_measures()
        return plans

    def write(self, vals):
        if "state" in vals:  # the state machine holds for imports and the API too
            self.filtered(lambda plan: plan.state != vals["state"])._check_transition(vals["state"])
        # what the nightly refresh writes (context kam_measure) is not a change by a person
        if not self.env.context.get("kam_measure"):
            vals = {"last_change_date": fields.Datetime.now(), "is_stale": False, **vals}
        if (
            self
            and {fname for names in DATED_INFORMATION.values() for fname in names} & vals.keys()
        ):
            for plan in self:
                dates = plan._dated_information(vals)
                if dates:
                    super(KamAccountPlan, plan).write(dates)
        result = super().write(vals)
        if not self.env.su and {"account_id", "company_id"} & vals.keys():
            # rules are checked before a write: moving a plan is allowed only to an
            # account where the user could have created it
            self.check_access("create")
        if {"account_id", "date_start", "date_end", "company_id"} & set(vals):
            self._refresh_measures()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        for plan in self.filtered(lambda plan: plan.state != "draft"):
            raise UserError(
                self.env._(
                    "The plan %(plan)s is %(state)s: only draft plans can be deleted. "
                    "Cancel or archive it instead.",
                    plan=plan.display_name,
                    state=self._state_labels()[plan.state],
                )
            )

    def _touch(self):
        """A person changed something in the plan (its objectives, say)."""
        self.with_context(kam_measure=True).write(
            {"last_change_date": fields.Datetime.now(), "is_stale": False}
        )

    def _review_date_after(self, date):
        return date + relativedelta(months=CADENCE_MONTHS[self.review_cadence])

    # ------------------------------------------------------------------
    # State machine
    # ------------------------------------------------------------------
    def _move_to(self, state):
        self._check_transition(state)
        self.write({"state": state})

    @api.model
    def _kam_unknown_state_message(self, state, labels):
        return self.env._(
            "“%(state)s” is not a state of an account plan. A plan is one of: %(states)s.",
            state=state,
            states=", ".join(labels.values()),
        )

    def _kam_refused_transition_message(self, current, target):
        return self.env._(
            "The plan %(plan)s is %(current)s: it cannot become %(target)s.",
            plan=self.display_name,
            current=current,
            target=target,
        )

    def action_activate(self):
        self._move_to("active")

    def action_start_review(self):
        self._move_to("review")

    def action_finish_review(self):
        """The review is done: back to active, next review one cadence later."""
        self._move_to("active")
        self._mark_reviewed()
        self.activity_feedback(
            ["kam_management.mail_activity_type_plan_review"],
            feedback=self.env._("Plan reviewed."),
        )

    def _mark_reviewed(self):
        """Reviewed today: the next review one cadence later."""
        today = fields.Date.context_today(self)
        for plan in self.filtered(lambda plan: plan.last_review_date != today):
            plan.write(
                {"last_review_date": today, "next_review_date": plan._review_date_after(today)}
            )

    def action_close(self):
        self._move_to("closed")
        self.activity_unlink(["kam_management.mail_activity_type_plan_review"])

    def action_cancel(self):
        self._move_to("cancelled")
        self.activity_unlink(["kam_management.mail_activity_type_plan_review"])

    def action_reset_to_draft(self):
        self._move_to("draft")

    # ------------------------------------------------------------------
    # Copy to next period
    # ------------------------------------------------------------------
    def _next_period(self):
        """The period right after this one, of the same length (in months when it
        is made of whole months)."""
        self.ensure_one()
        start = self.date_end + timedelta(days=1)
        span = relativedelta(start, self.date_start)
        if self.date_start.day == 1 and not span.days:
            return start, start + relativedelta(months=span.months + 12 * span.years, days=-1)
        return start, start + (self.date_end - self.date_start)

    def action_copy_to_next_period(self):
        self.ensure_one()
        date_start, date_end = self._next_period()
        shift = relativedelta(date_start, self.date_start)
        next_plan = self.copy(
            {
                "date_start": date_start,
                "date_end": date_end,
                "previous_plan_id": self.id,
            }
        )
        for objective in self.objective_ids.filtered(lambda objective: objective.status != "done"):
            objective.copy(
                {
                    "plan_id": next_plan.id,
                    "deadline": objective.deadline and min(objective.deadline + shift, date_end),
                }
            )
        next_plan.message_post(
            body=self.env._(
                "Copied from %(plan)s with its open objectives.", plan=self.display_name
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": next_plan.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    def action_refresh_measures(self):
        # figures derived from sales: whoever may read the plan may bring them up to date
        self.check_access("read")
        self.sudo()._refresh_measures()

    def _refresh_measures(self):
        """Measure the revenue of the plans and the actuals of their objectives."""
        plans = self.filtered(lambda plan: plan.account_id and plan.date_start and plan.date_end)
        if not plans:
            return
        self.env.flush_all()
        revenue = self._measure_revenue(
            [(plan.id, plan, plan.date_start, plan.date_end, None) for plan in plans]
        )
        for plan in plans.with_context(kam_measure=True):
            plan.write(
                {
                    "revenue_actual": revenue.get(plan.id, 0.0),
                    "measured_date": fields.Datetime.now(),
                }
            )
        plans.objective_ids._refresh_actual()

    @api.model
    def _measure(self, periods, query):
        """Figure per key for periods (key, plan, date_from, date_to, category or None).

        The account and the company come from each plan; ``query(company, periods)``
        returns (key, figure) rows for the periods of one company, given as a table.
        """
        return self._measure_by_company(
            ((key, plan.company_id, plan.account_id, start, end, category)
             for key, plan, start, end, category in periods),
            query,
        )  # fmt: skip

    @api.model
    def _measure_accounts(self, periods):
        """Revenue per key for periods (key, company, account, date_from, date_to)."""
        return self._measure_by_company(
            ((key, company, account, start, end, None)
             for key, company, account, start, end in periods),
            self._revenue_query,
        )  # fmt: skip

    @api.model
    def _measure_by_company(self, periods, query):
        # the figures are read in SQL: what the ORM still holds must be written first
        self.env.flush_all()
        by_company = defaultdict(list)
        for key, company, account, date_from, date_to, category in periods:
            by_company[company].append(
                (key, account.commercial_partner_id.id, date_from, date_to, category)
            )
        result = {}
        for company, rows in by_company.items():
            periods_table = SQL(
                """
                SELECT *
                  FROM unnest(%s::int[], %s::int[], %s::date[], %s::date[], %s::int[])
                    AS period(key, partner_id, date_from, date_to, category_id)
                """,
                *(list(column) for column in zip(*rows, strict=True)),
            )
            for key, figure in self.env.execute_query(query(company, periods_table)):
                result[key] = float(figure or 0.0)
        return result

    @api.model
    def _measure_revenue(self, periods):
        """Revenue from the company's revenue source; of a category when one is given."""
        return self._measure(periods, self._revenue_query)

    @api.model
    def _measure_order_count(self, periods):
        return self._measure(periods, self._order_count_query)

    @api.model
    def _revenue_query(self, company, periods_table):
        if company.kam_revenue_source == "order":
            return self._revenue_query_orders(company, periods_table)
        return self._revenue_query_invoices(company, periods_table)

    @api.model
    def _in_category(self, product_column):
        """The product is in the period's category or one of its subcategories."""
        return SQL(
            """
            EXISTS (SELECT 1
                      FROM product_product product
                      JOIN product_template template ON template.id = product.product_tmpl_id
                      JOIN product_category category ON category.id = template.categ_id
                      JOIN product_category parent ON parent.id = period.category_id
                     WHERE product.id = %s
                       AND starts_with(category.parent_path, parent.parent_path))
            """,
            product_column,
        )

    @api.model
    def _revenue_query_invoices(self, company, periods_table):
        # in company currency, credit notes negative; a category counts product lines
        engine = self.env["kam.concentration.engine"]
        in_period = SQL(
            "%s AND move.commercial_partner_id = period.partner_id"
            " AND move.invoice_date BETWEEN period.date_from AND period.date_to",
            engine._counted_invoices(company),
        )
        return SQL(
            """
            WITH period AS (%(periods)s)
            SELECT period.key,
                   CASE WHEN period.category_id IS NULL
                        THEN (SELECT SUM(move.amount_untaxed_signed)
                                FROM account_move move
                               WHERE %(in_period)s)
                        ELSE (SELECT -SUM(line.balance)
                                FROM account_move move
                                JOIN account_move_line line ON line.move_id = move.id
                               WHERE %(in_period)s
                                 AND line.display_type = 'product'
                                 AND %(in_category)s)
                   END
              FROM period
            """,
            periods=periods_table,
            in_period=in_period,
            in_category=self._in_category(SQL("line.product_id")),
        )

    @api.model
    def _orders_in_period(self, company):
        return SQL(
            "%s AND partner.commercial_partner_id = period.partner_id"
            " AND sale.date_order >= period.date_from AND sale.date_order < period.date_to + 1",
            self.env["kam.concentration.engine"]._counted_orders(company),
        )

    @api.model
    def _revenue_query_orders(self, company, periods_table):
        engine = self.env["kam.concentration.engine"]
        return SQL(
            """
            WITH period AS (%(periods)s)
            SELECT period.key,
                   CASE WHEN period.category_id IS NULL
                        THEN (SELECT SUM(%(order_amount)s)
                                FROM sale_order sale
                                JOIN res_partner partner ON partner.id = sale.partner_id
                               WHERE %(in_period)s)
                        ELSE (SELECT SUM(%(line_amount)s)
                                FROM sale_order sale
                                JOIN res_partner partner ON partner.id = sale.partner_id
                                JOIN sale_order_line line ON line.order_id = sale.id
                               WHERE %(in_period)s
                                 AND %(in_category)s)
                   END
              FROM period
            """,
            periods=periods_table,
            in_period=self._orders_in_period(company),
            in_category=self._in_category(SQL("line.product_id")),
            order_amount=engine._in_company_currency(SQL("sale.amount_untaxed")),
            line_amount=engine._in_company_currency(SQL("line.price_subtotal")),
        )

    @api.model
    def _order_count_query(self, company, periods_table):
        return SQL(
            """
            WITH period AS (%(periods)s)
            SELECT period.key,
                   (SELECT COUNT(*)
                      FROM sale_order sale
                      JOIN res_partner partner ON partner.id = sale.partner_id
                     WHERE %(in_period)s)
              FROM period
            """,
            periods=periods_table,
            in_period=self._orders_in_period(company),
        )

    # ------------------------------------------------------------------
    # Keeping plans alive
    # ------------------------------------------------------------------
    @api.model
    def _cron_keep_plans_alive(self, batch_size=200):
        """Every night: update the figures, give due reviews, flag stale plans."""
        self._nightly_run_batch([("state", "in", LIVE_STATES)], batch_size)

    def _nightly_process(self):
        self._refresh_measures()
        self._schedule_due_reviews()
        self._mark_stale()

    def _review_recipient(self):
        """Who gets the review: the owner, else the account's KAM, else a KAM manager
        of the company; only someone who may open the plan and mark it reviewed."""
        self.ensure_one()
        managers = self.env.ref("kam_management.group_kam_manager").users.filtered(
            lambda user: self.company_id in user.company_ids
        )
        # while the owner or the KAM is away, their backup
        for user in (self._kam_present(self.user_id), self._kam_present(self.kam_user_id),
                     *managers):  # fmt: skip
            if user.active and user._kam_is_kam():
                return user
        return self.env["res.users"]

    def _schedule_due_reviews(self):
        review_type = self.env.ref("kam_management.mail_activity_type_plan_review")
        for plan in self:
            recipient = plan._review_recipient()
            # the recipient's day and language, not those of whoever runs the job
            plan_for_recipient = plan.with_context(lang=recipient.lang, tz=recipient.tz)
            today = fields.Date.context_today(plan_for_recipient)
            if not (recipient and plan.next_review_date and plan.next_review_date <= today):
                continue
            if plan.activity_ids.filtered(
                lambda activity: activity.activity_type_id == review_type
            ):
                continue
            plan_for_recipient.activity_schedule(
                "kam_management.mail_activity_type_plan_review",
                date_deadline=plan.next_review_date,
                user_id=recipient.id,
                note=plan_for_recipient.env._(
                    "Review the plan with the account team: objectives, actuals against "
                    "targets, value proposition and next actions. Mark the review finished "
                    "on the plan."
                ),
            )

    def _mark_stale(self):
        """Stale: no change by a person, and no note, email or done activity in the
        chatter, within one review cadence."""
        if not self:
            return
        today = fields.Date.context_today(self)
        last_message = dict(
            self.env.execute_query(
                SQL(
                    """
                    SELECT res_id, MAX(date)
                      FROM mail_message
                     WHERE model = %s AND res_id = ANY(%s)
                       AND (message_type IN ('comment', 'email')
                            OR mail_activity_type_id IS NOT NULL)
                  GROUP BY res_id
                    """,
                    self._name,
                    self.ids,
                )
            )
        )
        for plan in self:
            last = max(
                filter(None, [plan.last_change_date, last_message.get(plan.id)]),
                default=plan.create_date,
            )
            cutoff = today - relativedelta(months=CADENCE_MONTHS[plan.review_cadence])
            stale = last.date() < cutoff
            if stale != plan.is_stale:
                plan.with_context(kam_measure=True).is_stale = stale

    def action_kam_executive_review(self):
        """The executive review of the account over the plan's period."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.kam_executive_review_wizard_action"
        )
        action["context"] = {
            "default_account_id": self.account_id.id,
            "default_plan_id": self.id,
        }
        return action
