"""Experiment files: a base scenario, the factors to vary, a design, replications, what to keep.

An experiment is a TOML file in ``experiments/`` (or the same structure as a dict in Python)::

    name = "Staffing x opening hours"
    base = "../scenarios/changsha_2014.toml"   # relative to this file
    replications = 10                           # seeds per design point (common to all points)
    seed = 1
    days = 365                                  # default: the base scenario's run.days
    kpis = ["staff.service_time_share", "access.resolved_share.*"]   # default: every KPI
    daily = false                               # keep the daily series too
    timeout = 300                               # seconds per run before it is stopped

    [design]
    kind = "factorial"       # factorial | lhs | sobol | saltelli | morris | list

    [factors."staff.count"]
    values = [6, 8, 11, 14]

    [factors."service.opening"]
    values = [{ weekdays = ["08:00-12:00", "14:30-17:30"] }, { weekdays = ["08:00-20:00"] }]
    labels = ["office hours", "weekday evenings"]

A factor is a parameter of :data:`sim.parameters.PARAMS` (a per-group parameter may be varied for
one group: ``"needs.take_leave_prob.commuter"``), with either explicit ``values`` or a
``range = [lo, hi]`` (numbers only; ``levels = n`` spaces n values over it for a factorial
design; sampled designs draw uniformly from it, integers with equal chances).  The factor
``scenario`` varies the scenario itself: ``values`` lists scenario files, or
``leave_one_out = "package.toml"`` gives the package and the package minus each file it applies.

A factor may say ``role = "lever"`` (what a planner sets) or ``role = "uncertainty"`` (the
default: what nobody knows); ``[design] kind = "crossed"`` runs every combination of the levers
against one shared sample of ``uncertainty_samples`` uncertainty points.  ``[[constraints]]``
tables (``expr = "finance.balance_yuan >= 0"``) mark the runs that break them infeasible in the
analyses of :mod:`sim.analysis`; the runs stay in the store.

``[set]`` fixes parameters for every point (``[set.population] residents = 3000``), ``[quick]``
holds smaller sizes for a fast look (``replications``, ``days``, ``design``, ``set``) used with
``--quick``, and ``[analysis] reference = { "staff.count" = 11 }`` names the point that the
others are compared with (paired, replication by replication).

Every mistake is a :class:`ExperimentError` naming the file and the key, on one line.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sim import budgets, paths
from sim.scenario import Scenario, ScenarioError

TOP_KEYS = (
    "name",
    "description",
    "base",
    "replications",
    "seed",
    "days",
    "kpis",
    "daily",
    "timeout",
    "design",
    "factors",
    "set",
    "quick",
    "analysis",
    "constraints",
)
DESIGN_KEYS = (
    "kind",
    "samples",
    "trajectories",
    "levels",
    "second_order",
    "seed",
    "points",
    "uncertainty_samples",
    "uncertainty_sampler",
    "uncertainty_points",
)
DESIGN_KINDS = ("factorial", "lhs", "sobol", "saltelli", "morris", "list", "crossed")
FACTOR_KEYS = (
    "values",
    "range",
    "levels",
    "labels",
    "leave_one_out",
    "include_full",
    "role",
    "keep_scenario_values",
)
ROLES = ("uncertainty", "lever")
#: A factor without ``role`` is an uncertainty: most experiments vary what nobody knows, and a
#: lever (what a planner sets) is a deliberate claim the file should make.
DEFAULT_ROLE = "uncertainty"
UNCERTAINTY_SAMPLERS = ("lhs", "sobol")
CONSTRAINT_KEYS = ("expr", "name")
QUICK_KEYS = ("replications", "days", "design", "set")
ANALYSIS_KEYS = ("reference",)
SCENARIO_FACTOR = "scenario"
# Messages of the scenario rules that involve several parameters (sim.scenario.consistency.check_consistency).
_CROSS_RULES = ("must sum to 1", "needs departments.classification")
#: Designs bigger than this are almost certainly a mistake (a typo in levels or samples).
MAX_POINTS = budgets.MAX_POINTS
#: Seeds are stored as SQLite integers (64-bit signed).
MAX_SEED = 2**63 - 1


class ExperimentError(ScenarioError):
    """A bad experiment file or definition; ``str(err)`` is one line naming the file and key."""


def _err(source: str, key: str | None, message: str) -> ExperimentError:
    return ExperimentError(source, key, message)


def _close(word: str, options: Sequence[str], n: int = 3) -> str:
    close = difflib.get_close_matches(word, list(options), n=n, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _label(value: Any) -> str:
    if isinstance(value, Scenario):
        return value.name
    if isinstance(value, (Mapping, list, tuple)):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return str(value)


# -- factors -------------------------------------------------------------------------------------


def _shown(path: Path) -> str:
    return paths.shown(path)


def _check_int(src: str, key: str, value: Any, lo: int, hi: int | None = None) -> int:
    """A whole number written as one: ``1e12`` is a float in TOML and is refused, not rounded
    (a count or size that big is a typo, and checking it as a float would hide that)."""
    if not _is_int(value) or value < lo or (hi is not None and value > hi):
        upper = f" and at most {hi:,}" if hi is not None else ""
        shown = f"{value:,}" if _is_int(value) else _show(value)
        raise _err(src, key, f"must be a whole number of at least {lo}{upper}, got {shown}")
    return int(value)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


def _check_positive(src: str, key: str, value: Any) -> float:
    if not _is_number(value) or value <= 0:
        raise _err(src, key, f"must be a positive number of seconds, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class Factor:
    """One thing the experiment varies.

    ``param`` is the parameter key and ``member`` the group or class for a per-group parameter
    varied for one group; the scenario factor has neither.  A factor has explicit ``values`` (with
    ``labels`` for the tables of results) or a numeric range ``lo``..``hi``.
    """

    key: str
    param: str | None
    member: str | None = None
    values: tuple[Any, ...] | None = None
    labels: tuple[str, ...] | None = None
    lo: float | None = None
    hi: float | None = None
    levels: int | None = None
    integer: bool = False
    role: str = DEFAULT_ROLE
    #: A scenario that sets this parameter itself keeps its value: the factor varies an assumption
    #: beneath the scenarios (e.g. the 2002 money, which the 2014 package replaces by its own).
    keep_scenario_values: bool = False

    def set_by(self, scenario: Scenario) -> bool:
        """Whether ``scenario`` sets this factor's parameter (or its member) away from the default."""
        from sim.parameters import default as default_of

        if self.param is None:
            return False
        # One parameter's default, not a copy of all of them: this runs for every design point.
        value, default = scenario.params[self.param], default_of(self.param)
        if self.member is not None:
            value, default = value[self.member], default[self.member]
        return bool(value != default)

    @property
    def is_range(self) -> bool:
        return self.values is None

    @property
    def labelled(self) -> bool:
        """The results table shows a label for this factor, not the value itself."""
        return self.values is not None and (
            self.labels is not None
            or self.param is None
            or any(not _is_number(v) and not isinstance(v, bool) for v in self.values)
        )

    def level_list(self) -> list[Any]:
        """The values a factorial design crosses."""
        if self.values is not None:
            return list(self.values)
        assert self.lo is not None and self.hi is not None and self.levels is not None
        raw = [self.lo + (self.hi - self.lo) * i / (self.levels - 1) for i in range(self.levels)]
        if self.integer:
            return list(dict.fromkeys(round(x) for x in raw))
        return raw

    def from_unit(self, u: float) -> Any:
        """The value at ``u`` in [0, 1] of a sampled design.

        A range maps linearly; an integer range is cut into equal bins, one per integer, so each
        integer is drawn equally often (plain rounding would halve the chances of the two ends).
        Explicit values are categories: the unit interval is cut into as many equal parts.
        """
        u = min(max(float(u), 0.0), 1.0)
        if self.values is not None:
            return self.values[min(int(u * len(self.values)), len(self.values) - 1)]
        assert self.lo is not None and self.hi is not None
        if self.integer:
            lo, hi = int(self.lo), int(self.hi)
            return min(lo + int(u * (hi - lo + 1)), hi)
        return self.lo + u * (self.hi - self.lo)

    def to_unit(self, value: Any) -> float:
        """Where ``value`` lies in [0, 1]: the inverse of :meth:`from_unit` (a category or an
        integer at the middle of its part)."""
        if self.values is not None:
            i = next(i for i, v in enumerate(self.values) if v is value or v == value)
            return (i + 0.5) / len(self.values)
        assert self.lo is not None and self.hi is not None
        if self.integer:
            lo, hi = int(self.lo), int(self.hi)
            return (int(value) - lo + 0.5) / (hi - lo + 1)
        return (float(value) - self.lo) / (self.hi - self.lo) if self.hi > self.lo else 0.0

    def label_of(self, value: Any) -> Any:
        """What the results table shows for ``value``: the value, or its label."""
        if not self.labelled:
            return value
        assert self.values is not None
        if self.labels is not None:
            for v, lab in zip(self.values, self.labels, strict=True):
                if v is value or (not isinstance(v, Scenario) and v == value):
                    return lab
        return _label(value)

    def change(self, value: Any) -> dict[str, Any]:
        """The scenario change that sets this factor to ``value``."""
        if self.param is None:
            return {}
        if self.member is not None:
            return {self.param: {self.member: value}}
        return {self.param: value}


# -- the experiment ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Design:
    kind: str = "factorial"
    samples: int | None = None
    trajectories: int | None = None
    levels: int = 4
    second_order: bool = False
    seed: int | None = None
    points: tuple[tuple[Any, ...], ...] | None = None
    uncertainty_samples: int | None = None  # crossed: one shared sample of the uncertainties
    uncertainty_sampler: str = "lhs"
    # crossed: or given futures, one value per uncertainty factor (e.g. a calibration's accepted sets)
    uncertainty_points: tuple[tuple[Any, ...], ...] | None = None


@dataclass(frozen=True)
class Point:
    """One design point: factor values (and what the tables show for them) and its scenario."""

    index: int
    values: dict[str, Any]
    shown: dict[str, Any]
    scenario: Scenario
    scenario_hash: str
    unit: tuple[float, ...] | None = None  # the row of the unit design matrix (sampled designs)


@dataclass(frozen=True)
class Experiment:
    """A validated experiment.  Build one with :func:`load_experiment` or :func:`experiment_from_mapping`."""

    name: str
    source: str
    text: str
    base: Scenario | None
    factors: tuple[Factor, ...]
    design: Design
    replications: int = 10
    seed: int = 1
    days: int | None = None
    kpis: tuple[str, ...] = ()
    daily: bool = False
    timeout: float | None = None
    description: str = ""
    fixed: Mapping[str, Any] = field(default_factory=dict)
    reference: Mapping[str, Any] | None = None
    quick: bool = False
    constraints: tuple[Condition, ...] = ()

    def __repr__(self) -> str:
        return (
            f"Experiment({self.name!r}, {self.design.kind}, factors={[f.key for f in self.factors]}, "
            f"replications={self.replications})"
        )

    @property
    def factor_keys(self) -> list[str]:
        return [f.key for f in self.factors]

    @property
    def levers(self) -> list[str]:
        """Factors a planner controls (``role = "lever"``)."""
        return [f.key for f in self.factors if f.role == "lever"]

    @property
    def uncertainties(self) -> list[str]:
        """Factors nobody controls or knows (``role = "uncertainty"``, the default)."""
        return [f.key for f in self.factors if f.role == "uncertainty"]

    def with_options(self, **changes: Any) -> Experiment:
        """A copy with some top-level settings changed (``replications``, ``timeout``, ...)."""
        if "replications" in changes:
            _check_int(self.source, "replications", changes["replications"], 1, budgets.MAX_REPLICATIONS)
        if changes.get("timeout") is not None:
            _check_positive(self.source, "timeout", changes["timeout"])
        return replace(self, **changes)

    def unit_matrix(self) -> Any:
        """The design in unit coordinates (one row per point) for sampled designs, else None."""
        from sim.experiments.design import unit_matrix

        return unit_matrix(self)

    def points(self) -> list[Point]:
        """Every design point, in design order (the order SALib's analysis expects)."""
        from sim.experiments.design import points

        return points(self)

    def scenario_for(self, base: Scenario, values: Mapping[str, Any], index: int) -> Scenario:
        """``base`` with the fixed settings and the factor values applied (validated)."""
        changes: dict[str, Any] = dict(self.fixed)
        for f in self.factors:
            if f.key not in values or (f.keep_scenario_values and f.set_by(base)):
                continue
            for key, v in f.change(values[f.key]).items():
                if isinstance(v, Mapping) and isinstance(changes.get(key), Mapping):
                    changes[key] = {**changes[key], **v}
                else:
                    changes[key] = v
        try:
            return base.with_changes(changes) if changes else base
        except ScenarioError as e:
            shown = ", ".join(f"{k}={_label(v)}" for k, v in values.items())
            raise _err(self.source, e.key, f"{e.message} (design point {index}: {shown})") from None

    def identity(self) -> dict[str, Any]:
        """What must match for runs of this experiment to go into the same store."""
        return {
            "factors": self.factor_keys,
            "design": self.design.kind,
            "seed": self.seed,
            "days": self.days,
            "kpis": list(self.kpis),
            "daily": self.daily,
            # Only when used, so that stores written before the option still resume.
            **({"kept": kept} if (kept := [f.key for f in self.factors if f.keep_scenario_values]) else {}),
        }


def load_experiment(path: str | Path, *, quick: bool = False) -> Experiment:
    """Read and validate an experiment file; ``quick`` applies its ``[quick]`` table."""
    shown = paths.shown(path)
    try:
        doc, text = paths.read_toml(path, "experiment file")
    except paths.InputError as e:
        raise _err(shown, None, e.message) from None
    path = Path(path)
    return _parse(doc, shown, path.parent, text, quick, default_name=path.stem)


def experiment_from_mapping(
    doc: Mapping[str, Any], *, root: str | Path = ".", source: str = "<script>", quick: bool = False
) -> Experiment:
    """An experiment from a dict with the structure of the file (paths relative to ``root``).

    In a script, ``base`` and the scenario factor's ``values`` may also be :class:`Scenario`
    objects.
    """
    from sim.experiments.reading import _jsonable

    text = json.dumps(_jsonable(doc), sort_keys=True, indent=1)
    return _parse(doc, source, Path(root), text, quick, default_name="experiment")


def _parse(*args: Any, **kwargs: Any) -> Experiment:
    from sim.experiments.reading import parse

    return parse(*args, **kwargs)


# Read from the modules that hold them, under the names callers know.
from sim.experiments.conditions import Condition, parse_condition  # noqa: E402
from sim.experiments.factors import leave_one_out  # noqa: E402
from sim.experiments.reading import content_sha256  # noqa: E402

__all__ = [
    "SCENARIO_FACTOR",
    "Condition",
    "Design",
    "Experiment",
    "ExperimentError",
    "Factor",
    "Point",
    "content_sha256",
    "experiment_from_mapping",
    "leave_one_out",
    "load_experiment",
    "parse_condition",
]
