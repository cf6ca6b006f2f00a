from odoo import api, fields, models

from .res_company import HEALTH_WEIGHTS_AND_BANDS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kam_window_months = fields.Integer(related="company_id.kam_window_months", readonly=False)
    kam_threshold_percent = fields.Float(related="company_id.kam_threshold_percent", readonly=False)
    kam_revenue_source = fields.Selection(related="company_id.kam_revenue_source", readonly=False)
    kam_tier_b_percent = fields.Float(related="company_id.kam_tier_b_percent", readonly=False)
    kam_risk_metric = fields.Selection(related="company_id.kam_risk_metric", readonly=False)
    kam_risk_level = fields.Float(related="company_id.kam_risk_level", readonly=False)
    kam_history_months = fields.Integer(related="company_id.kam_history_months", readonly=False)
    kam_stakeholder_cadence_days = fields.Integer(
        related="company_id.kam_stakeholder_cadence_days", readonly=False
    )
    kam_effort_tier_a_hours = fields.Float(
        related="company_id.kam_effort_tier_a_hours", readonly=False
    )
    kam_effort_tier_b_hours = fields.Float(
        related="company_id.kam_effort_tier_b_hours", readonly=False
    )
    kam_effort_tier_c_hours = fields.Float(
        related="company_id.kam_effort_tier_c_hours", readonly=False
    )
    kam_effort_strategic_hours = fields.Float(
        related="company_id.kam_effort_strategic_hours", readonly=False
    )
    kam_effort_relationship_hours = fields.Float(
        related="company_id.kam_effort_relationship_hours", readonly=False
    )
    kam_default_capacity_hours = fields.Float(
        related="company_id.kam_default_capacity_hours", readonly=False
    )
    kam_overload_percent = fields.Float(related="company_id.kam_overload_percent", readonly=False)
    kam_message_minutes = fields.Float(related="company_id.kam_message_minutes", readonly=False)
    kam_signal_overdue_days = fields.Integer(
        related="company_id.kam_signal_overdue_days", readonly=False
    )
    kam_signal_overdue_amount = fields.Float(
        related="company_id.kam_signal_overdue_amount", readonly=False
    )
    kam_signal_drift_days = fields.Integer(
        related="company_id.kam_signal_drift_days", readonly=False
    )
    kam_signal_decline_percent = fields.Float(
        related="company_id.kam_signal_decline_percent", readonly=False
    )
    kam_signal_rhythm_orders = fields.Integer(
        related="company_id.kam_signal_rhythm_orders", readonly=False
    )
    kam_signal_credit_percent = fields.Float(
        related="company_id.kam_signal_credit_percent", readonly=False
    )
    kam_signal_snooze_days = fields.Integer(
        related="company_id.kam_signal_snooze_days", readonly=False
    )
    kam_renewal_notice_days = fields.Integer(
        related="company_id.kam_renewal_notice_days", readonly=False
    )
    kam_whitespace_share = fields.Float(related="company_id.kam_whitespace_share", readonly=False)
    kam_whitespace_categ_level = fields.Integer(
        related="company_id.kam_whitespace_categ_level", readonly=False
    )
    kam_whitespace_min_peers = fields.Integer(
        related="company_id.kam_whitespace_min_peers", readonly=False
    )
    kam_whitespace_almost_nothing = fields.Float(
        related="company_id.kam_whitespace_almost_nothing", readonly=False
    )
    kam_slipping_days = fields.Integer(related="company_id.kam_slipping_days", readonly=False)
    kam_info_max_age_days = fields.Integer(
        related="company_id.kam_info_max_age_days", readonly=False
    )
    kam_health_drop_points = fields.Integer(
        related="company_id.kam_health_drop_points", readonly=False
    )
    # Weights and bands of the account health are checked together (they must sum
    # to 100, and the bands be in order): written to the company in one write, not
    # field by field as related fields would be.
    kam_health_weight_revenue = fields.Integer(
        string="Weight: Revenue Trend",
        default=lambda self: self.env.company.kam_health_weight_revenue,
    )
    kam_health_weight_payment = fields.Integer(
        string="Weight: Payment Behaviour",
        default=lambda self: self.env.company.kam_health_weight_payment,
    )
    kam_health_weight_rhythm = fields.Integer(
        string="Weight: Order Rhythm",
        default=lambda self: self.env.company.kam_health_weight_rhythm,
    )
    kam_health_weight_relationship = fields.Integer(
        string="Weight: Relationships",
        default=lambda self: self.env.company.kam_health_weight_relationship,
    )
    kam_health_weight_plan = fields.Integer(
        string="Weight: Account Plan", default=lambda self: self.env.company.kam_health_weight_plan
    )
    kam_health_weight_tension = fields.Integer(
        string="Weight: Open Tensions",
        default=lambda self: self.env.company.kam_health_weight_tension,
    )
    kam_health_healthy_min = fields.Integer(
        string="Healthy From (score)", default=lambda self: self.env.company.kam_health_healthy_min
    )
    kam_health_watch_min = fields.Integer(
        string="Watch From (score)", default=lambda self: self.env.company.kam_health_watch_min
    )
    kam_next_computation = fields.Char(
        string="Next Computation",
        compute="_compute_kam_next_computation",
        help="When the key accounts are computed next with these settings.",
    )

    @api.depends("company_id")
    def _compute_kam_next_computation(self):
        cron = self.env.ref("kam_management.ir_cron_kam_concentration", raise_if_not_found=False)
        nextcall = cron.sudo().nextcall if cron and cron.sudo().active else False
        for settings in self:
            settings.kam_next_computation = (
                fields.Datetime.to_string(fields.Datetime.context_timestamp(settings, nextcall))[
                    :16
                ]
                if nextcall
                else self.env._("when a KAM manager recomputes")
            )

    @api.onchange(
        "kam_threshold_percent", "kam_tier_b_percent", "kam_window_months", "kam_revenue_source"
    )
    def _onchange_kam_classification_settings(self):
        company = self.company_id
        changed = (
            self.kam_threshold_percent != company.kam_threshold_percent
            or self.kam_tier_b_percent != company.kam_tier_b_percent
            or self.kam_window_months != company.kam_window_months
            or self.kam_revenue_source != company.kam_revenue_source
        )
        if changed and company.kam_last_concentration_date:
            return {
                "warning": {
                    "title": self.env._("Key accounts follow at the next computation"),
                    "message": self.env._(
                        "Once saved, these settings classify the customers at the next "
                        "computation of the revenue concentration (%(when)s), or at once with "
                        "Recompute Now in CRM > Reporting > Revenue Concentration > "
                        "Concentration History.",
                        when=self.kam_next_computation,
                    ),
                }
            }
        return None

    def set_values(self):
        result = super().set_values()
        values = {fname: self[fname] for fname in HEALTH_WEIGHTS_AND_BANDS}
        company = self.company_id
        if any(company[fname] != value for fname, value in values.items()):
            company.write(values)
        return result
