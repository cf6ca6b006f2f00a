from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import KamCommon


class TeamCommon(KamCommon):
    """An account of tier A with two live relationships, its KAM and a backup.

    Settings: tier A 16 h, strategic 12 h, 3 h a relationship, capacity 100 h.
    Estimated effort of the account: 16 + 2 × 3 = 22 h a month.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "kam_effort_tier_a_hours": 16,
                "kam_effort_tier_b_hours": 8,
                "kam_effort_tier_c_hours": 3,
                "kam_effort_strategic_hours": 12,
                "kam_effort_relationship_hours": 3,
                "kam_default_capacity_hours": 100,
                "kam_overload_percent": 100,
                "kam_message_minutes": 6,
            }
        )
        cls.env["kam.account.figure"].create(
            {
                "company_id": cls.company.id,
                "account_ref": cls.account.id,
                "tier": "a",
                "is_key": True,
            }
        )
        cls.buyer = cls.env["res.partner"].create({"name": "Buyer", "parent_id": cls.account.id})
        Stakeholder = cls.env["kam.stakeholder"]
        cls.stakeholders = Stakeholder.create(
            [
                {"account_id": cls.account.id, "contact_id": cls.contact.id},
                {"account_id": cls.account.id, "contact_id": cls.buyer.id},
            ]
        )
        gone = cls.env["res.partner"].create({"name": "Gone", "parent_id": cls.account.id})
        Stakeholder.create({"account_id": cls.account.id, "contact_id": gone.id, "active": False})
        cls.Member = cls.env["kam.account.member"]
        cls.lead_role = cls.env.ref("kam_management.kam_member_role_lead")
        cls.backup_role = cls.env.ref("kam_management.kam_member_role_backup")
        cls.sales_role = cls.env.ref("kam_management.kam_member_role_sales")

    def team(self, account=None):
        return self.Member.search(
            [("account_id", "=", (account or self.account).id), ("is_current", "=", True)]
        )

    def lead(self, account=None):
        return self.team(account).filtered("is_lead")


@tagged("post_install", "-at_install")
class TestAccountTeam(TeamCommon):
    def test_the_kam_leads_the_team_and_carries_the_rest_of_the_effort(self):
        self.assertEqual(self.lead().user_id, self.kam_user)
        self.assertEqual(self.lead().effort_share, 100)
        backup = self.Member.create(
            {
                "account_id": self.account.id,
                "user_id": self.other_kam_user.id,
                "role_id": self.backup_role.id,
                "effort_share": 25,
                "date_start": fields.Date.today() - timedelta(days=10),
            }
        )
        self.assertEqual(self.lead().effort_share, 75)
        self.assertAlmostEqual(self.account.kam_effort_estimated, 22)
        self.assertAlmostEqual(self.lead().effort_estimated, 16.5)
        self.assertAlmostEqual(backup.effort_estimated, 5.5)
        backup.date_end = fields.Date.today() - timedelta(days=1)
        self.assertEqual(self.lead().effort_share, 100)

    def test_the_estimate_explains_itself(self):
        self.account.write(
            {"kam_effort_adjustment": 5, "kam_effort_adjustment_reason": "New plant opening"}
        )
        self.assertAlmostEqual(self.account.kam_effort_estimated, 27)
        self.assertIn("2 relationships", self.account.kam_effort_explanation)
        self.assertIn("= 27 h", self.account.kam_effort_explanation)
        with self.assertRaisesRegex(ValidationError, "needs a reason"):
            self.account.write({"kam_effort_adjustment": 3, "kam_effort_adjustment_reason": ""})

    def test_a_strategic_account_takes_the_larger_base(self):
        self.env["kam.account.figure"].search([("account_ref", "=", self.account.id)]).tier = "c"
        self.assertAlmostEqual(self.account.kam_effort_estimated, 3 + 6)
        self.make_strategic(self.account)
        self.assertAlmostEqual(self.account.kam_effort_estimated, 12 + 6)

    def test_the_account_kam_and_the_lead_stay_in_step(self):
        self.account.with_user(self.kam_manager).kam_user_id = self.other_kam_user
        self.assertEqual(self.lead().user_id, self.other_kam_user)
        self.assertEqual(len(self.lead()), 1)
        self.lead().with_user(self.kam_manager).user_id = self.kam_user
        self.assertEqual(self.account.kam_user_id, self.kam_user)
        self.lead().with_user(self.kam_manager).unlink()
        self.assertFalse(self.account.kam_user_id)

    def test_one_lead_at_a_time_and_shares_up_to_100(self):
        with self.assertRaisesRegex(ValidationError, "one lead at a time"):
            self.Member.create(
                {
                    "account_id": self.account.id,
                    "user_id": self.other_kam_user.id,
                    "role_id": self.lead_role.id,
                }
            )
        with self.assertRaisesRegex(ValidationError, "above 100"):
            self.Member.create(
                [
                    {
                        "account_id": self.account.id,
                        "user_id": user.id,
                        "role_id": self.sales_role.id,
                        "effort_share": 60,
                    }
                    for user in (self.other_kam_user, self.salesman)
                ]
            )

    def test_the_kam_forms_the_team_only_managers_change_the_lead(self):
        Member = self.Member.with_user(self.kam_user)
        rep = Member.create(
            {
                "account_id": self.account.id,
                "user_id": self.salesman.id,
                "role_id": self.sales_role.id,
                "effort_share": 10,
            }
        )
        self.assertEqual(rep.user_id, self.salesman)
        with self.assertRaises(AccessError):
            self.lead().with_user(self.kam_user).user_id = self.other_kam_user
        with self.assertRaises(AccessError):
            self.Member.with_user(self.other_kam_user).create(
                {
                    "account_id": self.account.id,
                    "user_id": self.other_kam_user.id,
                    "role_id": self.sales_role.id,
                }
            )
        with self.assertRaises(AccessError):
            self.Member.with_user(self.salesman).search([])

    def test_team_members_edit_the_map_and_plans_others_read(self):
        colleague = new_test_user(
            self.env, login="kam_team_colleague",
            groups="base.group_user,kam_management.group_kam_user",
        )  # fmt: skip
        stakeholder = self.stakeholders[0]
        with self.assertRaises(AccessError):
            stakeholder.with_user(colleague).strength = 5
        self.Member.create(
            {
                "account_id": self.account.id,
                "user_id": colleague.id,
                "role_id": self.sales_role.id,
                "effort_share": 10,
            }
        )
        stakeholder.with_user(colleague).strength = 5
        plan = (
            self.env["kam.account.plan"]
            .with_user(colleague)
            .create(
                {
                    "account_id": self.account.id,
                    "date_start": "2031-01-01",
                    "date_end": "2031-12-31",
                }
            )
        )
        plan.revenue_target = 100
        self.assertEqual(stakeholder.with_user(self.other_kam_user).strength, 5)
        with self.assertRaises(AccessError):
            plan.with_user(self.other_kam_user).revenue_target = 1

    def test_the_backup_stands_in_while_the_kam_is_away(self):
        self.Member.create(
            {
                "account_id": self.account.id,
                "user_id": self.other_kam_user.id,
                "role_id": self.backup_role.id,
            }
        )
        plan = self.env["kam.account.plan"].create(
            {"account_id": self.account.id, "date_start": "2026-01-01", "date_end": "2026-12-31"}
        )
        self.assertEqual(plan._review_recipient(), self.kam_user)
        today = fields.Date.today()
        self.env["kam.absence"].with_user(self.kam_user).create(
            {"user_id": self.kam_user.id, "date_from": today, "date_to": today + timedelta(7)}
        )
        self.assertEqual(plan._review_recipient(), self.other_kam_user)
        self.assertEqual(self.stakeholders[0]._reminder_recipient(), self.other_kam_user)

    def test_a_role_in_use_is_archived_not_deleted(self):
        self.Member.create(
            {
                "account_id": self.account.id,
                "user_id": self.salesman.id,
                "role_id": self.sales_role.id,
            }
        )
        with self.assertRaisesRegex(UserError, "archive it instead"):
            self.sales_role.unlink()
        with self.assertRaisesRegex(UserError, "lead role cannot be deleted"):
            self.env["kam.member.role"].create({"name": "Second lead", "is_lead": True}).unlink()

    def test_absences_are_ones_own_business(self):
        today = fields.Date.today()
        with self.assertRaises(AccessError):
            self.env["kam.absence"].with_user(self.kam_user).create(
                {"user_id": self.other_kam_user.id, "date_from": today, "date_to": today}
            )
        with self.assertRaisesRegex(ValidationError, "ends after it starts"):
            self.env["kam.absence"].create(
                {"user_id": self.kam_user.id, "date_from": today, "date_to": today - timedelta(1)}
            )

    def test_teams_of_another_company_stay_hidden(self):
        other = self.env["res.company"].create({"name": "KAM Team Company B"})
        customer = self.env["res.partner"].create(
            {"name": "B customer", "is_company": True, "company_id": other.id}
        )
        hidden = self.Member.create(
            {
                "account_id": customer.id,
                "company_id": other.id,
                "user_id": self.kam_user.id,
                "role_id": self.sales_role.id,
            }
        )
        self.assertNotIn(hidden, self.Member.with_user(self.kam_manager).search([]))


@tagged("post_install", "-at_install")
class TestWorkload(TeamCommon):
    def load(self, user):
        return self.env["kam.workload"].search([("user_id", "=", user.id)])

    def test_load_is_the_share_of_the_estimate_against_capacity(self):
        self.kam_user.kam_capacity_hours = 44
        self.Member.create(
            {
                "account_id": self.account.id,
                "user_id": self.other_kam_user.id,
                "role_id": self.backup_role.id,
                "effort_share": 50,
            }
        )
        self.env.flush_all()
        load = self.load(self.kam_user)
        self.assertAlmostEqual(load.estimated_hours, 11)
        self.assertAlmostEqual(load.load_percent, 25)
        self.assertAlmostEqual(self.kam_user.kam_load_percent, 25)
        self.assertFalse(self.kam_user.kam_is_overloaded)
        self.assertAlmostEqual(self.load(self.other_kam_user).load_percent, 11)

    def test_assigning_an_account_that_would_overload_warns_before_saving(self):
        self.other_kam_user.kam_capacity_hours = 20
        self.env.flush_all()
        # the form, before saving: 22 h on 20 h of capacity
        edited = self.account.with_user(self.kam_manager).new(
            {"kam_user_id": self.other_kam_user.id}, origin=self.account
        )
        warning = edited._onchange_kam_user_id_warn_overload()["warning"]
        self.assertIn("110 %", warning["message"])
        self.assertIn(self.other_kam_user.name, warning["title"])
        half = self.Member.new(
            {
                "account_id": self.account.id,
                "user_id": self.other_kam_user.id,
                "role_id": self.sales_role.id,
                "effort_share": 50,
            }
        )
        self.assertIsNone(half._onchange_warn_overload(), "11 h of 20 h: 55 %")
        half.effort_share = 100
        self.assertIn("110 %", half._onchange_warn_overload()["warning"]["message"])

    def test_an_overload_that_lasts_a_week_is_told_once(self):
        self.kam_user.kam_capacity_hours = 10
        self.env.flush_all()
        Workload = self.env["kam.workload"]
        Workload._follow_overloads()
        self.assertTrue(self.kam_user.kam_overloaded_since)
        partner = self.kam_user.partner_id

        def notices():
            # in each manager's language: the summary names the person
            return partner.activity_ids.filtered(lambda a: self.kam_user.name in (a.summary or ""))

        self.assertFalse(notices())
        with freeze_time(datetime.now() + timedelta(days=8)):
            Workload._follow_overloads()
            Workload._follow_overloads()
        managers = self.env.ref("kam_management.group_kam_manager").users.filtered(
            lambda user: user.active and self.env.company in user.company_ids
        )
        self.assertIn(self.kam_manager, notices().user_id)
        self.assertEqual(notices().user_id, managers)
        self.assertEqual(len(notices()), len(managers), "once each")
        self.kam_user.kam_capacity_hours = 100
        self.env.flush_all()
        Workload._follow_overloads()
        self.assertFalse(self.kam_user.kam_overloaded_since)

    def test_workload_board_costs_the_same_queries_for_5_or_50_kams(self):
        spec = {"user_id": {"fields": {"display_name": {}}}, "team_id": {"fields":
                {"display_name": {}}}, "load_percent": {}, "estimated_hours": {},
                "measured_hours": {}, "capacity_hours": {}, "account_count": {},
                "is_overloaded": {}, "is_absent": {}}  # fmt: skip
        Workload = self.env["kam.workload"].with_user(self.kam_manager)

        def board():
            self.env.flush_all()
            self.env.reset()
            before = self.env.cr.sql_log_count
            Workload.web_search_read([], spec, limit=80)
            return self.env.cr.sql_log_count - before

        def kams(count, prefix):
            users = self.env["res.users"]
            for i in range(count):
                users |= new_test_user(
                    self.env, login=f"{prefix}{i}",
                    groups="base.group_user,kam_management.group_kam_user",
                )  # fmt: skip
            accounts = self.env["res.partner"].create(
                [{"name": f"{prefix} account {i}", "is_company": True} for i in range(count)]
            )
            for user, account in zip(users, accounts, strict=True):
                account.kam_user_id = user

        kams(3, "few_kam_")
        board()
        few = board()
        kams(45, "many_kam_")
        board()
        self.assertEqual(board(), few)


@tagged("post_install", "-at_install")
class TestMeasuredEffort(TeamCommon):
    """Over the last 90 days, shown a month (90 days = 3 months):
    a 3 h meeting with two people of the account (counted once), a 1.5 h meeting
    with one of them, a call marked done on the account (15 min), two notes on a
    plan of the account (6 min each), and a meeting of 2 h long ago (not counted).
    kam_user: meetings 4.5 h, activities 0.25 h, messages 0.2 h = 4.95 h /3 = 1.65 h.
    """

    def meeting(self, hours, people, days_ago):
        start = fields.Datetime.now() - timedelta(days=days_ago)
        return self.env["calendar.event"].create(
            {
                "name": "Visit",
                "start": start,
                "stop": start + timedelta(hours=hours),
                "partner_ids": [Command.set((people | self.kam_user.partner_id).ids)],
            }
        )

    def test_each_source_once(self):
        self.meeting(3, self.contact | self.buyer, 10)
        self.meeting(1.5, self.buyer, 20)
        self.meeting(2, self.buyer, 200)
        call = self.env.ref("mail.mail_activity_data_call")
        self.account.with_user(self.kam_user).activity_schedule(
            activity_type_id=call.id, user_id=self.kam_user.id
        ).with_user(self.kam_user).action_feedback(feedback="Talked about the renewal")
        plan = self.env["kam.account.plan"].create(
            {"account_id": self.account.id, "date_start": "2026-01-01", "date_end": "2026-12-31"}
        )
        for body in ("First note", "Second note"):
            plan.with_user(self.kam_user).message_post(body=body, message_type="comment")
        self.env["kam.workload"]._cron_workload()
        measure = self.env["kam.effort.measure"].search(
            [("account_ref", "=", self.account.id), ("user_id", "=", self.kam_user.id)]
        )
        self.assertAlmostEqual(measure.meeting_hours, 1.5)
        self.assertAlmostEqual(measure.activity_hours, 0.08, places=2)
        self.assertAlmostEqual(measure.message_hours, 0.07, places=2)
        self.assertAlmostEqual(measure.hours, 1.65)
        self.assertAlmostEqual(self.lead().effort_measured, 1.65)
        self.assertAlmostEqual(self.account.kam_effort_measured, 1.65)


@tagged("post_install", "-at_install")
class TestHandover(TeamCommon):
    def test_a_handover_moves_everything_it_says_and_loses_nothing(self):
        new_kam = self.other_kam_user
        plan = self.env["kam.account.plan"].create(
            {"account_id": self.account.id, "date_start": "2026-01-01", "date_end": "2026-12-31"}
        )
        self.stakeholders.owner_id = self.kam_user
        todo = self.contact.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.kam_user.id
        )
        on_plan = plan.activity_schedule("mail.mail_activity_data_todo", user_id=self.kam_user.id)
        self.account.message_post(body="Wants a yearly contract", message_type="comment")
        activities_before = self.env["mail.activity"].search_count([])
        wizard = (
            self.env["kam.handover.wizard"]
            .with_user(self.kam_manager)
            .create(
                {"from_user_id": self.kam_user.id, "to_user_id": new_kam.id, "all_accounts": True}
            )
        )
        self.assertEqual(wizard.account_ids, self.account)
        action = wizard.action_hand_over()
        handover = self.env["kam.handover"].browse(action["res_id"])
        self.assertEqual(self.account.kam_user_id, new_kam)
        self.assertEqual(self.lead().user_id, new_kam)
        self.assertEqual(plan.user_id, new_kam)
        self.assertEqual(self.stakeholders.owner_id, new_kam)
        self.assertEqual((todo | on_plan).user_id, new_kam)
        self.assertEqual(self.env["mail.activity"].search_count([]), activities_before)
        self.assertIn(self.kam_user.partner_id, self.account.message_partner_ids)
        self.assertIn(new_kam.partner_id, self.account.message_partner_ids)
        dossier = self.account.message_ids[0].body
        for part in ("Open orders", "Overdue invoices", "People to be introduced",
                     "Wants a yearly contract"):  # fmt: skip
            self.assertIn(part, dossier)
        self.assertEqual(handover.account_ids, self.account)
        with freeze_time(datetime.now() + timedelta(days=31)):
            self.env["kam.handover"]._cron_end_transitions()
        self.assertNotIn(self.kam_user.partner_id, self.account.message_partner_ids)
        pdf, _format = self.env["ir.actions.report"]._render_qweb_html(
            "kam_management.kam_handover_dossier_action", handover.ids
        )
        self.assertIn(b"Revenue of the last 24 months", pdf)

    def test_only_managers_hand_over(self):
        with self.assertRaises(AccessError):
            self.env["kam.handover.wizard"].with_user(self.kam_user).create(
                {
                    "from_user_id": self.kam_user.id,
                    "to_user_id": self.other_kam_user.id,
                    "account_ids": [Command.set(self.account.ids)],
                }
            ).action_hand_over()

    def test_a_manager_of_another_company_cannot_hand_our_accounts_over(self):
        other = self.env["res.company"].create({"name": "KAM Handover Company B"})
        outsider = new_test_user(
            self.env, login="kam_handover_outsider",
            groups="base.group_user,kam_management.group_kam_manager",
            company_id=other.id, company_ids=[Command.set(other.ids)],
        )  # fmt: skip
        with self.assertRaises(UserError):  # AccessError is one too
            self.env["kam.handover.wizard"].with_user(outsider).create(
                {
                    "company_id": self.company.id,
                    "from_user_id": self.kam_user.id,
                    "to_user_id": self.other_kam_user.id,
                    "account_ids": [Command.set(self.account.ids)],
                }
            ).action_hand_over()
        self.assertEqual(self.account.kam_user_id, self.kam_user)
        self.assertEqual(self.lead().user_id, self.kam_user)


@tagged("post_install", "-at_install")
class TestRebalance(TeamCommon):
    def test_an_overloaded_kam_hands_an_account_to_a_teammate(self):
        team = self.env["crm.team"].create(
            {
                "name": "Iberia KAMs",
                "member_ids": [Command.set((self.kam_user | self.other_kam_user).ids)],
            }
        )
        self.assertEqual(self.kam_user.sale_team_id, team)
        self.kam_user.kam_capacity_hours = 15  # 22 h: 147 %
        self.env.flush_all()
        wizard = (
            self.env["kam.rebalance.wizard"]
            .with_user(self.kam_manager)
            .create({"team_id": team.id})
        )
        wizard.action_suggest()
        self.assertEqual(wizard.move_ids.account_id, self.account)
        self.assertEqual(wizard.move_ids.to_user_id, self.other_kam_user)
        wizard.action_apply()
        self.assertEqual(self.account.kam_user_id, self.other_kam_user)
        again = self.env["kam.rebalance.wizard"].create({"team_id": team.id})
        self.other_kam_user.kam_capacity_hours = 15
        self.env.flush_all()
        again.action_suggest()
        self.assertFalse(again.move_ids, "handed over lately: it stays")
