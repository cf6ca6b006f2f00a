from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
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

    def test_maps_of_another_company_stay_hidden(self):
        other_company = self.env["res.company"].create({"name": "KAM Sister Company"})
        account = self.env["res.partner"].create(
            {"name": "Sister customer", "is_company": True, "company_id": other_company.id}
        )
        person = self.env["res.partner"].create(
            {"name": "Sister person", "parent_id": account.id, "company_id": other_company.id}
        )
        hidden = self.Stakeholder.create({"account_id": account.id, "contact_id": person.id})
        visible = self.Stakeholder.with_user(self.kam_manager).search([])
        self.assertNotIn(hidden, visible)
        self.assertIn(self.boss_stakeholder, visible)

    def test_kams_do_not_delete_they_archive(self):
        with self.assertRaises(AccessError):
            self.pilar_stakeholder.with_user(self.kam_user).unlink()
        self.pilar_stakeholder.with_user(self.kam_user).active = False
        self.assertFalse(self.pilar_stakeholder.active)


@tagged("post_install", "-at_install")
class TestStakeholderFreshness(KamCommon):
    """Last interaction comes from what happens in Odoo, not from typing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stakeholder = cls.env["kam.stakeholder"].create(
            {
                "account_id": cls.account.id,
                "contact_id": cls.contact.id,
                "owner_id": cls.kam_user.id,
                "cadence_days": 30,
            }
        )

    def _refreshed(self):
        self.stakeholder._refresh_last_interaction()
        return self.stakeholder.last_interaction_date

    def _backdate_messages(self, days):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_message SET date = NOW() - make_interval(days => %s) "
            "WHERE model = 'res.partner' AND res_id IN %s",
            (days, (self.contact.id, self.account.id)),
        )
        self.env.invalidate_all()

    def test_no_interaction_yet(self):
        self.env.cr.execute(
            "DELETE FROM mail_message WHERE model = 'res.partner' AND res_id IN %s",
            ((self.contact.id, self.account.id),),
        )
        self.assertFalse(self._refreshed())

    def test_message_on_the_contact(self):
        self.contact.message_post(body="Called about the renewal", message_type="comment")
        self.assertEqual(self._refreshed(), fields.Date.today())

    def test_email_written_by_the_person_elsewhere(self):
        self.env["res.partner"].create({"name": "Some record"}).message_post(
            body="Answer", message_type="email", author_id=self.contact.id
        )
        self.assertEqual(self._refreshed(), fields.Date.today())

    def test_message_to_the_person_on_the_account(self):
        self._backdate_messages(100)
        self.account.message_post(
            body="Proposal sent", message_type="comment", partner_ids=self.contact.ids
        )
        self.assertEqual(self._refreshed(), fields.Date.today())

    def test_meeting_attended(self):
        self._backdate_messages(100)
        start = fields.Datetime.now() - timedelta(days=3)
        self.env["calendar.event"].create(
            {
                "name": "Quarterly review",
                "start": start,
                "stop": start + timedelta(hours=1),
                "partner_ids": [(6, 0, self.contact.ids)],
            }
        )
        self.assertEqual(self._refreshed(), start.date())

    def test_done_activity_on_the_account(self):
        self._backdate_messages(100)
        activity = self.account.activity_schedule(
            "mail.mail_activity_data_call", user_id=self.kam_user.id
        )
        activity.action_feedback(feedback="Spoke with the buyer")
        self.assertEqual(self._refreshed(), fields.Date.today())

    def test_future_meeting_does_not_count(self):
        self._backdate_messages(100)
        start = fields.Datetime.now() + timedelta(days=3)
        self.env["calendar.event"].create(
            {
                "name": "Next visit",
                "start": start,
                "stop": start + timedelta(hours=1),
                "partner_ids": [(6, 0, self.contact.ids)],
            }
        )
        last = self._refreshed()
        self.assertTrue(not last or last < fields.Date.today() - timedelta(days=90))

    def test_overdue_todo_created_once(self):
        self.contact.message_post(body="Visit", message_type="comment")
        self._backdate_messages(45)
        Stakeholder = self.env["kam.stakeholder"]
        Stakeholder._cron_refresh_relationships()
        self.assertTrue(self.stakeholder.is_overdue)
        self.assertIn(self.stakeholder, Stakeholder.search([("is_overdue", "=", True)]))
        todo = self.stakeholder.overdue_activity_id
        self.assertEqual(todo.user_id, self.kam_user)
        Stakeholder._cron_refresh_relationships()
        self.assertEqual(self.stakeholder.activity_ids, todo, "one to-do, not one a night")
        # the owner gets in touch: no longer overdue, the next period may remind again
        self.contact.message_post(body="Lunch together", message_type="comment")
        Stakeholder._cron_refresh_relationships()
        self.assertFalse(self.stakeholder.is_overdue)
        self.assertFalse(self.stakeholder.overdue_activity_id)


@tagged("post_install", "-at_install")
class TestRelationshipGaps(KamCommon):
    """Each gap rule, as the KAM and the manager see them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.write(
            {
                "kam_is_strategic": True,
                "kam_strategic_reason": "Showcase",
                "kam_strategic_review_date": "2030-01-01",
            }
        )
        cls.decision_maker = cls.env.ref("kam_management.stakeholder_role_decision_maker")

    def _person(self, name, **values):
        contact = self.env["res.partner"].create({"name": name, "parent_id": self.account.id})
        return self.env["kam.stakeholder"].create(
            {"account_id": self.account.id, "contact_id": contact.id, **values}
        )

    def _gaps(self):
        self.env.flush_all()
        gaps = self.env["kam.relationship.gap"].search([("account_id", "=", self.account.id)])
        return {gap.gap: gap.detail for gap in gaps}

    def test_empty_map_has_no_decision_maker_and_is_single_threaded(self):
        self.assertEqual(self._gaps(), {"no_decision_maker": False, "single_threaded": False})

    def test_a_well_kept_map_has_no_gap(self):
        self._person("Boss", role_ids=[(6, 0, self.decision_maker.ids)], influence="high")
        self._person("Buyer", attitude="supporter", influence="high")
        self.assertEqual(self._gaps(), {})
        self.assertFalse(self.account.kam_relationship_gap_ids)

    def test_decision_maker_not_contacted_within_cadence(self):
        boss = self._person("Boss", role_ids=[(6, 0, self.decision_maker.ids)])
        self._person("Buyer")
        boss.last_interaction_date = fields.Date.today() - timedelta(days=40)
        gaps = self._gaps()
        self.assertEqual(gaps["decision_maker_overdue"], "Boss")
        self.assertIn("single_threaded", gaps, "an overdue relationship is not a live one")

    def test_high_influence_opponent_without_equal_supporter(self):
        self._person("Boss", role_ids=[(6, 0, self.decision_maker.ids)])
        self._person("Finance", attitude="opponent", influence="high")
        self._person("Friend", attitude="supporter", influence="medium")
        self.assertEqual(self._gaps(), {"unbalanced_opponent": "Finance"})
        self._person("Ally", attitude="supporter", influence="high")
        self.assertEqual(self._gaps(), {})

    def test_archived_stakeholders_do_not_count(self):
        boss = self._person("Boss", role_ids=[(6, 0, self.decision_maker.ids)])
        self._person("Buyer")
        boss.active = False
        self.assertIn("no_decision_maker", self._gaps())

    def test_manager_list_and_form_badges(self):
        self._person("Boss", role_ids=[(6, 0, self.decision_maker.ids)])
        gaps = self.account.with_user(self.kam_manager).kam_relationship_gap_ids
        self.assertEqual(gaps.mapped("gap"), ["single_threaded"])
        self.assertEqual(gaps.display_name, "Single-threaded")
        mine = (
            self.env["kam.relationship.gap"]
            .with_user(self.kam_user)
            .search([("kam_user_id", "=", self.kam_user.id)])
        )
        self.assertIn(self.account, mine.account_id)

    def test_gaps_belong_to_the_companies_where_the_account_is_key(self):
        other_company = self.env["res.company"].create({"name": "KAM Other Company"})
        # not key here (a manager's decision), key by revenue in the other company
        self.account.write({"kam_key_override": "not_key", "kam_key_override_reason": "Not here"})
        self.env["kam.account.figure"].create(
            {"company_id": other_company.id, "partner_id": self.account.id, "is_key": True}
        )
        self.env.flush_all()
        gaps = self.env["kam.relationship.gap"].search([("account_id", "=", self.account.id)])
        self.assertTrue(gaps)
        self.assertEqual(gaps.company_id, other_company)
