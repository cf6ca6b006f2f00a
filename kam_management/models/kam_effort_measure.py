from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index

# Effort is measured over this many days, and shown a month (of 30 days).
MEASURED_DAYS = 90


class KamEffortMeasure(models.Model):
    """What a person did on an account over the last 90 days, a month.

    Measured every night, in one set-based statement, from what already happens
    in Odoo: meetings whose attendees include the account's contacts (the
    meeting's duration, for each internal attendee), activities marked done on
    the account, its contacts, plans, stakeholders and opportunities (minutes
    per activity type), and the messages and emails the person wrote on those
    records (minutes per message, per company setting). Nothing is counted
    twice: a meeting with several people of the account counts once per
    colleague, a done activity is not a message too.
    """

    _name = "kam.effort.measure"
    _inherit = ["kam.account.ref.mixin"]
    _description = "Measured effort of a person on an account"
    _order = "account_ref, hours desc"
    _rec_name = "user_id"
    _log_access = False  # rewritten in bulk every night

    user_id = fields.Many2one("res.users", string="Who", readonly=True, index=True)
    meeting_hours = fields.Float(string="Meetings (h/month)", digits=(16, 1), readonly=True)
    activity_hours = fields.Float(string="Activities (h/month)", digits=(16, 1), readonly=True)
    message_hours = fields.Float(string="Messages (h/month)", digits=(16, 1), readonly=True)
    hours = fields.Float(
        string="Measured (h/month)", digits=(16, 1), readonly=True, aggregator="sum"
    )

    def init(self):
        # the Workload board looks each member's hours up by account and person
        create_index(
            self.env.cr,
            "kam_effort_measure_account_user_index",
            self._table,
            ["account_ref", "user_id"],
        )

    @api.model
    def _measure(self):
        """Measure the effort on every account that has a team, all at once."""
        self.env.flush_all()
        current = self.env["kam.account.member"]._sql_current("member")
        self.env.execute_query(
            SQL(
                """
                DELETE FROM kam_effort_measure;
                WITH account AS (
                    SELECT DISTINCT member.account_id AS id
                      FROM kam_account_member member WHERE %(current)s
                ),
                contact AS (
                    SELECT partner.id AS partner_id, partner.commercial_partner_id AS account_id
                      FROM res_partner partner
                      JOIN account ON account.id = partner.commercial_partner_id
                ),
                colleague AS (
                    -- one person per partner, so nothing is counted twice
                    SELECT DISTINCT ON (partner_id) id AS user_id, partner_id
                      FROM res_users WHERE active AND NOT share
                  ORDER BY partner_id, id
                ),
                record AS (
                    SELECT 'res.partner' AS model, partner_id AS res_id, account_id FROM contact
                    UNION ALL
                    SELECT 'kam.account.plan', plan.id, plan.account_id
                      FROM kam_account_plan plan JOIN account ON account.id = plan.account_id
                    UNION ALL
                    SELECT 'kam.stakeholder', stakeholder.id, stakeholder.account_id
                      FROM kam_stakeholder stakeholder
                      JOIN account ON account.id = stakeholder.account_id
                    UNION ALL
                    SELECT 'crm.lead', lead.id, contact.account_id
                      FROM crm_lead lead JOIN contact ON contact.partner_id = lead.partner_id
                ),
                meeting_account AS (
                    -- a meeting counts once for an account, however many of its people came
                    SELECT DISTINCT event.id, event.duration, contact.account_id
                      FROM calendar_event event
                      JOIN calendar_event_res_partner_rel attendee
                        ON attendee.calendar_event_id = event.id
                      JOIN contact ON contact.partner_id = attendee.res_partner_id
                     WHERE event.active
                       AND event.start BETWEEN %(since)s AND NOW() AT TIME ZONE 'UTC'
                ),
                meeting AS (
                    SELECT meeting_account.account_id, colleague.user_id, meeting_account.duration
                      FROM meeting_account
                      JOIN calendar_event_res_partner_rel present
                        ON present.calendar_event_id = meeting_account.id
                      JOIN colleague ON colleague.partner_id = present.res_partner_id
                ),
                written AS (
                    -- a message is on one record, and each record belongs to one account
                    SELECT record.account_id, colleague.user_id,
                           CASE WHEN message.mail_activity_type_id IS NULL THEN %(minutes)s
                                ELSE COALESCE(type.kam_effort_minutes, 0) END / 60.0 AS hours,
                           message.mail_activity_type_id IS NOT NULL AS is_activity
                      FROM mail_message message
                      JOIN record ON record.model = message.model AND record.res_id = message.res_id
                      JOIN colleague ON colleague.partner_id = message.author_id
                 LEFT JOIN mail_activity_type type ON type.id = message.mail_activity_type_id
                     WHERE message.date >= %(since)s
                       AND (message.message_type IN ('comment', 'email')
                            OR message.mail_activity_type_id IS NOT NULL)
                ),
                effort AS (
                    SELECT account_id, user_id, duration AS meeting, 0 AS activity, 0 AS message
                      FROM meeting
                    UNION ALL
                    SELECT account_id, user_id, 0,
                           CASE WHEN is_activity THEN hours ELSE 0 END,
                           CASE WHEN is_activity THEN 0 ELSE hours END
                      FROM written
                )
                INSERT INTO kam_effort_measure
                    (account_ref, user_id, meeting_hours, activity_hours, message_hours, hours)
                SELECT account_id, user_id,
                       ROUND(SUM(meeting)::numeric / %(months)s, 2),
                       ROUND(SUM(activity)::numeric / %(months)s, 2),
                       ROUND(SUM(message)::numeric / %(months)s, 2),
                       ROUND(SUM(meeting + activity + message)::numeric / %(months)s, 2)
                  FROM effort
              GROUP BY account_id, user_id;
                -- rewritten in full: fresh statistics keep the board's plan right
                ANALYZE kam_effort_measure;
                """,
                current=current,
                since=fields.Datetime.subtract(fields.Datetime.now(), days=MEASURED_DAYS),
                minutes=self.env.company.kam_message_minutes,
                months=MEASURED_DAYS / 30,
            )
        )
        self.invalidate_model()
