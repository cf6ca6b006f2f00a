import functools

from odoo import api, fields, models
from odoo.osv import expression


class KamOpportunityContact(models.Model):
    """The buying role a person plays in one opportunity.

    The lasting record is the stakeholder map of the account; this says what
    the person does in this particular deal.
    """

    _name = "kam.opportunity.contact"
    _description = "Buying role of a person in an opportunity"
    _order = "lead_id, id"
    _rec_name = "contact_id"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    account_id = fields.Many2one(
        related="lead_id.partner_id.commercial_partner_id", string="Account"
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        domain="[('is_company', '=', False)]",
    )
    role_ids = fields.Many2many("kam.stakeholder.role", string="Buying Roles in this Deal")
    stakeholder_id = fields.Many2one(
        "kam.stakeholder",
        string="On the Account Map",
        compute="_compute_stakeholder_id",
        help="The person on the relationship map of the account, if there.",
    )

    _sql_constraints = [
        (
            "lead_contact_unique",
            "UNIQUE(lead_id, contact_id)",
            "This person already has a role in this opportunity.",
        ),
    ]

    # ------------------------------------------------------------------
    # Access follows the opportunity: who cannot open a deal does not see who
    # plays which role in it, and who cannot change it does not change them.
    # ------------------------------------------------------------------
    @api.model
    def _search(self, domain, *args, **kwargs):
        if not self.env.su:
            readable_leads = self.env["crm.lead"].with_context(active_test=False)._search([])
            domain = expression.AND([domain, [("lead_id", "in", readable_leads)]])
        return super()._search(domain, *args, **kwargs)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if result or self.env.su or not self:
            return result
        leads = self.sudo().lead_id.with_env(self.env)
        lead_operation = "read" if operation == "read" else "write"
        forbidden_leads = leads - leads._filtered_access(lead_operation)
        if not forbidden_leads:
            return None
        forbidden = self.sudo().filtered(lambda role: role.lead_id in forbidden_leads)
        return forbidden.with_env(self.env), functools.partial(
            self.env["ir.rule"]._make_access_error, lead_operation, forbidden_leads
        )

    @api.depends("contact_id", "account_id")
    def _compute_stakeholder_id(self):
        stakeholders = self.env["kam.stakeholder"].search(
            [
                ("account_id", "in", self.account_id.ids),
                ("contact_id", "in", self.contact_id.ids),
            ]
        )
        by_key = {(s.account_id.id, s.contact_id.id): s for s in stakeholders}
        for person in self:
            person.stakeholder_id = by_key.get((person.account_id.id, person.contact_id.id))

    def action_add_to_account_map(self):
        """Keep the person and their roles on the account, beyond this deal.

        A person archived from the map comes back, with the roles of this deal added.
        """
        stakeholder_model = self.env["kam.stakeholder"].with_context(active_test=False)
        to_create = []
        for person in self.filtered(lambda p: p.account_id and not p.stakeholder_id):
            archived = stakeholder_model.search(
                [
                    ("account_id", "=", person.account_id.id),
                    ("contact_id", "=", person.contact_id.id),
                ]
            )
            if archived:
                archived.write(
                    {
                        "active": True,
                        "role_ids": [fields.Command.link(role.id) for role in person.role_ids],
                    }
                )
            else:
                to_create.append(
                    {
                        "account_id": person.account_id.id,
                        "contact_id": person.contact_id.id,
                        "role_ids": [fields.Command.set(person.role_ids.ids)],
                    }
                )
        stakeholder_model.create(to_create)
        self.invalidate_recordset(["stakeholder_id"])
