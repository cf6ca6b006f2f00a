import itertools
from unittest.mock import patch

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from ..tools.classification import OVERRIDES
from .common import KamCommon

CLASSIFICATION_VALUES = {
    "kam_is_key_account": [True, False],
    "kam_key_reason": ["revenue", "strategic", "both", "manual", False],
    "kam_is_key_by_revenue": [True, False],
    "kam_tier": ["a", "b", False],
}


@tagged("post_install", "-at_install")
class TestClassificationInSql(KamCommon):
    """Searching, grouping and sorting by the classification (SQL) gives what
    reading it gives (Python), for partners, sales orders and the Sales Analysis,
    in each company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "KAM SQL Company B"})
        cls.kam_b = new_test_user(
            cls.env,
            login="kam_sql_b",
            groups="base.group_user,kam_management.group_kam_user",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        Partner = cls.env["res.partner"]
        Figure = cls.env["kam.account.figure"]
        cls.accounts = Partner
        # every combination of a decision, a strategic flag and a ranking row
        for number, (override, strategic, ranking) in enumerate(
            itertools.product(OVERRIDES, (False, True), (None, "a-key", "b"))
        ):
            account = Partner.create({"name": f"SQL account {number}", "is_company": True})
            Partner.create({"name": f"Buyer {number}", "parent_id": account.id})
            values = {"kam_user_id": cls.kam_user.id if number % 2 else False}
            if override:
                values |= {"kam_key_override": override, "kam_key_override_reason": "Because"}
            if strategic:
                values |= {
                    "kam_is_strategic": True,
                    "kam_strategic_reason": "Market",
                    "kam_strategic_review_date": "2030-01-01",
                }
            account.write(values)
            if ranking:
                Figure.create(
                    {
                        "company_id": cls.company_a.id,
                        "partner_id": account.id,
                        "tier": ranking[0],
                        "is_key": ranking.endswith("key"),
                        "revenue": 100,
                    }
                )
            cls.accounts |= account
        # company B: the first accounts are key there by revenue, nothing else
        for account in cls.accounts[:6]:
            Figure.create(
                {
                    "company_id": cls.company_b.id,
                    "partner_id": account.id,
                    "tier": "a",
                    "is_key": True,
                }
            )
            account.with_company(cls.company_b).kam_user_id = cls.kam_b
        cls.partners = cls.accounts | cls.accounts.child_ids

    def test_partner_searches_match_what_partners_read(self):
        for company in (self.company_a, self.company_b):
            partners = self.partners.with_company(company)
            Partner = self.env["res.partner"].with_company(company)
            for fname, values in CLASSIFICATION_VALUES.items():
                for value in values:
                    with self.subTest(company=company.name, field=fname, value=value):
                        expected = partners.filtered(lambda p, f=fname, v=value: p[f] == v)
                        found = Partner.search([("id", "in", partners.ids), (fname, "=", value)])
                        self.assertEqual(found, expected)
                        found = Partner.search([("id", "in", partners.ids), (fname, "!=", value)])
                        self.assertEqual(found, partners - expected)

    def test_partner_groups_and_order_match_what_partners_read(self):
        partners = self.partners.with_company(self.company_a)
        Partner = self.env["res.partner"]
        for fname in CLASSIFICATION_VALUES:
            groups = Partner._read_group([("id", "in", partners.ids)], [fname], ["id:recordset"])
            for value, members in groups:
                with self.subTest(field=fname, value=value):
                    self.assertEqual(
                        members, partners.filtered(lambda p, f=fname, v=value: p[f] == v)
                    )
            ordered = Partner.search([("id", "in", partners.ids)], order=f"{fname} desc, id")
            self.assertEqual(set(ordered.ids), set(partners.ids))

    def test_key_accounts_menu_lists_exactly_the_key_accounts(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.res_partner_action_key_account"
        )
        found = self.env["res.partner"].search(safe_eval(action["domain"]))
        self.assertEqual(
            found & self.partners, self.accounts.filtered("kam_is_key_account"), "no contact"
        )

    def _orders(self):
        product = self.env["product.product"].create({"name": "Service", "type": "service"})
        orders = self.env["sale.order"]
        for company in (self.company_a, self.company_b):
            for buyer in self.accounts.child_ids[:8]:
                orders |= (
                    self.env["sale.order"]
                    .with_company(company)
                    .create(
                        {
                            "partner_id": buyer.id,
                            "company_id": company.id,
                            "order_line": [fields.Command.create({"product_id": product.id})],
                        }
                    )
                )
        orders.action_confirm()
        return orders

    def test_orders_in_sql_match_what_orders_read_in_both_companies(self):
        orders = self._orders()
        Order = self.env["sale.order"].with_context(allowed_company_ids=orders.company_id.ids)
        kams = [self.kam_user.id, self.kam_b.id, False]
        for fname, values in (("kam_is_key_account", [True, False]), ("kam_user_id", kams)):
            for value in values:
                with self.subTest(field=fname, value=value):
                    expected = orders.filtered(lambda o, f=fname, v=value: (o[f].id if
                                               f == "kam_user_id" else o[f]) == v)  # fmt: skip
                    found = Order.search([("id", "in", orders.ids), (fname, "=", value)])
                    self.assertEqual(found, expected)
            groups = Order._read_group([("id", "in", orders.ids)], [fname], ["id:recordset"])
            for value, members in groups:
                self.assertEqual(members, orders.filtered(lambda o, f=fname, v=value: o[f] == v))
        key_here = orders.filtered(lambda o: o.partner_id.parent_id == self.accounts[0])
        self.assertEqual(
            key_here.mapped("kam_is_key_account"),
            [False, True],
            "the first account is key in company B only",
        )

    def test_sales_analysis_by_kam_today_and_at_confirmation(self):
        orders = self._orders()
        self.env.flush_all()
        Report = self.env["sale.report"].with_context(allowed_company_ids=orders.company_id.ids)
        domain = [("partner_id", "in", orders.partner_id.ids)]
        for fname in ("kam_is_key_account", "kam_user_id", "kam_confirmed_user_id"):
            groups = dict(Report._read_group(domain, [fname], ["__count"]))
            expected = {}
            for order in orders:
                value = order[fname]
                expected[value] = expected.get(value, 0) + 1
            self.assertEqual(groups, expected, fname)

    def test_a_new_kam_changes_no_order_row_and_keeps_the_confirming_kam(self):
        orders = self._orders()
        account = self.accounts[1]
        mine = orders.filtered(
            lambda o: (
                o.partner_id.commercial_partner_id == account and o.company_id == self.company_a
            )
        )
        self.assertEqual(mine.kam_confirmed_user_id, self.kam_user)
        self.env.flush_all()
        statements = []
        original_execute = type(self.env.cr).execute

        def execute(cr, query, params=None, log_exceptions=True):
            statements.append(str(query))
            return original_execute(cr, query, params, log_exceptions)

        with patch.object(type(self.env.cr), "execute", execute):
            account.kam_user_id = self.other_kam_user
            self.env.flush_all()
        self.assertFalse([q for q in statements if "UPDATE \"sale_order\"" in q or
                          "UPDATE sale_order" in q])  # fmt: skip
        self.assertEqual(mine.kam_user_id, self.other_kam_user, "the KAM of today")
        self.assertEqual(mine.kam_confirmed_user_id, self.kam_user, "whom the sale counts for")

    def test_grouping_key_accounts_costs_the_same_queries_for_5_or_60(self):
        Partner = self.env["res.partner"].with_user(self.kam_manager)

        def group():
            self.env.flush_all()
            self.env.reset()
            before = self.env.cr.sql_log_count
            for groupby in ("kam_tier", "kam_user_id", "kam_key_reason"):
                Partner.web_read_group([("kam_is_key_account", "=", True)], ["id:count"], [groupby])
            return self.env.cr.sql_log_count - before

        group()
        few = group()
        more = self.env["res.partner"].create(
            [{"name": f"More {i}", "is_company": True} for i in range(55)]
        )
        more.write({"kam_key_override": "key", "kam_key_override_reason": "Growth"})
        group()
        self.assertEqual(group(), few)
