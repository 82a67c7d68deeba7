"""Watching one run as it goes: the daily curves grow and the hall shows who waits and who gives up.

The comparison's runs happen in worker processes, which send back only finished results (the
executors have no channel for rows while a run goes).  So the live view runs **one extra run**,
the same scenario with the seed of the comparison's first replication (so it is that run, day for
day), in a process of its own (:func:`watch_in_process`), and watches it through the model's
end-of-day callback (``CommunityModel(on_day=...)``).  The callback only reads; the page is told
at most once a second (:data:`REPORT_INTERVAL_S`), because each update re-renders the page.

The hall's day is observed by chaining :attr:`sim.hall.Hall.on_exit`, the hall's own report of
each visitor leaving a queue (served, gave up waiting, turned away at closing), so the model is
not changed for it.  Nothing here draws with matplotlib: the curves are small SVG drawings built
as text, which costs well under a millisecond per update.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sim.hall import RENEGED, SERVED, TURNED_AWAY
from sim.i18n import N_, _

if TYPE_CHECKING:
    from sim.hall import Visitor
    from sim.model import CommunityModel
    from sim.scenario import Scenario

#: Seconds between two updates of the page (and always at the last day).  Each update re-renders
#: the page: told every 0.5 s, the page's Run -> table took 15-19 % longer; once a second, 5 %
#: (docs/ui.md).
REPORT_INTERVAL_S = 1.0
#: Simulated days a second at most: a year in about 6 s, about as long as the comparison itself
#: takes on two cores, so that the curves grow while the planner waits instead of appearing at once
#: (one run alone takes a quarter of a second here).  The watched run sleeps to keep the pace,
#: which costs no processor time.  None: as fast as it goes.
PACE_DAYS_PER_S: float | None = 60.0


class LiveStopped(Exception):
    """The planner pressed Stop (or a newer Run started): the watched run ends here."""


@dataclass(frozen=True)
class QueueDay:
    """One hall queue over one day: how its visitors left it, and who gave up."""

    name: str
    served: int = 0
    gave_up: int = 0
    turned_away: int = 0
    longest: int = 0  # most residents waiting at once, seen whenever someone left the queue
    wait_sum_min: float = 0.0
    gave_up_by_group: tuple[tuple[str, int], ...] = ()

    @property
    def visitors(self) -> int:
        return self.served + self.gave_up + self.turned_away

    @property
    def mean_wait_min(self) -> float:
        return self.wait_sum_min / self.visitors if self.visitors else math.nan


@dataclass(frozen=True)
class LiveFrame:
    """What the page shows of the watched run after ``day + 1`` of its ``days`` days."""

    scenario: str
    seed: int
    day: int
    days: int
    date: str
    wait_min: tuple[float, ...]  # daily mean wait in the queues (NaN on a day nobody queued)
    participation: tuple[float, ...]  # share who took part so far this year
    hall: tuple[QueueDay, ...] = ()  # the queues that had visitors on the last day
    finished: bool = False


def queue_word(name: str) -> str:
    """A hall queue as a planner reads it ("one-stop" or "department 2")."""
    if name == "one-stop":
        return _("one-stop counter")
    if name.startswith("department "):
        return _("department counter {n}").format(n=name.split()[-1])
    return name


@dataclass
class _QueueTally:
    served: int = 0
    gave_up: int = 0
    turned_away: int = 0
    longest: int = 0
    wait_sum_min: float = 0.0
    gave_up_by_group: dict[str, int] = field(default_factory=dict)


class HallWatch:
    """Counts each queue's exits for the day, by outcome and by the resident's group.

    Installed in front of the hall's ``on_exit`` (the residents' own handler still runs first,
    unchanged), so watching changes no number of the run.
    """

    def __init__(self, model: CommunityModel) -> None:
        from sim.parameters import GROUPS

        self.model = model
        self.groups = GROUPS
        self.names = list(model.centre.queue_names)
        self._inner = model.hall.on_exit
        model.hall.on_exit = self.on_exit
        self._today = [_QueueTally() for _n in self.names]

    def on_exit(self, v: Visitor, outcome: str, t: float, q: int) -> None:
        self._inner(v, outcome, t, q)
        tally = self._today[q]
        tally.longest = max(tally.longest, len(self.model.hall.queues[q].waiting) + 1)
        if outcome == SERVED:
            tally.served += 1
            tally.wait_sum_min += (v.started - v.arrived) * 60.0
            return
        tally.wait_sum_min += (t - v.arrived) * 60.0
        if outcome == RENEGED:
            tally.gave_up += 1
        elif outcome == TURNED_AWAY:
            tally.turned_away += 1
        res = self.model.residents
        group = self.groups[int(res.population.group[res.needs.resident[v.need]])]
        if outcome in (RENEGED, TURNED_AWAY):
            tally.gave_up_by_group[group] = tally.gave_up_by_group.get(group, 0) + 1

    def close_day(self) -> tuple[QueueDay, ...]:
        """The day's queues that had visitors; the counts start again for the next day."""
        out = tuple(
            QueueDay(
                name,
                t.served,
                t.gave_up,
                t.turned_away,
                t.longest,
                t.wait_sum_min,
                tuple(sorted(t.gave_up_by_group.items(), key=lambda kv: -kv[1])),
            )
            for name, t in zip(self.names, self._today, strict=True)
            if t.served + t.gave_up + t.turned_away
        )
        self._today = [_QueueTally() for _n in self.names]
        return out


class Watcher:
    """The model's end-of-day callback: keeps the daily curves and the hall's day, and reports a
    :class:`LiveFrame` at most every ``interval`` seconds (and at the last day)."""

    def __init__(
        self,
        report: Callable[[LiveFrame], None],
        stop: Callable[[], bool] = lambda: False,
        interval: float = REPORT_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
        pace: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.report, self.stop, self.interval, self.clock = report, stop, interval, clock
        self.pace, self.sleep = pace, sleep
        self._started: float | None = None
        self.wait: list[float] = []
        self.participation: list[float] = []
        self.hall: HallWatch | None = None
        self._last = -math.inf
        self.frames = 0

    def attach(self, model: CommunityModel) -> None:
        self.hall = HallWatch(model)

    def end_of_day(self, model: CommunityModel) -> None:
        assert self.hall is not None, "attach() the watcher to the model first"
        self.wait.append(float(model.today["wait_mean_min"]))
        self.participation.append(float(model.today["participation_ytd"]))
        hall = self.hall.close_day()
        if self.stop():
            raise LiveStopped
        last = model.day == model.days - 1
        now = self.clock()
        if self._started is None:
            self._started = now
        if self.pace:
            ahead = (model.day + 1) / self.pace - (now - self._started)
            if ahead > 0:
                self.sleep(ahead)
                now = self.clock()
        if last or now - self._last >= self.interval:
            self._last = now
            self.frames += 1
            date = model.start_date.toordinal() + model.day
            import datetime as dt

            self.report(
                LiveFrame(
                    model.spec.name,
                    model.seed,
                    model.day,
                    model.days,
                    dt.date.fromordinal(date).isoformat(),
                    tuple(self.wait),
                    tuple(self.participation),
                    hall,
                    finished=last,
                )
            )


def watch_run(
    scenario: Scenario,
    seed: int,
    days: int,
    report: Callable[[LiveFrame], None],
    *,
    stop: Callable[[], bool] = lambda: False,
    interval: float = REPORT_INTERVAL_S,
    pace: float | None = None,
) -> Watcher:
    """Run ``scenario`` once in this process, reporting frames as it goes, at most ``pace``
    simulated days a second; raises :class:`LiveStopped` when ``stop()`` turns true (checked
    every simulated day)."""
    from sim.model import CommunityModel

    watcher = Watcher(report, stop, interval, pace=pace)
    model = CommunityModel(scenario, seed=seed, days=days, on_day=watcher.end_of_day)
    watcher.attach(model)
    model.run()
    return watcher


def _watch_in_child(
    scenario: Scenario, seed: int, days: int, conn: Any, interval: float, pace: float | None
) -> None:
    """In the child process: run and send each frame through the pipe (niced like the workers)."""
    from sim.ui.runner import _worker_init

    _worker_init()
    try:
        watch_run(scenario, seed, days, conn.send, interval=interval, pace=pace)
    finally:
        conn.close()


def watch_in_process(
    scenario: Scenario,
    seed: int,
    days: int,
    report: Callable[[LiveFrame], None],
    *,
    stop: Callable[[], bool] = lambda: False,
    interval: float = REPORT_INTERVAL_S,
    pace: float | None = None,
) -> None:
    """:func:`watch_run` in a process of its own (from the same fork server as the app's
    workers), its frames coming back through a pipe and handed to ``report`` here.

    Why not a thread of the server: measured in the page, a watched run in the server's own
    process made Run -> table about 1 s (15 %) slower, because the run holds the interpreter
    lock the server needs to take in the comparison's results; in a process of its own, at the
    workers' low priority, it takes only a little of the processor.  ``stop()`` turning true
    ends the child at once (:class:`LiveStopped`); a child that dies without finishing raises
    ``RuntimeError``.
    """
    import multiprocessing as mp

    ctx = mp.get_context("forkserver")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(
        target=_watch_in_child, args=(scenario, seed, days, send, interval, pace), daemon=True
    )
    child.start()
    send.close()  # ours; the child has its own copy
    finished = False
    try:
        while not finished:
            if stop():
                raise LiveStopped
            if receive.poll(0.05):
                try:
                    frame = receive.recv()
                except EOFError:
                    break
                report(frame)
                finished = frame.finished
    finally:
        if child.is_alive() and not finished:
            child.terminate()
        child.join(timeout=10)
        receive.close()
    if not finished:
        raise RuntimeError(f"the watched run ended without finishing (exit code {child.exitcode})")


# -- drawing -------------------------------------------------------------------------------------


def curve_svg(
    values: Sequence[float],
    days: int,
    *,
    title: str,
    unit: str,
    top: float | None = None,
    percent: bool = False,
    colour: str = "#1f77b4",
    width: int = 420,
    height: int = 150,
) -> str:
    """A daily series as a small SVG line drawing: x the day (0..days), y from 0 to ``top`` (by
    default the largest value so far, rounded up).  Days without a value (NaN) break the line."""
    left, right, up, down = 44, 8, 22, 22
    w, h = width - left - right, height - up - down
    finite = [v for v in values if v == v]
    peak = top if top is not None else max([*finite, 1e-9])
    peak = _nice_ceiling(peak) if top is None else peak
    shown = (lambda v: f"{100 * v:.0f} %") if percent else (lambda v: f"{v:g}")

    def xy(i: int, v: float) -> str:
        return f"{left + w * i / max(days - 1, 1):.1f},{up + h * (1 - min(v, peak) / peak):.1f}"

    paths, run = [], []
    for i, v in enumerate(values):
        if v == v:
            run.append(xy(i, v))
        elif run:
            paths.append(run)
            run = []
    if run:
        paths.append(run)
    lines = "".join(
        f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{" ".join(p)}"/>'
        if len(p) > 1
        else f'<circle r="1.5" fill="{colour}" cx="{p[0].split(",")[0]}" cy="{p[0].split(",")[1]}"/>'
        for p in paths
    )
    last = next((v for v in reversed(values) if v == v), math.nan)
    now = "" if last != last else f" - {100 * last:.0f} %" if percent else f" - {last:.1f} {unit}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="govsim-live-curve" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" data-points="{sum(len(p) for p in paths)}">'
        f'<text x="{left}" y="14" font-size="12">{_esc(title)}{_esc(now)}</text>'
        f'<line x1="{left}" y1="{up + h}" x2="{left + w}" y2="{up + h}" stroke="#999"/>'
        f'<line x1="{left}" y1="{up}" x2="{left}" y2="{up + h}" stroke="#999"/>'
        f'<text x="{left - 4}" y="{up + 4}" font-size="10" text-anchor="end">{shown(peak)}</text>'
        f'<text x="{left - 4}" y="{up + h}" font-size="10" text-anchor="end">0</text>'
        f'<text x="{left + w}" y="{height - 6}" font-size="10" text-anchor="end">'
        f"{_esc(_('day {n}').format(n=days))}</text>"
        f"{lines}</svg>"
    )


def _nice_ceiling(x: float) -> float:
    """The next 1, 2 or 5 times a power of ten at or above ``x`` (an axis top)."""
    if x <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(x))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= x)


def _esc(text: str) -> str:
    import html

    return html.escape(text)


#: The hall view's legend: how a visitor left a queue.
OUTCOME_WORDS = {
    "served": N_("served"),
    "gave_up": N_("gave up waiting"),
    "turned_away": N_("turned away at closing"),
}
