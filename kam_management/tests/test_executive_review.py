import re
import shutil
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import SQL

from .common_signals import KamSignalsCommon

REPORT = "kam_management.kam_executive_review_report_action"


@tagged("post_install", "-at_install")
class TestExecutiveReview(KamSignalsCommon):
    """The executive review of a key account over a period, as printed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.key_account(cls, "Review Industries")
        cls.other_account = cls.key_account(cls, "Other Customer")
        # the period: the last 90 days up to today
        cls.date_from, cls.date_to = cls.today - timedelta(days=90), cls.today
        cls.data = {
            "date_from": cls.date_from.isoformat(),
            "date_to": cls.date_to.isoformat(),
        }
        cls.contact = cls.env["res.partner"].create(
            {"name": "Dora Decider", "parent_id": cls.account.id}
        )
        cls.plan = cls.env["kam.account.plan"].create(
            {
                "account_id": cls.account.id,
                "date_start": cls.date_from,
                "date_end": cls.date_to + timedelta(days=60),
            }
        )
        cls.objective = cls.env["kam.account.plan.objective"].create(
            {
                "plan_id": cls.plan.id,
                "name": "Qualify the second plant",
                "metric": "manual",
                "target": 10,
                "actual": 4,
                "deadline": cls.date_to + timedelta(days=30),
            }
        )

    def render(self, account=None, data=None, user=None):
        reports = self.env["ir.actions.report"]
        if user:
            reports = reports.with_user(user)
        html, _format = reports._render_qweb_html(
            REPORT, (account or self.account).ids, data=self.data if data is None else data
        )
        return html.decode()

    @staticmethod
    def text(html):
        """The words of the page, without tags and with single spaces."""
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")

    def test_revenue_against_the_year_before(self):
        """Invoices of the period: 1 000 + 500 - 200 (credit note) = 1 300; a year
        earlier: 800; change +62.5 %. An invoice between the two periods and one of
        another account are not counted."""
        self.invoice(self.account, 30, 1000)
        self.invoice(self.account, 60, 500)
        self.invoice(self.account, 40, 200, refund=True)
        self.invoice(self.account, 395, 800)
        self.invoice(self.account, 200, 999)
        self.invoice(self.other_account, 10, 777)
        text = self.text(self.render())
        self.assertIn("Executive Account Review: Review Industries", text)
        self.assertIn("1,300.00", text)
        self.assertIn("800.00", text)
        self.assertIn("+62.5 %", text)
        self.assertNotIn("999.00", text)
        self.assertNotIn("777.00", text)
        self.assertNotIn("2,299.00", text)
        self.assertIn(self.kam_user.name, text)
        self.assertIn(self.company.name, text)

    def test_no_revenue_a_year_earlier(self):
        self.invoice(self.account, 30, 1000)
        text = self.text(self.render())
        self.assertIn("1,000.00", text)
        self.assertIn("No revenue a year earlier", text)

    def test_a_plan_of_another_account_is_not_reviewed(self):
        """A hand-made request naming another account's plan reviews the account's
        own plan of the period instead."""
        other_plan = self.env["kam.account.plan"].create(
            {
                "name": "Somebody else's plan",
                "account_id": self.other_account.id,
                "date_start": self.date_from,
                "date_end": self.date_to,
            }
        )
        text = self.text(self.render(data={**self.data, "plan_id": other_plan.id}))
        self.assertNotIn("Somebody else's plan", text)
        self.assertIn(self.plan.name, text)

    def test_objectives_and_commitments(self):
        """The manual objective: target 10, actual 4, progress 40 %, due after the
        period: a commitment for the next one, with the open action of the plan."""
        self.plan.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=self.date_to + timedelta(days=10),
            summary="Send the plant proposal",
            user_id=self.kam_user.id,
        )
        html = self.render()
        text = self.text(html)
        self.assertIn(self.plan.name, text)
        row = re.search(r"o_kam_review_objectives.*?</table>", html, re.S).group(0)
        row_text = self.text(row)
        self.assertIn("Qualify the second plant", row_text)
        self.assertIn("Manual", row_text)
        self.assertIn("10.00", row_text)
        self.assertIn("4.00", row_text)
        self.assertIn("40 %", row_text)
        commitments = self.text(
            re.search(r"o_kam_review_next_objectives.*?</table>", html, re.S).group(0)
        )
        self.assertIn("Qualify the second plant", commitments)
        activities = self.text(
            re.search(r"o_kam_review_activities.*?</table>", html, re.S).group(0)
        )
        self.assertIn("Send the plant proposal", activities)
        self.assertIn(self.kam_user.name, activities)
        # once done, the objective is no longer a commitment
        self.objective.is_done = True
        self.assertNotIn("o_kam_review_next_objectives", self.render())

    def test_tensions_opened_and_closed_in_the_period(self):
        tension_type = self.env.ref("kam_management.kam_tension_type_delivery")
        opened = self.env["kam.tension"].create(
            {"name": "Late valve deliveries", "account_id": self.account.id,
             "type_id": tension_type.id, "severity": "high"}
        )  # fmt: skip
        old = self.env["kam.tension"].create(
            {"name": "Invoice dispute", "account_id": self.account.id,
             "type_id": tension_type.id, "resolution": "<p>Credit note sent</p>"}
        )  # fmt: skip
        self.env["kam.tension"].create(
            {"name": "Forgotten complaint", "account_id": self.account.id,
             "type_id": tension_type.id}
        )  # fmt: skip
        self.env.flush_all()
        # opened long before the period, resolved within it; one opened before and open
        self.env.cr.execute(
            SQL(
                "UPDATE kam_tension SET create_date = %s WHERE name IN %s",
                self.today - timedelta(days=200),
                ("Invoice dispute", "Forgotten complaint"),
            )
        )
        self.env.invalidate_all()
        old.state = "resolved"
        html = self.render()
        text = self.text(html)
        self.assertIn("Opened in the period: 1 ; resolved in the period: 1", text)
        tensions = self.text(re.search(r"o_kam_review_tensions.*?</table>", html, re.S).group(0))
        self.assertIn(opened.name, tensions)
        self.assertIn("High", tensions)
        self.assertIn("Invoice dispute", tensions)
        self.assertIn("Resolved", tensions)
        self.assertNotIn("Forgotten complaint", tensions)

    def test_scorecard_health_wallet_and_map(self):
        self.assertIn("Not scored yet", self.text(self.render()))
        decider_role = self.env["kam.stakeholder.role"].search(
            [("is_decision_maker", "=", True)], limit=1
        )
        self.env["kam.stakeholder"].create(
            {
                "account_id": self.account.id,
                "contact_id": self.contact.id,
                "role_ids": [Command.set(decider_role.ids)],
                "attitude": "supporter",
            }
        )
        competitor = self.env["res.partner"].create(
            {"name": "Rival SA", "is_company": True, "kam_is_competitor": True}
        )
        self.env["kam.competitor.presence"].create(
            {
                "account_id": self.account.id,
                "competitor_id": competitor.id,
                "share_estimate": 35,
                "wallet_estimate": 20000,
                "threat_level": "high",
            }
        )
        health = self.env["kam.account.health"].sudo()  # written by the nightly engine
        health.create(
            {"account_id": self.account.id, "company_id": self.company.id,
             "date": self.today - timedelta(days=300), "score": 91, "band": "healthy"}
        )  # fmt: skip
        health.create(
            {"account_id": self.account.id, "company_id": self.company.id,
             "date": self.today - timedelta(days=40), "score": 66, "band": "watch"}
        )  # fmt: skip
        health.create(
            {"account_id": self.account.id, "company_id": self.company.id,
             "date": self.today, "score": 48, "band": "at_risk", "is_current": True}
        )  # fmt: skip
        self.env["kam.scorecard.engine"]._score_company(self.company)
        scorecard = self.env["kam.account.scorecard"].search(
            [("account_id", "=", self.account.id), ("company_id", "=", self.company.id)]
        )
        self.assertTrue(scorecard)
        html = self.render()
        text = self.text(html)
        self.assertNotIn("Not scored yet", text)
        score_text = self.text(re.search(r"o_kam_review_scorecard.*?</table>", html, re.S).group(0))
        for function in ("information", "relationships", "business", "team"):
            self.assertIn(str(scorecard[f"score_{function}"]), score_text)
            for line in scorecard[f"reasons_{function}"].splitlines():
                self.assertIn(line, score_text)
        self.assertIn(f"Overall {scorecard.score}", score_text)
        # health now, and its snapshots within the period only
        self.assertIn("48 / 100, At Risk", text)
        history = self.text(
            re.search(r"o_kam_review_health_history.*?</table>", html, re.S).group(0)
        )
        self.assertIn("66", history)
        self.assertIn("Watch", history)
        self.assertNotIn("91", history)
        # share of wallet
        wallet = self.text(re.search(r"o_kam_review_wallet.*?</table>", html, re.S).group(0))
        self.assertIn("Rival SA", wallet)
        self.assertIn("35 %", wallet)
        self.assertIn("20,000.00", wallet)
        # the map: one supporter, the decision maker, never contacted yet but within
        # the cadence from the day they were put on the map
        self.assertIn("People on the map: 1 (Supporter: 1, Neutral: 0, Opponent: 0)", text)
        self.assertIn("Dora Decider: in touch", text)

    def test_spanish_account_gets_a_spanish_report(self):
        """Words, dates and amounts in the Spanish way; or in the language chosen
        on the wizard."""
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(["kam_management"], ["es_ES"])
        self.account.lang = "es_ES"
        self.invoice(self.account, 30, 1300)
        text = self.text(self.render())
        self.assertIn("Revisión ejecutiva de la cuenta", text)
        self.assertIn(self.date_from.strftime("%d/%m/%Y"), text)
        self.assertIn("1.300,00", text)
        self.account.lang = "en_US"
        text = self.text(self.render())
        self.assertIn("Executive Account Review", text)
        self.assertIn(self.date_from.strftime("%m/%d/%Y"), text)
        self.assertIn("1,300.00", text)
        # a Spanish-speaking executive of an English-speaking account
        wizard = (
            self.env["kam.executive.review.wizard"]
            .with_user(self.kam_user)
            .create({"account_id": self.account.id})
        )
        self.assertEqual(wizard.lang, "en_US")
        wizard.write({"lang": "es_ES", "date_from": self.date_from, "date_to": self.date_to})
        action = wizard.action_print()
        text = self.text(self.render(data=action["data"]))
        self.assertIn("Revisión ejecutiva de la cuenta", text)
        self.assertIn("1.300,00", text)

    def test_print_menu_without_period_reviews_the_last_complete_quarter(self):
        with freeze_time("2026-05-17 12:00:00"):
            text = self.text(self.render(data={}))
        self.assertIn("01/01/2026 – 03/31/2026", text)

    # ------------------------------------------------------------------
    # The wizard
    # ------------------------------------------------------------------
    def test_wizard_defaults_to_the_last_complete_quarter(self):
        wizard_model = self.env["kam.executive.review.wizard"]
        for today, expected in (
            ("2026-05-17", (date(2026, 1, 1), date(2026, 3, 31))),
            ("2026-01-02", (date(2025, 10, 1), date(2025, 12, 31))),
            ("2026-10-01", (date(2026, 7, 1), date(2026, 9, 30))),
        ):
            with self.subTest(today=today), freeze_time(f"{today} 12:00:00"):
                wizard = wizard_model.create({"account_id": self.account.id})
                self.assertEqual((wizard.date_from, wizard.date_to), expected)

    def test_wizard_from_the_account_and_from_the_plan(self):
        action = self.account.with_user(self.kam_user).action_kam_executive_review()
        self.assertEqual(action["res_model"], "kam.executive.review.wizard")
        with freeze_time("2026-05-17 12:00:00"):
            form = Form(
                self.env["kam.executive.review.wizard"]
                .with_user(self.kam_user)
                .with_context(**action["context"])
            )
            self.assertEqual(form.account_id, self.account)
            self.assertEqual(form.date_from, date(2026, 1, 1))
            self.assertEqual(form.date_to, date(2026, 3, 31))
        action = self.plan.with_user(self.kam_user).action_kam_executive_review()
        form = Form(
            self.env["kam.executive.review.wizard"]
            .with_user(self.kam_user)
            .with_context(**action["context"])
        )
        self.assertEqual(form.plan_id, self.plan)
        self.assertEqual(form.date_from, self.plan.date_start)
        self.assertEqual(form.date_to, self.plan.date_end)
        wizard = form.save()
        printed = wizard.action_print()
        self.assertEqual(printed["report_name"], "kam_management.kam_executive_review_report")
        self.assertEqual(
            printed["data"],
            {
                "date_from": self.plan.date_start.isoformat(),
                "date_to": self.plan.date_end.isoformat(),
                "plan_id": self.plan.id,
                "lang": "en_US",
            },
        )
        # what the button prints is the review of that plan
        text = self.text(self.render(data=printed["data"]))
        self.assertIn("Qualify the second plant", text)

    def test_wizard_refuses_bad_input(self):
        wizard_model = self.env["kam.executive.review.wizard"]
        with self.assertRaisesRegex(ValidationError, "ends .* before it starts"):
            wizard_model.create(
                {
                    "account_id": self.account.id,
                    "date_from": "2026-03-31",
                    "date_to": "2026-01-01",
                }
            )
        with self.assertRaisesRegex(ValidationError, "not a plan of Other Customer"):
            wizard_model.create({"account_id": self.other_account.id, "plan_id": self.plan.id})
        with self.assertRaisesRegex(ValidationError, "is a contact, not an account"):
            wizard_model.create({"account_id": self.contact.id})

    # ------------------------------------------------------------------
    # Rights
    # ------------------------------------------------------------------
    def test_only_kams_render_it(self):
        self.assertIn("Review Industries", self.render(user=self.kam_user))
        portal = new_test_user(
            self.env,
            login="kam_review_portal",
            groups="base.group_portal",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        portal.partner_id.parent_id = self.account
        for user in (self.salesman, portal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.render(user=user)
        with self.assertRaises(AccessError):
            self.env["kam.executive.review.wizard"].with_user(self.salesman).create(
                {"account_id": self.account.id}
            )

    def test_report_is_in_the_print_menu_of_kams_only(self):
        report = self.env.ref(REPORT)
        self.assertEqual(report.binding_model_id.model, "res.partner")
        self.assertEqual(report.groups_id, self.env.ref("kam_management.group_kam_user"))


@tagged("post_install", "-at_install")
class TestExecutiveReviewPdf(HttpCase):
    """The PDF: wkhtmltopdf fetches the report's assets from the server, which only
    an HttpCase serves within the test transaction."""

    def test_pdf(self):
        if not shutil.which("wkhtmltopdf"):
            self.skipTest("wkhtmltopdf is not installed")
        kam = new_test_user(
            self.env, login="kam_review_pdf", groups="base.group_user,kam_management.group_kam_user"
        )
        account = self.env["res.partner"].create(
            {"name": "Printed Industries", "is_company": True, "kam_user_id": kam.id}
        )
        pdf, report_format = (
            self.env["ir.actions.report"]
            .with_user(kam)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, account.ids)
        )
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
