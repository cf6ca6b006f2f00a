from odoo import fields, models


class MailActivityType(models.Model):
    _inherit = "mail.activity.type"

    kam_effort_minutes = fields.Float(
        string="Effort (minutes)",
        default=20.0,
        help="Measured effort of account teams: the minutes an activity of this type counts "
        "for when it is marked done on an account, its contacts, plans, stakeholders or "
        "opportunities.",
    )
