from odoo import api, fields, models
from odoo.tools import format_amount

DIRECTIONS = [("rising", "Rising"), ("falling", "Falling")]
DRIVERS = [
    ("trend", "Revenue trend"),
    ("backlog", "Confirmed orders not invoiced"),
    ("pipeline", "Open opportunities"),
]


class KamAccountForecast(models.Model):
    """A customer whose revenue window, two quarters from now, is forecast to
    cross the key-account threshold: a customer that is not key and rises above
    it, or a key account (by revenue) that falls below it.

    Written every night by kam.information.engine; see tools/forecast.py.
    """

    _name = "kam.account.forecast"
    _description = "Rising or falling account"
    _order = "direction desc, forecast desc, id"

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    account_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True,
        ondelete="cascade",
    )  # fmt: skip
    direction = fields.Selection(DIRECTIONS, required=True, readonly=True)
    revenue = fields.Monetary(
        string="Revenue Now", readonly=True, help="Revenue over the current revenue window."
    )
    kept = fields.Monetary(
        string="Still in the Window",
        readonly=True,
        help="Revenue already earned that will still be in the window two quarters from now.",
    )
    trend = fields.Monetary(
        readonly=True,
        help="The next two quarters if the last six months' revenue keeps changing as it did "
        "against the six months before.",
    )
    backlog = fields.Monetary(
        readonly=True, help="Confirmed orders not invoiced yet (when invoices are the source)."
    )
    pipeline = fields.Monetary(
        readonly=True, help="Open opportunities, each weighted by its probability."
    )
    forecast = fields.Monetary(
        string="Forecast Revenue",
        readonly=True,
        help="The revenue window two quarters from now: still in the window + trend + backlog "
        "+ pipeline.",
    )
    threshold = fields.Monetary(
        string="Key Threshold",
        readonly=True,
        aggregator="max",  # the same for every customer of a company
        help="Revenue of the smallest key account by revenue in the latest computation.",
    )
    driver = fields.Selection(DRIVERS, string="Carried By", readonly=True)
    reason = fields.Char(compute="_compute_reason")

    @api.depends("direction", "driver", "forecast", "threshold", "trend", "backlog", "pipeline")
    def _compute_reason(self):
        drivers = dict(self._fields["driver"]._description_selection(self.env))
        for row in self:

            def money(amount, row=row):
                return format_amount(self.env, round(amount), row.currency_id)

            parts = self.env._(
                "trend %(trend)s, orders %(backlog)s, opportunities %(pipeline)s",
                trend=money(row.trend),
                backlog=money(row.backlog),
                pipeline=money(row.pipeline),
            )
            if row.direction == "rising":
                row.reason = self.env._(
                    "Forecast %(forecast)s above the key threshold %(threshold)s. Carried by: "
                    "%(driver)s (%(parts)s)",
                    forecast=money(row.forecast),
                    threshold=money(row.threshold),
                    driver=drivers.get(row.driver, ""),
                    parts=parts,
                )
            else:
                row.reason = self.env._(
                    "Forecast %(forecast)s below the key threshold %(threshold)s (%(parts)s)",
                    forecast=money(row.forecast),
                    threshold=money(row.threshold),
                    parts=parts,
                )
