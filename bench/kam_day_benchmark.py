#!/usr/bin/env python3
"""Time what issue 15 adds to the nights and to the screens, against the floor.

Run with a Python that imports Odoo 18 (scripts/kam_dev.py bench-day does it), on
the database of `make bench-install` (two companies with history, the addon
installed and each company computed once):

    python bench/kam_day_benchmark.py DBNAME --addons-path ...

Per company:
(a) floor: the bare revenue aggregate of the concentration (`SELECT commercial
partner, SUM(...) GROUP BY` over the window), as in bench/benchmark.py, warmed
once then the median of three;
(b) the back-fill of the concentration history (one computation per past month
of the window, done once after an install by the scheduled action): first with
no back-filled month, then again, when there is nothing left to do;
(c) the four-function scorecard of the key accounts (nightly): first on an empty
table, then again on unchanged data, which must write nothing;
(d) as a KAM manager, the cockpit and a full page (80 cards) of the key-account
board: time and queries.
"""

import argparse
import time

from bench_tools import superuser_env, timed
from lxml import etree

from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval


def board_spec(env):
    """What the key-account board reads: the fields of its kanban view, relations
    with their display name (as the web client asks for them)."""
    partners = env["res.partner"]
    view = env.ref("kam_management.res_partner_view_kanban_key_account")
    arch = etree.fromstring(partners.get_view(view.id, "kanban")["arch"])
    return {
        name: {"fields": {"display_name": {}}} if partners._fields[name].relational else {}
        for name in dict.fromkeys(node.get("name") for node in arch.iter("field"))
    }


def with_queries(env, function):
    env.flush_all()
    env.invalidate_all()
    before = env.cr.sql_log_count
    started = time.perf_counter()
    function()
    return time.perf_counter() - started, env.cr.sql_log_count - before


def bench_company(env, company, manager):
    concentration = env["kam.concentration.engine"]
    date_from, date_to = concentration._revenue_window(company)
    floor_query = concentration._revenue_query(company, date_from, date_to)
    env.execute_query(floor_query)
    floor = timed(lambda: env.execute_query(floor_query), repeat=3)
    print(f"\n{company.name}: floor (bare revenue GROUP BY) {floor:.2f} s")

    runs = env["kam.concentration.run"]
    runs.search([("company_id", "=", company.id), ("is_backfill", "=", True)]).unlink()
    env.flush_all()
    backfill = env["kam.concentration.backfill"]
    filled = []
    first = timed(lambda: filled.append(backfill._backfill_company(company)))
    again = timed(lambda: backfill._backfill_company(company))
    lines = env["kam.concentration.line"].search_count([("run_id", "in", filled[0].ids)])
    print(
        f"back-fill: {len(filled[0])} months, {lines} lines: {first:.2f} s = {first / floor:.1f}x"
        f" the floor ({first / floor / max(len(filled[0]), 1):.2f}x per month);"
        f" again, nothing to do: {again:.2f} s"
    )

    scorecards = env["kam.account.scorecard"]
    scorecards.search([("company_id", "=", company.id)]).unlink()
    env.flush_all()
    engine = env["kam.scorecard.engine"]
    written = []
    first = timed(lambda: written.append(engine._score_company(company)))
    second = timed(lambda: written.append(engine._score_company(company)))
    print(
        f"scorecard: {written[0]} key accounts scored in {first:.2f} s = {first / floor:.1f}x"
        f" the floor; on unchanged data {second:.2f} s = {second / floor:.1f}x,"
        f" {written[1]} written"
    )

    as_manager = env(user=manager.id, context={"allowed_company_ids": [company.id]})
    as_manager["kam.cockpit"].kam_cockpit_data()  # warm the caches
    seconds, queries = with_queries(env, lambda: as_manager["kam.cockpit"].kam_cockpit_data())
    print(f"cockpit: {seconds:.2f} s, {queries} queries")
    action = env["ir.actions.act_window"]._for_xml_id(
        "kam_management.res_partner_action_key_account"
    )
    partners = as_manager["res.partner"]
    spec = board_spec(env)

    def page():
        return partners.web_search_read(safe_eval(action["domain"]), spec, limit=80)

    page()
    seconds, queries = with_queries(env, page)
    print(f"key-account board, 80 cards: {seconds:.2f} s, {queries} queries")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database")
    parser.add_argument("--addons-path", required=True)
    args = parser.parse_args()
    with superuser_env(args.database, args.addons_path) as env:
        manager = env["res.users"].search(
            [("groups_id", "in", env.ref("kam_management.group_kam_manager").ids)], limit=1
        )
        for company in env["res.company"].search([]):
            if env.execute_query(
                SQL("SELECT 1 FROM kam_concentration_run WHERE company_id = %s LIMIT 1", company.id)
            ):
                manager.company_ids |= company
                bench_company(env, company, manager)
        env.cr.rollback()  # measures only: the database stays as it was


if __name__ == "__main__":
    main()
