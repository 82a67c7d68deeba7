"""The web app's controls, tables and state, rendered with ``solara.render`` (no browser).

Each control is driven the way the page drives it (a value set on the widget, then the event the
browser sends), and the tests check what reaches the scenario: the value in the model's units,
the validation message next to the control, and whether Run is allowed.
"""

from __future__ import annotations

import dataclasses
import time
import zlib
from pathlib import Path

import ipyvuetify as v
import numpy as np
import pandas as pd
import pytest
import solara
from helpers import ROOT

from sim.calendar import weekly_mask
from sim.compare import Comparison, compare, comparison_table
from sim.kpis import COMMUNITY_KPIS, KPIS
from sim.scenario import load_scenario
from sim.ui import tasks
from sim.ui.components.differences import differences_html
from sim.ui.components.kpi_table import KpiTable, kpi_table_html
from sim.ui.components.opening_hours import OpeningHoursEditor, compact_days, expand_days
from sim.ui.components.reform_controls import ParamControl
from sim.ui.components.run_panel import RunPanel
from sim.ui.drafts import Draft
from sim.ui.labels import schedule_text, value_text
from sim.ui.runner import comparison_figures, daily_csv, runs_csv, table_csv

SCENARIOS = ROOT / "scenarios"
# The app's warm worker pool, started by a Run, is stopped after the module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("ui_pool")


# -- fixtures ------------------------------------------------------------------------------------


def _texts(rc, widget_type) -> list[str]:
    """The text of every widget of a type (alerts, buttons...), children joined."""
    out = []
    for w in rc.find(widget_type).widgets:
        out.append(" ".join(str(c) for c in w.children if isinstance(c, str)))
    return out


def _button(rc, label: str) -> v.Btn:
    for w in rc.find(v.Btn).widgets:
        if any(isinstance(c, str) and c == label for c in w.children):
            return w
    raise AssertionError(f"no button {label!r}; buttons: {_texts(rc, v.Btn)}")


def _type(rc, label: str, text: str) -> None:
    """Type into a text field and leave it (the page sends the value on focus-out)."""
    field = rc.find(v.TextField, label=label).widget
    field.v_model = text
    field.fire_event("focusout")


def _open_reform(rc, title: str) -> None:
    """Open a reform's card in the editor (cards start closed, showing their values)."""
    slug = "govsim-reform-" + title.casefold().replace(" ", "-").replace("'", "")
    # rc.find does not look inside a match (the reform cards sit inside the editor's card).
    cards = [
        w
        for w in _descendants(rc.find(v.Card, class_="ma-2 govsim-editor").widget)
        if slug in (getattr(w, "class_", "") or "").split()
    ]
    assert cards, f"no reform card {title!r}"
    buttons = [w for w in _descendants(cards[0]) if isinstance(w, v.Btn) and "Change" in w.children]
    buttons[0].click()


def _descendants(widget) -> list:
    out = []
    for child in getattr(widget, "children", []) or []:
        if not isinstance(child, str):
            out.append(child)
            out.extend(_descendants(child))
    return out


def _alerts(rc) -> str:
    return " | ".join(_texts(rc, v.Alert))


def synthetic_comparison(effects: dict[str, float], noise: float = 1.0, n: int = 10) -> Comparison:
    """A comparison built from made-up runs through the real ``comparison_table``: scenario B is
    scenario A plus ``effects[key]`` with paired noise, so verdicts are known in advance.  Each KPI's
    noise comes from a stream keyed by its name, so a KPI added to the model does not redraw the
    others' (and a verdict a test relies on)."""
    a_sc = load_scenario(SCENARIOS / "baseline_2002.toml")
    b_sc = dataclasses.replace(a_sc, name="Package B")
    # A community comparison: the community KPIs.  Shares live in [0, 1]; the rest on a scale of ten.
    scale = {k: 0.05 if KPIS[k].unit == "share" else 1.0 for k in COMMUNITY_KPIS}
    # Per KPI and replication: the noise of scenario A's value, then of B's difference.
    draws = {
        k: np.random.default_rng([7, zlib.crc32(k.encode())]).normal(size=(n, 2)) for k in COMMUNITY_KPIS
    }
    rows = []
    for r in range(n):
        base = {k: (0.5 if scale[k] < 1 else 10.0) + scale[k] * draws[k][r, 0] for k in COMMUNITY_KPIS}
        rows.append({"scenario": a_sc.name, "replication": r, "seed": r, **base})
        rows.append(
            {
                "scenario": b_sc.name,
                "replication": r,
                "seed": r,
                **{
                    k: base[k] + effects.get(k, 0.0) + noise * scale[k] * draws[k][r, 1]
                    for k in COMMUNITY_KPIS
                },
            }
        )
    runs = pd.DataFrame(rows)
    table = comparison_table(runs, [a_sc.name, b_sc.name])
    return Comparison([a_sc, b_sc], list(range(n)), 365, runs, table)


@pytest.fixture(scope="module")
def small_comparison() -> Comparison:
    """A real comparison, small enough to run in this process in a second."""
    return compare(
        [SCENARIOS / "baseline_2002.toml", SCENARIOS / "changsha_2014.toml"],
        replications=2,
        days=30,
        workers=1,
    )


# -- single controls -----------------------------------------------------------------------------


def test_staff_count_control_sends_a_whole_number():
    got = []
    _box, rc = solara.render(ParamControl("staff.count", 6, on_value=got.append), handle_error=False)
    field = rc.find(v.TextField, label="Hired staff").widget
    assert field.v_model == "6"
    assert field.suffix == "staff"
    _type(rc, "Hired staff", "11")
    assert got == [11]


def test_percent_control_shows_percent_and_sends_a_share():
    got = []
    _box, rc = solara.render(
        ParamControl("committee.part_time_share", 0.23, on_value=got.append), handle_error=False
    )
    slider = rc.find(v.Slider).widget
    assert slider.v_model == 23.0
    assert (slider.min, slider.max) == (0.0, 90.0)  # the parameter allows at most 0.9
    label = "Share of part-time members (from enterprises and local units): 23 %"
    assert any(label in w.children for w in rc.find(v.Html, tag="span").widgets)
    slider.v_model = 40.5
    assert got == [0.405]


def test_switch_control_sends_true_or_false():
    got = []
    _box, rc = solara.render(
        ParamControl("departments.classification", False, on_value=got.append), handle_error=False
    )
    switch = rc.find(v.Switch).widget
    assert "four 2003 classes" in switch.label
    switch.v_model = True
    assert got == [True]


def test_budget_control_is_in_yuan_a_year():
    got = []
    _box, rc = solara.render(
        ParamControl("finance.fiscal_yuan_year", 150000.0, on_value=got.append), handle_error=False
    )
    label = "Operating funds from the city and district"
    assert rc.find(v.TextField, label=label).widget.suffix == "yuan/year"
    _type(rc, label, "600000")
    assert got == [600000.0]


def test_office_space_control_in_square_metres():
    got = []
    _box, rc = solara.render(ParamControl("office.area_m2", 300.0, on_value=got.append), handle_error=False)
    assert rc.find(v.TextField, label="Office and service space").widget.suffix == "m²"
    _type(rc, "Office and service space", "700")
    assert got == [700.0]


def test_a_number_field_refuses_text_that_is_not_a_number():
    got = []
    _box, rc = solara.render(ParamControl("staff.count", 6, on_value=got.append), handle_error=False)
    _type(rc, "Hired staff", "eleven")
    field = rc.find(v.TextField, label="Hired staff").widget
    assert got == [] and field.error and field.error_messages == ["a whole number, please"]
    _type(rc, "Hired staff", "1,000")
    assert got == [1000] and not field.error


def test_typing_survives_a_page_update_before_it_is_committed(app):
    """The page re-renders while a run reports progress; a value being typed must not be reset
    to the old one (Solara's own fields lose it), nor reach the scenario before Enter."""
    _box, rc = _page()
    app.editing.set(app.drafts.value[1].id)
    _open_reform(rc, "Staffing")
    field = rc.find(v.TextField, label="Hired staff").widget
    field.v_model = "12"  # typed, not yet committed
    tasks.progress.set((3, 20))
    app.settings.set(dataclasses.replace(app.settings.value, seed=2))
    assert field.v_model == "12"
    assert app.drafts.value[1].value("staff.count") == 11
    field.fire_event("keyup.enter")
    assert app.drafts.value[1].value("staff.count") == 12


def test_a_control_shows_its_error_next_to_it():
    _box, rc = solara.render(
        ParamControl(
            "staff.count", 0, on_value=lambda _: None, error="must be an integer from 1 to 1000, got 0"
        ),
        handle_error=False,
    )
    assert "must be an integer from 1 to 1000, got 0" in _alerts(rc)


# -- opening hours -------------------------------------------------------------------------------


def test_schedule_days_expand_and_compact_back():
    spec = {"weekdays": ["08:00-12:00", "14:30-17:30"], "sat": ["09:00-17:00"]}
    per_day = expand_days(spec)
    assert per_day["wed"] == ["08:00-12:00", "14:30-17:30"]
    assert per_day["sun"] == []
    assert compact_days(per_day) == spec
    assert compact_days({d: ["08:00-20:00"] for d in per_day}) == {"daily": ["08:00-20:00"]}
    # A named day overrides its group, as in scenario files.
    assert expand_days({"weekdays": ["08:00-12:00"], "fri": ["08:00-10:00"]})["fri"] == ["08:00-10:00"]


def _select(rc, aria: str) -> v.Select:
    for w in rc.find(v.Select).widgets:
        if (w.attributes or {}).get("aria-label") == aria:
            return w
    raise AssertionError(f"no select {aria!r}")


def test_opening_hours_editor_changes_one_day_then_copies_it_to_the_week():
    current = {"spec": {"weekdays": ["08:00-12:00", "14:30-17:30"]}}

    @solara.component
    def Holder():
        spec, set_spec = solara.use_state(current["spec"])
        current["spec"] = spec
        OpeningHoursEditor(spec, on_value=set_spec)

    _box, rc = solara.render(Holder(), handle_error=False)
    _select(rc, "Monday period 2 until").v_model = "20:00"
    mask = weekly_mask(current["spec"])
    assert mask[:48].sum() == 8 + 11  # Monday: 08:00-12:00 and 14:30-20:00, in half hours
    assert mask[48:96].sum() == 8 + 6  # Tuesday unchanged
    _button(rc, "Same hours Monday to Friday").click()
    assert current["spec"] == {"weekdays": ["08:00-12:00", "14:30-20:00"]}
    # Open on Saturday: a default period appears, and the week gains it.
    rc.find(v.Checkbox, label="Saturday").widget.v_model = True
    assert current["spec"]["sat"] == ["08:00-12:00"]
    rc.find(v.Checkbox, label="Saturday").widget.v_model = False
    assert "sat" not in current["spec"]


def test_opening_hours_editor_marks_a_period_that_closes_before_it_opens():
    got = []
    _box, rc = solara.render(
        OpeningHoursEditor({"weekdays": ["08:00-12:00"]}, on_value=got.append, error="it closes first"),
        handle_error=False,
    )
    _select(rc, "Wednesday period 1 until").v_model = "07:00"
    assert expand_days(got[-1])["wed"] == ["08:00-07:00"]  # kept as typed, for validation to refuse
    assert "it closes first" in _alerts(rc)


# -- the page: picking, editing, impossible input, saving ----------------------------------------


def _page():
    from sim.ui.app import ComparePage

    return solara.render(ComparePage(), handle_error=False)


def test_page_starts_with_baseline_and_changsha_and_can_run(app):
    _box, rc = _page()
    names = [d.display_name for d in app.drafts.value]
    assert names == ["Baseline 2002", "Changsha 2014"]
    assert not _button(rc, "Run").disabled
    # The at-a-glance differences: staff 6 -> 11, among others.
    (table,) = _html(rc, "govsim-diff")
    assert table == differences_html(app.drafts.value)
    row = table.split('<tr data-key="staff.count">')[1].split("</tr>")[0]
    assert "Hired staff" in row and '<td class="same">6 staff</td>' in row
    assert '<td class="changed">11 staff</td>' in row


def test_picking_a_scenario_from_the_folder_adds_its_card(app):
    _box, rc = _page()
    picker = rc.find(v.Select, label="Add a scenario from the scenarios folder").widget
    shown = [i["value"] for i in picker.items if "value" in i]
    assert "scenarios/reforms/one_stop.toml" in shown
    assert "scenarios/timeline_2003_2014.toml" not in shown  # the replay has its own tab
    picker.v_model = "scenarios/reforms/one_stop.toml"
    _button(rc, "Add to the comparison").click()
    assert [d.display_name for d in app.drafts.value][-1] == "One-stop service"
    assert any("One-stop service" in t for t in _texts(rc, v.CardTitle))


def test_zero_staff_shows_the_message_at_the_control_and_blocks_run(app):
    _box, rc = _page()
    changsha = app.drafts.value[1]
    app.editing.set(changsha.id)
    _open_reform(rc, "Staffing")
    _type(rc, "Hired staff", "0")
    assert app.drafts.value[1].edits == {"staff.count": 0}
    assert "must be an integer from 1 to 1000, got 0" in _alerts(rc)
    assert _button(rc, "Run").disabled
    assert not [b for b in rc.find(v.Btn).widgets if "Done" in b.children]  # stays open while wrong
    _type(rc, "Hired staff", "8")
    assert app.drafts.value[1].display_name == "Changsha 2014 (edited)"
    assert "must be an integer" not in _alerts(rc)
    assert not _button(rc, "Run").disabled
    # Closed again, the card shows its values.
    _button(rc, "Done").click()
    assert not rc.find(v.TextField, label="Hired staff").widgets
    assert any("Hired staff: <b>8 staff</b>" in h for h in _html(rc, "govsim") + _html(rc, "<li>"))


def test_access_strictness_without_classification_is_refused(app):
    _box, rc = _page()
    app.editing.set(app.drafts.value[1].id)
    _open_reform(rc, "Function classification")
    rc.find(v.Switch, label="Functions sorted into the four 2003 classes").widget.v_model = False
    assert "needs 'Functions sorted into the four 2003 classes' on" in _alerts(rc)
    assert _button(rc, "Run").disabled
    # Either fix works: strictness back to zero ...
    app.set_value(app.drafts.value[1].id, "departments.access_strictness", 0.0)
    assert not _button(rc, "Run").disabled


def test_closing_before_opening_is_refused(app):
    _box, rc = _page()
    app.editing.set(app.drafts.value[1].id)
    _open_reform(rc, "Staggered working hours")
    _select(rc, "Monday period 1 until").v_model = "07:00"
    assert "must run forwards within one day" in _alerts(rc)
    assert _button(rc, "Run").disabled


def test_a_hall_that_never_opens_is_refused(app):
    app.set_value(app.drafts.value[0].id, "service.opening", {})
    problems = app.blocking_problems(app.drafts.value)
    assert problems == ["Baseline 2002 (edited): Opening hours of the service hall: the hall is never open"]


def test_new_from_a_scenario_copies_it_and_opens_its_controls(app):
    _box, rc = _page()
    app.set_value(app.drafts.value[1].id, "staff.count", 9)
    new_from = [b for b in rc.find(v.Btn).widgets if "New from this" in b.children]
    new_from[1].click()
    drafts = app.drafts.value
    assert [d.display_name for d in drafts] == [
        "Baseline 2002",
        "Changsha 2014 (edited)",
        "Changsha 2014 (edited) - variant",
    ]
    assert drafts[2].value("staff.count") == 9 and not drafts[2].edits
    assert app.editing.value == drafts[2].id
    _type(rc, "Name", "Evening hall")
    assert app.drafts.value[2].display_name == "Evening hall"


def test_two_scenarios_with_one_name_block_run(app):
    first = app.drafts.value[0]
    app.update(app.drafts.value[1].with_name(first.display_name))
    assert any("already called 'Baseline 2002'" in p for p in app.blocking_problems(app.drafts.value))


def test_save_writes_toml_that_the_command_line_accepts(app, tmp_path):
    from sim.cli import main as govsim_main

    _box, rc = _page()
    draft = app.drafts.value[1]
    app.set_value(draft.id, "staff.count", 8)
    app.editing.set(draft.id)
    save = [b for b in rc.find(v.Btn).widgets if any("Save as TOML" in str(c) for c in b.children)]
    save[0].click()
    path = Path(app.saved.value[draft.id])
    assert path.parent == tmp_path / "custom" and path.exists()
    assert govsim_main(["validate", str(path)]) == 0
    back = load_scenario(path)
    assert back.name == "Changsha 2014 (edited)" and back["staff.count"] == 8
    assert back.content_hash() == app.drafts.value[1].scenario().content_hash()
    assert any(str(path) in t for t in _texts(rc, v.Alert))
    # The saved file is offered in the picker from now on.
    picker = rc.find(v.Select, label="Add a scenario from the scenarios folder").widget
    assert any(i.get("value", "").endswith(path.name) for i in picker.items)


def test_save_is_refused_for_an_impossible_scenario(app):
    draft = app.drafts.value[1]
    app.set_value(draft.id, "staff.count", 0)
    assert app.save(draft.id) is None
    assert "must be an integer" in app.save_errors.value[draft.id]
    assert not (app.config.value.save_dir).exists()


# -- run panel -----------------------------------------------------------------------------------


def test_run_panel_needs_two_scenarios(app):
    app.remove(app.drafts.value[1].id)
    _box, rc = solara.render(RunPanel(), handle_error=False)
    assert _button(rc, "Run").disabled
    assert "Pick at least two scenarios" in _alerts(rc)


def test_run_panel_needs_two_replications(app):
    _box, rc = solara.render(RunPanel(), handle_error=False)
    _type(rc, "Paired runs per scenario", "1")
    assert app.settings.value.replications == 1
    assert _button(rc, "Run").disabled
    assert "from 2 to 200" in _alerts(rc)


def test_run_shows_progress_then_the_table_and_figures(app):
    """The Run button, end to end in this process: the background task runs compare on the warm
    pool and the results view fills in (the browser test does the same with the real server)."""
    from sim.ui.components.results_view import ResultsView

    app.settings.set(dataclasses.replace(app.settings.value, replications=2, days=20))
    _box, rc = solara.render(solara.Column(children=[RunPanel(), ResultsView()]), handle_error=False)
    _button(rc, "Run").click()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not tasks.run_task.finished:
        time.sleep(0.1)
    assert tasks.run_task.finished, tasks.run_task.exception
    results = tasks.run_task.latest
    assert results.figures_done and len(results.figures) == 6
    assert tasks.progress.value == (4, 4)
    expected = compare(
        [d.scenario() for d in app.drafts.value], replications=2, days=20, seed=1, workers=1
    ).table
    pd.testing.assert_frame_equal(results.comparison.table, expected)
    (table,) = _html(rc, "govsim-kpis")
    assert table == kpi_table_html(results.comparison)
    assert len(_images(rc)) == 6


# -- KPI table -----------------------------------------------------------------------------------


def test_kpi_table_colours_better_worse_and_unsure():
    c = synthetic_comparison(
        {
            "service.queue_wait_mean_min": -3.0,  # lower is better: better
            "staff.overtime_h_per_staff": +3.0,  # lower is better: worse
            "service.resolved_share": 0.0,  # no effect: not sure
        },
        noise=0.5,
    )
    html = kpi_table_html(c)
    cell = _cell(html, "service.queue_wait_mean_min", "diff")
    assert 'data-verdict="better"' in cell and "verdict-better" in cell and "better" in cell
    cell = _cell(html, "staff.overtime_h_per_staff", "diff")
    assert 'data-verdict="worse"' in cell and "worse" in cell
    cell = _cell(html, "service.resolved_share", "diff")
    assert 'data-verdict="unsure"' in cell and "not sure" in cell
    cell = _cell(html, "tasks.turned_back", "diff")  # no direction: no colour
    assert "verdict-none" in cell


def _cell(html: str, kpi: str, kind: str) -> str:
    row = html.split(f'<tr data-kpi="{kpi}">')[1].split("</tr>")[0]
    return [c for c in row.split("<td") if c.startswith(f' class="{kind}')][-1]


def test_kpi_table_shows_the_comparison_numbers():
    c = synthetic_comparison({"service.queue_wait_mean_min": -3.0})
    html = kpi_table_html(c)
    rows = c.kpi("service.queue_wait_mean_min")
    b = rows.loc["Package B"]
    cell = _cell(html, "service.queue_wait_mean_min", "diff")
    assert f'data-diff="{float(b["diff"])!r}"' in cell
    assert f"{b['diff']:+.2f}".replace("-", "−") in cell
    assert f"[{b['diff_low']:+.2f}, {b['diff_high']:+.2f}]".replace("-", "−") in cell
    value = _cell(html, "service.queue_wait_mean_min", "value")
    assert f'data-mean="{float(b["mean"])!r}"' in value
    # Shares in %, their differences in percentage points.
    share = c.kpi("service.resolved_share").loc["Package B"]
    assert f'<span class="mean">{100 * share["mean"]:.1f}</span>' in _cell(
        html, "service.resolved_share", "value"
    )
    diff = _cell(html, "service.resolved_share", "diff")
    assert f'<span class="mean">{100 * share["diff"]:+.1f}</span>'.replace("-", "−") in diff
    assert "verify." not in html  # model checks are not for planners
    assert "Who gains" in html and "Commuting workers" in html


def test_kpi_table_component_renders_the_table(small_comparison):
    _box, rc = solara.render(KpiTable(small_comparison), handle_error=False)
    (table,) = _html(rc, "govsim-kpis")
    assert table == kpi_table_html(small_comparison)
    assert 'data-replications="2"' in table
    assert "Changsha 2014<br><small>− baseline" in table


def test_cost_beside_every_gain_in_the_comparison_view():
    """Issue 11 item 6 (issue 9 item 6): the page shows what ``govsim compare`` prints, from the
    same code (sim.value): each package's extra spending over the run with its 95 % interval, and
    beside each gain that is sure and big enough to matter, what one unit of it costs - in the
    table of its own and under the difference in the KPI table."""
    import re

    from sim import i18n
    from sim.ui.components.value_view import value_html
    from sim.value import value_for_money

    gains = {"service.resolved_share": 0.2, "service.queue_wait_mean_min": -3.0}
    c = synthetic_comparison({**gains, "finance.spending_yuan": 50.0, "residents.trust_mean": 0.001})
    expected = value_for_money(c)
    priced = expected[expected["kpi"] != ""]
    assert set(priced["kpi"]) == set(gains)  # a negligible change is not priced as a gain
    html = value_html(c)
    row = re.search(
        r'<tr data-scenario="Package B" data-extra="([^"]+)" data-low="([^"]+)" data-high="([^"]+)"', html
    )
    assert row is not None, html
    spend = c.kpi("finance.spending_yuan").loc["Package B"]
    assert [float(x) for x in row.groups()] == [spend["diff"], spend["diff_low"], spend["diff_high"]]
    table = kpi_table_html(c)
    for g in priced.itertuples():
        assert f'data-kpi="{g.kpi}" data-yuan-per-unit="{g.yuan_per_unit!r}"' in html
        assert f'data-yuan-per-unit="{g.yuan_per_unit!r}"' in _cell(table, g.kpi, "diff")  # beside the gain
    share = priced[priced["kpi"] == "service.resolved_share"].iloc[0]
    assert share["yuan_per_unit"] == spend["diff"] / (
        100 * c.kpi("service.resolved_share").loc["Package B"]["diff"]
    )
    assert f"{share['yuan_per_unit']:,.0f} yuan spent per percentage point better" in html
    assert "yuan per" not in _cell(table, "residents.trust_mean", "diff")
    with i18n.language("zh"):
        assert f"每改善1个百分点花费{share['yuan_per_unit']:,.0f}元" in value_html(c)
    # The component shows it below the KPI table.
    _box, rc = solara.render(KpiTable(c), handle_error=False)
    assert _html(rc, "govsim-value-table") == [html]


def _html(rc, marker: str) -> list[str]:
    """The inner HTML of every ``solara.HTML`` widget that contains ``marker``."""
    from solara.widgets import HTML

    return [w.unsafe_innerHTML for w in rc.find(HTML).widgets if marker in (w.unsafe_innerHTML or "")]


def _images(rc) -> list:
    """The figure images (``solara.Image`` is an ipywidgets Image)."""
    import ipywidgets

    return [w for w in rc.find(ipywidgets.Image).widgets if bytes(w.value)[:4] == b"\x89PNG"]


# -- figures and files ---------------------------------------------------------------------------


def test_figures_are_pngs_of_each_kind(small_comparison):
    images = list(comparison_figures(small_comparison, ("wait_mean_min", "admin_h")))
    keys = [i.key for i in images]
    assert keys == [
        "daily-wait_mean_min",
        "daily-admin_h",
        "staff-time",
        "participation",
        "who-gains",
        "effects",
    ]
    for image in images:
        assert image.error is None, image.error
        assert image.png is not None and image.png[:8] == b"\x89PNG\r\n\x1a\n" and len(image.png) > 5000


def test_csv_downloads_hold_the_comparison(small_comparison):
    from sim.ui.runner import TABLE_HEADERS

    table = pd.read_csv(pd.io.common.BytesIO(table_csv(small_comparison)))
    want = [TABLE_HEADERS[c] for c in small_comparison.table.columns]
    assert list(table.columns) == [want[0], "unit", *want[1:]]
    assert len(table) == len(small_comparison.table)
    assert "Needs resolved" in set(table["measure"]) and not table["measure"].str.contains(r"\.").any()
    runs = pd.read_csv(pd.io.common.BytesIO(runs_csv(small_comparison)))
    assert len(runs) == 4
    daily = pd.read_csv(pd.io.common.BytesIO(daily_csv(small_comparison)))
    assert len(daily) == 2 * 2 * 30


# -- words ---------------------------------------------------------------------------------------


def test_values_read_in_the_planners_units():
    assert schedule_text({"weekdays": ["08:00-20:00"], "sat": ["09:00-17:00"]}) == (
        "Mon-Fri 08:00-20:00; Sat 09:00-17:00"
    )
    assert schedule_text({}) == "closed all week"
    assert value_text("committee.part_time_share", 0.23) == "23 %"
    assert value_text("finance.fiscal_yuan_year", 600000.0) == "600,000 yuan/year"
    assert value_text("office.area_m2", 700.0) == "700 m²"
    assert value_text("service.one_stop", True) == "yes"


def test_draft_keeps_an_impossible_value_and_drops_an_edit_set_back():
    sc = load_scenario(SCENARIOS / "changsha_2014.toml")
    d = Draft.from_scenario(sc, "test").with_value("staff.count", 0)
    assert d.value("staff.count") == 0
    assert set(d.problems()) == {"staff.count"}
    d = d.with_value("staff.count", 11)
    assert d.edits == {} and d.display_name == "Changsha 2014"


# -- the command ---------------------------------------------------------------------------------


def test_ui_command_refuses_impossible_options_without_a_traceback(tmp_path):
    import socket

    from helpers import govsim

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = govsim("ui", "--port", str(port))
    assert r.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in r.stderr and "Traceback" not in r.stderr
    r = govsim("ui", "--scenarios", str(tmp_path / "missing"))
    assert r.returncode == 2 and "no scenarios folder" in r.stderr and "Traceback" not in r.stderr
    r = govsim("ui", "--port", "70000")
    assert r.returncode == 2 and "a port is from 0 to 65535" in r.stderr


def test_ui_command_serves_offline_by_default():
    from sim.ui.cli import DEFAULT_HOST, offline_environment

    assert DEFAULT_HOST == "127.0.0.1"
    env = offline_environment(SCENARIOS, SCENARIOS / "custom", None)
    assert env["SOLARA_ASSETS_PROXY"] == "True"  # assets from solara-assets, not a CDN
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
