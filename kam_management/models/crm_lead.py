from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    kam_stakeholder_ids = fields.One2many(
        related="partner_id.commercial_partner_id.kam_stakeholder_ids",
        string="Account Stakeholders",
        groups="kam_management.group_kam_user",
        help="The relationship map of the customer's account.",
    )
    kam_opportunity_contact_ids = fields.One2many(
        "kam.opportunity.contact",
        "lead_id",
        string="Buying Roles in this Deal",
        groups="kam_management.group_kam_user",
    )
