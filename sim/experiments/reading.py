"""Reading an experiment file: every key checked, each problem one line naming the file and key.

:func:`parse` turns a parsed TOML document (or a mapping from a script) into an
:class:`~sim.experiments.experiment.Experiment`; the file format is described in
:mod:`sim.experiments.experiment`.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from sim import budgets
from sim.experiments.conditions import Condition, parse_condition
from sim.experiments.experiment import (
    ANALYSIS_KEYS,
    CONSTRAINT_KEYS,
    DESIGN_KEYS,
    DESIGN_KINDS,
    MAX_POINTS,
    MAX_SEED,
    QUICK_KEYS,
    SCENARIO_FACTOR,
    TOP_KEYS,
    UNCERTAINTY_SAMPLERS,
    Design,
    Experiment,
    Factor,
    _check_int,
    _check_positive,
    _close,
    _err,
)
from sim.experiments.factors import (
    DISTRICT_PREFIX,
    _check_futures,
    _flatten_factors,
    _keep,
    _param_factor,
    _role,
    _scenario_factor,
    _scenario_path,
)
from sim.kpis import KPIS
from sim.parameters import PARAMS
from sim.scenario import Scenario, ScenarioError, load_scenario


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


def _deep_merge(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k, v in b.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, Mapping) and isinstance(out.get(k), Mapping) else v
    return out


# Long by design: the experiment file's keys checked one by one, each with its own one-line error.
def parse(
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
    district = _is_district(src, base, scenario_values)
    if daily and district:
        raise _err(src, "daily", "a district sweep keeps each run's district KPIs, not daily series")
    catalogue = district_kpi_names() if district else list(KPIS)
    kpis = _kpis(src, doc.get("kpis"), catalogue)
    constraints = _constraints(src, doc.get("constraints", []), catalogue)
    # A constraint is judged on stored KPIs, so the KPIs it names are kept even if not listed.
    kpis = (*kpis, *(k for c in constraints for k in c.kpis if k not in kpis))

    design = _crossed(src, doc.get("design", {}), _design(src, _without_crossed(doc.get("design", {})), seed))
    factors: list[Factor] = []
    for key, spec in flat.items():
        role = _role(src, key, spec)
        keep = _keep(src, key, spec)
        spec = {k: v for k, v in spec.items() if k not in ("role", "keep_scenario_values")}
        if key == SCENARIO_FACTOR:
            assert scenario_values is not None
            factors.append(
                Factor(SCENARIO_FACTOR, None, values=scenario_values, labels=scenario_labels, role=role)
            )
        else:
            probe = base if base is not None else scenario_values[0]  # type: ignore[index]
            kind = "factorial" if design.kind == "crossed" and role == "lever" else design.kind
            factor = replace(_param_factor(src, key, spec, probe, kind), role=role, keep_scenario_values=keep)
            if keep and all(factor.set_by(sc) for sc in scenario_values or (base,)):
                raise _err(
                    src,
                    f"factors.{key}.keep_scenario_values",
                    "every scenario sets this parameter itself, so the factor would vary nothing",
                )
            factors.append(factor)
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
        if not district and any(k.startswith(DISTRICT_PREFIX) for k in fixed):
            key = next(k for k in fixed if k.startswith(DISTRICT_PREFIX))
            raise _err(src, f"set.{key}", "district settings need a district file as base")
        for sc in scenario_values or (base,):
            assert sc is not None
            try:
                sc.with_changes(fixed)
            except ScenarioError as e:
                raise _err(src, f"set.{e.key}" if e.key else "set", e.message) from None
    return exp


def _is_district(src: str, base: Any, scenarios: tuple[Any, ...] | None) -> bool:
    """Whether the experiment runs districts (its base, or every value of its scenario factor)."""
    kinds = {bool(getattr(s, "is_district", False)) for s in (scenarios or (base,))}
    if len(kinds) > 1:
        raise _err(
            src, f"factors.{SCENARIO_FACTOR}.values", "give district files or community files, not a mix"
        )
    return kinds.pop()


def district_kpi_names() -> list[str]:
    """The KPIs a district run gives: the community KPIs aggregated over its communities, under
    their own keys, then the district's own (spread across communities, counts, backlogs)."""
    from sim.kpis.district import DISTRICT_KPIS

    return list(dict.fromkeys([*KPIS, *DISTRICT_KPIS]))


def _kpis(src: str, value: Any, catalogue: list[str]) -> tuple[str, ...]:
    if value is None:
        return tuple(catalogue)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(k, str) for k in value):
        raise _err(src, "kpis", "must be a non-empty list of KPI names (govsim kpis lists them)")
    out: list[str] = []
    for pattern in value:
        matches = [k for k in catalogue if fnmatch.fnmatchcase(k, pattern)]
        if not matches:
            raise _err(src, f"kpis.{pattern}", f"unknown KPI{_close(pattern, catalogue)}")
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
        elif dotted.startswith(DISTRICT_PREFIX) and not isinstance(v, Mapping):
            out[dotted] = v  # a district setting: checked against the base, which must be a district
        elif isinstance(v, Mapping) and (
            (dotted + ".").startswith(DISTRICT_PREFIX) or any(p.startswith(dotted + ".") for p in PARAMS)
        ):
            out.update(_fixed(src, v, dotted + "."))
        else:
            raise _err(src, f"set.{dotted}", f"unknown parameter{_close(dotted, list(PARAMS))}")
    return out


def _base(src: str, root: Path, value: Any) -> Scenario | None:
    if value is None:
        return None
    if isinstance(value, Scenario):
        return value
    if not isinstance(value, (str, Path)):
        raise _err(src, "base", "must be the path of a scenario file, relative to the experiment file")
    return load_scenario(_scenario_path(src, "base", root, value))


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


def _constraints(src: str, value: Any, catalogue: list[str] | None = None) -> tuple[Condition, ...]:
    """``[[constraints]] expr = "finance.balance_yuan >= 0"  name = "solvent"``: runs that break
    one are marked infeasible in every analysis; they stay in the store.  ``catalogue`` is the
    KPIs the experiment's runs give (default: a community's or a district's, as when a store's
    experiment, checked when it ran, is read again)."""
    catalogue = catalogue if catalogue is not None else district_kpi_names()
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
            out.append(parse_condition(c.get("expr", ""), catalogue, name=name))
        except ValueError as e:
            raise _err(src, f"constraints[{i}].expr", str(e)) from None
    return tuple(out)


CROSSED_KEYS = ("uncertainty_samples", "uncertainty_sampler", "uncertainty_points")


def _without_crossed(table: Any) -> Any:
    """The design table as :func:`_design` knows it: a crossed design is checked as a factorial
    of its levers, and its own keys by :func:`_crossed`."""
    if not isinstance(table, Mapping):
        return table
    out = {k: v for k, v in table.items() if k not in CROSSED_KEYS}
    if out.get("kind") == "crossed":
        out["kind"] = "factorial"
    return out


def _crossed(src: str, table: Any, design: Design) -> Design:
    """``kind = "crossed"``: every combination of the levers' values against one shared sample
    of ``uncertainty_samples`` uncertainty points (``uncertainty_sampler`` lhs or sobol), or
    against the given ``uncertainty_points`` (rows of one value per uncertainty factor, in the
    file's order), the same for every lever setting; with the replication seeds common to every
    point, each lever setting meets exactly the same uncertain futures and the same random numbers."""
    if not isinstance(table, Mapping):
        return design
    crossed = table.get("kind") == "crossed"
    for k in CROSSED_KEYS:
        if k in table and not crossed:
            kind = table.get("kind", "factorial")
            raise _err(src, f"design.{k}", f'{k} is for kind = "crossed", not {kind}')
    if not crossed:
        return design
    given = table.get("uncertainty_points")
    if given is not None:
        if "uncertainty_samples" in table or "uncertainty_sampler" in table:
            raise _err(
                src, "design.uncertainty_points", "give uncertainty_points or uncertainty_samples, not both"
            )
        if not isinstance(given, list) or not given or not all(isinstance(r, list) for r in given):
            raise _err(
                src, "design.uncertainty_points", "must be a non-empty list of rows, a value per uncertainty"
            )
        if len(given) > budgets.MAX_POINTS:
            limit = budgets.MAX_POINTS
            raise _err(src, "design.uncertainty_points", f"{len(given):,} rows; at most {limit:,}")
        rows = tuple(tuple(r) for r in given)
        return replace(design, kind="crossed", uncertainty_samples=len(rows), uncertainty_points=rows)
    n = table.get("uncertainty_samples")
    if n is None:
        raise _err(
            src,
            "design.uncertainty_samples",
            "a crossed design needs uncertainty_samples = n (or uncertainty_points = [[...], ...])",
        )
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
    if design.uncertainty_points is not None:
        _check_futures(src, design.uncertainty_points, [f for f in factors if f.role != "lever"])
    size = 1
    for f in levers:
        size *= len(f.level_list())
    assert design.uncertainty_samples is not None
    if size * design.uncertainty_samples > MAX_POINTS:
        raise _err(src, "design", f"the crossed design has {size * design.uncertainty_samples:,} points")
