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

import copy
import difflib
import fnmatch
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sim import budgets, paths
from sim.kpis import KPIS
from sim.parameters import CLASSES, GROUPS, PARAMS
from sim.scenario import META_KEYS, Scenario, ScenarioError, load_scenario, scenario_from_mapping

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
)
DESIGN_KINDS = ("factorial", "lhs", "sobol", "saltelli", "morris", "list", "crossed")
FACTOR_KEYS = ("values", "range", "levels", "labels", "leave_one_out", "include_full", "role")
ROLES = ("uncertainty", "lever")
#: A factor without ``role`` is an uncertainty: most experiments vary what nobody knows, and a
#: lever (what a planner sets) is a deliberate claim the file should make.
DEFAULT_ROLE = "uncertainty"
UNCERTAINTY_SAMPLERS = ("lhs", "sobol")
CONSTRAINT_KEYS = ("expr", "name")
QUICK_KEYS = ("replications", "days", "design", "set")
ANALYSIS_KEYS = ("reference",)
SCENARIO_FACTOR = "scenario"
# Messages of the scenario rules that involve several parameters (sim.scenario._check_consistency).
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
            if f.key not in values:
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
    text = json.dumps(_jsonable(doc), sort_keys=True, indent=1)
    return _parse(doc, source, Path(root), text, quick, default_name="experiment")


def _jsonable(x: Any) -> Any:
    if isinstance(x, Scenario):
        return {"scenario": x.name, "sha256": x.content_hash()}
    if isinstance(x, Mapping):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, Path):
        return str(x)
    return x


def _shown(path: Path) -> str:
    return paths.shown(path)


def _deep_merge(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k, v in b.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, Mapping) and isinstance(out.get(k), Mapping) else v
    return out


# Long by design: the experiment file's keys checked one by one, each with its own one-line error.
def _parse(
    doc: Mapping[str, Any], src: str, root: Path, text: str, quick: bool, default_name: str
) -> Experiment:
    for key in doc:
        if key not in TOP_KEYS:
            raise _err(src, key, f"unknown key{_close(key, TOP_KEYS)} Allowed: {', '.join(TOP_KEYS)}")
    q = doc.get("quick", {})
    if not isinstance(q, Mapping):
        raise _err(src, "quick", "must be a table ([quick])")
    for key in q:
        if key not in QUICK_KEYS:
            raise _err(src, f"quick.{key}", f"unknown key; allowed: {', '.join(QUICK_KEYS)}")
    if quick:
        if not q:
            raise _err(src, "quick", "this experiment has no [quick] table, so --quick has nothing to use")
        doc = _deep_merge({k: v for k, v in doc.items() if k != "quick"}, q)

    name = doc.get("name", default_name)
    if not isinstance(name, str) or not name.strip():
        raise _err(src, "name", "must be a non-empty string")
    description = doc.get("description", "")
    if not isinstance(description, str):
        raise _err(src, "description", "must be a string")
    replications = _check_int(src, "replications", doc.get("replications", 10), 1, budgets.MAX_REPLICATIONS)
    seed = _check_int(src, "seed", doc.get("seed", 1), 0, MAX_SEED)
    days = doc.get("days")
    if days is not None:
        days = _check_int(src, "days", days, 1, budgets.MAX_DAYS)
    daily = doc.get("daily", False)
    if not isinstance(daily, bool):
        raise _err(src, "daily", "must be true or false")
    timeout = doc.get("timeout")
    if timeout is not None:
        timeout = _check_positive(src, "timeout", timeout)
    kpis = _kpis(src, doc.get("kpis"))
    constraints = _constraints(src, doc.get("constraints", []))
    # A constraint is judged on stored KPIs, so the KPIs it names are kept even if not listed.
    kpis = (*kpis, *(k for c in constraints for k in c.kpis if k not in kpis))

    fixed = _fixed(src, doc.get("set", {}))
    factors_doc = doc.get("factors", {})
    if not isinstance(factors_doc, Mapping):
        raise _err(src, "factors", 'must be a table of factors ([factors."staff.count"] values = [...])')
    flat = _flatten_factors(src, factors_doc)

    base = _base(src, root, doc.get("base"))
    scenario_values: tuple[Scenario, ...] | None = None
    if SCENARIO_FACTOR in flat:
        scenario_spec = {k: v for k, v in flat[SCENARIO_FACTOR].items() if k != "role"}
        scenario_values, scenario_labels = _scenario_factor(src, root, scenario_spec)
    if base is None and scenario_values is None:
        raise _err(src, "base", "give a base scenario file (or a 'scenario' factor)")
    if base is not None and scenario_values is not None:
        raise _err(src, "base", "the 'scenario' factor gives the scenarios: leave base out")

    design = _crossed(src, doc.get("design", {}), _design(src, _without_crossed(doc.get("design", {})), seed))
    factors: list[Factor] = []
    for key, spec in flat.items():
        role = _role(src, key, spec)
        spec = {k: v for k, v in spec.items() if k != "role"}
        if key == SCENARIO_FACTOR:
            assert scenario_values is not None
            factors.append(
                Factor(SCENARIO_FACTOR, None, values=scenario_values, labels=scenario_labels, role=role)
            )
        else:
            probe = base if base is not None else scenario_values[0]  # type: ignore[index]
            kind = "factorial" if design.kind == "crossed" and role == "lever" else design.kind
            factors.append(replace(_param_factor(src, key, spec, probe, kind), role=role))
    _check_design_fits(src, design, factors)
    _check_roles(src, design, factors)

    reference = _reference(src, doc.get("analysis", {}), factors, design.kind)
    exp = Experiment(
        name=name,
        source=src,
        text=text,
        base=base,
        factors=tuple(factors),
        design=design,
        replications=replications,
        seed=seed,
        days=days,
        kpis=kpis,
        daily=daily,
        timeout=timeout,
        description=description,
        fixed=fixed,
        reference=reference,
        quick=quick,
        constraints=constraints,
    )
    # Check every fixed setting against the base now, so the message names [set] and not a point.
    if fixed:
        for sc in scenario_values or (base,):
            assert sc is not None
            try:
                sc.with_changes(fixed)
            except ScenarioError as e:
                raise _err(src, f"set.{e.key}" if e.key else "set", e.message) from None
    return exp


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


def _kpis(src: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return tuple(KPIS)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(k, str) for k in value):
        raise _err(src, "kpis", "must be a non-empty list of KPI names (see sim/kpis.py)")
    out: list[str] = []
    for pattern in value:
        matches = [k for k in KPIS if fnmatch.fnmatchcase(k, pattern)]
        if not matches:
            raise _err(src, f"kpis.{pattern}", f"unknown KPI{_close(pattern, list(KPIS))}")
        out.extend(m for m in matches if m not in out)
    return tuple(out)


def _fixed(src: str, table: Any, prefix: str = "") -> dict[str, Any]:
    """The ``[set]`` table as dotted keys (values are checked later, against the base)."""
    if not isinstance(table, Mapping):
        raise _err(src, "set", "must be a table of parameter sections, like a scenario file")
    out: dict[str, Any] = {}
    for k, v in table.items():
        dotted = f"{prefix}{k}"
        if dotted in PARAMS:
            out[dotted] = v
        elif isinstance(v, Mapping) and any(p.startswith(dotted + ".") for p in PARAMS):
            out.update(_fixed(src, v, dotted + "."))
        else:
            raise _err(src, f"set.{dotted}", f"unknown parameter{_close(dotted, list(PARAMS))}")
    return out


def _flatten_factors(src: str, table: Mapping[str, Any], prefix: str = "") -> dict[str, Mapping[str, Any]]:
    """``[factors."staff.count"]`` and ``[factors.staff.count]`` (nested tables) both name a factor."""
    out: dict[str, Mapping[str, Any]] = {}
    for key, spec in table.items():
        dotted = f"{prefix}{key}"
        if not isinstance(spec, Mapping):
            raise _err(
                src,
                f"factors.{dotted}",
                "each factor is a table: values = [...] or range = [lo, hi]",
            )
        if any(k in FACTOR_KEYS for k in spec) or not spec:
            out[dotted] = spec
        elif all(isinstance(v, Mapping) for v in spec.values()):
            out.update(_flatten_factors(src, spec, dotted + "."))
        else:
            bad = next(k for k in spec if k not in FACTOR_KEYS)
            raise _err(
                src,
                f"factors.{dotted}.{bad}",
                f"unknown key{_close(bad, FACTOR_KEYS)} Allowed: {', '.join(FACTOR_KEYS)}",
            )
    return out


def _base(src: str, root: Path, value: Any) -> Scenario | None:
    if value is None:
        return None
    if isinstance(value, Scenario):
        return value
    if not isinstance(value, (str, Path)):
        raise _err(src, "base", "must be the path of a scenario file, relative to the experiment file")
    return load_scenario(_scenario_path(src, "base", root, value))


def _scenario_path(src: str, key: str, root: Path, value: str | Path) -> Path:
    """A scenario file named in the experiment: a readable regular file (see :mod:`sim.paths`)."""
    try:
        return paths.input_file(root / paths.check_name(value, "file name"), "scenario file")
    except paths.InputError as e:
        raise _err(src, key, f"{e.message}: {paths.shown(value)}") from None


def _scenario_factor(
    src: str, root: Path, spec: Mapping[str, Any]
) -> tuple[tuple[Scenario, ...], tuple[str, ...]]:
    where = f"factors.{SCENARIO_FACTOR}"
    for k in spec:
        if k not in ("values", "labels", "leave_one_out", "include_full"):
            raise _err(
                src, f"{where}.{k}", "the scenario factor takes values (scenario files) or leave_one_out"
            )
    if ("values" in spec) == ("leave_one_out" in spec):
        raise _err(src, where, 'give either values = [scenario files] or leave_one_out = "package.toml"')
    if "leave_one_out" in spec:
        include = spec.get("include_full", True)
        if not isinstance(include, bool):
            raise _err(src, f"{where}.include_full", "must be true or false")
        ref = spec["leave_one_out"]
        if not isinstance(ref, str):
            raise _err(src, f"{where}.leave_one_out", "must be the path of a package scenario file")
        pairs = leave_one_out(
            _scenario_path(src, f"{where}.leave_one_out", root, ref), src, include_full=include
        )
        return tuple(s for s, _ in pairs), tuple(lab for _, lab in pairs)
    values = spec["values"]
    if not isinstance(values, list) or not values:
        raise _err(src, f"{where}.values", "must be a non-empty list of scenario files")
    scenarios: list[Scenario] = []
    for v in values:
        if isinstance(v, Scenario):
            scenarios.append(v)
        elif isinstance(v, (str, Path)):
            scenarios.append(load_scenario(_scenario_path(src, f"{where}.values", root, v)))
        else:
            raise _err(src, f"{where}.values", f"each value is a scenario file, got {v!r}")
    labels = _labels(src, where, spec.get("labels"), len(scenarios)) or tuple(s.name for s in scenarios)
    if len(set(labels)) != len(labels):
        raise _err(src, f"{where}.labels", "two scenarios have the same name; give labels = [...]")
    return tuple(scenarios), labels


def leave_one_out(package: Path, src: str = "", *, include_full: bool = True) -> list[tuple[Scenario, str]]:
    """The package, then the package minus each file of its ``apply`` list, with their labels.

    The package must only ``extends`` a scenario and ``apply`` files (no sections or timeline of
    its own), so that "minus one file" is well defined.  Each variant is built the way the loader
    builds the package: the base, then the applied files' own settings in order.  As a check, the
    variant that leaves nothing out must have the package's content hash.
    """
    where = f"factors.{SCENARIO_FACTOR}.leave_one_out"
    shown = _shown(package)
    full = load_scenario(_scenario_path(src, where, Path("."), package))  # checks every file it names
    doc, _ = paths.read_toml(package, "scenario file")
    refs = doc.get("apply")
    if isinstance(refs, str):
        refs = [refs]
    if isinstance(refs, list):
        # A file applied twice is one reform: leaving it out removes both, and it is one point.
        refs = list(dict.fromkeys(refs))
    if not isinstance(refs, list) or not refs:
        raise _err(src, where, f"{shown} applies no reform files, so there is nothing to leave out")
    own = [k for k in doc if k not in META_KEYS]
    if own or doc.get("timeline"):
        raise _err(src, where, f"{shown} sets parameters of its own or has a timeline; only extends + apply")
    base = load_scenario(package.parent / doc["extends"]) if "extends" in doc else scenario_from_mapping({})
    applied = [(ref, load_scenario(package.parent / ref)) for ref in refs]

    def without(skip: str | None) -> Scenario:
        changes: dict[str, Any] = {}
        for ref, sc in applied:
            if ref != skip:
                changes.update(copy.deepcopy(dict(sc.own)))
        name = full.name if skip is None else f"{full.name} without {Path(skip).stem}"
        return base.with_changes(changes, name=name)

    rebuilt = without(None)
    if rebuilt.content_hash() != full.content_hash():
        raise _err(src, where, f"could not rebuild {shown} from its parts (its files interact)")
    out = [(full, "full package")] if include_full else []
    for ref, _ in applied:
        try:
            out.append((without(ref), f"without {Path(ref).stem}"))
        except ScenarioError as e:
            raise _err(src, where, f"{shown} without {ref} is not a valid scenario: {e.message}") from None
    return out


def _labels(src: str, where: str, labels: Any, n: int) -> tuple[str, ...] | None:
    if labels is None:
        return None
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels) or len(labels) != n:
        raise _err(src, f"{where}.labels", f"must be a list of {n} strings, one per value")
    if len(set(labels)) != n:
        raise _err(src, f"{where}.labels", "labels must differ from each other")
    return tuple(labels)


def _resolve_param(src: str, key: str) -> tuple[str, str | None]:
    where = f"factors.{key}"
    if key in PARAMS:
        return key, None
    head, _, member = key.rpartition(".")
    if head in PARAMS and PARAMS[head].kind in ("groups", "classes"):
        names = GROUPS if PARAMS[head].kind == "groups" else CLASSES
        if member not in names:
            raise _err(
                src, where, f"unknown {PARAMS[head].kind[:-1]} '{member}'; allowed: {', '.join(names)}"
            )
        return head, member
    options = [*PARAMS, SCENARIO_FACTOR]
    close = difflib.get_close_matches(key, options, n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    section = key.split(".")[0]
    in_section = [k for k in PARAMS if k.startswith(section + ".")]
    listing = (
        f"parameters of [{section}]: {', '.join(in_section)}" if in_section else "see docs/parameters.md"
    )
    raise _err(src, where, f"unknown parameter; {hint}({listing})")


# Long by design: every way a factor can be written, each with its own one-line error.
def _param_factor(src: str, key: str, spec: Mapping[str, Any], probe: Scenario, kind: str) -> Factor:
    where = f"factors.{key}"
    param, member = _resolve_param(src, key)
    p = PARAMS[param]
    for k in spec:
        if k not in ("values", "range", "levels", "labels"):
            raise _err(
                src,
                f"{where}.{k}",
                f"unknown key{_close(k, FACTOR_KEYS)} Allowed: values, range, levels, labels",
            )
    if ("values" in spec) == ("range" in spec):
        raise _err(src, where, "give either values = [...] or range = [lo, hi]")
    numeric = p.kind in ("float", "int") or member is not None
    integer = p.kind == "int"
    if "values" in spec:
        values = spec["values"]
        if not isinstance(values, list) or not values:
            raise _err(src, f"{where}.values", "empty list of values: give at least one value")
        for v in values:
            change = {param: {member: v}} if member is not None else {param: v}
            try:
                probe.with_changes(change)
            except ScenarioError as e:
                # A rule across parameters (shares summing to 1, the access system needing the
                # classification) may hold at the design points once other factors are set: the
                # points are checked when built.  A bad value is an error now.
                if not any(hint in e.message for hint in _CROSS_RULES):
                    raise _err(src, where, e.message) from None
        checked = list(values)
        if len({_label(v) for v in checked}) != len(checked):
            raise _err(src, f"{where}.values", "values repeat: each value once")
        if "levels" in spec:
            raise _err(src, f"{where}.levels", "levels go with range = [lo, hi], not with values")
        labels = _labels(src, where, spec.get("labels"), len(checked))
        return Factor(key, param, member, values=tuple(checked), labels=labels, integer=integer)
    if not numeric:
        raise _err(src, f"{where}.range", f"a {p.kind} parameter varies only over explicit values = [...]")
    rng = spec["range"]
    if not isinstance(rng, list) or len(rng) != 2 or not all(_is_number(x) for x in rng):
        raise _err(src, f"{where}.range", "must be two numbers [lo, hi]")
    lo, hi = float(rng[0]), float(rng[1])
    if not lo < hi:
        raise _err(
            src, f"{where}.range", f"empty range [{rng[0]}, {rng[1]}]: lo must be below hi (or use values)"
        )
    if integer and (not float(lo).is_integer() or not float(hi).is_integer()):
        raise _err(src, f"{where}.range", "an integer parameter needs whole-number bounds")
    if (p.lo is not None and lo < p.lo) or (p.hi is not None and hi > p.hi):
        raise _err(
            src,
            f"{where}.range",
            f"[{rng[0]}, {rng[1]}] is outside the parameter's allowed range: {p.allowed()}",
        )
    if "labels" in spec:
        raise _err(src, f"{where}.labels", "labels go with values, not with a range")
    levels = spec.get("levels")
    if levels is not None:
        levels = _check_int(src, f"{where}.levels", levels, 2, budgets.MAX_POINTS)
    elif kind == "factorial":
        raise _err(src, where, "a factorial design needs values = [...] or levels = n with a range")
    return Factor(key, param, member, lo=lo, hi=hi, levels=levels, integer=integer)


def _design(src: str, table: Any, seed: int) -> Design:
    if not isinstance(table, Mapping):
        raise _err(src, "design", 'must be a table: [design] kind = "factorial"')
    for k in table:
        if k not in DESIGN_KEYS:
            raise _err(
                src, f"design.{k}", f"unknown key{_close(k, DESIGN_KEYS)} Allowed: {', '.join(DESIGN_KEYS)}"
            )
    kind = table.get("kind", "factorial")
    if kind not in DESIGN_KINDS:
        raise _err(
            src,
            "design.kind",
            f"unknown design {kind!r}{_close(str(kind), DESIGN_KINDS)} Allowed: {', '.join(DESIGN_KINDS)}",
        )
    samples = table.get("samples")
    if samples is not None:
        samples = _check_int(src, "design.samples", samples, 1, budgets.MAX_POINTS)
    trajectories = table.get("trajectories")
    if trajectories is not None:
        trajectories = _check_int(src, "design.trajectories", trajectories, 2, budgets.MAX_POINTS)
    levels = _check_int(src, "design.levels", table.get("levels", 4), 2, 1000)
    second = table.get("second_order", False)
    if not isinstance(second, bool):
        raise _err(src, "design.second_order", "must be true or false")
    dseed = _check_int(src, "design.seed", table.get("seed", seed), 0, MAX_SEED)
    pts = table.get("points")
    points = None
    if pts is not None:
        if kind != "list":
            raise _err(src, "design.points", 'explicit points go with kind = "list"')
        if not isinstance(pts, list) or not pts or not all(isinstance(r, list) for r in pts):
            raise _err(src, "design.points", "must be a non-empty list of rows, one value per factor")
        if len(pts) > budgets.MAX_POINTS:
            raise _err(src, "design.points", f"{len(pts):,} points; at most {budgets.MAX_POINTS:,}")
        points = tuple(tuple(r) for r in pts)
    needs = {
        "lhs": "samples",
        "sobol": "samples",
        "saltelli": "samples",
        "morris": "trajectories",
        "list": "points",
    }
    if kind in needs and table.get(needs[kind]) is None:
        raise _err(src, f"design.{needs[kind]}", f"a {kind} design needs {needs[kind]} = ...")
    for k, kinds in (("samples", ("lhs", "sobol", "saltelli")), ("trajectories", ("morris",))):
        if k in table and kind not in kinds:
            raise _err(src, f"design.{k}", f"{k} is for {' and '.join(kinds)} designs, not {kind}")
    if kind in ("sobol", "saltelli") and samples is not None and samples & (samples - 1):
        lower = 1 << (samples.bit_length() - 1)
        raise _err(
            src,
            "design.samples",
            f"a {kind} design needs a power of 2 (it keeps the sequence balanced), "
            f"e.g. {lower} or {2 * lower}",
        )
    if kind == "morris" and levels % 2:
        raise _err(src, "design.levels", "Morris needs an even number of levels (e.g. 4)")
    return Design(kind, samples, trajectories, levels, second, dseed, points)


def _check_design_fits(src: str, design: Design, factors: list[Factor]) -> None:
    n = len(factors)
    if design.kind in ("lhs", "sobol") and n < 1:
        raise _err(src, "factors", f"a {design.kind} design needs at least one factor")
    if design.kind in ("saltelli", "morris") and n < 2:
        raise _err(src, "factors", f"a {design.kind} sensitivity analysis needs at least 2 factors, got {n}")
    if design.kind in ("saltelli", "morris"):
        for f in factors:
            if f.param is None:
                raise _err(
                    src, f"factors.{f.key}", f"a {design.kind} analysis varies parameters, not scenarios"
                )
    if design.kind == "list":
        assert design.points is not None
        for i, row in enumerate(design.points):
            if len(row) != n:
                raise _err(
                    src,
                    f"design.points[{i}]",
                    f"has {len(row)} values but the experiment has {n} factors "
                    f"({', '.join(f.key for f in factors)})",
                )
        for f in factors:
            if f.is_range is False and f.values is not None and f.param is None:
                raise _err(src, f"factors.{f.key}", "a list design cannot vary the scenario factor")
    # The number of points from the sizes alone (never by building the design): a typo such as
    # levels = 1000000 on three factors is refused here, not after filling the memory.
    from sim.experiments.design import design_size

    size = design_size(design, factors)
    if size > MAX_POINTS:
        advice = "; use lhs or sobol" if design.kind == "factorial" else ""
        raise _err(
            src, "design", f"the {design.kind} design has {size:,} points; at most {MAX_POINTS:,}{advice}"
        )


def _reference(src: str, table: Any, factors: list[Factor], kind: str) -> dict[str, Any] | None:
    if not isinstance(table, Mapping):
        raise _err(src, "analysis", "must be a table")
    for k in table:
        if k not in ANALYSIS_KEYS:
            raise _err(src, f"analysis.{k}", f"unknown key; allowed: {', '.join(ANALYSIS_KEYS)}")
    ref = table.get("reference")
    if ref is None:
        return None
    if not isinstance(ref, Mapping) or not ref:
        raise _err(src, "analysis.reference", "must be a table of factor = value (or label)")
    if kind not in ("factorial", "list"):
        raise _err(
            src, "analysis.reference", f"a reference point needs a factorial or list design, not {kind}"
        )
    by_key = {f.key: f for f in factors}
    for k, v in ref.items():
        if k not in by_key:
            raise _err(
                src, f"analysis.reference.{k}", f"not a factor of this experiment{_close(k, list(by_key))}"
            )
        f = by_key[k]
        options = [f.label_of(x) for x in f.level_list()] if (f.values is not None or f.levels) else None
        if options is not None and v not in options and v not in (f.values or ()):
            raise _err(src, f"analysis.reference.{k}", f"{v!r} is not one of its values: {options}")
    return dict(ref)


def content_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# -- levers, uncertainties and constraints -------------------------------------------------------

_OPS = ("<=", ">=", "==", "!=", "<", ">")


@dataclass(frozen=True)
class Condition:
    """``LEFT OP RIGHT`` on a run's KPIs, each side a KPI name or a number:
    ``"finance.balance_yuan >= 0"``, ``"service.unmet_share < 0.1"``,
    ``"staff.overtime_h_per_staff <= staff.admin_h_per_staff_week"``.

    Used for constraints (``[[constraints]]``, ``govsim search --constraint``) and selections
    (``govsim discover --where``).  A missing value (a failed run, an undefined KPI) never
    satisfies a condition: such a run is neither feasible nor selected by chance.
    """

    text: str
    left: str | float
    op: str
    right: str | float
    name: str = ""

    @property
    def kpis(self) -> list[str]:
        return [x for x in (self.left, self.right) if isinstance(x, str)]

    def evaluate(self, frame: Any) -> Any:
        """A boolean array, one value per row of ``frame`` (a DataFrame with KPI columns)."""
        import numpy as np

        def side(x: str | float) -> Any:
            return frame[x].to_numpy(dtype=float) if isinstance(x, str) else np.full(len(frame), float(x))

        a, b = side(self.left), side(self.right)
        with np.errstate(invalid="ignore"):
            out = {
                "<=": a <= b,
                ">=": a >= b,
                "==": a == b,
                "!=": a != b,
                "<": a < b,
                ">": a > b,
            }[self.op]
        return out & ~np.isnan(a) & ~np.isnan(b)

    def slack(self, frame: Any) -> Any:
        """How far each row is from violating the condition (pymoo's ``G <= 0`` form negated):
        positive or zero when it holds, negative by the shortfall when it does not."""
        a = frame[self.left].to_numpy(dtype=float) if isinstance(self.left, str) else float(self.left)
        b = frame[self.right].to_numpy(dtype=float) if isinstance(self.right, str) else float(self.right)
        if self.op in ("<", "<="):
            return b - a
        if self.op in (">", ">="):
            return a - b
        return -abs(a - b)


def parse_condition(text: str, known: Sequence[str] | None = None, name: str = "") -> Condition:
    """A :class:`Condition` from ``"KPI OP VALUE"``; ``known`` are the KPI names allowed (default:
    every KPI of the model).  Raises ``ValueError`` with a one-line message."""
    names = list(known) if known is not None else list(KPIS)
    if not isinstance(text, str) or not text.strip():
        raise ValueError("expected a condition like 'finance.balance_yuan >= 0'")
    for op in _OPS:  # two-character operators first, so '<=' is not read as '<'
        left, sep, right = text.partition(op)
        if sep:
            break
    else:
        raise ValueError(f"{text!r}: no comparison; expected KPI <|<=|>|>=|==|!= VALUE")

    def side(raw: str) -> str | float:
        raw = raw.strip()
        try:
            x = float(raw)
        except ValueError:
            if raw not in names:
                raise ValueError(f"{text!r}: unknown KPI {raw!r}{_close(raw, names)}") from None
            return raw
        if not math.isfinite(x):
            raise ValueError(f"{text!r}: {raw} is not a finite number")
        return x

    lhs, rhs = side(left), side(right)
    if not isinstance(lhs, str) and not isinstance(rhs, str):
        raise ValueError(f"{text!r}: compares two numbers; one side must be a KPI")
    return Condition(text.strip(), lhs, op, rhs, name or text.strip())


def _constraints(src: str, value: Any) -> tuple[Condition, ...]:
    """``[[constraints]] expr = "finance.balance_yuan >= 0"  name = "solvent"``: runs that break
    one are marked infeasible in every analysis; they stay in the store."""
    if not isinstance(value, list) or not all(isinstance(c, Mapping) for c in value):
        raise _err(src, "constraints", 'must be a list of tables: [[constraints]] expr = "KPI >= value"')
    out = []
    for i, c in enumerate(value):
        for k in c:
            if k not in CONSTRAINT_KEYS:
                raise _err(
                    src, f"constraints[{i}].{k}", f"unknown key; allowed: {', '.join(CONSTRAINT_KEYS)}"
                )
        name = c.get("name", "")
        if not isinstance(name, str):
            raise _err(src, f"constraints[{i}].name", "must be a string")
        try:
            out.append(parse_condition(c.get("expr", ""), name=name))
        except ValueError as e:
            raise _err(src, f"constraints[{i}].expr", str(e)) from None
    return tuple(out)


def _role(src: str, key: str, spec: Mapping[str, Any]) -> str:
    role = spec.get("role", DEFAULT_ROLE)
    if role not in ROLES:
        raise _err(
            src, f"factors.{key}.role", f"must be one of {', '.join(repr(r) for r in ROLES)}, got {role!r}"
        )
    return str(role)


def _without_crossed(table: Any) -> Any:
    """The design table as :func:`_design` knows it: a crossed design is checked as a factorial
    of its levers, and its own keys by :func:`_crossed`."""
    if not isinstance(table, Mapping):
        return table
    out = {k: v for k, v in table.items() if k not in ("uncertainty_samples", "uncertainty_sampler")}
    if out.get("kind") == "crossed":
        out["kind"] = "factorial"
    return out


def _crossed(src: str, table: Any, design: Design) -> Design:
    """``kind = "crossed"``: every combination of the levers' values against one shared sample
    of ``uncertainty_samples`` uncertainty points (``uncertainty_sampler`` lhs or sobol), the
    same sample for every lever setting; with the replication seeds common to every point, each
    lever setting meets exactly the same uncertain futures and the same random numbers."""
    if not isinstance(table, Mapping):
        return design
    crossed = table.get("kind") == "crossed"
    for k in ("uncertainty_samples", "uncertainty_sampler"):
        if k in table and not crossed:
            kind = table.get("kind", "factorial")
            raise _err(src, f"design.{k}", f'{k} is for kind = "crossed", not {kind}')
    if not crossed:
        return design
    n = table.get("uncertainty_samples")
    if n is None:
        raise _err(src, "design.uncertainty_samples", "a crossed design needs uncertainty_samples = n")
    n = _check_int(src, "design.uncertainty_samples", n, 1)
    sampler = table.get("uncertainty_sampler", "lhs")
    if sampler not in UNCERTAINTY_SAMPLERS:
        allowed = ", ".join(UNCERTAINTY_SAMPLERS)
        raise _err(src, "design.uncertainty_sampler", f"must be one of {allowed}, got {sampler!r}")
    if sampler == "sobol" and n & (n - 1):
        lower = 1 << (n.bit_length() - 1)
        raise _err(
            src,
            "design.uncertainty_samples",
            f"a Sobol sample needs a power of 2, e.g. {lower} or {2 * lower}",
        )
    return replace(design, kind="crossed", uncertainty_samples=n, uncertainty_sampler=sampler)


def _check_roles(src: str, design: Design, factors: list[Factor]) -> None:
    if design.kind != "crossed":
        return
    levers = [f for f in factors if f.role == "lever"]
    if not levers:
        raise _err(src, "factors", 'a crossed design needs at least one factor with role = "lever"')
    for f in levers:
        if f.is_range and f.levels is None:
            raise _err(
                src, f"factors.{f.key}", "a lever of a crossed design needs values = [...] or levels = n"
            )
    size = 1
    for f in levers:
        size *= len(f.level_list())
    assert design.uncertainty_samples is not None
    if size * design.uncertainty_samples > MAX_POINTS:
        raise _err(src, "design", f"the crossed design has {size * design.uncertainty_samples:,} points")
