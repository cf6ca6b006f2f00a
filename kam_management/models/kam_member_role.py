from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class KamMemberRole(models.Model):
    """The role of a person in the team of a key account."""

    _name = "kam.member.role"
    _description = "Role in an account team"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    is_lead = fields.Boolean(
        string="Leads the Account",
        help="The Key Account Manager: one current lead per account and company, in step "
        "with the account's Key Account Manager.",
    )
    is_expected = fields.Boolean(
        string="Expected in Every Team",
        help="Every key account's team should have someone in this role: the scorecard "
        "counts the expected roles an account's team covers.",
    )
    is_backup = fields.Boolean(
        string="Backs Up the Lead",
        help="Stands in for the lead while the lead is absent: receives the account's "
        "reminders and plan reviews.",
    )

    _sql_constraints = [
        ("name_unique", "UNIQUE(name)", "A team role with this name already exists."),
    ]

    @api.constrains("is_lead", "is_backup")
    def _check_lead_or_backup(self):
        for role in self:
            if role.is_lead and role.is_backup:
                raise ValidationError(
                    self.env._("The role %(role)s cannot both lead and back up.", role=role.name)
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_held(self):
        held = self.env["kam.account.member"].sudo().with_context(active_test=False)
        for role in self:
            count = held.search_count([("role_id", "=", role.id)])
            if count:
                raise UserError(
                    self.env._(
                        "The role %(role)s is held by %(count)s team members: archive it instead.",
                        role=role.name,
                        count=count,
                    )
                )
            if role.is_lead:
                raise UserError(self.env._("The lead role cannot be deleted."))
