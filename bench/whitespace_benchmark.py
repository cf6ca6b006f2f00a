#!/usr/bin/env python3
"""Time the whitespace of the key accounts against the bare aggregate of their lines.

Run with a Python that imports Odoo 18 (scripts/kam_dev.py bench-whitespace does
it), on a database made by bench/generate_data.py with product lines
(``--categories``, ``--industries``, ``--lines-per-invoice``):

    python bench/whitespace_benchmark.py DBNAME --addons-path ...

The concentration of the main company is computed first when it never was (its
key accounts are the scope). Then:

(a) floor: the bare aggregate of the same invoice lines, `SELECT commercial partner,
product category, SUM(balance) ... GROUP BY 1, 2` over the revenue window (posted
customer invoices and credit notes of the company, product lines), the least any
whitespace computation must read; timed right before each run (once to warm the
cache, then the median of three) and once more at the end, to show how it varies;
(b) `kam.whitespace.engine._compute_company` on an empty kam_whitespace table,
the first computation: once with the company's cells deleted and the table
vacuumed and analysed (its statistics say it is empty, as after any ANALYZE of
the empty table), once after TRUNCATE (never analysed, as after the install);
(c) the same again on unchanged data, which must write nothing: the rows it
inserted, updated or deleted in any table are read from PostgreSQL's statistics
of the transaction (pg_stat_xact_user_tables), not only from what the engine says.

``--profile`` adds a first run and a rerun with the time of each SQL statement
(the slowest ones are printed; the rest of the time is Python and COPY).
"""

import argparse
import re
import resource
import time
from contextlib import contextmanager, nullcontext

import psycopg2
from bench_tools import superuser_env, timed

from odoo.sql_db import Cursor
from odoo.tools import SQL


def floor_query(env, company):
    """The bare aggregate of the product lines of the revenue window."""
    concentration = env["kam.concentration.engine"]
    date_from, date_to = concentration._revenue_window(company)
    return SQL(
        """
        SELECT move.commercial_partner_id, template.categ_id, SUM(line.balance)
          FROM account_move_line line
          JOIN account_move move ON move.id = line.move_id
          JOIN product_product product ON product.id = line.product_id
          JOIN product_template template ON template.id = product.product_tmpl_id
         WHERE %(counted)s AND line.display_type = 'product'
           AND move.invoice_date BETWEEN %(date_from)s AND %(date_to)s
      GROUP BY 1, 2
        """,
        counted=concentration._counted_invoices(company),
        date_from=date_from,
        date_to=date_to,
    )


def describe(env, company):
    """What the database holds, for the report (not timed)."""
    concentration = env["kam.concentration.engine"]
    date_from, date_to = concentration._revenue_window(company)
    scope = env["kam.classification"]._accounts(company, "kam_is_key_account", [True])
    (facts,) = env.execute_query(
        SQL(
            """
            SELECT (SELECT COUNT(*) FROM res_partner WHERE id = commercial_partner_id
                       AND customer_rank > 0),
                   (SELECT COUNT(*) FROM account_move move WHERE %(counted)s),
                   (SELECT COUNT(*) FROM account_move_line line
                      JOIN account_move move ON move.id = line.move_id
                     WHERE %(counted)s AND line.display_type = 'product'),
                   (SELECT COUNT(*) FROM account_move_line line
                      JOIN account_move move ON move.id = line.move_id
                     WHERE %(counted)s AND line.display_type = 'product'
                       AND move.invoice_date BETWEEN %(date_from)s AND %(date_to)s),
                   (SELECT COUNT(*) FROM account_move_line line
                      JOIN account_move move ON move.id = line.move_id
                     WHERE %(counted)s AND line.display_type = 'product'
                       AND move.invoice_date BETWEEN %(date_from)s AND %(date_to)s
                       AND move.commercial_partner_id IN %(scope)s),
                   (SELECT COUNT(*) FROM %(scope)s key_account),
                   (SELECT COUNT(*) FROM product_category
                     WHERE array_length(string_to_array(rtrim(parent_path, '/'), '/'), 1)
                           = %(level)s),
                   (SELECT COUNT(DISTINCT industry_id) FROM res_partner
                     WHERE id IN %(scope)s)
            """,
            counted=concentration._counted_invoices(company),
            date_from=date_from,
            date_to=date_to,
            scope=scope,
            level=company.kam_whitespace_categ_level,
        )
    )
    return dict(
        zip(
            (
                "customers",
                "invoices",
                "lines",
                "window_lines",
                "key_lines",
                "key_accounts",
                "grid_categories",
                "industries",
            ),
            facts,
            strict=True,
        ),
        window=(date_from, date_to),
    )


def rows_written(env):
    """Rows inserted, updated and deleted by the current transaction, per table
    (temporary tables left out)."""
    query = SQL(
        """
        SELECT relname, n_tup_ins + n_tup_upd + n_tup_del
          FROM pg_stat_xact_user_tables
         WHERE schemaname NOT LIKE %s AND n_tup_ins + n_tup_upd + n_tup_del > 0
      ORDER BY 1
        """,
        "pg_temp%",
    )
    return dict(env.execute_query(query))


def vacuum(database, table):
    """VACUUM ANALYZE ``table`` (outside of any transaction)."""
    connection = psycopg2.connect(dbname=database)
    try:
        connection.autocommit = True
        with connection.cursor() as cr:
            cr.execute(f"VACUUM ANALYZE {table}")
    finally:
        connection.close()


@contextmanager
def statement_times(times):
    """Collect {statement (shortened): [count, seconds]} of the SQL run in the block
    into ``times``."""
    execute = Cursor.execute

    def timed_execute(self, query, params=None, log_exceptions=True):
        started = time.perf_counter()
        try:
            return execute(self, query, params, log_exceptions)
        finally:
            text = query.code if isinstance(query, SQL) else str(query)
            key = re.sub(r"\s+", " ", text).strip()[:150]
            entry = times.setdefault(key, [0, 0.0])
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    Cursor.execute = timed_execute
    try:
        yield
    finally:
        Cursor.execute = execute


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database")
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--reruns", type=int, default=2, help="runs on unchanged data")
    parser.add_argument("--profile", action="store_true", help="time each SQL statement")
    args = parser.parse_args()
    with superuser_env(args.database, args.addons_path) as env:
        company = env.ref("base.main_company")
        ranked = SQL("SELECT 1 FROM kam_account_figure WHERE company_id = %s LIMIT 1", company.id)
        if not env.execute_query(ranked):  # the key accounts are the scope
            started = time.perf_counter()
            env["kam.concentration.run"]._compute_for_companies(company)
            env.cr.commit()
            print(f"computed the concentration in {time.perf_counter() - started:.1f} s")
        facts = describe(env, company)
        if not facts["window_lines"]:
            raise SystemExit(
                "No product line in the revenue window: generate the database with "
                "--categories, --industries and --lines-per-invoice."
            )
        query = floor_query(env, company)

        def floor():
            env.execute_query(query)  # warm the cache
            return timed(lambda: env.execute_query(query), repeat=3)

        engine = env["kam.whitespace.engine"]

        def compute(times=None):
            """One computation in its own transaction: (seconds, result, rows written);
            with ``times`` (a dict), the time of each SQL statement goes there."""
            env.cr.commit()
            with statement_times(times) if times is not None else nullcontext():
                started = time.perf_counter()
                result = engine._compute_company(company)
                duration = time.perf_counter() - started
            written = rows_written(env)
            env.cr.commit()
            return duration, result, written

        def empty_the_table(analysed=True):
            """No cell of the company. ``analysed``: the rows deleted and the table
            vacuumed and analysed, so that its statistics say it is empty (as after
            any ANALYZE of the empty table: autovacuum, vacuumdb after a restore or an
            upgrade); otherwise TRUNCATE, whose table was never analysed (as after the
            install), which the planner takes for 10 pages."""
            if analysed:
                env.execute_query(
                    SQL("DELETE FROM kam_whitespace WHERE company_id = %s", company.id)
                )
                env.cr.commit()
                vacuum(args.database, "kam_whitespace")
                return True
            others = SQL("SELECT 1 FROM kam_whitespace WHERE company_id != %s LIMIT 1", company.id)
            if env.execute_query(others):
                return False  # cells of other companies: not truncated
            env.execute_query(SQL("TRUNCATE kam_whitespace"))
            env.cr.commit()
            return True

        runs = []  # (label, floor before, seconds, result, rows written)
        empty_the_table(analysed=True)
        runs.append(("first run (empty, analysed)", floor(), *compute()))
        if empty_the_table(analysed=False):
            runs.append(("first run (empty, not analysed)", floor(), *compute()))
        for rerun in range(1, args.reruns + 1):
            runs.append((f"rerun {rerun} (unchanged data)", floor(), *compute()))
        floor_last = floor()
        groups = env.execute_query(
            SQL(
                "SELECT peer_group, COUNT(DISTINCT account_id) FROM kam_whitespace"
                " WHERE company_id = %s GROUP BY 1 ORDER BY 1",
                company.id,
            )
        )
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        date_from, date_to = facts["window"]
        print(
            f"database: {facts['customers']} customers, {facts['invoices']} invoices and "
            f"credit notes, {facts['lines']} product lines"
        )
        print(
            f"window {date_from} .. {date_to}: {facts['window_lines']} product lines, "
            f"{facts['key_lines']} of them of the {facts['key_accounts']} key accounts "
            f"({facts['industries']} industries among them); "
            f"{facts['grid_categories']} categories at level "
            f"{company.kam_whitespace_categ_level}"
        )
        print(
            "peer groups: "
            + ", ".join(f"{count} accounts by {group}" for group, count in groups)
            + f" (at least {company.kam_whitespace_min_peers} peers for an industry)"
        )
        print()
        print(f"| {'step':<31} | {'floor':>7} | {'time':>7} | {'x floor':>7} | result")
        print(f"|{'-' * 33}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 40}")
        for label, run_floor, duration, result, written in runs:
            tables = ", ".join(f"{table} {count}" for table, count in written.items()) or "none"
            print(
                f"| {label:<31} | {run_floor:6.2f}s | {duration:6.2f}s | "
                f"{duration / run_floor:6.1f}x | {result['cells']} cells, "
                f"{result['whitespace']} whitespace, written {result['written']}, "
                f"deleted {result['deleted']}; rows written by table: {tables}"
            )
        print(f"| {'floor at the end':<31} | {floor_last:6.2f}s |")
        floors = [run[1] for run in runs] + [floor_last]
        print(
            f"\nfloor {min(floors):.2f}-{max(floors):.2f} s over {len(floors)} measures; "
            f"peak memory of the process {peak_mib:.0f} MiB"
        )
        rerun_written = sum(sum(run[4].values()) for run in runs if run[0].startswith("rerun"))
        if rerun_written:
            print(f"ERROR: the reruns on unchanged data wrote {rerun_written} rows")

        if args.profile:
            empty_the_table()
            for label in ("first run (empty, analysed)", "rerun"):
                times = {}
                duration = compute(times)[0]
                in_sql = sum(seconds for _count, seconds in times.values())
                print(
                    f"\nprofiled {label}: {duration:.2f} s, of which {in_sql:.2f} s in "
                    f"{sum(count for count, _seconds in times.values())} SQL statements"
                )
                for statement, (count, seconds) in sorted(
                    times.items(), key=lambda item: -item[1][1]
                )[:6]:
                    print(f"  {seconds:6.2f} s  {count:3}x  {statement}")
        if rerun_written:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
