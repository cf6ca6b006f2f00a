from odoo import api, fields, models
from odoo.tools import SQL

from .res_partner import KAM_TIERS


class KamAccountFigure(models.Model):
    """Revenue figures of a customer in a company, as of the latest computation.

    A narrow table keyed by company and customer: the nightly computation
    rewrites many of these rows (ranks and cumulative shares shift whenever
    revenue moves), which costs far less here than on the wide, heavily
    indexed partner table. The partner shows its row for the current company.
    """

    _name = "kam.account.figure"
    _inherit = ["kam.account.ref.mixin", "kam.account.managed.mixin"]
    _kam_account_field = "partner_id"
    _description = "Revenue ranking of a customer"
    _order = "company_id, rank"
    _rec_name = "partner_id"
    _log_access = False  # rewritten in bulk every night, see above

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    # looked up by (company, account): the unique index serves; no index of its own
    account_ref = fields.Integer(index=False)
    currency_id = fields.Many2one(related="company_id.currency_id")
    revenue = fields.Monetary(currency_field="currency_id", readonly=True, aggregator="sum")
    share = fields.Float(string="Share (%)", digits=(16, 2), readonly=True, aggregator="sum")
    cumulative_share = fields.Float(
        string="Cumulative Share (%)", digits=(16, 2), readonly=True, aggregator="max"
    )
    rank = fields.Integer(readonly=True, aggregator="min")
    tier = fields.Selection(KAM_TIERS, readonly=True)
    is_key = fields.Boolean(string="Key by Revenue", readonly=True)

    _sql_constraints = [
        (
            "company_partner_unique",
            "UNIQUE(company_id, account_ref)",
            "A customer has one ranking per company.",
        ),
    ]

    @api.model
    def _kam_sql_account_and_company(self, alias):
        return SQL.identifier(alias, "account_ref"), SQL.identifier(alias, "company_id")

    # Partners read their classification from these rows (not stored on them):
    # what the ORM writes here is seen at once.
    @api.model_create_multi
    def create(self, vals_list):
        figures = super().create(vals_list)
        self._invalidate_classification()
        return figures

    def write(self, vals):
        result = super().write(vals)
        self._invalidate_classification()
        return result

    def unlink(self):
        result = super().unlink()
        self._invalidate_classification()
        return result

    @api.model
    def _invalidate_classification(self):
        self.env["res.partner"].invalidate_model(
            ["kam_revenue", "kam_revenue_share", "kam_cumulative_share", "kam_revenue_rank",
             "kam_tier", "kam_is_key_by_revenue", "kam_is_key_account", "kam_key_reason",
             "kam_effort_estimated", "kam_effort_explanation"]
        )  # fmt: skip
        self.env["sale.order"].invalidate_model(["kam_is_key_account"])
        self.env["kam.account.member"].invalidate_model(["effort_estimated"])

    def init(self):
        # Nearly every row is rewritten each night (shares and ranks move with the
        # total). Free room in each page lets PostgreSQL write the new row version
        # beside the old one without touching the indexes (a HOT update): the
        # nightly rewrite of 20 000 rows took a third of the time in the benchmark.
        self.env.execute_query(
            SQL("ALTER TABLE %s SET (fillfactor = 50)", SQL.identifier(self._table))
        )
