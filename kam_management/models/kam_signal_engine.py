import logging
from contextlib import contextmanager
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Columns of the facts of an account (kam_signal_facts), filled rule by rule.
FACT_COLUMNS = """
    account_id INTEGER PRIMARY KEY,
    revenue_recent NUMERIC, revenue_before NUMERIC, revenue_change NUMERIC, revenue_label VARCHAR,
    overdue_amount NUMERIC, overdue_count INTEGER, overdue_days INTEGER, overdue_moves INTEGER[],
    paid_days_recent NUMERIC, paid_days_before NUMERIC, paid_count INTEGER,
    regular_categories INTEGER, broken_categories INTEGER, broken_names VARCHAR,
    broken_days INTEGER, usual_gap NUMERIC,
    credited NUMERIC, invoiced NUMERIC, credit_moves INTEGER[],
    lost_amount NUMERIC, lost_count INTEGER, lost_leads INTEGER[], lost_orders INTEGER[],
    relationship_parts VARCHAR[]
"""
FOUND_COLUMNS = (
    "account_id",
    "rule",
    "first_seen",
    "amount",
    "previous_amount",
    "count",
    "days",
    "percent",
    "label",
    "move_ids",
    "order_ids",
    "lead_ids",
)
DOCUMENT_RELATIONS = (
    ("kam_signal_account_move_rel", "move_id", "move_ids"),
    ("kam_signal_sale_order_rel", "order_id", "order_ids"),
    ("kam_signal_crm_lead_rel", "lead_id", "lead_ids"),
)


class KamSignalEngine(models.AbstractModel):
    """The nightly check of the key accounts of one company, in set-based SQL.

    Each rule fills the facts of every key account (``kam_signal_facts``) with
    one aggregate; the signals are the facts beyond the company's thresholds
    (``kam_signal_found``). Then open signals are closed when their condition
    cleared, refreshed when their figures changed, and raised when new and not
    dismissed: a rerun on unchanged data writes nothing. The account health
    (kam.health.engine) reads the same facts.

    Work tables, for one check, in :meth:`_work_tables`: ``kam_signal_scope``
    (the key accounts), ``kam_signal_facts`` and ``kam_signal_found``.
    """

    _name = "kam.signal.engine"
    _description = "Signals from the ERP"

    @contextmanager
    def _temporary_table(self, name, columns):
        """A temporary table ``name`` with ``columns`` (SQL) for the duration of the
        block."""
        # a table left by a failed check of this transaction goes first; on an error the
        # rollback drops it: no DROP in a failed transaction that would hide the error
        self.env.execute_query(
            SQL(
                "DROP TABLE IF EXISTS %(name)s; CREATE TEMPORARY TABLE %(name)s (%(columns)s)",
                name=SQL.identifier(name),
                columns=columns,
            )
        )
        yield
        self.env.execute_query(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(name)))

    @contextmanager
    def _work_tables(self, company):
        self.env.flush_all()
        scope = self.env["kam.classification"]._accounts(company, "kam_is_key_account", [True])
        self.env.execute_query(
            SQL(
                """
                DROP TABLE IF EXISTS kam_signal_scope, kam_signal_facts, kam_signal_found;
                CREATE TEMPORARY TABLE kam_signal_scope AS %(scope)s;
                CREATE TEMPORARY TABLE kam_signal_facts (%(facts)s);
                INSERT INTO kam_signal_facts (account_id) SELECT id FROM kam_signal_scope;
                CREATE TEMPORARY TABLE kam_signal_found (
                    account_id INTEGER, rule VARCHAR, first_seen DATE, amount NUMERIC,
                    previous_amount NUMERIC, count INTEGER, days INTEGER, percent NUMERIC,
                    label VARCHAR, move_ids INTEGER[], order_ids INTEGER[], lead_ids INTEGER[]
                );
                ANALYZE kam_signal_facts
                """,
                scope=scope,
                facts=SQL(FACT_COLUMNS),
            )
        )
        yield  # on an error, the rollback drops them (see _temporary_table)
        self.env.execute_query(
            SQL("DROP TABLE IF EXISTS kam_signal_scope, kam_signal_facts, kam_signal_found")
        )

    # ------------------------------------------------------------------
    # The check of a company
    # ------------------------------------------------------------------
    @api.model
    def _check_company(self, company):
        """Signals and health of the key accounts of ``company``; return
        {"raised": n, "refreshed": n, "closed": n, "health": n written}."""
        today = company._kam_today()
        with self._work_tables(company):
            self._gather_facts(company, today)
            self._find_signals(company, today)
            result = self._write_signals(company, today)
            result["health"] = self.env["kam.health.engine"]._score_company(company, today)
        if company.kam_last_signal_date != today:
            company.sudo().kam_last_signal_date = today
        return result

    def _gather_facts(self, company, today):
        for fact_query in (
            self._revenue_facts(company, today),
            self._overdue_facts(company, today),
            self._payment_facts(company, today),
            self._rhythm_facts(company, today),
            self._credit_facts(company, today),
            self._lost_facts(company, today),
            self._relationship_facts(company, today),
        ):
            self.env.execute_query(fact_query)

    def _update_facts(self, assignments, source):
        """SQL: set ``assignments`` on the facts of the accounts of ``source`` (a
        query with a column account_id)."""
        return SQL(
            "UPDATE kam_signal_facts facts SET %s FROM (%s) fact"
            " WHERE fact.account_id = facts.account_id",
            SQL(assignments),
            source,
        )

    # ------------------------------------------------------------------
    # Facts, one aggregate each
    # ------------------------------------------------------------------
    def _revenue_facts(self, company, today):
        """Revenue of the last 3 months against the same months a year before, and
        of the revenue window against the window before it: the worse change. One
        pass over the documents of the revenue source."""
        engine = self.env["kam.concentration.engine"]
        quarter_from = today - relativedelta(months=3) + timedelta(days=1)
        window_from, _window_to = engine._revenue_window(company)
        window_days = (today - window_from).days + 1
        periods = {
            "quarter": (quarter_from, today),
            "quarter_before": (
                quarter_from - relativedelta(years=1),
                today - relativedelta(years=1),
            ),
            "window": (window_from, today),
            "window_before": (
                window_from - timedelta(days=window_days),
                window_from - timedelta(days=1),
            ),
        }
        if company.kam_revenue_source == "order":
            documents = SQL(
                """SELECT partner.commercial_partner_id AS account_id,
                          sale.date_order::date AS day, %(amount)s AS amount
                     FROM sale_order sale
                     JOIN res_partner partner ON partner.id = sale.partner_id
                     JOIN kam_signal_scope scope ON scope.id = partner.commercial_partner_id
                    WHERE %(counted)s AND sale.date_order >= %(since)s""",
                amount=engine._in_company_currency(SQL("sale.amount_untaxed")),
                counted=engine._counted_orders(company),
                since=min(start for start, _end in periods.values()),
            )
        else:
            documents = SQL(
                """SELECT move.commercial_partner_id AS account_id, move.invoice_date AS day,
                          move.amount_untaxed_signed AS amount
                     FROM account_move move
                     JOIN kam_signal_scope scope ON scope.id = move.commercial_partner_id
                    WHERE %(counted)s AND move.invoice_date >= %(since)s""",
                counted=engine._counted_invoices(company),
                since=min(start for start, _end in periods.values()),
            )
        sums = SQL(", ").join(
            SQL(
                "COALESCE(SUM(document.amount) FILTER (WHERE document.day BETWEEN %s AND %s), 0)"
                " AS %s",
                start,
                end,
                SQL.identifier(name),
            )
            for name, (start, end) in periods.items()
        )
        source = SQL(
            """
            SELECT revenue.*,
                   CASE WHEN revenue.quarter_before > 0 THEN
                        (revenue.quarter - revenue.quarter_before) / revenue.quarter_before * 100
                   END AS quarter_change,
                   CASE WHEN revenue.window_before > 0 THEN
                        (revenue.window - revenue.window_before) / revenue.window_before * 100
                   END AS window_change
              FROM (SELECT document.account_id, %(sums)s
                      FROM (%(documents)s) document
                  GROUP BY document.account_id) revenue
            """,
            sums=sums,
            documents=documents,
        )
        return self._update_facts(
            """revenue_change = LEAST(fact.quarter_change, fact.window_change),
               revenue_label = CASE WHEN fact.window_change IS NULL
                                     OR fact.quarter_change <= fact.window_change
                                    THEN 'quarter' ELSE 'window' END,
               revenue_recent = CASE WHEN fact.window_change IS NULL
                                      OR fact.quarter_change <= fact.window_change
                                     THEN fact.quarter ELSE fact.window END,
               revenue_before = CASE WHEN fact.window_change IS NULL
                                      OR fact.quarter_change <= fact.window_change
                                     THEN fact.quarter_before ELSE fact.window_before END""",
            source,
        )

    def _overdue_facts(self, company, today):
        return self._update_facts(
            """overdue_amount = fact.amount, overdue_count = fact.count,
               overdue_days = fact.days, overdue_moves = fact.moves""",
            SQL(
                """
                SELECT move.commercial_partner_id AS account_id,
                       SUM(move.amount_residual_signed) AS amount, COUNT(*) AS count,
                       MAX(%(today)s - move.invoice_date_due) AS days,
                       ARRAY_AGG(move.id ORDER BY move.invoice_date_due, move.id) AS moves
                  FROM account_move move
                  JOIN kam_signal_scope scope ON scope.id = move.commercial_partner_id
                 WHERE move.company_id = %(company)s AND move.state = 'posted'
                   AND move.move_type = 'out_invoice'
                   AND move.payment_state IN ('not_paid', 'partial')
                   AND move.invoice_date_due < %(today)s
                   AND move.amount_residual_signed > 0
              GROUP BY move.commercial_partner_id
                """,
                today=today,
                company=company.id,
            ),
        )

    def _payment_facts(self, company, today):
        """Amount-weighted days from invoice to payment, for the invoices paid in
        the last 90 days and for those paid in the 12 months before."""
        recent_from = today - timedelta(days=90)
        before_from = recent_from - relativedelta(months=12)
        return self._update_facts(
            """paid_days_recent = fact.recent, paid_days_before = fact.before,
               paid_count = fact.count""",
            SQL(
                """
                SELECT paid.account_id,
                       SUM(paid.amount * paid.days) FILTER (WHERE paid.paid_on > %(recent_from)s)
                       / NULLIF(SUM(paid.amount) FILTER (WHERE paid.paid_on > %(recent_from)s), 0)
                           AS recent,
                       SUM(paid.amount * paid.days) FILTER (WHERE paid.paid_on <= %(recent_from)s)
                       / NULLIF(SUM(paid.amount) FILTER (WHERE paid.paid_on <= %(recent_from)s), 0)
                           AS before,
                       COUNT(*) FILTER (WHERE paid.paid_on > %(recent_from)s) AS count
                  FROM (SELECT move.commercial_partner_id AS account_id,
                               move.amount_total_signed AS amount,
                               MAX(partial.max_date) AS paid_on,
                               MAX(partial.max_date) - move.invoice_date AS days
                          FROM account_move move
                          JOIN kam_signal_scope scope ON scope.id = move.commercial_partner_id
                          JOIN account_move_line line
                            ON line.move_id = move.id AND line.display_type = 'payment_term'
                          JOIN account_partial_reconcile partial
                            ON partial.debit_move_id = line.id
                         WHERE move.company_id = %(company)s AND move.state = 'posted'
                           AND move.move_type = 'out_invoice'
                           AND move.payment_state IN ('paid', 'in_payment')
                           AND partial.max_date > %(before_from)s
                      GROUP BY move.id) paid
              GROUP BY paid.account_id
                """,
                recent_from=recent_from,
                before_from=before_from,
                company=company.id,
            ),
        )

    def _purchases(self, company, since):
        """SQL: (account_id, categ_id, day) of every purchase of a product category
        by a key account since ``since``, from the revenue source's documents."""
        if company.kam_revenue_source == "order":
            return SQL(
                """
                SELECT DISTINCT partner.commercial_partner_id AS account_id,
                       template.categ_id, sale.date_order::date AS day
                  FROM sale_order_line line
                  JOIN sale_order sale ON sale.id = line.order_id
                  JOIN res_partner partner ON partner.id = sale.partner_id
                  JOIN kam_signal_scope scope ON scope.id = partner.commercial_partner_id
                  JOIN product_product product ON product.id = line.product_id
                  JOIN product_template template ON template.id = product.product_tmpl_id
                 WHERE sale.company_id = %(company)s AND sale.state = 'sale'
                   AND sale.date_order >= %(since)s
                """,
                company=company.id,
                since=since,
            )
        return SQL(
            """
            SELECT DISTINCT move.commercial_partner_id AS account_id,
                   template.categ_id, move.invoice_date AS day
              FROM account_move_line line
              JOIN account_move move ON move.id = line.move_id
              JOIN kam_signal_scope scope ON scope.id = move.commercial_partner_id
              JOIN product_product product ON product.id = line.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
             WHERE move.company_id = %(company)s AND move.state = 'posted'
               AND move.move_type = 'out_invoice' AND line.display_type = 'product'
               AND move.invoice_date >= %(since)s
            """,
            company=company.id,
            since=since,
        )

    def _rhythm_facts(self, company, today):
        """For each category an account buys regularly: broken when not bought for
        longer than its usual gap (90th percentile of the gaps between purchases)
        while the account bought other categories since, and recently."""
        return self._update_facts(
            """regular_categories = fact.regular, broken_categories = fact.broken,
               broken_names = fact.names, broken_days = fact.days, usual_gap = fact.usual""",
            SQL(
                """
                WITH purchase AS (%(purchases)s),
                gap AS (
                    SELECT account_id, categ_id, day,
                           day - LAG(day) OVER (PARTITION BY account_id, categ_id ORDER BY day)
                               AS gap
                      FROM purchase
                ),
                category AS (
                    SELECT account_id, categ_id, COUNT(*) AS purchases, MAX(day) AS last_day,
                           PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY gap) AS usual
                      FROM gap GROUP BY account_id, categ_id
                    HAVING COUNT(*) >= %(min_purchases)s
                ),
                account AS (
                    SELECT account_id, MAX(day) AS last_day FROM purchase GROUP BY account_id
                ),
                judged AS (
                    SELECT category.*,
                           %(today)s - category.last_day > GREATEST(category.usual, 7)
                           AND account.last_day > category.last_day
                           AND %(today)s - account.last_day <= GREATEST(category.usual, 7)
                               AS broken
                      FROM category JOIN account USING (account_id)
                )
                SELECT judged.account_id, COUNT(*) AS regular,
                       COUNT(*) FILTER (WHERE judged.broken) AS broken,
                       STRING_AGG(pc.name, ', ' ORDER BY pc.name)
                           FILTER (WHERE judged.broken) AS names,
                       MAX(%(today)s - judged.last_day) FILTER (WHERE judged.broken) AS days,
                       MAX(judged.usual) FILTER (WHERE judged.broken) AS usual
                  FROM judged JOIN product_category pc ON pc.id = judged.categ_id
              GROUP BY judged.account_id
                """,
                purchases=self._purchases(company, today - relativedelta(years=2)),
                min_purchases=company.kam_signal_rhythm_orders,
                today=today,
            ),
        )

    def _credit_facts(self, company, today):
        return self._update_facts(
            """credited = fact.credited, invoiced = fact.invoiced, credit_moves = fact.moves""",
            SQL(
                """
                SELECT move.commercial_partner_id AS account_id,
                       -SUM(move.amount_untaxed_signed) FILTER (WHERE move.move_type = 'out_refund')
                           AS credited,
                       SUM(move.amount_untaxed_signed) FILTER (WHERE move.move_type = 'out_invoice')
                           AS invoiced,
                       ARRAY_AGG(move.id ORDER BY move.id)
                           FILTER (WHERE move.move_type = 'out_refund') AS moves
                  FROM account_move move
                  JOIN kam_signal_scope scope ON scope.id = move.commercial_partner_id
                 WHERE %(counted)s AND move.invoice_date > %(since)s
              GROUP BY move.commercial_partner_id
                """,
                counted=self.env["kam.concentration.engine"]._counted_invoices(company),
                since=today - timedelta(days=90),
            ),
        )

    def _lost_facts(self, company, today):
        since = today - timedelta(days=90)
        return self._update_facts(
            """lost_amount = fact.amount, lost_count = fact.count,
               lost_leads = fact.leads, lost_orders = fact.orders""",
            SQL(
                """
                SELECT lost.account_id, SUM(lost.amount) AS amount, COUNT(*) AS count,
                       ARRAY_AGG(lost.lead_id ORDER BY lost.lead_id)
                           FILTER (WHERE lost.lead_id IS NOT NULL) AS leads,
                       ARRAY_AGG(lost.order_id ORDER BY lost.order_id)
                           FILTER (WHERE lost.order_id IS NOT NULL) AS orders
                  FROM (SELECT partner.commercial_partner_id AS account_id,
                               COALESCE(lead.expected_revenue, 0) AS amount,
                               lead.id AS lead_id, NULL::integer AS order_id
                          FROM crm_lead lead
                          JOIN res_partner partner ON partner.id = lead.partner_id
                          JOIN kam_signal_scope scope ON scope.id = partner.commercial_partner_id
                         WHERE lead.type = 'opportunity' AND lead.active IS NOT TRUE
                           AND lead.probability = 0 AND lead.date_closed >= %(since)s
                           AND lead.company_id = %(company)s
                     UNION ALL
                        SELECT partner.commercial_partner_id, %(order_amount)s, NULL, sale.id
                          FROM sale_order sale
                          JOIN res_partner partner ON partner.id = sale.partner_id
                          JOIN kam_signal_scope scope ON scope.id = partner.commercial_partner_id
                         WHERE sale.company_id = %(company)s AND sale.state = 'cancel'
                           AND sale.kam_confirmed_date IS NOT NULL
                           AND sale.kam_cancelled_date >= %(since)s) lost
              GROUP BY lost.account_id
                """,
                since=since,
                company=company.id,
                order_amount=self.env["kam.concentration.engine"]._in_company_currency(
                    SQL("sale.amount_untaxed")
                ),
            ),
        )

    def _relationship_facts(self, company, today):
        """Gaps of the map, decision makers archived in the last 90 days, stale plans."""
        self.env["kam.relationship.gap"].flush_model()
        return self._update_facts(
            "relationship_parts = fact.parts",
            SQL(
                """
                SELECT part.account_id, ARRAY_AGG(DISTINCT part.code ORDER BY part.code) AS parts
                  FROM (SELECT gap.account_id, gap.gap AS code
                          FROM kam_relationship_gap gap
                          JOIN kam_signal_scope scope ON scope.id = gap.account_id
                         WHERE gap.company_id = %(company)s
                     UNION ALL
                        SELECT stakeholder.account_id, 'decision_maker_archived'
                          FROM kam_stakeholder stakeholder
                          JOIN kam_signal_scope scope ON scope.id = stakeholder.account_id
                          JOIN kam_stakeholder_kam_stakeholder_role_rel rel
                            ON rel.kam_stakeholder_id = stakeholder.id
                          JOIN kam_stakeholder_role role
                            ON role.id = rel.kam_stakeholder_role_id AND role.is_decision_maker
                         WHERE stakeholder.active IS NOT TRUE
                           AND stakeholder.write_date >= %(since)s
                     UNION ALL
                        SELECT plan.account_id, 'stale_plan'
                          FROM kam_account_plan plan
                          JOIN kam_signal_scope scope ON scope.id = plan.account_id
                         WHERE plan.company_id = %(company)s AND plan.active
                           AND plan.state IN ('active', 'review') AND plan.is_stale) part
              GROUP BY part.account_id
                """,
                company=company.id,
                since=today - timedelta(days=90),
            ),
        )

    # ------------------------------------------------------------------
    # Signals: the facts beyond the thresholds
    # ------------------------------------------------------------------
    def _find_signals(self, company, today):
        self.env.execute_query(
            SQL(
                """
                INSERT INTO kam_signal_found (account_id, rule, amount, previous_amount, count,
                                              days, percent, label, move_ids, order_ids, lead_ids)
                SELECT account_id, 'overdue', overdue_amount, NULL::numeric, overdue_count,
                       overdue_days, NULL::numeric, NULL::varchar, overdue_moves,
                       NULL::integer[], NULL::integer[]
                  FROM kam_signal_facts
                 WHERE overdue_days >= %(overdue_days)s AND overdue_amount >= %(overdue_amount)s
             UNION ALL
                SELECT account_id, 'payment_drift', NULL, ROUND(paid_days_before, 1), paid_count,
                       ROUND(paid_days_recent)::integer, NULL, NULL, NULL, NULL, NULL
                  FROM kam_signal_facts
                 WHERE paid_days_recent - paid_days_before >= GREATEST(%(drift_days)s, 1)
             UNION ALL
                SELECT account_id, 'revenue_decline', ROUND(revenue_recent, 2),
                       ROUND(revenue_before, 2), NULL, NULL, ROUND(revenue_change, 1),
                       revenue_label, NULL, NULL, NULL
                  FROM kam_signal_facts
                 WHERE revenue_change <= -%(decline)s
             UNION ALL
                SELECT account_id, 'order_rhythm', NULL, ROUND(usual_gap), broken_categories,
                       broken_days, NULL, broken_names, NULL, NULL, NULL
                  FROM kam_signal_facts
                 WHERE broken_categories > 0
             UNION ALL
                SELECT account_id, 'credit_notes', ROUND(credited, 2),
                       ROUND(COALESCE(invoiced, 0), 2),
                       NULL, NULL,
                       ROUND(CASE WHEN invoiced > 0 THEN credited / invoiced * 100 ELSE 100 END, 1),
                       NULL, credit_moves, NULL, NULL
                  FROM kam_signal_facts
                 WHERE credited > 0 AND credited > COALESCE(invoiced, 0) * %(credit)s / 100
             UNION ALL
                SELECT account_id, 'lost_business', ROUND(lost_amount, 2), NULL, lost_count, NULL,
                       NULL, NULL, NULL, lost_orders, lost_leads
                  FROM kam_signal_facts
                 WHERE lost_count > 0
             UNION ALL
                SELECT account_id, 'relationship', NULL, NULL, CARDINALITY(relationship_parts),
                       NULL, NULL, ARRAY_TO_STRING(relationship_parts, ','), NULL, NULL, NULL
                  FROM kam_signal_facts
                 WHERE CARDINALITY(relationship_parts) > 0;

                -- left the key set in the last 90 days, and not key now
                INSERT INTO kam_signal_found (account_id, rule, first_seen, amount, count, percent)
                SELECT DISTINCT ON (line.account_ref) line.account_ref, 'left_key_set',
                       line.date::date, line.revenue, line.rank, ROUND(line.share, 2)
                  FROM kam_concentration_line line
                  JOIN kam_concentration_run run ON run.id = line.run_id
                 WHERE run.company_id = %(company)s AND line.movement = 'left'
                   AND run.is_backfill IS NOT TRUE AND line.date >= %(since)s
                   AND line.account_ref NOT IN (SELECT id FROM kam_signal_scope)
              ORDER BY line.account_ref, line.date DESC;

                CREATE INDEX ON kam_signal_found (account_id, rule);
                ANALYZE kam_signal_found
                """,
                overdue_days=company.kam_signal_overdue_days,
                overdue_amount=company.kam_signal_overdue_amount,
                drift_days=company.kam_signal_drift_days,
                decline=company.kam_signal_decline_percent,
                credit=company.kam_signal_credit_percent,
                company=company.id,
                since=today - timedelta(days=90),
            )
        )

    def _write_signals(self, company, today):
        """Close, refresh and raise: only what changed is written."""
        signal_model = self.env["kam.signal"]
        signal_model.flush_model()
        now = fields.Datetime.now()
        uid = self.env.uid
        evidence = SQL(
            "MD5(CONCAT_WS('|', found.amount, found.previous_amount, found.count, found.days,"
            " found.percent, found.label, found.move_ids, found.order_ids, found.lead_ids))"
        )
        closed = self.env.execute_query(
            SQL(
                """
                UPDATE kam_signal signal
                   SET state = 'closed', date_closed = %(today)s,
                       write_date = %(now)s, write_uid = %(uid)s
                 WHERE signal.company_id = %(company)s AND signal.state = 'open'
                   AND NOT EXISTS (SELECT 1 FROM kam_signal_found found
                                    WHERE found.account_id = signal.account_id
                                      AND found.rule = signal.rule)
             RETURNING signal.id
                """,
                today=today,
                now=now,
                uid=uid,
                company=company.id,
            )
        )
        refreshed = self.env.execute_query(
            SQL(
                """
                UPDATE kam_signal signal
                   SET amount = found.amount, previous_amount = found.previous_amount,
                       count = found.count, days = found.days, percent = found.percent,
                       label = found.label, evidence_key = %(evidence)s,
                       write_date = %(now)s, write_uid = %(uid)s
                  FROM kam_signal_found found
                 WHERE signal.company_id = %(company)s AND signal.state = 'open'
                   AND found.account_id = signal.account_id AND found.rule = signal.rule
                   AND signal.evidence_key IS DISTINCT FROM %(evidence)s
             RETURNING signal.id
                """,
                evidence=evidence,
                now=now,
                uid=uid,
                company=company.id,
            )
        )
        # which findings are new, in a statement of its own: an INSERT that reads the
        # table it fills rescans the rows it adds (see kam.whitespace.engine)
        new_keys = self.env.execute_query(
            SQL(
                """
                SELECT found.account_id, found.rule FROM kam_signal_found found
                 WHERE NOT EXISTS (
                        SELECT 1 FROM kam_signal signal
                         WHERE signal.company_id = %(company)s
                           AND signal.account_id = found.account_id AND signal.rule = found.rule
                           AND (signal.state = 'open'
                                OR (signal.state = 'dismissed'
                                    AND signal.dismissed_until >= %(today)s)))
                """,
                company=company.id,
                today=today,
            )
        )
        raised = self.env.execute_query(
            SQL(
                """
                INSERT INTO kam_signal (account_id, company_id, rule, state, first_seen, amount,
                                        previous_amount, count, days, percent, label,
                                        evidence_key, create_date, create_uid, write_date,
                                        write_uid)
                SELECT found.account_id, %(company)s, found.rule, 'open',
                       COALESCE(found.first_seen, %(today)s), found.amount,
                       found.previous_amount, found.count, found.days, found.percent,
                       found.label, %(evidence)s, %(now)s, %(uid)s, %(now)s, %(uid)s
                  FROM kam_signal_found found
                  JOIN UNNEST(%(accounts)s::int[], %(rules)s::varchar[]) AS new(account_id, rule)
                    ON new.account_id = found.account_id AND new.rule = found.rule
             RETURNING id
                """,
                company=company.id,
                today=today,
                evidence=evidence,
                now=now,
                uid=uid,
                accounts=[account for account, _rule in new_keys],
                rules=[rule for _account, rule in new_keys],
            )
        )
        linked = [row[0] for row in refreshed + raised]
        if linked:
            self._link_documents(company, linked)
        signal_model.invalidate_model()
        return {"raised": len(raised), "refreshed": len(refreshed), "closed": len(closed)}

    def _link_documents(self, company, signal_ids):
        for table, column, found_column in DOCUMENT_RELATIONS:
            self.env.execute_query(
                SQL(
                    """
                    DELETE FROM %(table)s WHERE signal_id = ANY(%(ids)s);
                    INSERT INTO %(table)s (signal_id, %(column)s)
                    SELECT DISTINCT signal.id, UNNEST(found.%(found_column)s)
                      FROM kam_signal signal
                      JOIN kam_signal_found found
                        ON found.account_id = signal.account_id AND found.rule = signal.rule
                     WHERE signal.id = ANY(%(ids)s) AND signal.company_id = %(company)s
                    """,
                    table=SQL.identifier(table),
                    column=SQL.identifier(column),
                    found_column=SQL.identifier(found_column),
                    ids=signal_ids,
                    company=company.id,
                )
            )

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------
    @api.model
    def _cron_check_accounts(self):
        """One company per call (committed by the scheduler), the others reported as
        remaining; run by hand, every company."""
        self.env["res.company"]._kam_run_daily(
            lambda company: self.sudo()._check_company(company),
            "kam_last_signal_date",
            "kam_signal_failed_date",
            _logger,
            "Signals",
        )
