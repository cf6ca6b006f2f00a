from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import KamCommon

KANBAN_SPEC = {
    "name": {},
    "city": {},
    "country_id": {"fields": {"display_name": {}}},
    "kam_tier": {},
    "kam_key_reason": {},
    "kam_is_strategic": {},
    "kam_user_id": {"fields": {"display_name": {}}},
    # the KAM's board (issue 15): revenue and its trend, share, health, plan,
    # gaps, tensions, next activity
    "kam_currency_id": {"fields": {}},
    "kam_revenue": {},
    "kam_revenue_trend": {},
    "kam_revenue_share": {},
    "kam_health_score": {},
    "kam_health_band": {},
    "kam_current_plan_id": {"fields": {}},
    "kam_plan_progress": {},
    "kam_gap_count": {},
    "kam_tension_open_count": {},
    "activity_state": {},
    "activity_ids": {"fields": {}},
}


@tagged("post_install", "-at_install")
class TestQueryCounts(KamCommon):
    """The key-account screens cost the same number of queries for 5 or 60 cards."""

    def _make_key_accounts(self, count):
        accounts = self.env["res.partner"].create(
            [{"name": f"Query account {i}", "is_company": True} for i in range(count)]
        )
        accounts.write(
            {
                "kam_user_id": self.kam_user.id,
                "kam_is_strategic": True,
                "kam_strategic_reason": "Reference",
                "kam_strategic_review_date": "2030-01-01",
            }
        )
        # every card shows all it can: a plan, a tension, a next activity, a scorecard
        plans = self.env["kam.account.plan"].create(
            [
                {"account_id": account.id, "date_start": "2026-01-01", "date_end": "2026-12-31"}
                for account in accounts
            ]
        )
        plans.action_activate()
        tension_type = self.env.ref("kam_management.kam_tension_type_delivery")
        self.env["kam.tension"].create(
            [
                {"name": "Late", "account_id": account.id, "type_id": tension_type.id}
                for account in accounts
            ]
        )
        for account in accounts:
            account.activity_schedule("mail.mail_activity_data_todo", user_id=self.kam_user.id)
        self.env["kam.scorecard.engine"]._score_company(self.env.company)
        return accounts

    def _queries(self, function):
        self.env.flush_all()
        # a cold transaction: no cached records, and no environment that still knows
        # its company (whether one does depends on the garbage collector)
        self.env.reset()
        before = self.env.cr.sql_log_count
        function()
        return self.env.cr.sql_log_count - before

    def _kanban(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.res_partner_action_key_account"
        )
        partners = self.env["res.partner"].with_user(self.kam_manager)
        # the accounts of this test only: demo accounts would change the page's data
        domain = [*safe_eval(action["domain"]), ("name", "=like", "Query account %")]
        return partners.web_search_read(domain, KANBAN_SPEC, limit=80)

    def test_kanban_queries_do_not_grow_with_the_cards(self):
        """5 cards and 80 cards (a full page) cost the same queries."""
        self._make_key_accounts(5)
        self._kanban()  # warm the caches of the first call
        few = self._queries(self._kanban)
        self._make_key_accounts(75)
        self._kanban()  # creating records clears some caches: warm them again
        many = self._queries(self._kanban)
        self.assertGreater(few, 0)
        # a full page (80 of 80) costs the pager one count of the records, whatever
        # the cards show
        self.assertEqual(many, few + 1)

    def test_figures_on_the_form_cost_one_query_for_any_number_of_partners(self):
        accounts = self._make_key_accounts(30)
        figures = ["kam_revenue", "kam_revenue_share", "kam_cumulative_share", "kam_revenue_rank"]
        accounts.read(figures)  # warm the caches
        one = self._queries(lambda: accounts[:1].read(figures))
        thirty = self._queries(lambda: accounts.read(figures))
        self.assertGreater(one, 0)
        self.assertEqual(one, thirty)
