from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestKeyAccountsUi(HttpCase):
    def test_key_accounts_tour(self):
        """A KAM manager opens the Key Accounts menu and an account's Key Account tab."""
        self.start_tour("/odoo", "kam_key_accounts_tour", login="admin")
