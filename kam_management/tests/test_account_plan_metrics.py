from odoo import fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.exceptions import ValidationError
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestAccountPlanMetrics(AccountTestInvoicingCommon):
    """Objectives measured against hand-computed sales of account A in 2025.

    Invoices (company currency unless said): 10 Mar 700 + a maintenance line 300
    (on a contact of A); 1 Jun 400 EUR at 2 EUR per unit = 200; 1 Jul credit note
    100; 1 Oct two maintenance lines 600; 1 Nov credit note of one maintenance 300.
    Revenue 2025 = 1 000 + 200 - 100 + 600 - 300 = 1 400; maintenance (category
    Services > Maintenance) = 300 + 600 - 300 = 600.
    Never counted: a draft and a cancelled invoice, an invoice of 2026, a vendor
    bill, and the invoices of account B.
    2024 (the previous period of equal length): 120 + 1 000 = 1 120, so growth
    = (1 400 - 1 120) / 1 120 = 25 %.
    Orders 2025: 500 (maintenance 200 + other 300) and 300 EUR = 150; plus a
    cancelled order, a quotation and an order of 2024: 2 confirmed orders,
    revenue 650, maintenance 200.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("kam_management.group_kam_manager")
        cls.company = cls.env.company
        cls.eur = cls.setup_other_currency("EUR", rates=[("1900-01-01", 2.0)])
        services = cls.env["product.category"].create({"name": "Services"})
        maintenance_category = cls.env["product.category"].create(
            {"name": "Maintenance", "parent_id": services.id}
        )
        cls.services = services
        cls.maintenance = cls.env["product.product"].create(
            {
                "name": "Maintenance contract",
                "categ_id": maintenance_category.id,
                "lst_price": 300,
                "taxes_id": [],
            }
        )
        cls.account = cls.env["res.partner"].create({"name": "Account A", "is_company": True})
        cls.contact = cls.env["res.partner"].create(
            {"name": "Buyer A", "parent_id": cls.account.id}
        )
        cls.other = cls.env["res.partner"].create({"name": "Account B", "is_company": True})

        cls._invoice(cls.contact, "2025-03-10", amounts=[700], products=[cls.maintenance])
        cls._invoice(cls.account, "2025-06-01", amounts=[400], currency=cls.eur)
        cls._invoice(cls.account, "2025-07-01", amounts=[100], move_type="out_refund")
        cls._invoice(cls.account, "2025-10-01", products=[cls.maintenance, cls.maintenance])
        cls._invoice(cls.account, "2025-11-01", products=[cls.maintenance], move_type="out_refund")
        cls._invoice(cls.account, "2025-05-01", amounts=[9999], post=False)
        cls._invoice(cls.account, "2025-05-02", amounts=[9999]).button_cancel()
        cls._invoice(cls.account, "2026-01-05", amounts=[5000])
        cls._invoice(cls.account, "2025-05-03", amounts=[9999], move_type="in_invoice")
        cls._invoice(cls.other, "2025-05-05", amounts=[777])
        cls._invoice(cls.account, "2024-06-01", amounts=[120])
        cls._invoice(cls.account, "2024-12-31", amounts=[1000])

        eur_pricelist = cls.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": cls.eur.id}
        )
        cls._order(
            cls.account, "2025-02-01 10:00:00", [(cls.maintenance, 200), (cls.product_a, 300)]
        )
        cls._order(cls.contact, "2025-08-01 10:00:00", [(cls.product_a, 300)], eur_pricelist)
        cls._order(cls.account, "2025-04-01 10:00:00", [(cls.product_a, 999)])._action_cancel()
        cls._order(cls.account, "2025-04-02 10:00:00", [(cls.product_a, 999)], confirm=False)
        cls._order(cls.account, "2024-04-02 10:00:00", [(cls.product_a, 999)])

        cls.plan = cls.env["kam.account.plan"].create(
            {
                "account_id": cls.account.id,
                "date_start": "2025-01-01",
                "date_end": "2025-12-31",
                "revenue_target": 2800,
            }
        )

    @classmethod
    def _invoice(cls, partner, date, amounts=None, products=None, move_type="out_invoice",
                 post=True, currency=None):  # fmt: skip
        move = cls.init_invoice(
            move_type,
            partner=partner,
            invoice_date=fields.Date.to_date(date),
            amounts=amounts,
            products=products,
            taxes=[],
            currency=currency,
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _order(cls, partner, date, lines, pricelist=None, confirm=True):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "pricelist_id": pricelist.id if pricelist else False,
                "order_line": [
                    (0, 0, {"product_id": product.id, "price_unit": price, "tax_id": []})
                    for product, price in lines
                ],
            }
        )
        if confirm:
            order.action_confirm()
        order.date_order = date  # confirming stamps today's date
        return order

    def _objective(self, metric, target=100.0, **values):
        return self.env["kam.account.plan.objective"].create(
            dict(
                {"plan_id": self.plan.id, "name": metric, "metric": metric, "target": target},
                **values,
            )
        )

    def _use_orders(self):
        self.company.kam_revenue_source = "order"

    def test_plan_revenue_from_invoices(self):
        self.assertAlmostEqual(self.plan.revenue_actual, 1400)
        self.assertAlmostEqual(self.plan.revenue_progress, 50)

    def test_revenue_objective(self):
        objective = self._objective("revenue", target=2000)
        self.assertAlmostEqual(objective.actual, 1400)
        self.assertAlmostEqual(objective.progress, 70)

    def test_growth_against_previous_period_of_equal_length(self):
        objective = self._objective("revenue_growth", target=20)
        self.assertAlmostEqual(objective.actual, 25)
        self.assertAlmostEqual(objective.progress, 125)
        self.assertEqual(objective.status, "done")

    def test_growth_without_previous_revenue_is_not_measurable(self):
        self.plan.write({"date_start": "2025-03-01", "date_end": "2025-03-31"})
        objective = self._objective("revenue_growth", target=10)
        self.assertEqual(objective.actual, 0)
        self.assertTrue(objective.measure_note)

    def test_category_revenue_includes_subcategories_and_credit_notes(self):
        objective = self._objective(
            "category_revenue", target=1200, product_category_id=self.services.id
        )
        self.assertAlmostEqual(objective.actual, 600)
        self.assertAlmostEqual(objective.progress, 50)

    def test_order_count(self):
        objective = self._objective("order_count", target=4)
        self.assertEqual(objective.actual, 2)
        self.assertAlmostEqual(objective.progress, 50)

    def test_revenue_from_confirmed_orders(self):
        self._use_orders()
        self.plan.action_refresh_measures()
        self.assertAlmostEqual(self.plan.revenue_actual, 650)
        revenue = self._objective("revenue", target=650)
        self.assertAlmostEqual(revenue.actual, 650)
        self.assertEqual(revenue.status, "done")
        category = self._objective("category_revenue", product_category_id=self.services.id)
        self.assertAlmostEqual(category.actual, 200)

    def test_manual_metric_keeps_the_typed_actual(self):
        objective = self._objective("manual", target=4, actual=1)
        self.plan.action_refresh_measures()
        self.assertEqual(objective.actual, 1)
        self.assertAlmostEqual(objective.progress, 25)

    def test_new_sales_reach_the_plan_on_refresh(self):
        objective = self._objective("revenue", target=2000)
        self._invoice(self.account, "2025-12-15", amounts=[600])
        self.env["kam.account.plan"]._cron_keep_plans_alive()  # draft plans wait
        self.assertAlmostEqual(objective.actual, 1400)
        self.plan.action_activate()
        self.env["kam.account.plan"]._cron_keep_plans_alive()
        self.assertAlmostEqual(self.plan.revenue_actual, 2000)
        self.assertAlmostEqual(objective.actual, 2000)
        self.assertEqual(objective.status, "done")

    def test_category_metric_needs_a_category(self):
        with self.assertRaises(ValidationError):
            self._objective("category_revenue")

    def test_objectives_measure_what_the_orm_has_not_written_yet(self):
        last_year = self.env["sale.order"].search(
            [("partner_id", "=", self.account.id), ("date_order", "<", "2025-01-01")]
        )
        last_year.date_order = "2025-06-01 10:00:00"  # in the ORM only, not in the table yet
        objective = self._objective("order_count", target=4)
        self.assertEqual(objective.actual, 3)
