from odoo import fields, models


class KamSignalDismissWizard(models.TransientModel):
    """Dismiss signals with a reason: they are kept, and not raised again for a while."""

    _name = "kam.signal.dismiss.wizard"
    _description = "Dismiss signals"

    signal_ids = fields.Many2many("kam.signal", string="Signals", required=True)
    reason = fields.Text(required=True, help="Why this is not a warning for the account.")

    def action_dismiss(self):
        self.ensure_one()
        self.signal_ids._dismiss(self.reason)
        return {"type": "ir.actions.act_window_close"}
