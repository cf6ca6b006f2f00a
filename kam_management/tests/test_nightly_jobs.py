from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL

from .common import KamCommon


def mark_handled(env, table):
    """Records of the demo data: already handled, far in the future."""
    env.execute_query(SQL("UPDATE %s SET nightly_date = '2100-01-01'", SQL.identifier(table)))


@tagged("post_install", "-at_install")
@freeze_time("2026-02-10 09:00:00")
class TestNightlyJobs(KamCommon):
    """The plan and relationship jobs work in committed batches, and write to each
    recipient in their language, in their day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Plan = cls.env["kam.account.plan"]
        mark_handled(cls.env, "kam_account_plan")
        cls.plans = cls.Plan.create(
            [
                {
                    "account_id": cls.account.id,
                    "date_start": f"{year}-01-01",
                    "date_end": f"{year}-12-31",
                    "review_cadence": "monthly",
                }
                for year in (2024, 2025, 2026)
            ]
        )
        cls.plans.action_activate()
        cls.cron = cls.env.ref("kam_management.ir_cron_kam_account_plans")

    def scheduled_call(self, model, method, lastcall=None, **kwargs):
        """Call a job as the cron runner does: with a progress record and lastcall."""
        progress = self.env["ir.cron.progress"].create({"cron_id": self.cron.id})
        records = model.with_context(ir_cron_progress_id=progress.id, lastcall=lastcall)
        getattr(records, method)(**kwargs)
        return progress

    def test_one_batch_per_call_until_every_plan_is_done(self):
        first = self.scheduled_call(self.Plan, "_cron_keep_plans_alive", batch_size=2)
        self.assertEqual((first.done, first.remaining), (2, 1))
        self.assertEqual(len(self.plans.filtered("nightly_date")), 2)
        second = self.scheduled_call(self.Plan, "_cron_keep_plans_alive", batch_size=2)
        self.assertEqual((second.done, second.remaining), (1, 0))
        third = self.scheduled_call(self.Plan, "_cron_keep_plans_alive", batch_size=2)
        self.assertEqual((third.done, third.remaining), (0, 0), "nothing twice in one run")
        # the next night (after the run ended), everything again
        with freeze_time("2026-02-11 09:00:00"):
            next_night = self.scheduled_call(
                self.Plan,
                "_cron_keep_plans_alive",
                lastcall=datetime(2026, 2, 10, 10, 0),
                batch_size=5,
            )
        self.assertEqual((next_night.done, next_night.remaining), (3, 0))

    def test_a_failing_batch_is_skipped_and_the_others_go_on(self):
        original = type(self.Plan)._refresh_measures

        def refresh(plans):
            if self.plans[0] in plans:
                raise ValueError("broken plan")
            return original(plans)

        with (
            patch.object(type(self.Plan), "_refresh_measures", refresh),
            self.assertLogs("odoo.addons.kam_management.models.kam_nightly_mixin", "ERROR"),
        ):
            first = self.scheduled_call(self.Plan, "_cron_keep_plans_alive", batch_size=1)
            second = self.scheduled_call(self.Plan, "_cron_keep_plans_alive", batch_size=1)
        self.assertEqual((first.done, first.remaining), (1, 2))
        self.assertEqual((second.done, second.remaining), (1, 1))
        self.assertTrue(self.plans[1].measured_date, "the next batch was handled")

    def test_review_goes_to_a_kam_in_their_language(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(["kam_management"], ["es_ES"])
        self.kam_user.lang = "es_ES"
        plan = self.plans[2]
        plan.next_review_date = date(2026, 2, 1)
        self.Plan.with_context(lang="en_US")._cron_keep_plans_alive()
        review = plan.activity_ids
        self.assertEqual(review.user_id, self.kam_user)
        self.assertIn("Revise el plan", str(review.note))

    def test_review_never_goes_to_someone_who_cannot_open_the_plan(self):
        plan = self.plans[2]
        plan.next_review_date = date(2026, 2, 1)
        owner = self.other_kam_user
        plan.user_id = owner
        owner.groups_id -= self.env.ref("kam_management.group_kam_user")
        self.Plan._cron_keep_plans_alive()
        self.assertEqual(plan.activity_ids.user_id, self.kam_user, "the account's KAM instead")
        plan.activity_ids.with_user(self.kam_user).action_feedback(feedback="Done")
        self.assertEqual(plan.last_review_date, date(2026, 2, 10))

    def test_plan_owners_are_kams(self):
        with self.assertRaisesRegex(Exception, "only users of the group"):
            self.plans[0].user_id = self.salesman

    @freeze_time("2026-02-10 12:00:00")
    def test_review_due_in_the_recipients_day(self):
        # noon UTC on the 10th is already the 11th in Kiritimati (UTC+14)
        plan = self.plans[2]
        plan.next_review_date = date(2026, 2, 11)
        self.Plan.with_context(tz="UTC")._cron_keep_plans_alive()
        self.assertFalse(plan.activity_ids, "not due yet where the KAM is (UTC)")
        self.kam_user.tz = "Pacific/Kiritimati"
        self.Plan.with_context(tz="UTC")._cron_keep_plans_alive()
        self.assertTrue(plan.activity_ids)


@tagged("post_install", "-at_install")
class TestRelationshipJob(KamCommon):
    def test_relationship_job_in_batches(self):
        mark_handled(self.env, "kam_stakeholder")
        people = self.env["res.partner"].create(
            [{"name": f"Person {i}", "parent_id": self.account.id} for i in range(3)]
        )
        stakeholders = self.env["kam.stakeholder"].create(
            [{"account_id": self.account.id, "contact_id": person.id} for person in people]
        )
        cron = self.env.ref("kam_management.ir_cron_kam_relationships")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id})
        self.env["kam.stakeholder"].with_context(
            ir_cron_progress_id=progress.id, lastcall=False
        )._cron_refresh_relationships(batch_size=2)
        self.assertEqual((progress.done, progress.remaining), (2, 1))
        self.assertEqual(len(stakeholders.filtered("nightly_date")), 2)

    def test_overdue_todo_in_the_owners_language(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(["kam_management"], ["es_ES"])
        self.kam_user.lang = "es_ES"
        stakeholder = self.env["kam.stakeholder"].create(
            {"account_id": self.account.id, "contact_id": self.contact.id, "cadence_days": 1}
        )
        stakeholder.owner_id = self.kam_user
        with freeze_time(datetime.now() + timedelta(days=10)):
            self.env["kam.stakeholder"].with_context(lang="en_US")._cron_refresh_relationships()
        todo = stakeholder.overdue_activity_id
        self.assertEqual(todo.user_id, self.kam_user)
        self.assertIn("Contactar con", todo.summary)
