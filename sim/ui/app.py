"""The page: pick scenarios, change their reforms, run, read the table and the figures.

Started by ``govsim ui`` (``solara run sim.ui.app`` underneath).  The page is laid out in the order
a planner works: the scenarios and how they differ from the baseline, the reforms of the one being
edited, the run, the results; the timeline replay and the district have their own tabs.
"""

from __future__ import annotations

import solara
import solara.lab

# Imported here, before any task thread starts: a run, the live view and "How much is enough?"
# each work in a thread of their own, and two threads importing pandas (through the model) for
# the first time at once see it half-initialised ("partially initialized module 'pandas'").
import sim.model
import sim.ui.live  # noqa: F401
from sim.i18n import LANGUAGES, _
from sim.ui import state
from sim.ui.components.differences import DifferencesTable
from sim.ui.components.district_view import DistrictView
from sim.ui.components.enough import HowMuchIsEnough
from sim.ui.components.live_view import LiveView
from sim.ui.components.reform_controls import ReformControls
from sim.ui.components.results_view import ResultsView
from sim.ui.components.run_panel import RunPanel
from sim.ui.components.scenario_picker import ScenarioCards, ScenarioPicker
from sim.ui.components.text import Heading, Prose
from sim.ui.components.timeline_replay import TimelineReplay

CSS = """
.govsim-kpis, .govsim-diff { border-collapse: collapse; font-size: 0.85em; width: 100%; }
.govsim-controls, .govsim-outcome { min-width: 0; }
.govsim-kpi-table, .govsim-differences, .govsim-enough-table-box, .govsim-live-hall-view {
  max-width: 100%; overflow-x: auto; }
.govsim-kpis .ci { display: block; }
.govsim-kpis th, .govsim-kpis td, .govsim-diff th, .govsim-diff td {
  border-bottom: 1px solid #e0e0e0; padding: 3px 5px; text-align: left; vertical-align: top; }
.govsim-kpis th { position: sticky; top: 0; background: #fafafa; }
.govsim-kpis tr.section td { background: #eef2f7; font-weight: 600; padding-top: 10px; }
.govsim-kpis td.value, .govsim-kpis td.diff { font-variant-numeric: tabular-nums; }
.govsim-kpis .mean { white-space: nowrap; }
.govsim-kpis .rel, .govsim-kpis .tag { display: block; margin-left: 0; }
.govsim-kpis th small { font-weight: normal; }
.govsim-kpis .ci, .govsim-kpis .rel, .govsim-kpis .unit, .govsim-kpis small { color: #666; font-size: 0.9em; }
.govsim-kpis .tag { font-weight: 600; margin-left: 4px; }
.govsim-kpis .price { display: block; color: #14532d; font-size: 0.85em; }
.govsim-value ul { margin: 0; padding-left: 16px; }
.govsim-value td.spending { white-space: nowrap; font-variant-numeric: tabular-nums; }
.verdict-better { background: #dff3e4; color: #14532d; }
.verdict-worse { background: #fbe1e4; color: #7f1d1d; }
.verdict-unsure { background: #f2f2f2; color: #555; }
.verdict-negligible { background: #f3f6ee; color: #556b2f; }
.govsim-how-to-read { font-size: 0.85em; margin-bottom: 8px; }
.govsim-legend span { display: inline-block; padding: 2px 8px; margin: 0 6px 6px 0; border-radius: 4px;
  font-size: 0.85em; }
.govsim-legend .verdict-none { border: 1px solid #ddd; }
.govsim-diff td.changed { font-weight: 600; background: #fff7e0; }
.govsim-diff td.reform { color: #555; }
.govsim-origin { font-size: 0.8em; color: #666; }
.govsim-description { font-size: 0.9em; margin-bottom: 4px; }
.govsim-changes { font-size: 0.85em; }
.govsim-changes ul { margin: 0; }
.govsim-table { border-collapse: collapse; font-size: 0.85em; width: 100%; }
.govsim-table th, .govsim-table td { border-bottom: 1px solid #e0e0e0; padding: 3px 5px; text-align: left;
  vertical-align: top; }
.govsim-table th { background: #fafafa; }
.live-served { background: #66bb6a; } .live-gave_up { background: #ffa726; }
.live-turned_away { background: #e53935; }
.govsim-live-curves svg { margin-right: 12px; }
.govsim-live-hall td.live-bars { white-space: nowrap; }
.govsim-figure-img img, img.govsim-figure-img { max-width: 100%; height: auto; }
.govsim-district-facts p { margin: 0 0 4px 0; font-size: 0.9em; }
.govsim-losers-summary { font-size: 0.9em; }
.govsim-losers tr.verdict-worse td { background: #fbe1e4; }
"""


@solara.component
def Editor():
    """The reforms of the scenario whose card is open."""
    open_id = state.editing.value
    draft = next((d for d in state.drafts.value if d.id == open_id), None)
    if draft is not None:
        ReformControls(draft).key(f"editor-{draft.id}")


@solara.component
def ComparePage():
    """The main tab: the scenarios and their reforms on the left, the run and its results beside
    them on the right (stacked on a narrow screen), so that a planner sees what an edit does
    without scrolling past the controls."""
    current = state.drafts.value
    with solara.ColumnsResponsive(default=[12, 12], large=[5, 7], classes=["govsim-columns"]):
        with solara.Column(
            style={"padding": "8px 8px 8px 16px", "min-width": "0"}, classes=["govsim-controls"]
        ):
            Heading(_("1. Scenarios"))
            Prose(
                _(
                    "<p>The first is the <b>baseline</b>; every other is compared with it, run by run. "
                    "Change the reforms of any of them, or start a new one from it.</p>"
                )
            )
            ScenarioPicker()
            ScenarioCards()
            Editor()
            if len(current) >= 2:
                Heading(_("2. How they differ from the baseline"))
                DifferencesTable(current)
        with solara.Column(
            style={"padding": "8px 16px 8px 8px", "min-width": "0"}, classes=["govsim-outcome"]
        ):
            Heading(_("3. Run"))
            RunPanel()
            LiveView()
            Heading(_("4. Results"))
            ResultsView()


@solara.component
def LanguageSwitch():
    """English / 中文, for the whole page (figures and downloads included)."""
    current = state.language()
    with solara.Row(classes=["govsim-language"], style={"align-items": "center"}):
        for code, name in LANGUAGES.items():
            solara.Button(
                name,
                text=True,
                dark=True,
                disabled=code == current,
                on_click=lambda code=code: state.chosen_language.set(code),
                classes=[f"govsim-lang-{code}"],
            )


@solara.component
def Page():
    solara.Title(_("govsim: community governance reforms"))
    solara.Style(CSS)
    with solara.AppBar():
        solara.AppBarTitle(_("govsim: Changsha community governance reforms, 2003-2014"))
        LanguageSwitch()
    with solara.lab.Tabs():
        with solara.lab.Tab(_("Compare packages of reforms")):
            ComparePage()
        with solara.lab.Tab(_("How much is enough?")), solara.Column(style={"padding": "8px 16px"}):
            HowMuchIsEnough()
        with solara.lab.Tab(_("Timeline 2003 → 2014")), solara.Column(style={"padding": "8px 16px"}):
            TimelineReplay()
        with solara.lab.Tab(_("District")), solara.Column(style={"padding": "8px 16px"}):
            DistrictView()
