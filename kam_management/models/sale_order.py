from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    kam_is_key_account = fields.Boolean(
        string="Key Account",
        compute="_compute_kam_account",
        store=True,
        groups="sales_team.group_sale_salesman",
        help="The customer of this order is a key account of the order's company.",
    )
    kam_user_id = fields.Many2one(
        "res.users",
        string="Key Account Manager",
        compute="_compute_kam_account",
        store=True,
        groups="sales_team.group_sale_salesman",
        help="Key Account Manager of the customer of this order in the order's company.",
    )

    @api.depends(
        "partner_id.commercial_partner_id.kam_own_is_key_account",
        "partner_id.commercial_partner_id.kam_own_user_id",
        "company_id",
    )
    def _compute_kam_account(self):
        for order in self:
            account = order.partner_id.commercial_partner_id.with_company(order.company_id)
            order.kam_is_key_account = account.kam_own_is_key_account
            order.kam_user_id = account.kam_own_user_id
