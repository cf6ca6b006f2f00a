#!/usr/bin/env python3
"""Bulk-load a skewed customer base into a scratch Odoo database.

Needs only psycopg2 and a database where kam_management is installed (the
benchmark runner creates one). Customers are companies, each with one child
contact; half of the invoices are on the contact. The customer of document g
is ceil(N * u^3) with u uniform in [0, 1): a fifth of the customers receive
about 58 % of the documents, the first percent about 22 %. 5 % of the
documents are credit notes; dates spread over the last 18 months.

    python bench/generate_data.py DBNAME --customers 20000 --documents 500000
"""

import argparse
import time

import psycopg2

MARKER = "KAM bench customer"


def generate(cr, customers, documents, seed):
    cr.execute("SELECT setseed(%s)", (seed,))
    cr.execute("SELECT id, currency_id FROM res_company ORDER BY id LIMIT 1")
    company_id, currency_id = cr.fetchone()
    cr.execute(
        "SELECT id FROM account_journal WHERE company_id = %s AND type = 'sale' "
        "ORDER BY id LIMIT 1",
        (company_id,),
    )
    row = cr.fetchone()
    if not row:
        raise SystemExit("The database has no sales journal: install kam_management first.")
    journal_id = row[0]
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, is_company, active, type, customer_rank,
                                 autopost_bills, create_date, write_date)
        SELECT %(marker)s || ' ' || g, %(marker)s || ' ' || g, TRUE, TRUE, 'contact', 1, 'ask',
               NOW(), NOW()
          FROM generate_series(1, %(n)s) g
        RETURNING id
        """,
        {"marker": MARKER, "n": customers},
    )
    company_ids = sorted(row[0] for row in cr.fetchall())
    first_company = company_ids[0]
    if company_ids[-1] - first_company + 1 != customers:
        raise SystemExit("partner ids are not contiguous; run on a quiet database")
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE id BETWEEN %s AND %s",
        (first_company, company_ids[-1]),
    )
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, parent_id, commercial_partner_id, is_company,
                                 active, type, autopost_bills, create_date, write_date)
        SELECT 'Buyer ' || p.id, p.name || ', Buyer ' || p.id, p.id, p.id, FALSE, TRUE, 'contact',
               'ask', NOW(), NOW()
          FROM res_partner p
         WHERE p.id BETWEEN %s AND %s
      ORDER BY p.id
        RETURNING id
        """,
        (first_company, company_ids[-1]),
    )
    contact_ids = sorted(row[0] for row in cr.fetchall())
    first_contact = contact_ids[0]
    cr.execute(
        """
        INSERT INTO account_move (journal_id, currency_id, company_id, state, move_type, auto_post,
                                  date, invoice_date, partner_id, commercial_partner_id,
                                  amount_untaxed, amount_untaxed_signed, amount_total,
                                  amount_total_signed, name, create_date, write_date)
        SELECT %(journal)s, %(currency)s, %(company)s, 'posted',
               CASE WHEN refund THEN 'out_refund' ELSE 'out_invoice' END, 'no',
               day, day,
               CASE WHEN g %% 2 = 0 THEN %(first_contact)s ELSE %(first_company)s END + k - 1,
               %(first_company)s + k - 1,
               amount, CASE WHEN refund THEN -amount ELSE amount END,
               amount, CASE WHEN refund THEN -amount ELSE amount END,
               '/', NOW(), NOW()
          FROM generate_series(1, %(m)s) g,
       LATERAL (SELECT GREATEST(1, CEIL(%(n)s * POWER(random(), 3)))::int AS k,
                       random() < 0.05 AS refund,
                       ROUND((50 + random() * 950)::numeric, 2) AS amount,
                       CURRENT_DATE - (random() * 540)::int AS day,
                       g AS gg) draw
        """,
        {
            "journal": journal_id,
            "currency": currency_id,
            "company": company_id,
            "first_contact": first_contact,
            "first_company": first_company,
            "m": documents,
            "n": customers,
        },
    )
    cr.execute("ANALYZE res_partner")
    cr.execute("ANALYZE account_move")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database")
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--documents", type=int, required=True)
    parser.add_argument("--seed", type=float, default=0.42)
    args = parser.parse_args()
    started = time.perf_counter()
    with psycopg2.connect(dbname=args.database) as connection, connection.cursor() as cr:
        cr.execute("SELECT COUNT(*) FROM res_partner WHERE name LIKE %s", (MARKER + " %",))
        if cr.fetchone()[0]:
            print(f"{args.database} already holds generated customers; nothing done.")
            return
        generate(cr, args.customers, args.documents, args.seed)
    print(
        f"generated {args.customers} customers and {args.documents} invoices in "
        f"{time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
