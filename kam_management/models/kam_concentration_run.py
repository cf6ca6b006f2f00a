import logging
import time
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

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
    is_backfill = fields.Boolean(
        string="Back-filled",
        default=False,
        readonly=True,
        help="Computed afterwards for a past month (as of its last day, with the settings "
        "of the day of the back-fill) so that the trend has a history from day one. It "
        "never changed the classification nor notified anybody, and it is never taken "
        "as the latest computation.",
    )
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
        self.env.user._kam_check_manager(
            self.env._("Only Key Account Managers can recompute the revenue concentration.")
        )
        run_model = self.sudo()
        runs, queued = run_model.browse(), self.env["res.company"]
        for company in self.env.companies:
            last = run_model._latest_real(company)
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

    def action_backfill(self):
        """Button of KAM managers: compute the past months of the revenue window of
        the selected companies that have no computation yet (see
        ``kam.concentration.backfill``)."""
        self.env.user._kam_check_manager(
            self.env._("Only Key Account Managers can back-fill the concentration history.")
        )
        runs = self.env["kam.concentration.backfill"].sudo()._backfill_companies(self.env.companies)
        if runs:
            message = self.env._(
                "Past months computed and added to the Concentration History: %(count)s.",
                count=len(runs),
            )
        else:
            message = self.env._(
                "Nothing to back-fill: every past month of the revenue window with revenue "
                "already has a computation."
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if runs else "info",
                "title": self.env._("History back-filled"),
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def action_open_latest_pareto(self):
        """The key accounts and movers of the latest computation of each current company."""
        latest = self.browse()
        for company in self.env.companies:
            latest |= self._latest_real(company).detail_run_id
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
        backfills = self.env["res.company"].search([("kam_backfill_requested", "=", True)])
        if not done and backfills:
            # the history requested at install, once the computations are done
            company = backfills[0]
            try:
                with self.env.cr.savepoint():
                    self.env["kam.concentration.backfill"]._backfill_company(company)
            except (ComputationBusy, SerializationFailure):
                _logger.info("The revenue concentration of %s is computed elsewhere", company.name)
                return self.env["ir.cron"]._notify_progress(done=0, remaining=len(backfills))
            except Exception:
                _logger.exception(
                    "The concentration history of %s could not be back-filled", company.name
                )
            company.sudo().kam_backfill_requested = False
            done = 1
        self.env["ir.cron"]._notify_progress(
            done=done, remaining=len(pending) + len(backfills) - done
        )

    @api.model
    def _compute_for_companies(self, companies):
        runs = self.browse()
        for company in companies:
            runs |= self._compute_for_company(company)
        return runs

    # ------------------------------------------------------------------
    # The computation (the engine does the work)
    # ------------------------------------------------------------------
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
        engine = self.env["kam.concentration.engine"]
        # the previous real computation: a back-filled month never decides whether
        # to notify nor which detail to show
        previous = self._latest_real(company)
        with engine._work_tables(company):
            result, date_from, date_to = engine._rank(company)
            changed_key_account = engine._write_figures(company)
            entered, left = engine._movements()
            run = self._create_run(company, result, date_from, date_to, entered, left)
            if entered or left or changed_key_account or not previous.detail_run_id:
                engine._insert_lines(run)
                run.detail_run_id = run
            else:
                run.detail_run_id = previous.detail_run_id
        company.sudo().write(
            {"kam_last_concentration_date": run.date, "kam_concentration_requested": False}
        )
        if run.risk_exceeded and not previous.risk_exceeded:
            run._notify_risk()
        self._prune_lines(company)
        run.duration = time.monotonic() - started
        return run

    @api.model
    def _latest_real(self, company):
        """The latest computation of the company that is not back-filled."""
        return self.search([("company_id", "=", company.id), ("is_backfill", "=", False)], limit=1)

    @api.model
    def _create_run(self, company, result, date_from, date_to, entered, left):
        # nobody follows a computation and its creation is no news: no chatter overhead
        return self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True).create(
            self._run_values(company, result, date_from, date_to, entered, left)
        )

    @api.model
    def _run_values(self, company, result, date_from, date_to, entered, left):
        """The values of a computation from its ranking (tools/concentration.py)."""
        risk_value = result.hhi if company.kam_risk_metric == "hhi" else result.top_shares[10]
        return {
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
            "entered_count": entered,
            "left_count": left,
        }

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
