import io
import logging
import time
from datetime import timedelta

import psycopg2
from dateutil.relativedelta import relativedelta
from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools.concentration import rank_accounts
from .res_company import REVENUE_SOURCES

_logger = logging.getLogger(__name__)

# Two computations closer than this belong to the same nightly cycle.
CYCLE = timedelta(hours=20)
# Recompute Now computes in the web request when the previous computation of the
# company took less than this; longer ones go to the scheduled action, so that
# the request never meets the web worker's time limit (120 s by default).
INLINE_SECONDS = 20
# Namespace of the advisory lock that keeps one computation per company at a time.
LOCK_NAMESPACE = 741_302


class ComputationBusy(UserError):
    """Another transaction is computing the same company right now."""


class KamConcentrationRun(models.Model):
    _name = "kam.concentration.run"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Revenue concentration computation"
    _order = "date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    date_from = fields.Date(string="Revenue From", readonly=True)
    date_to = fields.Date(string="Revenue To", readonly=True)
    revenue_source = fields.Selection(REVENUE_SOURCES, readonly=True)
    threshold_percent = fields.Float(string="Threshold (%)", readonly=True)
    tier_b_percent = fields.Float(string="Tier B Up To (%)", readonly=True)
    total_revenue = fields.Monetary(currency_field="currency_id", readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True, aggregator="avg")
    key_account_count = fields.Integer(string="Key Accounts", readonly=True, aggregator="avg")
    hhi = fields.Float(
        string="HHI",
        digits=(16, 0),
        readonly=True,
        aggregator="avg",
        help="Herfindahl-Hirschman index: sum of the squared revenue shares (0-10 000). "
        "Above 2 500 revenue is highly concentrated.",
    )
    gini = fields.Float(
        digits=(16, 3),
        readonly=True,
        aggregator="avg",
        help="0 when every customer buys the same, close to 1 when one customer buys all.",
    )
    top1_share = fields.Float(string="Top 1 (%)", digits=(16, 2), readonly=True, aggregator="avg")
    top5_share = fields.Float(string="Top 5 (%)", digits=(16, 2), readonly=True, aggregator="avg")
    top10_share = fields.Float(string="Top 10 (%)", digits=(16, 2), readonly=True, aggregator="avg")
    top20_share = fields.Float(string="Top 20 (%)", digits=(16, 2), readonly=True, aggregator="avg")
    accounts_for_50 = fields.Integer(string="Accounts for 50 %", readonly=True, aggregator="avg")
    accounts_for_80 = fields.Integer(string="Accounts for 80 %", readonly=True, aggregator="avg")
    accounts_for_95 = fields.Integer(string="Accounts for 95 %", readonly=True, aggregator="avg")
    risk_value = fields.Float(string="Risk Measure", digits=(16, 2), readonly=True)
    risk_exceeded = fields.Boolean(string="Concentration Risk", readonly=True)
    line_ids = fields.One2many("kam.concentration.line", "run_id", string="Accounts")
    detail_run_id = fields.Many2one(
        "kam.concentration.run",
        string="Account Detail In",
        readonly=True,
        help="When nothing changed for the key accounts, the account lines are not copied "
        "again: they are those of this earlier computation.",
    )
    duration = fields.Float(
        string="Duration (s)",
        digits=(16, 1),
        readonly=True,
        help="How long the computation took, in seconds.",
    )
    entered_count = fields.Integer(string="Entered", readonly=True)
    left_count = fields.Integer(string="Left", readonly=True)
    entered_partner_ids = fields.Many2many(
        "res.partner", string="Entered Key Set", compute="_compute_movements"
    )
    left_partner_ids = fields.Many2many(
        "res.partner", string="Left Key Set", compute="_compute_movements"
    )

    @api.depends("company_id", "date")
    def _compute_display_name(self):
        for run in self:
            date = fields.Datetime.context_timestamp(run, run.date) if run.date else ""
            run.display_name = f"{run.company_id.name} – {date and date.strftime('%Y-%m-%d %H:%M')}"

    @api.depends("line_ids.movement")
    def _compute_movements(self):
        for run in self:
            run.entered_partner_ids = run.line_ids.filtered(
                lambda line: line.movement == "entered"
            ).partner_id
            run.left_partner_ids = run.line_ids.filtered(
                lambda line: line.movement == "left"
            ).partner_id

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    def action_recompute(self):
        """Button of KAM managers: compute the selected companies now.

        A company whose last computation was long is queued to the scheduled
        action instead, and the manager is told so.
        """
        if not self.env.user.has_group("kam_management.group_kam_manager"):
            raise AccessError(
                self.env._("Only Key Account Managers can recompute the revenue concentration.")
            )
        run_model = self.sudo()
        runs, queued = run_model.browse(), self.env["res.company"]
        for company in self.env.companies:
            last = run_model.search([("company_id", "=", company.id)], limit=1)
            if last.duration > INLINE_SECONDS:
                queued |= company
            else:
                runs |= run_model._compute_for_company(company)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.kam_concentration_run_action"
        )
        if queued:
            queued.sudo().kam_concentration_requested = True
            self.env.ref("kam_management.ir_cron_kam_concentration").sudo()._trigger()
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "sticky": True,
                    "title": self.env._("Computation queued"),
                    "message": self.env._(
                        "The revenue concentration of %(companies)s takes a while: it is "
                        "computed in the background in the next minutes and appears in the "
                        "Concentration History when done.",
                        companies=", ".join(queued.mapped("name")),
                    ),
                    "next": action,
                },
            }
        if len(runs) == 1:
            action.update(res_id=runs.id, view_mode="form", views=[(False, "form")])
        return action

    @api.model
    def action_open_latest_pareto(self):
        """The key accounts and movers of the latest computation of each current company."""
        latest = self.browse()
        for company in self.env.companies:
            latest |= self.search([("company_id", "=", company.id)], limit=1).detail_run_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.kam_concentration_line_action"
        )
        action["domain"] = [("run_id", "in", latest.ids)]
        return action

    def action_open_pareto(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.kam_concentration_line_action"
        )
        action["domain"] = [("run_id", "=", self.detail_run_id.id)]
        return action

    @api.model
    def _cron_compute_concentration(self):
        """Nightly: one company per batch (its ranking needs its whole population).

        A company whose computation fails is logged and left for the next night,
        so that it does not hold back the others.
        """
        cycle_start = fields.Datetime.now() - CYCLE
        pending = self.env["res.company"].search(
            [
                "|",
                ("kam_concentration_requested", "=", True),
                "&",
                "|",
                ("kam_last_concentration_date", "=", False),
                ("kam_last_concentration_date", "<", cycle_start),
                "|",
                ("kam_concentration_failed_date", "=", False),
                ("kam_concentration_failed_date", "<", cycle_start),
            ],
            order="id",
        )
        done = 0
        for company in pending:
            try:
                with self.env.cr.savepoint():
                    self._compute_for_company(company)
            except (ComputationBusy, SerializationFailure):
                # computed by somebody else right now (Recompute Now): nothing failed
                _logger.info("The revenue concentration of %s is computed elsewhere", company.name)
                continue
            except Exception:
                _logger.exception(
                    "The revenue concentration of %s could not be computed", company.name
                )
                company.sudo().write(
                    {
                        "kam_concentration_failed_date": fields.Datetime.now(),
                        "kam_concentration_requested": False,
                    }
                )
            done = 1
            break
        self.env["ir.cron"]._notify_progress(done=done, remaining=len(pending) - done)

    @api.model
    def _compute_for_companies(self, companies):
        runs = self.browse()
        for company in companies:
            runs |= self._compute_for_company(company)
        return runs

    # ------------------------------------------------------------------
    # The computation
    # ------------------------------------------------------------------
    @api.model
    def _revenue_window(self, company):
        date_to = company._kam_today()
        date_from = date_to - relativedelta(months=company.kam_window_months) + timedelta(days=1)
        return date_from, date_to

    @api.model
    def _revenue_query(self, company, date_from, date_to):
        """Revenue per commercial partner over the window, in company currency."""
        if company.kam_revenue_source == "order":
            return self._revenue_query_orders(company, date_from, date_to)
        return self._revenue_query_invoices(company, date_from, date_to)

    @api.model
    def _counted_invoices(self, company):
        """The documents of ``account_move move`` that make the company's revenue:
        posted customer invoices and credit notes (never drafts or cancelled ones).
        Shared with the account plans."""
        return SQL(
            "move.company_id = %s AND move.state = 'posted'"
            " AND move.move_type IN ('out_invoice', 'out_refund')",
            company.id,
        )

    @api.model
    def _counted_orders(self, company):
        """The documents of ``sale_order sale`` that make the company's revenue when
        orders are the source: confirmed orders. Shared with the account plans."""
        return SQL("sale.company_id = %s AND sale.state = 'sale'", company.id)

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
    def _revenue_query_orders(self, company, date_from, date_to):
        # order amounts are in order currency; currency_rate converts from company currency
        return SQL(
            """
            SELECT partner.commercial_partner_id,
                   SUM(sale.amount_untaxed / COALESCE(NULLIF(sale.currency_rate, 0), 1))
              FROM sale_order sale
              JOIN res_partner partner ON partner.id = sale.partner_id
             WHERE %(counted)s
               AND sale.date_order >= %(date_from)s
               AND sale.date_order < %(date_to)s
          GROUP BY partner.commercial_partner_id
            """,
            counted=self._counted_orders(company),
            date_from=date_from,
            date_to=date_to + timedelta(days=1),
        )

    @api.model
    def _lock_company(self, company):
        """One computation per company at a time; the lock ends with the transaction."""
        locked = self.env.execute_query(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", LOCK_NAMESPACE, company.id)
        )[0][0]
        if not locked:
            raise ComputationBusy(
                self.env._(
                    "The revenue concentration of %(company)s is being computed right now "
                    "(by the nightly job or another manager). Its result appears in the "
                    "Concentration History in a few moments.",
                    company=company.name,
                )
            )

    @api.model
    def _compute_for_company(self, company):
        started = time.monotonic()
        self._lock_company(company)
        self.env.flush_all()
        date_from, date_to = self._revenue_window(company)
        rows = self.env.execute_query(self._revenue_query(company, date_from, date_to))
        result = rank_accounts(rows, company.kam_threshold_percent, company.kam_tier_b_percent)
        self._store_ranking(result)
        changed_key_account = self._write_figures(company)
        previous = self.search([("company_id", "=", company.id)], limit=1)
        risk_value = result.hhi if company.kam_risk_metric == "hhi" else result.top_shares[10]
        # nobody follows a computation and its creation is no news: no chatter overhead
        run = self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True).create(
            {
                "company_id": company.id,
                "date_from": date_from,
                "date_to": date_to,
                "revenue_source": company.kam_revenue_source,
                "threshold_percent": company.kam_threshold_percent,
                "tier_b_percent": company.kam_tier_b_percent,
                "total_revenue": result.total_revenue,
                "customer_count": result.customer_count,
                "key_account_count": result.key_account_count,
                "hhi": result.hhi,
                "gini": result.gini,
                "top1_share": result.top_shares[1],
                "top5_share": result.top_shares[5],
                "top10_share": result.top_shares[10],
                "top20_share": result.top_shares[20],
                "accounts_for_50": result.accounts_for[50],
                "accounts_for_80": result.accounts_for[80],
                "accounts_for_95": result.accounts_for[95],
                "risk_value": risk_value,
                "risk_exceeded": risk_value > company.kam_risk_level,
            }
        )
        entered, left, movers = self._movements()
        if entered or left or changed_key_account or not previous.detail_run_id:
            self._insert_lines(run)
            run.detail_run_id = run
        else:
            run.detail_run_id = previous.detail_run_id
        run.write({"entered_count": entered, "left_count": left})
        # Strategic flags and manager decisions refresh the status when they are
        # written; here only accounts that entered or left can change, except on
        # the first computation of a company.
        partners = self.env["res.partner"].browse(movers if previous else [])
        if movers or not previous:
            partners._kam_refresh_key_status(company)
        company.sudo().write(
            {"kam_last_concentration_date": run.date, "kam_concentration_requested": False}
        )
        if run.risk_exceeded and not previous.risk_exceeded:
            run._notify_risk()
        self._prune_lines(company)
        self.env.execute_query(
            SQL("DROP TABLE IF EXISTS kam_ranking, kam_previous_key, kam_reclassified")
        )
        run.duration = time.monotonic() - started
        return run

    @api.model
    def _store_ranking(self, result):
        """Put the ranking in a temporary table, the fastest way in: COPY."""
        self.env.execute_query(
            SQL(
                """
                CREATE TEMPORARY TABLE kam_ranking (
                    partner_id INTEGER,
                    revenue NUMERIC,
                    rank INTEGER,
                    share NUMERIC,
                    cumulative_share NUMERIC,
                    tier VARCHAR,
                    is_key BOOLEAN
                )
                """
            )
        )
        # amounts and shares rounded to the 2 digits of the stored figures, so that
        # an unchanged figure compares equal to the stored one
        rows = io.StringIO(
            "".join(
                f"{partner_id}\t{revenue:.2f}\t{rank}\t{share:.2f}\t{cumulative_share:.2f}"
                f"\t{tier}\t{'t' if is_key else 'f'}\n"
                for partner_id, revenue, rank, share, cumulative_share, tier, is_key in (
                    result.accounts
                )
            )
        )
        # as Odoo does around COPY: asynchronous wait callbacks do not support it
        wait_callback = psycopg2.extensions.get_wait_callback()
        psycopg2.extensions.set_wait_callback(None)
        try:
            self.env.cr.copy_from(rows, "kam_ranking")
        finally:
            psycopg2.extensions.set_wait_callback(wait_callback)

    @api.model
    def _write_figures(self, company):
        """Write the ranking: figures in kam.account.figure, classification on partners.

        Changed rows only. Returns whether the figures of a key account changed.
        """
        self.env.execute_query(
            SQL(
                """
                CREATE TEMPORARY TABLE kam_previous_key AS
                SELECT partner_id FROM kam_account_figure WHERE company_id = %s AND is_key
                """,
                company.id,
            )
        )
        # accounts whose classification changes: the wide partner table is only
        # written for them (ranks and shares change for many more, every night)
        self.env.execute_query(
            SQL(
                """
                CREATE TEMPORARY TABLE kam_reclassified AS
                SELECT ranking.partner_id, ranking.tier, ranking.is_key
                  FROM kam_ranking ranking
             LEFT JOIN kam_account_figure figure
                    ON figure.company_id = %s AND figure.partner_id = ranking.partner_id
                 WHERE figure.tier IS DISTINCT FROM ranking.tier
                    OR figure.is_key IS DISTINCT FROM ranking.is_key
                """,
                company.id,
            )
        )
        # temporary tables have no statistics until analysed: without them the
        # planner joins the whole partner table instead of the few reclassified rows
        self.env.execute_query(SQL("ANALYZE kam_reclassified"))
        columns = ["revenue", "share", "cumulative_share", "rank", "tier", "is_key"]
        column_list = SQL(", ").join(SQL.identifier(column) for column in columns)
        # an UPDATE joined on the ranking, then an INSERT of the new customers: much
        # cheaper than INSERT ... ON CONFLICT, which probes the index row by row
        # each statement answers only whether it wrote a key account: the rows
        # themselves (nearly all of them every night) stay in the database
        updated = self.env.execute_query(
            SQL(
                """
                WITH written AS (
                UPDATE kam_account_figure figure
                   SET %(assignments)s
                  FROM kam_ranking ranking
                 WHERE figure.company_id = %(company)s
                   AND figure.partner_id = ranking.partner_id
                   AND (%(current)s) IS DISTINCT FROM (%(new)s)
             RETURNING figure.is_key
                )
                SELECT COALESCE(BOOL_OR(is_key), FALSE) FROM written
                """,
                assignments=SQL(", ").join(
                    SQL("%(c)s = ranking.%(c)s", c=SQL.identifier(column)) for column in columns
                ),
                company=company.id,
                current=SQL(", ").join(SQL.identifier("figure", column) for column in columns),
                new=SQL(", ").join(SQL.identifier("ranking", column) for column in columns),
            )
        )
        inserted = self.env.execute_query(
            SQL(
                """
                WITH written AS (
                INSERT INTO kam_account_figure (company_id, partner_id, %(columns)s)
                SELECT %(company)s, ranking.partner_id, %(ranking_columns)s
                  FROM kam_ranking ranking
             LEFT JOIN kam_account_figure figure
                    ON figure.company_id = %(company)s AND figure.partner_id = ranking.partner_id
                 WHERE figure.id IS NULL
             RETURNING is_key
                )
                SELECT COALESCE(BOOL_OR(is_key), FALSE) FROM written
                """,
                columns=column_list,
                ranking_columns=SQL(", ").join(
                    SQL.identifier("ranking", column) for column in columns
                ),
                company=company.id,
            )
        )
        # customers without revenue in the window any more
        dropped = self.env.execute_query(
            SQL(
                """
                DELETE FROM kam_account_figure figure
                 USING kam_account_figure current
             LEFT JOIN kam_ranking ranking ON ranking.partner_id = current.partner_id
                 WHERE figure.id = current.id
                   AND current.company_id = %s
                   AND ranking.partner_id IS NULL
             RETURNING figure.partner_id
                """,
                company.id,
            )
        )
        # the classification, on the accounts (contacts read that of their account)
        key = str(company.id)
        classification = {"kam_own_tier": "tier", "kam_own_is_key_by_revenue": "is_key"}
        self.env.execute_query(
            SQL(
                """
                UPDATE res_partner partner
                   SET %(assignments)s, write_date = NOW() AT TIME ZONE 'UTC', write_uid = %(uid)s
                  FROM kam_reclassified ranking
                 WHERE partner.id = ranking.partner_id
                   AND (%(differs)s)
                """,
                assignments=self._jsonb_assignments(key, classification),
                differs=self._jsonb_differs(key, classification),
                uid=self.env.uid,
            )
        )
        if dropped:
            self.env.execute_query(
                SQL(
                    """
                    UPDATE res_partner partner
                       SET kam_own_tier = partner.kam_own_tier - %(key)s,
                           kam_own_is_key_by_revenue = partner.kam_own_is_key_by_revenue - %(key)s,
                           write_date = NOW() AT TIME ZONE 'UTC', write_uid = %(uid)s
                     WHERE partner.id = ANY(%(accounts)s)
                    """,
                    key=key,
                    uid=self.env.uid,
                    accounts=[row[0] for row in dropped],
                )
            )
        self.env["kam.account.figure"].invalidate_model()
        self.env["res.partner"].invalidate_model(
            list(classification)
            + ["kam_revenue", "kam_revenue_share", "kam_cumulative_share", "kam_revenue_rank"]
            + ["kam_tier", "kam_is_key_by_revenue"]
        )
        return updated[0][0] or inserted[0][0]

    @api.model
    def _jsonb_assignments(self, key, figures):
        """column = column || {company: ranking value}, for each figure."""
        return SQL(", ").join(
            SQL(
                "%(column)s = COALESCE(partner.%(column)s, '{}'::jsonb)"
                " || jsonb_build_object(%(key)s, ranking.%(source)s)",
                column=SQL.identifier(column),
                key=key,
                source=SQL.identifier(source),
            )
            for column, source in figures.items()
        )

    @api.model
    def _jsonb_differs(self, key, figures):
        return SQL(" OR ").join(
            SQL(
                "(partner.%(column)s -> %(key)s) IS DISTINCT FROM to_jsonb(ranking.%(source)s)",
                column=SQL.identifier(column),
                key=key,
                source=SQL.identifier(source),
            )
            for column, source in figures.items()
        )

    @api.model
    def _movements(self):
        """Count the accounts that entered and left the key set; return them too."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT COALESCE(ranking.partner_id, previous.partner_id),
                       previous.partner_id IS NULL
                  FROM kam_ranking ranking
             FULL JOIN kam_previous_key previous ON previous.partner_id = ranking.partner_id
                 WHERE COALESCE(ranking.is_key, FALSE) != (previous.partner_id IS NOT NULL)
                """
            )
        )
        entered = sum(1 for _partner, is_new in rows if is_new)
        return entered, len(rows) - entered, [partner for partner, _is_new in rows]

    def _insert_lines(self, run):
        """History lines for the key accounts and for every account that entered or left."""
        self.env.execute_query(
            SQL(
                """
                INSERT INTO kam_concentration_line
                    (run_id, date, partner_id, revenue, share, cumulative_share,
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

    @api.ondelete(at_uninstall=False)
    def _unlink_except_shown_detail(self):
        """A later computation may show the account detail of this one."""
        showing = self.search([("detail_run_id", "in", self.ids), ("id", "not in", self.ids)])
        if showing:
            raise UserError(
                self.env._(
                    "%(runs)s cannot be deleted: later computations (%(later)s) show its "
                    "account detail. Delete them too, or keep it.",
                    runs=", ".join(showing.detail_run_id.mapped("display_name")),
                    later=", ".join(showing[:5].mapped("display_name")),
                )
            )

    def _notify_risk(self):
        """An activity for each KAM manager of the company, explaining the figure."""
        self.ensure_one()
        company = self.company_id
        if company.kam_risk_metric == "hhi":
            explanation = self.env._(
                "The revenue concentration index (HHI) of %(company)s is %(value).0f, above "
                "the alert level of %(level).0f: revenue depends on few customers.",
                company=company.name,
                value=self.risk_value,
                level=company.kam_risk_level,
            )
        else:
            explanation = self.env._(
                "The 10 largest customers of %(company)s make %(value).1f %% of its revenue, "
                "above the alert level of %(level).1f %%.",
                company=company.name,
                value=self.risk_value,
                level=company.kam_risk_level,
            )
        managers = self.env.ref("kam_management.group_kam_manager").users.filtered(
            lambda user: company in user.company_ids and not user.share
        )
        for manager in managers:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=manager.id,
                summary=self.env._("Revenue concentration above the alert level"),
                note=explanation,
            )

    @api.model
    def _prune_lines(self, company):
        """Drop the line detail of old computations, except the detail that a
        recent computation shows (its ``detail_run_id`` may be an older one)."""
        if not company.kam_history_months:
            return
        # the detail a new computation shows may still be in the ORM only
        self.flush_model(["date", "company_id", "detail_run_id"])
        limit = fields.Datetime.now() - relativedelta(months=company.kam_history_months)
        self.env.execute_query(
            SQL(
                """
                DELETE FROM kam_concentration_line
                 WHERE run_id IN (
                    SELECT old.id FROM kam_concentration_run old
                     WHERE old.company_id = %(company)s AND old.date < %(limit)s
                       AND NOT EXISTS (SELECT 1 FROM kam_concentration_run recent
                                        WHERE recent.detail_run_id = old.id
                                          AND recent.date >= %(limit)s))
                """,
                company=company.id,
                limit=limit,
            )
        )
