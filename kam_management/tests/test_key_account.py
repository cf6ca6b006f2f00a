from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import KamCommon


@tagged("post_install", "-at_install")
class TestKeyAccount(KamCommon):
    def test_not_key_by_default(self):
        self.assertFalse(self.other_account.kam_is_key_account)
        self.assertFalse(self.other_account.kam_key_reason)

    def test_key_by_revenue(self):
        self.other_account.kam_is_key_by_revenue = True
        self.assertTrue(self.other_account.kam_is_key_account)
        self.assertEqual(self.other_account.kam_key_reason, "revenue")

    def test_key_because_strategic(self):
        self.make_strategic(self.other_account)
        self.assertTrue(self.other_account.kam_is_key_account)
        self.assertEqual(self.other_account.kam_key_reason, "strategic")

    def test_key_for_both_reasons_then_neither(self):
        self.make_strategic(self.other_account)
        self.other_account.kam_is_key_by_revenue = True
        self.assertEqual(self.other_account.kam_key_reason, "both")
        self.other_account.write({"kam_is_strategic": False, "kam_is_key_by_revenue": False})
        self.assertFalse(self.other_account.kam_is_key_account)
        self.assertFalse(self.other_account.kam_key_reason)

    def test_strategic_needs_reason(self):
        with self.assertRaisesRegex(ValidationError, "give the reason"):
            self.other_account.write(
                {"kam_is_strategic": True, "kam_strategic_review_date": "2030-01-31"}
            )

    def test_strategic_needs_a_real_reason_not_blanks(self):
        with self.assertRaises(ValidationError):
            self.other_account.write(
                {
                    "kam_is_strategic": True,
                    "kam_strategic_reason": "   ",
                    "kam_strategic_review_date": "2030-01-31",
                }
            )

    def test_strategic_needs_review_date(self):
        with self.assertRaises(ValidationError):
            self.other_account.write(
                {"kam_is_strategic": True, "kam_strategic_reason": "Showcase customer"}
            )

    def test_removing_the_reason_of_a_strategic_account_is_refused(self):
        self.make_strategic(self.other_account)
        with self.assertRaises(ValidationError):
            self.other_account.kam_strategic_reason = False
        self.assertEqual(self.other_account.kam_strategic_reason, "Door opener to a new market")

    def test_kam_must_be_a_kam_user(self):
        with self.assertRaisesRegex(ValidationError, "Key Account Management / User"):
            self.other_account.kam_user_id = self.salesman
        self.other_account.kam_user_id = self.other_kam_user
        self.assertEqual(self.other_account.kam_user_id, self.other_kam_user)

    def test_contacts_show_their_company_values(self):
        self.make_strategic(self.account)
        self.account.write({"kam_tier": "a", "kam_is_key_by_revenue": True})
        for fname in ("kam_user_id", "kam_is_strategic", "kam_strategic_reason", "kam_tier"):
            self.assertEqual(self.contact[fname], self.account[fname], fname)
        self.assertTrue(self.contact.kam_is_key_account)
        self.assertEqual(self.contact.kam_key_reason, "both")

    def test_new_contact_takes_its_company_values(self):
        self.account.kam_tier = "b"
        person = self.env["res.partner"].create(
            {"name": "New Person", "parent_id": self.account.id}
        )
        self.assertEqual(person.kam_user_id, self.kam_user)
        self.assertEqual(person.kam_tier, "b")

    def test_key_accounts_action_lists_companies_not_contacts(self):
        self.account.kam_is_key_by_revenue = True
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.res_partner_action_key_account"
        )
        found = self.env["res.partner"].search(safe_eval(action["domain"]))
        self.assertIn(self.account, found)
        self.assertNotIn(self.contact, found)
        self.assertNotIn(self.other_account, found)
