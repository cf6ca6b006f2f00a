from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import KamCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-02-10")
class TestPlanInput(KamCommon):
    """Bad input gets a clear error; nothing reaches its goal by accident."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Plan = cls.env["kam.account.plan"].with_user(cls.kam_user)

    def _plan(self, start="2026-01-01", end="2026-12-31", **values):
        return self.Plan.create(
            dict({"account_id": self.account.id, "date_start": start, "date_end": end}, **values)
        )

    def test_negative_revenue_target_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self._plan(revenue_target=-1)

    def test_unknown_state_is_a_clear_error(self):
        plan = self._plan()
        with self.assertRaisesRegex(UserError, "not a state of an account plan"):
            plan.write({"state": "approved"})
        with self.assertRaisesRegex(UserError, "not a state of an account plan"):
            self._plan(start="2027-01-01", end="2027-12-31", state="approved")
        self.assertEqual(plan.state, "draft")

    def test_a_new_plan_starts_as_a_draft(self):
        for state in ("active", "review", "closed", "cancelled"):
            with self.subTest(state=state), self.assertRaisesRegex(UserError, "starts as a draft"):
                self._plan(state=state)

    def test_an_archived_active_plan_still_holds_its_period(self):
        archived = self._plan()
        archived.action_activate()
        archived.active = False
        other = self._plan(start="2026-06-01", end="2027-05-31")
        with self.assertRaisesRegex(ValidationError, "already has an active plan"):
            other.action_activate()
        other.action_cancel()
        archived.active = True  # unarchiving is checked too
        self.assertTrue(archived.active)

    def test_zero_targets_are_refused_except_for_growth(self):
        plan = self._plan()
        Objective = self.env["kam.account.plan.objective"].with_user(self.kam_user)
        for metric in ("revenue", "order_count", "manual"):
            with self.subTest(metric=metric), self.assertRaisesRegex(ValidationError, "above zero"):
                Objective.create({"plan_id": plan.id, "name": "x", "metric": metric, "target": 0})
        hold = Objective.create(
            {"plan_id": plan.id, "name": "Hold revenue", "metric": "revenue_growth", "target": 0}
        )
        self.assertNotEqual(hold.status, "done", "judged when the period is over")


@tagged("post_install", "-at_install")
@freeze_time("2026-02-10")
class TestDeletion(KamCommon):
    """History is archived or cancelled, not deleted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Plan = cls.env["kam.account.plan"]
        cls.plan = Plan.create(
            {"account_id": cls.account.id, "date_start": "2026-01-01", "date_end": "2026-12-31"}
        )
        cls.objective = cls.env["kam.account.plan.objective"].create(
            {"plan_id": cls.plan.id, "name": "Audit", "metric": "manual", "target": 1}
        )

    def test_only_draft_plans_and_their_objectives_are_deleted(self):
        self.plan.action_activate()
        for user in (self.kam_user, self.kam_manager):
            with self.assertRaisesRegex(UserError, "only draft plans can be deleted"):
                self.plan.with_user(user).unlink()
            with self.assertRaisesRegex(UserError, "cannot be deleted"):
                self.objective.with_user(user).unlink()
        self.plan.action_close()
        with self.assertRaisesRegex(UserError, "only draft plans can be deleted"):
            self.plan.with_user(self.kam_user).unlink()
        self.plan.action_reset_to_draft()
        self.objective.with_user(self.kam_user).unlink()
        self.plan.with_user(self.kam_user).unlink()
        self.assertFalse(self.plan.exists())

    def test_the_decision_maker_is_a_flag_of_the_role(self):
        self.account.write({"kam_tier": "a", "kam_is_key_by_revenue": True})
        signs = self.env["kam.stakeholder.role"].create(
            {"name": "Signs the contract", "is_decision_maker": True}
        )
        self.env["kam.stakeholder"].create(
            {"account_id": self.account.id, "contact_id": self.contact.id, "role_ids": signs.ids}
        )
        self.env.ref("kam_management.stakeholder_role_decision_maker").unlink()
        self.env.flush_all()
        gaps = self.env["kam.relationship.gap"].search([("account_id", "=", self.account.id)])
        self.assertNotIn("no_decision_maker", gaps.mapped("gap"))
        signs.is_decision_maker = False
        self.env.flush_all()
        gaps = self.env["kam.relationship.gap"].search([("account_id", "=", self.account.id)])
        self.assertIn("no_decision_maker", gaps.mapped("gap"))
