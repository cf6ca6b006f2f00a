"""The history back-fill maths: month ends, windows, window sums rolled from periods."""

import itertools
from collections import defaultdict
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.backfill import (
    month_end,
    past_month_ends,
    period_bounds,
    period_of,
    revenue_window,
    rolling_window_sums,
    window_periods,
)


def test_month_ends():
    assert month_end(date(2024, 2, 10)) == date(2024, 2, 29)
    assert month_end(date(2026, 12, 31)) == date(2026, 12, 31)
    assert past_month_ends(date(2026, 11, 15), 3) == [
        date(2026, 8, 31),
        date(2026, 9, 30),
        date(2026, 10, 31),
    ]
    # the month of today is not over, even on its last day
    assert past_month_ends(date(2026, 10, 31), 1) == [date(2026, 9, 30)]
    assert past_month_ends(date(2026, 1, 1), 2) == [date(2025, 11, 30), date(2025, 12, 31)]
    assert past_month_ends(date(2026, 1, 1), 0) == []


def test_revenue_windows():
    assert revenue_window(date(2026, 10, 31), 12) == (date(2025, 11, 1), date(2026, 10, 31))
    assert revenue_window(date(2026, 2, 28), 12) == (date(2025, 3, 1), date(2026, 2, 28))
    # three months to 30 June: 30 March + 1 day, not 1 April
    assert revenue_window(date(2026, 6, 30), 3) == (date(2026, 3, 31), date(2026, 6, 30))


def test_periods_by_hand():
    windows = [revenue_window(day, 2) for day in past_month_ends(date(2026, 4, 10), 3)]
    # to 31 Jan, 28 Feb, 31 Mar: from 1 Dec, 29 Dec, 1 Feb
    assert windows == [
        (date(2025, 12, 1), date(2026, 1, 31)),
        (date(2025, 12, 29), date(2026, 2, 28)),
        (date(2026, 2, 1), date(2026, 3, 31)),
    ]
    bounds = period_bounds(windows)
    assert bounds == [
        date(2025, 12, 1),
        date(2025, 12, 29),
        date(2026, 2, 1),
        date(2026, 3, 1),
        date(2026, 4, 1),
    ]
    assert window_periods(windows, bounds) == [(1, 2), (2, 3), (3, 4)]
    assert period_of(date(2025, 11, 30), bounds) == 0
    assert period_of(date(2025, 12, 1), bounds) == 1
    assert period_of(date(2025, 12, 28), bounds) == 1
    assert period_of(date(2026, 3, 31), bounds) == 4
    assert period_of(date(2026, 4, 1), bounds) == 5
    rows = [(7, 1, 10), (7, 2, 5), (8, 2, -5), (8, 4, 5), (9, 3, 0)]
    sums = [dict(window) for window in rolling_window_sums(rows, [(1, 2), (2, 3), (3, 4)])]
    assert sums == [{7: 15, 8: -5}, {7: 5, 8: -5, 9: 0}, {9: 0, 8: 5}]


def test_windows_out_of_order_are_refused():
    with pytest.raises(ValueError):
        list(rolling_window_sums([], [(2, 3), (1, 3)]))


documents = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=6),  # customer
        st.integers(min_value=0, max_value=1200),  # day after 2023-01-01
        st.integers(min_value=-500, max_value=5000),  # amount in cents: exact sums
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(
    documents,
    st.integers(min_value=1, max_value=14),
    st.integers(min_value=0, max_value=15),
    st.integers(min_value=0, max_value=400),
)
def test_rolled_windows_equal_the_window_aggregates(docs, months, count, today_offset):
    start = date(2023, 1, 1)
    today = date(2024, 6, 1) + timedelta(days=today_offset)
    windows = [revenue_window(day, months) for day in past_month_ends(today, count)]
    bounds = period_bounds(windows)
    # what the database returns: one sum per customer and period
    per_period = defaultdict(int)
    for partner_id, offset, amount in docs:
        period = period_of(start + timedelta(days=offset), bounds)
        per_period[partner_id, period] += amount
    rows = [(partner_id, period, amount) for (partner_id, period), amount in per_period.items()]
    rolled = list(rolling_window_sums(rows, window_periods(windows, bounds)))
    assert len(rolled) == len(windows)
    for (date_from, date_to), window in zip(windows, rolled, strict=True):
        expected = defaultdict(int)
        for partner_id, offset, amount in docs:
            if date_from <= start + timedelta(days=offset) <= date_to:
                expected[partner_id] += amount
        assert dict(window) == dict(expected)
        assert len(window) == len(dict(window))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 30))
def test_month_ends_are_consecutive_and_past(today, count):
    ends = past_month_ends(today, count)
    assert len(ends) == count
    assert all(end == month_end(end) and end < today.replace(day=1) for end in ends)
    for earlier, later in itertools.pairwise(ends):
        assert month_end(earlier + timedelta(days=1)) == later
