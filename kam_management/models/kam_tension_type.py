from odoo import api, fields, models
from odoo.exceptions import UserError


class KamTensionType(models.Model):
    """What a tension between the company and a key account is about."""

    _name = "kam.tension.type"
    _description = "Type of tension"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("name_unique", "UNIQUE(name)", "A tension type with this name already exists."),
    ]

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        tensions = self.env["kam.tension"].sudo().with_context(active_test=False)
        for tension_type in self:
            count = tensions.search_count([("type_id", "=", tension_type.id)])
            if count:
                raise UserError(
                    self.env._(
                        "The type %(type)s is used by %(count)s tensions: archive it instead.",
                        type=tension_type.name,
                        count=count,
                    )
                )
