from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    kam_is_key_account = fields.Boolean(
        string="Key Account",
        related="partner_id.commercial_partner_id.kam_is_key_account",
        store=True,
        help="The customer of this order is a key account.",
    )
    kam_user_id = fields.Many2one(
        "res.users",
        string="Key Account Manager",
        related="partner_id.commercial_partner_id.kam_user_id",
        store=True,
        help="Key Account Manager of the customer of this order.",
    )
