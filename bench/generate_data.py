#!/usr/bin/env python3
"""Bulk-load a skewed customer base into a scratch Odoo database.

Needs only psycopg2 and a database where sale (and kam_management, or not yet)
is installed; the benchmark runner creates one. Customers are companies, each
with one child contact; half of the documents are on the contact. The
customer of document g is ceil(N * u^3) with u uniform in [0, 1): a fifth of
the customers receive about 58 % of the documents, the first percent about
22 %. 5 % of the invoices are credit notes; dates spread over the last 18
months.

With ``--companies 2`` (bench/prepare_companies.py made the second one, in
EUR), the customers are shared: 60 % of the invoices go to the main company,
of which 8 % are in EUR, 40 % to the second one, whose customers rank in
another order (customer k of the draw is customer 7919·k mod N there), so
that a customer can be key in one company and not in the other. ``--orders``
adds confirmed sales orders, spread the same way.

    python bench/generate_data.py DBNAME --customers 20000 --documents 500000
"""

import argparse
import time

import psycopg2

MARKER = "KAM bench customer"
SECOND_COMPANY = "KAM Bench Europe"  # made by bench/prepare_companies.py


def companies_of(cr, count):
    """(company id, currency id, sales journal id) of the companies to fill."""
    cr.execute(
        """
        SELECT company.id, company.currency_id,
               (SELECT journal.id FROM account_journal journal
                 WHERE journal.company_id = company.id AND journal.type = 'sale'
              ORDER BY journal.id LIMIT 1)
          FROM res_company company
         WHERE company.id = (SELECT MIN(id) FROM res_company) OR company.name = %s
      ORDER BY company.id
        """,
        (SECOND_COMPANY,),
    )
    companies = cr.fetchall()[:count]
    if len(companies) < count or not all(journal for _c, _cur, journal in companies):
        raise SystemExit(
            "The database lacks a company or a sales journal: run bench/prepare_companies.py."
        )
    return companies


def generate(cr, customers, documents, seed, company_count=1, orders=0):
    cr.execute("SELECT setseed(%s)", (seed,))
    companies = companies_of(cr, company_count)
    cr.execute("SELECT id FROM res_currency WHERE name = 'EUR'")
    eur = cr.fetchone()[0]
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
    first_contact = min(row[0] for row in cr.fetchall())
    shares = [1.0] if company_count == 1 else [0.6, 0.4]
    for index, ((company_id, currency_id, journal_id), share) in enumerate(
        zip(companies, shares, strict=True)
    ):
        params = {
            "journal": journal_id,
            "currency": currency_id,
            "eur": eur,
            # the main company of a two-company base bills 8 % in EUR (0.92 EUR a unit)
            "foreign": 0.08 if company_count > 1 and index == 0 else 0.0,
            "company": company_id,
            "first_contact": first_contact,
            "first_company": first_company,
            "m": int(documents * share),
            "orders": int(orders * share),
            "n": customers,
            # the second company ranks its customers in another order
            "step": 1 if index == 0 else 7919,
        }
        cr.execute(
            """
            INSERT INTO account_move (journal_id, currency_id, company_id, state, move_type,
                                      auto_post, date, invoice_date, partner_id,
                                      commercial_partner_id, amount_untaxed,
                                      amount_untaxed_signed, amount_total, amount_total_signed,
                                      name, create_date, write_date)
            SELECT %(journal)s, CASE WHEN foreign_currency THEN %(eur)s ELSE %(currency)s END,
                   %(company)s, 'posted',
                   CASE WHEN refund THEN 'out_refund' ELSE 'out_invoice' END, 'no', day, day,
                   CASE WHEN g %% 2 = 0 THEN %(first_contact)s ELSE %(first_company)s END + k - 1,
                   %(first_company)s + k - 1,
                   amount, CASE WHEN refund THEN -signed ELSE signed END,
                   amount, CASE WHEN refund THEN -signed ELSE signed END,
                   '/', NOW(), NOW()
              FROM generate_series(1, %(m)s) g,
           LATERAL (SELECT (GREATEST(1, CEIL(%(n)s * POWER(random(), 3)))::bigint * %(step)s
                            - 1) %% %(n)s + 1 AS k,
                           random() < 0.05 AS refund,
                           random() < %(foreign)s AS foreign_currency,
                           ROUND((50 + random() * 950)::numeric, 2) AS amount,
                           CURRENT_DATE - (random() * 540)::int AS day,
                           g AS gg) draw,
           LATERAL (SELECT CASE WHEN foreign_currency THEN ROUND(amount / 0.92, 2)
                                ELSE amount END AS signed) converted
            """,
            params,
        )
        cr.execute(
            """
            INSERT INTO sale_order (name, company_id, partner_id, partner_invoice_id,
                                    partner_shipping_id, date_order, state, currency_id,
                                    currency_rate, amount_untaxed, amount_tax, amount_total,
                                    create_date, write_date)
            SELECT 'KB' || %(company)s || '-' || g, %(company)s, partner, partner, partner,
                   CURRENT_DATE - (random() * 540)::int, 'sale', %(currency)s, 1,
                   amount, 0, amount, NOW(), NOW()
              FROM generate_series(1, %(orders)s) g,
           LATERAL (SELECT (GREATEST(1, CEIL(%(n)s * POWER(random(), 3)))::bigint * %(step)s
                            - 1) %% %(n)s + 1 AS k,
                           ROUND((100 + random() * 4900)::numeric, 2) AS amount,
                           g AS gg) draw,
           LATERAL (SELECT CASE WHEN g %% 2 = 0 THEN %(first_contact)s
                                ELSE %(first_company)s END + k - 1 AS partner) buyer
            """,
            params,
        )
    cr.execute("ANALYZE res_partner")
    cr.execute("ANALYZE account_move")
    cr.execute("ANALYZE sale_order")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database")
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--documents", type=int, required=True)
    parser.add_argument("--seed", type=float, default=0.42)
    parser.add_argument("--companies", type=int, choices=[1, 2], default=1)
    parser.add_argument("--orders", type=int, default=0, help="confirmed sales orders")
    args = parser.parse_args()
    started = time.perf_counter()
    with psycopg2.connect(dbname=args.database) as connection, connection.cursor() as cr:
        cr.execute("SELECT COUNT(*) FROM res_partner WHERE name LIKE %s", (MARKER + " %",))
        if cr.fetchone()[0]:
            print(f"{args.database} already holds generated customers; nothing done.")
            return
        generate(cr, args.customers, args.documents, args.seed, args.companies, args.orders)
    print(
        f"generated {args.customers} customers, {args.documents} invoices and {args.orders} "
        f"orders in {args.companies} companies in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
