from hypothesis import given
from hypothesis import strategies as st

from tools.scorecard import (
    FUNCTIONS,
    RULES,
    ScorecardInputs,
    default_weights,
    rule_fractions,
    score_functions,
)

PERFECT = ScorecardInputs(
    competitors=2,
    whitespace_cells=1,
    whitespace_with_opportunity=1,
    needs_recent=True,
    swot_recent=True,
    has_decision_maker=True,
    decision_maker_in_touch=True,
    stakeholders=3,
    stakeholders_in_cadence=3,
    has_plan=True,
    has_value_proposition=True,
    objectives=2,
    objectives_on_track=2,
    has_backup=True,
    roles_expected=3,
    roles_covered=3,
    has_kam=True,
)


def test_a_well_managed_account_scores_100_everywhere():
    scores, points = score_functions(PERFECT, default_weights())
    assert scores == dict.fromkeys(FUNCTIONS, 100)
    assert points["decision_maker"] == 100 * 30 / 100


def test_an_account_nobody_works_on_scores_little():
    scores, _points = score_functions(ScorecardInputs(), default_weights())
    # only what cannot go wrong without data: no whitespace to review (25 of 100),
    # no gaps (25), no expected role (25) and no tension (30)
    assert scores == {"information": 25, "relationships": 25, "business": 0, "team": 55}


def test_hand_computed_account():
    inputs = ScorecardInputs(
        competitors=4,
        competitors_stale=1,  # 3/4 fresh -> 18.75 of 25
        whitespace_cells=4,
        whitespace_with_opportunity=1,  # 1/4 -> 6.25 of 25
        needs_recent=True,  # 1/2 -> 12.5 of 25
        has_decision_maker=True,  # not in touch: 15 of 30
        gaps=1,  # 1 - 1/3 -> 16.67 of 25
        stakeholders=4,
        stakeholders_in_cadence=1,  # 6.25 of 25, single thread: 0 of 20
        has_plan=True,
        objectives=3,
        objectives_on_track=2,  # 20 of 30; no value proposition; stale plan
        plan_is_stale=True,
        roles_expected=2,
        roles_covered=1,  # 12.5 of 25; no backup
        open_tensions=2,
        overdue_tensions=1,  # 15 of 30
        has_kam=True,
        kam_overloaded=True,  # 0 of 20
    )
    scores, points = score_functions(inputs, default_weights())
    assert scores == {
        "information": round(25 + 18.75 + 6.25 + 12.5),  # 62.5 -> 62 (banker's rounding)
        "relationships": round(15 + 16.6667 + 6.25 + 0),  # 37.9 -> 38
        "business": 30 + 0 + 20 + 0,
        "team": round(0 + 12.5 + 15 + 0),  # 27.5 -> 28
    }
    assert points["competitors_fresh"] == 18.8
    assert points["no_gaps"] == 16.7


def test_weights_are_relative_within_a_function_and_zero_drops_a_rule():
    weights = {**default_weights(), "competitors_recorded": 0, "competitors_fresh": 0}
    inputs = ScorecardInputs(whitespace_cells=0, needs_recent=True, swot_recent=True)
    scores, _points = score_functions(inputs, weights)
    assert scores["information"] == 100  # whitespace (none to review) and needs/SWOT
    scores, _points = score_functions(inputs, {})
    assert scores == dict.fromkeys(FUNCTIONS, 0)


@given(
    st.builds(
        ScorecardInputs,
        competitors=st.integers(0, 20),
        competitors_stale=st.integers(0, 20),
        whitespace_cells=st.integers(0, 20),
        whitespace_with_opportunity=st.integers(0, 20),
        gaps=st.integers(0, 4),
        stakeholders=st.integers(0, 10),
        stakeholders_in_cadence=st.integers(0, 10),
        objectives=st.integers(0, 10),
        objectives_on_track=st.integers(0, 10),
        roles_expected=st.integers(0, 5),
        roles_covered=st.integers(0, 5),
        open_tensions=st.integers(0, 5),
        overdue_tensions=st.integers(0, 5),
    ),
    st.dictionaries(st.sampled_from(list(RULES)), st.integers(0, 100)),
)
def test_scores_stay_between_0_and_100(inputs, weights):
    assert all(0 <= fraction <= 1 for fraction in rule_fractions(inputs).values())
    scores, points = score_functions(inputs, weights)
    assert all(0 <= score <= 100 for score in scores.values())
    assert all(0 <= point <= 100 for point in points.values())
