from odoo import fields, models


class KamStakeholderRole(models.Model):
    _name = "kam.stakeholder.role"
    _description = "Buying role of a stakeholder"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    is_decision_maker = fields.Boolean(
        string="Decides",
        help="People with this role sign off the decision to buy: an account whose map "
        "has nobody with such a role shows the gap “No decision maker identified”.",
    )

    _sql_constraints = [
        ("name_unique", "UNIQUE(name)", "A buying role with this name already exists."),
    ]
