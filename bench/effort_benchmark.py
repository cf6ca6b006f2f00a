#!/usr/bin/env python3
"""Time the nightly measure of the effort on key accounts against its floor.

Run with a Python that imports Odoo 18 (scripts/kam_dev.py bench-effort does it),
on a database made by `make bench` (bench/generate_data.py):

    python bench/effort_benchmark.py DBNAME --addons-path ... [--kams 50]

The first run gives every account a team (a lead among the KAMs, a backup on
one account in five) and the traces of three months of work, written in SQL:
two meetings, three done activities and five notes a account in the window,
as many older notes, and a million messages on invoices that the measure must
not read.

(a) floor: the two bare aggregates any measure must read: the meetings of the
window by attendee, and the messages of the window by record and author;
(b) the addon's nightly measure (`kam.effort.measure._measure`), which joins
them to the accounts, their contacts, plans, stakeholders and opportunities
and rewrites the measured hours. Then the Workload board of the KAMs is read
as the web client reads it, counting its queries.
"""

import argparse
import statistics
import time
from datetime import timedelta

from bench_tools import superuser_env, timed

from odoo import fields
from odoo.tools import SQL


def make_kams(env, count):
    """KAM users of the benchmark, made once."""
    users = env["res.users"].with_context(no_reset_password=True)
    kams = users.search([("login", "=like", "bench_kam_%")])
    group = env.ref("kam_management.group_kam_user")
    for number in range(len(kams), count):
        kams |= users.create(
            {
                "name": f"Bench KAM {number:03d}",
                "login": f"bench_kam_{number:03d}",
                "groups_id": [fields.Command.link(group.id)],
            }
        )
    return kams


def make_teams_and_traces(env, kams):
    """A team on every account and three months of traces, once."""
    if env.execute_query(SQL("SELECT 1 FROM kam_account_member LIMIT 1")):
        return False
    company = env.ref("base.main_company")
    lead = env.ref("kam_management.kam_member_role_lead")
    backup = env.ref("kam_management.kam_member_role_backup")
    call = env.ref("mail.mail_activity_data_call")
    since = fields.Datetime.now() - timedelta(days=88)
    users = SQL("(SELECT ARRAY_AGG(id ORDER BY id) FROM res_users WHERE id IN %s)", tuple(kams.ids))
    env.execute_query(
        SQL(
            """
            CREATE TEMPORARY TABLE bench_account AS
            SELECT partner.id, ROW_NUMBER() OVER (ORDER BY partner.id) AS number,
                   (SELECT MIN(contact.id) FROM res_partner contact
                     WHERE contact.commercial_partner_id = partner.id) AS contact_id
              FROM res_partner partner
             WHERE partner.id = partner.commercial_partner_id AND partner.customer_rank > 0;

            INSERT INTO kam_account_member
                (account_id, company_id, user_id, role_id, is_lead, is_backup, effort_share,
                 date_start, create_uid, write_uid, create_date, write_date)
            SELECT account.id, %(company)s, (%(users)s)[1 + MOD(account.number, %(kams)s)],
                   %(lead)s, TRUE, FALSE, 80, CURRENT_DATE - 200, 1, 1, NOW(), NOW()
              FROM bench_account account
             UNION ALL
            SELECT account.id, %(company)s, (%(users)s)[1 + MOD(account.number + 1, %(kams)s)],
                   %(backup)s, FALSE, TRUE, 20, CURRENT_DATE - 200, 1, 1, NOW(), NOW()
              FROM bench_account account WHERE MOD(account.number, 5) = 0;

            CREATE TEMPORARY TABLE bench_event AS
            SELECT NEXTVAL('calendar_event_id_seq') AS id, account.id AS account_id,
                   account.contact_id, (%(users)s)[1 + MOD(account.number, %(kams)s)] AS user_id,
                   %(since)s + MOD(account.id * 13 + meeting * 31, 85) * INTERVAL '1 day' AS start
              FROM bench_account account, generate_series(1, 2) meeting;
            INSERT INTO calendar_event (id, name, start, stop, duration, user_id, show_as,
                                        privacy, active, create_date, write_date)
            SELECT event.id, 'Review ' || event.account_id, event.start,
                   event.start + INTERVAL '90 minutes', 1.5, event.user_id, 'busy', 'public',
                   TRUE, NOW(), NOW()
              FROM bench_event event;
            INSERT INTO calendar_event_res_partner_rel (calendar_event_id, res_partner_id)
            SELECT event.id, event.contact_id FROM bench_event event
             UNION
            SELECT event.id, kam.partner_id
              FROM bench_event event JOIN res_users kam ON kam.id = event.user_id;

            INSERT INTO mail_message (model, res_id, author_id, message_type, subtype_id,
                                      mail_activity_type_id, body, date, create_date, write_date)
            SELECT 'res.partner', account.id, kam.partner_id, 'notification',
                   %(note)s, %(call)s, '<p>Call done</p>',
                   %(since)s + MOD(account.id * 7 + trace, 85) * INTERVAL '1 day', NOW(), NOW()
              FROM bench_account account
              JOIN res_users kam ON kam.id = (%(users)s)[1 + MOD(account.number, %(kams)s)],
                   generate_series(1, 3) trace
             UNION ALL
            SELECT 'res.partner', account.id, kam.partner_id, 'comment',
                   %(note)s, NULL, '<p>Visit report</p>',
                   %(since)s + (MOD(account.id * 11 + trace * 17, 176) - 88) * INTERVAL '1 day',
                   NOW(), NOW()
              FROM bench_account account
              JOIN res_users kam ON kam.id = (%(users)s)[1 + MOD(account.number, %(kams)s)],
                   generate_series(1, 10) trace;

            INSERT INTO mail_message (model, res_id, author_id, message_type, subtype_id,
                                      body, date, create_date, write_date)
            SELECT 'account.move', move.id, %(root)s, 'notification', %(note)s,
                   '<p>Invoice sent</p>', move.create_date, NOW(), NOW()
              FROM account_move move, generate_series(1, 2) trace
             WHERE move.move_type = 'out_invoice'
             LIMIT 1000000;
            ANALYZE kam_account_member;
            ANALYZE calendar_event;
            ANALYZE calendar_event_res_partner_rel;
            ANALYZE mail_message;
            """,
            company=company.id,
            users=users,
            kams=len(kams),
            lead=lead.id,
            backup=backup.id,
            since=since,
            note=env.ref("mail.mt_note").id,
            call=call.id,
            root=env.ref("base.partner_root").id,
        )
    )
    env.cr.commit()
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database")
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--kams", type=int, default=50, help="KAMs sharing the accounts")
    args = parser.parse_args()
    with superuser_env(args.database, args.addons_path) as env:
        cr = env.cr
        kams = make_kams(env, args.kams)
        made = make_teams_and_traces(env, kams)
        Measure = env["kam.effort.measure"]
        since = fields.Datetime.now() - timedelta(days=90)
        floor_queries = [
            SQL(
                """
                SELECT attendee.res_partner_id, SUM(event.duration)
                  FROM calendar_event event
                  JOIN calendar_event_res_partner_rel attendee
                    ON attendee.calendar_event_id = event.id
                 WHERE event.active AND event.start BETWEEN %s AND NOW() AT TIME ZONE 'UTC'
              GROUP BY attendee.res_partner_id
                """,
                since,
            ),
            SQL(
                """
                SELECT model, res_id, author_id, COUNT(*)
                  FROM mail_message
                 WHERE date >= %s
                   AND (message_type IN ('comment', 'email') OR mail_activity_type_id IS NOT NULL)
              GROUP BY model, res_id, author_id
                """,
                since,
            ),
        ]

        def floor():
            for query in floor_queries:
                env.execute_query(query)  # warm the cache
            return sum(
                timed(lambda query=query: env.execute_query(query), repeat=3)
                for query in floor_queries
            )

        def measure():
            Measure._measure()
            cr.commit()

        counts = env.execute_query(
            SQL(
                """
                SELECT (SELECT COUNT(DISTINCT account_id) FROM kam_account_member),
                       (SELECT COUNT(*) FROM kam_account_member),
                       (SELECT COUNT(*) FROM calendar_event),
                       (SELECT COUNT(*) FROM mail_message)
                """
            )
        )[0]
        first_floor = floor()
        first = timed(measure, repeat=1)
        nights = []
        for _night in range(3):
            night_floor = floor()
            nights.append((night_floor, timed(measure, repeat=1)))
        measured = env.execute_query(
            SQL("SELECT COUNT(*), ROUND(SUM(hours)::numeric, 0) FROM kam_effort_measure")
        )[0]

        board = env["kam.workload"].with_user(env.ref("base.user_admin"))
        board_fields = ["user_id", "team_id", "load_percent", "estimated_hours",
                        "measured_hours", "capacity_hours", "account_count", "is_overloaded",
                        "is_absent"]  # fmt: skip
        env.invalidate_all()
        queries_before = cr.sql_log_count
        started = time.perf_counter()
        rows = board.web_search_read([], {name: {} for name in board_fields}, limit=80)
        board_seconds = time.perf_counter() - started
        board_queries = cr.sql_log_count - queries_before

        accounts, members, events, messages = counts
        print(f"accounts with a team: {accounts} ({members} members, {len(kams)} KAMs)"
              + (" - teams and traces made now" if made else ""))  # fmt: skip
        print(f"meetings: {events}, messages: {messages}")
        print(f"measured: {measured[0]} person-account rows, {measured[1]} hours a month")
        print(f"floor (bare aggregates of meetings and messages of 90 days): {first_floor:.2f} s")
        print(f"nightly measure, first: {first:.2f} s = {first / first_floor:.1f}x floor")
        for number, (night_floor, duration) in enumerate(nights, start=1):
            print(
                f"nightly measure {number}: floor {night_floor:.2f} s, "
                f"measure {duration:.2f} s = {duration / night_floor:.1f}x"
            )
        ratios = sorted(duration / night_floor for night_floor, duration in nights)
        print(f"nightly measure: median {statistics.median(ratios):.1f}x floor, "
              f"worst {ratios[-1]:.1f}x")  # fmt: skip
        print(
            f"Workload board ({rows['length']} KAMs): {board_queries} queries, "
            f"{board_seconds:.2f} s"
        )


if __name__ == "__main__":
    main()
