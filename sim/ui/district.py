"""The district view's state and work (no widgets): which district file, what to compare
(allocation rules or roll-out plans), the run's size, what blocks Run, the run in the background,
and the losers and figures of its results.

A comparison here is :func:`sim.compare.compare` of one district file under two or more rules,
run on the app's warm worker pool (:func:`sim.ui.runner.run_comparison`), one whole district per
task; the losers and figures are :mod:`sim.district.report`'s and :mod:`sim.district.figures`'.
This module only chooses the packages and lays the numbers out in the planner's words.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass
from typing import Any

import solara
import solara.lab

from sim.district.settings import ALLOCATION_RULES, PILOT_RULES
from sim.i18n import N_, _
from sim.ui import library
from sim.ui.runner import POOL, RunSettings, run_comparison
from sim.ui.state import config
from sim.ui.tasks import _TaskCancel, _throttled

#: What a district comparison varies: the budget's allocation rule, or how a roll-out's pilots
#: are chosen (only for a district file with a roll-out).
ALLOCATION, ROLLOUT = "allocation", "rollout"
SETTING_KEY = {ALLOCATION: "district.allocation", ROLLOUT: "district.rollout.rule"}
RULES = {ALLOCATION: ALLOCATION_RULES, ROLLOUT: PILOT_RULES}
#: Each rule's short name: the package's name in the results (the table's columns, the figures).
RULE_NAMES = {
    "equal": N_("Equal per community"),
    "per_resident": N_("Per resident"),
    "per_task": N_("Per task pushed down"),
    "by_need": N_("By need"),
    "by_score": N_("By evaluation score"),
    "random": N_("Random pilots"),
    "best_evaluated": N_("Best-evaluated pilots"),
    "most_in_need": N_("Neediest pilots"),
}
#: What each rule does, beside its checkbox (sim.district.coupling has the formulas).
RULE_HELP = {
    "equal": N_("the same money for every community, whatever its size"),
    "per_resident": N_("money in proportion to residents"),
    "per_task": N_(
        "money follows the tasks the departments pushed down last month (funding follows the task)"
    ),
    "by_need": N_("more money where there are more retirees, migrants and vulnerable residents"),
    "by_score": N_("money by the yearly evaluation score, with a bonus for demonstration communities"),
    "random": N_("pilots drawn at random"),
    "best_evaluated": N_("the best-evaluated communities pilot first"),
    "most_in_need": N_("the communities most in need (retirees, migrants, vulnerable residents) pilot first"),
}
#: The rule compared with the file's own by default (the first that differs from it): the
#: issue's question, money following evaluation scores; for a roll-out, pilots by chance.
DEFAULT_OTHER = {ALLOCATION: ("by_score", "per_resident"), ROLLOUT: ("random", "most_in_need")}
#: The district file the view opens with: small enough to run in a minute.
DEFAULT_FILE = "district_demo.toml"
#: The demonstration size offered for a large district (as scenarios/district_demo.toml).
DEMO_COMMUNITIES, DEMO_SUBDISTRICTS = 24, 4
DEFAULT_REPLICATIONS = 3
MAX_REPLICATIONS = 50
MAX_COMMUNITIES = 5000  # sim.district.settings: district.communities
#: An estimate above this many seconds is shown as a warning, with the demonstration size.
LONG_S = 120.0
#: The run lengths offered (N_: each reads in the planner's language), in days; the district
#: settles money, departments and evaluation monthly, so a month is the shortest that couples.
LENGTHS = {
    N_("1 month (31 days)"): 31,
    N_("3 months (91 days)"): 91,
    N_("6 months (182 days)"): 182,
    N_("1 year (365 days)"): 365,
    N_("2 years (730 days)"): 730,
}


@dataclass(frozen=True)
class DistrictChoice:
    """What the planner chose; None and () mean the district file's own value."""

    file: str | None = None  # a district file's name in the scenarios folder
    mode: str = ALLOCATION
    rules: tuple[str, ...] | None = None  # None: the file's rule and one other
    communities: int | None = None
    subdistricts: int | None = None
    replications: int = DEFAULT_REPLICATIONS
    days: int | None = None
    seed: int = 1


choice = solara.reactive(DistrictChoice())
progress: solara.Reactive[tuple[int, int]] = solara.reactive((0, 0))
#: The last finished comparison's results (DistrictResults), kept across later Stops.
last: solara.Reactive[Any] = solara.reactive(None)
#: Fields whose text is not a whole number (field id -> "label: what is wrong"): Run waits.
unfinished: solara.Reactive[dict[int, str]] = solara.reactive({})


def reset() -> None:
    """Back to the start (:func:`sim.ui.state.reset` calls it)."""
    choice.set(DistrictChoice())
    progress.set((0, 0))
    last.set(None)
    unfinished.set({})


def update(**changes: Any) -> None:
    choice.set(dataclasses.replace(choice.value, **changes))


def report_field(field_id: int, problem: str | None) -> None:
    """A number field says its text is not a number (``problem``) or no longer is (None)."""
    rest = {k: v for k, v in unfinished.value.items() if k != field_id}
    if problem is None and field_id not in unfinished.value:
        return
    unfinished.set(rest if problem is None else {**rest, field_id: problem})


# -- the district file and the packages ----------------------------------------------------------


def entries() -> list[library.LibraryEntry]:
    return library.scan_districts(config.value.scenarios_dir)


def entry(c: DistrictChoice) -> library.LibraryEntry | None:
    """The chosen district file (the default, else the first, when none is chosen)."""
    found = entries()
    wanted = c.file or DEFAULT_FILE
    return next((e for e in found if e.path.name == wanted), None if c.file else next(iter(found), None))


def pick_file(name: str) -> None:
    """Another district file: its own sizes, length and rules (the run settings stay)."""
    c = choice.value
    choice.set(DistrictChoice(file=name, replications=c.replications, seed=c.seed))


def has_rollout(district: Any) -> bool:
    return bool(district.settings["rollout.reform"])


def file_rule(district: Any, mode: str) -> str:
    return str(district.settings[SETTING_KEY[mode].removeprefix("district.")])


def chosen_rules(district: Any, c: DistrictChoice) -> tuple[str, ...]:
    """The rules to compare, the reference first: the file's own rule if chosen (else the first
    chosen), then the others in the list's order."""
    own = file_rule(district, c.mode)
    default = (own, next(r for r in DEFAULT_OTHER[c.mode] if r != own))
    rules = c.rules if c.rules is not None else default
    listed = [r for r in RULES[c.mode] if r in rules]
    first = own if own in listed else listed[0] if listed else None
    return tuple(([first] if first else []) + [r for r in listed if r != first])


def toggle_rule(district: Any, rule: str, on: bool) -> None:
    current = set(chosen_rules(district, choice.value))
    current = current | {rule} if on else current - {rule}
    update(rules=tuple(r for r in RULES[choice.value.mode] if r in current))


def set_mode(mode: str) -> None:
    update(mode=mode, rules=None)


def size_problems(district: Any, c: DistrictChoice) -> list[str]:
    """What is wrong with the chosen communities and sub-districts (empty: nothing)."""
    out = []
    if c.communities is not None and not 1 <= c.communities <= MAX_COMMUNITIES:
        out.append(_("Communities: from 1 to {n}; got {got}.").format(n=MAX_COMMUNITIES, got=c.communities))
    count = c.communities if c.communities is not None else district.count
    subs = c.subdistricts if c.subdistricts is not None else int(district.settings["subdistricts"])
    if not 1 <= subs <= max(1, count):
        out.append(
            _("Sub-districts: from 1 to the number of communities ({n}); got {got}.").format(
                n=count, got=subs
            )
        )
    return out


def sized(district: Any, c: DistrictChoice) -> Any:
    """The district at the chosen size (communities and sub-districts) - generated districts only;
    the file's own size while the chosen one is impossible (Run is blocked then)."""
    if district.listed or size_problems(district, c):
        return district
    changes = {}
    if c.communities is not None:
        changes["district.communities"] = c.communities
    if c.subdistricts is not None:
        changes["district.subdistricts"] = c.subdistricts
    return district.with_changes(changes) if changes else district


def packages(district: Any, c: DistrictChoice) -> tuple[Any, ...]:
    """The district under each chosen rule, named after the rule in the planner's language (the
    reference first)."""
    base = sized(district, c)
    key = SETTING_KEY[c.mode]
    return tuple(base.with_changes({key: r}, name=_(RULE_NAMES[r])) for r in chosen_rules(district, c))


def run_days(district: Any, c: DistrictChoice) -> int:
    return c.days if c.days is not None else int(district.days)


# -- what it costs, and what blocks Run ----------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    runs: int
    seconds: float  # wall time on the pool's workers
    bytes_each: int  # memory of one district run
    bytes_free: int | None  # what the machine has now


def estimate(district: Any, c: DistrictChoice, workers: int) -> Estimate:
    """Runs, a rough wall time and the memory of one district run (:func:`sim.budgets.district_cost`
    of its communities: one district per worker) against what the machine has."""
    from sim.budgets import available_memory, district_cost, run_cost

    days = run_days(district, c)
    one = district_cost([run_cost(m.scenario.params, days) for m in sized(district, c).members])
    runs = len(chosen_rules(district, c)) * c.replications
    rounds = math.ceil(runs / max(1, workers))
    return Estimate(runs, rounds * one.seconds, one.bytes, available_memory())


def duration_text(seconds: float) -> str:
    if seconds < 90:
        return _("about {n} s").format(n=max(1, round(seconds)))
    if seconds < 90 * 60:
        return _("about {n} min").format(n=round(seconds / 60))
    return _("about {n} h").format(n=f"{seconds / 3600:.1f}")


def gigabytes(n: float) -> str:
    return f"{n / 1e9:.1f} GB"


def problems(district: Any | None, c: DistrictChoice, workers: int) -> list[str]:
    """Why Run is not possible now, in the planner's words (empty: it is)."""
    out = list(unfinished.value.values())
    if district is None:
        return [*out, _("Pick a district file.")]
    if len(chosen_rules(district, c)) < 2:
        out.append(_("Choose at least two rules: the first is the reference the others are compared with."))
    out.extend(size_problems(district, c))
    if not 2 <= c.replications <= MAX_REPLICATIONS:
        out.append(
            _("Paired runs: from 2 to {n} (two are the fewest that give an interval); got {got}.").format(
                n=MAX_REPLICATIONS, got=c.replications
            )
        )
    if c.seed < 0:
        out.append(_("Seed: 0 or more; got {got}.").format(got=c.seed))
    if out:
        return out
    est = estimate(district, c, workers)
    at_once = min(workers, est.runs)
    if est.bytes_free is not None and est.bytes_each * at_once > est.bytes_free:
        out.append(
            _(
                "{runs} district runs of {n} communities at once need about {need} of memory; this "
                "machine has {free} free. Use the demonstration size, fewer communities or a shorter run."
            ).format(
                runs=at_once,
                n=sized(district, c).count,
                need=gigabytes(est.bytes_each * at_once),
                free=gigabytes(est.bytes_free),
            )
        )
    return out


# -- the run -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistrictResults:
    comparison: Any  # sim.compare.Comparison with .communities
    choice: DistrictChoice
    signature: tuple
    seconds: float


def signature(district: Any, c: DistrictChoice) -> tuple:
    """What the results depend on, in any language: the sized district, the rules, the run."""
    rules = chosen_rules(district, c)
    return (sized(district, c).content_hash(), c.mode, rules, c.replications, run_days(district, c), c.seed)


@solara.lab.task(prefer_threaded=True)
def district_task(pkgs: tuple[Any, ...], c: DistrictChoice, days: int, sig: tuple) -> DistrictResults:
    """Compare the packages on the warm pool (one district run per task)."""
    started = time.perf_counter()
    progress.set((0, len(pkgs) * c.replications))
    comparison = run_comparison(
        pkgs,
        RunSettings(replications=c.replications, days=days, seed=c.seed),
        progress=_throttled(progress),
        cancel=_TaskCancel(district_task),  # type: ignore[arg-type]
    )
    results = DistrictResults(comparison, c, sig, time.perf_counter() - started)
    if district_task.is_current():
        last.set(results)
    return results


def start() -> None:
    """Run the comparison as chosen now (does nothing if a problem blocks it)."""
    e = entry(choice.value)
    district = e.scenario if e is not None else None
    c = choice.value
    if problems(district, c, POOL.workers):
        return
    district_task(packages(district, c), c, run_days(district, c), signature(district, c))


def stop() -> None:
    if district_task.pending:
        district_task.cancel()


def is_current(results: DistrictResults) -> bool:
    """Whether the results still match the choice (else the page says they are out of date)."""
    e = entry(choice.value)
    if e is None or e.scenario is None or problems(e.scenario, choice.value, POOL.workers):
        return False
    return results.signature == signature(e.scenario, choice.value)


# -- the results: who loses, and the figures -----------------------------------------------------

#: The figures' captions (translated where they are shown).
TILES_CAPTION = N_(
    "Each square is a community, in blocks by sub-district, coloured by its mean over the runs "
    "(red worse, green better); outlined: demonstration communities."
)
BY_TYPE_CAPTION = N_(
    "Each dot is a community; the box holds the middle half of each type, the diamond its mean "
    "weighted by residents."
)
CHANGE_CAPTION = N_(
    "Each community's paired change from the reference, worst first, with its 95 % interval over "
    "the runs; ringed in red: it loses (worse by more than the dashed line, and sure)."
)


def localised(frame: Any) -> Any:
    """A community table with its type labels (the district file's words) in the reader's language."""
    out = frame.assign(type_label=[_(str(t)) for t in frame["type_label"]])
    out.attrs = dict(frame.attrs)
    return out


@dataclass(frozen=True)
class LoserCount:
    """How many communities lose on a measure under a package, against the reference."""

    package: str
    kpi: str
    losers: int
    communities: int
    threshold: float


def loser_counts(tables: dict[tuple[str, str], Any]) -> list[LoserCount]:
    """From :func:`sim.district.report.losers_tables`: one count per package and measure."""
    return [
        LoserCount(b, kpi, int(t["loses"].sum()), len(t), float(t.attrs.get("threshold", math.nan)))
        for (b, kpi), t in tables.items()
    ]


def losers_sentence(n: LoserCount, reference: str) -> str:
    """ "N of M communities lose on ... under ..." in the reader's language."""
    from sim.ui.labels import kpi_difference, kpi_label, kpi_unit

    threshold = f"{kpi_difference(n.kpi, n.threshold).lstrip('+')} {kpi_unit(n.kpi, difference=True)}".strip()
    return _(
        "{n} of {total} communities lose on {kpi} under {package}, against {reference} (worse by "
        "more than {threshold}, and sure)."
    ).format(
        n=n.losers, total=n.communities, kpi=kpi_label(n.kpi), package=n.package, reference=reference,
        threshold=threshold,
    )  # fmt: skip


#: The losers table lists every loser up to this many, and at least the few worst changes (so a
#: package with no loser still shows who comes closest).
LOSERS_SHOWN, WORST_SHOWN = 50, 5


def losers_rows(table: Any) -> tuple[Any, int]:
    """The rows of a losers table to show (worst first) and how many losers are left out."""
    lost = int(table["loses"].sum())
    shown = max(min(lost, LOSERS_SHOWN), WORST_SHOWN)
    return table.head(shown), max(0, lost - LOSERS_SHOWN)


def district_images(c: Any, tables: dict[tuple[str, str], Any], package: str, kpi: str) -> list[Any]:
    """The figures of one package and measure: the tiles, by type, and (for a package other than
    the reference) the change per community; PNGs in the reader's language."""
    from sim.district import figures as fig
    from sim.district.report import mean_table
    from sim.ui.labels import kpi_label
    from sim.ui.runner import _image

    means = localised(mean_table(c, package))
    label = kpi_label(kpi)
    images = [
        _image(
            "district-tiles",
            _("Communities by sub-district: {kpi}, {name}").format(kpi=label, name=package),
            _(TILES_CAPTION),
            lambda: fig.tiles_figure(means, kpi),
        ),
        _image(
            "district-by-type",
            _("By community type: {kpi}, {name}").format(kpi=label, name=package),
            _(BY_TYPE_CAPTION),
            lambda: fig.by_type_figure(means, kpi),
        ),
    ]
    reference = c.names[0]
    if package != reference:
        change = localised(tables[(package, kpi)])
        images.append(
            _image(
                "district-change",
                _("Change per community, {b} against {a}: {kpi}").format(b=package, a=reference, kpi=label),
                _(CHANGE_CAPTION),
                lambda: fig.paired_difference_figure(change, kpi, a=reference, b=package),
            )
        )
    return images


def table_sections() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The district KPI table's sections: service to residents, then how it spreads across the
    communities, then the other sections of the Compare tab's table (the district's totals and
    means, and its make-up last)."""
    from sim.ui.labels import KPI_SECTIONS

    spread = next(s for s in KPI_SECTIONS if any(k.startswith("spread.") for k in s[1]))
    return (KPI_SECTIONS[0], spread, *(s for s in KPI_SECTIONS[1:] if s is not spread))
