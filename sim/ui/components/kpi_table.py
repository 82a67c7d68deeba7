"""The KPI table: each scenario's value with its 95 % interval, and the paired difference from the
baseline with its interval, coloured by whether it is better or worse and whether it is sure.

All numbers come from ``Comparison.table`` (:func:`sim.compare.compare`); this module only lays
them out.  Each cell carries the exact number in a ``data-`` attribute, so that a test can check
the page against ``compare`` run directly.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

import solara

from sim.i18n import N_, _
from sim.kpis import KPIS
from sim.ui.components.value_view import gain_prices, price_html, value_html
from sim.ui.labels import (
    KPI_SECTIONS,
    VERDICT_WORDS,
    kpi_difference,
    kpi_interval,
    kpi_label,
    kpi_unit,
    kpi_value,
    shows_as_zero,
)

_DIRECTION = {"higher": N_("higher is better"), "lower": N_("lower is better"), "": ""}


def _num(x: Any) -> str:
    """The exact number for a data attribute ("nan" for a missing one)."""
    try:
        return repr(float(x))
    except (TypeError, ValueError):
        return "nan"


Sections = Sequence[tuple[str, Sequence[str]]]


def _sections(present: set[str], sections: Sections = KPI_SECTIONS) -> list[tuple[str, list[str]]]:
    out = []
    listed: set[str] = set()
    for title, keys in sections:
        shown = [k for k in keys if k in present]
        listed.update(keys)
        if shown:
            out.append((_(title), shown))
    # KPIs added to the model later still show, rather than silently missing.
    rest = [k for k in KPIS if k in present and k not in listed and not k.startswith("verify.")]
    if rest:
        out.append((_("Other measures"), rest))
    return out


# Long by design: one table, its head and each kind of cell written where the row is built.
def kpi_table_html(comparison: Any, sections: Sections = KPI_SECTIONS) -> str:
    """The table as HTML (pure: tested without a browser), its rows in ``sections`` (titles and
    KPI keys; KPIs in none of them follow under "Other measures")."""
    table = comparison.table
    names: list[str] = list(comparison.names)
    ref = names[0]
    rows = {(r.kpi, r.scenario): r for r in table.itertuples(index=False)}
    prices = gain_prices(comparison)  # cost beside every gain (sim.value)
    present = set(table["kpi"])
    head = [f'<th class="kpi">{_("Measure")}</th>']
    for i, n in enumerate(names):
        tag = f" <small>({_('baseline')})</small>" if i == 0 else ""
        head.append(
            f'<th class="value">{html.escape(n)}{tag}<br><small>{_("mean [95 % interval]")}</small></th>'
        )
    for n in names[1:]:
        # Short: with four packages the table must fit beside the controls (the legend explains).
        head.append(
            f'<th class="diff">{html.escape(n)}<br><small>{_("− baseline [95 % interval]")}</small></th>'
        )
    ncols = len(head)
    out = [
        f'<table class="govsim-kpis" data-replications="{len(comparison.seeds)}">'
        f"<thead><tr>{''.join(head)}</tr></thead><tbody>"
    ]
    for title, keys in _sections(present, sections):
        out.append(f'<tr class="section"><td colspan="{ncols}">{html.escape(title)}</td></tr>')
        for key in keys:
            kpi = KPIS[key]
            unit = kpi_unit(key)
            direction = _(_DIRECTION.get(kpi.better, ""))
            label = (
                f'<td class="kpi" title="{html.escape(_(kpi.doc))}">{html.escape(kpi_label(key))}'
                f"{f' <span class=unit>({html.escape(unit)})</span>' if unit else ''}"
                f"{f'<br><small>{direction}</small>' if direction else ''}</td>"
            )
            cells = [label]
            for n in names:
                r = rows.get((key, n))
                if r is None:
                    cells.append(f'<td class="value">{_("n/a")}</td>')
                    continue
                cells.append(
                    f'<td class="value" data-scenario="{html.escape(n)}" data-mean="{_num(r.mean)}" '
                    f'data-low="{_num(r.ci_low)}" data-high="{_num(r.ci_high)}">'
                    f'<span class="mean">{kpi_value(key, r.mean)}</span> '
                    f'<span class="ci">{kpi_interval(key, r.ci_low, r.ci_high)}</span></td>'
                )
            for n in names[1:]:
                r = rows.get((key, n))
                if r is None:
                    cells.append(f'<td class="diff">{_("n/a")}</td>')
                    continue
                verdict = r.verdict if isinstance(r.verdict, str) else ""
                rel = r.relative_change
                base = rows.get((key, ref))
                rel_text = (
                    ""
                    if rel is None
                    or (isinstance(rel, float) and (math.isnan(rel) or math.isinf(rel)))
                    or base is None
                    or shows_as_zero(key, base.mean)
                    or shows_as_zero(key, r.diff)
                    else f' <span class="rel">({100 * rel:+.0f} %)</span>'.replace("-", "−")
                )
                word = _(VERDICT_WORDS.get(verdict, ""))
                tag = f' <span class="tag">{word}</span>' if word else ""
                if (n, key) in prices:
                    tag += " " + price_html(key, prices[(n, key)])
                threshold = getattr(r, "matters", math.nan)
                matters = (
                    f' title="{_("matters from")} {kpi_difference(key, threshold).lstrip("+")} '
                    f'{html.escape(kpi_unit(key, difference=True))}"'
                    if isinstance(threshold, float) and not math.isnan(threshold)
                    else ""
                )
                cells.append(
                    f'<td class="diff verdict-{verdict or "none"}"{matters} data-scenario="{html.escape(n)}" '
                    f'data-diff="{_num(r.diff)}" data-low="{_num(r.diff_low)}" '
                    f'data-high="{_num(r.diff_high)}" data-verdict="{verdict}">'
                    f'<span class="mean">{kpi_difference(key, r.diff)}</span> '
                    f'<span class="ci">{kpi_interval(key, r.diff_low, r.diff_high, difference=True)}</span>'
                    f"{rel_text}{tag}</td>"
                )
            out.append(f'<tr data-kpi="{html.escape(key)}">{"".join(cells)}</tr>')
    out.append("</tbody></table>")
    return "".join(out)


def legend_html() -> str:
    """What the colours mean, in the reader's language."""
    return (
        '<div class="govsim-legend">'
        f'<span class="verdict-better">{_("better: sure, and big enough to matter")}</span> '
        f'<span class="verdict-worse">{_("worse: sure, and big enough to matter")}</span> '
        f'<span class="verdict-negligible">{_("negligible: sure, but too small to matter")}</span> '
        f'<span class="verdict-unsure">{_("not sure: the 95 % interval of the difference includes zero")}'
        "</span> "
        f'<span class="verdict-none">{_("no better or worse (a count or a check)")}</span>'
        "</div>"
    )


def how_to_read_html() -> str:
    """A short "how to read this" beside the table."""
    items = [
        _(
            "Each scenario's column: the <b>mean</b> over the paired runs and, below it, its <b>95 % "
            "interval</b>: where the long-run mean lies, 19 times in 20. It never leaves the possible "
            "values (a share stays within 0-100 %, a waiting time above 0)."
        ),
        _(
            "Each difference column: the scenario minus the baseline, <b>run by run</b> (both met the "
            "same residents and the same luck), with its interval and the change relative to the "
            "baseline."
        ),
        _(
            "<b>Sure</b> means the interval of the difference excludes zero. <b>Big enough to "
            "matter</b> means the difference reaches the size that the measure's catalogue entry sets "
            "(2 minutes of waiting, 2 percentage points of a share, 10 % of a count...; hover over a "
            "difference to see it). Sure but smaller is <b>negligible</b>."
        ),
        _(
            "More paired runs narrow the intervals: an unsure difference may become sure, or stay "
            "a change too small to tell apart from none."
        ),
    ]
    return (
        f'<details class="govsim-how-to-read"><summary>{_("How to read this table")}</summary><ul>'
        + "".join(f"<li>{i}</li>" for i in items)
        + "</ul></details>"
    )


@solara.component
def KpiTable(comparison: Any, sections: Sections = KPI_SECTIONS):
    """The table with its legend, and below it the cost beside every gain; shares are in %, their
    differences in percentage points (pp)."""
    reps = len(comparison.seeds)
    solara.HTML(
        tag="p",
        unsafe_innerHTML=_(
            "Means over <b>{runs} paired runs</b> of <b>{days} days</b> (every scenario "
            "meets the same residents and the same luck in run <i>r</i>, so the difference is "
            "measured run by run). Differences of shares are in percentage points (pp); in brackets, "
            "the change relative to the baseline."
        ).format(runs=reps, days=comparison.days),
    )
    solara.HTML(tag="div", unsafe_innerHTML=legend_html())
    solara.HTML(tag="div", unsafe_innerHTML=how_to_read_html())
    solara.HTML(
        tag="div", unsafe_innerHTML=kpi_table_html(comparison, sections), classes=["govsim-kpi-table"]
    )
    value = value_html(comparison)
    if value:
        solara.HTML(tag="div", unsafe_innerHTML=value, classes=["govsim-value-box"])
