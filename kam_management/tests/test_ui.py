from odoo import fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestKeyAccountsUi(HttpCase):
    def test_key_accounts_tour(self):
        """A KAM manager opens the Key Accounts menu and an account's Key Account tab."""
        self.start_tour("/odoo", "kam_key_accounts_tour", login="admin")

    def test_kam_user_tour(self):
        """A KAM sees their own accounts and cannot reassign them."""
        self.start_tour("/odoo", "kam_key_accounts_kam_user_tour", login="marco")

    def test_concentration_tour(self):
        """A manager reads the concentration history and the Pareto chart."""
        self.start_tour("/odoo", "kam_concentration_tour", login="admin")

    def test_opportunity_tour(self):
        """A KAM sees the account's map and the deal's buying roles on an opportunity."""
        self.start_tour("/odoo", "kam_opportunity_tour", login="marco")

    def test_account_plan_tour(self):
        """A KAM opens the plan of an account: objectives measured, factor X, SWOT."""
        started = fields.Datetime.now()
        self.start_tour("/odoo", "kam_account_plan_tour", login="marco")
        plan = self.env["kam.account.plan"].search(
            [("account_id.name", "=", "Grupo Alimentario Iberia"), ("state", "=", "active")]
        )
        self.assertGreaterEqual(plan.measured_date, started, "Update Figures measured the plan")

    def test_plans_to_watch_tour(self):
        """A manager sees the stale and at-risk plans."""
        self.start_tour("/odoo", "kam_plans_to_watch_tour", login="admin")

    def test_workload_tour(self):
        """A manager reads the Workload board and hands an account over from it."""
        self.start_tour("/odoo", "kam_workload_tour", login="admin")
        account = self.env["res.partner"].search([("name", "=", "Startup Hidrógeno Verde")])
        javier = self.env["res.users"].search([("login", "=", "javier")])
        marco = self.env["res.users"].search([("login", "=", "marco")])
        self.assertEqual(account.kam_user_id, javier)
        self.assertIn(marco.partner_id, account.message_partner_ids, "Marco follows in transition")
        self.assertIn(javier.partner_id, account.message_partner_ids)
        dossier = account.message_ids.filtered(lambda message: "Handover of" in message.body)
        self.assertEqual(len(dossier), 1, "the dossier is on the account's chatter")

    def test_tension_tour(self):
        """A KAM takes a tension from the kanban to resolved, and finds it on the account."""
        self.start_tour(
            "/odoo/action-kam_management.kam_tension_action", "kam_tension_tour", login="marco"
        )
        tension = self.env["kam.tension"].search([("name", "=", "New price list contested")])
        self.assertEqual(tension.state, "resolved")
        self.assertIn("two-year contract", tension.resolution)

    def test_whitespace_tour(self):
        """A KAM turns a whitespace cell of the grid into an opportunity."""
        self.start_tour(
            "/odoo/action-kam_management.kam_whitespace_action_grid",
            "kam_whitespace_tour",
            login="marco",
        )
        account = self.env["res.partner"].search([("name", "=", "Lácteos de Asturias")])
        cell = self.env["kam.whitespace"].search(
            [("account_id", "=", account.id), ("categ_id.name", "=", "After-sales Services")]
        )
        self.assertEqual(cell.lead_id.partner_id, account)
        self.assertEqual(cell.lead_id.expected_revenue, cell.expected_revenue)
        self.assertEqual(cell.lead_id.user_id.login, "marco")


@tagged("post_install", "-at_install")
class TestKamDayUi(HttpCase):
    """The KAM's board, the manager's scorecard matrix and cockpit (issue 15)."""

    def test_kam_board_tour(self):
        """A KAM starts on their own accounts and reads an account's scorecard."""
        self.start_tour("/odoo", "kam_board_tour", login="marco")

    def test_scorecard_matrix_tour(self):
        """A manager sorts the matrix of accounts x functions and keeps one KAM."""
        self.start_tour("/odoo", "kam_scorecard_matrix_tour", login="admin")

    def test_cockpit_tour_in_spanish(self):
        """A manager working in Spanish reads the cockpit and opens what is behind it."""
        self.start_tour("/odoo", "kam_cockpit_tour_es", login="lucia")
