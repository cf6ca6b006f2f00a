from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import KamCommon


@tagged("post_install", "-at_install")
class TestMultiCompanyDecisions(KamCommon):
    """A customer shared by two companies is decided about by each of them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "KAM Sister B"})
        cls.shared = cls.env["res.partner"].create({"name": "Shared Customer", "is_company": True})
        cls.buyer = cls.env["res.partner"].create({"name": "Buyer", "parent_id": cls.shared.id})
        both = [(6, 0, (cls.company_a | cls.company_b).ids)]
        cls.kam_a = new_test_user(
            cls.env,
            login="kam_mc_a",
            groups="base.group_user,kam_management.group_kam_user",
            company_ids=both,
        )
        cls.kam_b = new_test_user(
            cls.env,
            login="kam_mc_b",
            groups="base.group_user,kam_management.group_kam_user",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.manager_a = new_test_user(
            cls.env,
            login="kam_mc_manager_a",
            groups="base.group_user,kam_management.group_kam_manager",
            company_ids=[(6, 0, cls.company_a.ids)],
        )
        cls.product = cls.env["product.product"].create({"name": "Service", "type": "service"})

    def in_company(self, company, user=None):
        partner = self.shared.with_company(company)
        return partner.with_user(user) if user else partner

    def order(self, company):
        return (
            self.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": self.buyer.id,
                    "company_id": company.id,
                    "order_line": [fields.Command.create({"product_id": self.product.id})],
                }
            )
        )

    def test_decisions_of_one_company_leave_the_other_alone(self):
        order_a, order_b = self.order(self.company_a), self.order(self.company_b)
        self.in_company(self.company_a, self.manager_a).write(
            {
                "kam_user_id": self.kam_a.id,
                "kam_is_strategic": True,
                "kam_strategic_reason": "Reference in A's market",
                "kam_strategic_review_date": "2030-01-01",
            }
        )
        self.in_company(self.company_b).write(
            {
                "kam_user_id": self.kam_b.id,
                "kam_key_override": "not_key",
                "kam_key_override_reason": "B does not care",
            }
        )
        a, b = self.in_company(self.company_a), self.in_company(self.company_b)
        self.assertEqual((a.kam_user_id, b.kam_user_id), (self.kam_a, self.kam_b))
        self.assertEqual((a.kam_is_strategic, b.kam_is_strategic), (True, False))
        self.assertEqual((a.kam_is_key_account, b.kam_is_key_account), (True, False))
        self.assertEqual(self.buyer.with_company(self.company_a).kam_user_id, self.kam_a)
        self.assertEqual(self.buyer.with_company(self.company_b).kam_user_id, self.kam_b)
        self.assertEqual((order_a.kam_user_id, order_b.kam_user_id), (self.kam_a, self.kam_b))
        self.assertEqual((order_a.kam_is_key_account, order_b.kam_is_key_account), (True, False))
        gaps = self.env["kam.relationship.gap"].search([("account_id", "=", self.shared.id)])
        self.assertEqual(gaps.company_id, self.company_a)
        self.assertEqual(set(gaps.kam_user_id.ids), {self.kam_a.id})

    def test_a_manager_decides_only_in_the_companies_they_may_access(self):
        with self.assertRaises(AccessError):
            self.in_company(self.company_b, self.manager_a).write({"kam_user_id": self.kam_a.id})
        self.assertFalse(self.in_company(self.company_b).kam_user_id)

    def test_the_kam_of_one_company_edits_the_shared_map_only_there(self):
        self.in_company(self.company_b).kam_user_id = self.kam_b
        stakeholder = self.env["kam.stakeholder"].create(
            {"account_id": self.shared.id, "contact_id": self.buyer.id}
        )
        plan_a = self.env["kam.account.plan"].create(
            {
                "account_id": self.shared.id,
                "company_id": self.company_a.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
            }
        )
        stakeholder.with_user(self.kam_b).strength = 5
        with self.assertRaises(AccessError):
            stakeholder.with_user(self.kam_a).strength = 1
        with self.assertRaises(AccessError):
            plan_a.with_user(self.kam_a).revenue_target = 10
        self.in_company(self.company_a).kam_user_id = self.kam_a
        plan_a.with_user(self.kam_a).revenue_target = 10
        self.assertEqual(plan_a.kam_user_id, self.kam_a)
