"""Issue 11: the defects a planner met in the web app, each driven as the page drives it
(``solara.render``, no browser), and each failing on the code before the fix."""

from __future__ import annotations

import ipyvuetify as v
import pytest
import solara
from helpers import ROOT
from test_ui_widgets import _alerts, _button, _open_reform, _texts, _type

from sim.ui import tasks
from sim.ui.config import UiConfig

SCENARIOS = ROOT / "scenarios"
# The app's warm worker pool, started by a Run, is stopped after the module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("ui_pool")


def _page():
    from sim.ui.app import ComparePage

    return solara.render(ComparePage(), handle_error=False)


# -- defect 1: text in a number field blocks Run -------------------------------------------------


def test_text_in_the_paired_runs_field_blocks_run_until_fixed(app):
    _box, rc = _page()
    assert not _button(rc, "Run").disabled
    _type(rc, "Paired runs per scenario", "three")
    assert app.settings.value.replications == 10  # the scenario never saw the text ...
    assert _button(rc, "Run").disabled  # ... so Run must not silently use the old number
    assert "Paired runs per scenario: a whole number, please" in _alerts(rc)
    _type(rc, "Paired runs per scenario", "3")
    assert app.settings.value.replications == 3
    assert not _button(rc, "Run").disabled


@pytest.mark.parametrize("typed", ["ten", "7.5"])
def test_staff_that_is_not_a_whole_number_blocks_run(app, typed):
    _box, rc = _page()
    app.editing.set(app.drafts.value[1].id)
    _open_reform(rc, "Staffing")
    _type(rc, "Hired staff", typed)
    assert app.drafts.value[1].value("staff.count") == 11
    assert _button(rc, "Run").disabled
    assert "Hired staff: a whole number, please" in _alerts(rc)
    # Closing the editor puts the field away: the card's value (11) is what runs, and it is shown.
    app.editing.set(None)
    assert not _button(rc, "Run").disabled


# -- defect 2: saving never overwrites another tab's file silently -------------------------------


def _plan_b(app, staff: int):
    """A card started from Baseline 2002 with "New from this", named Plan B, with ``staff``."""
    app.start_new_from(app.drafts.value[0].id)
    new = app.drafts.value[1]
    app.update(new.with_name("Plan B"))
    app.set_value(new.id, "staff.count", staff)
    return new.id


def test_a_second_tab_cannot_overwrite_the_first_tabs_file(app, tmp_path):
    from sim.scenario import load_scenario

    tab_a = _plan_b(app, 5)
    path = app.save(tab_a)
    assert path is not None and load_scenario(path)["staff.count"] == 5
    # Tab B: another session of the same server (its own cards), same folder, same name.
    a_saved = dict(app.saved.value)
    app.reset(UiConfig(SCENARIOS, tmp_path / "custom"))
    tab_b = _plan_b(app, 8)
    assert app.save(tab_b) is None
    assert "already holds a scenario called 'Plan B'" in app.save_errors.value[tab_b] or (
        "is already called 'Plan B'" in app.save_errors.value[tab_b]
    )
    assert load_scenario(path)["staff.count"] == 5  # tab A's file is untouched
    assert a_saved[tab_a] == str(path)


def test_saving_again_from_the_same_card_replaces_its_own_file(app):
    from sim.scenario import load_scenario

    card = _plan_b(app, 5)
    path = app.save(card)
    app.set_value(card, "staff.count", 7)
    assert app.save(card) == path and load_scenario(path)["staff.count"] == 7


def test_a_file_changed_on_disk_since_this_card_saved_it_is_not_overwritten(app):
    from sim.ui import library

    card = _plan_b(app, 5)
    path = app.save(card)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("count = 5", "count = 6"), encoding="utf-8")  # someone else's edit
    app.set_value(card, "staff.count", 7)
    assert app.save(card) is None
    assert "changed since this page saved it" in app.save_errors.value[card]
    assert "count = 6" in path.read_text(encoding="utf-8")
    # The library function alone refuses too (a race between the check and the write).
    with pytest.raises(library.SaveConflict):
        library.save_scenario(app.drafts.value[1].scenario(), path.parent, {})


def test_saving_over_a_file_tab_b_loaded_works_while_unchanged(app):
    card = _plan_b(app, 5)
    path = app.save(card)
    entry = next(e for e in app.library_entries() if e.path == path)
    app.reset(app.config.value)
    app.add_from_library(entry)
    loaded = app.drafts.value[-1]
    app.set_value(loaded.id, "staff.count", 9)
    app.update(app.drafts.value[-1].with_name("Plan B"))
    assert app.save(loaded.id) == path


# -- defect 6: duplicate names at the Name field, Save off ----------------------------------------


def _name_field_errors(rc) -> list[str]:
    field = rc.find(v.TextField, label="Name").widget
    return list(field.error_messages or [])


def _save_button(rc):
    return next(b for b in rc.find(v.Btn).widgets if any("Save as TOML" in str(c) for c in b.children))


def test_a_name_taken_by_another_card_is_flagged_at_the_name_field_and_save_is_off(app):
    _box, rc = _page()
    app.editing.set(app.drafts.value[1].id)
    _type(rc, "Name", "Baseline 2002")
    assert any("already called 'Baseline 2002'" in e for e in _name_field_errors(rc))
    assert _save_button(rc).disabled
    assert _button(rc, "Run").disabled


def test_an_unedited_file_scenario_cannot_be_saved_again(app):
    _box, rc = _page()
    app.editing.set(app.drafts.value[1].id)
    assert _save_button(rc).disabled
    assert any("Nothing changed from" in t for t in _all_text(rc))
    app.save(app.drafts.value[1].id)
    assert not app.config.value.save_dir.exists()  # the picker does not list Changsha 2014 twice


def test_an_edited_card_named_like_a_scenario_file_is_flagged(app):
    _box, rc = _page()
    card = app.drafts.value[1]
    app.set_value(card.id, "staff.count", 8)
    app.editing.set(card.id)
    _type(rc, "Name", "Changsha 2014")
    assert any("scenarios/changsha_2014.toml is already called" in e for e in _name_field_errors(rc))
    assert _save_button(rc).disabled


def _all_text(rc) -> list[str]:
    import ipyvue

    return _texts(rc, ipyvue.Html) + _texts(rc, v.Alert)


# -- defect 7: Stop without results, description of a copy, saved first ------------------------


def test_stop_before_any_run_finished_says_there_are_no_results(app):
    from sim.ui.components.run_panel import RunPanel

    _box, rc = solara.render(RunPanel(), handle_error=False)
    app.settings.set(app.settings.value.__class__(replications=50, days=365, seed=1))
    _button(rc, "Run").click()
    tasks.stop_run()
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _alerts(rc):
        time.sleep(0.05)
    assert tasks.run_task.cancelled
    alerts = _alerts(rc)
    assert "Stopped before any run finished: there are no results yet." in alerts
    assert "last finished run" not in alerts


def test_new_from_baseline_then_reforms_does_not_keep_the_baselines_description(app):
    base = app.drafts.value[0]
    app.start_new_from(base.id)
    copy = app.drafts.value[1]
    assert copy.shown_description == base.shown_description  # nothing changed yet: still true
    app.set_value(copy.id, "staff.count", 11)
    sc = app.drafts.value[1].scenario()
    assert sc.description != base.shown_description
    assert sc.description.startswith("Started from Baseline 2002; changed: Hired staff 11 staff")


def test_saved_scenarios_come_first_in_the_picker(app):
    card = _plan_b(app, 5)
    app.save(card)
    _box, rc = _page()
    picker = rc.find(v.Select, label="Add a scenario from the scenarios folder").widget
    assert picker.items[0] == {"header": "Saved by planners"}
    assert picker.items[1]["text"].startswith("Plan B")


# -- defect 8: wording, the banner, the help text, the opening-hours day -----------------------


def test_one_meeting_reads_singular():
    from sim.ui.labels import unit_for, value_text

    key = "burden.meetings_per_week"
    assert value_text(key, 1) == "1 meeting/week"
    assert value_text(key, 2) == "2 meetings/week"
    assert unit_for(1, "staff-hours/week") == "staff-hour/week"
    assert unit_for(1, "staff") == "staff" and unit_for(1, "yuan/year") == "yuan/year"


def test_no_relative_change_beside_a_value_that_reads_zero():
    from test_ui_widgets import synthetic_comparison

    from sim.ui.components.kpi_table import kpi_table_html

    c = synthetic_comparison({"service.pending_share": 0.0})
    t = c.table
    key = "service.pending_share"
    # A baseline of 0.0004 reads "0.0 %": a relative change of +129 % beside it means nothing.
    t.loc[(t.kpi == key) & (t.scenario == c.names[0]), "mean"] = 0.0004
    t.loc[(t.kpi == key) & (t.scenario == c.names[1]), ["diff", "relative_change"]] = [0.0005, 1.29]
    row = kpi_table_html(c).split(f'<tr data-kpi="{key}">')[1].split("</tr>")[0]
    assert "%)" not in row.split('class="diff')[1]
    # A real relative change still shows.
    other = "service.resolved_share"
    t.loc[(t.kpi == other) & (t.scenario == c.names[1]), ["diff", "relative_change"]] = [0.1, 0.2]
    row = kpi_table_html(c).split(f'<tr data-kpi="{other}">')[1].split("</tr>")[0]
    assert "(+20 %)" in row


def test_a_period_that_closes_before_it_opens_names_its_day(app):
    card = app.drafts.value[1]
    app.set_value(card.id, "service.opening", {"weekdays": ["08:00-17:00"], "sat": ["09:00-08:00"]})
    message = app.drafts.value[1].problems()["service.opening"]
    assert message.startswith("Saturday: ") and "09:00-08:00" in message


def test_the_solara_banner_is_switched_off(monkeypatch):
    from solara.server.settings import ThemeSettings

    from sim.ui.cli import offline_environment

    env = offline_environment(SCENARIOS, SCENARIOS / "custom", None)
    for k, val in env.items():
        monkeypatch.setenv(k, val)
    assert ThemeSettings().show_banner is False  # how Solara reads it at start


def test_compare_help_prints_a_plain_percent(capsys):
    from sim.cli import main

    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    out = capsys.readouterr().out
    assert "%%" not in out and "95 % interval" in out


# -- defect 4: no model key in front of a planner --------------------------------------------------

_KEY = __import__("re").compile(r"\b[a-z]+\.[a-z_]+\b|\b[a-z]+_(?:min|h|ytd|yuan|share|total)\b")


@pytest.fixture(scope="module")
def real_comparison():
    from sim.compare import compare

    return compare(
        [SCENARIOS / "baseline_2002.toml", SCENARIOS / "changsha_2014.toml"],
        replications=2,
        days=20,
        workers=1,
    )


def _figure_texts(fig) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def test_figures_name_measures_in_plain_words(real_comparison):
    from sim import figures

    c = real_comparison
    made = [
        figures.daily_bands(c, "wait_mean_min"),
        figures.daily_bands(c, "admin_h"),
        figures.forest(c),
        figures.timeline_replay(c.daily, ["wait_mean_min", "admin_h", "participation_ytd"]),
    ]
    texts = [t for f in made for t in _figure_texts(f)]
    assert "Mean wait in the hall queue" in texts  # the effects figure's axis
    keys = [t for t in texts if _KEY.search(t)]
    assert keys == []


def test_downloads_name_columns_in_plain_words(real_comparison):
    import io

    import pandas as pd

    from sim.ui.runner import daily_csv, runs_csv, table_csv

    for data in (table_csv(real_comparison), runs_csv(real_comparison), daily_csv(real_comparison)):
        frame = pd.read_csv(io.BytesIO(data))
        assert [c for c in frame.columns if _KEY.search(c)] == []
    runs = pd.read_csv(io.BytesIO(runs_csv(real_comparison)))
    assert "Mean wait in the hall queue (min)" in runs.columns


def test_every_measure_in_the_table_has_a_section():
    from test_ui_widgets import synthetic_comparison

    from sim.ui.components.kpi_table import kpi_table_html

    assert "Other measures" not in kpi_table_html(synthetic_comparison({}))


# -- defect 9: "better" only when sure and big enough ------------------------------------------


def test_the_app_calls_a_sure_but_trivial_change_negligible():
    from test_ui_widgets import _cell, synthetic_comparison

    from sim.ui.components.kpi_table import kpi_table_html, legend_html

    # Participation +0.1 pp and trust +0.003 with almost no paired noise: sure, and trivial.
    c = synthetic_comparison(
        {
            "governance.participation_rate": 0.001,
            "residents.trust_mean": 0.003,
            "service.queue_wait_mean_min": -3,
        },
        noise=0.001,
    )
    html = kpi_table_html(c)
    for key in ("governance.participation_rate", "residents.trust_mean"):
        cell = _cell(html, key, "diff")
        assert 'data-verdict="negligible"' in cell and "verdict-negligible" in cell, key
        assert "better" not in cell
    assert 'title="matters from 2.0 pp"' in _cell(html, "governance.participation_rate", "diff")
    assert 'data-verdict="better"' in _cell(html, "service.queue_wait_mean_min", "diff")
    assert "negligible: sure, but too small to matter" in legend_html()


# -- defect 3: Chinese text in figures ------------------------------------------------------------

CHINESE = "长沙 一站式服务 2014：职能分类、准入制、权随责走、费随事转、减负增效、网格化、错时工作、兼职委员"


def _glyph_warnings(draw) -> list[str]:
    import io
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw().savefig(io.BytesIO(), format="png")
    return [str(w.message) for w in caught if "Glyph" in str(w.message)]


def test_figures_draw_chinese_without_missing_glyphs(real_comparison):
    import dataclasses

    from matplotlib.figure import Figure

    from sim import figures

    c = real_comparison
    renamed = dataclasses.replace(
        c, scenarios=[c.scenarios[0], dataclasses.replace(c.scenarios[1], name=CHINESE)]
    )
    renamed.runs = c.runs.replace({c.names[1]: CHINESE})
    renamed.table = c.table.replace({c.names[1]: CHINESE})
    renamed.daily = c.daily.replace({c.names[1]: CHINESE})
    assert _glyph_warnings(lambda: figures.daily_bands(renamed, "wait_mean_min")) == []
    assert _glyph_warnings(lambda: figures.forest(renamed)) == []

    # The check can fail: the same text in DejaVu Sans alone (matplotlib's default) warns.
    def dejavu_only() -> Figure:
        fig = Figure()
        fig.add_subplot().set_title(CHINESE, family="DejaVu Sans")
        return fig

    assert _glyph_warnings(dejavu_only)


def test_the_cjk_font_comes_with_the_install_and_is_small():
    from sim.figures import CJK_FONT, cjk_font_path

    path = cjk_font_path()
    assert path.is_file() and path.stat().st_size < 10_000_000  # 5 MB, not a 20 MB font family
    from matplotlib import font_manager

    assert any(f.name == CJK_FONT and f.fname == str(path) for f in font_manager.fontManager.ttflist)
