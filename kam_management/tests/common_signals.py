from datetime import timedelta

from odoo import Command, fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import new_test_user


class KamSignalsCommon(AccountTestInvoicingCommon):
    """A company of its own (with a chart of accounts), key accounts decided by a
    manager, and helpers that write invoices, payments and orders on given days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        # the accountant of the invoicing tests decides the key accounts too
        cls.env.user.groups_id += cls.env.ref("kam_management.group_kam_manager")
        cls.today = cls.company._kam_today()

        def user(login, groups):
            return new_test_user(
                cls.env,
                login=login,
                groups=f"base.group_user,{groups}",
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
            )

        cls.kam_manager = user("kam_signals_manager", "kam_management.group_kam_manager")
        cls.kam_user = user("kam_signals_kam", "kam_management.group_kam_user")
        cls.other_kam = user("kam_signals_other_kam", "kam_management.group_kam_user")
        cls.salesman = user("kam_signals_salesman", "sales_team.group_sale_salesman")
        cls.category_x = cls.env["product.category"].create({"name": "Valves"})
        cls.category_y = cls.env["product.category"].create({"name": "Pumps"})
        cls.product_x = cls.env["product.product"].create(
            {"name": "Valve", "categ_id": cls.category_x.id, "list_price": 100}
        )
        cls.product_y = cls.env["product.product"].create(
            {"name": "Pump", "categ_id": cls.category_y.id, "list_price": 100}
        )

    def key_account(self, name, kam=None):
        account = self.env["res.partner"].create({"name": name, "is_company": True})
        account.write(
            {
                "kam_key_override": "key",
                "kam_key_override_reason": "Decided in the test",
                "kam_user_id": (kam or self.kam_user).id,
            }
        )
        return account

    def day(self, days_ago):
        return self.today - timedelta(days=days_ago)

    def invoice(self, account, days_ago, amount, due_days=30, product=None, refund=False):
        move = self.env["account.move"].create(
            {
                "move_type": "out_refund" if refund else "out_invoice",
                "partner_id": account.id,
                "invoice_date": self.day(days_ago),
                "invoice_date_due": self.day(days_ago - due_days),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": (product or self.product_x).id,
                            "price_unit": amount,
                            "quantity": 1,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    def pay(self, invoice, days_ago):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": self.day(days_ago)}).action_create_payments()

    def check(self, company=None):
        return self.env["kam.signal.engine"]._check_company(company or self.company)

    def signals(self, account, rule=None, state="open"):
        domain = [("account_id", "=", account.id), ("state", "=", state)]
        if rule:
            domain.append(("rule", "=", rule))
        return self.env["kam.signal"].search(domain)

    def health(self, account):
        return self.env["kam.account.health"].search(
            [("account_id", "=", account.id), ("is_current", "=", True)]
        )

    @classmethod
    def today_str(cls):
        return fields.Date.to_string(cls.today)
