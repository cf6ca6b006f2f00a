"""History back-fill of the revenue concentration: month ends, revenue windows,
and the revenue of each window rolled from per-period sums.

Plain Python (no Odoo import). The database sums the revenue of each customer
per period once; the windows are then sums of consecutive periods, so that a
year of monthly computations needs one aggregate instead of twelve.
"""

import calendar
from collections import defaultdict
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


def month_end(day):
    """The last day of the month of ``day``."""
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def past_month_ends(today, count):
    """The last days of the ``count`` months before the month of ``today``,
    oldest first (the month of ``today`` is not over yet)."""
    ends = []
    end = date(today.year, today.month, 1) - timedelta(days=1)
    for _i in range(count):
        ends.append(end)
        end = date(end.year, end.month, 1) - timedelta(days=1)
    return ends[::-1]


def revenue_window(date_to, months):
    """(date_from, date_to), both included: the ``months`` months up to ``date_to``."""
    return date_to - relativedelta(months=months) + timedelta(days=1), date_to


def period_bounds(windows):
    """The sorted boundaries that cut the days into periods such that every window
    (date_from, date_to) is a run of whole consecutive periods.

    A window is months long, but not always month-aligned (a 3-month window to
    30 June starts on 31 March): the boundaries are the first day of each window
    and the day after its last day.
    """
    bounds = set()
    for date_from, date_to in windows:
        bounds.add(date_from)
        bounds.add(date_to + timedelta(days=1))
    return sorted(bounds)


def period_of(day, bounds):
    """The period of ``day`` as PostgreSQL's ``width_bucket(day, bounds)`` numbers
    it: ``i`` when ``bounds[i - 1] <= day < bounds[i]``, 0 before the first bound,
    ``len(bounds)`` from the last one on."""
    low, high = 0, len(bounds)
    while low < high:
        middle = (low + high) // 2
        if bounds[middle] <= day:
            low = middle + 1
        else:
            high = middle
    return low


def window_periods(windows, bounds):
    """For each window, its first and last period (numbered as :func:`period_of`)."""
    index = {bound: number for number, bound in enumerate(bounds, start=1)}
    return [
        (index[date_from], index[date_to + timedelta(days=1)] - 1) for date_from, date_to in windows
    ]


def rolling_window_sums(rows, spans):
    """The revenue of each customer in each window, from its revenue per period.

    :param rows: iterable of (partner_id, period, amount), at most one row per
        customer and period, a row only where the customer has documents.
    :param spans: (first_period, last_period) of each window; both ends never
        decrease from one window to the next (windows ordered by date).
    :return: generator of one list per window of (partner_id, amount): the
        customers with at least one document in the window, as the aggregate
        over the window itself returns them. With exact amounts (``Decimal``,
        ``int``) the sums are exactly those of the window aggregate: periods
        enter and leave the running sums one at a time.
    """
    by_period = defaultdict(list)
    for partner_id, period, amount in rows:
        by_period[period].append((partner_id, amount))
    sums, periods_in = {}, {}
    low = high = None
    for first, last in spans:
        if low is None:
            low, high = first, first - 1
        if first < low or last < high:
            raise ValueError("windows must be ordered by date")
        # periods that left the window
        for period in range(low, min(first, high + 1)):
            for partner_id, amount in by_period.get(period, ()):
                if periods_in[partner_id] == 1:
                    del sums[partner_id], periods_in[partner_id]
                else:
                    sums[partner_id] -= amount
                    periods_in[partner_id] -= 1
        low, high = first, max(high, first - 1)
        # periods that entered it
        for period in range(high + 1, last + 1):
            for partner_id, amount in by_period.get(period, ()):
                if partner_id in sums:
                    sums[partner_id] += amount
                    periods_in[partner_id] += 1
                else:
                    sums[partner_id] = amount
                    periods_in[partner_id] = 1
        high = last
        yield list(sums.items())
