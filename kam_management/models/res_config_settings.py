from odoo import fields, models


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
