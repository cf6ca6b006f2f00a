from odoo.tests import tagged

from .common import KamCommon


@tagged("post_install", "-at_install")
class TestSaleOrder(KamCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Consulting day", "type": "service", "list_price": 800.0}
        )
        cls.account.kam_is_key_by_revenue = True

    def _order(self, partner):
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": 2}),
                ],
            }
        )

    def test_order_of_a_contact_shows_its_key_account_and_kam(self):
        order = self._order(self.contact)
        self.assertTrue(order.kam_is_key_account)
        self.assertEqual(order.kam_user_id, self.kam_user)
        self.assertFalse(self._order(self.other_account).kam_is_key_account)

    def test_order_follows_changes_of_the_account(self):
        order = self._order(self.other_account)
        self.other_account.write(
            {"kam_is_key_by_revenue": True, "kam_user_id": self.other_kam_user.id}
        )
        self.assertTrue(order.kam_is_key_account)
        self.assertEqual(order.kam_user_id, self.other_kam_user)
        # stored, hence searchable and usable in reports
        self.env.flush_all()
        self.assertIn(order, self.env["sale.order"].search([("kam_is_key_account", "=", True)]))

    def test_sales_report_groups_by_kam(self):
        self._order(self.contact).action_confirm()
        self._order(self.other_account).action_confirm()
        self.env.flush_all()
        groups = dict(
            self.env["sale.report"]._read_group(
                [("partner_id", "in", (self.contact | self.other_account).ids)],
                ["kam_is_key_account"],
                ["price_subtotal:sum"],
            )
        )
        self.assertAlmostEqual(groups[True], 1600.0)
        self.assertAlmostEqual(groups[False], 1600.0)
        by_kam = self.env["sale.report"]._read_group(
            [("kam_user_id", "=", self.kam_user.id)], [], ["__count"]
        )
        self.assertEqual(by_kam[0][0], 1)

    def test_an_order_confirmed_before_the_install_counts_as_confirmed_when_cancelled(self):
        order = self._order(self.contact)
        order.action_confirm()
        self.env.flush_all()
        # confirmed before the addon was installed: no confirmation date was kept
        self.env.cr.execute(
            "UPDATE sale_order SET kam_confirmed_date = NULL WHERE id = %s", [order.id]
        )
        order.invalidate_recordset()
        order._action_cancel()
        self.assertEqual(order.kam_confirmed_date, order.date_order)
        self.assertTrue(order.kam_cancelled_date)
        # a quotation never confirmed stays unconfirmed
        quotation = self._order(self.contact)
        quotation._action_cancel()
        self.assertFalse(quotation.kam_confirmed_date)
