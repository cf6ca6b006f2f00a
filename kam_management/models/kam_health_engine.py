import io
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.health import HealthInputs, band, score_account

# What a snapshot holds, in the order the score rows are loaded (kam_health_new).
SNAPSHOT_COLUMNS = (
    "account_id",
    "score",
    "band",
    "weights",
    "revenue_points",
    "payment_points",
    "rhythm_points",
    "relationship_points",
    "plan_points",
    "tension_points",
    "revenue_change",
    "overdue_days",
    "payment_drift_days",
    "regular_categories",
    "broken_categories",
    "gaps",
    "stakeholders",
    "stakeholders_in_cadence",
    "has_live_plan",
    "plan_progress",
    "plan_is_stale",
    "tension_severities",
)
# the scores of this night, and the accounts whose current snapshot they replace
NEW_SCORES_COLUMNS = """
    account_id INTEGER PRIMARY KEY, score INTEGER, band VARCHAR, weights VARCHAR,
    revenue_points NUMERIC, payment_points NUMERIC, rhythm_points NUMERIC,
    relationship_points NUMERIC, plan_points NUMERIC, tension_points NUMERIC,
    revenue_change NUMERIC, overdue_days INTEGER, payment_drift_days NUMERIC,
    regular_categories INTEGER, broken_categories INTEGER, gaps INTEGER,
    stakeholders INTEGER, stakeholders_in_cadence INTEGER, has_live_plan BOOLEAN,
    plan_progress NUMERIC, plan_is_stale BOOLEAN, tension_severities VARCHAR,
    score_drop INTEGER DEFAULT 0
"""
REPLACED_COLUMNS = "account_id INTEGER PRIMARY KEY, drop_notified BOOLEAN"
# the parts of the relationship facts that are not gaps of the map
NOT_GAPS = ("stale_plan",)


class KamHealthEngine(models.AbstractModel):
    """Account health of the key accounts of one company, from the facts of the
    nightly check (kam.signal.engine, whose work tables it reads): one query
    for the inputs, the maths in tools/health.py, the scores COPYed into
    ``kam_health_new`` and written back where they changed."""

    _name = "kam.health.engine"
    _description = "Account health computation"

    @api.model
    def _inputs_query(self, company, today):
        return SQL(
            """
            SELECT facts.account_id, facts.revenue_change, COALESCE(facts.overdue_days, 0),
                   COALESCE(facts.paid_days_recent - facts.paid_days_before, 0),
                   COALESCE(facts.regular_categories, 0), COALESCE(facts.broken_categories, 0),
                   COALESCE(CARDINALITY(facts.relationship_parts), 0)
                   - (CASE WHEN facts.relationship_parts && %(not_gaps)s::varchar[]
                           THEN 1 ELSE 0 END),
                   COALESCE(people.total, 0), COALESCE(people.in_cadence, 0),
                   plan.id IS NOT NULL, COALESCE(plan.progress, 0), COALESCE(plan.is_stale, FALSE),
                   tension.severities
              FROM kam_signal_facts facts
         LEFT JOIN (SELECT stakeholder.account_id, COUNT(*) AS total,
                           COUNT(*) FILTER (WHERE stakeholder.next_contact_date >= %(today)s)
                               AS in_cadence
                      FROM kam_stakeholder stakeholder
                      JOIN kam_signal_scope scope ON scope.id = stakeholder.account_id
                     WHERE stakeholder.active
                  GROUP BY stakeholder.account_id) people ON people.account_id = facts.account_id
         LEFT JOIN (SELECT DISTINCT ON (plan.account_id) plan.account_id, plan.id, plan.progress,
                           plan.is_stale
                      FROM kam_account_plan plan
                      JOIN kam_signal_scope scope ON scope.id = plan.account_id
                     WHERE plan.company_id = %(company)s AND plan.active
                       AND plan.state IN ('active', 'review')
                  ORDER BY plan.account_id, plan.date_start DESC, plan.id DESC) plan
                ON plan.account_id = facts.account_id
         LEFT JOIN (SELECT tension.account_id,
                           STRING_AGG(tension.severity, ','
                                      ORDER BY tension.severity_rank DESC, tension.id)
                               AS severities
                      FROM kam_tension tension
                      JOIN kam_signal_scope scope ON scope.id = tension.account_id
                     WHERE tension.company_id = %(company)s AND tension.active
                       AND tension.state != 'resolved'
                  GROUP BY tension.account_id) tension ON tension.account_id = facts.account_id
            """,
            not_gaps=list(NOT_GAPS),
            today=today,
            company=company.id,
        )

    @api.model
    def _score_company(self, company, today):
        """Score every key account of ``company``; return how many snapshots were
        written."""
        self.env["kam.account.plan"].flush_model()
        self.env["kam.tension"].flush_model()
        self.env["kam.stakeholder"].flush_model()
        rows = self.env.execute_query(self._inputs_query(company, today))
        weights = company._kam_health_weights()
        weights_text = ",".join(str(weights[name]) for name in weights)
        lines = io.StringIO()
        for (
            account_id, revenue_change, overdue_days, drift, regular, broken, gaps, people,
            in_cadence, has_plan, progress, stale, severities,
        ) in rows:  # fmt: skip
            inputs = HealthInputs(
                revenue_change=float(revenue_change) if revenue_change is not None else None,
                overdue_days=overdue_days,
                payment_drift_days=float(drift),
                regular_categories=regular,
                broken_categories=broken,
                gaps=gaps,
                stakeholders=people,
                stakeholders_in_cadence=in_cadence,
                has_live_plan=has_plan,
                plan_progress=float(progress),
                plan_is_stale=stale,
                tension_severities=(severities or "").split(",") if severities else [],
            )
            score, points = score_account(
                inputs, weights, company.kam_signal_decline_percent, company.kam_signal_drift_days
            )
            values = (
                account_id,
                score,
                band(score, company.kam_health_healthy_min, company.kam_health_watch_min),
                weights_text,
                *(f"{points[name]:.1f}" for name in weights),
                "\\N" if revenue_change is None else f"{float(revenue_change):.1f}",
                overdue_days,
                f"{float(drift):.1f}",
                regular,
                broken,
                gaps,
                people,
                in_cadence,
                "t" if has_plan else "f",
                f"{float(progress):.1f}",
                "t" if stale else "f",
                severities or "",
            )
            lines.write("\t".join(str(value) for value in values) + "\n")
        lines.seek(0)
        engine = self.env["kam.signal.engine"]
        with (
            engine._temporary_table("kam_health_new", SQL(NEW_SCORES_COLUMNS)),
            engine._temporary_table("kam_health_replaced", SQL(REPLACED_COLUMNS)),
        ):
            self.env["kam.concentration.engine"]._copy_into(
                "kam_health_new", lines, columns=SNAPSHOT_COLUMNS
            )
            written = self._write_snapshots(company, today)
        self._notify_falls(company)
        return written

    def _write_snapshots(self, company, today):
        """Refresh this week's snapshot where the band did not change; a new one
        where it did, for a new week, or for a new key account; nothing where
        nothing changed."""
        self.env["kam.account.health"].flush_model()
        columns = SQL(", ").join(SQL.identifier(column) for column in SNAPSHOT_COLUMNS[1:])
        new_columns = SQL(", ").join(
            SQL.identifier("new", column) for column in SNAPSHOT_COLUMNS[1:]
        )
        old_columns = SQL(", ").join(
            SQL.identifier("health", column) for column in SNAPSHOT_COLUMNS[1:]
        )
        now, uid, drop = fields.Datetime.now(), self.env.uid, company.kam_health_drop_points
        same_week = SQL("DATE_TRUNC('week', health.date) = DATE_TRUNC('week', %s::date)", today)
        results = self.env.execute_query(
            SQL(
                """
                -- the best score of the last 30 days, including the best a snapshot held
                -- before it was refreshed in place
                UPDATE kam_health_new new SET score_drop = GREATEST(0, best.score - new.score)
                  FROM (SELECT account_id, MAX(GREATEST(score, best_score)) AS score
                          FROM kam_account_health
                         WHERE company_id = %(company)s AND date > %(month_ago)s
                      GROUP BY account_id) best
                 WHERE best.account_id = new.account_id;

                -- accounts no longer key: no current health
                UPDATE kam_account_health health SET is_current = FALSE
                 WHERE health.company_id = %(company)s AND health.is_current
                   AND NOT EXISTS (SELECT 1 FROM kam_health_new new
                                    WHERE new.account_id = health.account_id);

                WITH replaced AS (
                    UPDATE kam_account_health health SET is_current = FALSE
                      FROM kam_health_new new
                     WHERE health.company_id = %(company)s AND health.is_current
                       AND health.account_id = new.account_id
                       AND (health.band IS DISTINCT FROM new.band OR NOT %(same_week)s)
                 RETURNING health.account_id, health.drop_notified)
                INSERT INTO kam_health_replaced SELECT * FROM replaced;

                WITH refreshed AS (
                    UPDATE kam_account_health health
                       SET (date, %(columns)s, score_drop, is_falling, drop_notified, best_score,
                            write_date, write_uid)
                         = (%(today)s, %(new_columns)s, new.score_drop, new.score_drop > %(drop)s,
                            health.drop_notified AND new.score_drop > %(drop)s,
                            GREATEST(health.best_score, health.score, new.score), %(now)s, %(uid)s)
                      FROM kam_health_new new
                     WHERE health.company_id = %(company)s AND health.is_current
                       AND health.account_id = new.account_id
                       AND (%(old_columns)s, health.score_drop)
                           IS DISTINCT FROM (%(new_columns)s, new.score_drop)
                 RETURNING health.id
                ), inserted AS (
                    INSERT INTO kam_account_health (account_id, company_id, date, is_current,
                                                    %(columns)s, score_drop, is_falling,
                                                    best_score, drop_notified, create_date,
                                                    create_uid, write_date, write_uid)
                    SELECT new.account_id, %(company)s, %(today)s, TRUE, %(new_columns)s,
                           new.score_drop, new.score_drop > %(drop)s, new.score,
                           COALESCE(replaced.drop_notified, FALSE) AND new.score_drop > %(drop)s,
                           %(now)s, %(uid)s, %(now)s, %(uid)s
                      FROM kam_health_new new
                 LEFT JOIN kam_health_replaced replaced ON replaced.account_id = new.account_id
                     WHERE replaced.account_id IS NOT NULL
                        OR NOT EXISTS (SELECT 1 FROM kam_account_health health
                                        WHERE health.company_id = %(company)s
                                          AND health.is_current
                                          AND health.account_id = new.account_id)
                 RETURNING id
                )
                SELECT (SELECT COUNT(*) FROM refreshed) + (SELECT COUNT(*) FROM inserted);
                """,
                company=company.id,
                month_ago=today - timedelta(days=30),
                same_week=same_week,
                columns=columns,
                new_columns=new_columns,
                old_columns=old_columns,
                today=today,
                drop=drop,
                now=now,
                uid=uid,
            )
        )
        self.env["kam.account.health"].invalidate_model()
        return results[0][0] if results else 0

    def _notify_falls(self, company):
        """An activity for the KAM managers, once per fall, when the health of an
        account fell by more than the company's alert in 30 days."""
        health_model = self.env["kam.account.health"]
        falls = health_model.sudo().search(
            [
                ("company_id", "=", company.id),
                ("is_current", "=", True),
                ("drop_notified", "=", False),
                ("score_drop", ">", company.kam_health_drop_points),
            ]
        )
        if not falls:
            return
        for health in falls:
            self.env["res.users"]._kam_notify_managers(
                health.account_id,
                company,
                lambda account, health=health: (
                    account.env._("Health of %(account)s falling", account=account.name),
                    account.env._(
                        "The health of %(account)s fell by %(drop)s points in 30 days: now "
                        "%(score)s. Open its Health tab to see why.",
                        account=account.name,
                        drop=health.score_drop,
                        score=health.score,
                    ),
                ),
            )
        falls.write({"drop_notified": True})
