from odoo import api, fields, models
from odoo.tools import SQL

from .res_partner import KAM_TIERS


class KamConcentrationLine(models.Model):
    _name = "kam.concentration.line"
    _inherit = ["kam.account.managed.mixin"]
    _kam_account_field = "partner_id"
    _kam_company_field = "run_id.company_id"
    _description = "Account in a revenue concentration computation"
    _order = "run_id desc, rank, id"
    _rec_name = "partner_id"
    # Written in bulk by the computation only, thousands of rows a night: no
    # create/write stamps, and the account is an id without a foreign key. The
    # checks of such keys cost three quarters of inserting the lines (measured:
    # 9 000 lines in 102 ms with them, 26 ms without), because each one locks
    # the partner row it checks. History outlives its partners anyway; partner
    # merges move it (see the merge wizard).
    _log_access = False

    run_id = fields.Many2one(
        "kam.concentration.run", string="Computation", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="run_id.company_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Datetime(readonly=True)
    account_ref = fields.Integer(string="Account ID", index=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Account",
        compute="_compute_partner_id",
        inverse="_inverse_partner_id",
        search="_search_partner_id",
    )
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

    @api.depends("account_ref")
    def _compute_partner_id(self):
        existing = self.env["res.partner"].browse(self.mapped("account_ref")).exists()
        for line in self:
            line.partner_id = existing.browse(line.account_ref) & existing

    def _inverse_partner_id(self):
        for line in self:
            line.account_ref = line.partner_id.id

    def _search_partner_id(self, operator, value):
        if operator in ("=", "!=", "in", "not in") and not isinstance(value, str):
            ids = value.ids if isinstance(value, models.BaseModel) else value
            return [("account_ref", operator, ids)]
        partners = (
            self.env["res.partner"]
            .with_context(active_test=False)
            ._search([("display_name", operator, value)])
        )
        return [("account_ref", "in", partners)]

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        # grouped and sorted by account (the Pareto chart) through its id
        if fname == "partner_id":
            fname = "account_ref"
        return super()._field_to_sql(alias, fname, query, flush)

    @api.model
    def _kam_sql_account_and_company(self, alias):
        return SQL.identifier(alias, "account_ref"), SQL(
            "(SELECT company_id FROM kam_concentration_run WHERE id = %s)",
            SQL.identifier(alias, "run_id"),
        )
