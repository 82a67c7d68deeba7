"""The page's work in the background: a comparison (and the live view's watched run), the
timeline replay and How much is enough?'s sweep, each a threaded Solara task with its progress
and Stop, and the state only they use.

The tasks' threads only wait: the runs themselves are in worker processes (:mod:`sim.ui.runner`),
so the page stays responsive and a run can be stopped.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import solara
import solara.lab

from sim.i18n import N_, _
from sim.scenario import Scenario
from sim.ui import library
from sim.ui.runner import (
    FigureImage,
    RunSettings,
    comparison_figures,
    replay_figure,
    run_comparison,
)
from sim.ui.state import (
    DEFAULT_SERIES,
    blocking_problems,
    drafts,
    figure_series,
    library_entries,
    settings,
)

REPLAY_SERIES = ("wait_mean_min", "admin_h", "participation_ytd")
#: The replay runs twelve years per run (several seconds each): few replications by default.
REPLAY_REPLICATIONS = 3

progress: solara.Reactive[tuple[int, int]] = solara.reactive((0, 0))
replay_years = solara.reactive(12)
replay_replications = solara.reactive(REPLAY_REPLICATIONS)
replay_progress: solara.Reactive[tuple[int, int]] = solara.reactive((0, 0))
replay_series: solara.Reactive[tuple[str, ...]] = solara.reactive(REPLAY_SERIES)


def reset() -> None:
    """Back to the start (:func:`sim.ui.state.reset` calls it)."""
    progress.set((0, 0))
    replay_years.set(12)
    replay_replications.set(REPLAY_REPLICATIONS)
    replay_progress.set((0, 0))
    replay_series.set(REPLAY_SERIES)
    live_enabled.set(True)
    live_frame.set(None)
    enough_lever.set("staff.count")
    enough_range.set(None)
    enough_goals.set(())
    enough_scenario.set(None)
    enough_replications.set(5)
    enough_progress.set((0, 0))


# -- running a comparison ------------------------------------------------------------------------


@dataclass(frozen=True)
class Results:
    """A finished comparison and what the page shows of it."""

    comparison: Any  # sim.compare.Comparison (Any: keeps pandas out of the reactive's type)
    settings: RunSettings
    signature: tuple
    seconds: float
    series: tuple[str, ...] = DEFAULT_SERIES
    figures: tuple[FigureImage, ...] = ()
    figures_done: bool = False
    failures: tuple[str, ...] = field(default_factory=tuple)


def signature(scenarios: Sequence[Scenario], run: RunSettings) -> tuple:
    """What the results depend on: scenario names and contents, and the run settings."""
    return (tuple((s.name, s.content_hash()) for s in scenarios), run)


#: Seconds between progress updates of the page.  Every update re-renders the page, and Solara
#: walks the whole widget tree each time (an open reform editor has a few hundred widgets), so
#: a run reports at most this often, and always at its end.
PROGRESS_INTERVAL_S = 0.5


def _throttled(target: solara.Reactive[tuple[int, int]]) -> Callable[[int, int], None]:
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last[0] >= PROGRESS_INTERVAL_S:
            last[0] = now
            target.set((done, total))

    return report


class _TaskCancel:
    """Lets :func:`sim.compare.compare` ask the background task whether it should stop: Stop
    (``task.cancel()``) or a newer Run makes the running call no longer the current one."""

    def __init__(self, task: Any) -> None:
        self.task = task

    def is_set(self) -> bool:
        return not self.task.is_current()


@solara.lab.task(prefer_threaded=True)
def run_task(scenarios: tuple[Scenario, ...], run: RunSettings, series: tuple[str, ...]) -> Iterator[Results]:
    """Run the comparison, show the table as soon as it is ready, then draw the figures."""
    started = time.perf_counter()
    total = run.replications * len(scenarios)
    progress.set((0, total))
    comparison = run_comparison(
        scenarios,
        run,
        progress=_throttled(progress),
        cancel=_TaskCancel(run_task),  # type: ignore[arg-type]
    )
    results = Results(
        comparison,
        run,
        signature(scenarios, run),
        time.perf_counter() - started,
        series=tuple(series),
        failures=tuple(comparison.failures),
    )
    yield results
    images: list[FigureImage] = []
    for image in comparison_figures(comparison, series):
        if not run_task.is_current():
            return
        images.append(image)
        yield dataclasses.replace(results, figures=tuple(images))
    yield dataclasses.replace(results, figures=tuple(images), figures_done=True)


def start_run() -> None:
    """Run the scenarios on the cards as they are now (does nothing if a problem blocks it)."""
    current = drafts.value
    if blocking_problems(current):
        return
    scenarios = tuple(d.scenario() for d in current)
    run_task(scenarios, settings.value, figure_series.value)
    if live_enabled.value:
        start_live(scenarios, settings.value)


def stop_run() -> None:
    if run_task.pending:
        run_task.cancel()
    if live_task.pending:
        live_task.cancel()


def results_are_current(results: Results) -> bool:
    """Whether the results still match the cards and settings (else the page says they are old)."""
    current = drafts.value
    if blocking_problems(current):
        return False
    return results.signature == signature([d.scenario() for d in current], settings.value)


# -- the timeline replay -------------------------------------------------------------------------


def timeline_entries() -> list[library.LibraryEntry]:
    return [e for e in library_entries() if e.has_timeline]


def replay_days(timeline: Scenario, years: int) -> int:
    """Days from the timeline's start to the same date ``years`` later (at most its own length)."""
    start = timeline.start_date
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    return min(timeline.days, (end - start).days)


def replay_years_available(timeline: Scenario) -> int:
    return max(1, math.ceil(timeline.days / 365.25 - 0.01))


def without_reforms(timeline: Scenario) -> Scenario:
    """The timeline's starting situation kept all along: its counterfactual, paired run by run."""
    name = _("No reforms after {year}").format(year=timeline.start_date.year - 1)
    return dataclasses.replace(timeline, name=name, timeline=())


@dataclass(frozen=True)
class ReplayResults:
    comparison: Any
    timeline: Scenario
    days: int
    seconds: float
    figure: FigureImage | None = None


@solara.lab.task(prefer_threaded=True)
def replay_task(
    timeline: Scenario, years: int, replications: int, series: tuple[str, ...]
) -> Iterator[ReplayResults]:
    """Run the timeline and its no-reform counterpart, then draw the replay."""
    started = time.perf_counter()
    days = replay_days(timeline, years)
    replay_progress.set((0, 2 * replications))
    comparison = run_comparison(
        [without_reforms(timeline), timeline],
        RunSettings(replications=replications, days=days, seed=settings.value.seed),
        progress=_throttled(replay_progress),
        cancel=_TaskCancel(replay_task),  # type: ignore[arg-type]
    )
    results = ReplayResults(comparison, timeline, days, time.perf_counter() - started)
    yield results
    yield dataclasses.replace(results, figure=replay_figure(comparison, timeline, series))


def estimate_replay_seconds(years: int, replications: int, workers: int) -> float:
    """A rough wall time for the replay: about 0.55 s of one core per simulated year and run,
    measured on the 2-core development machine."""
    runs = 2 * replications
    rounds = math.ceil(runs / max(1, workers))
    return rounds * years * 0.55


# -- the live view: one run watched day by day ---------------------------------------------------

#: Whether Run also shows one run as it goes (the curves and the hall).
live_enabled = solara.reactive(True)
live_frame: solara.Reactive[Any] = solara.reactive(None)  # sim.ui.live.LiveFrame or None


def live_scenario(scenarios: Sequence[Scenario]) -> Scenario:
    """The run watched live: the first scenario compared with the baseline (the baseline alone if
    there is no other)."""
    return scenarios[1] if len(scenarios) > 1 else scenarios[0]


def start_live(scenarios: Sequence[Scenario], run: RunSettings) -> None:
    from sim.rng import replication_seed

    live_frame.set(None)
    # The seed of the comparison's first replication: the watched run is that run, day for day.
    live_task(live_scenario(scenarios), replication_seed(run.seed, 0), run.days)


@solara.lab.task(prefer_threaded=True)
def live_task(scenario: Scenario, seed: int, days: int) -> None:
    """One extra run, in a process of its own, reported a few times a second (see sim.ui.live)."""
    from sim.ui.live import PACE_DAYS_PER_S, LiveStopped, watch_in_process

    try:
        watch_in_process(
            scenario,
            seed,
            days,
            live_frame.set,
            stop=lambda: not live_task.is_current(),
            pace=PACE_DAYS_PER_S,
        )
    except LiveStopped:
        return


# -- "How much is enough?" -----------------------------------------------------------------------

enough_lever = solara.reactive("staff.count")
#: The lever's range: from, to, and how many values (None: the lever's default).
enough_range: solara.Reactive[tuple[float, float, int] | None] = solara.reactive(None)
enough_goals: solara.Reactive[tuple[Any, ...]] = solara.reactive(())  # () : the default goals
enough_scenario: solara.Reactive[int | None] = solara.reactive(None)  # a card id (None: the second)
enough_replications = solara.reactive(5)
enough_progress: solara.Reactive[tuple[int, int]] = solara.reactive((0, 0))


def enough_goal_list() -> tuple[Any, ...]:
    from sim.ui.levers import DEFAULT_GOALS

    return enough_goals.value or DEFAULT_GOALS


def enough_lever_range() -> tuple[float, float, int]:
    from sim.ui.levers import LEVERS

    lever = LEVERS[enough_lever.value]
    return enough_range.value or (lever.lo, lever.hi, lever.count)


#: The caption of the answer's figure (translated where it is shown).
ENOUGH_CAPTION = N_(
    "The lever on the x axis; each goal with its 95 % intervals (green met, red not met, grey not sure)."
)


@dataclass(frozen=True)
class EnoughResults:
    question: Any  # sim.ui.how_much.Question
    answer: Any  # sim.ui.how_much.Answer
    store: Path
    ran: int
    skipped: int
    interrupted: bool
    figure: FigureImage | None = None


@solara.lab.task(prefer_threaded=True)
def enough_task(question: Any, folder: Path) -> Iterator[EnoughResults]:
    """Sweep the question on the warm pool into its store, then draw the answer."""
    from sim.ui.how_much import run_question
    from sim.ui.how_much_answer import answer_figure
    from sim.ui.runner import POOL, _image

    enough_progress.set((0, 0))
    progress = _throttled(enough_progress)
    result, answer = run_question(
        question,
        folder,
        progress=lambda done, failed, total: progress(done, total),
        cancel=_TaskCancel(enough_task),
        executor=POOL.get(),
        workers=POOL.workers,
    )
    out = EnoughResults(question, answer, result.store, result.ran, result.skipped, result.interrupted)
    yield out
    yield dataclasses.replace(
        out,
        figure=_image(
            "how-much",
            _("How much is enough?"),
            _(ENOUGH_CAPTION),
            lambda: answer_figure(answer),
        ),
    )
