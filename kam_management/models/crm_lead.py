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
    kam_slipping = fields.Selection(
        [("idle", "No activity"), ("overdue", "Past its expected closing")],
        string="Slipping",
        readonly=True,
        copy=False,
        groups="kam_management.group_kam_user",
        help="An open opportunity of a key account that nobody touched for the days set in "
        "the Key Account settings, or past its expected closing date. Checked every night.",
    )
    kam_last_touch_date = fields.Datetime(
        string="Last Touched",
        readonly=True,
        copy=False,
        groups="kam_management.group_kam_user",
        help="Last message, email, done activity or stage change of the opportunity.",
    )
    kam_slipping_notified = fields.Boolean(
        readonly=True, copy=False, groups="kam_management.group_kam_user"
    )

    def _kam_notify_slipping(self, activity_type):
        """An activity for the KAM of the account (or the salesperson), once while
        the opportunity slips."""
        self.ensure_one()
        account = self.partner_id.commercial_partner_id.with_company(self.company_id).sudo()
        user = account.kam_own_user_id or self.user_id
        if user:
            here = self.with_context(lang=user.lang).sudo()
            reason = dict(here._fields["kam_slipping"]._description_selection(here.env))
            here.activity_schedule(
                activity_type_id=activity_type.id if activity_type else False,
                user_id=user.id,
                summary=here.env._("Slipping: %(reason)s", reason=reason[self.kam_slipping]),
                note=here.env._(
                    "The opportunity %(lead)s of %(account)s is slipping (%(reason)s). Call the "
                    "customer, update the expected closing or mark it lost.",
                    lead=self.name,
                    account=account.display_name,
                    reason=reason[self.kam_slipping].lower(),
                ),
            )
        self.sudo().kam_slipping_notified = True
