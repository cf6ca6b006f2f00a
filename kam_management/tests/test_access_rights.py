from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KamCommon


@tagged("post_install", "-at_install")
class TestAccessRights(KamCommon):
    def test_kam_user_cannot_reassign_an_account(self):
        account = self.account.with_user(self.kam_user)
        with self.assertRaisesRegex(AccessError, "Only Key Account Managers"):
            account.kam_user_id = self.other_kam_user
        self.assertEqual(self.account.kam_user_id, self.kam_user)

    def test_kam_user_cannot_flag_strategic(self):
        with self.assertRaises(AccessError):
            self.make_strategic(self.other_account.with_user(self.kam_user))
        self.assertFalse(self.other_account.kam_is_strategic)

    def test_kam_user_cannot_change_tier_or_revenue_flag(self):
        account = self.account.with_user(self.kam_user)
        with self.assertRaises(AccessError):
            account.kam_tier = "a"
        with self.assertRaises(AccessError):
            account.kam_is_key_by_revenue = True

    def test_kam_user_cannot_change_values_through_a_contact(self):
        with self.assertRaises(AccessError):
            self.contact.with_user(self.kam_user).kam_user_id = self.other_kam_user

    def test_kam_user_cannot_create_an_account_with_a_kam(self):
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.kam_user).create(
                {"name": "Gamma", "is_company": True, "kam_user_id": self.kam_user.id}
            )

    def test_kam_user_edits_the_rest_of_the_account(self):
        account = self.account.with_user(self.kam_user)
        account.write({"phone": "+34 600 000 000", "kam_user_id": self.kam_user.id})
        self.assertEqual(self.account.phone, "+34 600 000 000")

    def test_kam_user_adds_a_contact_to_a_key_account(self):
        self.make_strategic(self.account)
        person = (
            self.env["res.partner"]
            .with_user(self.kam_user)
            .create({"name": "New Buyer", "parent_id": self.account.id})
        )
        self.assertTrue(person.kam_is_strategic)
        self.assertEqual(person.kam_user_id, self.kam_user)

    def test_plain_salesman_cannot_change_key_account_settings(self):
        with self.assertRaises(AccessError):
            self.account.with_user(self.salesman).kam_is_strategic = True

    def test_manager_reassigns_and_flags_strategic(self):
        account = self.account.with_user(self.kam_manager)
        account.kam_user_id = self.other_kam_user
        self.make_strategic(account)
        account.kam_tier = "a"
        self.assertEqual(self.account.kam_user_id, self.other_kam_user)
        self.assertTrue(self.account.kam_is_strategic)
        self.assertEqual(self.contact.kam_user_id, self.other_kam_user)

    def test_form_knows_who_may_manage(self):
        self.assertFalse(self.account.with_user(self.kam_user).kam_user_can_manage)
        self.assertTrue(self.account.with_user(self.kam_manager).kam_user_can_manage)

    def test_kam_user_is_a_salesman_and_manager_a_kam(self):
        self.assertTrue(self.kam_user.has_group("sales_team.group_sale_salesman"))
        self.assertTrue(self.kam_manager.has_group("kam_management.group_kam_user"))
        self.assertFalse(self.salesman.has_group("kam_management.group_kam_user"))
