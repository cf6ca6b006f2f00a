"""18.0.1.1.0: see pre-migrate.py. The changed access rules, and the
decision-maker role as a flag."""

from odoo import SUPERUSER_ID, api

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
    env.invalidate_all()
