from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common_signals import KamSignalsCommon


@tagged("post_install", "-at_install")
class TestAccountHealth(KamSignalsCommon):
    def test_hand_computed_health(self):
        """Weights 25/20/15/15/15/10. One invoice 45 days past due, nothing to
        compare revenue with, no category bought regularly, no map (2 gaps), no
        plan, no tension:
        revenue 25 + payment 20 x (1 - 45/90) = 10 + rhythm 15
        + relationships 15 x (0.5 x 0 + 0.5 x (1 - 2/3)) = 2.5 + plan 0 + tensions 10
        = 62.5 -> 62, watch."""
        account = self.key_account("Scored Ltd")
        self.invoice(account, days_ago=75, amount=1000, due_days=30)
        self.check()
        health = self.health(account)
        self.assertEqual(
            [
                health.revenue_points,
                health.payment_points,
                health.rhythm_points,
                health.relationship_points,
                health.plan_points,
                health.tension_points,
            ],
            [25, 10, 15, 2.5, 0, 10],
        )
        self.assertEqual((health.score, health.band), (62, "watch"))
        self.assertEqual((account.kam_health_score, account.kam_health_band), (62, "watch"))
        self.assertEqual(
            self.env["res.partner"].search(
                [("kam_health_band", "=", "watch"), ("id", "=", account.id)]
            ),
            account,
        )
        self.assertFalse(
            self.env["res.partner"].search(
                [("kam_health_band", "=", "healthy"), ("id", "=", account.id)]
            )
        )
        # it explains itself: every component, its points out of its weight, the
        # reason, and a link to the signal behind it
        signal = self.signals(account, "overdue")
        explanation = str(health.explanation)
        for text in ("Payment behaviour", "10.0 / 20", "45 days past due", "Account plan",
                     "No active account plan", f"/odoo/kam.signal/{signal.id}"):  # fmt: skip
            self.assertIn(text, explanation)
        self.assertEqual(health.main_reason, "Account plan: No active account plan.")

    def test_tensions_and_plan_count(self):
        account = self.key_account("Tense Ltd")
        self.env["kam.tension"].create(
            {
                "name": "Late deliveries",
                "account_id": account.id,
                "type_id": self.env.ref("kam_management.kam_tension_type_delivery").id,
                "severity": "high",
            }
        )
        self.env["kam.account.plan"].create(
            {
                "account_id": account.id,
                "date_start": self.day(30),
                "date_end": self.day(-300),
            }
        ).action_activate()
        self.check()
        health = self.health(account)
        self.assertEqual(health.tension_points, 5.0)  # 10 x (1 - 0.5)
        self.assertEqual(health.plan_points, 4.5)  # 15 x 0.3: live, not stale, no progress
        self.assertEqual(health.tension_severities, "high")

    def test_snapshots_weekly_and_on_band_change(self):
        account = self.key_account("Snapshot Ltd")
        with freeze_time(self.today):
            self.check()
        first = self.health(account)
        self.assertEqual(self.check()["health"], 0, "a rerun on unchanged data writes nothing")
        # the same week, another score in the same band: the snapshot is refreshed
        self.invoice(account, days_ago=15, amount=100, due_days=5)  # 10 days past due: 70
        self.check()
        self.assertEqual(self.health(account), first)
        # a new band: a new snapshot, the old one kept as history
        self.invoice(account, days_ago=300, amount=100, due_days=30)  # 270 days past due
        self.check()
        second = self.health(account)
        self.assertNotEqual(second, first)
        self.assertNotEqual(second.band, first.band)
        self.assertFalse(first.is_current)
        # a new week: a new snapshot even when nothing changed
        with freeze_time(self.today + timedelta(days=7)):
            self.env["kam.signal.engine"]._check_company(self.company)
        third = self.health(account)
        self.assertNotEqual(third, second)
        self.assertEqual(
            self.env["kam.account.health"].search_count([("account_id", "=", account.id)]), 3
        )

    def test_a_fall_tells_the_managers_once(self):
        account = self.key_account("Falling Ltd")
        self.check()
        healthy = self.health(account).score
        self.company.kam_health_drop_points = 5
        for days_ago in (200, 190, 180):
            self.invoice(account, days_ago=days_ago, amount=100, due_days=30)
        self.check()
        health = self.health(account)
        self.assertGreater(healthy - health.score, 5)
        self.assertTrue(health.is_falling)
        self.assertTrue(account.kam_health_falling)

        def notices():
            return self.env["mail.activity"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", account.id),
                    ("user_id", "=", self.kam_manager.id),
                ]
            )

        self.assertEqual(len(notices()), 1)
        self.assertIn("fell by", notices().note)
        self.invoice(account, days_ago=170, amount=100, due_days=30)
        self.check()
        self.assertEqual(len(notices()), 1, "once per fall")

    def test_a_fall_in_small_steps_within_a_week_is_seen(self):
        self.company.write(
            {"kam_health_healthy_min": 20, "kam_health_watch_min": 10, "kam_health_drop_points": 5}
        )
        account = self.key_account("Sliding Ltd")
        self.check()
        self.assertEqual(self.health(account).score, 72)
        self.invoice(account, days_ago=45, amount=100, due_days=30)  # 15 days past due
        self.check()
        self.assertEqual(self.health(account).score, 69)
        self.assertFalse(self.health(account).is_falling)
        self.invoice(account, days_ago=65, amount=100, due_days=30)  # 35 days past due
        self.check()
        health = self.health(account)
        self.assertEqual((health.score, health.score_drop), (65, 7), "72 earlier this week")
        self.assertTrue(health.is_falling)

    def test_health_settings_are_saved_together(self):
        settings = self.env["res.config.settings"].create(
            {"kam_health_weight_revenue": 15, "kam_health_weight_plan": 25}
        )
        settings.execute()
        self.assertEqual(
            (self.company.kam_health_weight_revenue, self.company.kam_health_weight_plan), (15, 25)
        )
        settings = self.env["res.config.settings"].create(
            {"kam_health_healthy_min": 30, "kam_health_watch_min": 20}
        )
        settings.execute()
        self.assertEqual(self.company.kam_health_healthy_min, 30)
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"kam_health_weight_tension": 50}).execute()

    def test_what_if_we_lose_it(self):
        big = self.key_account("Big Buyer Ltd")
        small = self.key_account("Small Buyer Ltd")
        for account, revenue in ((big, 6000), (small, 4000)):
            self.env["kam.account.figure"].sudo().create(
                {"company_id": self.company.id, "partner_id": account.id, "revenue": revenue}
            )
        self.invoice(big, days_ago=10, amount=6000, product=self.product_x)
        self.invoice(small, days_ago=10, amount=1000, product=self.product_x)
        self.invoice(small, days_ago=10, amount=3000, product=self.product_y)
        action = big.with_user(self.kam_user).action_kam_what_if()
        wizard = self.env["kam.what.if.wizard"].browse(action["res_id"])
        self.assertEqual(wizard.revenue, 6000)
        self.assertAlmostEqual(wizard.revenue_share, 60.0)
        self.assertAlmostEqual(wizard.hhi_now, 60**2 + 40**2)
        self.assertAlmostEqual(wizard.hhi_after, 10000)
        self.assertAlmostEqual(wizard.top10_after, 100)
        self.assertEqual(wizard.receivables, 6000)
        self.assertIn("Valve", str(wizard.dependent_products))  # 6000 of 7000
        self.assertNotIn("Pump", str(wizard.dependent_products))

    def test_accounts_no_longer_key_have_no_current_health(self):
        account = self.key_account("Demoted Ltd")
        self.check()
        self.assertTrue(self.health(account))
        account.write({"kam_key_override": "not_key", "kam_key_override_reason": "Small"})
        self.check()
        self.assertFalse(self.health(account))
        self.assertFalse(account.kam_health_band)
        self.assertEqual(
            self.env["res.partner"].search(
                [("kam_health_band", "=", False), ("id", "=", account.id)]
            ),
            account,
        )

    def test_weights_must_sum_to_100(self):
        with self.assertRaises(ValidationError):
            self.company.kam_health_weight_plan = 30
        self.company.write({"kam_health_weight_plan": 25, "kam_health_weight_revenue": 15})
        self.assertEqual(sum(self.company._kam_health_weights().values()), 100)
        with self.assertRaises(ValidationError):
            self.company.kam_health_watch_min = 80
