from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.misc import format_amount

from ..tools.concentration import herfindahl_index, top_share

# a product "depends" on an account that buys at least this share of it
DEPENDENT_PRODUCT_SHARE = 50.0


class KamWhatIfWizard(models.TransientModel):
    """What the loss of a key account would do to the company."""

    _name = "kam.what.if.wizard"
    _description = "What if we lose this account"

    account_id = fields.Many2one("res.partner", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    revenue = fields.Monetary(string="Revenue at Stake", compute="_compute_figures")
    revenue_share = fields.Float(string="Share of Revenue (%)", compute="_compute_figures")
    hhi_now = fields.Float(string="HHI Today", compute="_compute_figures", digits=(16, 0))
    hhi_after = fields.Float(string="HHI Without It", compute="_compute_figures", digits=(16, 0))
    top10_now = fields.Float(string="Top 10 Share Today (%)", compute="_compute_figures")
    top10_after = fields.Float(string="Top 10 Share Without It (%)", compute="_compute_figures")
    receivables = fields.Monetary(
        string="Open Receivables",
        compute="_compute_figures",
        help="What the account still owes: posted invoices not paid, net of credit notes.",
    )
    dependent_products = fields.Html(
        compute="_compute_figures",
        sanitize=False,
        help="Products that this account buys at least half of, over the revenue window.",
    )

    def write(self, vals):
        if {"account_id", "company_id"} & vals.keys():
            raise UserError(self.env._("Open a new what-if from the account instead."))
        return super().write(vals)

    def _check_may_see(self):
        """The figures are read in SQL: only those of an account the user may read,
        in a company the user works in now."""
        if self.env.su:
            return
        for wizard in self:
            if wizard.company_id not in self.env.companies:
                raise AccessError(
                    self.env._(
                        "You cannot see the figures of %(company)s.", company=wizard.company_id.name
                    )
                )
            wizard.account_id._origin.check_access("read")

    @api.depends("account_id", "company_id")
    def _compute_figures(self):
        self._check_may_see()
        self.env["kam.account.figure"].flush_model()
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        for wizard in self:
            company, account = wizard.company_id, wizard.account_id
            figures = dict(
                self.env.execute_query(
                    SQL(
                        "SELECT account_ref, revenue FROM kam_account_figure"
                        " WHERE company_id = %s AND revenue > 0",
                        company.id,
                    )
                )
            )
            revenues = [float(revenue) for revenue in figures.values()]
            without = [float(revenue) for ref, revenue in figures.items() if ref != account.id]
            total = sum(revenues)
            revenue = float(figures.get(account.id, 0.0))
            wizard.revenue = revenue
            wizard.revenue_share = revenue / total * 100 if total else 0.0
            wizard.hhi_now = herfindahl_index(revenues) if revenues else 0.0
            wizard.hhi_after = herfindahl_index(without) if without else 0.0
            wizard.top10_now = top_share(revenues, 10) if revenues else 0.0
            wizard.top10_after = top_share(without, 10) if without else 0.0
            wizard.receivables = wizard._receivables()
            wizard.dependent_products = wizard._dependent_products_html()

    def _receivables(self):
        rows = self.env.execute_query(
            SQL(
                """
                SELECT COALESCE(SUM(move.amount_residual_signed), 0) FROM account_move move
                 WHERE move.company_id = %s AND move.commercial_partner_id = %s
                   AND move.state = 'posted' AND move.move_type IN ('out_invoice', 'out_refund')
                   AND move.payment_state IN ('not_paid', 'partial')
                """,
                self.company_id.id,
                self.account_id.id,
            )
        )
        return float(rows[0][0])

    def _dependent_products(self):
        """[(product id, account revenue, share %)] of the products the account buys
        most of, over the revenue window (invoiced lines)."""
        engine = self.env["kam.concentration.engine"]
        date_from, date_to = engine._revenue_window(self.company_id)
        return self.env.execute_query(
            SQL(
                """
                SELECT line.product_id,
                       SUM(-line.balance) FILTER (WHERE move.commercial_partner_id = %(account)s),
                       SUM(-line.balance) FILTER (WHERE move.commercial_partner_id = %(account)s)
                       / NULLIF(SUM(-line.balance), 0) * 100 AS share
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                 WHERE %(counted)s AND line.display_type = 'product'
                   AND line.product_id IN (
                        SELECT sold.product_id FROM account_move_line sold
                          JOIN account_move sold_move ON sold_move.id = sold.move_id
                         WHERE sold_move.commercial_partner_id = %(account)s
                           AND sold_move.company_id = %(company)s
                           AND sold_move.invoice_date BETWEEN %(date_from)s AND %(date_to)s)
                   AND move.invoice_date BETWEEN %(date_from)s AND %(date_to)s
              GROUP BY line.product_id
                HAVING SUM(-line.balance) FILTER (WHERE move.commercial_partner_id = %(account)s)
                       >= SUM(-line.balance) * %(share)s / 100
                   AND SUM(-line.balance) > 0
              ORDER BY share DESC, line.product_id
                 LIMIT 20
                """,
                account=self.account_id.id,
                company=self.company_id.id,
                counted=engine._counted_invoices(self.company_id),
                date_from=date_from,
                date_to=date_to,
                share=DEPENDENT_PRODUCT_SHARE,
            )
        )

    def _dependent_products_html(self):
        rows = self._dependent_products()
        if not rows:
            return Markup("<p class='text-muted'>%s</p>") % self.env._(
                "No product depends mostly on this account."
            )
        products = self.env["product.product"].browse([row[0] for row in rows])
        names = {product.id: product.display_name for product in products.sudo()}
        body = Markup("").join(
            Markup(
                "<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%.0f %%</td></tr>"
            )
            % (names.get(product_id, ""), format_amount(self.env, revenue, self.currency_id), share)
            for product_id, revenue, share in rows
        )
        return Markup(
            "<table class='table table-sm'><thead><tr><th>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody></table>"
        ) % (
            self.env._("Product"),
            self.env._("Bought by the Account"),
            self.env._("Share of Its Sales"),
            body,
        )
