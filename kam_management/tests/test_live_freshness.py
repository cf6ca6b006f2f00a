from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.mail_message import MailMessage
from .common import KamCommon


@tagged("post_install", "-at_install")
class TestLiveFreshness(KamCommon):
    """Last interaction moves the moment something happens, not at night."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.long_ago = cls.today - timedelta(days=100)
        cls.stakeholder = cls.env["kam.stakeholder"].create(
            {
                "account_id": cls.account.id,
                "contact_id": cls.contact.id,
                "owner_id": cls.kam_user.id,
                "cadence_days": 30,
            }
        )
        cls.stakeholder.last_interaction_date = cls.long_ago
        # nobody of any map
        cls.stranger = cls.env["res.partner"].create({"name": "Somebody Else"})

    def _meeting(self, days, partners, **values):
        start = fields.Datetime.now() + timedelta(days=days)
        return self.env["calendar.event"].create(
            {
                "name": "Quarterly review",
                "start": start,
                "stop": start + timedelta(hours=1),
                "partner_ids": [(6, 0, partners.ids)],
                **values,
            }
        )

    def _make_overdue(self):
        self.stakeholder.last_interaction_date = self.today - timedelta(days=45)
        self.stakeholder._notify_overdue()
        todo = self.stakeholder.overdue_activity_id
        self.assertTrue(self.stakeholder.is_overdue)
        self.assertEqual(todo.user_id, self.kam_user)
        return todo

    # each source, at once (no nightly refresh called)

    def test_message_on_the_contact(self):
        self.contact.message_post(body="Called about the renewal", message_type="comment")
        self.assertEqual(self.stakeholder.last_interaction_date, self.today)

    def test_email_written_by_the_person_elsewhere(self):
        self.stranger.message_post(body="Answer", message_type="email", author_id=self.contact.id)
        self.assertEqual(self.stakeholder.last_interaction_date, self.today)

    def test_message_to_the_person_on_the_account(self):
        self.account.message_post(body="Internal note", message_type="comment")
        self.assertEqual(self.stakeholder.last_interaction_date, self.long_ago, "not to them")
        self.account.message_post(
            body="Proposal sent", message_type="comment", partner_ids=self.contact.ids
        )
        self.assertEqual(self.stakeholder.last_interaction_date, self.today)

    def test_done_activity_on_the_account(self):
        activity = self.account.activity_schedule(
            "mail.mail_activity_data_call", user_id=self.kam_user.id
        )
        self.assertEqual(self.stakeholder.last_interaction_date, self.long_ago, "only planned")
        activity.action_feedback(feedback="Spoke with the buyer")
        self.assertEqual(self.stakeholder.last_interaction_date, self.today)

    def test_done_activity_on_the_contact(self):
        self.contact.activity_schedule(
            "mail.mail_activity_data_call", user_id=self.kam_user.id
        ).action_feedback(feedback="Reached her")
        self.assertEqual(self.stakeholder.last_interaction_date, self.today)

    def test_done_activity_on_the_stakeholder(self):
        self.stakeholder.activity_schedule(
            "mail.mail_activity_data_call", user_id=self.kam_user.id
        ).action_feedback(feedback="Coffee")
        self.assertEqual(self.stakeholder.last_interaction_date, self.today)

    def test_meeting_created_in_the_past(self):
        self._meeting(-3, self.contact)
        self.assertEqual(self.stakeholder.last_interaction_date, self.today - timedelta(days=3))

    def test_attendee_added_to_a_past_meeting(self):
        meeting = self._meeting(-5, self.stranger)
        self.assertEqual(self.stakeholder.last_interaction_date, self.long_ago)
        meeting.write({"partner_ids": [(4, self.contact.id)]})
        self.assertEqual(self.stakeholder.last_interaction_date, self.today - timedelta(days=5))

    def test_future_meeting_does_not_count_until_it_takes_place(self):
        meeting = self._meeting(3, self.contact)
        self.assertEqual(self.stakeholder.last_interaction_date, self.long_ago)
        # moved to yesterday: it took place
        meeting.write(
            {
                "start": fields.Datetime.now() - timedelta(days=1),
                "stop": fields.Datetime.now() - timedelta(days=1) + timedelta(hours=1),
            }
        )
        self.assertEqual(self.stakeholder.last_interaction_date, self.today - timedelta(days=1))

    def test_an_older_interaction_never_moves_the_date_back(self):
        self.stakeholder.last_interaction_date = self.today - timedelta(days=2)
        self._meeting(-10, self.contact)
        self.assertEqual(self.stakeholder.last_interaction_date, self.today - timedelta(days=2))

    def test_archived_people_are_left_to_the_night(self):
        self.stakeholder.active = False
        self.contact.message_post(body="Hello", message_type="comment")
        self.assertEqual(self.stakeholder.last_interaction_date, self.long_ago)

    # overdue

    def test_back_in_cadence_clears_the_overdue_todo_at_once(self):
        todo = self._make_overdue()
        self.contact.message_post(body="Lunch together", message_type="comment")
        self.assertFalse(self.stakeholder.is_overdue)
        self.assertFalse(self.stakeholder.overdue_activity_id, "the next period gets a new one")
        self.assertIn(
            self.stakeholder,
            self.env["kam.stakeholder"].search([("is_overdue", "=", False)]),
        )
        # deleted when the transaction ends (the request of the person posting)
        self.env.cr.flush()
        self.assertFalse(todo.exists())
        self.assertFalse(self.stakeholder.activity_ids)
        self.assertFalse(
            self.stakeholder.message_ids.filtered("mail_activity_type_id"),
            "closed, not reported as done by somebody",
        )

    def test_owner_marks_the_overdue_todo_done(self):
        todo = self._make_overdue()
        todo.with_user(self.kam_user).action_feedback(feedback="Visited her")
        self.assertFalse(todo.exists())
        self.assertFalse(self.stakeholder.is_overdue)
        self.assertEqual(self.stakeholder.last_interaction_date, self.today)
        self.assertFalse(self.stakeholder.overdue_activity_id)
        self.env.cr.flush()  # nothing left to close

    def test_a_todo_kept_as_done_stays_in_the_history(self):
        """Activity types that keep done activities: the to-do marked done stays."""
        self.env.ref("mail.mail_activity_data_todo").keep_done = True
        todo = self._make_overdue()
        todo.with_user(self.kam_user).action_feedback(feedback="Visited her")
        self.assertFalse(self.stakeholder.is_overdue)
        self.env.cr.flush()
        kept = todo.with_context(active_test=False).exists()
        self.assertEqual(kept, todo)
        self.assertTrue(kept.date_done)

    def test_still_overdue_keeps_its_todo(self):
        todo = self._make_overdue()
        self._meeting(-40, self.contact)  # older than the cadence allows
        self.assertTrue(self.stakeholder.is_overdue)
        self.assertEqual(self.stakeholder.overdue_activity_id, todo)
        self.env.cr.flush()
        self.assertTrue(todo.exists())

    def test_nightly_job_closes_the_todo_too(self):
        todo = self._make_overdue()
        self.stakeholder.cadence_days = 60  # no message: only the night notices
        self.env["kam.stakeholder"]._cron_refresh_relationships()
        self.assertFalse(self.stakeholder.overdue_activity_id)
        self.assertFalse(todo.exists())

    # rights and cost

    def test_user_without_kam_rights_posts_on_the_contact(self):
        with self.assertRaises(AccessError):
            self.stakeholder.with_user(self.salesman).check_access("read")
        todo = self._make_overdue()
        self.contact.with_user(self.salesman).message_post(
            body="Met at the fair", message_type="comment"
        )
        self.assertEqual(self.stakeholder.last_interaction_date, self.today)
        self.assertFalse(self.stakeholder.overdue_activity_id)
        self.env.cr.flush()
        self.assertFalse(todo.exists())

    def test_user_without_kam_rights_plans_a_past_meeting(self):
        start = fields.Datetime.now() - timedelta(days=2)
        self.env["calendar.event"].with_user(self.salesman).create(
            {
                "name": "Fair",
                "start": start,
                "stop": start + timedelta(hours=1),
                "partner_ids": [(6, 0, (self.contact | self.salesman.partner_id).ids)],
            }
        )
        self.assertEqual(self.stakeholder.last_interaction_date, self.today - timedelta(days=2))

    def _queries_to_post(self, record, **values):
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        record.message_post(body="Just a note", **values)
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_a_message_involving_nobody_costs_at_most_one_query(self):
        lead = self.env["crm.lead"].create({"name": "Unrelated deal"})
        for record, values, extra in (
            (self.stranger, {"message_type": "comment"}, 1),
            (lead, {"message_type": "comment"}, 1),
            (lead, {"message_type": "notification"}, 0),
        ):
            self._queries_to_post(record, **values)  # warm caches up
            with patch.object(MailMessage, "_kam_touch_stakeholders", lambda messages: None):
                self._queries_to_post(record, **values)
                without_hook = self._queries_to_post(record, **values)
            with_hook = self._queries_to_post(record, **values)
            self.assertLessEqual(with_hook - without_hook, extra, (record, values))
        self.assertEqual(self.stakeholder.last_interaction_date, self.long_ago)
