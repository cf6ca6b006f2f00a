"""Rebalancing the accounts of a team of KAMs: plain Python, no Odoo.

Moves accounts from overloaded KAMs to KAMs with room, so that both end under
their limit, with as few moves as possible: the largest accounts of the most
overloaded KAM go first, each to the KAM who knows the account best (already
in its team or owning one of its relationships), then who shares its country
and language, then who is least loaded; an account handed over recently never
moves again.
"""

from typing import NamedTuple


class Kam(NamedTuple):
    user_id: int
    capacity: float  # hours a month
    load: float  # estimated hours a month carried now
    limit_percent: float  # overloaded above this share of the capacity
    country: object = None
    lang: object = None

    @property
    def limit(self):
        return self.capacity * self.limit_percent / 100


class Account(NamedTuple):
    account_id: int
    owner: int  # user id of the KAM who carries it
    effort: float  # the owner's hours a month on it
    knowers: frozenset = frozenset()  # users who already know the account
    country: object = None
    lang: object = None
    locked: bool = False  # handed over recently: stays where it is


class Move(NamedTuple):
    account_id: int
    from_user: int
    to_user: int
    effort: float
    knows: bool
    same_country: bool
    same_lang: bool


def suggest_moves(kams, accounts):
    """Moves that bring overloaded KAMs under their limit, fewest first.

    :param kams: list of Kam of one team
    :param accounts: list of Account carried by those KAMs
    :return: list of Move, in the order to apply them
    """
    loads = {kam.user_id: kam.load for kam in kams}
    by_user = {kam.user_id: kam for kam in kams}
    moves = []
    overloaded = sorted(
        (kam for kam in kams if kam.load > kam.limit),
        key=lambda kam: kam.limit - kam.load,  # most overloaded first
    )
    for source in overloaded:
        movable = sorted(
            (a for a in accounts if a.owner == source.user_id and not a.locked and a.effort > 0),
            key=lambda account: (-account.effort, account.account_id),
        )
        for account in movable:
            if loads[source.user_id] <= source.limit:
                break
            targets = [
                kam
                for kam in kams
                if kam.user_id != source.user_id
                and loads[kam.user_id] + account.effort <= kam.limit
            ]
            if not targets:
                continue
            target = min(
                targets,
                key=lambda kam, account=account: (
                    kam.user_id not in account.knowers,
                    not (account.country and kam.country == account.country),
                    not (account.lang and kam.lang == account.lang),
                    (loads[kam.user_id] + account.effort) / kam.capacity,
                    kam.user_id,
                ),
            )
            loads[source.user_id] -= account.effort
            loads[target.user_id] += account.effort
            moves.append(
                Move(
                    account.account_id,
                    source.user_id,
                    target.user_id,
                    account.effort,
                    target.user_id in account.knowers,
                    bool(account.country and by_user[target.user_id].country == account.country),
                    bool(account.lang and by_user[target.user_id].lang == account.lang),
                )
            )
    return moves
