from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KamCommon


@tagged("post_install", "-at_install")
class TestSpanishTranslation(KamCommon):
    """Spanish is a first-class language of the addon."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("es_ES")
        cls.env["ir.module.module"]._load_module_terms(["kam_management"], ["es_ES"])

    def test_field_labels_in_spanish(self):
        partner_es = self.env["res.partner"].with_context(lang="es_ES")
        labels = partner_es.fields_get(["kam_tier", "kam_user_id", "kam_is_strategic"], ["string"])
        self.assertEqual(labels["kam_tier"]["string"], "Nivel")
        self.assertEqual(labels["kam_is_strategic"]["string"], "Cuenta estratégica")
        selection = dict(partner_es.fields_get(["kam_key_reason"])["kam_key_reason"]["selection"])
        self.assertEqual(selection["revenue"], "Facturación")

    def test_error_for_a_kam_user_in_spanish(self):
        self.kam_user.lang = "es_ES"
        account = self.account.with_user(self.kam_user).with_context(lang="es_ES")
        with self.assertRaisesRegex(AccessError, "Solo los responsables de cuentas clave"):
            account.kam_user_id = self.other_kam_user

    def test_menu_in_spanish(self):
        menu = self.env.ref("kam_management.res_partner_menu_key_account").with_context(
            lang="es_ES"
        )
        self.assertEqual(menu.name, "Cuentas clave")
