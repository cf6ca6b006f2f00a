from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common_signals import KamSignalsCommon


@tagged("post_install", "-at_install")
class TestScorecard(KamSignalsCommon):
    """The four functions of the KAM, scored per account from what is recorded."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.key_account(cls, "Scored Industries")
        cls.contact = cls.env["res.partner"].create(
            {"name": "Dora Decider", "parent_id": cls.account.id}
        )
        cls.decider_role = cls.env["kam.stakeholder.role"].search(
            [("is_decision_maker", "=", True)], limit=1
        )

    def score(self):
        self.env["kam.scorecard.engine"]._score_company(self.company)
        return self.env["kam.account.scorecard"].search(
            [("account_id", "=", self.account.id), ("company_id", "=", self.company.id)]
        )

    def test_hand_computed_scorecard(self):
        """Information: a competitor recorded long ago (recorded 25, stale 0), no
        whitespace (25), no plan so no needs or SWOT (0) -> 50.
        Relationships: the decision maker met today (30), no gap: single thread
        gives one gap (25 x 2/3 = 16.67), 1 of 1 in cadence (25), single thread (0)
        -> 71.67 -> 72.
        Business: no plan -> 0.
        Team: no backup (0); expected roles KAM, sales, sponsor: the KAM holds one
        (25 x 1/3 = 8.33); one open tension past its deadline (0 of 30); the KAM has
        room (20) -> 28.33 -> 28."""
        competitor = self.env["res.partner"].create(
            {"name": "Rival SA", "is_company": True, "kam_is_competitor": True}
        )
        self.env["kam.competitor.presence"].create(
            {
                "account_id": self.account.id,
                "competitor_id": competitor.id,
                "info_date": self.today - timedelta(days=400),
            }
        )
        self.env["kam.stakeholder"].create(
            {
                "account_id": self.account.id,
                "contact_id": self.contact.id,
                "role_ids": [Command.set(self.decider_role.ids)],
            }
        )
        self.contact.message_post(body="Met at the plant", message_type="comment")
        self.env["kam.stakeholder"].search([("contact_id", "=", self.contact.id)])[
            "last_interaction_date"
        ] = self.today
        self.env["kam.tension"].create(
            {
                "name": "Late deliveries",
                "account_id": self.account.id,
                "type_id": self.env.ref("kam_management.kam_tension_type_delivery").id,
                "deadline": self.today - timedelta(days=1),
            }
        )
        scorecard = self.score()
        self.assertEqual(
            [
                scorecard.score_information,
                scorecard.score_relationships,
                scorecard.score_business,
                scorecard.score_team,
            ],
            [50, 72, 0, 28],
        )
        self.assertEqual(scorecard.score, round((50 + 72 + 0 + 28) / 4))
        account = self.account.with_user(self.kam_user)
        self.assertEqual(
            [
                account.kam_score_information,
                account.kam_score_relationships,
                account.kam_score_business,
                account.kam_score_team,
            ],
            [50, 72, 0, 28],
        )
        # it explains itself, rule by rule
        self.assertIn("1 of 1 not confirmed recently.", account.kam_scorecard_reasons_information)
        self.assertIn("No current active plan.", account.kam_scorecard_reasons_business)
        self.assertIn(
            "1 of 1 open tensions past their deadline.", account.kam_scorecard_reasons_team
        )
        self.assertIn("Decision maker identified and in touch", str(scorecard.explanation))

    def test_plan_and_team_raise_business_and_team(self):
        plan = self.env["kam.account.plan"].create(
            {
                "account_id": self.account.id,
                "date_start": self.today - timedelta(days=10),
                "date_end": self.today + timedelta(days=300),
                "value_proposition": "<p>Fewer stops on their line</p>",
            }
        )
        plan.action_activate()
        self.env["kam.account.plan.objective"].create(
            {"plan_id": plan.id, "name": "Audit", "metric": "manual", "target": 1}
        )
        for role in ("kam_member_role_backup", "kam_member_role_sales", "kam_member_role_sponsor"):
            self.env["kam.account.member"].create(
                {
                    "account_id": self.account.id,
                    "company_id": self.company.id,
                    "user_id": self.other_kam.id,
                    "role_id": self.env.ref(f"kam_management.{role}").id,
                }
            )
        scorecard = self.score()
        # a fresh plan: active 30, value proposition 20, its objective on track 30,
        # reviewed 20
        self.assertEqual(scorecard.score_business, 100)
        # backup 25, roles 3 of 3 25, no tension 30, KAM with room 20
        self.assertEqual(scorecard.score_team, 100)

    def test_the_current_plan_is_the_one_covering_today(self):
        """A plan activated ahead for next year, or one whose period ended, is not
        the account's current plan."""
        for start, end in ((-400, -40), (200, 500)):
            plan = self.env["kam.account.plan"].create(
                {
                    "account_id": self.account.id,
                    "date_start": self.today + timedelta(days=start),
                    "date_end": self.today + timedelta(days=end),
                    "value_proposition": "<p>Not now</p>",
                }
            )
            plan.action_activate()
        scorecard = self.score()
        self.assertEqual(scorecard.score_business, 0)
        self.assertIn("No current active plan.", scorecard.reasons_business)

    def test_contacts_copies_and_moves_read_the_account_they_belong_to(self):
        """A contact shows its account's scores; a copy of the account has none of
        its own; an account moved under another company shows that company's."""
        scorecard = self.score()
        self.env["kam.signal.engine"]._check_company(self.company)
        self.assertEqual(self.contact.kam_score_team, scorecard.score_team)
        self.assertTrue(self.contact.kam_health_band)
        copy = self.account.copy()
        self.assertFalse(copy.kam_scorecard_id)
        self.assertEqual(copy.kam_score_team, 0)
        parent = self.env["res.partner"].create({"name": "Holding", "is_company": True})
        self.account.write({"is_company": False, "parent_id": parent.id})
        self.assertFalse(self.account.kam_scorecard_id)
        self.assertFalse(self.contact.kam_scorecard_id)
        self.assertFalse(self.contact.kam_health_band)

    def test_weights_are_configurable_per_company(self):
        scorecard = self.score()
        self.assertEqual(scorecard.score_business, 0)
        rules = self.env["kam.scorecard.rule"].search([("company_id", "=", self.company.id)])
        self.assertEqual(len(rules), 16)
        # only "no gaps" counts for relationships: an empty map has two gaps
        rules.filtered(
            lambda rule: rule.function == "relationships" and rule.code != "no_gaps"
        ).active = False
        scorecard = self.score()
        self.assertEqual(scorecard.score_relationships, round(100 * (1 - 2 / 3)))
        with self.assertRaises(AccessError):
            rules[:1].with_user(self.kam_user).weight = 5
        with self.assertRaises(AccessError):
            self.env["kam.scorecard.rule"].with_user(self.kam_user).action_open_rules()
        rules[:1].with_user(self.kam_manager).weight = 5

    def test_a_rerun_on_unchanged_data_writes_nothing(self):
        self.score()
        self.assertEqual(self.env["kam.scorecard.engine"]._score_company(self.company), 0)
        self.account.kam_key_override = "not_key"
        self.account.kam_key_override_reason = "No longer"
        self.assertEqual(self.env["kam.scorecard.engine"]._score_company(self.company), 1)
        self.assertFalse(self.score())

    def test_revenue_trend_against_the_previous_window(self):
        months = self.company.kam_window_months
        self.invoice(self.account, days_ago=10, amount=1500)
        self.invoice(self.account, days_ago=31 * months + 20, amount=1000)
        self.env["kam.concentration.run"]._compute_for_company(self.company)
        scorecard = self.score()
        self.assertEqual((scorecard.revenue, scorecard.revenue_previous), (1500, 1000))
        self.assertEqual(scorecard.revenue_trend, 50.0)
        self.assertEqual(self.account.with_user(self.kam_user).kam_revenue_trend, 50.0)

    def test_no_trend_against_a_window_without_revenue(self):
        """Against nothing, or against more credit notes than invoices, there is no
        meaningful percentage: no trend (0, which the board does not show)."""
        months = self.company.kam_window_months
        self.invoice(self.account, days_ago=10, amount=3600)
        self.env["kam.concentration.run"]._compute_for_company(self.company)
        self.assertEqual(self.score().revenue_trend, 0.0)
        self.invoice(self.account, days_ago=31 * months + 20, amount=1400, refund=True)
        scorecard = self.score()
        self.assertEqual((scorecard.revenue, scorecard.revenue_previous), (3600, -1400))
        self.assertEqual(scorecard.revenue_trend, 0.0)

    def test_only_kams_read_scores_and_only_managers_compute(self):
        scorecard = self.score()
        portal = new_test_user(self.env, login="kam_score_portal", groups="base.group_portal")
        for user in (self.salesman, portal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                scorecard.with_user(user).read(["score_team"])
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.account.with_user(user).read(["kam_score_team"])
        self.assertEqual(scorecard.with_user(self.other_kam).score_team, scorecard.score_team)
        with self.assertRaises(AccessError):
            self.env["kam.account.scorecard"].with_user(self.kam_user).action_compute_now()
        self.env["kam.account.scorecard"].with_user(self.kam_manager).action_compute_now()
        with self.assertRaises(AccessError):
            scorecard.with_user(self.kam_manager).write({"score_team": 100})

    def test_matrix_filters_by_kam_and_team_member(self):
        other = self.key_account("Other Scored", kam=self.other_kam)
        self.env["kam.account.member"].create(
            {
                "account_id": other.id,
                "company_id": self.company.id,
                "user_id": self.kam_user.id,
                "role_id": self.env.ref("kam_management.kam_member_role_sales").id,
            }
        )
        self.score()
        scorecards = self.env["kam.account.scorecard"].with_user(self.kam_manager)
        self.assertEqual(
            scorecards.search([("kam_user_id", "=", self.other_kam.id)]).account_id, other
        )
        self.assertEqual(
            scorecards.search([("kam_team_user_ids", "in", self.kam_user.ids)]).account_id,
            self.account | other,
        )
        team = self.env["crm.team"].create({"name": "Iberia KAMs"})
        self.other_kam.sale_team_id = team
        self.assertEqual(scorecards.search([("sales_team_id", "=", team.id)]).account_id, other)
        self.assertEqual(
            scorecards.search([("sales_team_id", "ilike", "Iberia")]).account_id, other
        )
