from odoo import api, models
from odoo.tools import SQL

# messages that can be an interaction with a stakeholder (kam.stakeholder._interactions_query)
INTERACTION_TYPES = ("email", "comment")


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        messages = super().create(vals_list)
        messages._kam_touch_stakeholders()
        return messages

    def _kam_touch_stakeholders(self):
        """Move the last interaction of the people these messages involve forward
        at once (the nightly refresh stays as the safety net)."""
        # tracking and other notifications on documents touch nobody: no query
        candidates = self.filtered(
            lambda message: (
                message.message_type in INTERACTION_TYPES
                or message.model == "res.partner"
                or message.mail_activity_type_id
            )
        )
        if not candidates:
            return
        self.env["kam.stakeholder"]._kam_refresh_live(
            messages=SQL("(SELECT * FROM mail_message WHERE id = ANY(%s))", candidates.ids)
        )
