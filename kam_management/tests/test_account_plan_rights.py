from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import KamCommon


class TestAccountPlanRights(KamCommon):
    """KAMs manage the plans of their accounts and read the others'."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_account.kam_user_id = cls.other_kam_user
        Plan = cls.env["kam.account.plan"]
        cls.own_plan = Plan.create(
            {"account_id": cls.account.id, "date_start": "2026-01-01", "date_end": "2026-12-31"}
        )
        cls.others_plan = Plan.create(
            {
                "account_id": cls.other_account.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
            }
        )
        cls.others_objective = cls.env["kam.account.plan.objective"].create(
            {"plan_id": cls.others_plan.id, "name": "Audit", "metric": "manual", "target": 1}
        )

    def test_kam_manages_the_plans_of_own_accounts(self):
        plan = self.own_plan.with_user(self.kam_user)
        plan.write({"revenue_target": 1000, "value_proposition": "<p>Fastest delivery</p>"})
        plan.action_activate()
        objective = (
            self.env["kam.account.plan.objective"]
            .with_user(self.kam_user)
            .create({"plan_id": plan.id, "name": "Upsell", "metric": "revenue", "target": 500})
        )
        objective.target = 600
        new_plan = (
            self.env["kam.account.plan"]
            .with_user(self.kam_user)
            .create(
                {
                    "account_id": self.account.id,
                    "date_start": "2027-01-01",
                    "date_end": "2027-12-31",
                }
            )
        )
        new_plan.unlink()

    def test_kam_reads_but_does_not_change_others_plans(self):
        plan = self.others_plan.with_user(self.kam_user)
        self.assertEqual(plan.read(["account_id"])[0]["account_id"][0], self.other_account.id)
        self.assertEqual(self.others_objective.with_user(self.kam_user).name, "Audit")
        plan.action_refresh_measures()  # figures from sales, not a change of the plan
        with self.assertRaises(AccessError):
            plan.write({"revenue_target": 1})
        with self.assertRaises(AccessError):
            self.others_objective.with_user(self.kam_user).write({"target": 5})
        with self.assertRaises(AccessError):
            self.env["kam.account.plan"].with_user(self.kam_user).create(
                {
                    "account_id": self.other_account.id,
                    "date_start": "2027-01-01",
                    "date_end": "2027-12-31",
                }
            )
        with self.assertRaises(AccessError):
            self.env["kam.account.plan.objective"].with_user(self.kam_user).create(
                {"plan_id": self.others_plan.id, "name": "Sneak", "metric": "manual", "target": 1}
            )

    def test_managers_manage_every_plan(self):
        plan = self.others_plan.with_user(self.kam_manager)
        plan.write({"revenue_target": 99})
        plan.action_activate()
        self.others_objective.with_user(self.kam_manager).target = 3

    def test_sales_users_without_kam_rights_see_no_plan(self):
        with self.assertRaises(AccessError):
            self.own_plan.with_user(self.salesman).read(["name"])
        with self.assertRaises(AccessError):
            self.own_plan.with_user(self.salesman).action_refresh_measures()

    def test_plans_of_another_company_stay_hidden(self):
        other_company = self.env["res.company"].create({"name": "KAM Sister Company"})
        account = self.env["res.partner"].create(
            {"name": "Sister customer", "is_company": True, "company_id": other_company.id}
        )
        hidden = self.env["kam.account.plan"].create(
            {
                "account_id": account.id,
                "company_id": other_company.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
            }
        )
        visible = self.env["kam.account.plan"].with_user(self.kam_manager).search([])
        self.assertNotIn(hidden, visible)
        self.assertIn(self.own_plan, visible)


@tagged("post_install", "-at_install")
class TestAccountPlanReport(HttpCase):
    """The printable plan, in English and in Spanish.

    An HttpCase: wkhtmltopdf fetches the report assets from the test server.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["res.partner"].create({"name": "Acme Industrial", "is_company": True})
        cls.contact = cls.env["res.partner"].create(
            {"name": "Pilar Acme", "parent_id": cls.account.id}
        )
        cls.env["res.lang"]._activate_lang("es_ES")
        cls.plan = cls.env["kam.account.plan"].create(
            {
                "account_id": cls.account.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
                "revenue_target": 120000,
                "value_proposition": "<p>Entrega en 24 h</p>",
                "swot_strengths": "<p>Servicio técnico propio</p>",
            }
        )
        cls.env["kam.account.plan.objective"].create(
            {
                "plan_id": cls.plan.id,
                "name": "Contrato de mantenimiento",
                "metric": "manual",
                "target": 1,
            }
        )
        cls.env["kam.stakeholder"].create(
            {"account_id": cls.account.id, "contact_id": cls.contact.id}
        )
        cls.report = cls.env.ref("kam_management.kam_account_plan_report_action")

    def _html(self, lang):
        html, _format = (
            self.env["ir.actions.report"]
            .with_context(lang=lang)
            ._render_qweb_html(self.report, self.plan.ids)
        )
        return html.decode()

    def test_english(self):
        html = self._html("en_US")
        for text in ("Value proposition", "Strengths", "Objectives", "Stakeholders",
                     "Contrato de mantenimiento", "Pilar Acme", "Entrega en 24 h"):  # fmt: skip
            self.assertIn(text, html)

    def test_spanish(self):
        html = self._html("es_ES")
        for text in ("Propuesta de valor", "Fortalezas", "Objetivos", "Personas de la cuenta",
                     "Manual", "Borrador"):  # fmt: skip
            self.assertIn(text, html)
        self.assertNotIn("Value proposition", html)

    def test_pdf_renders(self):
        pdf, report_format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(self.report, self.plan.ids)
        )
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
