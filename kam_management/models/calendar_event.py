from odoo import api, models
from odoo.tools import SQL

# what makes a meeting count (or count again) for the people attending it
ATTENDANCE_FIELDS = {"partner_ids", "start", "start_date", "active"}


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        events._kam_touch_stakeholders()
        return events

    def write(self, vals):
        result = super().write(vals)
        if ATTENDANCE_FIELDS.intersection(vals):
            self._kam_touch_stakeholders()
        return result

    def _kam_touch_stakeholders(self):
        """A meeting that took place (start not in the future) is at once an
        interaction with the stakeholders attending it: when it is created in the
        past, moved into the past or gets new attendees. A future meeting counts
        once it starts, at the nightly refresh."""
        if not self:
            return
        self.flush_model(["partner_ids", "start", "active"])
        self.env["kam.stakeholder"].flush_model(["contact_id", "active"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT people.id, MAX(event.start)::date
                  FROM calendar_event event
                  JOIN calendar_event_res_partner_rel attendee
                    ON attendee.calendar_event_id = event.id
                  JOIN kam_stakeholder people
                    ON people.contact_id = attendee.res_partner_id AND people.active
                 WHERE event.id = ANY(%(ids)s)
                   AND event.active
                   AND event.start <= NOW() AT TIME ZONE 'UTC'
              GROUP BY people.id
                """,
                ids=self.ids,
            )
        )
        self.env["kam.stakeholder"]._kam_interacted(dict(rows))
