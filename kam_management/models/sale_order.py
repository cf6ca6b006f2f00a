from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    kam_is_key_account = fields.Boolean(
        string="Key Account",
        compute="_compute_kam_is_key_account",
        store=True,
        help="The customer of this order is a key account of the order's company.",
    )
    kam_user_id = fields.Many2one(
        "res.users",
        string="Key Account Manager",
        related="partner_id.commercial_partner_id.kam_user_id",
        store=True,
        help="Key Account Manager of the customer of this order.",
    )

    @api.depends("partner_id.commercial_partner_id.kam_is_key_account", "company_id")
    def _compute_kam_is_key_account(self):
        for order in self:
            account = order.partner_id.commercial_partner_id.with_company(order.company_id)
            order.kam_is_key_account = account.kam_is_key_account
