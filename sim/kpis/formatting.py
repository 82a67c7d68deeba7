"""KPI values as a person reads them: shares in per cent, money with thousands separators.

Every table a planner sees (the terminal's, the report's, the web app's) shows a value through
:func:`format_value`, so a share reads "45.2 %" and a cost "612,000 yuan" wherever it appears,
with the unit in the reader's language ("612,000 元" under ``--lang zh``).
"""

from __future__ import annotations

import math

from sim.i18n import N_, _
from sim.kpis.catalogue import KPIS

#: Units no other text marks for translation (the rest are marked where the app names them).
UNITS = (N_("h/staff/week"), N_("h/staff"))


def format_value(key: str, value: float | None, unit: bool = True, sign: bool = False) -> str:
    """A KPI value as a person reads it: shares in %, money with thousands separators.

    ``unit=False`` leaves the unit off (interval bounds); ``sign=True`` always shows the sign
    (differences).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _("n/a")
    kpi_unit = KPIS[key].unit if key in KPIS else ""
    s = "+" if sign else ""
    if kpi_unit == "share":
        text, shown = f"{100 * value:{s}.1f}", "%"
    elif (kpi_unit in ("yuan", "tasks", "visits") and float(value).is_integer()) or abs(value) >= 100:
        text, shown = f"{value:{s},.0f}", kpi_unit
    else:
        text, shown = f"{value:{s}.2f}", kpi_unit
    if not unit or shown in ("", "0-1", "tasks", "visits"):
        return text
    return f"{text} {_(shown)}"


def summary_table(kpis: dict[str, float]) -> str:
    """The summary as an aligned text table, grouped by section."""
    width = max(len(k) for k in kpis)
    lines, section = [], ""
    for key, value in kpis.items():
        head = key.split(".")[0]
        if head != section:
            if lines:
                lines.append("")
            section = head
        lines.append(f"  {key:<{width}}  {format_value(key, value):>16}")
    return "\n".join(lines)
