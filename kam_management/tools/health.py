"""Account health: the points of each component, the score and the band.

Plain Python (no Odoo import) so that the maths are tested alone. Every
component gives a fraction in [0, 1] of its weight; the score is the sum of
the points, rounded; the band follows from the score and the band limits.
"""

from dataclasses import dataclass, field

COMPONENTS = ("revenue", "payment", "rhythm", "relationship", "plan", "tension")
SEVERITY_PENALTY = {"low": 0.1, "medium": 0.25, "high": 0.5, "critical": 1.0}
# a relationship map with this many gaps scores nothing on gaps
GAPS_FOR_ZERO = 3
# days past due at which payment behaviour scores nothing
OVERDUE_DAYS_FOR_ZERO = 90


@dataclass
class HealthInputs:
    """What is known of one account in one company (None: nothing to measure)."""

    revenue_change: float | None = None  # % change, the worse of the two comparisons
    overdue_days: int = 0  # oldest invoice past due, days (0: none)
    payment_drift_days: float = 0.0  # days slower than before (0 or less: none)
    regular_categories: int = 0
    broken_categories: int = 0
    gaps: int = 0
    stakeholders: int = 0
    stakeholders_in_cadence: int = 0
    has_live_plan: bool = False
    plan_progress: float = 0.0  # %
    plan_is_stale: bool = False
    tension_severities: list = field(default_factory=list)


def clamp(value, low=0.0, high=1.0):
    return max(low, min(high, value))


def component_fractions(inputs, decline_percent, drift_days):
    """Fraction of its weight each component earns.

    :param decline_percent: the revenue decline that raises a signal; twice
        that decline scores nothing
    :param drift_days: the payment drift that raises a signal
    """
    fractions = {}
    if inputs.revenue_change is None or inputs.revenue_change >= 0:
        fractions["revenue"] = 1.0
    else:
        floor = 2 * decline_percent if decline_percent > 0 else 100.0
        fractions["revenue"] = clamp(1 + inputs.revenue_change / floor)
    payment = 1 - inputs.overdue_days / OVERDUE_DAYS_FOR_ZERO if inputs.overdue_days > 0 else 1
    if drift_days >= 0 and inputs.payment_drift_days >= max(drift_days, 1):
        payment *= 0.5
    fractions["payment"] = clamp(payment)
    fractions["rhythm"] = (
        clamp(1 - inputs.broken_categories / inputs.regular_categories)
        if inputs.regular_categories
        else 1.0
    )
    in_cadence = (
        inputs.stakeholders_in_cadence / inputs.stakeholders if inputs.stakeholders else 0.0
    )
    fractions["relationship"] = clamp(0.5 * in_cadence + 0.5 * (1 - inputs.gaps / GAPS_FOR_ZERO))
    if inputs.has_live_plan:
        fractions["plan"] = clamp(
            0.7 * clamp(inputs.plan_progress / 100) + (0.0 if inputs.plan_is_stale else 0.3)
        )
    else:
        fractions["plan"] = 0.0
    penalty = sum(SEVERITY_PENALTY.get(severity, 0.0) for severity in inputs.tension_severities)
    fractions["tension"] = clamp(1 - penalty)
    return fractions


def score_account(inputs, weights, decline_percent=20.0, drift_days=15):
    """(score 0-100, {component: points}) of an account.

    :param weights: {component: weight}, summing to 100
    """
    fractions = component_fractions(inputs, decline_percent, drift_days)
    points = {name: round(weights.get(name, 0) * fractions[name], 1) for name in COMPONENTS}
    score = round(sum(weights.get(name, 0) * fractions[name] for name in COMPONENTS))
    return max(0, min(100, score)), points


def band(score, healthy_min, watch_min):
    if score >= healthy_min:
        return "healthy"
    if score >= watch_min:
        return "watch"
    return "at_risk"
