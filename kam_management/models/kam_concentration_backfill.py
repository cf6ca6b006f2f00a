import decimal
import io
import logging
import time as timer
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.backfill import (
    past_month_ends,
    period_bounds,
    revenue_window,
    rolling_window_sums,
    window_periods,
)
from ..tools.concentration import rank_accounts

_logger = logging.getLogger(__name__)

LINE_COLUMNS = (
    "run_id",
    "date",
    "account_ref",
    "revenue",
    "share",
    "cumulative_share",
    "rank",
    "tier",
    "is_key",
    "movement",
)


class KamConcentrationBackfill(models.AbstractModel):
    """The concentration history of the past months, computed at once.

    A fresh install has one computation: no trend, no meaningful entered/left.
    The back-fill adds one computation per past month of the revenue window, as
    of the last day of that month, with the company's current settings. One
    aggregate reads the revenue of every customer per period (month) over all
    those windows; each window is rolled from it in Python
    (tools/backfill.py) and ranked as the nightly computation ranks.

    It only adds history: the current classification (kam.account.figure) is
    not written, nobody is notified, no message is logged. Back-filled
    computations (``is_backfill``) are never "the latest computation".
    """

    _name = "kam.concentration.backfill"
    _description = "Back-fill of the revenue concentration history"

    @api.model
    def _backfill_companies(self, companies):
        runs = self.env["kam.concentration.run"]
        for company in companies:
            runs |= self._backfill_company(company)
        return runs

    @api.model
    def _months_with_runs(self, company, tz, since):
        """(year, month) of every computation of the company since ``since``
        (a month end), in the company's time zone."""
        run_model = self.env["kam.concentration.run"]
        # a day of margin for the time zone: the months are read in it below
        runs = run_model.search_fetch(
            [("company_id", "=", company.id), ("date", ">=", since - timedelta(days=1))],
            ["date"],
        )
        months = set()
        for run in runs:
            local = pytz.utc.localize(run.date).astimezone(tz)
            months.add((local.year, local.month))
        return months

    @api.model
    def _end_of_day(self, day, tz):
        """The last second of ``day`` in ``tz``, as a naive UTC datetime (the run date)."""
        local = tz.localize(datetime.combine(day, time(23, 59, 59)))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _backfill_company(self, company):
        """Back-fill the past months of the company's revenue window that have no
        computation yet.

        Months before the first month with revenue are not filled (a company
        without history gets no empty computations); each filled month is
        compared with the month before it in this back-fill (computed even when
        it already has a computation, and then not stored again); the oldest
        month has no comparison: no entered or left, lines without a movement.

        :return: the back-filled computations
        """
        started = timer.monotonic()
        run_model = self.env["kam.concentration.run"]
        run_model._lock_company(company)
        tz = company._kam_tz()
        months = company.kam_window_months
        ends = past_month_ends(company._kam_today(), months)
        if not ends:
            return run_model.browse()
        taken = self._months_with_runs(company, tz, ends[0].replace(day=1))
        missing = [end for end in ends if (end.year, end.month) not in taken]
        if not missing:
            return run_model.browse()
        ends = ends[ends.index(missing[0]) : ends.index(missing[-1]) + 1]
        windows = [revenue_window(end, months) for end in ends]
        bounds = period_bounds(windows)
        engine = self.env["kam.concentration.engine"]
        self.env.flush_all()
        rows = self.env.execute_query(engine._revenue_query_by_period(company, bounds))
        threshold, tier_b = company.kam_threshold_percent, company.kam_tier_b_percent
        # no account detail older than the company keeps (kam.concentration.run._prune_lines)
        history_limit = company.kam_history_months and fields.Datetime.now() - relativedelta(
            months=company.kam_history_months
        )
        vals_list, details = [], []
        previous_keys = None
        with engine._gc_paused(), decimal.localcontext() as exact:
            # the sums of numeric amounts stay exact, as the window aggregate's
            exact.prec = 60
            sums = rolling_window_sums(rows, window_periods(windows, bounds))
            for (date_from, date_to), revenues in zip(windows, sums, strict=True):
                if previous_keys is None and not revenues:
                    continue  # no history yet
                result = rank_accounts(revenues, threshold, tier_b)
                keys = {account.partner_id for account in result.accounts if account.is_key}
                if (date_to.year, date_to.month) not in taken:
                    run_date = self._end_of_day(date_to, tz)
                    if previous_keys is None:
                        entered = left = ()
                    else:
                        entered, left = keys - previous_keys, previous_keys - keys
                    values = run_model._run_values(
                        company, result, date_from, date_to, len(entered), len(left)
                    )
                    values.update(date=run_date, is_backfill=True)
                    vals_list.append(values)
                    kept = not history_limit or run_date >= history_limit
                    details.append(
                        self._lines(result, run_date, previous_keys, left) if kept else ""
                    )
                previous_keys = keys
        if not vals_list:
            return run_model.browse()
        # nobody follows a computation and its creation is no news: no chatter
        runs = run_model.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
        ).create(vals_list)
        self._insert_lines(runs, details)
        _logger.info(
            "Back-filled %s months of revenue concentration of %s in %.2f s",
            len(runs),
            company.name,
            timer.monotonic() - started,
        )
        return runs

    @api.model
    def _lines(self, result, run_date, previous_keys, left):
        """The lines of one back-filled month, as ``_insert_lines`` stores them for a
        computation: the key accounts, and the accounts that left the key set.

        :return: tab-separated COPY lines, without the run id (a ``{run}`` field)
        """
        date = run_date.strftime("%Y-%m-%d %H:%M:%S")
        lines = []
        ranked = {}
        for partner_id, revenue, rank, share, cumulative, tier, is_key in result.accounts:
            if is_key:
                if previous_keys is None:
                    movement = r"\N"
                elif partner_id in previous_keys:
                    movement = "stayed"
                else:
                    movement = "entered"
                lines.append(
                    f"{{run}}\t{date}\t{partner_id}\t{revenue:.2f}\t{share:.2f}"
                    f"\t{cumulative:.2f}\t{rank}\t{tier}\tt\t{movement}\n"
                )
            elif left:
                ranked[partner_id] = (revenue, rank, share, cumulative, tier)
        for partner_id in sorted(left):
            revenue, rank, share, cumulative, tier = ranked.get(
                partner_id, (0.0, r"\N", 0.0, 0.0, "c")
            )
            lines.append(
                f"{{run}}\t{date}\t{partner_id}\t{revenue:.2f}\t{share:.2f}"
                f"\t{cumulative:.2f}\t{rank}\t{tier}\tf\tleft\n"
            )
        return "".join(lines)

    @api.model
    def _insert_lines(self, runs, details):
        """The lines of all back-filled months in one COPY; each run shows its own."""
        self.env.flush_all()
        text = io.StringIO(
            "".join(
                lines.replace("{run}", str(run.id))
                for run, lines in zip(runs, details, strict=True)
            )
        )
        self.env["kam.concentration.engine"]._copy_into(
            "kam_concentration_line", text, columns=LINE_COLUMNS
        )
        self.env.execute_query(
            SQL(
                "UPDATE kam_concentration_run SET detail_run_id = id WHERE id IN %s",
                tuple(runs.ids),
            )
        )
        runs.invalidate_recordset(["detail_run_id", "line_ids"])
