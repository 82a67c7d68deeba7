"""Reading the factors of an experiment file: parameter factors (values or a range, levels,
labels, a role) and the scenario factor (whole scenario files, or leave-one-out of a package).
Each problem is one line naming the file and the key."""

from __future__ import annotations

import copy
import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim import budgets, paths
from sim.experiments.experiment import (
    _CROSS_RULES,
    DEFAULT_ROLE,
    FACTOR_KEYS,
    ROLES,
    SCENARIO_FACTOR,
    Factor,
    _check_int,
    _close,
    _err,
    _is_number,
    _label,
    _shown,
)
from sim.parameters import CLASSES, GROUPS, PARAMS
from sim.scenario import META_KEYS, Scenario, ScenarioError, load_scenario, scenario_from_mapping

#: Factors and ``[set]`` keys under this prefix are the district's settings, not a community's.
DISTRICT_PREFIX = "district."


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
    if key.startswith(DISTRICT_PREFIX):
        return _district_factor(src, key, spec, probe, kind)
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
    levels = _range_levels(src, where, spec, kind)
    return Factor(key, param, member, lo=lo, hi=hi, levels=levels, integer=integer)


def _range_levels(src: str, where: str, spec: Mapping[str, Any], kind: str) -> int | None:
    """The levels of a factor given as a range (None: the design samples the range)."""
    if "labels" in spec:
        raise _err(src, f"{where}.labels", "labels go with values, not with a range")
    levels = spec.get("levels")
    if levels is not None:
        return _check_int(src, f"{where}.levels", levels, 2, budgets.MAX_POINTS)
    if kind == "factorial":
        raise _err(src, where, "a factorial design needs values = [...] or levels = n with a range")
    return None


def _role(src: str, key: str, spec: Mapping[str, Any]) -> str:
    role = spec.get("role", DEFAULT_ROLE)
    if role not in ROLES:
        raise _err(
            src, f"factors.{key}.role", f"must be one of {', '.join(repr(r) for r in ROLES)}, got {role!r}"
        )
    return str(role)


def _keep(src: str, key: str, spec: Mapping[str, Any]) -> bool:
    """``keep_scenario_values``: a parameter factor only, true or false."""
    keep = spec.get("keep_scenario_values", False)
    where = f"factors.{key}.keep_scenario_values"
    if not isinstance(keep, bool):
        raise _err(src, where, f"must be true or false, got {keep!r}")
    if keep and key.startswith(DISTRICT_PREFIX):
        raise _err(src, where, "a district setting is the district file's own: it has nothing to keep")
    return keep


def _district_factor(src: str, key: str, spec: Mapping[str, Any], probe: Any, kind: str) -> Factor:
    """A district setting as a factor (``district.allocation``, ``district.budget_yuan_year``):
    checked against :data:`sim.district.settings.SETTINGS`, as a district file's own value is."""
    from sim.district.settings import SETTINGS

    where = f"factors.{key}"
    if not getattr(probe, "is_district", False):
        raise _err(src, where, "district settings vary only with a district file as base")
    name = key.removeprefix(DISTRICT_PREFIX)
    setting = SETTINGS.get(name)
    if setting is None:
        known = [DISTRICT_PREFIX + k for k in SETTINGS]
        raise _err(src, where, f"unknown district setting{_close(key, known)} Known: {', '.join(known)}")
    for k in spec:
        if k not in ("values", "range", "levels", "labels"):
            raise _err(src, f"{where}.{k}", "unknown key; allowed: values, range, levels, labels")
    if ("values" in spec) == ("range" in spec):
        raise _err(src, where, "give either values = [...] or range = [lo, hi]")
    integer = setting.kind == "int"
    if "values" in spec:
        values = spec["values"]
        if not isinstance(values, list) or not values:
            raise _err(src, f"{where}.values", "empty list of values: give at least one value")
        checked = [_setting_value(src, where, name, v) for v in values]
        if len({_label(v) for v in checked}) != len(checked):
            raise _err(src, f"{where}.values", "values repeat: each value once")
        if "levels" in spec:
            raise _err(src, f"{where}.levels", "levels go with range = [lo, hi], not with values")
        labels = _labels(src, where, spec.get("labels"), len(checked))
        return Factor(key, key, values=tuple(checked), labels=labels, integer=integer)
    if setting.kind not in ("int", "float"):
        raise _err(src, f"{where}.range", f"must be {setting.allowed()}: it varies only over values = [...]")
    rng = spec["range"]
    if not isinstance(rng, list) or len(rng) != 2 or not all(_is_number(x) for x in rng):
        raise _err(src, f"{where}.range", "must be two numbers [lo, hi]")
    lo, hi = (float(_setting_value(src, f"{where}.range", name, x)) for x in rng)
    if not lo < hi:
        raise _err(src, f"{where}.range", f"empty range [{rng[0]}, {rng[1]}]: lo must be below hi")
    levels = _range_levels(src, where, spec, kind)
    return Factor(key, key, lo=lo, hi=hi, levels=levels, integer=integer)


def _setting_value(src: str, where: str, name: str, value: Any) -> Any:
    """One value of a district setting, checked (the setting's own message, under the factor)."""
    from sim.district.settings import check_setting

    try:
        return check_setting(src, name, value)
    except ScenarioError as e:
        raise _err(src, where, e.message) from None


def _check_futures(src: str, rows: tuple[tuple[Any, ...], ...], uncertain: list[Factor]) -> None:
    """Each given future has one value per uncertainty factor, within its range or among its values."""
    for i, row in enumerate(rows):
        where = f"design.uncertainty_points[{i}]"
        if len(row) != len(uncertain):
            names = ", ".join(f.key for f in uncertain)
            raise _err(src, where, f"has {len(row)} values for {len(uncertain)} uncertainties ({names})")
        for f, v in zip(uncertain, row, strict=True):
            if f.values is not None:
                if not any(v == x for x in f.values):
                    raise _err(src, where, f"{f.key} = {v!r} is not one of the factor's values")
            elif not _is_number(v) or not (f.lo <= v <= f.hi):  # type: ignore[operator]
                raise _err(src, where, f"{f.key} = {v!r} is outside its range [{f.lo}, {f.hi}]")
