""" "How much is enough?" (issue 11, item 3): one lever over a range against the baseline.

The logic (:mod:`sim.ui.how_much`) on hand-made runs, the experiment it hands to ``sim.sweep``,
and the page's part end to end with ``solara.render`` (the browser test is in
``test_ui_enough_browser.py``).
"""

from __future__ import annotations

import time
from pathlib import Path

import ipyvuetify as v
import numpy as np
import pandas as pd
import pytest
import solara
from helpers import ROOT

from sim import experiment_from_mapping, sweep
from sim.calendar import day_intervals, weekly_mask
from sim.scenario import load_scenario
from sim.ui import state, tasks
from sim.ui.components.enough import HowMuchIsEnough
from sim.ui.config import UiConfig
from sim.ui.how_much import (
    BASELINE_LABEL,
    COST_KPI,
    MET,
    NOT_MET,
    UNSURE,
    Question,
    experiment_doc,
    judge,
    point_label,
    store_path,
)
from sim.ui.how_much_answer import answer_figure, sentence
from sim.ui.levers import (
    AT_LEAST,
    DEFAULT_GOALS,
    LEVERS,
    Goal,
    evening_schedule,
    lever_values,
    range_problems,
)

SCENARIOS = ROOT / "scenarios"
WAIT = "service.daytime_wait_mean_min"
COMMUTERS = "access.resolved_share.commuter"


@pytest.fixture(scope="module")
def pair():
    return load_scenario(SCENARIOS / "baseline_2002.toml"), load_scenario(SCENARIOS / "changsha_2014.toml")


# -- the question ----------------------------------------------------------------------------------


def test_lever_values_are_rounded_as_the_lever_needs() -> None:
    assert lever_values(LEVERS["staff.count"], 6, 14, 5) == (6, 8, 10, 12, 14)
    assert lever_values(LEVERS["staff.count"], 6, 8, 5) == (6, 7, 8)  # no repeats after rounding
    assert lever_values(LEVERS["evening"], 17.5, 21, 8) == (17.5, 18.0, 18.5, 19.0, 19.5, 20.0, 20.5, 21.0)
    assert lever_values(LEVERS["evening"], 17.5, 19, 3) == (17.5, 18.0, 19.0)  # 18.25 -> half hour


def test_impossible_ranges_are_refused() -> None:
    staff = LEVERS["staff.count"]
    assert range_problems(staff, 6, 14, 5) == []
    assert any("outside" in p for p in range_problems(staff, 0, 14, 5))
    assert any("smaller to a larger" in p for p in range_problems(staff, 14, 6, 5))
    assert any("from 2 to" in p for p in range_problems(staff, 6, 14, 1))
    assert range_problems(LEVERS["departments.access_strictness"], 0, 1.2, 3)


def test_evening_hours_extend_each_open_weekday_from_its_last_opening() -> None:
    office = {"weekdays": ["08:00-12:00", "14:30-17:30"], "wed": [], "sat": ["09:00-12:00"]}
    days = day_intervals(weekly_mask(evening_schedule(office, 19.5)))
    assert days["mon"] == ["08:00-12:00", "14:30-19:30"] == days["fri"]
    assert days["wed"] == []  # closed stays closed
    assert days["sat"] == ["09:00-12:00"]  # the weekend is not a weekday evening
    late = {"weekdays": ["08:00-21:00"]}
    assert day_intervals(weekly_mask(evening_schedule(late, 19.0)))["mon"] == [
        "08:00-21:00"
    ]  # never shortened


def test_the_question_is_an_experiment_with_the_baseline_first(pair) -> None:
    before, after = pair
    q = Question(before, after, "staff.count", (6, 10), DEFAULT_GOALS, replications=3, days=30, seed=4)
    exp = experiment_from_mapping(experiment_doc(q))
    (factor,) = exp.factors
    assert factor.key == "scenario" and factor.labels == (BASELINE_LABEL, "staff.count=6", "staff.count=10")
    assert factor.values[0].content_hash() == before.content_hash()
    assert [s.params["staff.count"] for s in factor.values[1:]] == [6, 10]
    assert {WAIT, COMMUTERS, COST_KPI} <= set(exp.kpis)
    assert (exp.replications, exp.days, exp.seed) == (3, 30, 4)


def test_the_store_is_named_after_the_question_not_the_number_of_runs(pair, tmp_path) -> None:
    before, after = pair
    q = Question(before, after, "staff.count", (6, 10), DEFAULT_GOALS, replications=3, days=30)
    more = Question(before, after, "staff.count", (6, 10), DEFAULT_GOALS, replications=8, days=30)
    other = Question(before, after, "staff.count", (6, 12), DEFAULT_GOALS, replications=3, days=30)
    assert store_path(q, tmp_path) == store_path(more, tmp_path) != store_path(other, tmp_path)


# -- the answer, on runs made by hand -------------------------------------------------------------


def _runs(values: dict[str, tuple[float, float, float]], n: int = 10) -> pd.DataFrame:
    """Runs with a known mean per point: label -> (daytime wait, commuters resolved, spending)."""
    rng = np.random.default_rng(1)
    rows = []
    for r in range(n):
        noise = rng.normal(0, 1, 3)
        for label, (wait, share, spend) in values.items():
            rows.append(
                {
                    "scenario": label,
                    "replication": r,
                    "status": "ok",
                    WAIT: wait + 0.1 * noise[0],
                    COMMUTERS: share + 0.005 * noise[1],
                    COST_KPI: spend + 1000 * noise[2],
                }
            )
    return pd.DataFrame(rows)


def test_goals_are_judged_with_their_intervals_and_the_cost_is_paired(pair) -> None:
    before, after = pair
    staff = LEVERS["staff.count"]
    q = Question(before, after, "staff.count", (6, 8, 10, 12), DEFAULT_GOALS, replications=10, days=365)
    runs = _runs(
        {
            BASELINE_LABEL: (5.0, 0.70, 300_000),
            point_label(staff, 6): (9.0, 0.70, 320_000),  # waits 4 min longer: not met
            point_label(staff, 8): (6.0, 0.80, 340_000),  # +1 min (< 2 min that matter), 80 %: unsure
            point_label(staff, 10): (5.5, 0.85, 360_000),  # met
            point_label(staff, 12): (5.0, 0.90, 380_000),  # met
        }
    )
    a = judge(q, runs)
    status = {(g.goal.kpi, g.value): g.status for g in a.per_goal}
    assert status[(WAIT, 6)] == NOT_MET and status[(WAIT, 8)] == MET
    assert status[(COMMUTERS, 6)] == NOT_MET and status[(COMMUTERS, 8)] == UNSURE
    assert [a.status_at(x) for x in q.values] == [NOT_MET, UNSURE, MET, MET]
    assert a.threshold() == (10, "from")
    m, lo, hi = a.extra_cost[2]
    # Paired: the noise common to a replication cancels, so the difference is exact.
    assert lo == pytest.approx(60_000) == m == pytest.approx(hi)
    text = sentence(a)
    assert "from 10 staff on" in text and "60,0" in text and "more than Baseline 2002" in text
    assert "end of the range" not in text
    # Met from the first value tried: the sentence says the range may not reach the limit.
    good = {point_label(staff, x): (5, 0.9, 3e5) for x in q.values}
    everywhere = _runs({BASELINE_LABEL: (5, 0.7, 3e5), **good})
    assert "from 6 staff on (already at the end of the range tried" in sentence(judge(q, everywhere))


def test_goals_met_nowhere_or_only_in_the_middle_are_said_so(pair) -> None:
    before, after = pair
    staff = LEVERS["staff.count"]
    q = Question(before, after, "staff.count", (6, 8, 10), DEFAULT_GOALS, replications=10, days=365)
    nowhere = _runs(
        {BASELINE_LABEL: (5, 0.7, 3e5), **{point_label(staff, x): (9, 0.7, 3e5) for x in (6, 8, 10)}}
    )
    assert "not surely met at any value" in sentence(judge(q, nowhere))
    middle = _runs(
        {
            BASELINE_LABEL: (5, 0.7, 3e5),
            point_label(staff, 6): (9, 0.9, 3e5),
            point_label(staff, 8): (5, 0.9, 3e5),
            point_label(staff, 10): (9, 0.9, 3e5),
        }
    )
    assert "surely met at 8 only" in sentence(judge(q, middle))


def test_an_absolute_goal_needs_the_whole_interval_above_it(pair) -> None:
    before, after = pair
    goal = Goal(COMMUTERS, AT_LEAST, 0.80)
    q = Question(before, after, "staff.count", (6,), (goal,), replications=10, days=365)
    staff = LEVERS["staff.count"]
    just = judge(q, _runs({BASELINE_LABEL: (5, 0.7, 3e5), point_label(staff, 6): (5, 0.801, 3e5)}))
    assert just.per_goal[0].status == UNSURE  # the mean is above 80 %, the interval is not
    assert just.per_goal[0].mean > 0.80 > just.per_goal[0].low


def test_the_figure_has_a_panel_per_goal_and_one_for_the_cost(pair) -> None:
    before, after = pair
    staff = LEVERS["staff.count"]
    q = Question(before, after, "staff.count", (6, 8), DEFAULT_GOALS, replications=10, days=365)
    a = judge(
        q, _runs({BASELINE_LABEL: (5, 0.7, 3e5), **{point_label(staff, x): (5, 0.9, 3e5) for x in (6, 8)}})
    )
    fig = answer_figure(a)
    assert len(fig.axes) == 3
    assert fig.axes[1].get_lines()[-1].get_ydata()[0] == pytest.approx(80.0)  # the goal line, in %
    # No worse than the baseline: the line is the baseline's mean plus the 2 minutes that matter.
    assert a.margins[WAIT] == 2.0
    limit = fig.axes[0].get_lines()[-1].get_ydata()[0]
    assert limit == pytest.approx(a.baseline_means[WAIT][0] + 2.0)


# -- the page --------------------------------------------------------------------------------------


@pytest.fixture
def app(tmp_path: Path):
    state.reset(UiConfig(SCENARIOS, tmp_path / "custom", tmp_path / "data"))
    yield state
    state.reset(UiConfig(SCENARIOS, tmp_path / "custom", tmp_path / "data"))
    from sim.ui.runner import POOL

    POOL.shutdown()


def _button(rc, label: str) -> v.Btn:
    for w in rc.find(v.Btn).widgets:
        if any(isinstance(c, str) and c == label for c in w.children):
            return w
    raise AssertionError(f"no button {label!r}")


def _type(rc, label: str, text: str) -> None:
    field = rc.find(v.TextField, label=label).widget
    field.v_model = text
    field.fire_event("focusout")


def _alerts(rc) -> str:
    return " ".join(str(c) for w in rc.find(v.Alert).widgets for c in w.children if isinstance(c, str))


def _html(rc, marker: str) -> list[str]:
    from solara.widgets import HTML

    return [w.unsafe_innerHTML for w in rc.find(HTML).widgets if marker in (w.unsafe_innerHTML or "")]


def _wait(task, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and task.pending:
        time.sleep(0.1)
    assert task.finished, task.exception


def test_an_impossible_range_blocks_find_out(app) -> None:
    _box, rc = solara.render(HowMuchIsEnough(), handle_error=False)
    assert not _button(rc, "Find out").disabled
    _type(rc, "From", "0")
    assert _button(rc, "Find out").disabled
    assert "outside what is possible" in _alerts(rc)
    _type(rc, "From", "6")
    _type(rc, "Values to try (2 to 21)", "1")
    assert _button(rc, "Find out").disabled


def test_find_out_sweeps_judges_and_resumes_from_its_store(app, tmp_path) -> None:
    """End to end in this process: the page's sweep is sim.sweep's (the same numbers as a sweep
    of the same experiment run directly), the answer is shown, and asking again runs nothing."""
    app.settings.set(app.RunSettings(replications=10, days=20, seed=3))
    _box, rc = solara.render(HowMuchIsEnough(), handle_error=False)
    _type(rc, "From", "6")
    _type(rc, "To", "12")
    _type(rc, "Values to try (2 to 21)", "2")
    _type(rc, "Paired runs per value", "2")
    _button(rc, "Find out").click()
    _wait(tasks.enough_task)
    res = tasks.enough_task.latest
    assert res.ran == 6 and res.skipped == 0 and not res.interrupted
    assert res.store.parent == tmp_path / "data" / "how-much" and res.store.exists()
    assert res.question.values == (6, 12) and res.question.seed == 3 and res.question.days == 20
    (answer_html,) = _html(rc, "govsim-enough-answer")
    assert sentence(res.answer) in answer_html.replace("&#x27;", "'")
    (table,) = _html(rc, "govsim-enough-table")
    assert table.count("<tr>") == 3  # header, 6 staff, 12 staff
    direct = sweep(
        experiment_from_mapping(experiment_doc(res.question)),
        store=tmp_path / "direct.sqlite",
        workers=1,
        progress=False,
    )
    assert judge(res.question, direct.runs) == res.answer
    # Asked again: everything is in the store already.
    _wait(tasks.enough_task)
    _button(rc, "Find out").click()
    time.sleep(0.2)
    _wait(tasks.enough_task)
    again = tasks.enough_task.latest
    assert again.ran == 0 and again.skipped == 6
    assert again.answer == res.answer


def test_stop_keeps_the_finished_runs(app) -> None:
    app.settings.set(app.RunSettings(replications=10, days=60, seed=1))
    _box, rc = solara.render(HowMuchIsEnough(), handle_error=False)
    _type(rc, "Paired runs per value", "10")  # 10 values x 10 runs: far longer than we wait
    _button(rc, "Find out").click()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and tasks.enough_progress.value[0] < 2:
        time.sleep(0.05)
    _button(rc, "Stop").click()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and tasks.enough_task.pending:
        time.sleep(0.05)
    assert tasks.enough_task.cancelled or (tasks.enough_task.latest and tasks.enough_task.latest.interrupted)
    assert "Find out again runs only the rest" in _alerts(rc) or tasks.enough_task.latest.interrupted
    (store,) = (app.config.value.data_dir / "how-much").glob("*.sqlite")
    import sqlite3

    with sqlite3.connect(store) as conn:
        kept = conn.execute("select count(*) from runs").fetchone()[0]
    assert 2 <= kept < 100
