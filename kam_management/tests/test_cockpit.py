from datetime import timedelta

from odoo.tests import new_test_user, tagged

from .common_signals import KamSignalsCommon

SECTIONS = (
    "concentration",
    "health",
    "scorecard",
    "workload",
    "tensions",
    "plans",
    "information",
    "movements",
)


@tagged("post_install", "-at_install")
class TestCockpit(KamSignalsCommon):
    """The manager's cockpit: figures right, each with the records behind it, and
    read with the rights of whoever opens it."""

    def setUp(self):
        super().setUp()
        cls = self
        cls.big = cls.key_account("Big Buyer")
        cls.small = cls.key_account("Small Buyer", kam=cls.other_kam)
        cls.invoice(cls.big, days_ago=20, amount=9000)
        cls.invoice(cls.small, days_ago=20, amount=1000)
        tension_type = cls.env.ref("kam_management.kam_tension_type_delivery")
        cls.old_tension = cls.env["kam.tension"].create(
            {
                "name": "Old quarrel",
                "account_id": cls.big.id,
                "type_id": tension_type.id,
                "severity": "high",
            }
        )
        cls.env.cr.execute(
            "UPDATE kam_tension SET create_date = %s WHERE id = %s",
            (cls.today - timedelta(days=45), cls.old_tension.id),
        )
        cls.env["kam.tension"].create(
            {"name": "New one", "account_id": cls.small.id, "type_id": tension_type.id}
        )
        cls.env["kam.concentration.run"]._compute_for_company(cls.company)
        cls.env["kam.signal.engine"]._check_company(cls.company)
        cls.env["kam.scorecard.engine"]._score_company(cls.company)
        cls.env.invalidate_all()

    def data(self, user):
        return self.env["kam.cockpit"].with_user(user).kam_cockpit_data()

    def records(self, figure, user):
        return self.env[figure["model"]].with_user(user).search(figure["domain"])

    def test_manager_sees_the_portfolio_and_each_figure_opens_its_records(self):
        data = self.data(self.kam_manager)
        self.assertTrue(all(data[section] is not False for section in SECTIONS))
        health = {figure["band"]: figure for figure in data["health"]}
        self.assertEqual(sum(figure["value"] for figure in health.values()), 2)
        for figure in health.values():
            self.assertEqual(len(self.records(figure, self.kam_manager)), figure["value"])
        tensions = {row["severity"]: row for row in data["tensions"]["rows"]}
        self.assertEqual([cell["value"] for cell in tensions["high"]["cells"]], [0, 1, 0])
        self.assertEqual([cell["value"] for cell in tensions["medium"]["cells"]], [1, 0, 0])
        late = self.env["kam.tension"].search(tensions["high"]["cells"][1]["domain"])
        self.assertEqual(late, self.old_tension)
        scorecard = {figure["label"]: figure for figure in data["scorecard"]}
        self.assertEqual(len(scorecard), 4)
        self.assertEqual(
            len(self.records(scorecard["Business"], self.kam_manager)), 2
        )  # both accounts scored
        self.assertEqual(scorecard["Business"]["weak"], 2)  # no plan anywhere
        kpis = {figure["label"]: figure for figure in data["concentration"]["kpis"]}
        self.assertEqual(kpis["Top 10 share"]["value"], 100.0)
        self.assertTrue(data["concentration"]["trend"])

    def test_the_trend_has_one_point_a_month(self):
        """Nightly computations and back-filled months: the month's last one."""
        self.company._kam_backfill_concentration()
        months = self.env["kam.concentration.run"].search_count(
            [("company_id", "=", self.company.id), ("is_backfill", "=", True)]
        )
        for _night in range(3):
            self.env["kam.concentration.run"]._compute_for_company(self.company)
        trend = self.data(self.kam_manager)["concentration"]["trend"]
        self.assertEqual(len(trend), months + 1)
        self.assertEqual(trend, sorted(trend, key=lambda point: point["date"]))
        self.assertFalse(trend[-1]["backfill"])

    def test_a_kam_sees_what_they_may_read(self):
        data = self.data(self.kam_user)
        self.assertTrue(data["health"])
        self.assertTrue(data["scorecard"])
        for section in SECTIONS:
            figures = data[section]
            if not figures:
                continue
            for figure in figures if isinstance(figures, list) else figures.get("kpis", []):
                with self.subTest(section=section, figure=figure["label"]):
                    self.records(figure, self.kam_user)  # no AccessError

    def test_nothing_for_users_without_kam_rights(self):
        portal = new_test_user(self.env, login="kam_cockpit_portal", groups="base.group_portal")
        for user in (self.salesman, portal):
            data = self.data(user)
            with self.subTest(user=user.login):
                self.assertFalse(any(data[section] for section in SECTIONS))
