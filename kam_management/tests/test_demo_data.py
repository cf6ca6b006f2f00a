from unittest import SkipTest

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo must look like a real customer base (installed with demo data)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.ref("kam_management.demo_account_01", raise_if_not_found=False):
            raise SkipTest("kam_management was installed without demo data")
        cls.accounts = cls.env["res.partner"].browse(
            [cls.env.ref(f"kam_management.demo_account_{i:02d}").id for i in range(1, 41)]
        )

    def _invoiced_revenue(self):
        groups = self.env["account.move"]._read_group(
            [
                ("commercial_partner_id", "in", self.accounts.ids),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ],
            ["commercial_partner_id"],
            ["amount_untaxed_signed:sum"],
        )
        return dict(groups)

    def test_every_account_has_contacts_and_invoices(self):
        revenue = self._invoiced_revenue()
        self.assertEqual(len(revenue), 40)
        self.assertTrue(all(amount > 0 for amount in revenue.values()))
        self.assertTrue(all(account.child_ids for account in self.accounts))

    def test_history_covers_eighteen_months_of_confirmed_orders(self):
        orders = self.env["sale.order"].search(
            [("partner_id", "child_of", self.accounts.ids), ("state", "=", "sale")]
        )
        self.assertGreater(len(orders), 100)
        dates = orders.mapped("date_order")
        self.assertGreater((max(dates) - min(dates)).days, 16 * 30)

    def test_a_handful_of_accounts_carry_most_revenue(self):
        amounts = sorted(self._invoiced_revenue().values(), reverse=True)
        top_fifth = sum(amounts[:8]) / sum(amounts)
        self.assertGreater(top_fifth, 0.65)

    def test_key_accounts_kams_and_strategic_accounts(self):
        key = self.accounts.filtered("kam_is_key_account")
        self.assertGreaterEqual(len(key), 10)
        self.assertGreaterEqual(len(self.accounts.filtered("kam_is_strategic")), 3)
        self.assertTrue(all(account.kam_user_id for account in key))
        kams = self.env["res.users"].search(
            [("groups_id", "in", self.env.ref("kam_management.group_kam_user").id)]
        )
        self.assertGreaterEqual(len(kams), 4)
        self.assertTrue(
            self.env.ref("kam_management.demo_user_kam_manager").has_group(
                "kam_management.group_kam_manager"
            )
        )
