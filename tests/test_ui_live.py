"""The live view (issue 11, item 4): one run watched day by day in the app's process.

Watching must not change the run (the callback only reads), must be that run of the comparison
(same seed), must report a few times a second and not every day, and must stop when asked.
"""

from __future__ import annotations

import dataclasses
import itertools
import time

import numpy as np
import pytest
import solara
from helpers import ROOT

from sim.model import CommunityModel
from sim.scenario import load_scenario
from sim.ui import state, tasks
from sim.ui.components.live_view import LiveView, hall_html
from sim.ui.config import UiConfig
from sim.ui.live import LiveFrame, LiveStopped, QueueDay, Watcher, curve_svg, watch_in_process, watch_run

SCENARIOS = ROOT / "scenarios"
DAYS = 40


@pytest.fixture(scope="module")
def changsha():
    return load_scenario(SCENARIOS / "changsha_2014.toml")


@pytest.fixture(scope="module")
def before():
    return load_scenario(SCENARIOS / "baseline_2002.toml")


def test_watching_changes_no_number_of_the_run(changsha) -> None:
    plain = CommunityModel(changsha, seed=5, days=DAYS).run()
    frames: list[LiveFrame] = []
    watched = watch_run(changsha, 5, DAYS, frames.append, interval=0.0)
    assert watched.frames == DAYS  # interval 0: a frame every day
    model_kpis = plain.summary()
    # The watcher's copy of the daily series is the run's own.
    np.testing.assert_array_equal(np.array(frames[-1].wait_min), plain.daily()["wait_mean_min"].to_numpy())
    np.testing.assert_array_equal(
        np.array(frames[-1].participation), plain.daily()["participation_ytd"].to_numpy()
    )
    again = CommunityModel(changsha, seed=5, days=DAYS, on_day=lambda m: None).run().summary()
    assert again == model_kpis


def test_the_hall_view_counts_every_visitor_once(before) -> None:
    """Before one-stop service there are several department queues: each day's exits per queue
    add up to the day's 'served' count of the model's own daily record."""
    frames: list[LiveFrame] = []
    watch_run(before, 3, DAYS, frames.append, interval=0.0)
    daily = CommunityModel(before, seed=3, days=DAYS).run().daily()
    served = [sum(q.served for q in f.hall) for f in frames]
    np.testing.assert_array_equal(served, daily["served"].to_numpy())
    names = {q.name for f in frames for q in f.hall}
    assert len(names) > 1 and "one-stop" not in names, names
    # Somebody gave up or was turned away over 40 days at the 2002 hall, and we know who.
    losers = [q for f in frames for q in f.hall if q.gave_up + q.turned_away]
    assert losers
    assert all(sum(n for _g, n in q.gave_up_by_group) == q.gave_up + q.turned_away for q in losers)


def test_reports_are_throttled_and_the_last_day_is_always_reported(changsha) -> None:
    ticks = iter(np.arange(0, 1000, 0.1))  # a clock that moves 0.1 s per simulated day
    frames: list[LiveFrame] = []
    watcher = Watcher(frames.append, interval=1.0, clock=lambda: float(next(ticks)))
    model = CommunityModel(changsha, seed=1, days=DAYS, on_day=watcher.end_of_day)
    watcher.attach(model)
    model.run()
    days = [f.day for f in frames]
    # At most one report per 1.0 s of the clock, i.e. every 10 days, plus the last one.
    assert days[-1] == DAYS - 1 and frames[-1].finished
    assert all(b - a >= 10 for a, b in itertools.pairwise(days[:-1])), days
    assert len(frames) <= DAYS // 10 + 2


def test_the_watched_run_keeps_its_pace_by_sleeping(changsha) -> None:
    """At 10 days a second, 40 days take 4 s of the clock; the run itself takes none here (a
    fake clock that only the sleeps move)."""
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    frames: list[LiveFrame] = []
    watcher = Watcher(frames.append, interval=1.0, clock=lambda: now[0], pace=10.0, sleep=sleep)
    model = CommunityModel(changsha, seed=1, days=DAYS, on_day=watcher.end_of_day)
    watcher.attach(model)
    model.run()
    assert sum(slept) == pytest.approx(DAYS / 10.0)  # day k ends at (k + 1) / pace seconds
    assert len(frames) == pytest.approx(DAYS / 10, abs=1)  # one report per second of the pace


def test_stop_ends_the_watched_run_on_the_day_it_is_asked(changsha) -> None:
    frames: list[LiveFrame] = []
    with pytest.raises(LiveStopped):
        watch_run(changsha, 1, DAYS, frames.append, stop=lambda: len(frames) >= 5, interval=0.0)
    assert len(frames) == 5 and not frames[-1].finished


def test_the_watched_run_in_its_own_process_sends_the_same_days(changsha) -> None:
    here: list[LiveFrame] = []
    watch_run(changsha, 2, DAYS, here.append, interval=0.0)
    there: list[LiveFrame] = []
    watch_in_process(changsha, 2, DAYS, there.append, interval=0.0)
    assert len(there) == DAYS and there[-1].finished
    assert [f.hall for f in there] == [f.hall for f in here]
    np.testing.assert_array_equal(np.array(there[-1].wait_min), np.array(here[-1].wait_min))  # NaN = NaN
    assert there[-1].participation == here[-1].participation


def test_stop_ends_the_child_process(changsha) -> None:
    import multiprocessing

    frames: list[LiveFrame] = []
    with pytest.raises(LiveStopped):
        # A slow pace (5 days a second): the run is far from its end when Stop comes.
        watch_in_process(
            changsha, 2, 365, frames.append, stop=lambda: len(frames) >= 2, interval=0.0, pace=5.0
        )
    assert 2 <= len(frames) < 365
    assert multiprocessing.active_children() == [] or all(
        not p.is_alive() for p in multiprocessing.active_children()
    )


def test_curve_svg_breaks_the_line_where_nobody_queued() -> None:
    svg = curve_svg([1.0, 2.0, float("nan"), 3.0, 4.0, 4.96], 10, title="wait", unit="min")
    assert "wait - 5.0 min" in svg  # the latest day's value, rounded for reading
    assert svg.count("<polyline") == 2
    assert 'data-points="5"' in svg
    assert ">5<" in svg  # the axis top: the largest value rounded up to 1, 2 or 5 x 10^k
    pct = curve_svg([0.1, 0.26], 10, title="part", unit="", percent=True)
    assert "26 %" in pct and "50 %" in pct


def _html(rc, marker: str) -> list[str]:
    from solara.widgets import HTML

    return [w.unsafe_innerHTML for w in rc.find(HTML).widgets if marker in (w.unsafe_innerHTML or "")]


def _frame() -> LiveFrame:
    return LiveFrame(
        "Changsha 2014",
        7,
        9,
        365,
        "2014-01-10",
        (3.0,) * 10,
        (0.05,) * 10,
        (QueueDay("one-stop", 30, 4, 1, 6, 300.0, (("commuter", 4), ("retiree", 1))),),
    )


def test_the_live_view_shows_the_day_the_curves_and_the_hall(tmp_path) -> None:
    state.reset(UiConfig(SCENARIOS, tmp_path / "custom"))
    tasks.live_frame.set(_frame())
    _box, rc = solara.render(LiveView(), handle_error=False)
    html = " ".join(_html(rc, "govsim-live-hall"))
    assert "one-stop counter" in html and "30 / 4 / 1" in html and "commuting workers 4" in html
    curves = " ".join(_html(rc, "govsim-live-curve"))
    assert curves.count("<svg") == 2
    state.chosen_language.set("zh")
    assert "一站式" in hall_html(_frame())
    state.reset(UiConfig(SCENARIOS, tmp_path / "custom"))


@pytest.fixture
def _pool():
    yield
    from sim.ui.runner import POOL

    POOL.shutdown()


def test_run_watches_run_one_of_the_compared_scenario(tmp_path, _pool) -> None:
    """Pressing Run also watches one run; it is the comparison's first run of the second card
    (same seed), day for day."""
    from sim.ui.components.run_panel import RunPanel

    state.reset(UiConfig(SCENARIOS, tmp_path / "custom"))
    state.settings.set(dataclasses.replace(state.settings.value, replications=2, days=20))
    _box, _rc = solara.render(solara.Column(children=[RunPanel(), LiveView()]), handle_error=False)
    tasks.start_run()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (tasks.run_task.finished and tasks.live_task.finished):
        time.sleep(0.1)
    assert tasks.run_task.finished and tasks.live_task.finished, tasks.live_task.exception
    frame = tasks.live_frame.value
    assert frame.finished and frame.day == 19
    c = tasks.run_task.latest.comparison
    second = state.drafts.value[1].display_name
    first_run = c.daily[(c.daily["scenario"] == second) & (c.daily["replication"] == 0)]
    np.testing.assert_array_equal(np.array(frame.wait_min), first_run["wait_mean_min"].to_numpy())
    state.reset(UiConfig(SCENARIOS, tmp_path / "custom"))
