from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from ..hooks import post_init_hook


@tagged("post_install", "-at_install")
class TestConcentrationEngine(AccountTestInvoicingCommon):
    """The nightly computation on hand-computed invoice data.

    Revenue in the window (company 1): A 600, B 250 - 50 (credit note) = 200,
    C 200 EUR at 2 EUR per company unit = 100, D 100, E only a credit note (-30).
    Total 1 000: A 60 %, B 80 % cumulated -> key set {A, B}; C, D tier B; E last.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("kam_management.group_kam_manager")
        cls.company = cls.env.company
        cls.eur = cls.setup_other_currency("EUR", rates=[("1900-01-01", 2.0)])
        cls.Run = cls.env["kam.concentration.run"]
        cls.today = fields.Date.context_today(cls.Run)
        cls.recent = cls.today - timedelta(days=10)
        partners = cls.env["res.partner"].create(
            [{"name": f"Account {letter}", "is_company": True} for letter in "ABCDE"]
        )
        cls.a, cls.b, cls.c, cls.d, cls.e = partners
        cls.contact_a = cls.env["res.partner"].create({"name": "Buyer A", "parent_id": cls.a.id})
        cls._invoice(cls.contact_a, 600)
        cls._invoice(cls.b, 250)
        cls._invoice(cls.b, 50, move_type="out_refund")
        cls._invoice(cls.c, 200, currency=cls.eur)
        cls._invoice(cls.d, 100)
        cls._invoice(cls.e, 30, move_type="out_refund")
        # never counted: draft, cancelled, outside the window, vendor bill
        cls._invoice(cls.e, 5000, post=False)
        cls._invoice(cls.e, 5000).button_cancel()
        cls._invoice(cls.e, 5000, date=cls.today - timedelta(days=400))
        cls._invoice(cls.e, 5000, move_type="in_invoice")

    @classmethod
    def _invoice(cls, partner, amount, move_type="out_invoice", post=True, currency=None,
                 date=None, company=None):  # fmt: skip
        move = cls.init_invoice(
            move_type,
            partner=partner,
            invoice_date=date or cls.recent,
            amounts=[amount],
            taxes=[],
            currency=currency,
            company=company,
        )
        if post:
            move.action_post()
        return move

    def _run(self, company=None):
        return self.Run.sudo()._compute_for_company(company or self.company)

    def test_figures_follow_the_hand_computation(self):
        run = self._run()
        a, b, c, d, e = (
            p.with_company(self.company) for p in (self.a, self.b, self.c, self.d, self.e)
        )
        self.assertEqual([p.kam_revenue_rank for p in (a, b, c, d, e)], [1, 2, 3, 4, 5])
        self.assertEqual([p.kam_revenue for p in (a, b, c, d, e)], [600, 200, 100, 100, -30])
        self.assertEqual([p.kam_revenue_share for p in (a, b, c, d)], [60, 20, 10, 10])
        self.assertEqual([p.kam_cumulative_share for p in (a, b, c)], [60, 80, 90])
        self.assertEqual([p.kam_is_key_by_revenue for p in (a, b, c, d, e)], [1, 1, 0, 0, 0])
        self.assertEqual([p.kam_tier for p in (a, b, c, d, e)], ["a", "a", "b", "b", "c"])
        self.assertTrue(a.kam_is_key_account)
        self.assertEqual(a.kam_key_reason, "revenue")
        self.assertFalse(c.kam_is_key_account)
        self.assertEqual(run.total_revenue, 1000)
        self.assertEqual(run.customer_count, 4)
        self.assertEqual(run.key_account_count, 2)
        self.assertAlmostEqual(run.hhi, 60**2 + 20**2 + 10**2 + 10**2)
        self.assertAlmostEqual(run.top1_share, 60)
        self.assertEqual(run.accounts_for_80, 2)
        self.assertEqual(self.company.kam_last_concentration_date, run.date)

    def test_contacts_show_the_figures_of_their_account(self):
        self._run()
        contact = self.contact_a.with_company(self.company)
        self.assertTrue(contact.kam_is_key_account)
        self.assertEqual(contact.kam_key_reason, "revenue")
        self.assertEqual(contact.kam_tier, "a")
        self.assertEqual(contact.kam_revenue_rank, 1)
        new_contact = self.env["res.partner"].create({"name": "New", "parent_id": self.a.id})
        self.assertTrue(new_contact.with_company(self.company).kam_is_key_account)

    def test_first_run_lists_key_accounts_as_entered(self):
        run = self._run()
        self.assertEqual(run.entered_partner_ids, self.a | self.b)
        self.assertFalse(run.left_partner_ids)
        self.assertEqual(set(run.line_ids.partner_id.ids), {self.a.id, self.b.id})

    def test_entered_and_left_since_previous_run(self):
        self._run()
        self._invoice(self.d, 1000)  # D: 1 100 of 2 000 -> D and A are key, B leaves
        run = self._run()
        self.assertEqual(run.entered_partner_ids, self.d)
        self.assertEqual(run.left_partner_ids, self.b)
        self.assertEqual((run.entered_count, run.left_count), (1, 1))
        left_line = run.line_ids.filtered(lambda line: line.partner_id == self.b)
        self.assertFalse(left_line.is_key)
        self.assertEqual(left_line.movement, "left")
        self.assertFalse(self.b.with_company(self.company).kam_is_key_account)

    def test_rerun_on_identical_data_adds_only_a_run_record(self):
        first = self._run()
        write_dates = self.env["res.partner"].search_read(
            [("id", "in", (self.a | self.b | self.c).ids)], ["write_date"]
        )
        lines = self.env["kam.concentration.line"].search_count([])
        second = self._run()
        self.assertNotEqual(first, second)
        self.assertEqual(self.env["kam.concentration.line"].search_count([]), lines)
        self.assertEqual(second.detail_run_id, first)
        self.assertEqual((second.entered_count, second.left_count), (0, 0))
        self.assertEqual(
            (second.hhi, second.key_account_count), (first.hhi, first.key_account_count)
        )
        self.env.invalidate_all()
        self.assertEqual(
            self.env["res.partner"].search_read(
                [("id", "in", (self.a | self.b | self.c).ids)], ["write_date"]
            ),
            write_dates,
            "unchanged figures are not written again",
        )

    def test_customer_without_revenue_any_more_is_reset(self):
        self._run()
        self.env["account.move"].search([("partner_id", "=", self.d.id)]).button_draft()
        self._run()
        d = self.d.with_company(self.company)
        self.assertFalse(d.kam_revenue_rank)
        self.assertFalse(d.kam_revenue)
        self.assertFalse(d.kam_tier)

    def test_multi_company_isolation(self):
        other = self.setup_other_company(name="KAM Other Company")["company"]
        self._invoice(self.c, 300, company=other)
        self._run()
        self._run(other)
        c_here, c_there = self.c.with_company(self.company), self.c.with_company(other)
        self.assertFalse(c_here.kam_is_key_account)
        self.assertEqual(c_here.kam_revenue, 100)
        self.assertTrue(c_there.kam_is_key_account)
        self.assertEqual((c_there.kam_revenue, c_there.kam_revenue_rank), (300, 1))
        self.assertFalse(self.a.with_company(other).kam_is_key_account)
        self.assertTrue(self.a.with_company(self.company).kam_is_key_account)

    def test_manager_decision_and_strategic_flag_survive_runs(self):
        self.a.write({"kam_key_override": "not_key", "kam_key_override_reason": "Leaving us"})
        self.d.write(
            {
                "kam_is_strategic": True,
                "kam_strategic_reason": "Market entry",
                "kam_strategic_review_date": self.today + timedelta(days=90),
            }
        )
        self._run()
        self._run()
        a, d = self.a.with_company(self.company), self.d.with_company(self.company)
        self.assertEqual(a.kam_key_override, "not_key")
        self.assertTrue(a.kam_is_key_by_revenue, "the form still shows the computed verdict")
        self.assertFalse(a.kam_is_key_account)
        self.assertTrue(d.kam_is_strategic)
        self.assertTrue(d.kam_is_key_account)
        self.assertEqual(d.kam_key_reason, "strategic")
        self.c.write({"kam_key_override": "key", "kam_key_override_reason": "Big deal coming"})
        self.assertTrue(self.c.with_company(self.company).kam_is_key_account)
        self.assertEqual(self.c.with_company(self.company).kam_key_reason, "manual")

    def test_manager_decision_needs_a_reason(self):
        with self.assertRaises(ValidationError):
            self.a.kam_key_override = "key"

    def test_order_source_counts_confirmed_orders_in_company_currency(self):
        self.company.kam_revenue_source = "order"
        product = self.env["product.product"].create({"name": "Service", "type": "service"})
        pricelist_eur = self.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": self.eur.id, "company_id": self.company.id}
        )

        def order(partner, price, **values):
            sale = self.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "order_line": [
                        fields.Command.create({"product_id": product.id, "price_unit": price})
                    ],
                    **values,
                }
            )
            return sale

        order(self.a, 400).action_confirm()
        order(self.b, 1000, pricelist_id=pricelist_eur.id).action_confirm()  # 500
        order(self.c, 9999)  # quotation
        cancelled = order(self.c, 9999)
        cancelled.action_confirm()
        cancelled._action_cancel()
        run = self._run()
        self.assertEqual(run.revenue_source, "order")
        self.assertEqual(run.total_revenue, 900)
        self.assertEqual(self.b.with_company(self.company).kam_revenue_rank, 1)
        self.assertEqual(self.b.with_company(self.company).kam_revenue, 500)
        self.assertFalse(self.c.with_company(self.company).kam_revenue)

    def test_sale_orders_follow_the_key_status(self):
        product = self.env["product.product"].create({"name": "Service", "type": "service"})
        sale = self.env["sale.order"].create(
            {
                "partner_id": self.contact_a.id,
                "company_id": self.company.id,
                "order_line": [fields.Command.create({"product_id": product.id})],
            }
        )
        self.assertFalse(sale.kam_is_key_account)
        self._run()
        self.assertTrue(sale.kam_is_key_account)

    def test_invalid_settings_are_refused(self):
        for values in (
            {"kam_window_months": 0},
            {"kam_window_months": 121},
            {"kam_threshold_percent": 0},
            {"kam_threshold_percent": 90, "kam_tier_b_percent": 85},
            {"kam_risk_metric": "top10", "kam_risk_level": 150},
            {"kam_history_months": -1},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.company.write(values)

    def test_risk_alert_once_when_crossing_the_level(self):
        self.company.write({"kam_risk_metric": "hhi", "kam_risk_level": 2500})
        run = self._run()
        self.assertTrue(run.risk_exceeded)
        activities = run.activity_ids
        self.assertTrue(activities)
        self.assertIn("4200", activities[0].note)
        self.assertIn(self.env.user, activities.user_id)
        second = self._run()
        self.assertTrue(second.risk_exceeded)
        self.assertFalse(second.activity_ids, "no new alert while the level stays exceeded")

    def test_ranking_rows_leave_room_for_updates_in_place(self):
        # the nightly rewrite of nearly every ranking row relies on it: see kam.account.figure
        options = self.env.execute_query(
            SQL("SELECT reloptions FROM pg_class WHERE relname = 'kam_account_figure'")
        )[0][0]
        self.assertIn("fillfactor=50", options)

    def test_old_line_detail_is_pruned(self):
        first = self._run()
        long_ago = fields.Datetime.now() - timedelta(days=800)
        first.write({"date": long_ago})
        first.line_ids.write({"date": long_ago})
        self._invoice(self.d, 1000)
        second = self._run()
        self.assertFalse(first.exists().line_ids)
        self.assertTrue(first.exists(), "computations are kept")
        self.assertTrue(second.line_ids)

    def test_pruning_keeps_the_detail_a_recent_computation_shows(self):
        first = self._run()
        second = self._run()  # nothing changed: it shows the detail of the first
        self.assertEqual(second.detail_run_id, first)
        first.write({"date": fields.Datetime.now() - timedelta(days=800)})
        self._invoice(self.d, 1000)
        third = self._run()
        self.assertEqual(third.detail_run_id, third)
        self.assertTrue(second.detail_run_id.line_ids, "the second computation keeps its detail")

    def test_nightly_cron_runs_each_company_once_per_cycle(self):
        self.company.kam_last_concentration_date = False
        runs_before = self.Run.search_count([("company_id", "=", self.company.id)])
        for _batch in range(10):
            self.Run.sudo()._cron_compute_concentration()
        runs_after = self.Run.search_count([("company_id", "=", self.company.id)])
        self.assertEqual(runs_after, runs_before + 1)

    def test_a_failing_company_does_not_hold_back_the_others(self):
        other = self.setup_other_company(name="KAM Healthy Company")["company"]
        self.env["res.company"].search([]).kam_last_concentration_date = fields.Datetime.now()
        (self.company | other).kam_last_concentration_date = False
        original = type(self.Run)._compute_for_company

        def compute(run_model, company):
            if company == self.company:
                raise ValueError("broken data")
            return original(run_model, company)

        with (
            patch.object(type(self.Run), "_compute_for_company", compute),
            self.assertLogs("odoo.addons.kam_management.models.kam_concentration_run", "ERROR"),
        ):
            for _batch in range(3):
                self.Run.sudo()._cron_compute_concentration()
        self.assertTrue(other.kam_last_concentration_date)
        self.assertFalse(self.company.kam_last_concentration_date)
        self.assertTrue(self.company.kam_concentration_failed_date)

    def test_only_managers_recompute_now(self):
        kam = new_test_user(
            self.env,
            login="kam_engine_user",
            groups="base.group_user,kam_management.group_kam_user",
        )
        with self.assertRaises(AccessError):
            self.Run.with_user(kam).action_recompute()
        action = self.Run.action_recompute()
        self.assertEqual(action["res_model"], "kam.concentration.run")

    def test_install_hook_computes_every_company(self):
        post_init_hook(self.env(su=True))
        self.assertTrue(self.a.with_company(self.company).kam_is_key_account)
        main_company = self.env.ref("base.main_company")
        self.assertTrue(self.Run.sudo().search([("company_id", "=", main_company.id)]))

    def test_pareto_shows_the_latest_computation_only(self):
        self._run()
        self._invoice(self.d, 1000)
        latest = self._run()
        action = self.Run.action_open_latest_pareto()
        lines = self.env["kam.concentration.line"].search(action["domain"])
        self.assertEqual(lines.run_id, latest)
        self.assertEqual(set(lines.partner_id.ids), {self.a.id, self.b.id, self.d.id})
