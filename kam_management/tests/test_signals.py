from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_signals import KamSignalsCommon


@tagged("post_install", "-at_install")
class TestSignalRules(KamSignalsCommon):
    """Each rule against hand-built documents: raised with its figures, never
    twice, closed when the condition clears."""

    def test_overdue_receivables(self):
        account = self.key_account("Overdue Ltd")
        late = self.invoice(account, days_ago=75, amount=1000, due_days=30)  # 45 days past due
        self.invoice(account, days_ago=70, amount=500, due_days=30)  # 40 days past due
        self.invoice(account, days_ago=5, amount=700, due_days=30)  # not due yet
        result = self.check()
        signal = self.signals(account, "overdue")
        self.assertEqual(len(signal), 1)
        self.assertEqual((signal.count, signal.amount, signal.days), (2, 1500, 45))
        self.assertEqual(set(signal.move_ids.ids), set((late | signal.move_ids).ids))
        self.assertIn("45", signal.reason)
        self.assertEqual(signal.first_seen, self.today)
        self.assertGreaterEqual(result["raised"], 1)
        # a rerun on unchanged data writes nothing
        self.assertEqual(self.check(), {"raised": 0, "refreshed": 0, "closed": 0, "health": 0})
        self.assertEqual(len(self.signals(account, "overdue")), 1)
        # paid: the oldest goes, the amount changes (refreshed, same signal)
        self.pay(late, days_ago=0)
        self.assertEqual(self.check()["refreshed"], 1)
        self.assertEqual(self.signals(account, "overdue"), signal)
        self.assertEqual((signal.count, signal.amount, signal.days), (1, 500, 40))
        self.assertNotIn(late, signal.move_ids)

    def test_overdue_below_the_threshold_raises_nothing_and_clears(self):
        account = self.key_account("Almost Late Ltd")
        invoice = self.invoice(account, days_ago=70, amount=300, due_days=30)
        self.check()
        signal = self.signals(account, "overdue")
        self.assertTrue(signal)
        self.pay(invoice, days_ago=0)
        self.check()
        self.assertEqual(signal.state, "closed")
        self.assertEqual(signal.date_closed, self.today)
        self.assertEqual(signal.last_seen, self.today)
        self.company.kam_signal_overdue_days = 45
        self.invoice(account, days_ago=70, amount=300, due_days=30)  # 40 days past due
        self.check()
        self.assertFalse(self.signals(account, "overdue"))

    def test_payment_drift(self):
        account = self.key_account("Slow Payer Ltd")
        # the year before: paid 10 days after the invoice; the last 90 days: 40 days
        for days_ago in (400, 300, 200):
            self.pay(self.invoice(account, days_ago, 1000), days_ago - 10)
        for days_ago in (120, 100):
            self.pay(self.invoice(account, days_ago, 1000), days_ago - 40)
        self.check()
        signal = self.signals(account, "payment_drift")
        self.assertEqual((signal.days, signal.previous_amount), (40, 10))
        self.assertIn("40 days", signal.reason)

    def test_revenue_decline(self):
        account = self.key_account("Shrinking Ltd")
        self.invoice(account, days_ago=365 + 30, amount=10000)  # the same months a year before
        self.invoice(account, days_ago=30, amount=2000)
        self.check()
        signal = self.signals(account, "revenue_decline")
        self.assertEqual(signal.percent, -80.0)
        self.assertEqual((signal.amount, signal.previous_amount), (2000, 10000))
        self.assertEqual(signal.label, "quarter")
        # the same months recover: closed
        self.invoice(account, days_ago=20, amount=9000)
        self.check()
        self.assertEqual(signal.state, "closed")

    def test_order_rhythm_broken_while_other_categories_flow(self):
        account = self.key_account("Switched Supplier Ltd")
        for month in range(12, 4, -1):  # valves every month, until 5 months ago
            self.invoice(account, days_ago=month * 30, amount=100, product=self.product_x)
        for month in range(12, 0, -1):  # pumps every month, still
            self.invoice(account, days_ago=month * 30 - 20, amount=100, product=self.product_y)
        self.check()
        signal = self.signals(account, "order_rhythm")
        self.assertEqual(signal.label, "Valves")
        self.assertEqual(signal.days, 150)
        self.assertEqual(signal.previous_amount, 30)  # its usual gap
        health = self.health(account)
        self.assertEqual((health.regular_categories, health.broken_categories), (2, 1))

    def test_no_rhythm_broken_when_the_account_stopped_everything(self):
        account = self.key_account("Dormant Ltd")
        for month in range(12, 4, -1):
            self.invoice(account, days_ago=month * 30, amount=100, product=self.product_x)
            self.invoice(account, days_ago=month * 30 + 2, amount=100, product=self.product_y)
        self.check()
        self.assertFalse(self.signals(account, "order_rhythm"))

    def test_credit_notes(self):
        account = self.key_account("Complaining Ltd")
        self.invoice(account, days_ago=60, amount=10000)
        refund = self.invoice(account, days_ago=20, amount=2000, refund=True)
        self.check()
        signal = self.signals(account, "credit_notes")
        self.assertEqual((signal.amount, signal.previous_amount, signal.percent), (2000, 10000, 20))
        self.assertEqual(signal.move_ids, refund)

    def test_lost_business(self):
        account = self.key_account("Lost Deals Ltd")
        lead = self.env["crm.lead"].create(
            {"name": "Big deal", "type": "opportunity", "partner_id": account.id,
             "expected_revenue": 5000}
        )  # fmt: skip
        lead.action_set_lost()
        order = self.env["sale.order"].create(
            {
                "partner_id": account.id,
                "order_line": [
                    Command.create({"product_id": self.product_x.id, "price_unit": 300})
                ],
            }
        )
        order.action_confirm()
        self.assertTrue(order.kam_confirmed_date)
        order._action_cancel()
        quotation = self.env["sale.order"].create(
            {
                "partner_id": account.id,
                "order_line": [Command.create({"product_id": self.product_x.id})],
            }
        )
        quotation._action_cancel()  # never confirmed: not lost business
        self.check()
        signal = self.signals(account, "lost_business")
        self.assertEqual(signal.count, 2)
        self.assertEqual(signal.amount, 5300)
        self.assertEqual(signal.lead_ids, lead)
        self.assertEqual(signal.order_ids, order)

    def test_relationship(self):
        account = self.key_account("Unknown People Ltd")
        self.check()
        signal = self.signals(account, "relationship")
        self.assertEqual(signal.label.split(","), ["no_decision_maker", "single_threaded"])
        self.assertIn("no decision maker identified", signal.reason)
        # a decision maker and a second thread on the map: cleared
        decider = self.env.ref("kam_management.stakeholder_role_decision_maker")
        for name, roles in (("Ada", decider), ("Bob", self.env["kam.stakeholder.role"])):
            contact = self.env["res.partner"].create({"name": name, "parent_id": account.id})
            self.env["kam.stakeholder"].create(
                {
                    "account_id": account.id,
                    "contact_id": contact.id,
                    "role_ids": [Command.set(roles.ids)],
                    "last_interaction_date": self.today,
                }
            )
        self.check()
        self.assertEqual(signal.state, "closed")

    def test_left_the_key_set(self):
        account = self.env["res.partner"].create({"name": "Former Key Ltd", "is_company": True})
        run = self.env["kam.concentration.run"].create({"company_id": self.company.id})
        self.env["kam.concentration.line"].create(
            {
                "run_id": run.id,
                "partner_id": account.id,
                "movement": "left",
                "rank": 12,
                "share": 1.5,
                "revenue": 800,
                "date": fields.Datetime.now() - timedelta(days=3),
            }
        )
        self.check()
        signal = self.signals(account, "left_key_set")
        self.assertEqual(signal.first_seen, self.day(3))
        self.assertEqual((signal.count, signal.percent), (12, 1.5))
        # key again (a manager decision): cleared
        account.write({"kam_key_override": "key", "kam_key_override_reason": "Back"})
        self.check()
        self.assertEqual(signal.state, "closed")

    def test_only_key_accounts_are_checked(self):
        plain = self.env["res.partner"].create({"name": "Plain Customer", "is_company": True})
        self.invoice(plain, days_ago=90, amount=100)
        self.check()
        self.assertFalse(self.env["kam.signal"].search([("account_id", "=", plain.id)]))


@tagged("post_install", "-at_install")
class TestSignalJob(KamSignalsCommon):
    def test_the_nightly_job_checks_each_company_once_a_day_and_skips_a_failing_one(self):
        account = self.key_account("Nightly Ltd")
        self.invoice(account, days_ago=80, amount=100)
        other = self.setup_other_company(name="Signals Failing Company")["company"]
        engine = type(self.env["kam.signal.engine"])
        original = engine._check_company

        def failing_for_other(this, company):
            if company == other:
                raise ValueError("broken data")
            return original(this, company)

        with (
            patch.object(engine, "_check_company", failing_for_other),
            self.assertLogs("odoo.addons.kam_management.models.kam_signal_engine", "ERROR") as log,
        ):
            self.env["kam.signal.engine"]._cron_check_accounts()
        self.assertIn("Signals Failing Company", log.output[0])
        self.assertTrue(self.signals(account, "overdue"))
        self.assertEqual(self.company.kam_last_signal_date, self.today)
        self.assertEqual(other.kam_signal_failed_date, other._kam_today())
        self.assertFalse(other.kam_last_signal_date)
        # run again the same day: nothing to do, nothing written
        with patch.object(engine, "_check_company", side_effect=AssertionError) as check:
            self.env["kam.signal.engine"]._cron_check_accounts()
        check.assert_not_called()


@tagged("post_install", "-at_install")
class TestSignalHandling(KamSignalsCommon):
    """What KAMs do with signals, and who may."""

    def setUp(self):
        super().setUp()
        self.account = self.key_account("Handled Ltd")
        self.late = self.invoice(self.account, days_ago=80, amount=1000)
        self.check()
        self.signal = self.signals(self.account, "overdue")

    def dismiss(self, user, reason="Payment plan agreed"):
        wizard = (
            self.env["kam.signal.dismiss.wizard"]
            .with_user(user)
            .create({"signal_ids": [Command.set(self.signal.ids)], "reason": reason})
        )
        wizard.action_dismiss()

    def test_dismissed_stays_dismissed_for_the_snooze(self):
        self.dismiss(self.kam_user)
        self.assertEqual(self.signal.state, "dismissed")
        self.assertEqual(self.signal.dismissed_by_id, self.kam_user)
        self.assertEqual(self.signal.dismissed_until, self.today + timedelta(days=60))
        self.check()
        self.assertFalse(self.signals(self.account, "overdue"), "not raised again")
        self.assertEqual(self.signal.state, "dismissed", "kept with its reason")
        with freeze_time(self.today + timedelta(days=61)):
            self.check()
            again = self.signals(self.account, "overdue")
        self.assertEqual(len(again), 1, "raised again once the snooze is over")
        self.assertNotEqual(again, self.signal)

    def test_a_reason_is_needed(self):
        with self.assertRaises(UserError):
            self.dismiss(self.kam_user, reason="  ")

    def test_make_it_a_tension(self):
        action = self.signal.with_user(self.kam_user).action_make_tension()
        tension = self.env["kam.tension"].browse(action["res_id"])
        self.assertEqual(tension.account_id, self.account)
        self.assertEqual(tension.type_id, self.env.ref("kam_management.kam_tension_type_payment"))
        self.assertEqual(tension.invoice_ids, self.late)
        self.assertEqual(self.signal.tension_id, tension)
        again = self.signal.with_user(self.kam_user).action_make_tension()
        self.assertEqual(again["res_id"], tension.id, "one tension per signal")

    def test_rights(self):
        # another KAM reads it but cannot dismiss it
        self.assertTrue(self.signal.with_user(self.other_kam).reason)
        with self.assertRaises(AccessError):
            self.dismiss(self.other_kam)
        # nobody rewrites what the nightly check found, or closes it by hand
        tension = self.env["kam.tension"].create(
            {
                "name": "Elsewhere",
                "account_id": self.key_account("Elsewhere Ltd").id,
                "type_id": self.env.ref("kam_management.kam_tension_type_other").id,
            }
        )
        for values in (
            {"amount": 1},
            {"state": "closed"},
            {"rule": "credit_notes"},
            {"state": "dismissed", "dismissed_until": "2999-12-31", "dismiss_reason": ""},
            {"dismissed_by_id": self.other_kam.id},
            {"tension_id": tension.id},
        ):
            with self.assertRaises(AccessError):
                self.signal.with_user(self.kam_user).write(values)
            with self.assertRaises(AccessError):
                self.signal.with_user(self.kam_manager).write(values)
        with self.assertRaises(AccessError):
            self.env["kam.signal"].with_user(self.kam_user).create(
                {"account_id": self.account.id, "company_id": self.company.id,
                 "rule": "overdue", "first_seen": self.today}
            )  # fmt: skip
        # a salesman without KAM rights, and the health of the account
        with self.assertRaises(AccessError):
            self.signal.with_user(self.salesman).read(["reason"])
        with self.assertRaises(AccessError):
            self.health(self.account).with_user(self.salesman).read(["score"])
        with self.assertRaises(AccessError):
            self.account.with_user(self.salesman).read(["kam_health_score"])
        # the manager dismisses it
        self.dismiss(self.kam_manager)
        self.assertEqual(self.signal.state, "dismissed")

    def test_other_company(self):
        other = self.setup_other_company(name="Signals Other Company")["company"]
        stranger = self.env["res.users"].create(
            {
                "name": "Other Company KAM Manager",
                "login": "kam_signals_other_company",
                "company_id": other.id,
                "company_ids": [Command.set(other.ids)],
                "groups_id": [
                    Command.set(
                        [
                            self.env.ref("base.group_user").id,
                            self.env.ref("kam_management.group_kam_manager").id,
                        ]
                    )
                ],
            }
        )
        with self.assertRaises(AccessError):
            self.signal.with_user(stranger).read(["reason"])
        self.assertFalse(
            self.env["kam.signal"].with_user(stranger).search([("id", "=", self.signal.id)])
        )
        # the other company's check leaves this company's signals alone
        self.check(other)
        self.assertEqual(self.signal.state, "open")
        with self.assertRaises(AccessError):
            self.env["kam.what.if.wizard"].with_user(stranger).create(
                {"account_id": self.account.id, "company_id": self.company.id}
            ).read(["revenue"])
        # nor through a what-if of its own company turned to this one
        wizard = (
            self.env["kam.what.if.wizard"]
            .with_user(stranger)
            .create({"account_id": self.account.id, "company_id": other.id})
        )
        with self.assertRaises(UserError):
            wizard.write({"company_id": self.company.id})
