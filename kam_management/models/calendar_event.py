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
        self.env["kam.stakeholder"]._kam_refresh_live(
            events=SQL("(SELECT * FROM calendar_event WHERE id = ANY(%s))", self.ids)
        )
