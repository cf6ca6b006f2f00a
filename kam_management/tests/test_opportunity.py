from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KamCommon


@tagged("post_install", "-at_install")
class TestOpportunityStakeholders(KamCommon):
    """On an opportunity of a key account, its map is visible and roles are recorded."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.champion = cls.env.ref("kam_management.stakeholder_role_champion")
        cls.stakeholder = cls.env["kam.stakeholder"].create(
            {"account_id": cls.account.id, "contact_id": cls.contact.id}
        )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Renewal 2027",
                "type": "opportunity",
                "partner_id": cls.contact.id,
                "user_id": cls.kam_user.id,
            }
        )

    def test_account_map_is_visible_on_the_opportunity(self):
        lead = self.lead.with_user(self.kam_user)
        self.assertEqual(lead.kam_stakeholder_ids, self.stakeholder)
        other = self.env["crm.lead"].create(
            {"name": "Other", "type": "opportunity", "partner_id": self.other_account.id}
        )
        self.assertFalse(other.kam_stakeholder_ids)

    def test_role_per_opportunity_contact_and_link_to_the_map(self):
        buyer = self.env["res.partner"].create({"name": "New buyer", "parent_id": self.account.id})
        lead = self.lead.with_user(self.kam_user)
        lead.kam_opportunity_contact_ids = [
            (0, 0, {"contact_id": self.contact.id, "role_ids": [(6, 0, self.champion.ids)]}),
            (0, 0, {"contact_id": buyer.id, "role_ids": [(6, 0, self.champion.ids)]}),
        ]
        known, new = lead.kam_opportunity_contact_ids.sorted("id")
        self.assertEqual(known.stakeholder_id, self.stakeholder)
        self.assertFalse(new.stakeholder_id)
        new.action_add_to_account_map()
        self.assertEqual(new.stakeholder_id.account_id, self.account)
        self.assertEqual(new.stakeholder_id.role_ids, self.champion)
        self.assertEqual(self.account.kam_stakeholder_ids.contact_id, self.contact | buyer)

    def test_a_person_archived_from_the_map_comes_back(self):
        self.stakeholder.active = False
        lead = self.lead.with_user(self.kam_user)
        lead.kam_opportunity_contact_ids = [
            (0, 0, {"contact_id": self.contact.id, "role_ids": [(6, 0, self.champion.ids)]}),
        ]
        person = lead.kam_opportunity_contact_ids
        self.assertFalse(person.stakeholder_id)
        person.action_add_to_account_map()
        self.assertEqual(person.stakeholder_id, self.stakeholder)
        self.assertTrue(self.stakeholder.active)
        self.assertIn(self.champion, self.stakeholder.role_ids)

    def test_sales_users_without_kam_rights_do_not_see_the_maps(self):
        with self.assertRaises(AccessError):
            self.env["kam.opportunity.contact"].with_user(self.salesman).search([])
