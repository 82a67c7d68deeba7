"""Conditions on run outcomes: ``"finance.balance_yuan >= 0"``, for constraints, ``--where``,
``--goal`` and ``--constraint`` alike (one parser for all of them)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sim.experiments.experiment import _close
from sim.kpis import KPIS

_OPS = ("<=", ">=", "==", "!=", "<", ">")


@dataclass(frozen=True)
class Condition:
    """``LEFT OP RIGHT`` on a run's KPIs, each side a KPI name or a number:
    ``"finance.balance_yuan >= 0"``, ``"service.unmet_share < 0.1"``,
    ``"staff.overtime_h_per_staff <= staff.admin_h_per_staff_week"``.

    Used for constraints (``[[constraints]]``, ``govsim search --constraint``) and selections
    (``govsim discover --where``).  A missing value (a failed run, an undefined KPI) never
    satisfies a condition: such a run is neither feasible nor selected by chance.
    """

    text: str
    left: str | float
    op: str
    right: str | float
    name: str = ""

    @property
    def kpis(self) -> list[str]:
        return [x for x in (self.left, self.right) if isinstance(x, str)]

    def evaluate(self, frame: Any) -> Any:
        """A boolean array, one value per row of ``frame`` (a DataFrame with KPI columns)."""
        import numpy as np

        def side(x: str | float) -> Any:
            return frame[x].to_numpy(dtype=float) if isinstance(x, str) else np.full(len(frame), float(x))

        a, b = side(self.left), side(self.right)
        with np.errstate(invalid="ignore"):
            out = {
                "<=": a <= b,
                ">=": a >= b,
                "==": a == b,
                "!=": a != b,
                "<": a < b,
                ">": a > b,
            }[self.op]
        return out & ~np.isnan(a) & ~np.isnan(b)

    def slack(self, frame: Any) -> Any:
        """How far each row is from violating the condition (pymoo's ``G <= 0`` form negated):
        positive or zero when it holds, negative by the shortfall when it does not."""
        a = frame[self.left].to_numpy(dtype=float) if isinstance(self.left, str) else float(self.left)
        b = frame[self.right].to_numpy(dtype=float) if isinstance(self.right, str) else float(self.right)
        if self.op in ("<", "<="):
            return b - a
        if self.op in (">", ">="):
            return a - b
        return -abs(a - b)


def parse_condition(text: str, known: Sequence[str] | None = None, name: str = "") -> Condition:
    """A :class:`Condition` from ``"KPI OP VALUE"``; ``known`` are the KPI names allowed (default:
    every KPI of the model).  Raises ``ValueError`` with a one-line message."""
    names = list(known) if known is not None else list(KPIS)
    if not isinstance(text, str) or not text.strip():
        raise ValueError("expected a condition like 'finance.balance_yuan >= 0'")
    for op in _OPS:  # two-character operators first, so '<=' is not read as '<'
        left, sep, right = text.partition(op)
        if sep:
            break
    else:
        raise ValueError(f"{text!r}: no comparison; expected KPI <|<=|>|>=|==|!= VALUE")

    def side(raw: str) -> str | float:
        raw = raw.strip()
        try:
            x = float(raw)
        except ValueError:
            if raw not in names:
                raise ValueError(f"{text!r}: unknown KPI {raw!r}{_close(raw, names)}") from None
            return raw
        if not math.isfinite(x):
            raise ValueError(f"{text!r}: {raw} is not a finite number")
        return x

    lhs, rhs = side(left), side(right)
    if not isinstance(lhs, str) and not isinstance(rhs, str):
        raise ValueError(f"{text!r}: compares two numbers; one side must be a KPI")
    return Condition(text.strip(), lhs, op, rhs, name or text.strip())
