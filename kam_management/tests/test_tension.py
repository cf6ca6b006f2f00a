from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import KamCommon


@tagged("post_install", "-at_install")
class TestTension(KamCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.account.company_id = cls.company
        cls.other_account.kam_user_id = cls.other_kam_user
        cls.delivery = cls.env.ref("kam_management.kam_tension_type_delivery")
        cls.other_company = cls.env["res.company"].create({"name": "Tension Other Company"})
        cls.other_company_manager = new_test_user(
            cls.env,
            login="kam_tension_other_manager",
            groups="base.group_user,kam_management.group_kam_manager",
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )

    def new_tension(self, user=None, **values):
        model = self.env["kam.tension"].with_user(user) if user else self.env["kam.tension"]
        return model.create(
            {
                "name": "Late deliveries",
                "account_id": self.account.id,
                "type_id": self.delivery.id,
                **values,
            }
        )

    def escalation_activities(self, tension, user):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "kam.tension"),
                ("res_id", "=", tension.id),
                ("user_id", "=", user.id),
            ]
        )

    # ------------------------------------------------------------------
    # Recording
    # ------------------------------------------------------------------
    def test_a_tension_starts_open_owned_by_the_kam(self):
        tension = self.new_tension(user=self.kam_user)
        self.assertEqual(tension.state, "open")
        self.assertEqual(tension.owner_id, self.kam_user)
        self.assertEqual(tension.company_id, self.company)
        self.assertEqual(self.account.kam_tension_open_count, 1)
        self.assertEqual(self.contact.kam_tension_open_count, 1, "a contact shows its account's")
        with self.assertRaises(UserError):
            self.new_tension(state="resolved")

    def test_a_tension_is_on_an_account_and_its_documents(self):
        with self.assertRaises(ValidationError):
            self.new_tension(account_id=self.contact.id)
        order = self.env["sale.order"].create({"partner_id": self.other_account.id})
        with self.assertRaises(ValidationError):
            self.new_tension(sale_order_ids=[fields.Command.set(order.ids)])
        stranger = self.env["kam.stakeholder"].create(
            {
                "account_id": self.other_account.id,
                "contact_id": self.env["res.partner"]
                .create({"name": "Bea Beta", "parent_id": self.other_account.id})
                .id,
            }
        )
        with self.assertRaises(ValidationError):
            self.new_tension(raised_by_id=stranger.id)
        own_order = self.env["sale.order"].create({"partner_id": self.contact.id})
        tension = self.new_tension(sale_order_ids=[fields.Command.set(own_order.ids)])
        self.assertEqual(tension.sale_order_ids, own_order)

    def flush_tracking(self):
        """Track what changed so far, as a commit would."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def test_status_moves_and_resolution(self):
        tension = self.new_tension(user=self.kam_user)
        self.flush_tracking()
        tension.action_start()
        self.flush_tracking()
        self.assertEqual(tension.state, "in_progress")
        with self.assertRaises(UserError, msg="no resolution written"):
            tension.action_resolve()
        tension.resolution = "<p>Credit note for the late lots, new delivery slots.</p>"
        tension.action_resolve()
        self.flush_tracking()
        self.assertEqual(tension.state, "resolved")
        self.assertEqual(tension.date_resolved, fields.Date.context_today(tension))
        self.assertEqual(self.account.kam_tension_open_count, 0)
        with self.assertRaises(UserError, msg="a resolved tension is reopened first"):
            tension.write({"state": "escalated"})
        with self.assertRaises(UserError):
            tension.write({"state": "forgotten"})
        tension.action_reopen()
        self.flush_tracking()
        self.assertEqual(tension.state, "open")
        self.assertFalse(tension.date_resolved)
        tracked = tension.sudo().message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "state"
        )
        self.assertEqual(len(tracked), 3, "every status change is tracked")

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------
    def test_a_critical_tension_escalates_once(self):
        tension = self.new_tension(user=self.kam_user, severity="critical")
        self.assertEqual(tension.state, "escalated")
        self.assertTrue(tension.escalation_date)
        self.assertEqual(len(self.escalation_activities(tension, self.kam_manager)), 1)
        self.assertFalse(self.escalation_activities(tension, self.kam_user), "not a manager")
        self.assertFalse(
            self.escalation_activities(tension, self.other_company_manager),
            "a manager of another company is not told",
        )
        self.assertEqual(self.account.kam_tension_escalated_count, 1)
        # handled, then made critical again, then past its deadline: still told once
        tension.action_start()
        tension.write({"severity": "high"})
        tension.write({"severity": "critical", "deadline": date(2020, 1, 1)})
        self.env["kam.tension"]._cron_escalate_tensions()
        self.assertEqual(len(self.escalation_activities(tension, self.kam_manager)), 1)
        self.assertEqual(tension.state, "in_progress")

    def test_a_tension_past_its_deadline_escalates_at_night(self):
        with freeze_time("2026-03-02"):
            tension = self.new_tension(user=self.kam_user, deadline=date(2026, 3, 10))
            resolved = self.new_tension(
                user=self.kam_user, deadline=date(2026, 3, 5), resolution="<p>Settled</p>"
            )
            resolved.action_resolve()
            self.env["kam.tension"]._cron_escalate_tensions()
            self.assertEqual(tension.state, "open")
        with freeze_time("2026-03-11"):
            tension.invalidate_recordset(["is_overdue"])
            self.assertTrue(tension.is_overdue)
            self.assertEqual(
                self.env["kam.tension"].search(
                    [("is_overdue", "=", True), ("account_id", "=", self.account.id)]
                ),
                tension,
            )
            self.env["kam.tension"]._cron_escalate_tensions()
            self.env["kam.tension"]._cron_escalate_tensions()
            self.assertEqual(tension.state, "escalated")
            self.assertEqual(resolved.state, "resolved")
            self.assertEqual(len(self.escalation_activities(tension, self.kam_manager)), 1)
            self.assertFalse(self.escalation_activities(resolved, self.kam_manager))

    def test_a_kam_escalates_by_hand(self):
        tension = self.new_tension(user=self.kam_user)
        tension.action_escalate()
        self.assertEqual(tension.state, "escalated")
        activity = self.escalation_activities(tension, self.kam_manager)
        self.assertEqual(len(activity), 1)
        self.assertIn("KAM User", activity.note)

    def test_counts_per_company(self):
        self.account.company_id = False  # a customer of both companies
        self.new_tension()
        self.env["kam.tension"].create(
            {
                "name": "Invoices in dispute",
                "account_id": self.account.id,
                "company_id": self.other_company.id,
                "type_id": self.delivery.id,
            }
        )
        self.assertEqual(self.account.kam_tension_open_count, 1)
        self.assertEqual(self.account.with_company(self.other_company).kam_tension_open_count, 1)

    # ------------------------------------------------------------------
    # Rights and side doors
    # ------------------------------------------------------------------
    def test_team_members_manage_others_read(self):
        sales_role = self.env.ref("kam_management.kam_member_role_sales")
        member = new_test_user(
            self.env,
            login="kam_tension_member",
            groups="base.group_user,kam_management.group_kam_user",
        )
        self.env["kam.account.member"].create(
            {
                "account_id": self.account.id,
                "company_id": self.company.id,
                "user_id": member.id,
                "role_id": sales_role.id,
                "effort_share": 20,
            }
        )
        tension = self.new_tension(user=member)
        tension.with_user(member).write({"severity": "high"})
        self.assertEqual(tension.with_user(self.other_kam_user).name, "Late deliveries")
        with self.assertRaises(AccessError):
            tension.with_user(self.other_kam_user).write({"severity": "low"})
        with self.assertRaises(AccessError):
            self.new_tension(user=self.other_kam_user)
        with self.assertRaises(AccessError):
            tension.with_user(self.salesman).read(["name"])
        with self.assertRaises(AccessError):
            tension.with_user(self.other_company_manager).read(["name"])
        for field in ("kam_tension_ids", "kam_tension_open_count"):
            with self.assertRaises(AccessError):
                self.account.with_user(self.salesman).read([field])

    def test_a_tension_moves_only_where_it_could_be_created(self):
        tension = self.new_tension(user=self.kam_user)
        with self.assertRaises(AccessError):
            tension.with_user(self.kam_user).write({"account_id": self.other_account.id})
        self.assertEqual(tension.account_id, self.account)

    def test_no_side_door_around_the_status(self):
        with self.assertRaises(UserError):
            self.env["kam.tension"].with_context(default_state="resolved").create(
                {"name": "Sneaky", "account_id": self.account.id, "type_id": self.delivery.id}
            )
        with self.assertRaises(UserError):
            self.new_tension(user=self.kam_user, escalation_date=fields.Datetime.now())
        tension = self.new_tension(user=self.kam_user, severity="high")
        with self.assertRaises(UserError, msg="escalated once, and nobody resets it"):
            tension.with_user(self.kam_user).write({"escalation_date": False})
        # resolved with the resolution written in the same write; never blanked after
        tension.with_user(self.kam_user).write({"state": "resolved", "resolution": "<p>Done</p>"})
        self.assertEqual(tension.state, "resolved")
        with self.assertRaises(ValidationError):
            tension.with_user(self.kam_user).write({"resolution": "<p><br></p>"})

    def test_resolved_on_moves_only_with_the_status(self):
        with freeze_time("2026-03-02"):
            early = self.new_tension(resolution="<p>Done</p>")
            early.action_resolve()
        late = self.new_tension(resolution="<p>Done</p>")
        (early | late).write({"state": "resolved"})
        self.assertEqual(early.date_resolved, date(2026, 3, 2))
        self.assertEqual(late.date_resolved, fields.Date.context_today(late))

    def test_copy_starts_a_fresh_tension(self):
        tension = self.new_tension(severity="critical")
        copy = tension.copy()
        self.assertEqual(copy.state, "escalated", "a critical copy is escalated again")
        self.assertEqual(len(self.escalation_activities(copy, self.kam_manager)), 1)
        self.assertFalse(copy.date_resolved)

    def test_handover_moves_the_unresolved_tensions(self):
        tension = self.new_tension(user=self.kam_user)
        done = self.new_tension(user=self.kam_user, resolution="<p>Settled</p>")
        done.action_resolve()
        tension.activity_schedule("mail.mail_activity_data_todo", user_id=self.kam_user.id)
        wizard = (
            self.env["kam.handover.wizard"]
            .with_user(self.kam_manager)
            .create(
                {
                    "company_id": self.company.id,
                    "from_user_id": self.kam_user.id,
                    "to_user_id": self.other_kam_user.id,
                    "account_ids": [fields.Command.set(self.account.ids)],
                }
            )
        )
        wizard.action_hand_over()
        self.assertEqual(tension.owner_id, self.other_kam_user)
        self.assertEqual(done.owner_id, self.kam_user, "history stays as it was")
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "kam.tension"), ("res_id", "=", tension.id)]
        )
        self.assertEqual(activities.user_id, self.other_kam_user)

    def test_tension_deadline_is_past_only_when_unresolved(self):
        yesterday = fields.Date.context_today(self.env.user) - timedelta(days=1)
        tension = self.new_tension(deadline=yesterday, resolution="<p>Done</p>")
        self.assertTrue(tension.is_overdue)
        tension.action_resolve()
        self.assertFalse(tension.is_overdue)
