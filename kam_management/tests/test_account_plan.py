from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError

from .common import KamCommon


@freeze_time("2026-02-10")
class TestAccountPlan(KamCommon):
    """Life of a plan: period, states, copy, reviews and staleness."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Plan = cls.env["kam.account.plan"].with_user(cls.kam_user)
        cls.review_type = cls.env.ref("kam_management.mail_activity_type_plan_review")

    def _plan(self, start="2026-01-01", end="2026-12-31", **values):
        return self.Plan.create(
            dict({"account_id": self.account.id, "date_start": start, "date_end": end}, **values)
        )

    def _review_activities(self, plan):
        return plan.activity_ids.filtered(lambda a: a.activity_type_id == self.review_type)

    def test_defaults_follow_the_account(self):
        plan = self._plan()
        self.assertEqual(plan.user_id, self.kam_user)
        self.assertEqual(plan.state, "draft")
        self.assertEqual(plan.name, "Acme Industrial plan 2026")
        self.assertEqual(plan.next_review_date, date(2026, 4, 1))

    def test_end_before_start_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "ends before it starts"):
            self._plan(start="2026-12-31", end="2026-01-01")

    def test_overlapping_active_plans_are_refused(self):
        self._plan().action_activate()
        overlapping = self._plan(start="2026-07-01", end="2027-06-30")  # drafts may overlap
        with self.assertRaises(ValidationError) as refused:
            overlapping.action_activate()
        self.assertIn("already has an active plan", str(refused.exception))
        self.assertEqual(overlapping.state, "draft")
        following = self._plan(start="2027-01-01", end="2027-12-31")
        following.action_activate()
        self.assertEqual(following.state, "active")

    def test_overlap_is_checked_per_account(self):
        self._plan().action_activate()
        other = self.env["kam.account.plan"].create(
            {
                "account_id": self.other_account.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
            }
        )
        other.action_activate()
        self.assertEqual(other.state, "active")

    def test_state_machine(self):
        plan = self._plan()
        with self.assertRaises(UserError):
            plan.action_start_review()
        plan.action_activate()
        self.env.flush_all()
        self.cr.precommit.run()  # tracking values are written at commit time
        tracked = plan.sudo().message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "state"
        )
        self.assertEqual(tracked.mapped("new_value_char"), ["Active"])
        plan.action_start_review()
        self.assertEqual(plan.state, "review")
        plan.action_finish_review()
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.last_review_date, date(2026, 2, 10))
        self.assertEqual(plan.next_review_date, date(2026, 5, 10))
        plan.action_close()
        self.assertEqual(plan.state, "closed")
        with self.assertRaises(UserError):
            plan.action_activate()
        plan.action_reset_to_draft()
        plan.action_cancel()
        self.assertEqual(plan.state, "cancelled")

    def test_copy_to_next_period_carries_content_and_open_objectives(self):
        competitor = self.env["res.partner"].create(
            {"name": "Rival SA", "is_company": True, "kam_is_competitor": True}
        )
        presence = self.env["kam.competitor.presence"].create(
            {"account_id": self.account.id, "competitor_id": competitor.id}
        )
        plan = self._plan(
            value_proposition="<p>Delivery in 24 h anywhere in Iberia</p>",
            customer_needs="<p>Cut stock-outs</p>",
            swot_strengths="<p>Service</p>",
            swot_threats="<p>Price war</p>",
            revenue_target=50000,
        )
        Objective = self.env["kam.account.plan.objective"].with_user(self.kam_user)
        open_objective = Objective.create(
            {
                "plan_id": plan.id,
                "name": "Sign the maintenance contract",
                "metric": "manual",
                "target": 1,
                "deadline": "2026-06-30",
            }
        )
        Objective.create(
            {
                "plan_id": plan.id,
                "name": "Meet the CFO",
                "metric": "manual",
                "target": 1,
                "actual": 1,
            }
        )
        plan.action_activate()
        action = plan.action_copy_to_next_period()
        following = self.env["kam.account.plan"].browse(action["res_id"])
        self.assertEqual(
            (following.date_start, following.date_end), (date(2027, 1, 1), date(2027, 12, 31))
        )
        self.assertEqual(following.state, "draft")
        self.assertEqual(following.previous_plan_id, plan)
        self.assertEqual(following.name, "Acme Industrial plan 2027")
        self.assertIn("24 h", following.value_proposition)
        self.assertIn("Price war", following.swot_threats)
        # the competitors are the account's: the following plan shows them too
        self.assertEqual(following.presence_ids, presence)
        # the content keeps the date it was confirmed on
        self.assertEqual(following.swot_date, plan.swot_date)
        self.assertEqual(following.revenue_target, 50000)
        self.assertEqual(following.objective_ids.mapped("name"), [open_objective.name])
        self.assertEqual(following.objective_ids.deadline, date(2027, 6, 30))
        self.assertEqual(plan.state, "active")
        self.assertEqual(len(plan.objective_ids), 2)

    def test_copy_of_a_period_not_in_whole_months_keeps_its_length(self):
        plan = self._plan(start="2026-01-15", end="2026-03-14")
        following = self.env["kam.account.plan"].browse(plan.action_copy_to_next_period()["res_id"])
        self.assertEqual(
            (following.date_start, following.date_end), (date(2026, 3, 15), date(2026, 5, 12))
        )

    def test_review_activity_when_due_and_only_once(self):
        plan = self._plan(review_cadence="monthly")
        plan.action_activate()
        self.assertEqual(plan.next_review_date, date(2026, 2, 1))
        Plan = self.env["kam.account.plan"]
        Plan._cron_keep_plans_alive()
        review = self._review_activities(plan)
        self.assertEqual(len(review), 1)
        self.assertEqual(review.user_id, self.kam_user)
        Plan._cron_keep_plans_alive()
        self.assertEqual(len(self._review_activities(plan)), 1)
        plan.action_start_review()
        plan.action_finish_review()
        self.assertFalse(self._review_activities(plan))
        self.assertEqual(plan.next_review_date, date(2026, 3, 10))
        Plan._cron_keep_plans_alive()
        self.assertFalse(self._review_activities(plan))

    def test_review_marked_done_in_the_chatter_counts_as_the_review(self):
        plan = self._plan(review_cadence="monthly")
        plan.action_activate()
        Plan = self.env["kam.account.plan"]
        Plan._cron_keep_plans_alive()
        self._review_activities(plan).action_feedback(feedback="Reviewed with the buyer")
        self.assertEqual(plan.last_review_date, date(2026, 2, 10))
        self.assertEqual(plan.next_review_date, date(2026, 3, 10))
        Plan._cron_keep_plans_alive()
        self.assertFalse(self._review_activities(plan), "no new review the next night")

    def test_plan_on_a_contact_is_refused(self):
        contact = self.env["res.partner"].create(
            {"name": "Buyer at Acme", "parent_id": self.account.id}
        )
        with self.assertRaisesRegex(ValidationError, "is a contact, not an account"):
            self.env["kam.account.plan"].create(
                {"account_id": contact.id, "date_start": "2026-01-01", "date_end": "2026-12-31"}
            )

    def test_moving_the_period_keeps_objective_deadlines_inside(self):
        plan = self._plan()
        self.env["kam.account.plan.objective"].create(
            {"plan_id": plan.id, "name": "Pilot", "metric": "manual", "target": 1,
             "deadline": "2026-11-30"}
        )  # fmt: skip
        with self.assertRaisesRegex(ValidationError, "must fall within the plan period"):
            plan.write({"date_end": "2026-06-30"})

    def test_the_state_machine_holds_for_direct_writes(self):
        plan = self._plan()
        with self.assertRaisesRegex(UserError, "cannot become"):
            plan.write({"state": "closed"})
        self.assertEqual(plan.state, "draft")
        plan.write({"state": "active"})
        self.assertEqual(plan.state, "active")

    def test_draft_plans_get_no_review(self):
        plan = self._plan(review_cadence="monthly")
        self.env["kam.account.plan"]._cron_keep_plans_alive()
        self.assertFalse(self._review_activities(plan))

    def test_plan_nobody_touched_within_the_cadence_is_stale(self):
        with freeze_time("2025-10-01"):
            plan = self._plan(start="2025-10-01", end="2026-09-30")
            plan.action_activate()
        Plan = self.env["kam.account.plan"]
        with freeze_time("2025-12-15"):
            Plan._cron_keep_plans_alive()
            self.assertFalse(plan.is_stale)
        Plan._cron_keep_plans_alive()  # 2026-02-10: more than a quarter later
        self.assertTrue(plan.is_stale)
        self.assertIn(plan, Plan.search([("is_stale", "=", True)]))
        plan.with_user(self.kam_user).write({"revenue_target": 1000})
        self.assertFalse(plan.is_stale)

    def test_objective_change_or_note_keeps_the_plan_alive(self):
        with freeze_time("2025-10-01"):
            plan = self._plan(start="2025-10-01", end="2026-09-30")
            plan.action_activate()
            objective = self.env["kam.account.plan.objective"].create(
                {"plan_id": plan.id, "name": "Workshop", "metric": "manual", "target": 2}
            )
        Plan = self.env["kam.account.plan"]
        with freeze_time("2026-01-20"):
            plan.message_post(body="Met the buyer, plan still valid", message_type="comment")
        Plan._cron_keep_plans_alive()
        self.assertFalse(plan.is_stale)
        with freeze_time("2026-06-01"):
            Plan._cron_keep_plans_alive()
            self.assertTrue(plan.is_stale)
            objective.with_user(self.kam_user).actual = 1
            self.assertFalse(plan.is_stale)

    def test_objective_status_follows_pace_and_deadline(self):
        plan = self._plan()
        Objective = self.env["kam.account.plan.objective"]

        def objective(actual, deadline="2026-12-31"):
            return Objective.create(
                {
                    "plan_id": plan.id,
                    "name": "Manual",
                    "metric": "manual",
                    "target": 100,
                    "actual": actual,
                    "deadline": deadline,
                }
            )

        # 10 Feb: 40 of 364 days elapsed -> a steady pace expects 11 %
        self.assertEqual(objective(5).status, "on_track")
        self.assertEqual(objective(0, deadline="2026-03-01").status, "at_risk")
        self.assertEqual(objective(50, deadline="2026-02-01").status, "late")
        self.assertEqual(objective(100, deadline="2026-02-01").status, "done")
        closed = objective(0)
        closed.is_done = True
        self.assertEqual(closed.status, "done")
        self.assertTrue(plan.is_at_risk)

    def test_target_changes_are_logged_on_the_plan(self):
        plan = self._plan()
        objective = (
            self.env["kam.account.plan.objective"]
            .with_user(self.kam_user)
            .create({"plan_id": plan.id, "name": "Workshops", "metric": "manual", "target": 2})
        )
        objective.target = 5
        self.assertIn("Workshops”: 2 → 5", plan.message_ids[0].body)

    def test_objective_deadline_within_the_period(self):
        plan = self._plan()
        with self.assertRaisesRegex(ValidationError, "within the plan period"):
            self.env["kam.account.plan.objective"].create(
                {
                    "plan_id": plan.id,
                    "name": "Too late",
                    "metric": "manual",
                    "target": 1,
                    "deadline": "2027-02-01",
                }
            )

    def test_actions_are_plan_activities_visible_per_objective(self):
        plan = self._plan()
        objective = self.env["kam.account.plan.objective"].create(
            {"plan_id": plan.id, "name": "Workshop", "metric": "manual", "target": 2}
        )
        action = objective.action_schedule_activity()
        self.assertEqual(action["context"]["default_res_id"], plan.id)
        activity = (
            self.env["mail.activity"]
            .with_context(**action["context"])
            .create({"activity_type_id": self.env.ref("mail.mail_activity_data_todo").id})
        )
        self.assertEqual(activity.res_model, "kam.account.plan")
        self.assertEqual(activity.res_id, plan.id)
        self.assertIn(activity, plan.activity_ids)
        self.assertEqual(objective.activity_ids, activity)
        self.assertEqual(objective.activity_count, 1)

    def test_account_shows_its_current_plan(self):
        old = self._plan(start="2025-01-01", end="2025-12-31")
        current = self._plan()
        current.action_activate()
        account = self.account.with_user(self.kam_user)
        self.assertEqual(account.kam_current_plan_id, current)
        self.assertEqual(account.kam_plan_count, 2)
        self.assertIn(old, account.kam_plan_ids)
        action = account.action_open_account_plans()
        self.assertEqual(action["domain"], [("account_id", "=", self.account.id)])
