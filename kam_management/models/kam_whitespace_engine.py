import io
from contextlib import contextmanager

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.whitespace import whitespace_cells

# the computed columns of kam_whitespace, as the work table kam_whitespace_new holds them
CELL_COLUMNS = (
    "account_id",
    "categ_id",
    "state",
    "revenue",
    "expected_revenue",
    "peer_group",
    "peer_total",
    "peer_count",
    "peer_median",
    "scale",
)


class KamWhitespaceEngine(models.AbstractModel):
    """The whitespace of the key accounts of one company.

    One aggregate over the product lines of the revenue source gives each key
    account's revenue per category of the grid (a category at the configured
    level of the tree, its subcategories included); the peers and the expected
    revenue are worked out in tools/whitespace.py; the cells are written to
    kam.whitespace, changed rows only, through the work table ``kam_rows_new``
    (made and dropped in :meth:`_store_rows`); the key accounts are in
    ``kam_whitespace_scope`` (:meth:`_scope_table`).
    """

    _name = "kam.whitespace.engine"
    _description = "Whitespace computation"

    # ------------------------------------------------------------------
    # What the account bought, per product category (shared with presences)
    # ------------------------------------------------------------------
    @api.model
    def _line_revenue(self, company, date_from, date_to, accounts):
        """SQL: (account_id, categ_id, amount) of the product lines of the revenue
        source of ``company`` from ``date_from`` to ``date_to``, for the accounts
        of ``accounts`` (SQL of ids): in company currency, credit notes negative."""
        engine = self.env["kam.concentration.engine"]
        if company.kam_revenue_source == "order":
            return SQL(
                """
                SELECT partner.commercial_partner_id AS account_id, template.categ_id,
                       %(amount)s AS amount
                  FROM sale_order sale
                  JOIN res_partner partner ON partner.id = sale.partner_id
                  JOIN sale_order_line line ON line.order_id = sale.id
                  JOIN product_product product ON product.id = line.product_id
                  JOIN product_template template ON template.id = product.product_tmpl_id
                 WHERE %(counted)s AND line.display_type IS NULL
                   AND sale.date_order >= %(date_from)s AND sale.date_order < %(date_to)s
                   AND partner.commercial_partner_id IN (%(accounts)s)
                """,
                amount=engine._in_company_currency(SQL("line.price_subtotal")),
                counted=engine._counted_orders(company),
                date_from=date_from,
                date_to=fields.Date.add(date_to, days=1),
                accounts=accounts,
            )
        return SQL(
            """
            SELECT move.commercial_partner_id AS account_id, template.categ_id,
                   -line.balance AS amount
              FROM account_move move
              JOIN account_move_line line ON line.move_id = move.id
              JOIN product_product product ON product.id = line.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
             WHERE %(counted)s AND line.display_type = 'product'
               AND move.invoice_date BETWEEN %(date_from)s AND %(date_to)s
               AND move.commercial_partner_id IN (%(accounts)s)
            """,
            counted=engine._counted_invoices(company),
            date_from=date_from,
            date_to=date_to,
            accounts=accounts,
        )

    @api.model
    def _grid_category(self, company, category):
        """SQL: the category of the grid of ``category`` (SQL of a product_category
        alias): its ancestor at the grid level, or itself above that level."""
        return SQL(
            "COALESCE(NULLIF(split_part(%s, '/', %s), '')::int, %s)",
            SQL.identifier(category, "parent_path"),
            company.kam_whitespace_categ_level,
            SQL.identifier(category, "id"),
        )

    # ------------------------------------------------------------------
    # The computation of a company
    # ------------------------------------------------------------------
    @api.model
    def _compute_company(self, company):
        """Compute and store the cells of the key accounts of ``company``; return
        {"cells": n, "whitespace": n, "written": n, "deleted": n}."""
        with self._scope_table(company) as scope:
            return self._compute_scope(company, scope)

    @contextmanager
    def _scope_table(self, company):
        """The key accounts of ``company`` in the work table ``kam_whitespace_scope``
        (analysed: the aggregate is then planned with hash joins), for one
        computation; yield the SQL of their ids."""
        self.env.flush_all()
        accounts = self.env["kam.classification"]._accounts(company, "kam_is_key_account", [True])
        self.env.execute_query(
            SQL(
                """
                DROP TABLE IF EXISTS kam_whitespace_scope;
                CREATE TEMPORARY TABLE kam_whitespace_scope AS %s;
                ANALYZE kam_whitespace_scope
                """,
                accounts,
            )
        )
        yield SQL("SELECT id FROM kam_whitespace_scope")
        self.env.execute_query(SQL("DROP TABLE IF EXISTS kam_whitespace_scope"))

    def _compute_scope(self, company, scope):
        groups = self._peer_groups(company, scope)
        date_from, date_to = self.env["kam.concentration.engine"]._revenue_window(company)
        revenue = {}
        for account, category, amount in self.env.execute_query(
            SQL(
                """
                SELECT line.account_id, %(grid)s, SUM(line.amount)
                  FROM (%(lines)s) line
                  JOIN product_category category ON category.id = line.categ_id
              GROUP BY 1, 2
                """,
                grid=self._grid_category(company, "category"),
                lines=self._line_revenue(company, date_from, date_to, scope),
            )
        ):
            revenue.setdefault(account, {})[category] = float(amount)
        cells = {
            (cell.account, cell.category): cell
            for cell in whitespace_cells(
                revenue,
                {account: group for account, (_kind, group) in groups.items()},
                company.kam_whitespace_share / 100,
                company.kam_whitespace_almost_nothing / 100,
            )
        }
        rows = {
            key: [
                cell.account,
                cell.category,
                cell.state,
                cell.revenue,
                cell.expected_revenue,
                groups[cell.account][0],
                cell.peer_total,
                cell.peer_count,
                cell.peer_median,
                cell.scale,
            ]
            for key, cell in cells.items()
        }
        for account, category in self._competitor_categories(company, scope):
            row = rows.get((account, category))
            if not row:
                rows[account, category] = [
                    account, category, "competitor", 0, 0, groups[account][0], 0, 0, 0, 1
                ]  # fmt: skip
            elif row[2] != "bought":
                row[2] = "competitor"
        rows = list(rows.values())
        result = self._write_cells(company, scope, rows)
        result.update(cells=len(rows), whitespace=sum(1 for row in rows if row[2] == "whitespace"))
        return result

    def _peer_groups(self, company, scope):
        """{account: (kind, group key)}: the key accounts of an industry with enough
        peers are compared with each other, the others with their tier."""
        members = self.env.execute_query(
            SQL(
                """
                SELECT account.id, account.industry_id, figure.tier
                  FROM res_partner account
             LEFT JOIN kam_account_figure figure
                    ON figure.account_ref = account.id AND figure.company_id = %(company)s
                 WHERE account.id IN (%(scope)s)
                """,
                company=company.id,
                scope=scope,
            )
        )
        industry_size = {}
        for _account, industry, _tier in members:
            if industry:
                industry_size[industry] = industry_size.get(industry, 0) + 1
        groups = {}
        for account, industry, tier in members:
            if industry and industry_size[industry] - 1 >= company.kam_whitespace_min_peers:
                groups[account] = ("industry", f"industry-{industry}")
            else:
                groups[account] = ("tier", f"tier-{tier or ''}")
        return groups

    def _competitor_categories(self, company, scope):
        """(account, grid category) where a competitor is recorded at a key account."""
        self.env["kam.competitor.presence"].flush_model()
        return self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT presence.account_id, %(grid)s
                  FROM kam_competitor_presence presence
                  JOIN product_category category ON category.id = presence.categ_id
                 WHERE presence.company_id = %(company)s AND presence.account_id IN (%(scope)s)
                """,
                grid=self._grid_category(company, "category"),
                company=company.id,
                scope=scope,
            )
        )

    def _write_cells(self, company, scope, rows):
        """Store ``rows`` (CELL_COLUMNS) as the cells of ``company``; keep a cell that
        became an opportunity while its account stays key."""
        return self._store_rows(
            "kam.whitespace",
            company,
            CELL_COLUMNS,
            rows,
            keep=SQL("cell.lead_id IS NOT NULL AND cell.account_id IN (%s)", scope),
        )

    @api.model
    def _store_rows(self, model, company, columns, rows, keep=None):
        """Make the records of ``model`` of ``company`` be ``rows`` (values of
        ``columns``, the first two being the key): update the changed ones, insert
        the new ones, delete the others (but those matching ``keep``, SQL on
        ``cell``). Floats are rounded to 2 digits, as stored. Nothing is written
        when nothing changed."""
        records = self.env[model]
        records.flush_model()
        sql_types = {"many2one": "INTEGER", "integer": "INTEGER", "float": "NUMERIC",
                     "monetary": "NUMERIC", "selection": "VARCHAR", "char": "VARCHAR"}  # fmt: skip
        work_columns = SQL(", ").join(
            SQL("%s %s", SQL.identifier(column), SQL(sql_types[records._fields[column].type]))
            for column in columns
        )
        lines = io.StringIO()
        for row in rows:
            lines.write(
                "\t".join(
                    f"{value:.2f}" if isinstance(value, float) else str(value) for value in row
                )
                + "\n"
            )
        lines.seek(0)
        key_a, key_b = (SQL.identifier(column) for column in columns[:2])
        same_key = SQL(
            "cell.company_id = %(company)s AND cell.%(a)s = new.%(a)s AND cell.%(b)s = new.%(b)s",
            company=company.id,
            a=key_a,
            b=key_b,
        )
        values = SQL(", ").join(SQL.identifier(column) for column in columns[2:])
        new_values = SQL(", ").join(SQL.identifier("new", column) for column in columns[2:])
        old_values = SQL(", ").join(SQL.identifier("cell", column) for column in columns[2:])
        now, uid = fields.Datetime.now(), self.env.uid
        table = SQL.identifier(records._table)
        with self.env["kam.signal.engine"]._temporary_table("kam_rows_new", work_columns):
            self.env["kam.concentration.engine"]._copy_into("kam_rows_new", lines)
            self.env.execute_query(SQL("ANALYZE kam_rows_new"))
            updated = self.env.execute_query(
                SQL(
                    """
                    UPDATE %(table)s cell
                       SET (%(values)s, write_date, write_uid) = (%(new_values)s, %(now)s, %(uid)s)
                      FROM kam_rows_new new
                     WHERE %(same_key)s AND (%(old_values)s) IS DISTINCT FROM (%(new_values)s)
                 RETURNING cell.id
                    """,
                    table=table,
                    values=values,
                    new_values=new_values,
                    old_values=old_values,
                    now=now,
                    uid=uid,
                    same_key=same_key,
                )
            )
            deleted = self.env.execute_query(
                SQL(
                    """
                    DELETE FROM %(table)s cell
                     WHERE cell.company_id = %(company)s
                       AND NOT EXISTS (SELECT 1 FROM kam_rows_new new WHERE %(same_key)s)
                       AND NOT (%(keep)s)
                 RETURNING cell.id
                    """,
                    table=table,
                    company=company.id,
                    same_key=same_key,
                    keep=keep or SQL("FALSE"),
                )
            )
            # the new keys are found in a statement of their own: an INSERT that reads
            # the table it fills rescans the rows it adds (a nested loop when the
            # statistics say the table is empty: 17 s instead of 1.5 s for 43 000 cells)
            self.env.execute_query(
                SQL(
                    "DELETE FROM kam_rows_new new USING %(table)s cell WHERE %(same_key)s",
                    table=table,
                    same_key=same_key,
                )
            )
            inserted = self.env.execute_query(
                SQL(
                    """
                    INSERT INTO %(table)s (company_id, %(a)s, %(b)s, %(values)s,
                                           create_date, write_date, create_uid, write_uid)
                    SELECT %(company)s, new.%(a)s, new.%(b)s, %(new_values)s,
                           %(now)s, %(now)s, %(uid)s, %(uid)s
                      FROM kam_rows_new new
                 RETURNING id
                    """,
                    table=table,
                    a=key_a,
                    b=key_b,
                    values=values,
                    new_values=new_values,
                    company=company.id,
                    now=now,
                    uid=uid,
                )
            )
        records.invalidate_model()
        return {"written": len(updated) + len(inserted), "deleted": len(deleted)}
