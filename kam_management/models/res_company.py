import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

REVENUE_SOURCES = [
    ("invoice", "Posted customer invoices (net of credit notes)"),
    ("order", "Confirmed sales orders"),
]
# checked together: the weights sum to 100, the bands are in order (Settings writes
# them in one write)
HEALTH_WEIGHTS_AND_BANDS = (
    "kam_health_weight_revenue",
    "kam_health_weight_payment",
    "kam_health_weight_rhythm",
    "kam_health_weight_relationship",
    "kam_health_weight_plan",
    "kam_health_weight_tension",
    "kam_health_healthy_min",
    "kam_health_watch_min",
)
RISK_METRICS = [
    ("top10", "Share of the 10 largest customers (%)"),
    ("hhi", "Herfindahl-Hirschman index (0-10 000)"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    kam_window_months = fields.Integer(
        string="Revenue Window (months)",
        default=12,
        help="Revenue is summed over this many months up to the day of the computation.",
    )
    kam_threshold_percent = fields.Float(
        string="Key Account Threshold (%)",
        default=80.0,
        help="Key accounts by revenue are the smallest set of largest customers that "
        "together make this share of the revenue (Pareto).",
    )
    kam_revenue_source = fields.Selection(
        REVENUE_SOURCES,
        string="Revenue Source",
        default="invoice",
        required=True,
        help="Invoices measure what was billed (facturación); orders what was sold.",
    )
    kam_tier_b_percent = fields.Float(
        string="Tier B Up To (%)",
        default=95.0,
        help="Tier A is the key-account set; the following customers are tier B until "
        "their cumulative share reaches this percentage; the rest is tier C.",
    )
    kam_risk_metric = fields.Selection(
        RISK_METRICS,
        string="Concentration Risk Measure",
        default="top10",
        required=True,
    )
    kam_risk_level = fields.Float(
        string="Concentration Risk Level",
        default=60.0,
        help="When the risk measure of a computation is above this level, KAM managers "
        "get an activity explaining the figure.",
    )
    kam_history_months = fields.Integer(
        string="Keep Account Detail (months)",
        default=24,
        help="Per-account lines of older computations are deleted; the computations "
        "themselves and their figures are kept. 0 keeps everything.",
    )
    kam_stakeholder_cadence_days = fields.Integer(
        string="Default Contact Cadence (days)",
        default=30,
        help="How often a stakeholder should hear from us, unless set on the stakeholder.",
    )
    # Workload of the account teams
    kam_effort_tier_a_hours = fields.Float(
        string="Base Effort, Tier A (h/month)",
        default=16.0,
        help="Hours a month an account of tier A takes, before its relationships.",
    )
    kam_effort_tier_b_hours = fields.Float(string="Base Effort, Tier B (h/month)", default=8.0)
    kam_effort_tier_c_hours = fields.Float(string="Base Effort, Tier C (h/month)", default=3.0)
    kam_effort_strategic_hours = fields.Float(
        string="Base Effort, Strategic (h/month)",
        default=12.0,
        help="Hours a month a strategic account takes, whatever its tier, when that is more "
        "than its tier's.",
    )
    kam_effort_relationship_hours = fields.Float(
        string="Effort per Relationship (h/month)",
        default=3.0,
        help="Hours a month each stakeholder on the account's map takes (practitioners "
        "count 2 to 8).",
    )
    kam_default_capacity_hours = fields.Float(
        string="KAM Capacity (h/month)",
        default=100.0,
        help="Hours a month a KAM has for key-account work, unless set on the KAM.",
    )
    kam_overload_percent = fields.Float(
        string="Overload Above (%)",
        default=100.0,
        help="A KAM whose estimated effort goes above this share of their capacity is overloaded.",
    )
    kam_message_minutes = fields.Float(
        string="Minutes per Message",
        default=5.0,
        help="Measured effort: minutes counted for each message or email a person writes "
        "on an account, its contacts, plans, stakeholders or opportunities.",
    )
    # Signals from the ERP and account health
    kam_signal_overdue_days = fields.Integer(
        string="Overdue Signal After (days)",
        default=30,
        help="Overdue receivables raise a signal when the oldest unpaid invoice is this many "
        "days past its due date.",
    )
    kam_signal_overdue_amount = fields.Float(
        string="Overdue Signal From (amount)",
        default=0.0,
        help="...and the amount past due is at least this much (company currency).",
    )
    kam_signal_drift_days = fields.Integer(
        string="Payment Drift Signal (days)",
        default=15,
        help="Payment drift: the account takes this many days longer to pay (amount-weighted, "
        "last 90 days) than over the 12 months before.",
    )
    kam_signal_decline_percent = fields.Float(
        string="Revenue Decline Signal (%)",
        default=20.0,
        help="Revenue of the last 3 months against the same months a year before, or of the "
        "revenue window against the previous window, fell by at least this share.",
    )
    kam_signal_rhythm_orders = fields.Integer(
        string="Regular Purchase (orders)",
        default=4,
        help="A product category is bought regularly by an account when it appears on at "
        "least this many of its orders (invoices) over the last two years.",
    )
    kam_signal_credit_percent = fields.Float(
        string="Credit Notes Signal (%)",
        default=10.0,
        help="Credit notes over the last 90 days above this share of what was invoiced.",
    )
    kam_signal_snooze_days = fields.Integer(
        string="Dismissed Signals Sleep (days)",
        default=60,
        help="A signal dismissed by a KAM is not raised again for the same account and rule "
        "for this many days.",
    )
    kam_health_weight_revenue = fields.Integer(string="Weight: Revenue Trend", default=25)
    kam_health_weight_payment = fields.Integer(string="Weight: Payment Behaviour", default=20)
    kam_health_weight_rhythm = fields.Integer(string="Weight: Order Rhythm", default=15)
    kam_health_weight_relationship = fields.Integer(string="Weight: Relationships", default=15)
    kam_health_weight_plan = fields.Integer(string="Weight: Account Plan", default=15)
    kam_health_weight_tension = fields.Integer(string="Weight: Open Tensions", default=10)
    kam_health_healthy_min = fields.Integer(
        string="Healthy From (score)", default=70, help="Scores from here up are healthy."
    )
    kam_health_watch_min = fields.Integer(
        string="Watch From (score)",
        default=40,
        help="Scores from here up to the healthy band are to watch; below, at risk.",
    )
    kam_health_drop_points = fields.Integer(
        string="Health Fall Alert (points)",
        default=15,
        help="A health score that fell by more than this many points in 30 days gives the "
        "KAM managers an activity.",
    )
    kam_renewal_notice_days = fields.Integer(
        string="Competitor Renewal Notice (days)",
        default=60,
        help="The KAM gets an activity this many days before a competitor's contract at the "
        "account renews.",
    )
    kam_whitespace_share = fields.Float(
        string="Whitespace: Peers Buying (%)",
        default=40.0,
        help="A category is whitespace for an account when at least this share of its peers "
        "buy it and the account does not.",
    )
    kam_whitespace_categ_level = fields.Integer(
        string="Whitespace: Category Level",
        default=2,
        help="Level of the product category tree the whitespace grid shows (1 = the root "
        "category, 2 = its children...); subcategories count in their ancestor at that level.",
    )
    kam_whitespace_min_peers = fields.Integer(
        string="Whitespace: Peers of an Industry",
        default=3,
        help="An account is compared with the key accounts of its industry when the industry "
        "has at least this many others; else with the key accounts of its tier.",
    )
    kam_whitespace_almost_nothing = fields.Float(
        string="Whitespace: Almost Nothing (%)",
        default=5.0,
        help="An account that bought less than this share of its peers' median in a "
        "category counts as not buying it.",
    )
    kam_slipping_days = fields.Integer(
        string="Slipping Opportunity (days)",
        default=30,
        help="An open opportunity of a key account with no message, done activity or stage "
        "change for this many days (and nothing planned) is slipping.",
    )
    kam_info_max_age_days = fields.Integer(
        string="Information Is Stale After (days)",
        default=180,
        help="Competitor presence, SWOT, value proposition and needs not confirmed for this "
        "many days are flagged stale on the account.",
    )
    kam_last_information_date = fields.Date(
        string="Information Last Computed", readonly=True, copy=False
    )
    kam_information_failed_date = fields.Date(
        string="Information Last Failed", readonly=True, copy=False
    )
    kam_last_signal_date = fields.Date(string="Signals Last Checked", readonly=True, copy=False)
    kam_signal_failed_date = fields.Date(string="Signals Last Failed", readonly=True, copy=False)
    kam_last_concentration_date = fields.Datetime(
        string="Last Concentration Computation", readonly=True, copy=False
    )
    kam_concentration_failed_date = fields.Datetime(
        string="Last Failed Concentration Computation", readonly=True, copy=False
    )
    kam_backfill_requested = fields.Boolean(
        string="Concentration History Back-fill Requested",
        readonly=True,
        copy=False,
        help="The past months of the revenue window are back-filled by the scheduled "
        "action in the next minutes (set at install).",
    )
    kam_concentration_requested = fields.Boolean(
        string="Concentration Computation Requested",
        readonly=True,
        copy=False,
        help="A KAM manager asked for a computation, which the scheduled action runs next.",
    )

    def _kam_backfill_concentration(self):
        """Back-fill the concentration history of these companies now."""
        return self.env["kam.concentration.backfill"].sudo()._backfill_companies(self)

    @api.model
    def _kam_run_daily(self, job, done_field, failed_field, logger, what):
        """``job(company)`` once a day for each active company. Scheduled, one company
        per call (the runner commits it and calls again for the rest); run by hand,
        every company. A company whose job fails is logged and skipped until the next
        day (``failed_field``); ``job`` sets ``done_field`` when it succeeds."""
        companies = self.sudo().search([("active", "=", True)], order="id")
        scheduled = "ir_cron_progress_id" in self.env.context
        today_of = {company: company._kam_today() for company in companies}
        pending = companies.filtered(
            lambda company: today_of[company] not in (company[done_field], company[failed_field])
        )
        for company in pending:
            try:
                with self.env.cr.savepoint():
                    job(company)
            except Exception:
                logger.exception("%s of %s failed; skipped until tomorrow", what, company.name)
                company[failed_field] = today_of[company]
            if scheduled:
                self.env["ir.cron"]._notify_progress(done=1, remaining=len(pending) - 1)
                return

    def _kam_tz(self):
        """The company's time zone (its address's), else that of the user."""
        self.ensure_one()
        name = self.partner_id.tz or self.env.context.get("tz") or self.env.user.tz
        try:
            return pytz.timezone(name or "UTC")
        except pytz.UnknownTimeZoneError:
            return pytz.utc

    def _kam_today(self):
        """Today where the company is: its own time zone, not that of whoever runs
        the nightly job."""
        return fields.Date.context_today(self.with_context(tz=self._kam_tz().zone))

    @api.constrains(
        "kam_effort_tier_a_hours",
        "kam_effort_tier_b_hours",
        "kam_effort_tier_c_hours",
        "kam_effort_strategic_hours",
        "kam_effort_relationship_hours",
        "kam_default_capacity_hours",
        "kam_overload_percent",
        "kam_message_minutes",
    )
    def _check_kam_workload_settings(self):
        for company in self:
            if (
                min(
                    company.kam_effort_tier_a_hours,
                    company.kam_effort_tier_b_hours,
                    company.kam_effort_tier_c_hours,
                    company.kam_effort_strategic_hours,
                    company.kam_effort_relationship_hours,
                    company.kam_message_minutes,
                )
                < 0
            ):
                raise ValidationError(self.env._("Effort hours and minutes cannot be negative."))
            if company.kam_default_capacity_hours <= 0 or company.kam_overload_percent <= 0:
                raise ValidationError(
                    self.env._("A KAM's capacity and the overload level must be above zero.")
                )

    @api.constrains(
        "kam_window_months",
        "kam_threshold_percent",
        "kam_tier_b_percent",
        "kam_risk_metric",
        "kam_risk_level",
        "kam_history_months",
        "kam_stakeholder_cadence_days",
    )
    def _check_kam_settings(self):
        for company in self:
            if not 1 <= company.kam_window_months <= 120:
                raise ValidationError(
                    self.env._("The revenue window must be between 1 and 120 months.")
                )
            if not 1 <= company.kam_threshold_percent <= 100:
                raise ValidationError(
                    self.env._("The key-account threshold must be between 1 % and 100 %.")
                )
            if not company.kam_threshold_percent <= company.kam_tier_b_percent <= 100:
                raise ValidationError(
                    self.env._(
                        "Tier B must end between the key-account threshold (%(threshold)s %%) "
                        "and 100 %%.",
                        threshold=company.kam_threshold_percent,
                    )
                )
            upper = 10_000 if company.kam_risk_metric == "hhi" else 100
            if not 0 < company.kam_risk_level <= upper:
                raise ValidationError(
                    self.env._(
                        "The concentration risk level must be above 0 and at most %(upper)s "
                        "for the chosen measure.",
                        upper=upper,
                    )
                )
            if company.kam_stakeholder_cadence_days < 1:
                raise ValidationError(
                    self.env._("The default contact cadence must be at least one day.")
                )
            if company.kam_history_months < 0:
                raise ValidationError(
                    self.env._("The months of account detail to keep cannot be negative.")
                )

    @api.constrains(
        *HEALTH_WEIGHTS_AND_BANDS,
        "kam_signal_overdue_days",
        "kam_signal_drift_days",
        "kam_signal_decline_percent",
        "kam_signal_rhythm_orders",
        "kam_signal_credit_percent",
        "kam_signal_snooze_days",
        "kam_health_drop_points",
    )
    def _check_kam_health_settings(self):
        for company in self:
            weights = company._kam_health_weights()
            if any(weight < 0 for weight in weights.values()) or sum(weights.values()) != 100:
                raise ValidationError(
                    self.env._(
                        "The weights of the account health must be positive and sum to 100 "
                        "(they sum to %(total)s in %(company)s).",
                        total=sum(weights.values()),
                        company=company.name,
                    )
                )
            if not 0 < company.kam_health_watch_min < company.kam_health_healthy_min <= 100:
                raise ValidationError(
                    self.env._(
                        "Health bands: the watch band must start above 0 and below the healthy "
                        "band, which starts at 100 at most."
                    )
                )
            numbers = (
                company.kam_signal_overdue_days,
                company.kam_signal_drift_days,
                company.kam_signal_decline_percent,
                company.kam_signal_rhythm_orders,
                company.kam_signal_credit_percent,
                company.kam_signal_snooze_days,
                company.kam_health_drop_points,
            )
            if any(number < 0 for number in numbers) or company.kam_signal_rhythm_orders < 2:
                raise ValidationError(
                    self.env._(
                        "Signal thresholds cannot be negative, and a regular purchase needs "
                        "at least 2 orders."
                    )
                )

    def _kam_health_weights(self):
        self.ensure_one()
        return {
            "revenue": self.kam_health_weight_revenue,
            "payment": self.kam_health_weight_payment,
            "rhythm": self.kam_health_weight_rhythm,
            "relationship": self.kam_health_weight_relationship,
            "plan": self.kam_health_weight_plan,
            "tension": self.kam_health_weight_tension,
        }

    @api.constrains(
        "kam_renewal_notice_days",
        "kam_whitespace_share",
        "kam_whitespace_categ_level",
        "kam_whitespace_min_peers",
        "kam_whitespace_almost_nothing",
        "kam_slipping_days",
        "kam_info_max_age_days",
    )
    def _check_kam_information_settings(self):
        for company in self:
            if company.kam_renewal_notice_days < 0 or company.kam_slipping_days < 1:
                raise ValidationError(
                    self.env._(
                        "The renewal notice cannot be negative and an opportunity slips after "
                        "one day at least."
                    )
                )
            if not 0 < company.kam_whitespace_share <= 100:
                raise ValidationError(
                    self.env._(
                        "The share of peers for whitespace must be above 0 and at most 100 %."
                    )
                )
            if not 0 <= company.kam_whitespace_almost_nothing < 100:
                raise ValidationError(
                    self.env._("“Almost nothing” must be at least 0 and below 100 %.")
                )
            if company.kam_whitespace_categ_level < 1 or company.kam_whitespace_min_peers < 1:
                raise ValidationError(
                    self.env._(
                        "The category level of the whitespace grid and the peers of an industry "
                        "must be at least 1."
                    )
                )
            if company.kam_info_max_age_days < 1:
                raise ValidationError(
                    self.env._("Information becomes stale after one day at least.")
                )
