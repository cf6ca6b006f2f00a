from datetime import date, timedelta

import pytest

from tools.demo_sales_plan import account_weights, build_order_plan

PRICES = [450.0, 1200.0, 3900.0, 89.0, 15000.0]
TODAY = date(2026, 11, 27)


def _revenue_by_account(plan, account_count):
    revenue = [0.0] * account_count
    for order in plan:
        revenue[order.account_index] += order.amount(PRICES)
    return revenue


def test_weights_sum_to_one_and_decrease():
    weights = account_weights(40)
    assert sum(weights) == pytest.approx(1.0)
    assert weights == sorted(weights, reverse=True)


def test_plan_is_deterministic_for_a_seed():
    first = build_order_plan(40, PRICES, TODAY, seed=7)
    second = build_order_plan(40, PRICES, TODAY, seed=7)
    other = build_order_plan(40, PRICES, TODAY, seed=8)
    assert first == second
    assert first != other


def test_every_account_buys_and_dates_cover_the_window():
    plan = build_order_plan(40, PRICES, TODAY, months=18)
    assert {order.account_index for order in plan} == set(range(40))
    oldest = TODAY - timedelta(days=18 * 30)
    assert all(oldest < order.order_date <= TODAY for order in plan)
    assert [o.order_date for o in plan] == sorted(o.order_date for o in plan)
    # the history really spans the period, not only its last months
    assert min(o.order_date for o in plan) < TODAY - timedelta(days=16 * 30)


def test_a_fifth_of_the_accounts_carries_most_of_the_revenue():
    plan = build_order_plan(40, PRICES, TODAY)
    revenue = sorted(_revenue_by_account(plan, 40), reverse=True)
    top_fifth_share = sum(revenue[:8]) / sum(revenue)
    assert 0.65 <= top_fifth_share <= 0.9
    assert all(amount > 0 for amount in revenue)


def test_order_lines_are_positive_quantities_of_known_products():
    plan = build_order_plan(10, PRICES, TODAY)
    for order in plan:
        assert order.lines
        for product, quantity in order.lines:
            assert 0 <= product < len(PRICES)
            assert quantity >= 1


@pytest.mark.parametrize("accounts, months", [(0, 18), (5, 0)])
def test_empty_input_gives_empty_plan(accounts, months):
    assert build_order_plan(accounts, PRICES, TODAY, months=months) == []


def test_non_positive_price_is_refused():
    with pytest.raises(ValueError):
        build_order_plan(3, [10.0, 0.0], TODAY)
