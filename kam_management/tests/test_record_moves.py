from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KamCommon


@tagged("post_install", "-at_install")
class TestRecordMoves(KamCommon):
    """A KAM cannot move their records onto another KAM's account, nor reach the
    buying roles of deals they cannot open."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_account.kam_user_id = cls.other_kam_user
        cls.other_person = cls.env["res.partner"].create(
            {"name": "Beta Buyer", "parent_id": cls.other_account.id}
        )
        cls.stakeholder = cls.env["kam.stakeholder"].create(
            {"account_id": cls.account.id, "contact_id": cls.contact.id}
        )
        Plan = cls.env["kam.account.plan"]
        cls.plan = Plan.create(
            {"account_id": cls.account.id, "date_start": "2026-01-01", "date_end": "2026-12-31"}
        )
        cls.others_plan = Plan.create(
            {
                "account_id": cls.other_account.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
            }
        )
        cls.objective = cls.env["kam.account.plan.objective"].create(
            {"plan_id": cls.plan.id, "name": "Audit", "metric": "manual", "target": 1}
        )

    def test_a_stakeholder_cannot_be_moved_onto_another_kams_account(self):
        with self.assertRaises(AccessError):
            self.stakeholder.with_user(self.kam_user).write(
                {"account_id": self.other_account.id, "contact_id": self.other_person.id}
            )
        self.assertEqual(self.stakeholder.account_id, self.account)

    def test_a_plan_cannot_be_moved_onto_another_kams_account(self):
        with self.assertRaises(AccessError):
            self.plan.with_user(self.kam_user).account_id = self.other_account
        self.assertEqual(self.plan.account_id, self.account)

    def test_an_objective_cannot_be_moved_into_another_kams_plan(self):
        with self.assertRaises(AccessError):
            self.objective.with_user(self.kam_user).plan_id = self.others_plan
        self.assertEqual(self.objective.plan_id, self.plan)

    def test_moving_within_ones_own_accounts_is_fine(self):
        second = self.env["res.partner"].create(
            {"name": "Gamma", "is_company": True, "kam_user_id": self.kam_user.id}
        )
        self.plan.with_user(self.kam_user).account_id = second
        self.assertEqual(self.plan.account_id, second)

    def test_buying_roles_follow_the_opportunity(self):
        colleague_lead = self.env["crm.lead"].create(
            {
                "name": "Colleague's deal",
                "type": "opportunity",
                "partner_id": self.other_account.id,
                "user_id": self.other_kam_user.id,
            }
        )
        role = self.env["kam.opportunity.contact"].create(
            {"lead_id": colleague_lead.id, "contact_id": self.other_person.id}
        )
        Role = self.env["kam.opportunity.contact"].with_user(self.kam_user)
        self.assertFalse(Role.search([("lead_id", "=", colleague_lead.id)]))
        self.assertFalse(Role.search_count([]))
        for attempt in (
            lambda: role.with_user(self.kam_user).read(["contact_id", "account_id"]),
            lambda: role.with_user(self.kam_user).write({"role_ids": [(5, 0, 0)]}),
            lambda: role.with_user(self.kam_user).unlink(),
            lambda: Role.create({"lead_id": colleague_lead.id, "contact_id": self.contact.id}),
        ):
            with self.subTest(attempt=attempt), self.assertRaises(AccessError):
                attempt()
        # the colleague and managers keep them
        self.assertEqual(role.with_user(self.other_kam_user).contact_id, self.other_person)
        self.assertEqual(role.with_user(self.kam_manager).contact_id, self.other_person)
