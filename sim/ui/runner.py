"""Running comparisons for the page: a warm pool of worker processes, and the results' files.

The statistics are :func:`sim.compare.compare`'s, the figures :mod:`sim.figures`' (one
implementation, shared with the command line); this module only decides where the runs happen
and turns figures and tables into the PNG and CSV files the page shows and offers for download.

The runs happen in worker processes so that the server's threads stay free for the page.  The
pool is started once per server and kept warm across clicks: starting processes and importing
the model costs seconds, which would otherwise be paid on every Run.  Because the server has
threads, the processes come from a ``forkserver`` (forking a threaded process is unsafe).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.executors import default_workers
from sim.i18n import N_, _

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.compare import Comparison
    from sim.scenario import Scenario

WORKERS_ENV = "GOVSIM_UI_WORKERS"


#: Workers run at a lower priority than the server, so that the page answers at once during a
#: run (the workers still get every CPU cycle the page does not need).
WORKER_NICENESS = 10


def _worker_init() -> None:
    """In each worker: yield the CPU to the page, leave Ctrl-C to the server (which stops the
    pool itself), and die with the forkserver that started us, so that a killed server leaves no
    process behind."""
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _warm() -> int:
    """Import the model in a worker so that the first Run does not pay for it."""
    import sim.model
    import sim.run  # noqa: F401

    return os.getpid()


class WarmPool:
    """One process pool per server, created on first use and replaced if a worker crashed."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or int(os.environ.get(WORKERS_ENV) or 0) or default_workers()
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def get(self) -> ProcessPoolExecutor:
        """The pool, started if needed.  A broken pool (a worker died) is replaced; the runs that
        were on it have already been handed over by :func:`sim.executors.execute`."""
        with self._lock:
            # ``_broken`` is how ProcessPoolExecutor marks itself unusable; there is no public flag.
            if self._pool is not None and getattr(self._pool, "_broken", False):
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
            if self._pool is None:
                import multiprocessing as mp

                ctx = mp.get_context("forkserver")
                # The fork server imports the model once; every worker forked from it has it.
                ctx.set_forkserver_preload(["sim.run", "sim.model", "sim.compare"])
                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=ctx, initializer=_worker_init
                )
            return self._pool

    def warm_up(self) -> None:
        """Start every worker now (ProcessPoolExecutor starts them lazily)."""
        pool = self.get()
        for f in [pool.submit(_warm) for _i in range(self.workers)]:
            f.result()

    def shutdown(self) -> None:
        """Stop the workers, also those still busy with a run nobody will read."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            if p.is_alive():
                p.terminate()
        for p in processes:
            p.join(timeout=5)


POOL = WarmPool()


@dataclass(frozen=True)
class RunSettings:
    """What the planner chose on the run panel."""

    replications: int = 10
    days: int = 365
    seed: int = 1


ProgressFn = Callable[[int, int], None]


def run_comparison(
    scenarios: Sequence[Scenario],
    settings: RunSettings,
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    pool: WarmPool | None = None,
) -> Comparison:
    """Compare ``scenarios`` (the first is the reference) with :func:`sim.compare.compare`, on the
    warm pool.  Raises ``ComparisonCancelled`` when ``cancel`` is set."""
    from sim.compare import compare

    pool = pool or POOL
    return compare(
        list(scenarios),
        replications=settings.replications,
        seed=settings.seed,
        days=settings.days,
        workers=pool.workers,
        daily=True,
        progress=progress,
        cancel=cancel,
        executor=pool.get(),
    )


# -- figures and files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureImage:
    """A figure as the page shows it: a PNG, or the reason there is none.

    ``title`` and ``caption`` are kept in English (with ``args`` for their placeholders) and
    translated when shown (:meth:`shown_title`), so that a reader who switches language after a
    run reads them in the new one; the picture keeps the language it was drawn in."""

    key: str
    title: str
    caption: str
    png: bytes | None = None
    error: str | None = None
    args: tuple[tuple[str, str], ...] = ()

    @property
    def filename(self) -> str:
        return f"govsim-{self.key}.png"

    def shown_title(self) -> str:
        return self._shown(self.title)

    def shown_caption(self) -> str:
        return self._shown(self.caption)

    def _shown(self, text: str) -> str:
        return _(text).format(**dict(self.args)) if self.args else _(text)


def _image(
    key: str, title: str, caption: str, make: Callable[[], Figure], args: Mapping[str, str] | None = None
) -> FigureImage:
    shown = tuple((args or {}).items())
    try:
        from sim.figures import figure_png

        return FigureImage(key, title, caption, png=figure_png(make()), args=shown)
    except Exception as e:  # a figure that cannot be drawn must not hide the others or the table
        return FigureImage(key, title, caption, error=f"this figure could not be drawn: {e}", args=shown)


def comparison_figures(c: Comparison, series: Sequence[str] = ("wait_mean_min",)) -> Iterator[FigureImage]:
    """The figures of a comparison, one at a time (the page shows each as soon as it is drawn)."""
    from sim import figures
    from sim.ui.labels import DAILY_FIGURES

    ref = c.names[0]
    for s in series:
        yield _image(
            f"daily-{s}",
            DAILY_FIGURES.get(s, s),
            N_("Each scenario's daily mean over its runs, with the 95 % band, on the same axes."),
            lambda s=s: figures.daily_bands(c, s),
        )
    yield _image(
        "staff-time",
        N_("How staff time is spent"),
        N_("Staff hours a day by activity; the black mark is overtime."),
        lambda: figures.staff_time(c),
    )
    yield _image(
        "participation",
        N_("Participation"),
        N_("Share of residents who took part in a council, hearing or activity so far this year."),
        lambda: figures.daily_bands(c, "participation_ytd"),
    )
    yield _image(
        "who-gains",
        N_("Who gains: needs resolved by resident group"),
        N_("A reform that helps commuters may do nothing for retirees; bars are 95 % intervals."),
        lambda: figures.resolved_by_group(c),
    )
    yield _image(
        "effects",
        N_("Effects compared with {ref}"),
        N_(
            "Paired difference from the reference, as % of its mean, with 95 % intervals: green better "
            "and red worse (sure and big enough to matter), pale negligible, grey not sure."
        ),
        lambda: figures.forest(c),
        {"ref": ref},
    )


def replay_figure(c: Comparison, scenario: Scenario, series: Sequence[str]) -> FigureImage:
    """The timeline replay figure for the timeline scenario's runs in ``c``."""
    from sim import figures

    def make() -> Figure:
        assert c.daily is not None
        daily = c.daily[c.daily["scenario"] == scenario.name]
        others = [n for n in c.names if n != scenario.name]
        reference = c.daily[c.daily["scenario"] == others[0]] if others else None
        return figures.timeline_replay(
            daily,
            list(series),
            scenario.timeline,
            reference=reference,
            reference_label=others[0] if others else "",
        )

    return _image(
        "timeline-replay",
        N_("Replay: {name}"),
        N_(
            "Yearly means with a 95 % band over the runs, the same community without the reforms in "
            "grey; dotted lines mark reforms coming into force."
        ),
        make,
        {"name": scenario.name},
    )


#: The KPI table's columns as a planner's download names them (``Comparison.table`` keeps the
#: short names for code and ``govsim compare --report``).
TABLE_HEADERS = {
    "kpi": N_("measure"),
    "scenario": N_("scenario"),
    "n": N_("runs"),
    "mean": N_("mean"),
    "ci_low": N_("mean: 95 % interval low"),
    "ci_high": N_("mean: 95 % interval high"),
    "diff": N_("difference from the baseline"),
    "diff_low": N_("difference: 95 % interval low"),
    "diff_high": N_("difference: 95 % interval high"),
    "relative_change": N_("relative change (share of the baseline)"),
    "effect_size": N_("effect size (Cohen's d)"),
    "matters": N_("size that matters (in the measure's unit)"),
    "verdict": N_("verdict"),
}


def _kpi_header(key: str) -> str:
    from sim.kpis import KPIS, kpi_label

    unit = KPIS[key].unit if key in KPIS else ""
    return f"{kpi_label(key)} ({unit})" if unit else kpi_label(key)


def table_csv(c: Comparison) -> bytes:
    """The KPI table (one row per KPI and scenario) as CSV, measures and columns in plain words;
    shares stay fractions (0.25), as the unit column says."""
    from sim.i18n import _
    from sim.kpis import KPIS, kpi_label
    from sim.ui.labels import VERDICT_WORDS

    t = c.table.copy()
    t.insert(1, "unit", [KPIS[k].unit if k in KPIS else "" for k in t["kpi"]])
    t["kpi"] = [kpi_label(k) for k in t["kpi"]]
    t["verdict"] = [_(VERDICT_WORDS.get(v, "")) if isinstance(v, str) else v for v in t["verdict"]]
    headers = {k: _(v) for k, v in {**TABLE_HEADERS, "unit": N_("unit")}.items()}
    return t.rename(columns=headers).to_csv(index=False).encode()


def runs_csv(c: Comparison) -> bytes:
    """Every run's KPIs (one row per scenario and replication) as CSV, a column per measure."""
    named = {k: _kpi_header(k) for k in c.runs.columns if k not in ("scenario", "replication", "seed")}
    return (
        c.runs.rename(
            columns={"replication": _("run"), "scenario": _("scenario"), "seed": _("seed"), **named}
        )
        .to_csv(index=False)
        .encode()
    )


def daily_csv(c: Comparison) -> bytes:
    """The daily series of every run as CSV, a column per series (with its unit)."""
    from sim.kpis import DAILY, daily_label

    if c.daily is None:
        return b""
    named = {k: daily_label(k) for k in c.daily.columns if k in DAILY}
    fixed = {"replication": _("run"), "scenario": _("scenario"), "day": _("day"), "date": _("date")}
    return c.daily.rename(columns={**fixed, **named}).to_csv(index=False).encode()
