#!/usr/bin/env python3
"""Judge an install of kam_management on a database that already had history.

Run with a Python that imports Odoo 18, right after the install
(scripts/kam_dev.py bench-install does it):

    python bench/install_report.py DBNAME --addons-path ... \\
        --empty-install SECONDS --install SECONDS

Measures, in this run, the floor of each company (the bare GROUP BY of its
revenue over the window, median of 3, warm), reads how long the first
computation of each company took at install (the post-install hook), and
compares: the install may cost at most the install on an empty database plus
4 times the sum of the floors.
"""

import argparse
import statistics
import time

from bench_tools import superuser_env

from odoo.tools import SQL


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database")
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--empty-install", type=float, required=True)
    parser.add_argument("--install", type=float, required=True)
    parser.add_argument("--peak-mib", type=float, default=0.0)
    args = parser.parse_args()
    with superuser_env(args.database, args.addons_path) as env:
        engine = env["kam.concentration.engine"]
        count = env.execute_query
        partners = count(SQL("SELECT COUNT(*) FROM res_partner"))[0][0]
        invoices = count(
            SQL(
                "SELECT COUNT(*) FROM account_move WHERE move_type IN ('out_invoice', 'out_refund')"
            )
        )[0][0]
        orders = count(SQL("SELECT COUNT(*) FROM sale_order"))[0][0]
        print(f"database: {partners} partners, {invoices} invoices, {orders} sales orders")
        floors = 0.0
        for company in env["res.company"].search([], order="id"):
            query = engine._revenue_query(company, *engine._revenue_window(company))
            env.execute_query(query)  # warm
            durations = []
            for _attempt in range(3):
                started = time.perf_counter()
                env.execute_query(query)
                durations.append(time.perf_counter() - started)
            floor = statistics.median(durations)
            floors += floor
            run = env["kam.concentration.run"].search([("company_id", "=", company.id)], limit=1)
            print(
                f"{company.name}: floor {floor:.2f} s; first computation at install "
                f"{run.duration:.2f} s = {run.duration / floor:.1f}x floor "
                f"({run.customer_count} customers, {run.key_account_count} key accounts)"
            )
        extra = args.install - args.empty_install
        print(f"install on an empty database: {args.empty_install:.1f} s")
        print(
            f"install on this database: {args.install:.1f} s = empty install + {extra:.1f} s "
            f"= empty install + {extra / floors:.1f}x the sum of the floors ({floors:.2f} s); "
            f"target: at most + 4x"
        )
        if args.peak_mib:
            print(f"peak memory of the install: {args.peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
