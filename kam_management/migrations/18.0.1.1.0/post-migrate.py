"""18.0.1.1.0: see pre-migrate.py. The changed access rules, and the
decision-maker role as a flag."""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

# Rules (noupdate records, not rewritten by an update) whose domain changed:
# "the KAM of the account" is now its team in the record's company (the KAM and
# the current members).
RULE_DOMAINS = {
    "kam_stakeholder_rule_user_own": "[('kam_team_user_ids', 'in', [user.id])]",
    "kam_account_plan_rule_user_own": "['|', ('kam_team_user_ids', 'in', [user.id]), "
    "('user_id', '=', user.id)]",
    "kam_account_plan_rule_user_create": "[('kam_team_user_ids', 'in', [user.id])]",
    "kam_account_plan_objective_rule_user_own": "['|', "
    "('plan_id.kam_team_user_ids', 'in', [user.id]), ('plan_id.user_id', '=', user.id)]",
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, domain in RULE_DOMAINS.items():
        rule = env.ref(f"kam_management.{xmlid}", raise_if_not_found=False)
        if rule:
            rule.domain_force = domain
    role = env.ref("kam_management.stakeholder_role_decision_maker", raise_if_not_found=False)
    if role:
        role.is_decision_maker = True
    # every KAM leads the team of their account in each company (set-based)
    lead_role = env.ref("kam_management.kam_member_role_lead")
    env.flush_all()
    env.execute_query(
        SQL(
            """
            INSERT INTO kam_account_member
                (account_id, company_id, user_id, role_id, is_lead, is_backup, effort_share,
                 date_start, create_uid, write_uid, create_date, write_date)
            SELECT account.id, kam.key::integer, kam.value::integer, %(role)s, TRUE, FALSE, 100,
                   CURRENT_DATE, %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC',
                   NOW() AT TIME ZONE 'UTC'
              FROM res_partner account
              JOIN LATERAL jsonb_each_text(account.kam_own_user_id) kam ON kam.value IS NOT NULL
             WHERE account.kam_own_user_id IS NOT NULL
            """,
            role=lead_role.id,
            uid=SUPERUSER_ID,
        )
    )
    env.invalidate_all()
