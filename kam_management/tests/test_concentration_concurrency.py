from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models import kam_concentration_run
from ..models.kam_concentration_run import LOCK_NAMESPACE


@tagged("post_install", "-at_install")
class TestConcentrationConcurrency(AccountTestInvoicingCommon):
    """One computation per company at a time, long ones in the background, the
    shown detail never pruned, the company's own calendar day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("kam_management.group_kam_manager")
        cls.company = cls.env.company
        cls.Run = cls.env["kam.concentration.run"]
        cls.customer = cls.env["res.partner"].create({"name": "Big Buyer", "is_company": True})
        move = cls.init_invoice(
            "out_invoice",
            partner=cls.customer,
            invoice_date=fields.Date.today() - timedelta(days=5),
            amounts=[1000],
            taxes=[],
        )
        move.action_post()

    def _lock_from_another_transaction(self):
        """Hold the company's computation lock as a concurrent transaction would."""
        other = self.registry.cursor()
        self.addCleanup(other.close)
        other.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_NAMESPACE, self.company.id))
        return other

    def test_recompute_now_while_another_computation_runs_says_so(self):
        self._lock_from_another_transaction()
        runs = self.Run.search_count([])
        with self.assertRaisesRegex(UserError, "being computed right now"):
            self.Run.action_recompute()
        self.assertEqual(self.Run.search_count([]), runs)

    def test_the_nightly_job_skips_a_company_computed_elsewhere_without_failing(self):
        self.company.kam_last_concentration_date = False
        self._lock_from_another_transaction()
        self.Run.sudo()._cron_compute_concentration()
        self.assertFalse(self.company.kam_concentration_failed_date)

    def test_a_long_computation_goes_to_the_scheduled_action(self):
        first = self.Run.sudo()._compute_for_company(self.company)
        first.duration = kam_concentration_run.INLINE_SECONDS + 60
        with patch.object(type(self.env["ir.cron"]), "_trigger") as trigger:
            action = self.Run.with_company(self.company).action_recompute()
        trigger.assert_called_once()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn(self.company.name, action["params"]["message"])
        self.assertTrue(self.company.kam_concentration_requested)
        self.assertEqual(self.Run.search([], limit=1), first, "nothing computed in the request")
        self.Run.sudo()._cron_compute_concentration()  # computed at once, not next night
        self.assertNotEqual(self.Run.search([], limit=1), first)
        self.assertFalse(self.company.kam_concentration_requested)

    def test_the_detail_shown_after_an_outage_is_not_pruned(self):
        self.company.kam_history_months = 1
        first = self.Run.sudo()._compute_for_company(self.company)
        self.assertTrue(first.line_ids)
        long_ago = fields.Datetime.now() - timedelta(days=90)
        first.write({"date": long_ago})
        # the next computation finds nothing new: it shows the first one's detail
        second = self.Run.sudo()._compute_for_company(self.company)
        self.assertEqual(second.detail_run_id, first)
        self.assertTrue(first.line_ids, "the detail the latest computation shows is kept")
        action = self.Run.action_open_latest_pareto()
        self.assertTrue(self.env["kam.concentration.line"].search(action["domain"]))

    def test_a_run_whose_detail_is_shown_by_a_later_one_cannot_be_deleted(self):
        first = self.Run.sudo()._compute_for_company(self.company)
        second = self.Run.sudo()._compute_for_company(self.company)
        self.assertEqual(second.detail_run_id, first)
        with self.assertRaisesRegex(UserError, "show its account detail"):
            first.unlink()
        (first | second).unlink()  # together: nothing left pointing at the first

    def test_the_revenue_window_ends_on_the_companys_own_day(self):
        self.company.partner_id.tz = "Pacific/Kiritimati"  # UTC+14
        with freeze_time(datetime(2026, 2, 10, 12, 0)):
            run = self.Run.with_context(tz="UTC").sudo()._compute_for_company(self.company)
        self.assertEqual(run.date_to, fields.Date.to_date("2026-02-11"))

    def test_a_new_threshold_says_when_it_applies(self):
        self.Run.sudo()._compute_for_company(self.company)
        Settings = self.env["res.config.settings"]
        unchanged = Settings.new({"kam_threshold_percent": self.company.kam_threshold_percent})
        self.assertFalse(unchanged._onchange_kam_classification_settings(), "nothing to say")
        settings = Settings.new({"kam_threshold_percent": 70})  # the form, before saving
        warning = settings._onchange_kam_classification_settings()["warning"]
        self.assertIn("Recompute Now", warning["message"])
        nextcall = self.env.ref("kam_management.ir_cron_kam_concentration").nextcall
        self.assertIn(nextcall.strftime("%Y-%m-%d"), warning["message"])
