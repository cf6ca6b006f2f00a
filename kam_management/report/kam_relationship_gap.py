from odoo import api, fields, models, tools
from odoo.tools import SQL

GAPS = [
    ("no_decision_maker", "No decision maker identified"),
    ("decision_maker_overdue", "Decision maker not contacted within cadence"),
    ("single_threaded", "Single-threaded"),
    ("unbalanced_opponent", "High-influence opponent without an equal supporter"),
]


class KamRelationshipGap(models.Model):
    """Weak spots of the relationship map of each key account, computed live."""

    _name = "kam.relationship.gap"
    _description = "Relationship gap of a key account"
    _auto = False
    # what the view reads, flushed before it is searched
    _depends = {
        "res.partner": [
            "commercial_partner_id", "active", "name", "kam_own_user_id",
            "kam_own_is_strategic", "kam_own_key_override",
        ],
        "kam.account.figure": ["company_id", "account_ref", "is_key"],
        "kam.stakeholder": [
            "account_id", "contact_id", "active", "attitude", "influence", "next_contact_date",
            "role_ids",
        ],
        "kam.stakeholder.role": ["is_decision_maker"],
    }  # fmt: skip
    _order = "account_id, gap"
    _rec_name = "gap"

    account_id = fields.Many2one("res.partner", readonly=True)
    kam_user_id = fields.Many2one("res.users", string="Key Account Manager", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    gap = fields.Selection(GAPS, readonly=True)
    detail = fields.Char(readonly=True, help="The people concerned.")

    @api.depends("gap", "detail")
    def _compute_display_name(self):
        labels = dict(self._fields["gap"]._description_selection(self.env))
        for gap in self:
            label = labels.get(gap.gap, "")
            gap.display_name = f"{label}: {gap.detail}" if gap.detail else label

    def init(self):
        # One row per gap of an account in a company where it is a key account:
        # the candidates are the accounts key by revenue in a company (their
        # ranking row) and those a manager decided about (strategic flag or
        # decision), whose key status is then read as everywhere else
        # (kam.classification). Each account's map is summed up once, in a
        # LATERAL subquery, so that reading the gaps of one account (its form)
        # only looks at that account; the id is derived from (account, company,
        # gap), so it stays the same between reads.
        classification = self.env["kam.classification"]._expressions(
            "account", "figure", SQL.identifier("company", "id")
        )
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.execute_query(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS
                SELECT account.id::bigint * 1000000 + company.id::bigint * 4 + gap.ordinal AS id,
                       account.id AS account_id,
                       %(kam)s AS kam_user_id,
                       company.id AS company_id, gap.gap, gap.detail
                  FROM (SELECT account_ref AS id, company_id FROM kam_account_figure WHERE is_key
                         UNION
                        SELECT partner.id, company.id
                          FROM res_partner partner
                          JOIN res_company company
                            ON partner.kam_own_key_override ? company.id::text
                            OR partner.kam_own_is_strategic ? company.id::text
                         WHERE partner.kam_own_key_override IS NOT NULL
                            OR partner.kam_own_is_strategic IS NOT NULL) candidate
                  JOIN res_partner account ON account.id = candidate.id
                  JOIN res_company company ON company.id = candidate.company_id
             LEFT JOIN kam_account_figure figure
                    ON figure.account_ref = account.id AND figure.company_id = company.id
                 CROSS JOIN LATERAL (
                    SELECT COALESCE(BOOL_OR(people.decides), FALSE) AS has_decision_maker,
                           COUNT(*) FILTER (WHERE people.live) AS live_count,
                           string_agg(people.person, ', ' ORDER BY people.person)
                               FILTER (WHERE people.decides AND NOT people.live)
                               AS overdue_decision_makers,
                           string_agg(people.person, ', ' ORDER BY people.person)
                               FILTER (WHERE people.attitude = 'opponent'
                                         AND people.influence = 'high') AS strong_opponents,
                           COALESCE(BOOL_OR(people.attitude = 'supporter'
                                            AND people.influence = 'high'), FALSE)
                               AS has_strong_supporter
                      FROM (
                        SELECT contact.name AS person, stakeholder.attitude,
                               stakeholder.influence,
                               stakeholder.next_contact_date >= CURRENT_DATE AS live,
                               EXISTS (
                                   SELECT 1
                                     FROM kam_stakeholder_kam_stakeholder_role_rel rel
                                     JOIN kam_stakeholder_role role
                                       ON role.id = rel.kam_stakeholder_role_id
                                      AND role.is_decision_maker
                                    WHERE rel.kam_stakeholder_id = stakeholder.id
                               ) AS decides
                          FROM kam_stakeholder stakeholder
                          JOIN res_partner contact ON contact.id = stakeholder.contact_id
                         WHERE stakeholder.account_id = account.id AND stakeholder.active
                      ) people
                 ) map
                 CROSS JOIN LATERAL (VALUES
                    (0, 'no_decision_maker', NULL, NOT map.has_decision_maker),
                    (1, 'decision_maker_overdue', map.overdue_decision_makers,
                     map.overdue_decision_makers IS NOT NULL),
                    (2, 'single_threaded', NULL, map.live_count < 2),
                    (3, 'unbalanced_opponent', map.strong_opponents,
                     map.strong_opponents IS NOT NULL AND NOT map.has_strong_supporter)
                 ) AS gap (ordinal, gap, detail, applies)
                 WHERE account.id = account.commercial_partner_id
                   AND account.active
                   AND %(is_key)s
                   AND gap.applies
                """,
                view=SQL.identifier(self._table),
                kam=classification["kam_user_id"],
                is_key=classification["kam_is_key_account"],
            )
        )
