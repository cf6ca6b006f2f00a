from odoo import fields, models


class SaleReport(models.Model):
    _inherit = "sale.report"

    kam_is_key_account = fields.Boolean(
        string="Key Account", readonly=True, groups="sales_team.group_sale_salesman"
    )
    kam_user_id = fields.Many2one(
        "res.users",
        string="Key Account Manager",
        readonly=True,
        groups="sales_team.group_sale_salesman",
    )

    def _select_additional_fields(self):
        res = super()._select_additional_fields()
        res["kam_is_key_account"] = "s.kam_is_key_account"
        res["kam_user_id"] = "s.kam_user_id"
        return res
