"""Share of wallet and whitespace: the maths, in plain Python (no Odoo import).

A *cell* is one account and one product category. The account's peers are the
other key accounts of its peer group (same industry, or same tier). A category
is whitespace for an account when enough of its peers buy it and the account
buys nothing, or almost nothing, of it; its expected revenue is the median
revenue of the peers that buy it, scaled by the account's size against theirs.
"""

from bisect import bisect_left
from dataclasses import dataclass


def wallet_allocation_share(rank, suppliers):
    """Share (0–1) of a customer's spend that the Wallet Allocation Rule gives to
    the supplier it ranks ``rank`` (1 = preferred) among ``suppliers``:
    (1 − rank / (n + 1)) × 2 / n. The shares of ranks 1..n add up to 1."""
    if suppliers < 1 or not 1 <= rank <= suppliers:
        raise ValueError(f"rank {rank} among {suppliers} suppliers")
    return (1 - rank / (suppliers + 1)) * 2 / suppliers


def median(sorted_values):
    count = len(sorted_values)
    if not count:
        return 0.0
    middle = count // 2
    if count % 2:
        return float(sorted_values[middle])
    return (sorted_values[middle - 1] + sorted_values[middle]) / 2


def median_without(sorted_values, value):
    """Median of ``sorted_values`` once one occurrence of ``value`` is left out."""
    index = bisect_left(sorted_values, value)
    if index == len(sorted_values) or sorted_values[index] != value:
        return median(sorted_values)
    count = len(sorted_values) - 1
    if not count:
        return 0.0

    def at(position):
        return sorted_values[position if position < index else position + 1]

    middle = count // 2
    if count % 2:
        return float(at(middle))
    return (at(middle - 1) + at(middle)) / 2


@dataclass(frozen=True)
class Cell:
    account: int
    category: int
    state: str  # "bought" or "whitespace"
    revenue: float  # the account's own revenue in the category
    peer_count: int  # peers that buy the category
    peer_total: int  # peers in the group
    peer_median: float  # median revenue of the peers that buy it
    scale: float  # the account's total revenue against the median total of those peers
    expected_revenue: float


@dataclass
class _CategoryOfGroup:
    revenues: list  # sorted revenue of the members that buy the category
    totals: list  # sorted total revenue of those members


def whitespace_cells(revenue, groups, min_share, almost_nothing):
    """The cells of every account.

    ``revenue``: {account: {category: net revenue}}; ``groups``: {account: group
    key} (accounts of one key are peers of each other); ``min_share``: share
    (0–1) of the peers that must buy a category for it to be whitespace;
    ``almost_nothing``: revenue below this share (0–1) of the peers' median
    counts as nothing. A member buys a category when its net revenue there is
    positive. Categories nobody of the group buys make no cell.
    """
    totals = {
        account: sum(amount for amount in categories.values() if amount > 0)
        for account, categories in revenue.items()
    }
    members = {}
    for account, group in groups.items():
        members.setdefault(group, []).append(account)
    cells = []
    for accounts in members.values():
        by_category = {}
        for account in accounts:
            for category, amount in revenue.get(account, {}).items():
                if amount > 0:
                    entry = by_category.setdefault(category, _CategoryOfGroup([], []))
                    entry.revenues.append(amount)
                    entry.totals.append(totals[account])
        for entry in by_category.values():
            entry.revenues.sort()
            entry.totals.sort()
        peer_total = len(accounts) - 1
        for account in accounts:
            own_categories = revenue.get(account, {})
            own_total = totals.get(account, 0.0)
            for category, entry in by_category.items():
                own = own_categories.get(category, 0.0)
                buys = own > 0
                if buys:
                    peer_median = median_without(entry.revenues, own)
                    peer_median_total = median_without(entry.totals, own_total)
                    peer_count = len(entry.revenues) - 1
                else:
                    peer_median = median(entry.revenues)
                    peer_median_total = median(entry.totals)
                    peer_count = len(entry.revenues)
                scale = (
                    own_total / peer_median_total if own_total > 0 and peer_median_total else 1.0
                )
                enough_peers = peer_total > 0 and peer_count / peer_total >= min_share
                if buys and (not enough_peers or own >= almost_nothing * peer_median):
                    state = "bought"
                elif enough_peers:
                    state = "whitespace"
                else:
                    continue
                cells.append(
                    Cell(
                        account=account,
                        category=category,
                        state=state,
                        revenue=own,
                        peer_count=peer_count,
                        peer_total=peer_total,
                        peer_median=peer_median,
                        scale=scale,
                        expected_revenue=peer_median * scale if state == "whitespace" else 0.0,
                    )
                )
    return cells
