from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class KamHandoverWizard(models.TransientModel):
    """Pass key accounts from one KAM to another, losing nothing on the way."""

    _name = "kam.handover.wizard"
    _description = "Hand key accounts over to another KAM"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    from_user_id = fields.Many2one(
        "res.users",
        string="From",
        required=True,
        domain=lambda self: self.env["res.partner"]._kam_user_domain(),
    )
    to_user_id = fields.Many2one(
        "res.users",
        string="To",
        required=True,
        domain=lambda self: self.env["res.partner"]._kam_user_domain(),
    )
    all_accounts = fields.Boolean(
        string="All Their Accounts", help="Every account the former KAM leads in the company."
    )
    account_ids = fields.Many2many(
        "res.partner",
        string="Accounts",
        compute="_compute_account_ids",
        store=True,
        readonly=False,
        domain="[('kam_user_id', '=', from_user_id)]",
    )
    move_relationships = fields.Boolean(
        string="Hand Over the Relationships",
        default=True,
        help="The new KAM becomes the relationship owner of the stakeholders the former KAM owned.",
    )
    move_activities = fields.Boolean(
        string="Hand Over the Open Activities",
        default=True,
        help="The former KAM's open activities on the accounts, their people, plans, "
        "stakeholders, tensions and opportunities go to the new KAM; so do the unresolved "
        "tensions they own.",
    )
    transition_days = fields.Integer(
        string="Transition (days)",
        default=30,
        help="The former KAM still follows the accounts and their plans this long.",
    )

    @api.depends("all_accounts", "from_user_id", "company_id")
    def _compute_account_ids(self):
        for wizard in self:
            if wizard.all_accounts and wizard.from_user_id:
                wizard.account_ids = (
                    self.env["res.partner"]
                    .with_company(wizard.company_id)
                    .search(
                        [("kam_user_id", "=", wizard.from_user_id.id), ("is_company", "=", True)]
                    )
                )

    def action_hand_over(self):
        self.ensure_one()
        if not self.env.user.has_group("kam_management.group_kam_manager"):
            raise UserError(self.env._("Only Key Account Managers hand accounts over."))
        if self.from_user_id == self.to_user_id:
            raise UserError(self.env._("Hand the accounts over to somebody else."))
        accounts = self.account_ids.commercial_partner_id
        if not accounts:
            raise UserError(self.env._("Choose the accounts to hand over."))
        handover = self._hand_over(accounts)
        return {
            "type": "ir.actions.act_window",
            "res_model": "kam.handover",
            "res_id": handover.id,
            "view_mode": "form",
            "target": "current",
        }

    def _hand_over(self, accounts):
        """Move the accounts from one KAM to the other; return the handover record."""
        company, old, new = self.company_id, self.from_user_id, self.to_user_id
        today = fields.Date.context_today(self)
        handover = self.env["kam.handover"].create(
            {
                "company_id": company.id,
                "from_user_id": old.id,
                "to_user_id": new.id,
                "account_ids": [Command.set(accounts.ids)],
                "transition_until": today + timedelta(days=self.transition_days),
            }
        )
        for account in accounts.with_company(company):
            if account.kam_user_id == old:
                account.kam_user_id = new  # the team's lead follows
            self._move_memberships(account)
            plans = self.env["kam.account.plan"].search(
                [("account_id", "=", account.id), ("company_id", "=", company.id)]
            )
            plans.filtered(
                lambda plan: plan.user_id == old and plan.state not in ("closed", "cancelled")
            ).user_id = new
            tensions = self.env["kam.tension"].search(
                [
                    ("account_id", "=", account.id),
                    ("company_id", "=", company.id),
                    ("state", "!=", "resolved"),
                ]
            )
            tensions.filtered(lambda tension: tension.owner_id == old).owner_id = new
            stakeholders = account.kam_stakeholder_ids
            if self.move_relationships:
                stakeholders.filtered(lambda s: s.owner_id == old).owner_id = new
            if self.move_activities:
                self._move_activities(account, plans, stakeholders, tensions)
            for record in (account, *plans, *tensions):
                record.message_subscribe(partner_ids=(old | new).partner_id.ids)
            dossier = self.env["ir.qweb"]._render(
                "kam_management.kam_handover_dossier_account",
                {"handover": handover, "data": handover._dossier(account)},
            )
            account.message_post(body=dossier, subtype_xmlid="mail.mt_note")
        return handover

    def _move_memberships(self, account):
        """The former KAM's other roles in the team go to the new KAM."""
        today = fields.Date.context_today(self)
        members = self.env["kam.account.member"]
        for member in members.search(
            [
                ("account_id", "=", account.id),
                ("company_id", "=", self.company_id.id),
                ("user_id", "=", self.from_user_id.id),
                ("is_lead", "=", False),
                ("is_current", "=", True),
            ]
        ):
            member.date_end = today - timedelta(days=1) if member.date_start < today else today
            members.create(
                {
                    "account_id": account.id,
                    "company_id": self.company_id.id,
                    "user_id": self.to_user_id.id,
                    "role_id": member.role_id.id,
                    "effort_share": member.effort_share,
                }
            )

    def _move_activities(self, account, plans, stakeholders, tensions):
        people = account.child_ids | account
        leads = self.env["crm.lead"].search([("partner_id", "in", people.ids)])
        targets = [
            ("res.partner", people.ids),
            ("kam.account.plan", plans.ids),
            ("kam.stakeholder", stakeholders.ids),
            ("kam.tension", tensions.ids),
            ("crm.lead", leads.ids),
        ]
        activities = self.env["mail.activity"]
        for model, ids in targets:
            activities |= activities.search(
                [
                    ("res_model", "=", model),
                    ("res_id", "in", ids),
                    ("user_id", "=", self.from_user_id.id),
                ]
            )
        activities.write({"user_id": self.to_user_id.id})
