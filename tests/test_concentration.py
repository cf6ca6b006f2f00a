"""Hand-computed cases for the concentration maths."""

import pytest

from tools.concentration import (
    accounts_to_reach,
    gini_coefficient,
    herfindahl_index,
    rank_accounts,
    top_share,
)


def _by_partner(result):
    return {account.partner_id: account for account in result.accounts}


def test_classic_pareto_case():
    # 60 + 25 = 85 % >= 80 %: two key accounts; 10 more reaches 95 %: tier B
    result = rank_accounts([(1, 60), (2, 25), (3, 10), (4, 5)])
    accounts = _by_partner(result)
    assert [a.partner_id for a in result.accounts] == [1, 2, 3, 4]
    assert [a.rank for a in result.accounts] == [1, 2, 3, 4]
    assert [a.is_key for a in result.accounts] == [True, True, False, False]
    assert [a.tier for a in result.accounts] == ["a", "a", "b", "c"]
    assert accounts[2].share == pytest.approx(25)
    assert accounts[2].cumulative_share == pytest.approx(85)
    assert result.total_revenue == 100
    assert result.key_account_count == 2
    assert result.hhi == pytest.approx(60**2 + 25**2 + 10**2 + 5**2)
    assert result.top_shares[1] == pytest.approx(60)
    assert result.top_shares[5] == pytest.approx(100)
    assert result.accounts_for == {50: 1, 80: 2, 95: 3}


def test_account_that_crosses_the_threshold_is_included():
    result = rank_accounts([(1, 50), (2, 29), (3, 21)])
    assert [a.is_key for a in result.accounts] == [True, True, True]


def test_reaching_the_threshold_exactly_stops_the_set():
    result = rank_accounts([(1, 40), (2, 40), (3, 20)])
    assert [a.is_key for a in result.accounts] == [True, True, False]


def test_ties_are_broken_by_partner_id():
    result = rank_accounts([(9, 100), (3, 100), (5, 100), (1, 100), (7, 100)])
    assert [a.partner_id for a in result.accounts] == [1, 3, 5, 7, 9]
    assert [a.cumulative_share for a in result.accounts] == pytest.approx([20, 40, 60, 80, 100])
    # all equal: four accounts make exactly 80 %
    assert [a.is_key for a in result.accounts] == [True, True, True, True, False]
    assert result.gini == pytest.approx(0)
    assert result.hhi == pytest.approx(5 * 20**2)


def test_single_customer():
    result = rank_accounts([(42, 1234.5)])
    (account,) = result.accounts
    assert account.is_key and account.tier == "a" and account.rank == 1
    assert account.share == pytest.approx(100)
    assert result.hhi == pytest.approx(10_000)
    assert result.gini == 0
    assert result.accounts_for == {50: 1, 80: 1, 95: 1}


def test_zero_and_negative_revenue_ranked_last_and_never_key():
    result = rank_accounts(
        [(1, -50), (2, 0), (3, 100), (4, 300)], threshold_percent=100, tier_b_percent=100
    )
    assert [a.partner_id for a in result.accounts] == [4, 3, 2, 1]
    accounts = _by_partner(result)
    assert accounts[1].rank == 4 and accounts[2].rank == 3
    assert not accounts[1].is_key and not accounts[2].is_key
    assert accounts[1].share == 0 and accounts[1].tier == "c"
    assert result.customer_count == 2
    assert result.total_revenue == 400
    assert result.key_account_count == 2


def test_threshold_100_makes_every_buying_customer_key():
    result = rank_accounts([(1, 1000), (2, 1), (3, 0.01)], 100, 100)
    assert all(a.is_key for a in result.accounts)


def test_empty_company():
    result = rank_accounts([])
    assert result.accounts == []
    assert result.total_revenue == 0
    assert result.hhi == 0 and result.gini == 0
    assert result.top_shares == {1: 0, 5: 0, 10: 0, 20: 0}
    assert result.accounts_for == {50: 0, 80: 0, 95: 0}


def test_only_refunds():
    result = rank_accounts([(1, -10), (2, -5)])
    assert not any(a.is_key for a in result.accounts)
    assert result.key_account_count == 0
    assert [a.cumulative_share for a in result.accounts] == [0, 0]


def test_gini_of_one_buyer_among_many():
    # 1 customer buys everything among 4 buying customers... of 4 with 1, 1, 1, 97
    assert gini_coefficient([1, 1, 1, 97]) == pytest.approx(0.72)
    assert gini_coefficient([5]) == 0


def test_kpi_helpers():
    revenues = [50, 30, 20]
    assert herfindahl_index(revenues) == pytest.approx(2500 + 900 + 400)
    assert top_share(revenues, 2) == pytest.approx(80)
    assert accounts_to_reach(revenues, 80) == 2
    assert accounts_to_reach(revenues, 81) == 3


@pytest.mark.parametrize("threshold, tier_b", [(0, 95), (101, 100), (80, 70)])
def test_invalid_percentages_are_refused(threshold, tier_b):
    with pytest.raises(ValueError):
        rank_accounts([(1, 10)], threshold_percent=threshold, tier_b_percent=tier_b)
