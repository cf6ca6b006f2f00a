from odoo import api, fields, models
from odoo.exceptions import ValidationError

REVENUE_SOURCES = [
    ("invoice", "Posted customer invoices (net of credit notes)"),
    ("order", "Confirmed sales orders"),
]
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
    kam_last_concentration_date = fields.Datetime(
        string="Last Concentration Computation", readonly=True, copy=False
    )
    kam_concentration_failed_date = fields.Datetime(
        string="Last Failed Concentration Computation", readonly=True, copy=False
    )
    kam_concentration_requested = fields.Boolean(
        string="Concentration Computation Requested",
        readonly=True,
        copy=False,
        help="A KAM manager asked for a computation, which the scheduled action runs next.",
    )

    def _kam_today(self):
        """Today where the company is: its own time zone, not that of whoever runs
        the nightly job."""
        self.ensure_one()
        tz = self.partner_id.tz or self.env.context.get("tz")
        return fields.Date.context_today(self.with_context(tz=tz))

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
