from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import KamCommon


@tagged("post_install", "-at_install")
class TestStakeholder(KamCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Stakeholder = cls.env["kam.stakeholder"]
        cls.boss = cls.env["res.partner"].create({"name": "Boss Acme", "parent_id": cls.account.id})
        cls.decision_maker = cls.env.ref("kam_management.stakeholder_role_decision_maker")
        cls.boss_stakeholder = cls.Stakeholder.create(
            {
                "account_id": cls.account.id,
                "contact_id": cls.boss.id,
                "role_ids": [(6, 0, cls.decision_maker.ids)],
                "influence": "high",
            }
        )
        cls.pilar_stakeholder = cls.Stakeholder.create(
            {
                "account_id": cls.account.id,
                "contact_id": cls.contact.id,
                "reports_to_id": cls.boss_stakeholder.id,
            }
        )

    def test_roles_are_seeded(self):
        roles = self.env["kam.stakeholder.role"].search([])
        self.assertGreaterEqual(len(roles), 9)
        self.assertIn("Champion", roles.mapped("name"))

    def test_a_person_is_once_on_the_map_of_an_account(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.Stakeholder.create({"account_id": self.account.id, "contact_id": self.boss.id})

    def test_reports_to_cannot_go_round(self):
        with self.assertRaises(ValidationError):
            self.boss_stakeholder.reports_to_id = self.pilar_stakeholder

    def test_reports_to_someone_of_the_same_account(self):
        other = self.Stakeholder.create(
            {
                "account_id": self.other_account.id,
                "contact_id": self.env["res.partner"].create({"name": "Beta person"}).id,
            }
        )
        with self.assertRaises(ValidationError):
            other.reports_to_id = self.boss_stakeholder

    def test_account_must_be_the_company_not_a_contact(self):
        with self.assertRaisesRegex(ValidationError, "not an account"):
            self.Stakeholder.create(
                {
                    "account_id": self.contact.id,
                    "contact_id": self.env["res.partner"].create({"name": "Someone"}).id,
                }
            )

    def test_strength_and_cadence_are_checked(self):
        with self.assertRaises(ValidationError):
            self.boss_stakeholder.strength = 6
        with self.assertRaises(ValidationError):
            self.boss_stakeholder.cadence_days = 0

    def test_cadence_defaults_from_the_company(self):
        self.env.company.kam_stakeholder_cadence_days = 45
        stakeholder = self.Stakeholder.create(
            {
                "account_id": self.other_account.id,
                "contact_id": self.env["res.partner"].create({"name": "New one"}).id,
            }
        )
        self.assertEqual(stakeholder.cadence_days, 45)

    def test_archiving_keeps_the_history(self):
        self.pilar_stakeholder.active = False
        self.assertTrue(self.pilar_stakeholder.exists())
        self.assertNotIn(self.pilar_stakeholder, self.account.kam_stakeholder_ids)

    def test_kam_of_the_account_edits_its_map(self):
        stakeholder = self.boss_stakeholder.with_user(self.kam_user)
        stakeholder.attitude = "supporter"
        self.assertEqual(self.boss_stakeholder.attitude, "supporter")
        created = self.Stakeholder.with_user(self.kam_user).create(
            {
                "account_id": self.account.id,
                "contact_id": self.env["res.partner"].create({"name": "Champion"}).id,
            }
        )
        self.assertEqual(created.account_id, self.account)

    def test_other_kams_read_but_do_not_change(self):
        stakeholder = self.boss_stakeholder.with_user(self.other_kam_user)
        self.assertEqual(stakeholder.influence, "high")
        with self.assertRaises(AccessError):
            stakeholder.attitude = "opponent"
        with self.assertRaises(AccessError):
            self.Stakeholder.with_user(self.other_kam_user).create(
                {
                    "account_id": self.account.id,
                    "contact_id": self.env["res.partner"].create({"name": "Intruder"}).id,
                }
            )

    def test_managers_change_every_map(self):
        self.boss_stakeholder.with_user(self.kam_manager).attitude = "opponent"
        self.assertEqual(self.boss_stakeholder.attitude, "opponent")

    def test_sales_users_without_kam_rights_do_not_see_maps(self):
        with self.assertRaises(AccessError):
            self.boss_stakeholder.with_user(self.salesman).read(["influence"])

    def test_kams_do_not_delete_they_archive(self):
        with self.assertRaises(AccessError):
            self.pilar_stakeholder.with_user(self.kam_user).unlink()
        self.pilar_stakeholder.with_user(self.kam_user).active = False
        self.assertFalse(self.pilar_stakeholder.active)
