"""Value for money: what each package costs against the reference, beside what it gains.

From a comparison's paired differences: the extra spending over a run (with its 95 % interval),
and for each KPI the package improves surely and enough to matter, the extra spending per unit of
gain (yuan per extra percentage point of needs resolved, per minute less waiting, ...).  A package
that gains and saves money dominates; one that costs more buys its gains at the price shown, so
packages can be ranked by what a gain costs.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.i18n import N_, _
from sim.kpis import KPIS, kpi_label

if TYPE_CHECKING:
    import pandas as pd

    from sim.compare import Comparison

SPENDING = "finance.spending_yuan"
#: The gains residents feel, priced one by one (the other KPIs explain them).
HEADLINE = (
    "service.resolved_share",
    "service.queue_wait_mean_min",
    "service.time_to_resolution_mean_d",
    "access.resolved_share.commuter",
    "access.resolved_share.migrant",
    "governance.participation_rate",
    "grid.response_mean_h",
)


def value_for_money(c: Comparison) -> pd.DataFrame:
    """One row per package (not the reference) and improved KPI: extra spending and yuan per unit."""
    import pandas as pd

    rows = []
    spend = c.kpi(SPENDING) if SPENDING in set(c.table["kpi"]) else None
    if spend is None:
        return pd.DataFrame(rows)
    t = c.table
    gains = t[(t["verdict"] == "better") & (t["scenario"] != c.names[0]) & t["kpi"].isin(HEADLINE)]
    for name in c.names[1:]:
        s = spend.loc[name]
        base = {"scenario": name, "extra_spending": s["diff"], "low": s["diff_low"], "high": s["diff_high"]}
        mine = gains[gains["scenario"] == name]
        if mine.empty:
            rows.append({**base, "kpi": "", "gain": math.nan, "yuan_per_unit": math.nan})
        for g in mine.itertuples():
            unit = 100 * abs(g.diff) if KPIS[g.kpi].unit == "share" else abs(g.diff)
            rows.append(
                {
                    **base,
                    "kpi": g.kpi,
                    "gain": g.diff,
                    "yuan_per_unit": s["diff"] / unit if unit else math.nan,
                }
            )
    return pd.DataFrame(rows)


#: What one unit of a headline KPI is called, for "yuan per ... better".
UNIT_WORDS = {"share": N_("percentage point"), "min": N_("minute"), "days": N_("day"), "hours": N_("hour")}


def price_text(kpi: str, yuan_per_unit: float) -> str:
    """What one unit of a gain costs, in the reader's language: "1,234 yuan spent per percentage
    point better" (or saved, for a package that gains and costs less)."""
    unit = _(UNIT_WORDS.get(KPIS[kpi].unit, KPIS[kpi].unit))
    text = (
        _("{amount} yuan saved per {unit} better")
        if yuan_per_unit < 0
        else _("{amount} yuan spent per {unit} better")
    )
    return text.format(amount=f"{abs(yuan_per_unit):,.0f}", unit=unit)


def render_value(c: Comparison) -> str:
    """The terminal's value-for-money lines (empty when the comparison has no spending)."""
    t = value_for_money(c)
    if t.empty:
        return ""
    lines = [
        _("Value for money: extra spending over a run against {ref} [95 % interval]").format(ref=c.names[0])
    ]
    for name, sub in t.groupby("scenario", sort=False):
        r = sub.iloc[0]
        lines.append(
            f"  {name}: {r['extra_spending']:+,.0f} [{r['low']:+,.0f}, {r['high']:+,.0f}] " + _("yuan")
        )
        for g in sub.itertuples():
            if g.kpi and not math.isnan(g.yuan_per_unit):
                lines.append(f"      {kpi_label(g.kpi)}: {price_text(g.kpi, g.yuan_per_unit)}")
    return "\n".join(lines)
