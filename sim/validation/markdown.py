"""The evidence's Markdown: tables, paired differences with their intervals, short numbers.

Each section of ``docs/validation/README.md`` is written by the module named after it
(:mod:`sim.validation.claims`, :mod:`sim.validation.tradeoff`, :mod:`sim.validation.mmc`, ...);
they share these few formats so that a number reads the same in every section.
"""

from __future__ import annotations

import math


def md_table(rows: list[list[str]], header: list[str]) -> str:
    """A Markdown table: a header row, then one row per list of cells."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def diff_ci(kpi: str, d: float, lo: float, hi: float) -> str:
    """A paired difference and its 95 % interval in the KPI's unit: ``+1.2 min [+0.4 min, +2 min]``."""
    return f"{fmt_diff(kpi, d)} [{fmt_diff(kpi, lo)}, {fmt_diff(kpi, hi)}]"


def short_number(x: float | None, digits: int = 3) -> str:
    """``digits`` significant digits, or a whole number with thousands separators when it is
    that large; "n/a" for a missing value."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 10**digits else f"{x:.{digits}g}"


def fmt_diff(kpi: str, x: float) -> str:
    """A difference in the KPI's unit, signed: shares in percentage points."""
    from sim.kpis import KPIS

    if x is None or math.isnan(x):
        return "n/a"
    unit = KPIS[kpi].unit if kpi in KPIS else ""
    if unit == "share":
        return f"{100 * x:+.1f} pp"
    if abs(x) >= 1000:
        return f"{x:+,.0f} {unit}".rstrip()
    if abs(x) >= 10:
        return f"{x:+.1f} {unit}".rstrip()
    return f"{x:+.3g} {unit}".rstrip()
