#!/usr/bin/env python3
"""Time the concentration engine against the floor, on a generated database.

Run with a Python that imports Odoo 18 (scripts/kam_dev.py bench does it):

    python bench/benchmark.py DBNAME --addons-path ...

(a) floor: the bare `SELECT commercial partner, SUM(...) GROUP BY` over the
window, the least any classification must read; (b) the addon's full run
for the company: aggregate, ranking maths, write-back of changed rows,
history. The full run is timed first on unchanged data (the first run on a
fresh database writes every customer), then on several "nights", each after
one more day of invoices; the floor is measured again before each night, as
it varies between runs, and each night is compared with its own floor.
"""

import argparse
import resource
import statistics

from bench_tools import superuser_env, timed

from odoo.tools import SQL


def add_one_day_of_invoices(env, company, documents):
    """Copy a random 1/540 of the invoices (18 months of history) to today."""
    rows = env.execute_query(
        SQL(
            """
            INSERT INTO account_move (journal_id, currency_id, company_id, state, move_type,
                                      auto_post, date, invoice_date, partner_id,
                                      commercial_partner_id, amount_untaxed,
                                      amount_untaxed_signed, amount_total, amount_total_signed,
                                      name, create_date, write_date)
            SELECT journal_id, currency_id, company_id, state, move_type, auto_post,
                   CURRENT_DATE, CURRENT_DATE, partner_id, commercial_partner_id,
                   amount_untaxed, amount_untaxed_signed, amount_total, amount_total_signed,
                   '/', NOW(), NOW()
              FROM account_move
             WHERE company_id = %s AND move_type IN ('out_invoice', 'out_refund')
             ORDER BY random()
             LIMIT %s
         RETURNING id
            """,
            company.id,
            max(1, documents // 540),
        )
    )
    env.cr.commit()
    return len(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database")
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--nights", type=int, default=5, help="nightly runs to time")
    args = parser.parse_args()
    with superuser_env(args.database, args.addons_path) as env:
        cr = env.cr
        company = env.ref("base.main_company")
        Run = env["kam.concentration.run"]
        customers = env.execute_query(
            SQL("SELECT COUNT(*) FROM res_partner WHERE id = commercial_partner_id")
        )[0][0]
        documents = env.execute_query(
            SQL(
                "SELECT COUNT(*) FROM account_move WHERE move_type IN ('out_invoice', 'out_refund')"
            )
        )[0][0]
        engine = env["kam.concentration.engine"]
        date_from, date_to = engine._revenue_window(company)
        floor_query = engine._revenue_query_invoices(company, date_from, date_to)

        def floor():
            env.execute_query(floor_query)  # warm the cache
            return timed(lambda: env.execute_query(floor_query), repeat=3)

        def full_run():
            Run._compute_for_company(company)
            env.flush_all()
            cr.commit()

        # the install computes the (empty) company once: a run that ranked nobody
        reused = bool(
            Run.search_count([("company_id", "=", company.id), ("customer_count", ">", 0)])
        )
        first_floor = floor()
        first = timed(full_run)
        second = timed(full_run)
        third = timed(full_run)
        # a manager moves the threshold: a first computation of a new classification
        threshold = company.kam_threshold_percent
        changes = []
        for new_threshold in (threshold - 5, threshold):
            company.kam_threshold_percent = new_threshold
            cr.commit()
            changes.append((new_threshold, timed(full_run)))
        nights = []
        for _night in range(args.nights):
            # a night later: one more day of invoices, so totals, shares and ranks move
            new_day = add_one_day_of_invoices(env, company, documents)
            night_floor = floor()
            nights.append((night_floor, timed(full_run)))
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        run = Run.search([("company_id", "=", company.id)], limit=1)
        ratios = sorted(duration / night_floor for night_floor, duration in nights)
        print(f"customers (commercial partners): {customers}")
        print(f"invoices and credit notes: {documents}")
        print(
            f"key accounts: {run.key_account_count}, top-10 share {run.top10_share:.1f} %, "
            f"HHI {run.hhi:.0f}"
        )
        print(f"floor (bare GROUP BY): {first_floor:.2f} s")
        if reused:
            print(
                f"full run on the reused database (not a first run): {first:.2f} s = "
                f"{first / first_floor:.1f}x floor"
            )
        else:
            print(
                f"full run, first (ranks every customer): {first:.2f} s = "
                f"{first / first_floor:.1f}x floor"
            )
        print(
            f"full run, unchanged data: {second:.2f} s = {second / first_floor:.1f}x floor "
            f"(again: {third:.2f} s = {third / first_floor:.1f}x)"
        )
        for new_threshold, duration in changes:
            print(
                f"first computation after the threshold moved to {new_threshold:.0f} %: "
                f"{duration:.2f} s = {duration / first_floor:.1f}x floor"
            )
        for number, (night_floor, duration) in enumerate(nights, start=1):
            print(
                f"night {number} ({new_day} new invoices): floor {night_floor:.2f} s, "
                f"full run {duration:.2f} s = {duration / night_floor:.1f}x"
            )
        print(
            f"full run, next night: median {statistics.median(ratios):.1f}x floor, "
            f"worst {ratios[-1]:.1f}x over {len(nights)} nights"
        )
        print(f"peak memory of the process: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
