from odoo.tests import TransactionCase, new_test_user


class KamCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kam_manager = new_test_user(
            cls.env,
            login="kam_test_manager",
            name="KAM Manager",
            groups="base.group_user,kam_management.group_kam_manager",
        )
        cls.kam_user = new_test_user(
            cls.env,
            login="kam_test_user",
            name="KAM User",
            groups="base.group_user,kam_management.group_kam_user",
        )
        cls.other_kam_user = new_test_user(
            cls.env,
            login="kam_test_user_2",
            name="Second KAM",
            groups="base.group_user,kam_management.group_kam_user",
        )
        cls.salesman = new_test_user(
            cls.env,
            login="kam_test_salesman",
            name="Plain Salesman",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        cls.account = cls.env["res.partner"].create(
            {"name": "Acme Industrial", "is_company": True, "kam_user_id": cls.kam_user.id}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Pilar Acme", "parent_id": cls.account.id}
        )
        cls.other_account = cls.env["res.partner"].create(
            {"name": "Beta Logistics", "is_company": True}
        )

    def make_strategic(self, partner):
        partner.write(
            {
                "kam_is_strategic": True,
                "kam_strategic_reason": "Door opener to a new market",
                "kam_strategic_review_date": "2030-01-31",
            }
        )
