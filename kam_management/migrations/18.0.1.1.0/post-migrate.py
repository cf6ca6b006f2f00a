"""18.0.1.1.0: see pre-migrate.py. Key status from the per-company decisions,
the decision-maker role as a flag, sales orders in line with their company."""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
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
