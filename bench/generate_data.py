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

Options for the product lines of the invoices (all off by default):
``--categories N`` makes N product categories under "All", each with two
subcategories (Standard, Premium) of 5 products; ``--industries K`` makes K
industries and gives each customer one, skewed (industry j gets a share of the
customers proportional to e^(-5j/K): the first few are big, the last ones have
a handful; 8 % of the customers have none); ``--lines-per-invoice L`` gives every invoice
and credit note L product lines whose amounts add up to its untaxed amount
(balance negative on invoices, positive on credit notes). What a customer buys
follows a profile: the industry (or, without one, a hidden profile) has a block
of N/10 typical categories, each bought by a customer with probability 0.35 to
0.85 (larger customers buy more of them), any other with probability 0.25 to
1.5 % each; a line picks a category of the customer (typical ones three times as
often), then one of its 10 products. So peers of an industry buy categories
that some of them do not: whitespace.

    python bench/generate_data.py DBNAME --customers 3960 --documents 1000000 \\
        --categories 200 --industries 20 --lines-per-invoice 5
"""

import argparse
import time

import psycopg2

MARKER = "KAM bench customer"
SECOND_COMPANY = "KAM Bench Europe"  # made by bench/prepare_companies.py
CATEGORY = "Bench Category"  # the generated categories under "All"
SUBCATEGORIES = ("Standard", "Premium")
PRODUCTS_PER_SUBCATEGORY = 5
LINE_MARKER = "KAM bench product line"


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


def generate(
    cr,
    customers,
    documents,
    seed,
    company_count=1,
    orders=0,
    categories=0,
    industries=0,
    lines_per_invoice=0,
):
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
    customer_range = (first_company, company_ids[-1])
    products = make_categories(cr, categories) if categories else []
    industry_ids = make_industries(cr, industries, customer_range) if industries else []
    if lines_per_invoice:
        make_profiles(cr, customer_range, categories, industry_ids)
        for company_id, currency_id, journal_id in companies:
            add_product_lines(
                cr, company_id, currency_id, journal_id, customer_range, products, lines_per_invoice
            )
        cr.execute("ANALYZE account_move_line")
    cr.execute("ANALYZE res_partner")
    cr.execute("ANALYZE account_move")
    cr.execute("ANALYZE sale_order")


def make_categories(cr, count):
    """``count`` categories under "All", two subcategories each, 5 products in each
    subcategory; return the product ids, those of category 0 first (10 a category)."""
    cr.execute(
        "SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s",
        ("product", "product_category_all"),
    )
    root = cr.fetchone()[0]
    cr.execute(
        "SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s",
        ("uom", "product_uom_unit"),
    )
    unit = cr.fetchone()[0]
    params = {
        "root": root,
        "unit": unit,
        "n": count,
        "name": CATEGORY,
        "subcategories": list(SUBCATEGORIES),
        "products": PRODUCTS_PER_SUBCATEGORY,
    }
    cr.execute(
        """
        INSERT INTO product_category (name, parent_id, create_uid, write_uid, create_date,
                                      write_date)
        SELECT %(name)s || ' ' || LPAD(g::text, 3, '0'), %(root)s, 1, 1, NOW(), NOW()
          FROM generate_series(1, %(n)s) g
      ORDER BY g
     RETURNING id
        """,
        params,
    )
    params["grid"] = [row[0] for row in cr.fetchall()]
    cr.execute(
        """
        INSERT INTO product_category (name, parent_id, create_uid, write_uid, create_date,
                                      write_date)
        SELECT sub.name, grid.id, 1, 1, NOW(), NOW()
          FROM product_category grid
          CROSS JOIN unnest(%(subcategories)s::varchar[]) WITH ORDINALITY sub(name, number)
         WHERE grid.id = ANY(%(grid)s)
      ORDER BY grid.id, sub.number
     RETURNING id
        """,
        params,
    )
    params["leaves"] = [row[0] for row in cr.fetchall()]
    # parent_path and complete_name as the ORM sets them (grid level first, then leaves)
    for level in ("grid", "leaves"):
        cr.execute(
            f"""
            UPDATE product_category category
               SET parent_path = parent.parent_path || category.id || '/',
                   complete_name = parent.complete_name || ' / ' || category.name
              FROM product_category parent
             WHERE parent.id = category.parent_id AND category.id = ANY(%({level})s)
            """,
            params,
        )
    cr.execute(
        """
        INSERT INTO product_template (name, categ_id, uom_id, uom_po_id, type, service_tracking,
                                      sale_line_warn, service_type, expense_policy,
                                      invoice_policy, list_price, volume, weight, sale_ok,
                                      purchase_ok, active, sequence, can_image_1024_be_zoomed,
                                      has_configurable_attributes, create_uid, write_uid,
                                      create_date, write_date)
        SELECT jsonb_build_object('en_US', 'Bench Product ' || SUBSTRING(grid.name FROM '[0-9]+$')
                                  || '-' || LEFT(leaf.name, 1) || g),
               leaf.id, %(unit)s, %(unit)s, 'consu', 'no', 'no-message', 'manual', 'no', 'order',
               10 * g, 0, 0, TRUE, TRUE, TRUE, 1, FALSE, FALSE, 1, 1, NOW(), NOW()
          FROM product_category leaf
          JOIN product_category grid ON grid.id = leaf.parent_id
          CROSS JOIN generate_series(1, %(products)s) g
         WHERE leaf.id = ANY(%(leaves)s)
      ORDER BY leaf.id, g;

        INSERT INTO product_product (product_tmpl_id, combination_indices, active,
                                     can_image_variant_1024_be_zoomed, create_uid, write_uid,
                                     create_date, write_date)
        SELECT template.id, '', TRUE, FALSE, 1, 1, NOW(), NOW()
          FROM product_template template
         WHERE template.categ_id = ANY(%(leaves)s)
      ORDER BY template.id;

        SELECT array_agg(product.id ORDER BY grid.name, leaf.id, product.id)
          FROM product_product product
          JOIN product_template template ON template.id = product.product_tmpl_id
          JOIN product_category leaf ON leaf.id = template.categ_id
          JOIN product_category grid ON grid.id = leaf.parent_id
         WHERE grid.id = ANY(%(grid)s)
        """,
        params,
    )
    products = cr.fetchone()[0]
    if len(products) != count * len(SUBCATEGORIES) * PRODUCTS_PER_SUBCATEGORY:
        raise SystemExit("the generated products do not fill their categories")
    cr.execute("ANALYZE product_category; ANALYZE product_template; ANALYZE product_product")
    return products


def make_industries(cr, count, customer_range):
    """``count`` industries; each customer (and its contact) in one of them, skewed
    (industry j for about e^(-5j/count) of the customers), 8 % in none. Return the
    industry ids, the biggest first."""
    cr.execute(
        """
        INSERT INTO res_partner_industry (name, full_name, active, create_uid, write_uid,
                                          create_date, write_date)
        SELECT jsonb_build_object('en_US', 'Bench Industry ' || LPAD(g::text, 2, '0')),
               jsonb_build_object('en_US', 'Bench Industry ' || LPAD(g::text, 2, '0')),
               TRUE, 1, 1, NOW(), NOW()
          FROM generate_series(1, %s) g
      ORDER BY g
     RETURNING id
        """,
        (count,),
    )
    industry_ids = sorted(row[0] for row in cr.fetchall())
    cr.execute(
        """
        UPDATE res_partner
           SET industry_id = CASE WHEN random() < 0.08 THEN NULL
                             ELSE (%(industries)s::integer[])[
                                  1 + MOD(FLOOR(-LN(1 - random()) * %(k)s / 5)::integer, %(k)s)]
                             END
         WHERE id BETWEEN %(first)s AND %(last)s;

        -- the industry is a commercial field: the contacts have their company's
        UPDATE res_partner contact
           SET industry_id = customer.industry_id
          FROM res_partner customer
         WHERE contact.parent_id = customer.id AND customer.id BETWEEN %(first)s AND %(last)s
           AND customer.industry_id IS NOT NULL
        """,
        {
            "industries": industry_ids,
            "k": count,
            "first": customer_range[0],
            "last": customer_range[1],
        },
    )
    return industry_ids


def make_profiles(cr, customer_range, categories, industry_ids):
    """The temporary table bench_profile: for each customer the categories (numbers
    0..categories-1) it buys, the typical ones of its profile three times."""
    profiles = len(industry_ids) or 10
    cr.execute(
        """
        CREATE TEMPORARY TABLE bench_profile AS
          WITH customer AS (
                SELECT partner.id AS partner_id,
                       -- the industry's profile, or a hidden one without an industry
                       COALESCE(array_position(%(industries)s::integer[], partner.industry_id) - 1,
                                MOD(partner.id, %(profiles)s)) AS profile,
                       -- 1 for the largest customer (k = 1), towards 0 for the smallest
                       1 - (partner.id - %(first)s)::float / %(n)s AS size
                  FROM res_partner partner
                 WHERE partner.id BETWEEN %(first)s AND %(last)s),
               category AS (
                SELECT customer.partner_id, number,
                       customer.profile * %(categories)s / %(profiles)s AS typical_first,
                       customer.size
                  FROM customer
                 CROSS JOIN generate_series(0, %(categories)s - 1) number),
               bought AS MATERIALIZED (
                SELECT partner_id, number,
                       MOD(number - typical_first + %(categories)s, %(categories)s)
                       < %(typical)s AS typical
                  FROM category
                 WHERE random() < CASE
                       WHEN MOD(number - typical_first + %(categories)s, %(categories)s)
                            < %(typical)s
                       THEN 0.35 + 0.5 * size
                       ELSE (0.5 + 2.5 * size) / %(categories)s END)
        SELECT partner_id, array_agg(number ORDER BY number) AS numbers
          FROM bought
         CROSS JOIN LATERAL generate_series(1, CASE WHEN typical THEN 3 ELSE 1 END) copy
      GROUP BY partner_id;

        -- a customer that drew nothing buys the first typical category of its profile
        INSERT INTO bench_profile (partner_id, numbers)
        SELECT partner.id,
               ARRAY[COALESCE(array_position(%(industries)s::integer[], partner.industry_id) - 1,
                              MOD(partner.id, %(profiles)s)) * %(categories)s / %(profiles)s]
          FROM res_partner partner
         WHERE partner.id BETWEEN %(first)s AND %(last)s
           AND NOT EXISTS (SELECT 1 FROM bench_profile p WHERE p.partner_id = partner.id);
        ANALYZE bench_profile
        """,
        {
            "industries": industry_ids,
            "profiles": profiles,
            "categories": categories,
            "typical": max(2, round(categories / 10)),
            "first": customer_range[0],
            "last": customer_range[1],
            "n": customer_range[1] - customer_range[0] + 1,
        },
    )


def add_product_lines(
    cr, company_id, currency_id, journal_id, customer_range, products, per_invoice
):
    """``per_invoice`` product lines on every generated invoice and credit note of the
    company: amounts weighted 1, 2, .. per_invoice, rounded so that they add up to
    the move's untaxed amount, in the move's currency and in the company's."""
    cr.execute(
        """
        SELECT COALESCE(journal.default_account_id,
                        (SELECT account.id FROM account_account account
                           JOIN account_account_res_company_rel rel
                             ON rel.account_account_id = account.id
                          WHERE rel.res_company_id = journal.company_id
                            AND account.account_type = 'income'
                       ORDER BY account.id LIMIT 1)),
               (SELECT res_id FROM ir_model_data
                 WHERE module = 'uom' AND name = 'product_uom_unit')
          FROM account_journal journal
         WHERE journal.id = %s
        """,
        (journal_id,),
    )
    income, unit = cr.fetchone()
    if not income:
        raise SystemExit(f"company {company_id} has no income account")
    per_category = len(SUBCATEGORIES) * PRODUCTS_PER_SUBCATEGORY
    cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cr.fetchone()[0]:
        # the foreign-key triggers (20 of them a row) took three quarters of the time; the
        # rows reference what they are made from, so a superuser loads them without the
        # checks (1.3 min instead of 8 for 5 million lines)
        cr.execute("SET LOCAL session_replication_role = replica")
    started = time.perf_counter()
    cr.execute(
        """
        INSERT INTO account_move_line (move_id, journal_id, company_id, company_currency_id,
                                       sequence, account_id, currency_id, partner_id,
                                       product_id, product_uom_id, move_name, parent_state,
                                       name, display_type, date, invoice_date, debit, credit,
                                       balance, amount_currency, amount_residual,
                                       amount_residual_currency, quantity, price_unit,
                                       price_subtotal, price_total, discount, tax_tag_invert,
                                       reconciled, create_uid, write_uid, create_date,
                                       write_date)
        SELECT move.id, move.journal_id, move.company_id, %(currency)s, 10 * n, %(income)s,
               move.currency_id, move.commercial_partner_id,
               (%(products)s::integer[])[
                   1 + profile.numbers[1 + FLOOR(random() * cardinality(profile.numbers))::integer]
                       * %(per_category)s
                   + FLOOR(random() * %(per_category)s)::integer],
               %(unit)s, move.name, 'posted', %(marker)s, 'product', move.date,
               move.invoice_date,
               GREATEST(amount.balance, 0), GREATEST(-amount.balance, 0), amount.balance,
               SIGN(amount.balance) * amount.in_currency, 0, 0, 1,
               amount.in_currency, amount.in_currency, amount.in_currency, 0, FALSE, FALSE,
               1, 1, NOW(), NOW()
          FROM account_move move
          JOIN bench_profile profile ON profile.partner_id = move.commercial_partner_id
         CROSS JOIN generate_series(1, %(lines)s) n
         CROSS JOIN LATERAL (
               -- cumulative shares n(n+1)/2 of L(L+1)/2, rounded: the parts add up exactly
               SELECT ROUND(move.amount_untaxed * n * (n + 1) / %(weights)s, 2)
                      - ROUND(move.amount_untaxed * (n - 1) * n / %(weights)s, 2) AS in_currency,
                      (ROUND(ABS(move.amount_untaxed_signed) * n * (n + 1) / %(weights)s, 2)
                       - ROUND(ABS(move.amount_untaxed_signed) * (n - 1) * n / %(weights)s, 2))
                      * CASE WHEN move.move_type = 'out_refund' THEN 1 ELSE -1 END AS balance
               ) amount
         WHERE move.company_id = %(company)s
           AND move.move_type IN ('out_invoice', 'out_refund')
           AND move.commercial_partner_id BETWEEN %(first)s AND %(last)s
        """,
        {
            "currency": currency_id,
            "income": income,
            "unit": unit,
            "products": products,
            "per_category": per_category,
            "marker": LINE_MARKER,
            "lines": per_invoice,
            "weights": per_invoice * (per_invoice + 1),
            "company": company_id,
            "first": customer_range[0],
            "last": customer_range[1],
        },
    )
    lines = cr.rowcount
    cr.execute("SET LOCAL session_replication_role = DEFAULT")
    duration = time.perf_counter() - started
    print(f"company {company_id}: {lines} product lines in {duration:.0f} s", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database")
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--documents", type=int, required=True)
    parser.add_argument("--seed", type=float, default=0.42)
    parser.add_argument("--companies", type=int, choices=[1, 2], default=1)
    parser.add_argument("--orders", type=int, default=0, help="confirmed sales orders")
    parser.add_argument("--categories", type=int, default=0, help="product categories")
    parser.add_argument("--industries", type=int, default=0, help="customer industries")
    parser.add_argument(
        "--lines-per-invoice", type=int, default=0, help="product lines on each invoice"
    )
    args = parser.parse_args()
    if args.lines_per_invoice and not args.categories:
        parser.error("--lines-per-invoice needs --categories (the products to sell)")
    started = time.perf_counter()
    with psycopg2.connect(dbname=args.database) as connection, connection.cursor() as cr:
        cr.execute("SELECT COUNT(*) FROM res_partner WHERE name LIKE %s", (MARKER + " %",))
        if cr.fetchone()[0]:
            print(f"{args.database} already holds generated customers; nothing done.")
            return
        generate(
            cr,
            args.customers,
            args.documents,
            args.seed,
            args.companies,
            args.orders,
            args.categories,
            args.industries,
            args.lines_per_invoice,
        )
    extended = (
        f", {args.categories} categories, {args.industries} industries, "
        f"{args.lines_per_invoice} product lines an invoice"
        if args.categories or args.industries or args.lines_per_invoice
        else ""
    )
    print(
        f"generated {args.customers} customers, {args.documents} invoices and {args.orders} "
        f"orders in {args.companies} companies{extended} in "
        f"{time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
