from odoo import api, fields, models
from odoo.exceptions import ValidationError


class KamAbsence(models.Model):
    """A period when a KAM is away: the backup KAM of their accounts covers."""

    _name = "kam.absence"
    _description = "Absence of a Key Account Manager"
    _order = "date_from desc, id desc"

    user_id = fields.Many2one(
        "res.users",
        string="Who",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        domain=lambda self: self.env["res.partner"]._kam_user_domain(),
    )
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    note = fields.Char()
    is_current = fields.Boolean(
        string="Away Today", compute="_compute_is_current", search="_search_is_current"
    )

    @api.depends("date_from", "date_to")
    @api.depends_context("tz")
    def _compute_is_current(self):
        today = fields.Date.context_today(self)
        for absence in self:
            absence.is_current = absence.date_from <= today <= absence.date_to

    def _search_is_current(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Search absences with = or != True/False."))
        today = fields.Date.context_today(self)
        current = [("date_from", "<=", today), ("date_to", ">=", today)]
        return current if (operator == "=") == value else ["!", "&", *current]

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for absence in self:
            if absence.date_to < absence.date_from:
                raise ValidationError(self.env._("An absence ends after it starts."))

    @api.depends("user_id", "date_from", "date_to")
    def _compute_display_name(self):
        for absence in self:
            absence.display_name = (
                f"{absence.user_id.name}: {absence.date_from} – {absence.date_to}"
                if absence.date_from
                else absence.user_id.name
            )
