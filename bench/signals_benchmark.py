#!/usr/bin/env python3
"""Time the nightly signals and account health against the concentration floor.

Run with a Python that imports Odoo 18 (scripts/kam_dev.py bench-signals does it),
on a database made by `make bench` (bench/generate_data.py), whose concentration
has been computed (the key accounts are the scope):

    python bench/signals_benchmark.py DBNAME --addons-path ...

The first run completes the generated invoices, in SQL, with what the rules
read: due dates 30 days after the invoice; invoices older than 60 days paid
(their receivable line reconciled on the payment day, 20 days after the invoice,
slower for one customer in fifty over the last 90 days); one product line per
invoice, each customer buying 3 of 12 products in 6 categories, one customer in
twenty stopping one of them 5 months ago; a lost opportunity for one customer in
a hundred.

(a) floor: the bare revenue aggregate of the concentration (`SELECT commercial
partner, SUM(...) GROUP BY` over the window), as in bench/benchmark.py;
(b) the nightly check of the company (`kam.signal.engine._check_company`): the
seven fact aggregates, the signals, the health scores and their snapshots,
first on fresh tables, then again on unchanged data (which must write nothing).
"""

import argparse
import time
from datetime import timedelta

from bench_tools import superuser_env, timed

from odoo.tools import SQL

MARKER = "KAM bench line"


def prepare(env, company):
    """Complete the generated invoices once; return whether it was done now."""
    if env.execute_query(SQL("SELECT 1 FROM account_move_line WHERE name = %s LIMIT 1", MARKER)):
        return False
    categories = env["product.category"].create(
        [{"name": f"Bench Category {number}"} for number in range(6)]
    )
    products = env["product.product"].create(
        [
            {"name": f"Bench Product {number}", "categ_id": categories[number % 6].id}
            for number in range(12)
        ]
    )
    income = env["account.account"].search(
        [("account_type", "=", "income"), ("company_ids", "in", company.id)], limit=1
    )
    receivable = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.id)], limit=1
    )
    started = time.perf_counter()
    env.execute_query(
        SQL(
            """
            UPDATE account_move move
               SET invoice_date_due = move.invoice_date + 30,
                   payment_state = CASE WHEN move.move_type = 'out_refund'
                                          OR move.invoice_date < CURRENT_DATE - 60
                                        THEN 'paid' ELSE 'not_paid' END,
                   amount_residual = CASE WHEN move.move_type = 'out_refund'
                                            OR move.invoice_date < CURRENT_DATE - 60
                                          THEN 0 ELSE move.amount_total END,
                   amount_residual_signed = CASE WHEN move.move_type = 'out_refund'
                                                   OR move.invoice_date < CURRENT_DATE - 60
                                                 THEN 0 ELSE move.amount_total_signed END
             WHERE move.company_id = %(company)s;

            INSERT INTO account_move_line (move_id, company_id, journal_id, account_id,
                                           currency_id, company_currency_id, partner_id,
                                           display_type, product_id, name, date, quantity,
                                           price_unit, price_subtotal, balance, debit, credit,
                                           amount_currency, parent_state)
            SELECT move.id, move.company_id, move.journal_id, %(income)s, move.currency_id,
                   move.currency_id, move.partner_id, 'product', product.id, %(marker)s,
                   move.invoice_date, 1, move.amount_untaxed, move.amount_untaxed,
                   -move.amount_untaxed_signed,
                   GREATEST(-move.amount_untaxed_signed, 0),
                   GREATEST(move.amount_untaxed_signed, 0),
                   -move.amount_untaxed_signed, 'posted'
              FROM account_move move
              CROSS JOIN LATERAL (
                    -- 3 products a customer; one customer in twenty stopped its first
                    -- one 5 months ago
                    SELECT (%(products)s::integer[])[1 + MOD(move.commercial_partner_id * 7
                             + (CASE WHEN MOD(move.commercial_partner_id, 20) = 0
                                      AND move.invoice_date > CURRENT_DATE - 150
                                     THEN 1 + MOD(move.id, 2) ELSE MOD(move.id, 3) END), 12)] AS id
                   ) product
             WHERE move.company_id = %(company)s
               AND move.move_type IN ('out_invoice', 'out_refund');

            INSERT INTO account_move_line (move_id, company_id, journal_id, account_id,
                                           currency_id, company_currency_id, partner_id,
                                           display_type, name, date, date_maturity, balance,
                                           debit, credit, amount_currency, parent_state)
            SELECT move.id, move.company_id, move.journal_id, %(receivable)s, move.currency_id,
                   move.currency_id, move.commercial_partner_id, 'payment_term', %(marker)s,
                   move.invoice_date, move.invoice_date_due, move.amount_total_signed,
                   move.amount_total_signed, 0, move.amount_total_signed, 'posted'
              FROM account_move move
             WHERE move.company_id = %(company)s AND move.move_type = 'out_invoice'
               AND move.invoice_date > CURRENT_DATE - 500;

            -- paid 20 days after the invoice; one customer in fifty 55 days, lately
            INSERT INTO account_partial_reconcile (debit_move_id, credit_move_id, amount,
                                                   debit_amount_currency,
                                                   credit_amount_currency, company_id,
                                                   max_date)
            SELECT line.id, line.id, line.balance, line.balance, line.balance, line.company_id,
                   line.date + CASE WHEN MOD(move.commercial_partner_id, 50) = 0
                                     AND line.date > CURRENT_DATE - 150 THEN 55 ELSE 20 END
              FROM account_move_line line
              JOIN account_move move ON move.id = line.move_id
             WHERE line.name = %(marker)s AND line.display_type = 'payment_term'
               AND move.payment_state = 'paid';

            INSERT INTO crm_lead (name, type, partner_id, company_id, active, probability,
                                  expected_revenue, date_closed, create_date, write_date)
            SELECT 'Bench lost deal', 'opportunity', partner.id, %(company)s, FALSE, 0,
                   1000, NOW() - INTERVAL '20 days', NOW(), NOW()
              FROM res_partner partner
             WHERE partner.is_company AND MOD(partner.id, 100) = 0
               AND partner.name LIKE %(customers)s;

            ANALYZE account_move; ANALYZE account_move_line; ANALYZE account_partial_reconcile;
            ANALYZE crm_lead
            """,
            company=company.id,
            income=income.id,
            receivable=receivable.id,
            marker=MARKER,
            products=products.ids,
            customers="KAM bench customer%",
        )
    )
    env.cr.commit()
    print(f"completed the invoices for the rules in {time.perf_counter() - started:.0f} s")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database")
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--reruns", type=int, default=3)
    args = parser.parse_args()
    with superuser_env(args.database, args.addons_path) as env:
        company = env.ref("base.main_company")
        prepare(env, company)
        ranked = SQL("SELECT 1 FROM kam_account_figure WHERE company_id = %s LIMIT 1", company.id)
        if not env.execute_query(ranked):  # the key accounts are the scope
            env["kam.concentration.run"]._compute_for_companies(company)
            env.cr.commit()
        concentration = env["kam.concentration.engine"]
        date_from, date_to = concentration._revenue_window(company)
        floor_query = concentration._revenue_query_invoices(company, date_from, date_to)

        def floor():
            env.execute_query(floor_query)  # warm the cache
            return timed(lambda: env.execute_query(floor_query), repeat=3)

        since = company._kam_today() - timedelta(days=730)
        data_queries = [
            SQL(
                "SELECT commercial_partner_id, SUM(amount_untaxed_signed) FROM account_move"
                " WHERE company_id = %s AND invoice_date >= %s GROUP BY 1",
                company.id,
                since,
            ),
            SQL(
                """SELECT move.commercial_partner_id, template.categ_id, COUNT(*)
                     FROM account_move_line line
                     JOIN account_move move ON move.id = line.move_id
                     JOIN product_product product ON product.id = line.product_id
                     JOIN product_template template ON template.id = product.product_tmpl_id
                    WHERE move.company_id = %s AND move.invoice_date >= %s
                 GROUP BY 1, 2""",
                company.id,
                since,
            ),
            SQL(
                """SELECT line.partner_id, SUM(partial.amount), MAX(partial.max_date)
                     FROM account_partial_reconcile partial
                     JOIN account_move_line line ON line.id = partial.debit_move_id
                    WHERE line.company_id = %s AND partial.max_date > %s
                 GROUP BY 1""",
                company.id,
                company._kam_today() - timedelta(days=455),
            ),
        ]

        def data_floor():
            """The bare aggregates of the rows the rules must read (invoices of two
            years, their product lines by category, the payments of 15 months)."""
            return sum(
                timed(lambda query=query: env.execute_query(query), repeat=3)
                for query in data_queries
            )

        engine = env["kam.signal.engine"]
        # the first check of the company, on tables with no signal and no health
        env.execute_query(SQL("DELETE FROM kam_signal; DELETE FROM kam_account_health"))
        env.cr.commit()
        first_floor = floor()
        started = time.perf_counter()
        first = engine._check_company(company)
        first_time = time.perf_counter() - started
        env.cr.commit()
        key_accounts = env.execute_query(
            SQL("SELECT COUNT(*) FROM kam_account_health WHERE is_current")
        )[0][0]
        print(
            f"database: {env['res.partner'].search_count([('is_company', '=', True)])} customers, "
            f"{env['account.move'].search_count([])} invoices; {key_accounts} key accounts checked"
        )
        own_floor = data_floor()
        print(f"floor (bare revenue GROUP BY): {first_floor:.2f} s")
        print(f"data floor (bare aggregates of what the rules read): {own_floor:.2f} s")
        print(
            f"first check: {first_time:.2f} s = {first_time / first_floor:.1f}x floor"
            f" = {first_time / own_floor:.1f}x data floor"
            f" ({first['raised']} signals raised, {first['health']} health snapshots)"
        )
        for rerun in range(1, args.reruns + 1):
            rerun_floor = floor()
            started = time.perf_counter()
            result = engine._check_company(company)
            duration = time.perf_counter() - started
            env.cr.commit()
            written = result["raised"] + result["refreshed"] + result["closed"] + result["health"]
            print(
                f"rerun {rerun}, unchanged data: floor {rerun_floor:.2f} s, check {duration:.2f} s"
                f" = {duration / rerun_floor:.1f}x floor = {duration / own_floor:.1f}x data floor,"
                f" {written} rows written"
            )
        counts = env.execute_query(
            SQL(
                "SELECT rule, COUNT(*) FROM kam_signal WHERE state = 'open'"
                " GROUP BY rule ORDER BY 1"
            )
        )
        print("open signals: " + ", ".join(f"{rule} {count}" for rule, count in counts))
        bands = env.execute_query(
            SQL(
                "SELECT band, COUNT(*) FROM kam_account_health WHERE is_current"
                " GROUP BY band ORDER BY 1"
            )
        )
        print("health: " + ", ".join(f"{band} {count}" for band, count in bands))


if __name__ == "__main__":
    main()
