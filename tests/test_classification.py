import itertools

from tools.classification import OVERRIDES, key_status


def test_a_manager_decision_wins():
    for strategic, by_revenue in itertools.product((False, True), repeat=2):
        assert key_status("key", strategic, by_revenue) == (True, "manual")
        assert key_status("not_key", strategic, by_revenue) == (False, None)


def test_without_a_decision_strategic_or_revenue_make_a_key_account():
    assert key_status(None, True, True) == (True, "both")
    assert key_status(None, True, False) == (True, "strategic")
    assert key_status(None, False, True) == (True, "revenue")
    assert key_status(None, False, False) == (False, None)


def test_a_reason_exactly_when_key():
    for override, strategic, by_revenue in itertools.product(OVERRIDES, (0, 1), (0, 1)):
        is_key, reason = key_status(override, strategic, by_revenue)
        assert is_key == (reason is not None)
