from odoo import fields, models
from odoo.tools import SQL

SALES_USER = "sales_team.group_sale_salesman"


class SaleReport(models.Model):
    """Sales Analysis by key account: by the KAM the customer has today, or by the
    KAM it had when each order was confirmed."""

    _inherit = "sale.report"

    kam_is_key_account = fields.Boolean(string="Key Account", readonly=True, groups=SALES_USER)
    kam_user_id = fields.Many2one(
        "res.users", string="Key Account Manager", readonly=True, groups=SALES_USER
    )
    kam_confirmed_user_id = fields.Many2one(
        "res.users", string="KAM at Confirmation", readonly=True, groups=SALES_USER
    )

    def _kam_expressions(self):
        """The classification of the order's customer in the order's company, on the
        aliases joined by _from_sale."""
        return self.env["kam.classification"]._expressions(
            "kam_account", "kam_figure", SQL.identifier("s", "company_id")
        )

    def _select_additional_fields(self):
        res = super()._select_additional_fields()
        expressions = self._kam_expressions()
        for fname in ("kam_is_key_account", "kam_user_id"):
            res[fname] = self.env.cr.mogrify(expressions[fname].code, expressions[fname].params)
            res[fname] = res[fname].decode()
        res["kam_confirmed_user_id"] = "s.kam_confirmed_user_id"
        return res

    def _from_sale(self):
        return (
            super()._from_sale()
            + """
            LEFT JOIN res_partner kam_account ON kam_account.id = partner.commercial_partner_id
            LEFT JOIN kam_account_figure kam_figure
                   ON kam_figure.account_ref = kam_account.id
                  AND kam_figure.company_id = s.company_id
            """
        )

    def _group_by_sale(self):
        return super()._group_by_sale() + ", kam_account.id, kam_figure.id"
