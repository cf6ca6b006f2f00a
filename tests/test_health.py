from hypothesis import given
from hypothesis import strategies as st

from tools.health import COMPONENTS, HealthInputs, band, component_fractions, score_account

WEIGHTS = {
    "revenue": 25,
    "payment": 20,
    "rhythm": 15,
    "relationship": 15,
    "plan": 15,
    "tension": 10,
}


def test_a_healthy_account_scores_everything():
    inputs = HealthInputs(
        revenue_change=5.0,
        stakeholders=4,
        stakeholders_in_cadence=4,
        has_live_plan=True,
        plan_progress=100.0,
    )
    score, points = score_account(inputs, WEIGHTS)
    assert score == 100
    assert points == {name: float(weight) for name, weight in WEIGHTS.items()}


def test_hand_computed_account():
    # revenue -30 % with a 20 % signal: 1 - 30/40 = 0.25 -> 6.25 points of 25
    # 45 days overdue, slower by 20 days: (1 - 45/90) * 0.5 = 0.25 -> 5 of 20
    # 1 of 4 regular categories broken: 0.75 -> 11.25 of 15
    # 1 gap, 2 of 4 people in cadence: 0.5*0.5 + 0.5*(1 - 1/3) = 0.5833 -> 8.75 of 15
    # live plan at 50 %, stale: 0.7*0.5 = 0.35 -> 5.25 of 15
    # a high and a low tension: 1 - 0.6 = 0.4 -> 4 of 10
    inputs = HealthInputs(
        revenue_change=-30.0,
        overdue_days=45,
        payment_drift_days=20,
        regular_categories=4,
        broken_categories=1,
        gaps=1,
        stakeholders=4,
        stakeholders_in_cadence=2,
        has_live_plan=True,
        plan_progress=50.0,
        plan_is_stale=True,
        tension_severities=["high", "low"],
    )
    score, points = score_account(inputs, WEIGHTS, decline_percent=20, drift_days=15)
    assert points == {
        "revenue": 6.2,
        "payment": 5.0,
        "rhythm": 11.2,
        "relationship": 8.8,
        "plan": 5.2,
        "tension": 4.0,
    }
    assert score == 40  # 6.25 + 5 + 11.25 + 8.75 + 5.25 + 4 = 40.5 -> 40 (half to even)
    assert band(score, 70, 40) == "watch"
    assert band(39, 70, 40) == "at_risk"
    assert band(70, 70, 40) == "healthy"


def test_no_map_and_no_plan_score_nothing_there():
    fractions = component_fractions(HealthInputs(gaps=3), 20, 15)
    assert fractions["relationship"] == 0
    assert fractions["plan"] == 0


@given(
    revenue_change=st.one_of(st.none(), st.floats(-100, 500)),
    overdue_days=st.integers(0, 1000),
    drift=st.floats(-100, 100),
    regular=st.integers(0, 20),
    broken=st.integers(0, 20),
    gaps=st.integers(0, 4),
    people=st.integers(0, 30),
    in_cadence=st.integers(0, 30),
    live=st.booleans(),
    progress=st.floats(0, 500),
    stale=st.booleans(),
    tensions=st.lists(st.sampled_from(["low", "medium", "high", "critical"]), max_size=6),
)
def test_the_score_stays_within_0_and_100_and_each_component_within_its_weight(
    revenue_change, overdue_days, drift, regular, broken, gaps, people, in_cadence, live,
    progress, stale, tensions,
):  # fmt: skip
    inputs = HealthInputs(
        revenue_change=revenue_change,
        overdue_days=overdue_days,
        payment_drift_days=drift,
        regular_categories=regular,
        broken_categories=min(broken, regular),
        gaps=gaps,
        stakeholders=people,
        stakeholders_in_cadence=min(in_cadence, people),
        has_live_plan=live,
        plan_progress=progress,
        plan_is_stale=stale,
        tension_severities=tensions,
    )
    score, points = score_account(inputs, WEIGHTS)
    assert 0 <= score <= 100
    for name in COMPONENTS:
        assert 0 <= points[name] <= WEIGHTS[name]
    assert abs(sum(points.values()) - score) <= 1


@given(st.lists(st.sampled_from(["low", "medium", "high", "critical"]), max_size=5))
def test_one_more_tension_never_raises_the_score(tensions):
    base = HealthInputs(tension_severities=tensions)
    worse = HealthInputs(tension_severities=[*tensions, "low"])
    assert score_account(worse, WEIGHTS)[0] <= score_account(base, WEIGHTS)[0]
