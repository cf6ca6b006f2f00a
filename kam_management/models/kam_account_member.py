from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL


class KamAccountMember(models.Model):
    """A person in the team of a key account, in a company, for a period.

    The current lead is the account's Key Account Manager in that company: the
    two stay in step, whichever is edited (by a KAM manager). The lead carries
    the share of the account's effort the other members do not.
    """

    _name = "kam.account.member"
    _inherit = ["kam.account.managed.mixin"]
    _description = "Member of an account team"
    _order = "account_id, is_lead desc, date_end desc, id"
    _check_company_auto = True

    account_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        ondelete="cascade",
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Member",
        required=True,
        index=True,
        domain="[('share', '=', False)]",
    )
    role_id = fields.Many2one("kam.member.role", required=True)
    is_lead = fields.Boolean(related="role_id.is_lead", store=True)
    is_backup = fields.Boolean(related="role_id.is_backup", store=True)
    effort_share = fields.Float(
        string="Share of the Effort (%)",
        digits=(16, 1),
        help="The part of the account's effort this person carries. The lead carries what "
        "the others do not.",
    )
    date_start = fields.Date(
        string="From", required=True, default=lambda self: fields.Date.context_today(self)
    )
    date_end = fields.Date(string="Until", help="Empty while the person is in the team.")
    is_current = fields.Boolean(
        string="In the Team Now", compute="_compute_is_current", search="_search_is_current"
    )
    effort_estimated = fields.Float(
        string="Estimated Effort (h/month)",
        compute="_compute_effort",
        digits=(16, 2),
        help="The account's estimated effort times this person's share.",
    )
    effort_measured = fields.Float(
        string="Measured Effort (h/month)",
        compute="_compute_effort",
        digits=(16, 2),
        help="What this person did on the account over the last 90 days, a month: meetings, "
        "done activities, messages.",
    )

    # ------------------------------------------------------------------
    # Computes, searches, constraints
    # ------------------------------------------------------------------
    @api.depends("date_start", "date_end")
    @api.depends_context("tz")
    def _compute_is_current(self):
        today = fields.Date.context_today(self)
        for member in self:
            member.is_current = member._current_on(today)

    def _current_on(self, day):
        return self.date_start <= day and (not self.date_end or self.date_end >= day)

    def _search_is_current(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Search team members with = or != True/False."))
        today = fields.Date.context_today(self)
        current = [
            ("date_start", "<=", today),
            "|",
            ("date_end", "=", False),
            ("date_end", ">=", today),
        ]
        return current if (operator == "=") == value else ["!", *current]

    @api.depends("account_id", "company_id", "user_id", "effort_share")
    def _compute_effort(self):
        workload = self.env["kam.workload"]
        estimated = workload._account_effort(
            (member.account_id.id, member.company_id.id) for member in self
        )
        measured = workload._measured_by_member(self)
        for member in self:
            effort = estimated.get((member.account_id.id, member.company_id.id), {})
            member.effort_estimated = effort.get("estimated", 0.0) * member.effort_share / 100
            member.effort_measured = measured.get((member.account_id.id, member.user_id.id), 0.0)

    @api.constrains("effort_share", "date_start", "date_end")
    def _check_share_and_period(self):
        for member in self:
            if not 0 <= member.effort_share <= 100:
                raise ValidationError(self.env._("A share of the effort goes from 0 to 100 %."))
            if member.date_end and member.date_end < member.date_start:
                raise ValidationError(
                    self.env._(
                        "%(user)s leaves the team of %(account)s before joining it.",
                        user=member.user_id.name,
                        account=member.account_id.name,
                    )
                )

    @api.constrains("account_id")
    def _check_account_is_commercial_entity(self):
        self.account_id._kam_check_is_account(
            self.env._(
                "%(account)s is a contact, not an account: the team works for %(commercial)s."
            )
        )

    @api.constrains("account_id", "company_id", "role_id", "date_start", "date_end")
    def _check_one_lead(self):
        """One lead at a time per account and company."""
        self.flush_model()
        for member in self.filtered("is_lead"):
            overlapping = self.search_count(
                [
                    ("id", "!=", member.id),
                    ("account_id", "=", member.account_id.id),
                    ("company_id", "=", member.company_id.id),
                    ("is_lead", "=", True),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">=", member.date_start),
                ]
                + ([("date_start", "<=", member.date_end)] if member.date_end else [])
            )
            if overlapping:
                raise ValidationError(
                    self.env._(
                        "%(account)s has another Key Account Manager over this period: an "
                        "account has one lead at a time.",
                        account=member.account_id.name,
                    )
                )

    @api.constrains("account_id", "company_id", "effort_share", "date_start", "date_end")
    def _check_shares_add_up(self):
        for account, company in {(m.account_id, m.company_id) for m in self}:
            others = self.search(
                [
                    ("account_id", "=", account.id),
                    ("company_id", "=", company.id),
                    ("is_lead", "=", False),
                    ("is_current", "=", True),
                ]
            )
            if sum(others.mapped("effort_share")) > 100:
                raise ValidationError(
                    self.env._(
                        "The shares of the team of %(account)s go above 100 %%: lower some.",
                        account=account.name,
                    )
                )

    @api.onchange("user_id", "effort_share", "account_id", "company_id")
    def _onchange_warn_overload(self):
        """Before saving: would this share of the account overload the person?"""
        if not (self.user_id and self.account_id and self.company_id):
            return None
        share = self.effort_share
        if self._origin and self._origin.user_id == self.user_id:
            share -= self._origin.effort_share  # already carried
        if self.is_lead:
            share = 100.0 if not self._origin else 0.0
        load, limit = self.user_id._kam_load_with(
            self.account_id.commercial_partner_id, self.company_id, share
        )
        if load <= limit:
            return None
        return {
            "warning": {
                "title": self.env._("%(user)s would be overloaded", user=self.user_id.name),
                "message": self.env._(
                    "With this share of %(account)s, the load of %(user)s would be %(load).0f "
                    "%% of their capacity (overloaded above %(limit).0f %%).",
                    account=self.account_id.display_name,
                    user=self.user_id.name,
                    load=load,
                    limit=limit,
                ),
            }
        }

    # ------------------------------------------------------------------
    # ORM: the lead and the account's KAM in step, the lead's share
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        members._check_lead_change_allowed()
        members.filtered("is_lead")._push_kam_to_account()
        members._update_lead_shares()
        return members

    def write(self, vals):
        self._check_lead_change_allowed()
        result = super().write(vals)
        self._check_lead_change_allowed()
        if {"user_id", "role_id", "date_start", "date_end"} & vals.keys():
            self.filtered("is_lead")._push_kam_to_account()
        if not self.env.context.get("kam_lead_share"):
            self._update_lead_shares()
        return result

    def unlink(self):
        self._check_lead_change_allowed()
        teams = [(member.account_id, member.company_id) for member in self]
        leads = self.filtered("is_lead")
        accounts = {(lead.account_id, lead.company_id) for lead in leads}
        result = super().unlink()
        for account, company in accounts:
            account.with_company(company)._kam_sync_kam_from_team()
        self.browse()._update_lead_shares(teams)
        return result

    def _check_lead_change_allowed(self):
        """The lead is the account's KAM: only KAM managers change it."""
        if self.env.su or self.env.user.has_group("kam_management.group_kam_manager"):
            return
        if self.filtered("is_lead"):
            raise AccessError(
                self.env._(
                    "Only Key Account Managers can change who leads an account (its Key "
                    "Account Manager)."
                )
            )

    def _push_kam_to_account(self):
        """The current lead becomes the account's KAM in its company."""
        today = fields.Date.context_today(self)
        for lead in self.filtered(lambda member: member._current_on(today)):
            account = lead.account_id.with_company(lead.company_id)
            if account.sudo().kam_own_user_id != lead.user_id:
                account.sudo().kam_own_user_id = lead.user_id

    def _update_lead_shares(self, teams=None):
        """The lead carries what the other current members do not."""
        teams = teams or [(member.account_id, member.company_id) for member in self]
        today = fields.Date.context_today(self)
        for account, company in set(teams):
            team = (
                self.sudo()
                .search([("account_id", "=", account.id), ("company_id", "=", company.id)])
                .filtered(lambda member: member._current_on(today))
            )
            lead = team.filtered("is_lead")[:1]
            if lead:
                share = max(0.0, 100.0 - sum((team - lead).mapped("effort_share")))
                if lead.effort_share != share:
                    lead.with_context(kam_lead_share=True).effort_share = share

    @api.model
    def _sync_team_from_account(self, accounts, company, kam):
        """The account's KAM changed in ``company``: the team's lead follows."""
        today = fields.Date.context_today(self)
        # an archived lead role still leads: the account's KAM always has one
        lead_role = (
            self.env["kam.member.role"]
            .sudo()
            .with_context(active_test=False)
            .search([("is_lead", "=", True)], order="active desc, sequence, id", limit=1)
        )
        members = self.sudo()
        for account in accounts:
            current = members.search(
                [
                    ("account_id", "=", account.id),
                    ("company_id", "=", company.id),
                    ("is_lead", "=", True),
                ]
            ).filtered(lambda member: member._current_on(today))
            if current.user_id == kam:
                continue
            # the former lead's membership ends (or goes, when it began today)
            started_today = current.filtered(lambda member: member.date_start >= today)
            started_today.unlink()
            (current - started_today).write({"date_end": today - timedelta(days=1)})
            if kam and lead_role:
                members.create(
                    {
                        "account_id": account.id,
                        "company_id": company.id,
                        "user_id": kam.id,
                        "role_id": lead_role.id,
                    }
                )

    @api.model
    def _sql_current(self, alias="member"):
        """SQL: the membership ``alias`` is current today."""
        return SQL(
            "%(start)s <= CURRENT_DATE AND (%(end)s IS NULL OR %(end)s >= CURRENT_DATE)",
            start=SQL.identifier(alias, "date_start"),
            end=SQL.identifier(alias, "date_end"),
        )
