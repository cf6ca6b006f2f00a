from odoo import api, models
from odoo.tools import SQL

# messages that can be an interaction with a stakeholder (see _kam_touched_stakeholders)
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
        self.env["kam.stakeholder"].flush_model(["account_id", "contact_id", "active"])
        rows = self.env.execute_query(self._kam_touched_stakeholders(candidates.ids))
        self.env["kam.stakeholder"]._kam_interacted(dict(rows))

    @api.model
    def _kam_touched_stakeholders(self, message_ids):
        """(stakeholder id, date) of the active stakeholders these messages are an
        interaction with: the same sources as kam.stakeholder's nightly
        ``_refresh_last_interaction``, one index-backed branch each, limited to
        the new messages (the INSERTs of create already ran)."""
        return SQL(
            """
            WITH message AS (
                SELECT id, date, author_id, model, res_id, message_type, mail_activity_type_id
                  FROM mail_message
                 WHERE id = ANY(%(ids)s)
            ),
            touches AS (
                SELECT people.id, message.date
                  FROM message
                  JOIN kam_stakeholder people ON people.contact_id = message.author_id
                 WHERE message.message_type IN %(types)s
                UNION ALL
                SELECT people.id, message.date
                  FROM message
                  JOIN kam_stakeholder people ON people.contact_id = message.res_id
                 WHERE message.model = 'res.partner' AND message.message_type IN %(types)s
                UNION ALL
                SELECT people.id, message.date
                  FROM message
                  JOIN mail_message_res_partner_rel recipient
                    ON recipient.mail_message_id = message.id
                  JOIN kam_stakeholder people
                    ON people.account_id = message.res_id
                   AND people.contact_id = recipient.res_partner_id
                 WHERE message.model = 'res.partner'
                UNION ALL
                SELECT people.id, message.date
                  FROM message
                  JOIN kam_stakeholder people
                    ON message.res_id IN (people.contact_id, people.account_id)
                 WHERE message.model = 'res.partner' AND message.mail_activity_type_id IS NOT NULL
                UNION ALL
                SELECT people.id, message.date
                  FROM message
                  JOIN kam_stakeholder people ON people.id = message.res_id
                 WHERE message.model = 'kam.stakeholder'
                   AND message.mail_activity_type_id IS NOT NULL
            )
            SELECT touches.id, MAX(touches.date)::date
              FROM touches
              JOIN kam_stakeholder people ON people.id = touches.id AND people.active
          GROUP BY touches.id
            """,
            ids=list(message_ids),
            types=INTERACTION_TYPES,
        )
