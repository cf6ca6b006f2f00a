from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    kam_objective_id = fields.Many2one(
        "kam.account.plan.objective",
        string="Plan Objective",
        index="btree_not_null",
        ondelete="set null",
        domain="[('plan_id', '=', res_id)]",
        help="The objective of the account plan this action serves.",
    )
