import logging
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Someone overloaded this long gets the KAM managers' attention (once).
OVERLOAD_NOTICE_DAYS = 7


class KamWorkload(models.Model):
    """The workload of each KAM: the effort their accounts take against their
    capacity, read live in SQL (one row a person).

    The estimated effort of an account in a company is a base for its tier (or
    for a strategic account), plus a norm for each relationship on its map,
    plus a manager's adjustment; a team member carries it by their share. The
    measured effort comes from kam.effort.measure (meetings, done activities,
    messages of the last 90 days).
    """

    _name = "kam.workload"
    _description = "Workload of a Key Account Manager"
    _auto = False
    _order = "load_percent desc, user_id"
    _rec_name = "user_id"
    _depends = {
        "kam.account.member": ["account_id", "company_id", "user_id", "effort_share",
                               "date_start", "date_end"],
        "kam.account.figure": ["company_id", "account_ref", "tier"],
        "kam.stakeholder": ["account_id", "active"],
        "kam.effort.measure": ["account_ref", "user_id", "hours"],
        "kam.absence": ["user_id", "date_from", "date_to"],
        "res.users": ["kam_capacity_hours", "sale_team_id", "company_id"],
        "res.partner": ["kam_own_is_strategic", "kam_own_effort_adjustment"],
    }  # fmt: skip

    user_id = fields.Many2one("res.users", string="Key Account Manager", readonly=True)
    team_id = fields.Many2one("crm.team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    capacity_hours = fields.Float(string="Capacity (h/month)", readonly=True, digits=(16, 1))
    estimated_hours = fields.Float(
        string="Estimated (h/month)", readonly=True, digits=(16, 1), aggregator="sum"
    )
    measured_hours = fields.Float(
        string="Measured (h/month)", readonly=True, digits=(16, 1), aggregator="sum"
    )
    load_percent = fields.Float(string="Load (%)", readonly=True, digits=(16, 0), aggregator="avg")
    measured_load_percent = fields.Float(
        string="Measured Load (%)", readonly=True, digits=(16, 0), aggregator="avg"
    )
    overload_percent = fields.Float(string="Overload Above (%)", readonly=True)
    is_overloaded = fields.Boolean(string="Overloaded", readonly=True)
    account_count = fields.Integer(string="Accounts", readonly=True, aggregator="sum")
    is_absent = fields.Boolean(string="Away Today", readonly=True)

    # ------------------------------------------------------------------
    # The SQL, used by the view and by records that show an effort
    # ------------------------------------------------------------------
    @api.model
    def _sql_account_effort(self, pairs):
        """SQL: the estimated effort of accounts in companies.

        :param pairs: SQL of ``(account_id, company_id)`` rows
        :return: SQL of rows (account_id, company_id, base_hours, relationships,
            relationship_hours, adjustment_hours, estimated_hours)
        """
        return SQL(
            """
            SELECT pair.account_id, pair.company_id, base.hours AS base_hours,
                   COALESCE(map.relationships, 0) AS relationships,
                   COALESCE(map.relationships, 0) * company.kam_effort_relationship_hours
                       AS relationship_hours,
                   adjustment.hours AS adjustment_hours,
                   base.hours
                   + COALESCE(map.relationships, 0) * company.kam_effort_relationship_hours
                   + adjustment.hours AS estimated_hours
              FROM (%(pairs)s) pair (account_id, company_id)
              JOIN res_partner account ON account.id = pair.account_id
              JOIN res_company company ON company.id = pair.company_id
         LEFT JOIN kam_account_figure figure
                ON figure.account_ref = account.id AND figure.company_id = company.id
         LEFT JOIN (SELECT account_id, COUNT(*) AS relationships
                      FROM kam_stakeholder WHERE active GROUP BY account_id) map
                ON map.account_id = account.id
       CROSS JOIN LATERAL (
                SELECT GREATEST(
                    CASE figure.tier WHEN 'a' THEN company.kam_effort_tier_a_hours
                                     WHEN 'b' THEN company.kam_effort_tier_b_hours
                                     WHEN 'c' THEN company.kam_effort_tier_c_hours
                                     ELSE 0 END,
                    CASE WHEN COALESCE((account.kam_own_is_strategic
                                        ->> company.id::text)::boolean, FALSE)
                         THEN company.kam_effort_strategic_hours ELSE 0 END) AS hours
            ) base
       CROSS JOIN LATERAL (
                SELECT COALESCE((account.kam_own_effort_adjustment
                                 ->> company.id::text)::float, 0) AS hours
            ) adjustment
            """,
            pairs=pairs,
        )

    @api.model
    def _account_effort(self, pairs):
        """The effort of accounts in companies, by (account id, company id)."""
        pairs = {(account, company) for account, company in pairs if account and company}
        if not pairs:
            return {}
        self.env.flush_all()
        accounts, companies = zip(*pairs, strict=True)
        rows = self.env.execute_query_dict(
            self._sql_account_effort(
                SQL("SELECT * FROM unnest(%s::int[], %s::int[])", list(accounts), list(companies))
            )
        )
        return {
            (row["account_id"], row["company_id"]): {
                "base": row["base_hours"],
                "relationships": row["relationships"],
                "relationship_hours": row["relationship_hours"],
                "adjustment": row["adjustment_hours"],
                "estimated": row["estimated_hours"],
            }
            for row in rows
        }

    @api.model
    def _measured_by_member(self, members):
        """Measured hours a month of each (account, user) of members."""
        if not members:
            return {}
        self.env["kam.effort.measure"].flush_model()
        rows = self.env.execute_query(
            SQL(
                "SELECT account_ref, user_id, hours FROM kam_effort_measure"
                " WHERE account_ref = ANY(%s) AND user_id = ANY(%s)",
                members.account_id.ids,
                members.user_id.ids,
            )
        )
        return {(account, user): float(hours) for account, user, hours in rows}

    def init(self):
        current = self.env["kam.account.member"]._sql_current("member")
        effort = self._sql_account_effort(
            SQL(
                "SELECT DISTINCT member.account_id, member.company_id"
                " FROM kam_account_member member WHERE %s",
                current,
            )
        )
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.execute_query(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS
                WITH effort AS (%(effort)s),
                work AS (
                    SELECT member.user_id,
                           COUNT(DISTINCT member.account_id) AS account_count,
                           SUM(effort.estimated_hours * member.effort_share / 100.0) AS estimated,
                           SUM(COALESCE(measure.hours, 0)) AS measured
                      FROM kam_account_member member
                      JOIN effort ON effort.account_id = member.account_id
                                 AND effort.company_id = member.company_id
                 LEFT JOIN kam_effort_measure measure
                        ON measure.account_ref = member.account_id
                       AND measure.user_id = member.user_id
                     WHERE %(current)s
                  GROUP BY member.user_id
                )
                SELECT kam.id, kam.id AS user_id, kam.sale_team_id AS team_id,
                       kam.company_id, capacity.hours AS capacity_hours,
                       COALESCE(work.estimated, 0) AS estimated_hours,
                       COALESCE(work.measured, 0) AS measured_hours,
                       ROUND((COALESCE(work.estimated, 0) * 100 / capacity.hours)::numeric, 1)
                           AS load_percent,
                       ROUND((COALESCE(work.measured, 0) * 100 / capacity.hours)::numeric, 1)
                           AS measured_load_percent,
                       company.kam_overload_percent AS overload_percent,
                       COALESCE(work.estimated, 0) * 100 / capacity.hours
                           > company.kam_overload_percent AS is_overloaded,
                       COALESCE(work.account_count, 0) AS account_count,
                       EXISTS (SELECT 1 FROM kam_absence absence
                                WHERE absence.user_id = kam.id
                                  AND CURRENT_DATE BETWEEN absence.date_from
                                                       AND absence.date_to) AS is_absent
                  FROM res_users kam
                  JOIN res_company company ON company.id = kam.company_id
                  JOIN res_groups_users_rel kam_group
                    ON kam_group.uid = kam.id
                   AND kam_group.gid = (SELECT res_id FROM ir_model_data
                                         WHERE module = 'kam_management'
                                           AND name = 'group_kam_user')
             LEFT JOIN work ON work.user_id = kam.id
            CROSS JOIN LATERAL (
                    SELECT COALESCE(NULLIF(kam.kam_capacity_hours, 0),
                                    company.kam_default_capacity_hours) AS hours
                ) capacity
                 WHERE kam.active AND NOT kam.share
                """,
                view=SQL.identifier(self._table),
                effort=effort,
                current=current,
            )
        )

    # ------------------------------------------------------------------
    # Buttons of the board
    # ------------------------------------------------------------------
    def action_open_accounts(self):
        """The accounts whose team the KAM is in now, with their role and share."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.kam_account_member_action"
        )
        action["name"] = self.env._("Accounts of %(kam)s", kam=self.user_id.name)
        action["domain"] = [("user_id", "=", self.user_id.id)]
        action["context"] = {"search_default_current": 1}
        return action

    def action_hand_over(self):
        """Open the handover wizard from this KAM."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.kam_handover_wizard_action"
        )
        action["context"] = {"default_from_user_id": self.user_id.id}
        return action

    # ------------------------------------------------------------------
    # Nightly
    # ------------------------------------------------------------------
    @api.model
    def _cron_workload(self):
        """Measure the effort of every team, then look after overloaded KAMs."""
        self.env["kam.effort.measure"]._measure()
        self._follow_overloads()
        self.env["kam.handover"]._cron_end_transitions()

    @api.model
    def _follow_overloads(self):
        """Date each overload, and tell the KAM managers once when one lasts."""
        now = fields.Datetime.now()
        users = self.env["res.users"].sudo()
        self.invalidate_model()  # a view: what was read earlier may have changed
        loads = self.sudo().search([("is_overloaded", "=", True)])
        overloaded = loads.user_id
        ended = users.search([("kam_overloaded_since", "!=", False)]) - overloaded
        ended.write({"kam_overloaded_since": False, "kam_overload_notified": False})
        overloaded.filtered(lambda user: not user.kam_overloaded_since).write(
            {"kam_overloaded_since": now}
        )
        lasting = overloaded.filtered(
            lambda user: (
                not user.kam_overload_notified
                and user.kam_overloaded_since <= now - timedelta(days=OVERLOAD_NOTICE_DAYS)
            )
        )
        for user in lasting:
            user._kam_notify_overload(loads.filtered(lambda load, u=user: load.user_id == u))
        lasting.write({"kam_overload_notified": True})
