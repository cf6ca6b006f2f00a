"""Forecast of an account's revenue window two quarters ahead (plain Python).

Six months from now the revenue window will hold what the account bought in
its last (window − 6) months (``kept``) and what it buys in the next six. The
next six months are forecast from three parts, each shown to the user:

- the trend: the last six months' revenue carried on by their change against
  the six months before (never below zero);
- the backlog: confirmed orders not invoiced yet;
- the pipeline: open opportunities, each weighted by its probability.
"""

from dataclasses import dataclass

PARTS = ("trend", "backlog", "pipeline")


@dataclass(frozen=True)
class Forecast:
    kept: float
    trend: float
    backlog: float
    pipeline: float

    @property
    def total(self):
        return self.kept + self.trend + self.backlog + self.pipeline


def forecast(kept, recent, previous, backlog, pipeline):
    """``recent``/``previous``: revenue of the last six months and of the six
    before; ``kept``: revenue that stays in the window six months from now."""
    trend = max(0.0, recent + (recent - previous))
    return Forecast(kept=kept, trend=trend, backlog=max(0.0, backlog), pipeline=max(0.0, pipeline))


def rising_driver(result, recent):
    """The part that carries a rising account: the largest of the growth of the
    trend over the last six months, the backlog and the pipeline."""
    contributions = {
        "trend": result.trend - recent,
        "backlog": result.backlog,
        "pipeline": result.pipeline,
    }
    return max(PARTS, key=lambda part: (contributions[part], -PARTS.index(part)))
