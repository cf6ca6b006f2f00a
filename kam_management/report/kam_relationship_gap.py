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
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS
                WITH accounts AS (
                    SELECT account.id, account.kam_user_id, account.company_id
                      FROM res_partner account
                     WHERE account.id = account.commercial_partner_id
                       AND account.active
                       AND EXISTS (SELECT 1 FROM jsonb_each_text(account.kam_is_key_account) flag
                                    WHERE flag.value = 'true')
                ),
                people AS (
                    SELECT stakeholder.*, contact.name AS person,
                           stakeholder.next_contact_date >= CURRENT_DATE AS live,
                           EXISTS (
                               SELECT 1
                                 FROM kam_stakeholder_kam_stakeholder_role_rel rel
                                 JOIN ir_model_data role_xmlid
                                   ON role_xmlid.res_id = rel.kam_stakeholder_role_id
                                  AND role_xmlid.model = 'kam.stakeholder.role'
                                  AND role_xmlid.module = 'kam_management'
                                  AND role_xmlid.name = 'stakeholder_role_decision_maker'
                                WHERE rel.kam_stakeholder_id = stakeholder.id
                           ) AS decides
                      FROM kam_stakeholder stakeholder
                      JOIN res_partner contact ON contact.id = stakeholder.contact_id
                     WHERE stakeholder.active
                ),
                gaps AS (
                    SELECT accounts.id AS account_id, 'no_decision_maker' AS gap, NULL AS detail
                      FROM accounts
                     WHERE NOT EXISTS (SELECT 1 FROM people
                                        WHERE people.account_id = accounts.id AND people.decides)
                    UNION ALL
                    SELECT people.account_id, 'decision_maker_overdue',
                           string_agg(people.person, ', ' ORDER BY people.person)
                      FROM people
                      JOIN accounts ON accounts.id = people.account_id
                     WHERE people.decides AND NOT people.live
                  GROUP BY people.account_id
                    UNION ALL
                    SELECT accounts.id, 'single_threaded', NULL
                      FROM accounts
                     WHERE (SELECT COUNT(*) FROM people
                             WHERE people.account_id = accounts.id AND people.live) < 2
                    UNION ALL
                    SELECT people.account_id, 'unbalanced_opponent',
                           string_agg(people.person, ', ' ORDER BY people.person)
                      FROM people
                      JOIN accounts ON accounts.id = people.account_id
                     WHERE people.attitude = 'opponent' AND people.influence = 'high'
                       AND NOT EXISTS (SELECT 1 FROM people supporter
                                        WHERE supporter.account_id = people.account_id
                                          AND supporter.attitude = 'supporter'
                                          AND supporter.influence = 'high')
                  GROUP BY people.account_id
                )
                SELECT ROW_NUMBER() OVER (ORDER BY gaps.account_id, gaps.gap) AS id,
                       gaps.account_id, accounts.kam_user_id, accounts.company_id,
                       gaps.gap, gaps.detail
                  FROM gaps
                  JOIN accounts ON accounts.id = gaps.account_id
                """,
                view=SQL.identifier(self._table),
            )
        )
