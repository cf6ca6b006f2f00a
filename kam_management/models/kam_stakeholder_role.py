from odoo import fields, models


class KamStakeholderRole(models.Model):
    _name = "kam.stakeholder.role"
    _description = "Buying role of a stakeholder"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("name_unique", "UNIQUE(name)", "A buying role with this name already exists."),
    ]
