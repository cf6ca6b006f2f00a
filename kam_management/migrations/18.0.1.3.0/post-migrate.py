"""18.0.1.3.0: competitors are partners flagged as such, recorded at the accounts
(kam.competitor.presence) instead of a list on each plan; the plan's needs, value
proposition and SWOT carry the date they were last confirmed.

The competitors listed on a plan become flagged competitors, each recorded once at
the plan's account in the plan's company (for every category), dated from the
plan's last change; a partner listed on a plan of its own account is left out. The
plans' list (table kam_account_plan_competitor_rel) is dropped by the update after
this script. Written information is dated from the plan's last change.

Orders confirmed before the addon was installed in 18.0.1.2.0 get their order date
as confirmation date, as 18.0.1.2.0 did for earlier databases."""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

DATED_INFORMATION = {
    "needs_date": ("customer_needs",),
    "value_proposition_date": ("value_proposition",),
    "swot_date": ("swot_strengths", "swot_weaknesses", "swot_opportunities", "swot_threats"),
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env.execute_query(
        SQL(
            "UPDATE sale_order SET kam_confirmed_date = date_order"
            " WHERE kam_confirmed_date IS NULL AND state = 'sale'"
        )
    )
    cr.execute("SELECT to_regclass('kam_account_plan_competitor_rel')")
    if cr.fetchone()[0]:
        listed = env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (plan.account_id, plan.company_id, rel.partner_id)
                       plan.account_id, plan.company_id, rel.partner_id,
                       COALESCE(plan.last_change_date, plan.write_date)::date
                  FROM kam_account_plan_competitor_rel rel
                  JOIN kam_account_plan plan ON plan.id = rel.plan_id
                  JOIN res_partner competitor ON competitor.id = rel.partner_id
                 WHERE competitor.commercial_partner_id != plan.account_id
              ORDER BY plan.account_id, plan.company_id, rel.partner_id,
                       COALESCE(plan.last_change_date, plan.write_date) DESC
                """
            )
        )
        competitors = env["res.partner"].browse({row[2] for row in listed})
        competitors.write({"kam_is_competitor": True})
        env["kam.competitor.presence"].with_context(tracking_disable=True).create(
            [
                {
                    "account_id": account_id,
                    "company_id": company_id,
                    "competitor_id": competitor_id,
                    "info_date": info_date,
                    "source": env._("Competitors listed on the account plan"),
                }
                for account_id, company_id, competitor_id, info_date in listed
            ]
        )
    for date_field, content_fields in DATED_INFORMATION.items():
        written = SQL(" OR ").join(
            SQL(
                "NULLIF(regexp_replace(COALESCE(%s, ''), '<[^>]*>|\\s|&nbsp;', '', 'g'), '')"
                " IS NOT NULL",
                SQL.identifier(fname),
            )
            for fname in content_fields
        )
        env.execute_query(
            SQL(
                "UPDATE kam_account_plan SET %s = COALESCE(last_change_date, write_date)::date"
                " WHERE %s IS NULL AND (%s)",
                SQL.identifier(date_field),
                SQL.identifier(date_field),
                written,
            )
        )
