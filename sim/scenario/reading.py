"""Reading scenario files: following ``extends`` and ``apply``, and building the timeline.

A file is resolved in layers.  ``extends`` starts from another scenario (everything it resolves
to, timeline included); ``apply`` then adds the keys that each listed file *sets itself*, not what
that file inherits, so a package of reforms is put together from the one-reform files without
copying numbers; the file's own sections come last.  Each ``[[timeline]]`` entry becomes a
:class:`~sim.scenario.resolved.TimelineStep` on a day of the run.  Every value passes
:func:`~sim.scenario.validation.check_value`, and the whole set, as it stands at the start and
after each step, passes :func:`~sim.scenario.consistency.check_consistency`.

Paths, file kinds, sizes, TOML nesting and the depth of ``extends``/``apply`` chains are bounded
by :mod:`sim.paths`; a file that extends or applies itself, directly or through others, is an
error, as is anything else that goes wrong: one :class:`~sim.scenario.validation.ScenarioError`
naming the file and the key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim import paths
from sim.parameters import defaults, parse_date
from sim.scenario.consistency import check_consistency, is_structural
from sim.scenario.resolved import Scenario, TimelineStep, merge
from sim.scenario.validation import (
    META_KEYS,
    ScenarioError,
    check_value,
    flatten,
    is_section,
    show_value,
    unknown_key,
)

#: The keys of a ``[[timeline]]`` entry.
TIMELINE_KEYS = ("date", "day", "label", "apply", "set")


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.  Raises :class:`ScenarioError` with a one-line message.

    Paths, file kinds, sizes, TOML nesting and the depth of ``extends``/``apply`` chains are
    bounded by :mod:`sim.paths`; what goes wrong there is a ``ScenarioError`` too.

    A district file (one with a ``[district]`` table, :mod:`sim.district.scenario`) reads as a
    :class:`~sim.district.scenario.DistrictScenario`, which every command runs as it runs a
    community.
    """
    from sim.district.reading import is_district_file, load_district

    checked = _path(path, "", None)
    if is_district_file(checked):
        return load_district(checked)
    return _load(checked, stack=())


def scenario_from_mapping(doc: Mapping[str, Any], name: str = "custom") -> Scenario:
    """Build a scenario from nested sections in memory (used by the web app and scripts)."""
    params = defaults()
    own = flatten("<memory>", doc)
    for key, value in own.items():
        params[key] = merge(params[key], check_value("<memory>", key, value))
    check_consistency("<memory>", params)
    return Scenario(name=name, params=params, own=own)


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
    shown = paths.shown(path)
    doc = _read_toml(path, shown)
    real = _real(path, shown)
    if real in stack:
        raise ScenarioError(shown, "extends", "scenarios extend each other in a cycle")
    stack = (*stack, real)
    for key in doc:
        if key not in META_KEYS and not is_section(key):
            raise ScenarioError(shown, key, unknown_key(key, top=True))

    if "extends" in doc:
        base_ref = _str(shown, "extends", doc["extends"])
        base = _load(_include(path.parent, base_ref, shown, "extends", stack), stack)
        params, timeline = dict(base.params), list(base.timeline)
    else:
        params, timeline = defaults(), []

    own = _own_changes(path, doc, shown, stack)
    for key, value in own.items():
        params[key] = merge(params[key], value)
    check_consistency(shown, params)

    start = parse_date(params["run.start_date"])
    days = int(params["run.days"])
    for i, entry in enumerate(_list(shown, "timeline", doc.get("timeline", []))):
        timeline.append(_timeline_step(path, shown, i, entry, start, stack, days))
    timeline.sort(key=lambda s: s.day)
    state = dict(params)
    for step in timeline:
        for key, value in step.changes.items():
            state[key] = merge(state[key], value)
        check_consistency(shown, state, where=f"timeline '{step.label}'")

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
    for key, value in flatten(shown, sections).items():
        changes[key] = merge(changes.get(key), check_value(shown, key, value))
    return changes


def _applied(path: Path, stack: tuple[Path, ...]) -> dict[str, Any]:
    shown = paths.shown(path)
    doc = _read_toml(path, shown)
    real = _real(path, shown)
    if real in stack:
        raise ScenarioError(shown, "apply", "files apply each other in a cycle")
    for key in doc:
        if key not in META_KEYS and not is_section(key):
            raise ScenarioError(shown, key, unknown_key(key, top=True))
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
    for key, value in flatten(shown, set_table, prefix="").items():
        changes[key] = merge(changes.get(key), check_value(shown, key, value))
    if not changes:
        raise ScenarioError(shown, where, "changes nothing: give 'apply' or a 'set' table")
    for key in changes:
        if is_structural(key):
            raise ScenarioError(
                shown, f"{where}.{key}", "cannot change during a run: it is drawn when the run starts"
            )
    label = _str(shown, f"{where}.label", entry.get("label", f"day {day}"))
    return TimelineStep(day=day, label=label, changes=changes, date=date)


def _str(shown: str, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ScenarioError(shown, key, f"must be a string, got {show_value(value)}")
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
