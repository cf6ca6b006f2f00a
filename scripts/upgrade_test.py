#!/usr/bin/env python3
"""Upgrade test: a database made with an earlier kam_management, upgraded to this one.

    python3 scripts/upgrade_test.py --from REV      (or: make upgrade-test FROM=REV)

1. checks out REV in a temporary git worktree and creates the database
   ``kam_upgrade_<REV>`` with that version of the addon and its demo data;
2. adds what users make (a second company sharing customers, KAMs, strategic
   flags, manager decisions, plans, objectives, stakeholders, a computation) and
   takes a snapshot of every key-account record and decision;
3. upgrades the database to this checkout with ``-u kam_management``;
4. checks that every record is still there, that every decision holds for each
   company it was valid for, and that the new access rules apply.

Odoo is found as for ``make test`` (ODOO_SRC, or an importable odoo). The
database is kept for inspection; ``--keep-worktree`` keeps the checkout too.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kam_dev

REPO = kam_dev.REPO

# Runs in `odoo shell` on the database as made by the earlier version.
MAKE_DATA = r"""
import json, os
from odoo import Command
Partner = env["res.partner"]
main = env.ref("base.main_company")
sister = env["res.company"].create({"name": "Upgrade Sister Company"})
marco = env.ref("kam_management.demo_user_kam_marco")
ana = env.ref("kam_management.demo_user_kam_ana")
marco.company_ids = [Command.link(sister.id)]          # Marco works for both companies
manager = env.ref("kam_management.demo_user_kam_manager")
manager.company_ids = [Command.link(sister.id)]
shared = Partner.create({"name": "Upgrade Shared Customer", "is_company": True,
                         "kam_user_id": marco.id, "kam_is_strategic": True,
                         "kam_strategic_reason": "Opens a market for both companies",
                         "kam_strategic_review_date": "2031-06-30"})
Partner.create({"name": "Upgrade Shared Buyer", "parent_id": shared.id})
own = Partner.create({"name": "Upgrade Main-only Customer", "is_company": True,
                      "company_id": main.id, "kam_user_id": ana.id,
                      "kam_key_override": "not_key", "kam_key_override_reason": "Leaving us"})
sister_only = Partner.create({"name": "Upgrade Sister-only Customer", "is_company": True,
                              "company_id": sister.id, "kam_user_id": ana.id,
                              "kam_key_override": "key", "kam_key_override_reason": "Tender"})
plan = env["kam.account.plan"].create({"account_id": shared.id, "date_start": "2026-01-01",
                                       "date_end": "2026-12-31", "revenue_target": 1000})
rival = Partner.create({"name": "Upgrade Rival", "is_company": True})
plan.write({"swot_strengths": "<p>Upgrade strength</p>", "value_proposition": "<p>X</p>"})
if "competitor_ids" in plan._fields:  # up to 18.0.1.2.0: a list of partners on the plan
    plan.competitor_ids = [Command.link(rival.id)]
env["kam.account.plan.objective"].create({"plan_id": plan.id, "name": "Upgrade objective",
                                          "metric": "manual", "target": 3})
env["kam.stakeholder"].create({"account_id": shared.id,
                               "contact_id": shared.child_ids[:1].id,
                               "role_ids": [Command.link(env.ref(
                                   "kam_management.stakeholder_role_decision_maker").id)]})
env["kam.concentration.run"].sudo()._compute_for_companies(main | sister)
env.flush_all()

snapshot = {"companies": env["res.company"].search([]).ids, "partners": {}, "access": {},
            "records": {}, "orders": {}}
for user in env["res.users"].with_context(active_test=False).search([]):
    snapshot["access"][user.id] = user.company_ids.ids
cr = env.cr
# each account's decisions as every company sees them (stored differently by versions)
DECISIONS = ["kam_user_id", "kam_is_strategic", "kam_strategic_reason",
             "kam_strategic_review_date", "kam_key_override", "kam_key_override_reason"]
accounts = Partner.sudo().with_context(active_test=False).search([])
for partner in accounts.filtered(lambda p: p == p.commercial_partner_id):
    per_company = {}
    for company in env["res.company"].search([]):
        here = partner.with_company(company)
        values = []
        for fname in DECISIONS:
            value = here[fname]
            value = value.id if hasattr(value, "id") else value
            values.append((str(value) if value and fname.endswith("_date") else value) or None)
        per_company[str(company.id)] = values
    snapshot["partners"][partner.id] = [partner.company_id.id or None, per_company]
# decisions already kept per company (18.0.1.1.0 on) must come through unchanged
snapshot["per_company"] = "kam_own_user_id" in Partner._fields
# the classification as users see it, per company (stored differently by versions)
snapshot["classification"] = {}
for partner in Partner.sudo().browse(list(snapshot["partners"])):
    snapshot["classification"][partner.id] = [
        {str(c.id): partner.with_company(c).kam_is_key_account for c in main | sister},
        {str(c.id): partner.with_company(c).kam_tier for c in main | sister},
    ]
for model in ("kam.account.plan", "kam.account.plan.objective", "kam.stakeholder",
              "kam.concentration.run", "kam.concentration.line", "kam.account.figure",
              "kam.opportunity.contact", "kam.stakeholder.role", "kam.account.member",
              "kam.member.role", "kam.absence", "kam.handover", "kam.tension",
              "kam.tension.type", "kam.signal", "kam.account.health",
              "kam.competitor.presence", "kam.whitespace"):
    if model not in env:
        continue
    table = env[model]._table
    cr.execute(f"SELECT id FROM {table}")
    snapshot["records"][model] = sorted(r[0] for r in cr.fetchall())
cr.execute("SELECT COUNT(*) FROM mail_tracking_value v JOIN ir_model_fields f ON f.id = v.field_id "
           "WHERE f.model = 'res.partner' AND f.name LIKE 'kam_%'")
snapshot["tracking_values"] = cr.fetchone()[0]
# competitors listed on plans (up to 18.0.1.2.0) or recorded at the accounts
Plan = env["kam.account.plan"].sudo().with_context(active_test=False)
snapshot["competitors_on_plans"] = "competitor_ids" in Plan._fields
if snapshot["competitors_on_plans"]:
    snapshot["competitors"] = sorted({
        (plan.account_id.id, plan.company_id.id, competitor.id)
        for plan in Plan.search([]) for competitor in plan.competitor_ids
    })
else:
    snapshot["competitors"] = sorted({
        (p.account_id.id, p.company_id.id, p.competitor_id.id)
        for p in env["kam.competitor.presence"].sudo().search([])
    })
snapshot["written_plans"] = Plan.search([("swot_strengths", "!=", False)]).ids
confirmed_column = "kam_confirmed_user_id" in env["sale.order"]._fields
# the confirmation date exists from 18.0.1.2.0 (and is filled for every confirmed
# order from 18.0.1.3.0 on an upgrade; a fresh install leaves orders confirmed
# before it without one)
snapshot["confirmed_dates"] = "kam_confirmed_date" in env["sale.order"]._fields
snapshot["version"] = env["ir.module.module"].search(
    [("name", "=", "kam_management")]).latest_version
for order in env["sale.order"].sudo().search([]):
    snapshot["orders"][order.id] = (
        order.company_id.id, order.kam_user_id.id or None, order.state,
        (order.kam_confirmed_user_id.id or None) if confirmed_column else None,
        confirmed_column,
        order.kam_confirmed_date.strftime("%Y-%m-%d %H:%M:%S")
        if snapshot["confirmed_dates"] and order.kam_confirmed_date else None,
    )
env.cr.commit()
with open(os.environ["KAM_SNAPSHOT"], "w") as f:
    json.dump(snapshot, f)
print("snapshot: %d accounts, %s" % (len(snapshot["partners"]),
      {m: len(ids) for m, ids in snapshot["records"].items()}))
"""

# Runs in `odoo shell` on the upgraded database.
CHECK = r"""
import json, os
from odoo.exceptions import AccessError
snapshot = json.load(open(os.environ["KAM_SNAPSHOT"]))
problems = []
companies = env["res.company"].browse(snapshot["companies"])
access = {int(k): set(v) for k, v in snapshot["access"].items()}
Partner = env["res.partner"].sudo()
fields = ["kam_user_id", "kam_is_strategic", "kam_strategic_reason", "kam_strategic_review_date",
          "kam_key_override", "kam_key_override_reason"]
checked = 0
for partner_id, (company_id, per_company) in snapshot["partners"].items():
    partner = Partner.browse(int(partner_id))
    if not partner.exists():
        problems.append(f"partner {partner_id} lost")
        continue
    for company in companies:
        valid = company_id in (None, company.id)
        here = partner.with_company(company)
        old = per_company.get(str(company.id)) or [None] * len(fields)
        for fname, old_value in zip(fields, old):
            new_value = here[fname]
            new_value = new_value.id if hasattr(new_value, "id") else new_value
            new_value = str(new_value) if fname.endswith("_date") and new_value else new_value
            expected = old_value if valid or snapshot["per_company"] else None
            if (fname == "kam_user_id" and old_value and company.id not in access[old_value]
                    and not snapshot["per_company"]):
                expected = None  # a KAM only where the user works
            if (new_value or None) != (expected or None):
                problems.append(f"{partner.name} in {company.name}: {fname} = {new_value!r},"
                                f" expected {expected!r}")
            checked += 1
for partner_id, (key_status, tiers) in snapshot["classification"].items():
    partner = Partner.browse(int(partner_id))
    company_id = snapshot["partners"][partner_id][0]
    for company in companies.filtered(lambda c: company_id in (None, c.id)):
        here = partner.with_company(company)
        if bool(key_status.get(str(company.id))) != here.kam_is_key_account:
            problems.append(f"{partner.name} in {company.name}: key status changed")
        if (tiers.get(str(company.id)) or False) != here.kam_tier:
            problems.append(f"{partner.name} in {company.name}: tier changed")
for model, ids in snapshot["records"].items():
    kept = env[model].sudo().with_context(active_test=False).browse(ids).exists()
    if len(kept) != len(ids):
        problems.append(f"{model}: {len(ids) - len(kept)} of {len(ids)} records lost")
cr = env.cr
cr.execute("SELECT COUNT(*) FROM mail_tracking_value v JOIN ir_model_fields f ON f.id = v.field_id "
           "WHERE f.model = 'res.partner' AND f.name LIKE 'kam_%'")
if cr.fetchone()[0] < snapshot["tracking_values"]:
    problems.append("tracking history of the key-account fields lost")
cr.execute("SELECT id, kam_confirmed_user_id, kam_confirmed_date FROM sale_order")
orders = {r[0]: r[1:] for r in cr.fetchall()}
Order = env["sale.order"].sudo()
for order_id, (company_id, kam, state, confirmed_kam, had_column, confirmed_date) in (
        snapshot["orders"].items()):
    order_id = int(order_id)
    if order_id not in orders:
        problems.append(f"sale order {order_id} lost")
        continue
    valid_kam = kam if kam and company_id in access[kam] else None
    # an earlier version with the column keeps what it recorded; before it, the
    # migration records the KAM of the day
    expected = confirmed_kam if had_column else valid_kam
    if state == "sale" and orders[order_id][0] != expected:
        problems.append(f"sale order {order_id}: KAM at confirmation {orders[order_id][0]}, "
                        f"expected {expected}")
    if confirmed_date and (not orders[order_id][1] or orders[order_id][1].strftime(
            "%Y-%m-%d %H:%M:%S") != confirmed_date):
        problems.append(f"sale order {order_id}: confirmation date {orders[order_id][1]}, "
                        f"was {confirmed_date}")
    # every confirmed order has a date from the 18.0.1.3.0 migration on
    dated = snapshot.get("version", "") < "18.0.1.3.0"
    if state == "sale" and not orders[order_id][1] and dated:
        problems.append(f"sale order {order_id}: no confirmation date")
    if (Order.browse(order_id).kam_user_id.id or None) != valid_kam:
        problems.append(f"sale order {order_id}: current KAM {Order.browse(order_id).kam_user_id}")
# every competitor listed on a plan is a flagged competitor recorded at its account
Presence = env["kam.competitor.presence"].sudo()
for account_id, company_id, competitor_id in snapshot["competitors"]:
    domain = [("account_id", "=", account_id), ("company_id", "=", company_id),
              ("competitor_id", "=", competitor_id)]
    if snapshot.get("competitors_on_plans", True):
        # once, for every category (the demo data may add more, by category)
        domain.append(("categ_id", "=", False))
    found = Presence.search(domain)
    if not found or (snapshot.get("competitors_on_plans", True) and len(found) != 1) or not all(
            found.competitor_id.mapped("kam_is_competitor")):
        problems.append(f"competitor {competitor_id} of account {account_id}: {len(found)} records")
for plan in env["kam.account.plan"].sudo().browse(snapshot["written_plans"]):
    if not plan.swot_date:
        problems.append(f"plan {plan.display_name}: its SWOT has no confirmation date")
# the nightly information job runs on the upgraded data
for company in companies:
    env["kam.information.engine"].sudo()._refresh_company(company)
cells = env["kam.whitespace"].sudo().search_count([])
scorecards = env["kam.account.scorecard"].sudo().search_count([])
if not scorecards:
    problems.append("no scorecard after the first information job")
# the history is back-filled by the scheduled action after the update (18.0.1.4.0),
# next to the computations already there
Run = env["kam.concentration.run"].sudo()
real_runs = Run.search([("is_backfill", "=", False)]).ids
if not all(companies.mapped("kam_backfill_requested")):
    problems.append("the back-fill of the history was not requested")
for _call in range(3 * len(companies) + 2):
    Run._cron_compute_concentration()
backfilled = Run.search_count([("is_backfill", "=", True)])
if not backfilled:
    problems.append("no month back-filled after the update")
if sorted(Run.search([("is_backfill", "=", False)]).ids)[: len(real_runs)] != sorted(real_runs):
    problems.append("a computation made before the update was lost")
for company in companies:
    latest = Run.search([("company_id", "=", company.id)], limit=1)
    if latest.is_backfill:
        problems.append(f"{company.name}: a back-filled month shows as the latest computation")
expected_roles = env["kam.member.role"].sudo().search([("is_expected", "=", True)])
if len(expected_roles) != 3:
    problems.append(f"expected team roles: {expected_roles.mapped('name')}")
# the nightly check of signals and health runs on the upgraded data
for company in companies:
    env["kam.signal.engine"].sudo()._check_company(company)
signals = env["kam.signal"].sudo().search_count([])
healths = env["kam.account.health"].sudo().search_count([("is_current", "=", True)])
if not healths:
    problems.append("no account health after the first check")
# every account's KAM leads its team in that company, once
Member = env["kam.account.member"].sudo()
leads = 0
for partner_id, (company_id, _per_company) in snapshot["partners"].items():
    partner = Partner.browse(int(partner_id))
    for company in companies.filtered(lambda c: company_id in (None, c.id)):
        kam = partner.with_company(company).kam_user_id
        lead = Member.search([("account_id", "=", partner.id), ("company_id", "=", company.id),
                              ("is_lead", "=", True), ("is_current", "=", True)])
        if lead.user_id != kam:
            problems.append(f"{partner.name} in {company.name}: lead {lead.user_id.name},"
                            f" KAM {kam.name}")
        leads += len(lead)
# the new rules apply
rule = env.ref("kam_management.kam_stakeholder_rule_user_own")
if "account_id.kam_user_id" in rule.domain_force:
    problems.append("the stakeholder rule was not updated")
if not env.ref("kam_management.stakeholder_role_decision_maker").is_decision_maker:
    problems.append("the Decision Maker role lost its meaning")
marco = env.ref("kam_management.demo_user_kam_marco")
javier = env.ref("kam_management.demo_user_kam_javier")
shared = Partner.search([("name", "=", "Upgrade Shared Customer")])
stakeholder = env["kam.stakeholder"].sudo().search([("account_id", "=", shared.id)])
stakeholder.with_user(marco).write({"strength": 4})
try:
    stakeholder.with_user(javier).write({"strength": 1})
    problems.append("another KAM could change the stakeholder")
except AccessError:
    pass
employee = env["res.users"].create({"name": "Upgrade Employee", "login": "upgrade_employee",
                                    "groups_id": [(6, 0, env.ref("base.group_user").ids)]})
for fname in ("kam_strategic_reason", "kam_revenue", "kam_user_id"):
    try:
        shared.with_user(employee).read([fname])
        problems.append(f"an employee without sales rights reads {fname}")
    except AccessError:
        pass
env.cr.rollback()
print(f"checked {checked} decisions of {len(snapshot['partners'])} accounts in "
      f"{len(companies)} companies, {sum(map(len, snapshot['records'].values()))} records, "
      f"{leads} team leads, {len(snapshot['competitors'])} competitors at accounts; first check: "
      f"{signals} signals, {healths} account healths, {cells} whitespace cells, "
      f"{scorecards} scorecards, {backfilled} back-filled months")
if problems:
    print("UPGRADE PROBLEMS:")
    for problem in problems:
        print("  " + problem)
    raise SystemExit(1)
print("UPGRADE OK")
"""


def shell(odoo, addons_path, database, code, env):
    cmd = odoo.command() + kam_dev.odoo_config_args()
    cmd += ["shell", "--addons-path", addons_path, "-d", database, "--log-level", "warn"]
    result = subprocess.run(
        [str(part) for part in cmd], input=code, text=True, env=env, check=False
    )
    return result.returncode


def addons_path_for(odoo, addon_dir):
    return odoo.addons_path().replace(str(REPO), str(addon_dir))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--from", dest="base", required=True, help="earlier commit")
    parser.add_argument("--keep-worktree", action="store_true")
    args = parser.parse_args()
    odoo, python = kam_dev.prepare_odoo()
    if not odoo:
        return 1
    base = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", args.base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    database = f"kam_upgrade_{base}"
    worktree = Path(tempfile.mkdtemp(prefix=f"kam_{base}_"))
    snapshot = worktree.parent / f"{database}.json"
    env = dict(odoo.env(), KAM_SNAPSHOT=str(snapshot))
    kam_dev.run(["git", "-C", REPO, "worktree", "add", "--detach", "--force", worktree, base])
    try:
        old_path = addons_path_for(odoo, worktree)
        kam_dev.drop_database(python, database)
        kam_dev.say(f"Creating {database} with kam_management as of {base} ...")
        created = kam_dev.run(
            odoo.command()
            + kam_dev.odoo_config_args()
            + ["--addons-path", old_path, "-d", database, "-i", kam_dev.ADDON]
            + ["--stop-after-init", "--log-level", "warn"],
            env=env,
        )
        if created.returncode or shell(odoo, old_path, database, MAKE_DATA, env):
            kam_dev.say("Making the earlier database failed (see above).")
            return 1
        kam_dev.say(f"Upgrading {database} to this checkout (-u {kam_dev.ADDON}) ...")
        upgraded = kam_dev.run(
            odoo.command()
            + kam_dev.odoo_config_args()
            + ["--addons-path", odoo.addons_path(), "-d", database, "-u", kam_dev.ADDON]
            + ["--stop-after-init", "--log-level", "warn"],
            env=env,
        )
        if upgraded.returncode:
            kam_dev.say("The upgrade failed (see above).")
            return 1
        return shell(odoo, odoo.addons_path(), database, CHECK, env)
    finally:
        if not args.keep_worktree:
            kam_dev.run(["git", "-C", REPO, "worktree", "remove", "--force", worktree])
        if snapshot.exists():
            kam_dev.say(f"Snapshot of the earlier database: {snapshot}")


if __name__ == "__main__":
    os.chdir(REPO)
    sys.exit(main())
