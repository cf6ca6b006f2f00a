import gc
import io
from contextlib import contextmanager
from datetime import timedelta

import psycopg2

from odoo import api, models
from odoo.tools import SQL

from ..tools.backfill import revenue_window
from ..tools.concentration import rank_accounts

RANKED_COLUMNS = ("revenue", "share", "cumulative_share", "rank", "tier", "is_key")


class KamConcentrationEngine(models.AbstractModel):
    """The revenue-concentration computation of one company, in set-based SQL.

    One aggregate reads the revenue of every customer; the ranking maths run in
    Python (tools/concentration.py); the ranking is written to the narrow
    kam.account.figure table (changed rows only) and, for the key accounts and
    the accounts that entered or left, to history lines. No partner row is
    written: the classification of partners is read from the ranking.

    The work tables live in :meth:`_work_tables`, for one computation:
    ``kam_ranking`` (this computation's ranking) and ``kam_previous_key`` (the key
    accounts of the previous one).
    """

    _name = "kam.concentration.engine"
    _description = "Revenue concentration computation"

    # ------------------------------------------------------------------
    # What counts as revenue (shared with the account plans)
    # ------------------------------------------------------------------
    @api.model
    def _revenue_window(self, company):
        return revenue_window(company._kam_today(), company.kam_window_months)

    @api.model
    def _counted_invoices(self, company):
        """The documents of ``account_move move`` that make the company's revenue:
        posted customer invoices and credit notes (never drafts or cancelled ones)."""
        return SQL(
            "move.company_id = %s AND move.state = 'posted'"
            " AND move.move_type IN ('out_invoice', 'out_refund')",
            company.id,
        )

    @api.model
    def _counted_orders(self, company):
        """The documents of ``sale_order sale`` that make the company's revenue when
        orders are the source: confirmed orders."""
        return SQL("sale.company_id = %s AND sale.state = 'sale'", company.id)

    @api.model
    def _revenue_query(self, company, date_from, date_to):
        """Revenue per commercial partner over the window, in company currency."""
        if company.kam_revenue_source == "order":
            return self._revenue_query_orders(company, date_from, date_to)
        return self._revenue_query_invoices(company, date_from, date_to)

    @api.model
    def _revenue_query_invoices(self, company, date_from, date_to):
        # amount_untaxed_signed is in company currency, credit notes negative
        return SQL(
            """
            SELECT move.commercial_partner_id, SUM(move.amount_untaxed_signed)
              FROM account_move move
             WHERE %(counted)s
               AND move.invoice_date BETWEEN %(date_from)s AND %(date_to)s
               AND move.commercial_partner_id IS NOT NULL
          GROUP BY move.commercial_partner_id
            """,
            counted=self._counted_invoices(company),
            date_from=date_from,
            date_to=date_to,
        )

    @api.model
    def _in_company_currency(self, amount):
        """SQL: ``amount`` (SQL) of the order ``sale`` in the company's currency.
        Order amounts are in the order currency; currency_rate converts from the
        company currency."""
        return SQL("%s / COALESCE(NULLIF(sale.currency_rate, 0), 1)", amount)

    @api.model
    def _revenue_query_orders(self, company, date_from, date_to):
        return SQL(
            """
            SELECT partner.commercial_partner_id, SUM(%(amount)s)
              FROM sale_order sale
              JOIN res_partner partner ON partner.id = sale.partner_id
             WHERE %(counted)s
               AND sale.date_order >= %(date_from)s
               AND sale.date_order < %(date_to)s
          GROUP BY partner.commercial_partner_id
            """,
            amount=self._in_company_currency(SQL("sale.amount_untaxed")),
            counted=self._counted_orders(company),
            date_from=date_from,
            date_to=date_to + timedelta(days=1),
        )

    @api.model
    def _revenue_query_by_period(self, company, bounds):
        """Revenue per commercial partner and period, in company currency: the same
        documents and amounts as :meth:`_revenue_query`, for the history back-fill.

        :param bounds: sorted dates; period ``i`` runs from ``bounds[i - 1]``
            (included) to ``bounds[i]`` (excluded), as ``width_bucket`` numbers it.
        :return: SQL of rows (partner id, period, revenue)
        """
        if company.kam_revenue_source == "order":
            return self._revenue_query_by_period_orders(company, bounds)
        return self._revenue_query_by_period_invoices(company, bounds)

    @api.model
    def _revenue_query_by_period_invoices(self, company, bounds):
        return SQL(
            """
            SELECT move.commercial_partner_id,
                   WIDTH_BUCKET(move.invoice_date, %(bounds)s::date[]),
                   SUM(move.amount_untaxed_signed)
              FROM account_move move
             WHERE %(counted)s
               AND move.invoice_date >= %(date_from)s AND move.invoice_date < %(date_end)s
               AND move.commercial_partner_id IS NOT NULL
          GROUP BY 1, 2
            """,
            bounds=list(bounds),
            counted=self._counted_invoices(company),
            date_from=bounds[0],
            date_end=bounds[-1],
        )

    @api.model
    def _revenue_query_by_period_orders(self, company, bounds):
        # date_order is a timestamp: a day bound is its midnight, as in
        # _revenue_query_orders
        return SQL(
            """
            SELECT partner.commercial_partner_id,
                   WIDTH_BUCKET(sale.date_order, %(bounds)s::timestamp[]),
                   SUM(%(amount)s)
              FROM sale_order sale
              JOIN res_partner partner ON partner.id = sale.partner_id
             WHERE %(counted)s
               AND sale.date_order >= %(date_from)s AND sale.date_order < %(date_end)s
          GROUP BY 1, 2
            """,
            bounds=list(bounds),
            amount=self._in_company_currency(SQL("sale.amount_untaxed")),
            counted=self._counted_orders(company),
            date_from=bounds[0],
            date_end=bounds[-1],
        )

    # ------------------------------------------------------------------
    # The computation
    # ------------------------------------------------------------------
    @contextmanager
    def _work_tables(self, company):
        """The temporary tables of one computation, dropped when it ends."""
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """
                DROP TABLE IF EXISTS kam_ranking, kam_previous_key;
                CREATE TEMPORARY TABLE kam_ranking (
                    partner_id INTEGER, revenue NUMERIC, rank INTEGER, share NUMERIC,
                    cumulative_share NUMERIC, tier VARCHAR, is_key BOOLEAN
                );
                CREATE TEMPORARY TABLE kam_previous_key AS
                SELECT account_ref AS partner_id FROM kam_account_figure
                 WHERE company_id = %s AND is_key
                """,
                company.id,
            )
        )
        # a table left by a failed computation of this transaction goes first (above);
        # on an error the rollback drops them: no DROP in a failed transaction that
        # would hide the error
        yield
        self.env.execute_query(SQL("DROP TABLE IF EXISTS kam_ranking, kam_previous_key"))

    @contextmanager
    def _gc_paused(self):
        """Tens of thousands of ranking rows are tuples: allocating them would set
        off collections of the whole server heap, which took 0.1-0.2 s on some
        nights of the benchmark (the whole ranking maths takes 0.03 s)."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            if enabled:
                gc.enable()

    @api.model
    def _rank(self, company):
        """Aggregate and rank the company's customers into ``kam_ranking``.

        :return: (ranking result of tools/concentration.py, date_from, date_to)
        """
        date_from, date_to = self._revenue_window(company)
        with self._gc_paused():
            rows = self.env.execute_query(self._revenue_query(company, date_from, date_to))
            result = rank_accounts(rows, company.kam_threshold_percent, company.kam_tier_b_percent)
            # amounts and shares rounded to the 2 digits of the stored figures, so
            # that an unchanged figure compares equal to the stored one
            lines = io.StringIO(
                "".join(
                    f"{partner_id}\t{revenue:.2f}\t{rank}\t{share:.2f}\t{cumulative_share:.2f}"
                    f"\t{tier}\t{'t' if is_key else 'f'}\n"
                    for partner_id, revenue, rank, share, cumulative_share, tier, is_key in (
                        result.accounts
                    )
                )
            )
        self._copy_into("kam_ranking", lines)
        return result, date_from, date_to

    @api.model
    def _copy_into(self, table, lines, columns=None):
        """COPY the tab-separated ``lines`` (a file object) into ``table``: the
        fastest way in. As Odoo does around COPY: asynchronous wait callbacks do not
        support it."""
        wait_callback = psycopg2.extensions.get_wait_callback()
        psycopg2.extensions.set_wait_callback(None)
        try:
            self.env.cr.copy_from(lines, table, columns=columns)
        finally:
            psycopg2.extensions.set_wait_callback(wait_callback)

    @api.model
    def _write_figures(self, company):
        """Write the ranking into kam.account.figure, changed rows only.

        :return: whether the figures of a key account changed
        """
        columns = SQL(", ").join(SQL.identifier(column) for column in RANKED_COLUMNS)
        # an UPDATE joined on the ranking, then an INSERT of the new customers: much
        # cheaper than INSERT ... ON CONFLICT, which probes the index row by row.
        # Each statement answers only whether it wrote a key account: the rows
        # themselves (nearly all of them every night) stay in the database.
        updated = self.env.execute_query(
            SQL(
                """
                WITH written AS (
                UPDATE kam_account_figure figure
                   SET %(assignments)s
                  FROM kam_ranking ranking
                 WHERE figure.company_id = %(company)s
                   AND figure.account_ref = ranking.partner_id
                   AND (%(current)s) IS DISTINCT FROM (%(new)s)
             RETURNING figure.is_key
                )
                SELECT COALESCE(BOOL_OR(is_key), FALSE) FROM written
                """,
                assignments=SQL(", ").join(
                    SQL("%(c)s = ranking.%(c)s", c=SQL.identifier(column))
                    for column in RANKED_COLUMNS
                ),
                company=company.id,
                current=SQL(", ").join(SQL.identifier("figure", c) for c in RANKED_COLUMNS),
                new=SQL(", ").join(SQL.identifier("ranking", c) for c in RANKED_COLUMNS),
            )
        )
        inserted = self.env.execute_query(
            SQL(
                """
                WITH written AS (
                INSERT INTO kam_account_figure (company_id, account_ref, %(columns)s)
                SELECT %(company)s, ranking.partner_id, %(ranking_columns)s
                  FROM kam_ranking ranking
             LEFT JOIN kam_account_figure figure
                    ON figure.company_id = %(company)s AND figure.account_ref = ranking.partner_id
                 WHERE figure.id IS NULL
             RETURNING is_key
                )
                SELECT COALESCE(BOOL_OR(is_key), FALSE) FROM written
                """,
                columns=columns,
                ranking_columns=SQL(", ").join(
                    SQL.identifier("ranking", c) for c in RANKED_COLUMNS
                ),
                company=company.id,
            )
        )
        # customers without revenue in the window any more
        self.env.execute_query(
            SQL(
                """
                DELETE FROM kam_account_figure figure
                 USING kam_account_figure current
             LEFT JOIN kam_ranking ranking ON ranking.partner_id = current.account_ref
                 WHERE figure.id = current.id
                   AND current.company_id = %s
                   AND ranking.partner_id IS NULL
                """,
                company.id,
            )
        )
        self.env["kam.account.figure"].invalidate_model()
        # the classification of partners is read from the ranking
        self.env["kam.account.figure"]._invalidate_classification()
        return updated[0][0] or inserted[0][0]

    @api.model
    def _movements(self):
        """How many accounts entered and left the key set."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT COUNT(*) FILTER (WHERE previous.partner_id IS NULL),
                       COUNT(*) FILTER (WHERE previous.partner_id IS NOT NULL)
                  FROM kam_ranking ranking
             FULL JOIN kam_previous_key previous ON previous.partner_id = ranking.partner_id
                 WHERE COALESCE(ranking.is_key, FALSE) != (previous.partner_id IS NOT NULL)
                """
            )
        )
        return rows[0]

    @api.model
    def _insert_lines(self, run):
        """History lines for the key accounts and for every account that entered or left."""
        self.env.execute_query(
            SQL(
                """
                INSERT INTO kam_concentration_line
                    (run_id, date, account_ref, revenue, share, cumulative_share,
                     rank, tier, is_key, movement)
                SELECT %(run)s, %(date)s,
                       COALESCE(ranking.partner_id, previous.partner_id),
                       COALESCE(ranking.revenue, 0), COALESCE(ranking.share, 0),
                       COALESCE(ranking.cumulative_share, 0), ranking.rank,
                       COALESCE(ranking.tier, 'c'), COALESCE(ranking.is_key, FALSE),
                       CASE WHEN ranking.is_key AND previous.partner_id IS NULL THEN 'entered'
                            WHEN previous.partner_id IS NOT NULL
                                 AND NOT COALESCE(ranking.is_key, FALSE) THEN 'left'
                            ELSE 'stayed'
                       END
                  FROM kam_ranking ranking
             FULL JOIN kam_previous_key previous ON previous.partner_id = ranking.partner_id
                 WHERE ranking.is_key OR previous.partner_id IS NOT NULL
                """,
                run=run.id,
                date=run.date,
            )
        )
        run.invalidate_recordset(["line_ids"])
