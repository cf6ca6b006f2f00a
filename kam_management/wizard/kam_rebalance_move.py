from odoo import api, fields, models


class KamRebalanceMove(models.TransientModel):
    _name = "kam.rebalance.move"
    _description = "Suggested move of an account"

    wizard_id = fields.Many2one("kam.rebalance.wizard", required=True, ondelete="cascade")
    account_id = fields.Many2one("res.partner", required=True)
    from_user_id = fields.Many2one("res.users", string="From", required=True)
    to_user_id = fields.Many2one("res.users", string="To", required=True)
    effort_hours = fields.Float(string="Effort (h/month)", digits=(16, 1))
    reason = fields.Char(string="Why This KAM")
    to_apply = fields.Boolean(string="Move", default=True)

    @api.depends("account_id", "to_user_id")
    def _compute_display_name(self):
        for move in self:
            move.display_name = f"{move.account_id.name} → {move.to_user_id.name}"
