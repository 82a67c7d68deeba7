"""Scenarios: TOML files that state a community's situation and which reforms are in force.

A scenario file holds parameter sections (``[staff]``, ``[service]``, ... see
:mod:`sim.parameters`) plus a few meta keys:

``name``, ``description``
    What a planner sees.
``extends = "baseline_2002.toml"``
    Start from another scenario (path relative to this file) and state only what differs.
``apply = ["reforms/one_stop.toml", ...]``
    Add the keys that those files set themselves (not what they inherit): this is how a package
    of reforms is put together from the one-reform files without copying numbers.
``year``
    The year a reform file's policy came in (documentation, and the default timeline date).
``[[timeline]]``
    Changes that take effect on a date inside the run: ``date``, ``label``, and ``apply`` and/or a
    ``[timeline.set]`` table with the same sections as a scenario.

Anything else is an error that names the file, the key and what is allowed.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim import paths
from sim.calendar import ScheduleError, mask_to_spec, weekly_mask
from sim.parameters import CLASSES, GROUPS, PARAMS, defaults, parse_date

META_KEYS = ("name", "description", "extends", "apply", "year", "timeline")
TIMELINE_KEYS = ("date", "day", "label", "apply", "set")


class ScenarioError(ValueError):
    """A scenario that cannot be used.  ``str(err)`` is a one-line message for the user."""

    def __init__(self, source: str, key: str | None, message: str) -> None:
        self.source, self.key, self.message = source, key, message
        where = f"{source}: " if source else ""
        what = f"key '{key}': " if key else ""
        super().__init__(f"{where}{what}{message}")


@dataclass(frozen=True)
class TimelineStep:
    """Parameter changes that take effect at the start of ``day`` (0 = the run's first day)."""

    day: int
    label: str
    changes: Mapping[str, Any]
    date: dt.date | None = None


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: every parameter resolved, plus the dated changes of its timeline."""

    name: str
    params: Mapping[str, Any]
    description: str = ""
    timeline: tuple[TimelineStep, ...] = ()
    source: str = "<memory>"
    year: int | None = None
    own: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def __repr__(self) -> str:
        changed = len(self.changes_from_defaults())
        steps = f", {len(self.timeline)} timeline steps" if self.timeline else ""
        return f"Scenario({self.name!r}, {changed} parameters off the 2002 defaults{steps})"

    @property
    def days(self) -> int:
        return int(self.params["run.days"])

    @property
    def start_date(self) -> dt.date:
        return parse_date(self.params["run.start_date"])

    def with_changes(self, changes: Mapping[str, Any], name: str | None = None) -> Scenario:
        """A new scenario with some parameters changed (validated like a file)."""
        params = dict(self.params)
        checked = {key: _check_value(self.source, key, value) for key, value in changes.items()}
        for key, value in checked.items():
            params[key] = _merge(params[key], value)
        _check_consistency(self.source, params)
        return Scenario(
            name=name or self.name,
            params=params,
            description=self.description,
            timeline=self.timeline,
            source=self.source,
            year=self.year,
            own={**self.own, **{k: _merge(self.own.get(k), v) for k, v in checked.items()}},
        )

    def params_on_day(self, day: int) -> dict[str, Any]:
        """Parameters in force on ``day``, after the timeline steps up to it."""
        params = dict(self.params)
        for step in self.timeline:
            if step.day <= day:
                for key, value in step.changes.items():
                    params[key] = _merge(params[key], value)
        return params

    def changes_from_defaults(self) -> dict[str, Any]:
        base = defaults()
        return {k: v for k, v in self.params.items() if _canon(v) != _canon(base[k])}

    def diff(self, other: Scenario) -> dict[str, tuple[Any, Any]]:
        """Parameters whose values differ: key -> (other's value, this value)."""
        return {
            k: (other.params[k], v) for k, v in self.params.items() if _canon(v) != _canon(other.params[k])
        }

    def content_hash(self) -> str:
        """SHA-256 of the resolved parameters and timeline: same hash, same model input."""
        payload = {
            "params": {k: _canon(v) for k, v in sorted(self.params.items())},
            "timeline": [
                {"day": s.day, "changes": {k: _canon(v) for k, v in sorted(s.changes.items())}}
                for s in self.timeline
            ],
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def to_toml(self) -> str:
        """TOML that ``load_scenario`` reads back to the same parameters (timeline included).

        Only the parameters that differ from the defaults are written, so the file reads as a
        statement of what this scenario changes.
        """
        import tomli_w

        doc: dict[str, Any] = {"name": self.name}
        if self.description:
            doc["description"] = self.description
        _nest_into(doc, self.changes_from_defaults())
        if self.timeline:
            doc["timeline"] = []
            for step in self.timeline:
                entry: dict[str, Any] = {"day": step.day, "label": step.label}
                entry["set"] = _nest_into({}, dict(step.changes))
                doc["timeline"].append(entry)
        return tomli_w.dumps(_tomlable(doc))


def _canon(v: Any) -> Any:
    """A JSON-able canonical form for comparing and hashing values."""
    if isinstance(v, Mapping):
        return {k: _canon(v[k]) for k in sorted(v)}
    if isinstance(v, (list, tuple)):
        return [_canon(x) for x in v]
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _tomlable(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {k: _tomlable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_tomlable(x) for x in v]
    return v


def _nest_into(doc: dict[str, Any], flat: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in flat.items():
        parts = key.split(".")
        node = doc
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = copy.deepcopy(value)
    return doc


# -- reading files ----------------------------------------------------------------------------


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.  Raises :class:`ScenarioError` with a one-line message.

    Paths, file kinds, sizes, TOML nesting and the depth of ``extends``/``apply`` chains are
    bounded by :mod:`sim.paths`; what goes wrong there is a ``ScenarioError`` too.
    """
    return _load(_path(path, "", None), stack=())


def _path(ref: str | Path, shown: str, key: str | None) -> Path:
    """A path whose spelling can name a file (no NUL byte, no over-long name)."""
    try:
        return paths.check_name(ref, "file name" if key else "path")
    except paths.InputError as e:
        raise ScenarioError(shown or e.source, key, e.message) from None


def _read_toml(path: Path, shown: str) -> dict[str, Any]:
    try:
        doc, _ = paths.read_toml(path, "file")
    except paths.InputError as e:
        raise ScenarioError(shown, None, e.message) from None
    return doc


def _shown(path: Path) -> str:
    return paths.shown(path)


def _real(path: Path, shown: str) -> Path:
    """The file behind ``path`` (links resolved), to spot a file that includes itself."""
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise ScenarioError(shown, None, "cannot resolve the path (a symlink loop?)") from None


def _include(parent: Path, ref: str, shown: str, key: str, stack: tuple[Path, ...]) -> Path:
    """The file an ``extends``/``apply`` entry of ``shown`` names, with the chain bounded."""
    try:
        paths.include_depth_ok(len(stack) + 1, "")
    except paths.InputError as e:
        raise ScenarioError(shown, key, e.message) from None
    return parent / _path(ref, shown, key)


def _load(path: Path, stack: tuple[Path, ...]) -> Scenario:
    shown = _shown(path)
    doc = _read_toml(path, shown)
    real = _real(path, shown)
    if real in stack:
        raise ScenarioError(shown, "extends", "scenarios extend each other in a cycle")
    stack = (*stack, real)
    for key in doc:
        if key not in META_KEYS and not _is_section(key):
            raise ScenarioError(shown, key, _unknown(key, top=True))

    if "extends" in doc:
        base_ref = _str(shown, "extends", doc["extends"])
        base = _load(_include(path.parent, base_ref, shown, "extends", stack), stack)
        params, timeline = dict(base.params), list(base.timeline)
    else:
        params, timeline = defaults(), []

    own = _own_changes(path, doc, shown, stack)
    for key, value in own.items():
        params[key] = _merge(params[key], value)
    _check_consistency(shown, params)

    start = parse_date(params["run.start_date"])
    days = int(params["run.days"])
    for i, entry in enumerate(_list(shown, "timeline", doc.get("timeline", []))):
        timeline.append(_timeline_step(path, shown, i, entry, start, stack, days))
    timeline.sort(key=lambda s: s.day)
    state = dict(params)
    for step in timeline:
        for key, value in step.changes.items():
            state[key] = _merge(state[key], value)
        _check_consistency(shown, state, where=f"timeline '{step.label}'")

    year = doc.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise ScenarioError(shown, "year", "must be an integer year, e.g. 2005")
    return Scenario(
        name=_str(shown, "name", doc.get("name", path.stem)),
        description=_str(shown, "description", doc.get("description", "")),
        params=params,
        timeline=tuple(timeline),
        source=shown,
        year=year,
        own=own,
    )


def _own_changes(path: Path, doc: Mapping[str, Any], shown: str, stack: tuple[Path, ...]) -> dict[str, Any]:
    """The parameters a file sets itself: first what its ``apply`` files set, then its sections."""
    changes: dict[str, Any] = {}
    for ref in _apply_list(shown, "apply", doc.get("apply", [])):
        changes.update(_applied(_include(path.parent, ref, shown, "apply", stack), stack))
    sections = {k: v for k, v in doc.items() if k not in META_KEYS}
    for key, value in _flatten(shown, sections).items():
        changes[key] = _merge(changes.get(key), _check_value(shown, key, value))
    return changes


def _applied(path: Path, stack: tuple[Path, ...]) -> dict[str, Any]:
    shown = _shown(path)
    doc = _read_toml(path, shown)
    real = _real(path, shown)
    if real in stack:
        raise ScenarioError(shown, "apply", "files apply each other in a cycle")
    for key in doc:
        if key not in META_KEYS and not _is_section(key):
            raise ScenarioError(shown, key, _unknown(key, top=True))
    return _own_changes(path, doc, shown, (*stack, real))


def _timeline_step(
    path: Path, shown: str, i: int, entry: Any, start: dt.date, stack: tuple[Path, ...], days: int
) -> TimelineStep:
    where = f"timeline[{i}]"
    if not isinstance(entry, Mapping):
        raise ScenarioError(shown, where, "each [[timeline]] entry must be a table")
    for key in entry:
        if key not in TIMELINE_KEYS:
            raise ScenarioError(shown, f"{where}.{key}", f"unknown key; allowed: {', '.join(TIMELINE_KEYS)}")
    if ("date" in entry) == ("day" in entry):
        raise ScenarioError(shown, where, "give exactly one of 'date' or 'day'")
    date = None
    if "date" in entry:
        try:
            date = parse_date(entry["date"])
        except (TypeError, ValueError):
            raise ScenarioError(shown, f"{where}.date", 'must be a date "YYYY-MM-DD"') from None
        day = (date - start).days
    else:
        day = entry["day"]
        if not isinstance(day, int) or isinstance(day, bool):
            raise ScenarioError(shown, f"{where}.day", "must be an integer day of the run")
    if day < 0:
        raise ScenarioError(shown, where, f"takes effect before the run starts ({start})")
    if day >= days:
        # A step after the end of the file's own run would silently change nothing (a typo in
        # a year, or day = 1e11): say so, and how to reach it.
        end = start + dt.timedelta(days=days - 1)
        raise ScenarioError(
            shown,
            where,
            f"takes effect on day {day:,}, after the run ends (day {days - 1:,}, {end}); "
            "set [run] days longer or move the step",
        )
    changes: dict[str, Any] = {}
    for ref in _apply_list(shown, f"{where}.apply", entry.get("apply", [])):
        changes.update(_applied(_include(path.parent, ref, shown, f"{where}.apply", stack), stack))
    set_table = entry.get("set", {})
    if not isinstance(set_table, Mapping):
        raise ScenarioError(shown, f"{where}.set", "must be a table of parameter sections")
    for key, value in _flatten(shown, set_table, prefix="").items():
        changes[key] = _merge(changes.get(key), _check_value(shown, key, value))
    if not changes:
        raise ScenarioError(shown, where, "changes nothing: give 'apply' or a 'set' table")
    for key in changes:
        if _structural(key):
            raise ScenarioError(
                shown, f"{where}.{key}", "cannot change during a run: it is drawn when the run starts"
            )
    label = _str(shown, f"{where}.label", entry.get("label", f"day {day}"))
    return TimelineStep(day=day, label=label, changes=changes, date=date)


# What is drawn or built when a run starts (residents, their needs, the departments' functions)
# cannot change at a timeline date.
STRUCTURAL_PREFIXES = ("run.", "population.", "residents.")
STRUCTURAL_KEYS = {
    "needs.admin_rate",
    "needs.social_assistance_rate",
    "needs.elderly_care_rate",
    "needs.public_space_rate",
    "needs.dispute_rate",
    "departments.count",
    "departments.functions",
    "departments.class_shares",
    "departments.tasks_per_function_year",
    "service.department_counters",
    "service.service_time_cv",
    "service.exponential_service",
    "service.extra_counters_mean",
}


def _structural(key: str) -> bool:
    return key.startswith(STRUCTURAL_PREFIXES) or key in STRUCTURAL_KEYS


def _is_section(key: str) -> bool:
    return any(k.startswith(key + ".") for k in PARAMS)


def _flatten(shown: str, table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if dotted in PARAMS:
            out[dotted] = value
        elif isinstance(value, Mapping) and _is_section(dotted):
            out.update(_flatten(shown, value, dotted + "."))
        else:
            raise ScenarioError(shown, dotted, _unknown(dotted, top=not prefix))
    return out


def _unknown(key: str, top: bool) -> str:
    options = list(META_KEYS) + sorted({k.split(".")[0] for k in PARAMS}) if top else list(PARAMS)
    close = difflib.get_close_matches(key, options, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    if top:
        return f"unknown key{hint} Allowed: {', '.join(options)}"
    section = key.split(".")[0]
    in_section = [k for k in PARAMS if k.startswith(section + ".")]
    listing = ", ".join(in_section) if in_section else ", ".join(sorted({k.split(".")[0] for k in PARAMS}))
    return f"unknown parameter{hint} Allowed: {listing}"


def _str(shown: str, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ScenarioError(shown, key, f"must be a string, got {_show(value)}")
    return value


def _list(shown: str, key: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ScenarioError(shown, key, "must be an array of tables ([[timeline]])")
    return value


def _apply_list(shown: str, key: str, value: Any) -> list[str]:
    refs = [value] if isinstance(value, str) else value
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        raise ScenarioError(shown, key, "must be a file name or a list of file names")
    return refs


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


def _merge(old: Any, new: Any) -> Any:
    """Per-group and per-class tables merge key by key; everything else is replaced."""
    if isinstance(old, Mapping) and isinstance(new, Mapping) and set(old) <= set(GROUPS) | set(CLASSES):
        return {**old, **new}
    return copy.deepcopy(new)


def _check_value(shown: str, key: str, value: Any) -> Any:
    """Check one value against its parameter's kind and range; return the normalised value.

    A per-group or per-class table comes back with only the entries it states; :func:`_merge`
    lays it over the inherited table.
    """
    p = PARAMS.get(key)
    if p is None:
        raise ScenarioError(shown, key, _unknown(key, top=False))
    bad = f"must be {p.allowed()}, got {_show(value)}"
    if p.kind == "bool":
        if not isinstance(value, bool):
            raise ScenarioError(shown, key, bad)
        return value
    if p.kind == "int":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ScenarioError(shown, key, bad)
        _check_range(shown, key, p, value, bad)
        return value
    if p.kind == "float":
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise ScenarioError(shown, key, bad)
        _check_range(shown, key, p, value, bad)
        return float(value)
    if p.kind == "date":
        try:
            return parse_date(value).isoformat()
        except (TypeError, ValueError):
            raise ScenarioError(shown, key, bad) from None
    if p.kind == "schedule":
        try:
            mask = weekly_mask(value)
        except ScheduleError as e:
            raise ScenarioError(shown, key, f"{e}; expected {p.allowed()}") from None
        return mask_to_spec(mask)
    if p.kind in ("groups", "classes"):
        names = GROUPS if p.kind == "groups" else CLASSES
        if not isinstance(value, Mapping):
            raise ScenarioError(shown, key, bad)
        for name, x in value.items():
            if name not in names:
                raise ScenarioError(
                    shown, f"{key}.{name}", f"unknown {p.kind[:-1]}; allowed: {', '.join(names)}"
                )
            if not isinstance(x, (int, float)) or isinstance(x, bool) or not math.isfinite(x):
                raise ScenarioError(shown, f"{key}.{name}", f"must be a number {_range(p)}")
            _check_range(shown, f"{key}.{name}", p, x, f"must be a number {_range(p)}, got {x}")
        return {k: float(v) for k, v in value.items()}
    raise AssertionError(p.kind)


def _range(p: Any) -> str:
    return f"from {p.lo:g} to {p.hi:g}"


def _check_range(shown: str, key: str, p: Any, value: float, bad: str) -> None:
    if (p.lo is not None and value < p.lo) or (p.hi is not None and value > p.hi):
        raise ScenarioError(shown, key, bad)


def _check_consistency(shown: str, params: Mapping[str, Any], where: str = "") -> None:
    """Rules that involve more than one parameter: shares that sum to 1, and each reform's own
    rules (:attr:`sim.reforms.base.Reform.rules`)."""
    at = f" (in {where})" if where else ""
    for key in ("population.group_shares", "departments.class_shares"):
        total = sum(params[key].values())
        if abs(total - 1.0) > 1e-6:
            raise ScenarioError(shown, key, f"shares must sum to 1, they sum to {total:g}{at}")
    from sim.reforms import REFORMS

    for reform in REFORMS:
        for rule in reform.rules:
            broken = rule(params)
            if broken is not None:
                key, message = broken
                raise ScenarioError(shown, key, f"{message}{at}")


def scenario_from_mapping(doc: Mapping[str, Any], name: str = "custom") -> Scenario:
    """Build a scenario from nested sections in memory (used by the web app and scripts)."""
    params = defaults()
    own = _flatten("<memory>", doc)
    for key, value in own.items():
        params[key] = _merge(params[key], _check_value("<memory>", key, value))
    _check_consistency("<memory>", params)
    return Scenario(name=name, params=params, own=own)
