from odoo import api, fields, models
from odoo.tools import SQL

from .res_partner import KAM_TIERS


class KamConcentrationLine(models.Model):
    _name = "kam.concentration.line"
    _inherit = ["kam.account.ref.mixin", "kam.account.managed.mixin"]
    _kam_account_field = "partner_id"
    _kam_company_field = "run_id.company_id"
    _description = "Account in a revenue concentration computation"
    _order = "run_id desc, rank, id"
    _rec_name = "partner_id"
    # Written in bulk by the computation only, thousands of rows a night: no
    # create/write stamps, and the account by id (kam.account.ref.mixin).
    _log_access = False

    run_id = fields.Many2one(
        "kam.concentration.run", string="Computation", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="run_id.company_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Datetime(readonly=True)
    revenue = fields.Monetary(currency_field="currency_id", aggregator="sum")
    share = fields.Float(string="Share (%)", digits=(16, 2), aggregator="sum")
    cumulative_share = fields.Float(string="Cumulative Share (%)", digits=(16, 2), aggregator="max")
    rank = fields.Integer(aggregator="min")
    tier = fields.Selection(KAM_TIERS)
    is_key = fields.Boolean(string="Key by Revenue")
    movement = fields.Selection(
        [("entered", "Entered"), ("left", "Left"), ("stayed", "Stayed")],
        help="Whether the account entered or left the key-account set with this computation.",
    )

    @api.model
    def _kam_sql_account_and_company(self, alias):
        return SQL.identifier(alias, "account_ref"), SQL(
            "(SELECT company_id FROM kam_concentration_run WHERE id = %s)",
            SQL.identifier(alias, "run_id"),
        )
