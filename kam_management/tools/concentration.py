"""Revenue concentration maths: ranking, Pareto key accounts, ABC tiers, KPIs.

Plain Python (no Odoo import). Shares are percentages (0-100); the HHI is on
the 0-10 000 scale. Only customers with a positive revenue take part in the
shares and the KPIs; customers at zero or below are ranked last, have a share
of 0 and are never key.
"""

from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

# Relative tolerance when comparing a running total with a threshold, so that
# float rounding never moves an account across it.
_EPSILON = 1e-9

TOP_N = (1, 5, 10, 20)
COVERAGE_PERCENTS = (50, 80, 95)


class RankedAccount(NamedTuple):
    partner_id: int
    revenue: float
    rank: int
    share: float
    cumulative_share: float
    tier: str
    is_key: bool


@dataclass
class ConcentrationResult:
    accounts: list = field(default_factory=list)  # RankedAccount, best first
    total_revenue: float = 0.0  # of customers with a positive revenue
    customer_count: int = 0  # customers with a positive revenue
    key_account_count: int = 0
    hhi: float = 0.0
    gini: float = 0.0
    top_shares: dict = field(default_factory=dict)  # {1: %, 5: %, 10: %, 20: %}
    accounts_for: dict = field(default_factory=dict)  # {50: n, 80: n, 95: n}


def _check_percent(name, value, lowest):
    if not lowest <= value <= 100:
        raise ValueError(f"{name} must be between {lowest} and 100, got {value}")


def rank_accounts(revenues, threshold_percent=80.0, tier_b_percent=95.0):
    """Rank customers by revenue and classify them.

    :param revenues: iterable of (partner_id, revenue); one row per customer.
    :param threshold_percent: the Pareto set is the smallest top set whose
        cumulative share reaches this percentage (the account that crosses it
        is included). These accounts are key and tier A.
    :param tier_b_percent: accounts after the Pareto set whose preceding
        cumulative share is below this percentage are tier B; the rest is C.
    """
    _check_percent("threshold_percent", threshold_percent, 1)
    _check_percent("tier_b_percent", tier_b_percent, threshold_percent)
    ordered = [(partner_id, float(revenue)) for partner_id, revenue in revenues]
    # largest first, ties by partner id (two stable sorts on C-level keys)
    ordered.sort(key=itemgetter(0))
    ordered.sort(key=itemgetter(1), reverse=True)
    positive = [revenue for _partner, revenue in ordered if revenue > 0]
    total = sum(positive)
    result = ConcentrationResult(total_revenue=total, customer_count=len(positive))
    key_limit = total * threshold_percent / 100 * (1 - _EPSILON)
    tier_b_limit = total * tier_b_percent / 100 * (1 - _EPSILON)
    accounts = result.accounts
    running = 0.0
    rank = 0
    for partner_id, revenue in ordered[: len(positive)]:
        rank += 1
        before = running
        running += revenue
        is_key = before < key_limit
        tier = "a" if is_key else ("b" if before < tier_b_limit else "c")
        accounts.append(
            RankedAccount(
                partner_id,
                revenue,
                rank,
                revenue / total * 100,
                min(running / total * 100, 100.0),
                tier,
                is_key,
            )
        )
    # customers at zero or below: ranked last, never key
    last_cumulative = 100.0 if total else 0.0
    for partner_id, revenue in ordered[len(positive) :]:
        rank += 1
        accounts.append(RankedAccount(partner_id, revenue, rank, 0.0, last_cumulative, "c", False))
    result.key_account_count = sum(1 for account in result.accounts if account.is_key)
    # `positive` is sorted, largest first: the KPIs need no further sort
    result.hhi = herfindahl_index(positive)
    result.gini = _gini_of_ascending(positive[::-1])
    result.top_shares = {n: _top_share_of_descending(positive, n) for n in TOP_N}
    result.accounts_for = {
        p: _accounts_to_reach_in_descending(positive, p) for p in COVERAGE_PERCENTS
    }
    return result


def herfindahl_index(revenues):
    """Sum of the squared percentage shares: 10 000 for a single customer."""
    positive = [revenue for revenue in revenues if revenue > 0]
    total = sum(positive)
    if not total:
        return 0.0
    return sum((revenue / total * 100) ** 2 for revenue in positive)


def gini_coefficient(revenues):
    """0 when every customer buys the same, towards 1 when one buys everything."""
    return _gini_of_ascending(sorted(revenue for revenue in revenues if revenue > 0))


def _gini_of_ascending(positive):
    count = len(positive)
    total = sum(positive)
    if count < 2 or not total:
        return 0.0
    weighted = sum(index * revenue for index, revenue in enumerate(positive, start=1))
    return max(0.0, 2 * weighted / (count * total) - (count + 1) / count)


def top_share(revenues, count):
    """Percentage of the revenue made by the `count` largest customers."""
    return _top_share_of_descending(
        sorted((revenue for revenue in revenues if revenue > 0), reverse=True), count
    )


def _top_share_of_descending(positive, count):
    total = sum(positive)
    if not total:
        return 0.0
    return min(sum(positive[:count]) / total * 100, 100.0)


def accounts_to_reach(revenues, percent):
    """How many of the largest customers together make `percent` of the revenue."""
    return _accounts_to_reach_in_descending(
        sorted((revenue for revenue in revenues if revenue > 0), reverse=True), percent
    )


def _accounts_to_reach_in_descending(positive, percent):
    total = sum(positive)
    limit = total * percent / 100 * (1 - _EPSILON)
    running = 0.0
    for count, revenue in enumerate(positive, start=1):
        running += revenue
        if running >= limit:
            return count
    return len(positive)
