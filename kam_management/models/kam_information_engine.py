import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.forecast import forecast, rising_driver

_logger = logging.getLogger(__name__)
FORECAST_COLUMNS = (
    "account_id",
    "direction",
    "revenue",
    "kept",
    "trend",
    "backlog",
    "pipeline",
    "forecast",
    "threshold",
    "driver",
)
HORIZON_MONTHS = 6  # two quarters


class KamInformationEngine(models.AbstractModel):
    """The nightly information of one company: whitespace, rising and falling
    accounts, slipping opportunities and competitors' renewals."""

    _name = "kam.information.engine"
    _description = "Information about the accounts, from the ERP"

    @api.model
    def _cron_refresh_information(self):
        """One company per call (committed by the scheduler), the others reported as
        remaining; run by hand, every company."""
        self.env["res.company"]._kam_run_daily(
            lambda company: self.sudo()._refresh_company(company),
            "kam_last_information_date",
            "kam_information_failed_date",
            _logger,
            "Information",
        )

    @api.model
    def _refresh_company(self, company):
        result = {
            "whitespace": self.env["kam.whitespace.engine"]._compute_company(company),
            "forecast": self._forecast_company(company),
            "slipping": self._check_slipping(company),
            "renewals": self.env["kam.competitor.presence"]._notify_renewals(company),
            # last: it reads the whitespace and presences just refreshed
            "scorecard": self.env["kam.scorecard.engine"]._score_company(company),
        }
        company.sudo().kam_last_information_date = company._kam_today()
        return result

    # ------------------------------------------------------------------
    # Rising and falling accounts
    # ------------------------------------------------------------------
    @api.model
    def _forecast_company(self, company):
        """Store the customers forecast to cross the key threshold two quarters
        from now (tools/forecast.py); return what was written."""
        self.env.flush_all()
        today = company._kam_today()
        threshold = self.env.execute_query(
            SQL(
                "SELECT MIN(revenue) FROM kam_account_figure WHERE company_id = %s AND is_key",
                company.id,
            )
        )[0][0]
        rows = []
        if threshold:
            threshold = float(threshold)
            classification = self.env["kam.classification"]
            key = {row[0] for row in self.env.execute_query(
                classification._accounts(company, "kam_is_key_account", [True])
            )}  # fmt: skip
            by_revenue_only = {row[0] for row in self.env.execute_query(
                classification._accounts(company, "kam_key_reason", ["revenue"])
            )}  # fmt: skip
            # a manager decided they are not key: they never rise
            kept_out = {row[0] for row in self.env.execute_query(SQL(
                "SELECT id FROM res_partner WHERE kam_own_key_override ->> %s = 'not_key'",
                str(company.id),
            ))}  # fmt: skip
            for (
                account,
                revenue,
                kept,
                recent,
                previous,
                backlog,
                pipeline,
            ) in self.env.execute_query(self._forecast_facts(company, today)):
                result = forecast(
                    float(kept), float(recent), float(previous), float(backlog), float(pipeline)
                )
                if account not in key and account not in kept_out and result.total >= threshold:
                    direction, driver = "rising", rising_driver(result, float(recent))
                elif account in by_revenue_only and result.total < threshold:
                    direction, driver = "falling", "trend"
                else:
                    continue
                rows.append(
                    (account, direction, float(revenue), result.kept, result.trend,
                     result.backlog, result.pipeline, result.total, threshold, driver)
                )  # fmt: skip
        return self.env["kam.whitespace.engine"]._store_rows(
            "kam.account.forecast", company, FORECAST_COLUMNS, rows
        )

    def _forecast_facts(self, company, today):
        """SQL: per customer, (account, revenue of the window, revenue still in the
        window two quarters from now, last six months, six months before, backlog,
        weighted pipeline), all in company currency."""
        engine = self.env["kam.concentration.engine"]
        window_from, _window_to = engine._revenue_window(company)
        recent_from = today - relativedelta(months=HORIZON_MONTHS) + relativedelta(days=1)
        previous_from = recent_from - relativedelta(months=HORIZON_MONTHS)
        kept_from = window_from + relativedelta(months=HORIZON_MONTHS)
        since = min(window_from, previous_from)
        if company.kam_revenue_source == "order":
            documents = SQL(
                """SELECT partner.commercial_partner_id AS account_id,
                          sale.date_order::date AS day, %(amount)s AS amount
                     FROM sale_order sale
                     JOIN res_partner partner ON partner.id = sale.partner_id
                    WHERE %(counted)s AND sale.date_order >= %(since)s""",
                amount=engine._in_company_currency(SQL("sale.amount_untaxed")),
                counted=engine._counted_orders(company),
                since=since,
            )
            backlog = SQL("SELECT NULL::int AS account_id, 0 AS amount WHERE FALSE")
        else:
            documents = SQL(
                """SELECT move.commercial_partner_id AS account_id, move.invoice_date AS day,
                          move.amount_untaxed_signed AS amount
                     FROM account_move move
                    WHERE %(counted)s AND move.invoice_date >= %(since)s""",
                counted=engine._counted_invoices(company),
                since=since,
            )
            backlog = SQL(
                """SELECT partner.commercial_partner_id AS account_id,
                          SUM(%(amount)s) AS amount
                     FROM sale_order sale
                     JOIN sale_order_line line ON line.order_id = sale.id
                     JOIN res_partner partner ON partner.id = sale.partner_id
                    WHERE %(counted)s AND line.untaxed_amount_to_invoice > 0
                 GROUP BY 1""",
                amount=engine._in_company_currency(SQL("line.untaxed_amount_to_invoice")),
                counted=engine._counted_orders(company),
            )
        return SQL(
            """
            WITH invoiced AS (
                SELECT document.account_id,
                       SUM(document.amount) FILTER (WHERE document.day >= %(window_from)s)
                           AS revenue,
                       SUM(document.amount) FILTER (WHERE document.day >= %(kept_from)s)
                           AS kept,
                       SUM(document.amount) FILTER (WHERE document.day >= %(recent_from)s)
                           AS recent,
                       SUM(document.amount) FILTER (WHERE document.day >= %(previous_from)s
                                                      AND document.day < %(recent_from)s)
                           AS previous
                  FROM (%(documents)s) document
              GROUP BY document.account_id
            ), backlog AS (%(backlog)s
            ), pipeline AS (
                SELECT partner.commercial_partner_id AS account_id,
                       SUM(lead.expected_revenue * lead.probability / 100) AS amount
                  FROM crm_lead lead
                  JOIN res_partner partner ON partner.id = lead.partner_id
                  LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
                 WHERE lead.active AND lead.type = 'opportunity'
                   AND lead.company_id = %(company)s
                   AND lead.probability > 0 AND lead.probability < 100
                   AND NOT COALESCE(stage.is_won, FALSE)
                   AND (lead.date_deadline IS NULL OR lead.date_deadline <= %(horizon)s)
              GROUP BY 1
            )
            SELECT account.id, COALESCE(invoiced.revenue, 0), COALESCE(invoiced.kept, 0),
                   COALESCE(invoiced.recent, 0), COALESCE(invoiced.previous, 0),
                   COALESCE(backlog.amount, 0), COALESCE(pipeline.amount, 0)
              FROM invoiced
              FULL JOIN backlog ON backlog.account_id = invoiced.account_id
              FULL JOIN pipeline
                     ON pipeline.account_id = COALESCE(invoiced.account_id, backlog.account_id)
              JOIN res_partner account
                ON account.id = COALESCE(invoiced.account_id, backlog.account_id,
                                         pipeline.account_id)
            """,
            window_from=window_from,
            kept_from=kept_from,
            recent_from=recent_from,
            previous_from=previous_from,
            documents=documents,
            backlog=backlog,
            company=company.id,
            horizon=today + relativedelta(months=HORIZON_MONTHS),
        )

    # ------------------------------------------------------------------
    # Slipping opportunities
    # ------------------------------------------------------------------
    @api.model
    def _check_slipping(self, company):
        """Flag the open opportunities of key accounts that nobody touched for the
        days set in Settings, or past their expected closing; an activity for the
        KAM of the account, once per opportunity while it slips."""
        self.env.flush_all()
        today = company._kam_today()
        scope = self.env["kam.classification"]._accounts(company, "kam_is_key_account", [True])
        slipping_type = self.env.ref(
            "kam_management.mail_activity_type_slipping_opportunity", raise_if_not_found=False
        )
        facts = SQL(
            """
            SELECT lead.id,
                   CASE WHEN lead.date_deadline < %(today)s THEN 'overdue'
                        WHEN touch.last < %(idle_since)s AND NOT EXISTS (
                            SELECT 1 FROM mail_activity activity
                             WHERE activity.res_model = 'crm.lead' AND activity.res_id = lead.id
                               AND activity.date_deadline >= %(today)s
                               AND activity.activity_type_id IS DISTINCT FROM %(own_type)s)
                        THEN 'idle' END AS slipping,
                   touch.last
              FROM crm_lead lead
              JOIN res_partner partner ON partner.id = lead.partner_id
              LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
              CROSS JOIN LATERAL (
                  SELECT GREATEST(lead.create_date, lead.date_last_stage_update,
                                  (SELECT MAX(message.date) FROM mail_message message
                                    WHERE message.model = 'crm.lead' AND message.res_id = lead.id
                                      AND (message.message_type IN ('comment', 'email')
                                           OR message.mail_activity_type_id IS NOT NULL))) AS last
              ) touch
             WHERE lead.active AND lead.type = 'opportunity' AND lead.company_id = %(company)s
               AND COALESCE(lead.probability, 0) < 100 AND NOT COALESCE(stage.is_won, FALSE)
               AND partner.commercial_partner_id IN (%(scope)s)
            """,
            today=today,
            idle_since=fields.Datetime.to_datetime(today)
            - relativedelta(days=company.kam_slipping_days),
            own_type=slipping_type.id if slipping_type else None,
            company=company.id,
            scope=scope,
        )
        changed = self.env.execute_query(
            SQL(
                """
                WITH fact AS (%(facts)s),
                cleared AS (
                    UPDATE crm_lead lead SET kam_slipping = NULL, kam_slipping_notified = FALSE
                     WHERE lead.company_id = %(company)s AND lead.kam_slipping IS NOT NULL
                       AND NOT EXISTS (SELECT 1 FROM fact
                                        WHERE fact.id = lead.id AND fact.slipping IS NOT NULL)
                 RETURNING lead.id
                )
                UPDATE crm_lead lead
                   SET kam_slipping = fact.slipping, kam_last_touch_date = fact.last
                  FROM fact
                 WHERE fact.id = lead.id AND fact.slipping IS NOT NULL
                   AND (lead.kam_slipping, lead.kam_last_touch_date)
                       IS DISTINCT FROM (fact.slipping, fact.last)
             RETURNING lead.id
                """,
                facts=facts,
                company=company.id,
            )
        )
        leads = self.env["crm.lead"].sudo()
        leads.invalidate_model(["kam_slipping", "kam_last_touch_date", "kam_slipping_notified"])
        to_notify = leads.search(
            [
                ("company_id", "=", company.id),
                ("kam_slipping", "!=", False),
                ("kam_slipping_notified", "=", False),
            ]
        )
        for lead in to_notify:
            lead._kam_notify_slipping(slipping_type)
        return {"changed": len(changed), "notified": len(to_notify)}
