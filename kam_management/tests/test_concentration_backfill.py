from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..hooks import post_init_hook

FIGURES = (
    "date_from",
    "date_to",
    "revenue_source",
    "threshold_percent",
    "tier_b_percent",
    "total_revenue",
    "customer_count",
    "key_account_count",
    "hhi",
    "gini",
    "top1_share",
    "top5_share",
    "top10_share",
    "top20_share",
    "accounts_for_50",
    "accounts_for_80",
    "accounts_for_95",
    "risk_value",
    "risk_exceeded",
)


@tagged("post_install", "-at_install")
class TestConcentrationBackfill(AccountTestInvoicingCommon):
    """The history of the past months, back-filled on hand-computed invoices.

    Today is 15 July 2026 and the window 3 months: the back-fill computes the
    months to 30 April (31 Jan - 30 Apr), 31 May (1 Mar - 31 May) and 30 June
    (31 Mar - 30 Jun).

    ======  ==============================  =====  =====  =====
    who     document                         Apr    May    Jun
    ======  ==============================  =====  =====  =====
    F       500 on 31 Jan                    500
    C       200 EUR (= 100) on 30 Mar        100    100
    B       250 on 15 Apr, -50 on 2 Jun      250    250    200
    A       600 (to a contact) on 10 May            600    600
    E       credit note -30 on 5 May                -30    -30
    D       100 on 30 Jun                                  100
    total   (customers buying)               850    950    900
    key     80 %                             F, B   A, B   A, B
    ======  ==============================  =====  =====  =====

    Never counted: an invoice of A in the other company, a draft, a vendor bill.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("kam_management.group_kam_manager")
        cls.company = cls.env.company
        cls.company.write({"kam_window_months": 3, "kam_risk_metric": "top10"})
        cls.other_company = cls.setup_other_company(name="KAM Other Company")["company"]
        cls.eur = cls.setup_other_currency("EUR", rates=[("1900-01-01", 2.0)])
        cls.Run = cls.env["kam.concentration.run"]
        cls.manager = new_test_user(
            cls.env,
            login="kam_backfill_manager",
            groups="base.group_user,kam_management.group_kam_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.kam = new_test_user(
            cls.env,
            login="kam_backfill_user",
            groups="base.group_user,kam_management.group_kam_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        partners = cls.env["res.partner"].create(
            [{"name": f"Account {letter}", "is_company": True} for letter in "ABCDEF"]
        )
        cls.a, cls.b, cls.c, cls.d, cls.e, cls.f = partners
        contact_a = cls.env["res.partner"].create({"name": "Buyer A", "parent_id": cls.a.id})
        cls._invoice(cls.f, 500, "2026-01-31")
        cls._invoice(cls.c, 200, "2026-03-30", currency=cls.eur)
        cls._invoice(cls.b, 250, "2026-04-15")
        cls._invoice(cls.b, 50, "2026-06-02", move_type="out_refund")
        cls._invoice(contact_a, 600, "2026-05-10")
        cls._invoice(cls.e, 30, "2026-05-05", move_type="out_refund")
        cls._invoice(cls.d, 100, "2026-06-30")
        cls._invoice(cls.a, 10000, "2026-05-10", company=cls.other_company)
        cls._invoice(cls.e, 5000, "2026-05-10", post=False)
        cls._invoice(cls.e, 5000, "2026-05-10", move_type="in_invoice")

    @classmethod
    def _invoice(cls, partner, amount, day, move_type="out_invoice", post=True, currency=None,
                 company=None):  # fmt: skip
        move = cls.init_invoice(
            move_type,
            partner=partner,
            invoice_date=day,
            amounts=[amount],
            taxes=[],
            currency=currency,
            company=company,
        )
        if post:
            move.action_post()
        return move

    # ------------------------------------------------------------------
    def _backfill(self, today="2026-07-15 12:00:00"):
        with freeze_time(today):
            return self.env["kam.concentration.backfill"].sudo()._backfill_company(self.company)

    def _figures(self, run):
        figures = {name: run[name] for name in FIGURES}
        figures["key_ids"] = set(run.line_ids.filtered("is_key").partner_id.ids)
        return figures

    def _real_figures(self, day):
        """The figures of a real computation on ``day``, rolled back afterwards."""
        savepoint = self.env.cr.savepoint()
        try:
            with freeze_time(f"{day} 12:00:00"):
                figures = self._figures(self.Run.sudo()._compute_for_company(self.company))
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()
        return figures

    def _counts(self):
        return {
            model: self.env[model].sudo().search_count([])
            for model in ("mail.activity", "mail.message", "mail.mail", "kam.account.figure")
        }

    # ------------------------------------------------------------------
    def test_backfilled_months_follow_the_hand_computation(self):
        runs = self._backfill()
        self.assertEqual(len(runs), 3)
        self.assertTrue(all(runs.mapped("is_backfill")))
        april, may, june = runs.sorted("date")
        self.assertEqual(
            [(run.date_from, run.date_to) for run in (april, may, june)],
            [
                (date(2026, 1, 31), date(2026, 4, 30)),
                (date(2026, 3, 1), date(2026, 5, 31)),
                (date(2026, 3, 31), date(2026, 6, 30)),
            ],
        )
        # the end of the month end, where the company is (no time zone: UTC)
        self.assertEqual(june.date, datetime(2026, 6, 30, 23, 59, 59))
        self.assertEqual([run.total_revenue for run in (april, may, june)], [850, 950, 900])
        self.assertEqual([run.customer_count for run in (april, may, june)], [3, 3, 3])
        self.assertEqual(
            [set(run.line_ids.filtered("is_key").partner_id.ids) for run in (april, may, june)],
            [{self.f.id, self.b.id}, {self.a.id, self.b.id}, {self.a.id, self.b.id}],
        )
        # stored without decimals
        self.assertEqual(june.hhi, round((600 / 9) ** 2 + (200 / 9) ** 2 + (100 / 9) ** 2))
        # the oldest month has nothing to compare with: no movement
        self.assertEqual((april.entered_count, april.left_count), (0, 0))
        self.assertFalse(april.line_ids.filtered("movement"))
        # May against April: A entered, F left (no revenue in May any more)
        self.assertEqual((may.entered_count, may.left_count), (1, 1))
        self.assertEqual(may.entered_partner_ids, self.a)
        self.assertEqual(may.left_partner_ids, self.f)
        left = may.line_ids.filtered(lambda line: line.movement == "left")
        self.assertEqual((left.revenue, left.is_key, left.rank), (0, False, 0))
        self.assertEqual((june.entered_count, june.left_count), (0, 0))
        # credit notes netted
        june_b = june.line_ids.filtered(lambda line: line.partner_id == self.b)
        self.assertEqual((june_b.revenue, june_b.movement), (200, "stayed"))
        self.assertEqual(runs.detail_run_id, runs)
        self.assertTrue(all(run.detail_run_id == run for run in runs))

    def test_backfilled_figures_equal_real_computations_on_invoices(self):
        real = {day: self._real_figures(day) for day in ("2026-04-30", "2026-05-31", "2026-06-30")}
        runs = self._backfill().sorted("date")
        for run, day in zip(runs, real, strict=True):
            self.assertEqual(self._figures(run), real[day], day)

    def test_backfilled_figures_equal_real_computations_on_orders(self):
        self.company.write({"kam_revenue_source": "order", "kam_window_months": 12})
        product = self.product_a
        orders = [
            (self.a, 1000, "2025-01-10 09:00:00"),  # in the windows to Nov and Dec 2025
            (self.b, 700, "2025-11-30 23:30:00"),  # the last minutes of a month end
            (self.c, 400, "2026-02-01 00:00:00"),
            (self.d, 300, "2026-06-15 10:00:00"),
            (self.e, 50, "2026-10-31 22:00:00"),
            (self.f, 900, "2026-03-03 08:00:00"),
        ]
        sale_orders = self.env["sale.order"]
        for partner, price, when in orders:
            order = self.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        (0, 0, {"product_id": product.id, "price_unit": price, "tax_id": []})
                    ],
                }
            )
            order.action_confirm()
            order.date_order = when
            sale_orders |= order
        # an order in another currency counts in company currency (300 at 2 = 150)
        euros = sale_orders[3].copy()
        euros.action_confirm()
        euros.date_order = "2026-06-20 10:00:00"
        euros.flush_recordset()
        self.env.cr.execute("UPDATE sale_order SET currency_rate = 2 WHERE id = %s", [euros.id])
        euros.invalidate_recordset()
        sale_orders[0].copy().date_order = "2026-05-01 10:00:00"  # a quotation: not counted
        days = ("2025-11-30", "2025-12-31", "2026-01-31", "2026-06-30", "2026-10-31")
        real = {day: self._real_figures(day) for day in days}
        runs = self._backfill("2026-11-15 12:00:00")
        self.assertEqual(len(runs), 12)
        by_day = {str(run.date_to): run for run in runs}
        for day in days:
            self.assertEqual(self._figures(by_day[day]), real[day], day)
        self.assertEqual(by_day["2025-11-30"].total_revenue, 1700)
        # 1 Feb 2025 - 31 Jan 2026: the order of 1 February 2026 at midnight is not in
        self.assertEqual(by_day["2026-01-31"].total_revenue, 700)
        self.assertEqual(by_day["2026-06-30"].total_revenue, 700 + 400 + 300 + 150 + 900)

    def test_backfill_changes_nothing_current_and_notifies_nobody(self):
        with freeze_time("2026-07-15 12:00:00"):
            current = self.Run.sudo()._compute_for_company(self.company)
        figures = self.env["kam.account.figure"].search_read(
            [("company_id", "=", self.company.id)], ["account_ref", "rank", "is_key", "tier"]
        )
        classification = [
            p.with_company(self.company).kam_is_key_account for p in (self.a, self.b, self.f)
        ]
        counts = self._counts()
        runs = self._backfill()
        self.assertEqual(len(runs), 3)
        # the back-filled months are above the alert level (top 10 = 100 %): stored only
        self.assertTrue(all(runs.mapped("risk_exceeded")))
        self.assertEqual(self._counts(), counts)
        self.assertFalse(runs.message_ids)
        self.assertEqual(
            self.env["kam.account.figure"].search_read(
                [("company_id", "=", self.company.id)], ["account_ref", "rank", "is_key", "tier"]
            ),
            figures,
        )
        self.env.invalidate_all()
        self.assertEqual(
            [p.with_company(self.company).kam_is_key_account for p in (self.a, self.b, self.f)],
            classification,
        )
        # the real computation stays the latest
        self.assertEqual(self.Run.search([("company_id", "=", self.company.id)], limit=1), current)
        self.assertEqual(self.company.kam_last_concentration_date, current.date)
        action = self.Run.with_company(self.company).action_open_latest_pareto()
        shown = self.Run.browse(action["domain"][0][2])
        self.assertIn(current, shown)
        self.assertFalse(shown.filtered("is_backfill"))

    def test_next_real_computation_notifies_as_without_backfill(self):
        def notified_run():
            with freeze_time("2026-07-16 12:00:00"):
                run = self.Run.sudo()._compute_for_company(self.company)
            activities = self.env["mail.activity"].search(
                [("res_model", "=", run._name), ("res_id", "=", run.id)]
            )
            return run, activities

        savepoint = self.env.cr.savepoint()
        try:
            _run, activities = notified_run()
            without = len(activities)
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()
        self.assertTrue(without, "the fixture is above the alert level")
        self._backfill()
        run, activities = notified_run()
        self.assertEqual(len(activities), without)
        self.assertIn(self.manager, activities.user_id)
        # its own detail (the back-filled months are no previous computation)
        self.assertEqual(run.detail_run_id, run)
        # 17 Apr - 16 Jul: A 600, D 100, B -50, E -30: A alone is key
        self.assertEqual(run.entered_partner_ids, self.a)

    def test_months_with_a_computation_are_skipped(self):
        with freeze_time("2026-05-20 12:00:00"):
            may_run = self.Run.sudo()._compute_for_company(self.company)
        runs = self._backfill()
        self.assertEqual(sorted(str(run.date_to) for run in runs), ["2026-04-30", "2026-06-30"])
        june = runs.sorted("date")[-1]
        # June is compared with the month end of May (computed, not stored again)
        self.assertEqual((june.entered_count, june.left_count), (0, 0))
        self.assertEqual(
            self.Run.search([("company_id", "=", self.company.id), ("is_backfill", "=", False)]),
            may_run,
        )
        self.assertFalse(self._backfill())

    def test_button_twice_fills_once(self):
        runs_model = self.Run.with_user(self.manager).with_context(
            allowed_company_ids=self.company.ids
        )
        with freeze_time("2026-07-15 12:00:00"):
            first = runs_model.action_backfill()
            count = self.Run.search_count([("company_id", "=", self.company.id)])
            second = runs_model.action_backfill()
        self.assertEqual(count, 3)
        self.assertIn("3", first["params"]["message"])
        self.assertEqual(first["params"]["type"], "success")
        self.assertEqual(second["params"]["type"], "info")
        self.assertEqual(self.Run.search_count([("company_id", "=", self.company.id)]), count)

    def test_non_managers_are_refused(self):
        with freeze_time("2026-07-15 12:00:00"), self.assertRaises(AccessError):
            self.Run.with_user(self.kam).with_context(
                allowed_company_ids=self.company.ids
            ).action_backfill()
        self.assertFalse(self.Run.search([("company_id", "=", self.company.id)]))

    def test_install_backfills_after_the_first_computation(self):
        """The install computes each company; the scheduled action it triggers
        back-fills their history a minute later, one company per call."""
        cron = self.env.ref("kam_management.ir_cron_kam_concentration")
        with freeze_time("2026-07-15 12:00:00"):
            post_init_hook(self.env)
            self.assertEqual(self.Run.search_count([("company_id", "=", self.company.id)]), 1)
            self.assertTrue(self.company.kam_backfill_requested)
            self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
            # as the scheduler does: call again while it reports work remaining
            for _call in range(20):
                if not self.company.kam_backfill_requested:
                    break
                self.Run._cron_compute_concentration()
        self.assertFalse(self.company.kam_backfill_requested)
        runs = self.Run.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(runs), 4)
        self.assertFalse(runs[0].is_backfill)
        self.assertTrue(all(runs[1:].mapped("is_backfill")))
        self.assertEqual(self.company.kam_last_concentration_date, runs[0].date)

    def test_a_company_without_history_gets_no_empty_months(self):
        company = self.env["res.company"].create({"name": "Brand New"})
        with freeze_time("2026-07-15 12:00:00"):
            self.assertFalse(self.env["kam.concentration.backfill"]._backfill_company(company))
        self.assertFalse(self.Run.search([("company_id", "=", company.id)]))

    def test_backfilled_departures_raise_no_signal(self):
        """The "left the key set" signal is about what the nightly computation saw."""
        account = self.env["res.partner"].create({"name": "Former Key Ltd", "is_company": True})
        for is_backfill in (True, False):
            run = self.Run.create({"company_id": self.company.id, "is_backfill": is_backfill})
            self.env["kam.concentration.line"].create(
                {
                    "run_id": run.id,
                    "partner_id": account.id,
                    "movement": "left",
                    "rank": 12,
                    "revenue": 800,
                    "date": fields.Datetime.now() - timedelta(days=3),
                }
            )
            self.env["kam.signal.engine"]._check_company(self.company)
            signal = self.env["kam.signal"].search(
                [("account_id", "=", account.id), ("rule", "=", "left_key_set")]
            )
            self.assertEqual(bool(signal), not is_backfill)
