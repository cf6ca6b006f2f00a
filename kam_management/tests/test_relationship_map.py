from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.tests import tagged

from .common import KamCommon


@tagged("post_install", "-at_install")
class TestRelationshipMap(KamCommon):
    """The map of an account as an org chart, on screen and in the printed plan."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.write(
            {
                "kam_is_strategic": True,
                "kam_strategic_reason": "Showcase",
                "kam_strategic_review_date": "2030-01-01",
            }
        )
        cls.today = fields.Date.today()
        # Ceo (high) ─┬─ Cfo (medium) ── Buyer (low)
        #             └─ It (low)
        # Engineer (medium), reporting to nobody on the map
        cls.ceo = cls._person("Carmen Ceo", influence="high", attitude="supporter")
        cls.cfo = cls._person("Felipe Cfo", reports_to_id=cls.ceo.id, attitude="opponent")
        cls.buyer = cls._person("Berta Buyer", influence="low", reports_to_id=cls.cfo.id)
        cls.it = cls._person("Ivan It", influence="low", reports_to_id=cls.ceo.id)
        cls.engineer = cls._person("Elena Engineer")
        cls.ceo.last_interaction_date = cls.today - timedelta(days=12)
        cls.cfo.last_interaction_date = cls.today - timedelta(days=45)  # cadence 30: overdue
        cls.plan = cls.env["kam.account.plan"].create(
            {"account_id": cls.account.id, "date_start": "2026-01-01", "date_end": "2026-12-31"}
        )

    @classmethod
    def _person(cls, name, **values):
        contact = cls.env["res.partner"].create(
            {"name": name, "parent_id": cls.account.id, "function": f"{name} job"}
        )
        return cls.env["kam.stakeholder"].create(
            {
                "account_id": cls.account.id,
                "contact_id": contact.id,
                "owner_id": cls.kam_user.id,
                "cadence_days": 30,
                **values,
            }
        )

    def test_the_account_opens_the_org_chart_first(self):
        action = self.account.with_user(self.kam_user).action_open_relationship_map()
        self.assertEqual(
            [mode for _view, mode in action["views"]], ["hierarchy", "kanban", "list", "form"]
        )
        self.assertEqual(action["domain"], [("account_id", "=", self.account.id)])
        self.assertNotIn("group_by", action["context"], "a hierarchy is not grouped")
        hierarchy_view = self.env.ref("kam_management.kam_stakeholder_view_hierarchy")
        kanban_view = self.env.ref("kam_management.kam_stakeholder_view_kanban_map")
        self.assertEqual(action["views"][0][0], hierarchy_view.id)
        self.assertEqual(action["views"][1][0], kanban_view.id)
        # the kanban still groups the cards by buying role
        self.assertEqual(
            etree.fromstring(kanban_view.get_combined_arch()).get("default_group_by"), "role_ids"
        )

    def test_hierarchy_view_loads(self):
        hierarchy_view = self.env.ref("kam_management.kam_stakeholder_view_hierarchy")
        views = (
            self.env["kam.stakeholder"]
            .with_user(self.kam_user)
            .get_views([(hierarchy_view.id, "hierarchy")])
        )
        arch = etree.fromstring(views["views"]["hierarchy"]["arch"])
        self.assertEqual(arch.tag, "hierarchy")
        self.assertEqual(arch.get("parent_field"), "reports_to_id")
        self.assertEqual(arch.get("js_class"), "kam_relationship_map")
        fields_on_card = {node.get("name") for node in arch.iter("field")}
        self.assertLessEqual(
            {
                "name", "function", "attitude", "influence", "role_ids", "owner_id",
                "days_since_interaction", "is_overdue",
            },
            fields_on_card,
        )  # fmt: skip

    def test_org_chart_data_follows_reporting_lines(self):
        roots = (
            self.env["kam.stakeholder"]
            .with_user(self.kam_user)
            .hierarchy_read(
                [("account_id", "=", self.account.id), ("reports_to_id", "=", False)],
                ["name", "days_since_interaction", "is_overdue"],
                "reports_to_id",
            )
        )
        by_name = {row["name"]: row for row in roots}
        self.assertEqual(set(by_name), {"Carmen Ceo", "Elena Engineer"})
        self.assertEqual(
            sorted(by_name["Carmen Ceo"]["__child_ids__"]), sorted((self.cfo | self.it).ids)
        )
        self.assertEqual(by_name["Carmen Ceo"]["days_since_interaction"], 12)
        self.assertFalse(by_name["Carmen Ceo"]["is_overdue"])

    def test_days_since_interaction(self):
        self.assertEqual(self.ceo.days_since_interaction, 12)
        self.assertEqual(self.cfo.days_since_interaction, 45)
        self.assertTrue(self.cfo.is_overdue)
        self.assertEqual(self.engineer.days_since_interaction, 0, "just put on the map")

    def test_map_rows_follow_reporting_lines(self):
        self.assertEqual(
            self.plan._kam_map_rows(),
            [
                (self.ceo, 0),
                (self.cfo, 1),
                (self.buyer, 2),
                (self.it, 1),
                (self.engineer, 0),
            ],
        )

    def test_map_rows_skip_archived_bosses(self):
        self.cfo.active = False
        rows = self.plan._kam_map_rows()
        self.assertEqual(rows, [(self.ceo, 0), (self.it, 1), (self.engineer, 0), (self.buyer, 0)])

    def test_plan_report_prints_the_org_chart_and_the_gaps(self):
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "kam_management.kam_account_plan_report_action", self.plan.ids
        )
        page = etree.fromstring(html, etree.HTMLParser())
        people = page.xpath("//table[contains(@class, 'o_kam_map')]//td[@data-depth]")
        self.assertEqual(
            [(cell.xpath("string(.//strong)"), cell.get("data-depth")) for cell in people],
            [
                ("Carmen Ceo", "0"),
                ("Felipe Cfo", "1"),
                ("Berta Buyer", "2"),
                ("Ivan It", "1"),
                ("Elena Engineer", "0"),
            ],
        )
        self.assertIn("padding-left: 3.3em", people[2].get("style"))
        text = etree.tostring(page, method="text", encoding="unicode")
        self.assertIn("12 days", text)
        self.assertIn("45 days", text)
        overdue = page.xpath("//*[contains(@class, 'o_kam_map_overdue')]")
        self.assertEqual(len(overdue), 1, "only the CFO is overdue")
        gaps = page.xpath("string(//*[contains(@class, 'o_kam_map_gaps')])")
        self.assertIn("No decision maker identified", gaps)
