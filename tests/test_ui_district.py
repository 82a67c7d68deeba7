"""The District tab (issue 10, item 5), rendered with ``solara.render`` (no browser): the district
files, allocation rules or roll-out plans, the size, what blocks Run, a Run end to end on the
small test district (its numbers are ``compare``'s and ``sim.district.report``'s), the losers'
table and sentences, the figures, and the tab in Chinese with no unmarked English."""

from __future__ import annotations

import re
import time
from pathlib import Path

import ipyvuetify as v
import numpy as np
import pandas as pd
import pytest
import solara
from helpers import ROOT
from test_i18n import _widget_texts, latin_words

from sim.compare import compare
from sim.district.report import LOSS_KPIS, losers_tables
from sim.district.settings import ALLOCATION_RULES, PILOT_RULES
from sim.i18n import translate
from sim.scenario import load_scenario
from sim.ui import district
from sim.ui.components.district_results import losers_html
from sim.ui.components.district_view import DistrictView
from sim.ui.components.kpi_table import kpi_table_html
from sim.ui.config import UiConfig
from sim.ui.labels import kpi_difference, kpi_interval

SMALL = ROOT / "tests" / "data" / "districts"
pytestmark = pytest.mark.usefixtures("ui_pool")


@pytest.fixture
def shipped(tmp_path: Path):
    """The app on the shipped scenarios folder."""
    from sim.ui import state

    state.reset(UiConfig(ROOT / "scenarios", tmp_path / "custom", tmp_path / "data"))
    yield state
    state.reset(UiConfig(ROOT / "scenarios", tmp_path / "custom", tmp_path / "data"))


@pytest.fixture
def small(tmp_path: Path):
    """The app on a folder whose only district file is the small test district (6 communities)."""
    from sim.ui import state

    state.reset(UiConfig(SMALL, tmp_path / "custom", tmp_path / "data"))
    yield state
    state.reset(UiConfig(SMALL, tmp_path / "custom", tmp_path / "data"))


def _render():
    box, rc = solara.render(solara.Column(children=[DistrictView()]), handle_error=False)
    return box, rc


def _checked(rc) -> dict[str, bool]:
    out = {}
    for w in rc.find(v.Checkbox).widgets:
        rule = next(c.removeprefix("govsim-rule-") for c in w.class_.split() if c.startswith("govsim-rule-"))
        out[rule] = bool(w.v_model)
    return out


def _button(rc, cls: str) -> v.Btn:
    return rc.find(v.Btn, class_=cls).widget


def _alerts(rc) -> str:
    return " | ".join(
        " ".join(str(c) for c in w.children if isinstance(c, str)) for w in rc.find(v.Alert).widgets
    )


def _select(rc, label: str, value: str) -> None:
    rc.find(v.Select, label=label).widget.v_model = value


def _run_to_the_end(rc) -> None:
    _button(rc, "govsim-district-run-button").click()
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not district.district_task.finished:
        time.sleep(0.1)
    assert district.district_task.finished, district.district_task.exception
    results = district.last.value
    assert results is not None and results.comparison.names == [p.name for p in district.packages(
        district.entry(district.choice.value).scenario, district.choice.value)]  # fmt: skip
    while time.monotonic() < deadline and not _html(rc, "govsim-losers-summary"):
        time.sleep(0.1)  # the page re-renders after the task's value, in the task's thread


def _html(rc, cls: str) -> list[str]:
    """The inner HTML of every ``solara.HTML`` widget with the class ``cls``."""
    from solara.widgets import HTML

    widgets = rc.find(HTML).widgets
    return [w.unsafe_innerHTML for w in widgets if cls in (w.attributes or {}).get("class", "").split()]


def _images(rc) -> list:
    """The figure images (``solara.Image`` is an ipywidgets Image)."""
    import ipywidgets

    return [w for w in rc.find(ipywidgets.Image).widgets if bytes(w.value)[:8] == b"\x89PNG\r\n\x1a\n"]


def _inner(box) -> str:
    texts: list[str] = []
    _widget_texts(box, texts, set())
    return "\n".join(texts)


# -- choosing ------------------------------------------------------------------------------------


def test_the_picker_lists_the_district_files_and_opens_on_the_demonstration(shipped):
    box, rc = _render()
    picker = rc.find(v.Select, label="District file").widget
    files = {re.search(r"\((\S+\.toml)\)$", item).group(1) for item in picker.items}
    assert files == {p.name for p in (ROOT / "scenarios").glob("district_*.toml")}
    assert picker.v_model.endswith("(district_demo.toml)")
    # The file's rule (per resident) against money by evaluation score, the file's rule first.
    assert _checked(rc) == {r: r in ("per_resident", "by_score") for r in ALLOCATION_RULES}
    assert "Reference (the others are compared with it): Per resident, the file's own rule." in _inner(box)
    assert "24 communities in 4 sub-districts" in _inner(box)
    # No roll-out in the demonstration district: nothing to choose but allocation rules.
    assert not rc.find(v.Select, label="Compare").widgets
    assert not _button(rc, "govsim-district-run-button").disabled


def test_fewer_than_two_rules_block_run_and_more_can_be_compared(shipped):
    _box, rc = _render()
    rc.find(v.Checkbox, class_="govsim-rule govsim-rule-by_score").widget.v_model = False
    assert _button(rc, "govsim-district-run-button").disabled
    assert "Choose at least two rules" in _alerts(rc)
    for rule in ("equal", "by_need"):
        rc.find(v.Checkbox, class_=f"govsim-rule govsim-rule-{rule}").widget.v_model = True
    d = district.entry(district.choice.value).scenario
    pkgs = district.packages(d, district.choice.value)
    # The file's rule is the reference; the others follow in the list's order, named for planners.
    assert [p.settings["allocation"] for p in pkgs] == ["per_resident", "equal", "by_need"]
    assert [p.name for p in pkgs] == ["Per resident", "Equal per community", "By need"]
    assert not _button(rc, "govsim-district-run-button").disabled


def test_a_roll_out_offers_its_plans_and_a_large_district_its_demonstration_size(shipped):
    box, rc = _render()
    files = rc.find(v.Select, label="District file").widget.items
    _select(rc, "District file", next(i for i in files if "district_pilots" in i))
    # 500 communities: warned about (time or memory) and offered the demonstration size.
    assert "500 communities in 25 sub-districts" in _inner(box)
    assert re.search(r"That is long|of memory", _alerts(rc)), _alerts(rc)
    _select(rc, "Compare", "Roll-out plans (which communities pilot first)")
    assert set(_checked(rc)) == set(PILOT_RULES)
    assert _checked(rc) == {"most_in_need": True, "random": True, "best_evaluated": False}
    _button(rc, "govsim-district-demo-size").click()
    assert (district.choice.value.communities, district.choice.value.subdistricts) == (24, 4)
    d = district.entry(district.choice.value).scenario
    pkgs = district.packages(d, district.choice.value)
    assert [(p.count, p.settings["subdistricts"], p.settings["rollout.rule"]) for p in pkgs] == [
        (24, 4, "most_in_need"),
        (24, 4, "random"),
    ]
    assert "govsim-district-demo-size" not in str([w.class_ for w in rc.find(v.Btn).widgets])
    assert not _button(rc, "govsim-district-run-button").disabled


def test_impossible_sizes_and_text_in_a_field_block_the_district_run_only(shipped):
    from sim.ui.components.run_panel import RunPanel

    _box, rc = _render()
    _b2, compare_panel = solara.render(RunPanel(), handle_error=False)
    field = rc.find(v.TextField, label="Paired runs per rule").widget
    field.v_model = "three"
    field.fire_event("focusout")
    assert _button(rc, "govsim-district-run-button").disabled
    assert "Paired runs per rule: a whole number, please" in _alerts(rc)
    assert not compare_panel.find(v.Btn, class_="govsim-run-button").widget.disabled  # the other tab's Run
    field.v_model = "3"
    field.fire_event("focusout")
    district.update(subdistricts=30)
    assert "Sub-districts: from 1 to the number of communities (24); got 30." in _alerts(rc)
    district.update(subdistricts=None, communities=0)
    assert "Communities: from 1 to 5000; got 0." in _alerts(rc)


def test_the_estimate_counts_the_runs_and_their_cost():
    d = load_scenario(ROOT / "scenarios" / "district_demo.toml")
    c = district.DistrictChoice(replications=3, days=365)
    est = district.estimate(d, c, workers=2)
    from sim.budgets import district_cost, run_cost

    one = district_cost([run_cost(m.scenario.params, 365) for m in d.members])
    assert est.runs == 6 and est.seconds == pytest.approx(3 * one.seconds)
    # the interpreter is counted once for the run, not once per community (24 x 200 MB)
    assert est.bytes_each == one.bytes < 24 * 200 * 2**20
    assert district.duration_text(40) == "about 40 s" and district.duration_text(600) == "about 10 min"


# -- losers --------------------------------------------------------------------------------------


def _losers_table(changes: list[float], loses: list[bool]) -> pd.DataFrame:
    n = len(changes)
    t = pd.DataFrame(
        {
            "community": range(n),
            "name": [f"C{i + 1:03d}" for i in range(n)],
            "type": ["old_neighbourhood"] * n,
            "type_label": ["Old neighbourhood"] * n,
            "subdistrict": [1 + i % 3 for i in range(n)],
            "residents": [3000] * n,
            "replications": [3] * n,
            "change": changes,
            "half_width": [0.01] * n,
            "change_low": np.array(changes) - 0.01,
            "change_high": np.array(changes) + 0.01,
            "sure": [True] * n,
            "loses": loses,
        }
    )
    t.attrs["threshold"] = 0.02
    return t


def test_the_losers_table_lists_every_loser_and_at_least_the_five_worst():
    none_lose = _losers_table([-0.01 * i for i in range(8, 0, -1)], [False] * 8)
    html_text = losers_html(none_lose, "service.resolved_share")
    assert html_text.count("<tr data-community") == 5 and 'class="verdict-worse"' not in html_text
    many = _losers_table([-0.1] * 60 + [0.0] * 3, [True] * 60 + [False] * 3)
    html_text = losers_html(many, "service.resolved_share")
    assert html_text.count('data-loses="true"') == 50
    assert "... and 10 more communities that lose." in html_text
    # A share's change reads in percentage points, with its interval.
    kpi = "service.resolved_share"
    cell = f"{kpi_difference(kpi, -0.1)} {kpi_interval(kpi, -0.11, -0.09, difference=True)}"
    assert f"<td>{cell}</td>" in html_text


def test_the_sentence_says_how_many_lose_on_what_under_which_package():
    counts = district.loser_counts({("By evaluation score", "service.resolved_share"): _losers_table(
        [-0.05, -0.03, 0.0, 0.01], [True, True, False, False])})  # fmt: skip
    assert district.losers_sentence(counts[0], "Per resident") == (
        "2 of 4 communities lose on Needs resolved under By evaluation score, against Per resident "
        "(worse by more than 2.0 pp, and sure)."
    )


# -- a run ---------------------------------------------------------------------------------------


def test_run_shows_the_losers_the_figures_and_the_district_table(small):
    """Run, end to end in this process on the small test district (31 days, 2 paired runs): the
    page's numbers are those of compare and sim.district.report run directly."""
    box, rc = _render()
    district.update(days=31, replications=2)
    assert _checked(rc) == {r: r in ("per_resident", "by_score") for r in ALLOCATION_RULES}
    _run_to_the_end(rc)
    results = district.last.value
    assert district.progress.value == (4, 4)
    d = load_scenario(SMALL / "small.toml")
    direct = compare(
        [
            d.with_changes({"district.allocation": "per_resident"}, name="Per resident"),
            d.with_changes({"district.allocation": "by_score"}, name="By evaluation score"),
        ],
        replications=2,
        days=31,
        seed=1,
        workers=1,
    )
    pd.testing.assert_frame_equal(results.comparison.table, direct.table)
    pd.testing.assert_frame_equal(results.comparison.communities, direct.communities)
    # Who loses: a sentence per measure, and the table of the first measure, from losers_tables.
    (summary,) = _html(rc, "govsim-losers-summary")
    assert summary.count("<li") == len(LOSS_KPIS)
    tables = losers_tables(direct)
    want = tables[("By evaluation score", LOSS_KPIS[0])]
    (shown,) = _html(rc, "govsim-losers-box")
    changes = [float(x) for x in re.findall(r'data-change="([^"]+)"', shown)]
    assert changes == list(want["change"].head(len(changes)))
    assert len(changes) == max(min(int(want["loses"].sum()), 50), 5)
    # The figures of the package shown: tiles, by type, change per community.
    assert len(_images(rc)) == 3
    # The district's KPI table with paired intervals: the table component's, in district sections.
    (table,) = _html(rc, "govsim-kpi-table")
    assert table == kpi_table_html(results.comparison, district.table_sections())
    assert 'data-kpi="spread.worst_decile.service.resolved_share"' in table
    # Another measure: its table and figures follow.
    _select(rc, "Measure shown", "Mean wait in the hall queue")
    (shown,) = _html(rc, "govsim-losers-box")
    assert 'data-kpi="service.queue_wait_mean_min"' in shown
    # The reference itself: its tiles and types, no change figure.
    _select(rc, "Package shown", "Per resident")
    assert len(_images(rc)) == 2
    assert "Per resident is the reference" in _inner(box)
    # Changing the choice marks the results as out of date.
    district.update(replications=3)
    assert rc.find(v.Alert, class_="govsim-district-stale").widgets


def test_the_district_tab_in_chinese_shows_no_unmarked_english(small):
    """Issue 11's rule for the new tab: before a run, with every rule and plan shown, and with its
    results (losers, figures, the KPI table), no run of Latin letters but names and paths."""
    from sim.ui import state

    state.chosen_language.set("zh")
    box, rc = _render()
    names = {e.name for e in district.entries()}
    found = {"before a run": latin_words(_inner(box), names)}
    district.update(days=31, replications=2)
    _run_to_the_end(rc)
    c = district.last.value.comparison
    assert c.names == [translate("Per resident", "zh"), translate("By evaluation score", "zh")]
    # Community names (C001...) are the district's identities, like scenario names.
    names |= set(c.communities["name"])
    found["results"] = latin_words(_inner(box), names)
    assert found == {"before a run": set(), "results": set()}
