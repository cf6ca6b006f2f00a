"""18.0.1.1.0: see pre-migrate.py. Key status from the per-company decisions,
the decision-maker role as a flag, sales orders in line with their company."""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

# Rules (noupdate records, not rewritten by an update) whose domain changed:
# "the KAM of the account" is now the KAM in the record's company.
RULE_DOMAINS = {
    "kam_stakeholder_rule_user_own": "[('kam_user_id', '=', user.id)]",
    "kam_account_plan_rule_user_own": "['|', ('kam_user_id', '=', user.id), "
    "('user_id', '=', user.id)]",
    "kam_account_plan_rule_user_create": "[('kam_user_id', '=', user.id)]",
    "kam_account_plan_objective_rule_user_own": "['|', ('plan_id.kam_user_id', '=', user.id), "
    "('plan_id.user_id', '=', user.id)]",
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
    env["res.partner"]._kam_refresh_key_status()
    env.flush_all()
    # the KAM and key status of each order are those of its company (set-based)
    env.execute_query(
        SQL(
            """
            UPDATE sale_order sale
               SET kam_user_id = (account.kam_own_user_id ->> sale.company_id::text)::integer,
                   kam_is_key_account = COALESCE(
                       (account.kam_own_is_key_account ->> sale.company_id::text)::boolean, FALSE)
              FROM res_partner partner
              JOIN res_partner account ON account.id = partner.commercial_partner_id
             WHERE partner.id = sale.partner_id
               AND (sale.kam_user_id IS DISTINCT FROM
                        (account.kam_own_user_id ->> sale.company_id::text)::integer
                    OR sale.kam_is_key_account IS DISTINCT FROM COALESCE(
                        (account.kam_own_is_key_account ->> sale.company_id::text)::boolean,
                        FALSE))
            """
        )
    )
    env.invalidate_all()
