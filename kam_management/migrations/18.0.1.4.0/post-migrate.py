"""18.0.1.4.0: the four-function scorecard and the history from day one.

The team roles a key account's team is expected to have (new field
``is_expected``) are set on the shipped roles the scorecard counts (Key Account
Manager, Sales Representative, Executive Sponsor): their data is not updated
(noupdate), and a role a user renamed or archived keeps its other values. The
scorecard rules of each company are created by its first scoring (at the next
nightly job). Each company's concentration history is back-filled by the
scheduled action after the update, for the past months of the window that have
no computation yet; existing computations are kept as they are."""

from odoo import SUPERUSER_ID, api

EXPECTED_ROLES = (
    "kam_management.kam_member_role_lead",
    "kam_management.kam_member_role_sales",
    "kam_management.kam_member_role_sponsor",
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in EXPECTED_ROLES:
        role = env.ref(xmlid, raise_if_not_found=False)
        if role:
            role.is_expected = True
    env["res.company"].with_context(active_test=False).search([]).kam_backfill_requested = True
    env.ref("kam_management.ir_cron_kam_concentration")._trigger()
