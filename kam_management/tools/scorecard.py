"""The four-function scorecard of a key account: information, relationships,
business, project & team.

Plain Python (no Odoo import) so that the rules are tested alone. Every rule
earns a fraction in [0, 1]; a function scores 100 x the weighted mean of the
fractions of its active rules, rounded. Weights are relative within their
function: they need not sum to anything.
"""

from dataclasses import dataclass

FUNCTIONS = ("information", "relationships", "business", "team")
# rule: (function, default weight), in the order the reasons are listed
RULES = {
    "competitors_recorded": ("information", 25),
    "competitors_fresh": ("information", 25),
    "whitespace_reviewed": ("information", 25),
    "needs_swot_recent": ("information", 25),
    "decision_maker": ("relationships", 30),
    "no_gaps": ("relationships", 25),
    "in_cadence": ("relationships", 25),
    "multi_threaded": ("relationships", 20),
    "active_plan": ("business", 30),
    "value_proposition": ("business", 20),
    "objectives_on_track": ("business", 30),
    "plan_reviewed": ("business", 20),
    "backup_kam": ("team", 25),
    "roles_covered": ("team", 25),
    "tensions_in_time": ("team", 30),
    "kam_not_overloaded": ("team", 20),
}
# a relationship map with this many gaps scores nothing on gaps
GAPS_FOR_ZERO = 3


@dataclass
class ScorecardInputs:
    """What is known of one account in one company."""

    competitors: int = 0  # competitor presences recorded
    competitors_stale: int = 0  # of which not confirmed within the information age
    whitespace_cells: int = 0
    whitespace_with_opportunity: int = 0
    needs_recent: bool = False  # the current plan's needs confirmed within the age
    swot_recent: bool = False
    has_decision_maker: bool = False
    decision_maker_in_touch: bool = False
    gaps: int = 0
    stakeholders: int = 0
    stakeholders_in_cadence: int = 0
    has_plan: bool = False
    has_value_proposition: bool = False
    objectives: int = 0
    objectives_on_track: int = 0  # on track or done
    plan_is_stale: bool = False
    has_backup: bool = False
    roles_expected: int = 0
    roles_covered: int = 0
    open_tensions: int = 0
    overdue_tensions: int = 0
    has_kam: bool = False
    kam_overloaded: bool = False


def _ratio(part, whole, empty=1.0):
    return max(0.0, min(1.0, part / whole)) if whole else empty


def rule_fractions(inputs):
    """{rule: fraction of its weight earned}."""
    i = inputs
    return {
        "competitors_recorded": 1.0 if i.competitors else 0.0,
        "competitors_fresh": _ratio(i.competitors - i.competitors_stale, i.competitors, 0.0),
        "whitespace_reviewed": _ratio(i.whitespace_with_opportunity, i.whitespace_cells),
        "needs_swot_recent": (int(i.needs_recent) + int(i.swot_recent)) / 2,
        "decision_maker": (
            1.0 if i.decision_maker_in_touch else 0.5 if i.has_decision_maker else 0.0
        ),
        "no_gaps": max(0.0, 1 - i.gaps / GAPS_FOR_ZERO),
        "in_cadence": _ratio(i.stakeholders_in_cadence, i.stakeholders, 0.0),
        "multi_threaded": 1.0 if i.stakeholders_in_cadence >= 2 else 0.0,
        "active_plan": 1.0 if i.has_plan else 0.0,
        "value_proposition": 1.0 if i.has_plan and i.has_value_proposition else 0.0,
        "objectives_on_track": _ratio(i.objectives_on_track, i.objectives, 0.0),
        "plan_reviewed": 1.0 if i.has_plan and not i.plan_is_stale else 0.0,
        "backup_kam": 1.0 if i.has_backup else 0.0,
        "roles_covered": _ratio(i.roles_covered, i.roles_expected),
        "tensions_in_time": _ratio(i.open_tensions - i.overdue_tensions, i.open_tensions),
        "kam_not_overloaded": 1.0 if i.has_kam and not i.kam_overloaded else 0.0,
    }


def score_functions(inputs, weights):
    """({function: score 0-100}, {rule: points}) of an account.

    :param weights: {rule: weight}; a rule missing or of weight 0 does not count.
        A function without any weighted rule scores 0.
    """
    fractions = rule_fractions(inputs)
    points, scores = {}, {}
    for function in FUNCTIONS:
        rules = [rule for rule, (of, _default) in RULES.items() if of == function]
        total = sum(weights.get(rule, 0) for rule in rules)
        for rule in rules:
            points[rule] = (
                round(100 * weights.get(rule, 0) * fractions[rule] / total, 1) if total else 0.0
            )
        earned = sum(weights.get(rule, 0) * fractions[rule] for rule in rules)
        scores[function] = round(100 * earned / total) if total else 0
    return scores, points


def default_weights():
    return {rule: weight for rule, (_function, weight) in RULES.items()}
