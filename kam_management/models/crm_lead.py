from odoo import api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    kam_is_key_account = fields.Boolean(
        string="Key Account",
        compute="_compute_kam_stakeholder_ids",
        help="The customer of this opportunity is a key account.",
    )
    kam_stakeholder_ids = fields.Many2many(
        "kam.stakeholder",
        string="Account Stakeholders",
        compute="_compute_kam_stakeholder_ids",
        groups="kam_management.group_kam_user",
        help="The relationship map of the customer's account.",
    )
    kam_opportunity_contact_ids = fields.One2many(
        "kam.opportunity.contact",
        "lead_id",
        string="Buying Roles in this Deal",
        groups="kam_management.group_kam_user",
    )

    @api.depends("partner_id.commercial_partner_id")
    def _compute_kam_stakeholder_ids(self):
        accounts = self.partner_id.commercial_partner_id
        stakeholders = self.env["kam.stakeholder"].search([("account_id", "in", accounts.ids)])
        for lead in self:
            account = lead.partner_id.commercial_partner_id
            lead.kam_is_key_account = account.kam_is_key_account
            lead.kam_stakeholder_ids = stakeholders.filtered(
                lambda stakeholder, account=account: stakeholder.account_id == account
            )
