"""The results of the last run: the KPI table, downloads and figures."""

from __future__ import annotations

from typing import Any

import solara

from sim.i18n import _
from sim.ui import state, tasks
from sim.ui.components.figures_panel import FiguresPanel, SeriesChooser
from sim.ui.components.kpi_table import KpiTable
from sim.ui.runner import daily_csv, runs_csv, table_csv

#: The figures every run draws besides the chosen daily series (see runner.comparison_figures).
FIXED_FIGURES = 4


@solara.component
def ResultDownloads(comparison: Any):
    """The table, every run's KPIs, and the daily series, as CSV files."""
    with solara.Row(style={"flex-wrap": "wrap"}, classes=["govsim-downloads"]):
        # Callables: a file is only built when the planner asks for it.
        solara.FileDownload(
            lambda: table_csv(comparison),
            filename="govsim-kpi-table.csv",
            label=_("KPI table (CSV)"),
            mime_type="text/csv",
        )
        solara.FileDownload(
            lambda: runs_csv(comparison),
            filename="govsim-runs.csv",
            label=_("Every run (CSV)"),
            mime_type="text/csv",
        )
        solara.FileDownload(
            lambda: daily_csv(comparison),
            filename="govsim-daily.csv",
            label=_("Daily series (CSV)"),
            mime_type="text/csv",
        )


@solara.component
def ResultsView():
    """What the last run found; says so when the scenarios changed since."""
    results: tasks.Results | None = tasks.run_task.latest
    SeriesChooser(state.figure_series.value, on_value=state.figure_series.set)
    if results is None:
        if not tasks.run_task.pending:
            solara.Info(_("Press Run to compare the scenarios."))
        return
    c = results.comparison
    with solara.Column(classes=["govsim-results"]):
        if not tasks.results_are_current(results):
            solara.Warning(
                _(
                    "These results are for the scenarios and settings as they were when you pressed Run; "
                    "they have changed since. Press Run again to update."
                ),
                classes=["govsim-stale"],
            )
        solara.Text(
            _("Finished in {seconds:.1f} s.").format(seconds=results.seconds),
            classes=["govsim-elapsed"],
            style={"font-size": "0.85em", "color": "#666"},
        )
        if results.failures:
            solara.Warning(
                _("{n} run(s) failed and are left out: {runs}").format(
                    n=len(results.failures), runs="; ".join(results.failures[:3])
                )
            )
        KpiTable(c)
        ResultDownloads(c)
        FiguresPanel(
            results.figures,
            done=results.figures_done,
            expected=len(results.series) + FIXED_FIGURES,
        )
