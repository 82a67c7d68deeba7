"""The app's state and what the planner's clicks do to it (the "model" half of the app; the
components in :mod:`sim.ui.components` are the view).

State lives in Solara reactive variables, one copy per browser session.  The long work (runs)
happens in background tasks whose threads only wait: the runs themselves are in worker processes
(:mod:`sim.ui.runner`), so the page stays responsive and a run can be stopped.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import solara
import solara.lab

from sim import i18n
from sim.i18n import _
from sim.scenario import Scenario, ScenarioError
from sim.ui import library
from sim.ui.config import UiConfig
from sim.ui.drafts import NAME_KEY, Draft, name_problems, unique_name
from sim.ui.runner import (
    FigureImage,
    RunSettings,
    comparison_figures,
    replay_figure,
    run_comparison,
)

#: The two scenarios a planner sees first: the situation before the reforms, and all of them.
DEFAULT_PICKS = ("baseline_2002.toml", "changsha_2014.toml")
#: Daily series drawn with bands at every run: waiting, and the staff's administrative load
#: (participation and the staff-time split are always drawn).
DEFAULT_SERIES = ("wait_mean_min", "admin_h")
REPLAY_SERIES = ("wait_mean_min", "admin_h", "participation_ytd")
#: The replay runs twelve years per run (several seconds each): few replications by default.
REPLAY_REPLICATIONS = 3

config = solara.reactive(UiConfig.from_env())
#: The page's language ("en" or "zh"), chosen with the switch; None: the browser's preference.
chosen_language: solara.Reactive[str | None] = solara.reactive(None)


def language() -> str:
    """The session's language: the planner's choice, else the browser's Accept-Language."""
    if chosen_language.value is not None:
        return chosen_language.value
    import solara.lab

    headers = solara.lab.headers.value or {}
    accept = next((v for k, v in headers.items() if k.lower() == "accept-language"), [])
    return i18n.from_accept_language(",".join(accept))


# Every ``_()`` in the app translates into the session's language (and a page that reads it
# re-renders when the planner switches).
i18n.set_provider(language)
#: Bumped when the app writes a scenario file, so that the components that list files read again.
library_version = solara.reactive(0)


def library_entries() -> list[library.LibraryEntry]:
    """The scenario files (reading ``library_version`` makes a component list them again after
    a save)."""
    _ = library_version.value
    cfg = config.value
    return library.scan(cfg.scenarios_dir, cfg.save_dir)


def _initial_drafts(cfg: UiConfig) -> tuple[Draft, ...]:
    try:
        entries = library.scan(cfg.scenarios_dir, cfg.save_dir)
    except OSError:
        return ()
    by_file = {e.path.name: e for e in entries if e.scenario is not None and e.group == library.PACKAGES}
    return tuple(
        Draft.from_scenario(by_file[f].scenario, by_file[f].shown)  # type: ignore[arg-type]
        for f in DEFAULT_PICKS
        if f in by_file
    )


drafts: solara.Reactive[tuple[Draft, ...]] = solara.reactive(_initial_drafts(config.value))
editing: solara.Reactive[int | None] = solara.reactive(None)  # the draft whose controls are open
settings = solara.reactive(RunSettings())
progress: solara.Reactive[tuple[int, int]] = solara.reactive((0, 0))
saved: solara.Reactive[dict[int, str]] = solara.reactive({})  # draft id -> file it was saved to
save_errors: solara.Reactive[dict[int, str]] = solara.reactive({})
#: For each card, the files it loaded or saved and their stamp then: only those may be replaced
#: by its next save (a file changed since, or written by another tab, is never overwritten).
known_files: solara.Reactive[dict[int, dict[Path, library.FileStamp]]] = solara.reactive({})
figure_series: solara.Reactive[tuple[str, ...]] = solara.reactive(DEFAULT_SERIES)
#: Number fields whose text is not a number (field id -> "label: what is wrong"): the value the
#: scenario holds is not what the planner sees, so Run waits until the field is fixed.
unfinished_fields: solara.Reactive[dict[int, str]] = solara.reactive({})
_field_ids = itertools.count(1)

replay_years = solara.reactive(12)
replay_replications = solara.reactive(REPLAY_REPLICATIONS)
replay_progress: solara.Reactive[tuple[int, int]] = solara.reactive((0, 0))
replay_series: solara.Reactive[tuple[str, ...]] = solara.reactive(REPLAY_SERIES)


def reset(cfg: UiConfig | None = None) -> None:
    """Start over (tests; and a new configuration)."""
    if cfg is not None:
        config.set(cfg)
    drafts.set(_initial_drafts(config.value))
    chosen_language.set(None)
    editing.set(None)
    settings.set(RunSettings())
    progress.set((0, 0))
    saved.set({})
    save_errors.set({})
    known_files.set({})
    figure_series.set(DEFAULT_SERIES)
    unfinished_fields.set({})
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


# -- picking and editing scenarios ---------------------------------------------------------------


def add_from_library(entry: library.LibraryEntry) -> None:
    """Add a scenario file to the comparison (a second copy gets a numbered name)."""
    if entry.scenario is None:
        return
    current = drafts.value
    draft = Draft.from_scenario(entry.scenario, entry.shown)
    wanted = unique_name(draft.display_name, current)
    if wanted != draft.display_name:
        draft = draft.with_name(wanted)
    stamp = library.file_stamp(entry.path)
    if stamp is not None:
        known_files.set({**known_files.value, draft.id: {entry.path.resolve(): stamp}})
    drafts.set((*current, draft))


def remove(draft_id: int) -> None:
    drafts.set(tuple(d for d in drafts.value if d.id != draft_id))
    if editing.value == draft_id:
        editing.set(None)


def make_reference(draft_id: int) -> None:
    """Move a scenario first: the others are compared with it."""
    chosen = [d for d in drafts.value if d.id == draft_id]
    drafts.set(tuple(chosen + [d for d in drafts.value if d.id != draft_id]))


def update(draft: Draft) -> None:
    """Replace the draft with the same id (an edit, a new name)."""
    drafts.set(tuple(draft if d.id == draft.id else d for d in drafts.value))
    # An edit after a save makes the saved file out of date: the card says so by dropping it.
    if draft.id in saved.value:
        saved.set({k: v for k, v in saved.value.items() if k != draft.id})


def set_value(draft_id: int, key: str, value: Any) -> None:
    for d in drafts.value:
        if d.id == draft_id:
            update(d.with_value(key, value))


def start_new_from(draft_id: int) -> None:
    """Copy a scenario into a new card, named "... - variant", and open its controls."""
    source = next((d for d in drafts.value if d.id == draft_id), None)
    if source is None or source.problems():
        return
    name = unique_name(f"{source.display_name} - variant", drafts.value)
    new = source.copy_as(name)
    current = list(drafts.value)
    current.insert(current.index(source) + 1, new)
    drafts.set(tuple(current))
    editing.set(new.id)


def name_problem(draft: Draft, current: Sequence[Draft]) -> str | None:
    """What is wrong with a card's name, shown at its Name field: empty or too long, the name of
    another card (results are keyed by name), or - for a card with changes - the name of a
    scenario file it did not come from (saving it would list two scenarios under one name)."""
    own = draft.problems().get(NAME_KEY) or name_problems(current).get(draft.id)
    if own:
        return own
    if not draft.edits and draft.name is None and draft.description is None:
        return None
    clash = _file_named(draft)
    if clash is not None:
        return (
            f"the scenario file {clash.shown} is already called '{draft.display_name}'; "
            "give this one its own name"
        )
    return None


def _file_named(draft: Draft) -> library.LibraryEntry | None:
    """A scenario file with the draft's name that this card did not load or save itself."""
    mine = known_files.value.get(draft.id, {})
    wanted = draft.display_name.casefold()
    for e in library_entries():
        if e.scenario is not None and e.scenario.name.casefold() == wanted and e.path.resolve() not in mine:
            return e
    return None


def save_problem(draft: Draft, current: Sequence[Draft]) -> str | None:
    """Why Save is off for this card (None: it can be saved)."""
    if draft.problems().keys() - {NAME_KEY}:
        return _("Fix the values marked in red to save.")
    name = name_problem(draft, current)
    if name:
        return f"Name: {name}."
    if not draft.edits and draft.name is None and draft.description is None:
        return f"Nothing changed from {draft.origin}: nothing to save."
    return None


def save(draft_id: int) -> Path | None:
    """Write the scenario into the save folder as TOML; record the file or the reason it failed."""
    draft = next((d for d in drafts.value if d.id == draft_id), None)
    if draft is None:
        return None
    # An impossible value: the scenario's own message (below) says which and why.
    problem = None if draft.problems().keys() - {NAME_KEY} else save_problem(draft, drafts.value)
    mine = known_files.value.get(draft_id, {})
    try:
        if problem:
            raise ScenarioError("", None, problem)
        path, stamp = library.save_scenario(draft.scenario(), config.value.save_dir, mine)
    except (ScenarioError, OSError, RuntimeError, ValueError) as e:  # ValueError: sim.paths.InputError
        save_errors.set({**save_errors.value, draft_id: f"not saved: {e}"})
        saved.set({k: v for k, v in saved.value.items() if k != draft_id})
        return None
    known_files.set({**known_files.value, draft_id: {**mine, path.resolve(): stamp}})
    save_errors.set({k: v for k, v in save_errors.value.items() if k != draft_id})
    saved.set({**saved.value, draft_id: str(path)})
    library_version.set(library_version.value + 1)
    return path


# -- what stops a run ----------------------------------------------------------------------------


def new_field_id() -> int:
    return next(_field_ids)


def report_field(field_id: int, problem: str | None) -> None:
    """A number field says its text is not a number (``problem``) or no longer is (None)."""
    current = unfinished_fields.value
    if problem is None and field_id not in current:
        return
    if problem is not None and current.get(field_id) == problem:
        return
    rest = {k: v for k, v in current.items() if k != field_id}
    unfinished_fields.set(rest if problem is None else {**rest, field_id: problem})


def blocking_problems(current: Sequence[Draft]) -> list[str]:
    """Why Run is not possible right now, in the planner's words (empty: it is)."""
    out = list(unfinished_fields.value.values())
    if len(current) < 2:
        out.append(_("Pick at least two scenarios: the first is the baseline the others are compared with."))
    duplicates = name_problems(current)
    from sim.ui.labels import param_label

    for d in current:
        for key, message in d.problems().items():
            what = "name" if key == "name" else param_label(key) if key else "scenario"
            out.append(f"{d.display_name or '(no name)'}: {what}: {message}")
        if d.id in duplicates:
            out.append(f"{d.display_name}: {duplicates[d.id]}")
    return out


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
    return dataclasses.replace(timeline, name=f"No reforms after {timeline.start_date.year - 1}", timeline=())


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
    from sim.ui.how_much import DEFAULT_GOALS

    return enough_goals.value or DEFAULT_GOALS


def enough_lever_range() -> tuple[float, float, int]:
    from sim.ui.how_much import LEVERS

    lever = LEVERS[enough_lever.value]
    return enough_range.value or (lever.lo, lever.hi, lever.count)


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
    from sim.ui.how_much import answer_figure, run_question
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
            _(
                "The lever on the x axis; each goal with its 95 % intervals "
                "(green met, red not met, grey not sure)."
            ),
            lambda: answer_figure(answer),
        ),
    )
