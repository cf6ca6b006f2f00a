import pytest
from hypothesis import given
from hypothesis import strategies as st

from tools.forecast import forecast, rising_driver


def test_forecast_by_hand():
    # 3 000 over the last six months against 1 000 before: trend 3 000 + 2 000
    result = forecast(kept=3000, recent=3000, previous=1000, backlog=2000, pipeline=15000)
    assert result.trend == 5000
    assert result.total == 3000 + 5000 + 2000 + 15000
    assert rising_driver(result, recent=3000) == "pipeline"


def test_a_falling_trend_stops_at_zero():
    result = forecast(kept=0, recent=0, previous=20000, backlog=0, pipeline=0)
    assert result.trend == 0
    assert result.total == 0


def test_the_driver_is_the_largest_part():
    growth = forecast(kept=0, recent=1000, previous=0, backlog=500, pipeline=300)
    assert rising_driver(growth, recent=1000) == "trend"  # +1 000 of growth
    orders = forecast(kept=0, recent=1000, previous=1000, backlog=800, pipeline=300)
    assert rising_driver(orders, recent=1000) == "backlog"


@given(*(st.floats(min_value=0, max_value=1e9, allow_nan=False) for _ in range(5)))
def test_forecast_is_never_below_what_stays(kept, recent, previous, backlog, pipeline):
    result = forecast(kept, recent, previous, backlog, pipeline)
    assert result.total >= kept
    assert result.trend >= 0
    assert rising_driver(result, recent) in ("trend", "backlog", "pipeline")
    assert result.total == pytest.approx(kept + result.trend + backlog + pipeline)
