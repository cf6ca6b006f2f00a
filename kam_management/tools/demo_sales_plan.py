"""Plan of a realistic, skewed sales history for the demo data.

Plain Python (no Odoo import) so that the shape of the demo customer base can
be tested on its own: a handful of accounts carry most of the revenue, every
account buys at least once, and the history covers the requested months.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

DAYS_PER_MONTH = 30
# Zipf exponent of the account weights: with 40 accounts the top fifth carries
# about three quarters of the revenue, as in real customer bases.
DEFAULT_SKEW = 1.3


@dataclass
class PlannedOrder:
    account_index: int
    order_date: date
    lines: list = field(default_factory=list)  # (product_index, quantity)

    def amount(self, product_prices):
        return sum(product_prices[product] * quantity for product, quantity in self.lines)


def account_weights(account_count, skew=DEFAULT_SKEW):
    """Share of the total revenue planned for each account, heaviest first."""
    raw = [1.0 / (rank + 1) ** skew for rank in range(account_count)]
    total = sum(raw)
    return [weight / total for weight in raw]


def build_order_plan(
    account_count,
    product_prices,
    today,
    months=18,
    monthly_revenue=150_000.0,
    seed=2024,
    skew=DEFAULT_SKEW,
):
    """Return the planned orders, oldest first.

    Account 0 is the heaviest. Each account orders in a month with a
    probability that grows with its weight; the amount of an order is sized so
    that, over the months, the account's revenue follows its weight.
    """
    if account_count <= 0 or months <= 0:
        return []
    if not product_prices or min(product_prices) <= 0:
        raise ValueError("product prices must be positive")
    rng = random.Random(seed)
    weights = account_weights(account_count, skew)
    heaviest = weights[0]
    plan = []
    for account_index, weight in enumerate(weights):
        order_probability = min(1.0, 0.15 + 0.85 * weight / heaviest * 1.5)
        # Some accounts grow, others decline, over the period.
        trend = rng.uniform(-0.3, 0.5)
        ordered_months = [month for month in range(months) if rng.random() < order_probability] or [
            rng.randrange(months)
        ]
        for month in ordered_months:
            # month 0 is the oldest month of the history
            progress = month / max(months - 1, 1)
            target = (
                monthly_revenue
                * weight
                / order_probability
                * (1 + trend * (progress - 0.5))
                * rng.uniform(0.7, 1.3)
            )
            days_ago = (months - 1 - month) * DAYS_PER_MONTH + rng.randrange(DAYS_PER_MONTH)
            plan.append(
                PlannedOrder(
                    account_index=account_index,
                    order_date=today - timedelta(days=days_ago),
                    lines=_order_lines(rng, product_prices, target),
                )
            )
    plan.sort(key=lambda order: (order.order_date, order.account_index))
    return plan


def _order_lines(rng, product_prices, target_amount):
    """One or two lines worth about target_amount.

    Only products the order can afford are picked, so that one unit of an
    expensive product does not blow up the revenue of a small account.
    """
    line_count = 1 if target_amount < 5 * max(product_prices) else 2
    share = target_amount / line_count
    affordable = [index for index, price in enumerate(product_prices) if price <= share]
    if not affordable:
        affordable = [product_prices.index(min(product_prices))]
    products = rng.sample(affordable, k=min(line_count, len(affordable)))
    share = target_amount / len(products)
    return [(product, max(1, round(share / product_prices[product]))) for product in products]
