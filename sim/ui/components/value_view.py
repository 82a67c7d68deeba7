"""Cost beside every gain: what each package spends more than the baseline over the run, and what
each of its gains costs (yuan per percentage point of needs resolved, per minute less waiting...).

The numbers are :func:`sim.value.value_for_money`'s and the words :func:`sim.value.price_text`'s,
the same as ``govsim compare`` prints: a gain is priced when its headline measure is better, surely
and by enough to matter.  This module only lays them out, for the table below the KPI table and
for the line under each priced difference in the KPI table.
"""

from __future__ import annotations

import html
import math
from typing import Any

from sim.i18n import _
from sim.kpis import kpi_label
from sim.value import price_text, value_for_money


def _num(x: Any) -> str:
    try:
        return repr(float(x))
    except (TypeError, ValueError):
        return "nan"


def _yuan(x: float) -> str:
    return f"{x:+,.0f}".replace("-", "−")


def gain_prices(comparison: Any) -> dict[tuple[str, str], float]:
    """(scenario, KPI) -> yuan per unit of the gain, for each priced gain."""
    t = value_for_money(comparison)
    if t.empty:
        return {}
    return {
        (r.scenario, r.kpi): float(r.yuan_per_unit)
        for r in t.itertuples()
        if r.kpi and not math.isnan(r.yuan_per_unit)
    }


def price_html(key: str, yuan_per_unit: float) -> str:
    """The line under a priced difference in the KPI table."""
    return (
        f'<span class="price" data-yuan-per-unit="{_num(yuan_per_unit)}">'
        f"{html.escape(price_text(key, yuan_per_unit))}</span>"
    )


def value_html(comparison: Any) -> str:
    """A table: each package's extra spending over the run with its interval, and the price of
    each of its gains (empty when the comparison has no spending)."""
    t = value_for_money(comparison)
    if t.empty:
        return ""
    head = (
        f"<tr><th>{_('Scenario')}</th>"
        f"<th>{_('Extra spending (yuan) [95 % interval]')}</th>"
        f"<th>{_('What each gain costs')}</th></tr>"
    )
    rows = []
    for name, sub in t.groupby("scenario", sort=False):
        r = sub.iloc[0]
        spend = f"{_yuan(r['extra_spending'])} [{_yuan(r['low'])}, {_yuan(r['high'])}]"
        gains = [
            f'<li data-kpi="{html.escape(g.kpi)}" data-yuan-per-unit="{_num(g.yuan_per_unit)}">'
            f"{html.escape(kpi_label(g.kpi))}: {html.escape(price_text(g.kpi, g.yuan_per_unit))}</li>"
            for g in sub.itertuples()
            if g.kpi and not math.isnan(g.yuan_per_unit)
        ]
        none = _("no gain that is sure and big enough to matter")
        priced = f"<ul>{''.join(gains)}</ul>" if gains else html.escape(none)
        rows.append(
            f'<tr data-scenario="{html.escape(str(name))}" data-extra="{_num(r["extra_spending"])}" '
            f'data-low="{_num(r["low"])}" data-high="{_num(r["high"])}"><td>{html.escape(str(name))}</td>'
            f'<td class="spending">{spend}</td><td class="gains">{priced}</td></tr>'
        )
    title = _(
        "Cost beside every gain: spending over the run of {days} days more than {baseline} (run by run), "
        "and what each gain that is sure and big enough to matter costs per unit."
    ).format(days=comparison.days, baseline=comparison.names[0])
    return (
        f'<div class="govsim-value"><p>{html.escape(title)}</p>'
        f'<table class="govsim-table govsim-value-table">{head}{"".join(rows)}</table></div>'
    )
