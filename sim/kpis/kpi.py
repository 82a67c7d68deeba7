"""What a KPI is: a key, a unit, the direction that counts as better, and the size that matters.

Every family of KPIs (:mod:`sim.kpis.service`, :mod:`sim.kpis.staff`, ...) declares its measures
with :class:`KPI` and says, with :class:`Matters`, how big a change must be before a planner
should act on it.  Those thresholds are rules of thumb, not measured quantities, so each carries
its reason; the reasons several families share are the constants below.  ``govsim compare
--matters KPI=x`` overrides a threshold (:func:`parse_matters` reads what the user wrote).

The two small helpers at the end are how the families turn a run's tallies into numbers: a mean
or a ratio of nothing is NaN ("not measured in this run"), never zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Matters:
    """The smallest change of a KPI that is big enough to matter to a planner: ``absolute`` in the
    KPI's unit (shares as fractions), or ``relative`` to the baseline's mean, whichever is larger.
    A difference that is sure (its interval excludes zero) but smaller is called negligible."""

    absolute: float = 0.0
    relative: float = 0.0
    why: str = ""

    def threshold(self, baseline_mean: float) -> float:
        base = abs(baseline_mean) if baseline_mean == baseline_mean else 0.0  # NaN: no baseline
        return max(self.absolute, self.relative * base)

    def describe(self, unit: str) -> str:
        """The rule in words: "2 pp (why)", "1 tasks or 10 % of the baseline, whichever is larger"."""
        size = f"{100 * self.absolute:g} pp" if unit == "share" else f"{self.absolute:g} {unit}".strip()
        parts = ([size] if self.absolute else []) + (
            [f"{100 * self.relative:g} % of the baseline"] if self.relative else []
        )
        rule = " or ".join(parts) + (", whichever is larger" if len(parts) > 1 else "")
        return f"{rule or '0'} ({self.why})" if self.why else rule or "0"


def parse_matters(text: str) -> Matters:
    """A threshold as a user writes it: ``2`` (in the KPI's unit; a share as 0.02) or ``5%``
    (relative to the baseline's mean).  ``ValueError`` says what is allowed."""
    t = text.strip()
    relative = t.endswith("%")
    try:
        value = float(t.rstrip("%").strip())
    except ValueError:
        value = -1.0
    if not value >= 0 or value != value or value == float("inf"):
        raise ValueError(
            f"expected a number >= 0 in the KPI's unit (shares as fractions, 0.02 = 2 pp) or a "
            f"percentage of the baseline such as 5%, got {text!r}"
        )
    return (
        Matters(relative=value / 100, why="set by the user")
        if relative
        else Matters(value, 0.0, "set by the user")
    )


@dataclass(frozen=True)
class KPI:
    key: str
    unit: str
    better: str  # "higher", "lower" or "" (neither: a count or a check)
    doc: str
    signed: bool = False  # can be negative (a balance); else a share, a time or a count: >= 0
    matters: Matters = Matters()  # the smallest change worth acting on

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """The possible values, for intervals that stay within them: shares and 0-1 scores in
        [0, 1], times, counts and costs >= 0, a balance unbounded."""
        if self.unit in ("share", "0-1"):
            return (0.0, 1.0)
        return (None, None) if self.signed else (0.0, None)


# The reasons that several families' thresholds share.
TWO_POINTS = "2 percentage points: one resident (or need) in fifty"
TWO_MINUTES = "2 minutes: a change a resident in the queue notices"
TEN_PERCENT = "10 % of the baseline: counts over the run grow with its length, so the threshold is relative"
SCORE_STEP = "0.02 on the 0-1 scale: a fiftieth of the range"


def mean_or_nan(x: Sequence[float] | np.ndarray) -> float:
    """The mean, or NaN when there is nothing to average (nothing of the kind happened)."""
    return float(np.mean(x)) if len(x) else math.nan


def ratio(a: float, b: float) -> float:
    """``a / b``, or NaN when ``b`` is zero (a share of nothing is not measured)."""
    return a / b if b else math.nan
