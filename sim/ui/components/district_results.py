"""The district comparison's results: who loses (the sentences and the table), the tiles, the
distribution by type and the change per community for a chosen package and measure, and the
district KPI table with paired intervals."""

from __future__ import annotations

import html
from typing import Any

import solara

from sim.i18n import _
from sim.ui import district, state
from sim.ui.components.figures_panel import FigureCard
from sim.ui.components.kpi_table import KpiTable
from sim.ui.components.text import Heading
from sim.ui.labels import kpi_difference, kpi_interval, kpi_label
from sim.ui.runner import table_csv


def losers_html(table: Any, kpi: str) -> str:
    """The communities that lose on ``kpi`` (and at least the few worst changes), worst first:
    name, kind, sub-district, residents, the paired change with its 95 % interval, loses or not.
    Each row carries the exact change in ``data-`` attributes (tests compare them with
    :func:`sim.district.report.losers_tables`)."""
    rows, more = district.losers_rows(table)
    head = [
        _("Community"), _("Kind"), _("Sub-district"), _("Residents"),
        _("Change (negative = worse) [95 % interval]"), _("Loses"),
    ]  # fmt: skip
    out = [
        f'<table class="govsim-table govsim-losers" data-kpi="{html.escape(kpi)}"><thead><tr>'
        + "".join(f"<th>{html.escape(h)}</th>" for h in head)
        + "</tr></thead><tbody>"
    ]
    for r in rows.itertuples(index=False):
        cells = [
            html.escape(str(r.name)),
            html.escape(_(str(r.type_label))),
            str(int(r.subdistrict)),
            f"{int(r.residents):,}",
            f"{kpi_difference(kpi, r.change)} "
            f"{kpi_interval(kpi, r.change_low, r.change_high, difference=True)}",
            _("yes") if r.loses else _("no"),
        ]
        mark = ' class="verdict-worse"' if r.loses else ""
        out.append(
            f'<tr{mark} data-community="{int(r.community)}" data-change="{float(r.change)!r}" '
            f'data-loses="{str(bool(r.loses)).lower()}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
        )
    out.append("</tbody></table>")
    if more:
        out.append(f"<p>{_('... and {n} more communities that lose.').format(n=more)}</p>")
    return "".join(out)


@solara.component
def LosersSummary(counts: list[district.LoserCount], reference: str):
    """ "N of M communities lose on ... under ..." for every package and measure."""
    items = "".join(
        f'<li data-package="{html.escape(n.package)}" data-kpi="{html.escape(n.kpi)}" '
        f'data-losers="{n.losers}">'
        f"{html.escape(district.losers_sentence(n, reference))}</li>"
        for n in counts
    )
    solara.HTML(tag="ul", unsafe_innerHTML=items, classes=["govsim-losers-summary"])


@solara.component
def PackageFigures(c: Any, tables: dict, package: str, kpi: str):
    """The tiles, by type and change figures of one package and measure, drawn when they are first
    shown (and again in the other language)."""
    language = state.language()
    images = solara.use_memo(
        lambda: district.district_images(c, tables, package, kpi), [id(c), package, kpi, language]
    )
    with solara.ColumnsResponsive(default=12, xlarge=6):
        for image in images:
            FigureCard(image).key(image.key)


# Long by design: the results in the order a planner reads them, each part where it is laid out.
@solara.component
def DistrictResultsView():
    """What the last district run found; says so when the choice changed since."""
    from sim.district.report import LOSS_KPIS, losers_tables

    results: district.DistrictResults | None = district.last.value
    package, set_package = solara.use_state(None)
    kpi, set_kpi = solara.use_state(LOSS_KPIS[0])
    c = results.comparison if results is not None else None
    tables = solara.use_memo(lambda: losers_tables(c) if c is not None else {}, [id(c)])
    if results is None or c is None:
        if not district.district_task.pending:
            solara.Info(_("Press Run to compare the rules."))
        return
    if not district.is_current(results):
        solara.Warning(
            _(
                "These results are for the scenarios and settings as they were when you pressed Run; "
                "they have changed since. Press Run again to update."
            ),
            classes=["govsim-district-stale"],
        )
    solara.Text(
        _("Finished in {seconds:.1f} s.").format(seconds=results.seconds),
        style={"font-size": "0.85em", "color": "#666"},
    )
    if c.failures:
        solara.Warning(
            _("{n} run(s) failed and are left out: {runs}").format(
                n=len(c.failures), runs="; ".join(c.failures[:3])
            )
        )
    reference = c.names[0]
    shown = package if package in c.names else c.names[1]
    Heading(_("Who loses"), level=3)
    LosersSummary(district.loser_counts(tables), reference)
    with solara.Row(style={"flex-wrap": "wrap", "gap": "16px"}):
        solara.Select(
            _("Package shown"), values=list(c.names), value=shown, on_value=set_package,
            classes=["govsim-district-package"], style={"max-width": "320px"},
        )  # fmt: skip
        labels = {kpi_label(k): k for k in LOSS_KPIS}
        solara.Select(
            _("Measure shown"),
            values=list(labels),
            value=kpi_label(kpi),
            on_value=lambda v: set_kpi(labels[v]),
            classes=["govsim-district-kpi"],
            style={"max-width": "420px"},
        )
    if shown == reference:
        solara.Text(
            _("{name} is the reference: choose another package to see who loses under it.").format(name=shown)
        )
    else:
        solara.Text(
            district.losers_sentence(
                next(n for n in district.loser_counts(tables) if n.package == shown and n.kpi == kpi),
                reference,
            ),
            style={"font-weight": "600"},
        )
        solara.HTML(
            tag="div", unsafe_innerHTML=losers_html(tables[(shown, kpi)], kpi), classes=["govsim-losers-box"]
        )
    PackageFigures(c, tables, shown, kpi)
    Heading(_("The district's measures"), level=3)
    KpiTable(c, sections=district.table_sections())
    solara.FileDownload(
        lambda: table_csv(c),
        filename="govsim-district-kpi-table.csv",
        label=_("KPI table (CSV)"),
        mime_type="text/csv",
    )
