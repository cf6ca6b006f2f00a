from datetime import timedelta

from odoo import Command, fields, models
from odoo.exceptions import UserError

from ..tools.rebalance import Account, Kam, suggest_moves

# An account handed over this recently is not moved again.
RECENT_HANDOVER_DAYS = 90


class KamRebalanceWizard(models.TransientModel):
    """Suggest moves of accounts that bring overloaded KAMs of a team back under
    their limit; the manager ticks the moves to make."""

    _name = "kam.rebalance.wizard"
    _description = "Rebalance the accounts of a team of KAMs"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    team_id = fields.Many2one("crm.team", help="Empty: the KAMs who are in no sales team.")
    move_ids = fields.One2many("kam.rebalance.move", "wizard_id", string="Suggested Moves")

    def action_suggest(self):
        self.ensure_one()
        self.move_ids = [Command.clear()] + [
            Command.create(values) for values in self._suggestions()
        ]
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _suggestions(self):
        company = self.company_id
        loads = self.env["kam.workload"].search([("team_id", "=", self.team_id.id)])
        kams = [
            Kam(
                load.user_id.id,
                load.capacity_hours,
                load.estimated_hours,
                load.overload_percent,
                load.user_id.partner_id.country_id.id,
                load.user_id.lang,
            )
            for load in loads
        ]
        users = loads.user_id
        leads = self.env["kam.account.member"].search(
            [
                ("user_id", "in", users.ids),
                ("company_id", "=", company.id),
                ("is_lead", "=", True),
                ("is_current", "=", True),
            ]
        )
        recent = (
            self.env["kam.handover"]
            .search(
                [
                    ("company_id", "=", company.id),
                    ("date", ">=", fields.Date.context_today(self)
                     - timedelta(days=RECENT_HANDOVER_DAYS)),
                ]
            )
            .account_ids
        )  # fmt: skip
        accounts = []
        for lead in leads:
            account = lead.account_id
            team = account.kam_member_ids.filtered(
                lambda m, c=company: m.company_id == c and m.is_current
            ).user_id
            knowers = team | account.kam_stakeholder_ids.owner_id
            accounts.append(
                Account(
                    account.id,
                    lead.user_id.id,
                    lead.effort_estimated,
                    frozenset(knowers.ids),
                    account.country_id.id,
                    account.lang,
                    account in recent,
                )
            )
        return [
            {
                "account_id": move.account_id,
                "from_user_id": move.from_user,
                "to_user_id": move.to_user,
                "effort_hours": move.effort,
                "reason": self._reason(move),
                "to_apply": True,
            }
            for move in suggest_moves(kams, accounts)
        ]

    def _reason(self, move):
        reasons = []
        if move.knows:
            reasons.append(self.env._("knows the account"))
        if move.same_country:
            reasons.append(self.env._("same country"))
        if move.same_lang:
            reasons.append(self.env._("same language"))
        return ", ".join(reasons) or self.env._("has the most room")

    def action_apply(self):
        self.ensure_one()
        chosen = self.move_ids.filtered("to_apply")
        if not chosen:
            raise UserError(self.env._("Tick the moves to make."))
        for (old, new), moves in chosen.grouped(lambda m: (m.from_user_id, m.to_user_id)).items():
            self.env["kam.handover.wizard"].create(
                {
                    "company_id": self.company_id.id,
                    "from_user_id": old.id,
                    "to_user_id": new.id,
                    "account_ids": [Command.set(moves.account_id.ids)],
                }
            ).action_hand_over()
        return self.env["ir.actions.act_window"]._for_xml_id("kam_management.kam_workload_action")
