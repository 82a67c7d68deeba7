"""Checking what a scenario states, one key and one value at a time.

Every key a file or a caller states must name a parameter of the schema (:data:`sim.parameters.PARAMS`)
or a section of them, and every value must be of the parameter's kind and within its range.  What
fails becomes a :class:`ScenarioError` whose one-line message names the file, the key and what is
allowed, with the nearest known name when the key looks like a typo.  A value that passes comes
back normalised (an integer-valued float as an int, a schedule in its canonical spelling, a date
as ISO text), so two files that say the same thing resolve to the same parameters.

The rules that involve several parameters at once are in :mod:`sim.scenario.consistency`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import Any

from sim.calendar import ScheduleError, mask_to_spec, weekly_mask
from sim.param import Param
from sim.parameters import CLASSES, GROUPS, PARAMS, parse_date

#: The keys of a scenario file that are not parameter sections.
META_KEYS = ("name", "description", "extends", "apply", "year", "timeline")


class ScenarioError(ValueError):
    """A scenario that cannot be used.  ``str(err)`` is a one-line message for the user."""

    def __init__(self, source: str, key: str | None, message: str) -> None:
        self.source, self.key, self.message = source, key, message
        where = f"{source}: " if source else ""
        what = f"key '{key}': " if key else ""
        super().__init__(f"{where}{what}{message}")


def is_section(key: str) -> bool:
    """Whether ``key`` is a section of parameters (``staff``), not a parameter itself."""
    return any(k.startswith(key + ".") for k in PARAMS)


def flatten(shown: str, table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested sections as dotted parameter keys (``{"staff": {"count": 8}}`` -> ``staff.count``);
    a key that names neither a parameter nor a section is an error."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if dotted in PARAMS:
            out[dotted] = value
        elif isinstance(value, Mapping) and is_section(dotted):
            out.update(flatten(shown, value, dotted + "."))
        else:
            raise ScenarioError(shown, dotted, unknown_key(dotted, top=not prefix))
    return out


def unknown_key(key: str, top: bool) -> str:
    """The message for a key nothing knows: the nearest known name, and what is allowed there
    (``top``: at the top of a file, where meta keys and sections are)."""
    options = list(META_KEYS) + sorted({k.split(".")[0] for k in PARAMS}) if top else list(PARAMS)
    close = difflib.get_close_matches(key, options, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    if top:
        return f"unknown key{hint} Allowed: {', '.join(options)}"
    section = key.split(".")[0]
    in_section = [k for k in PARAMS if k.startswith(section + ".")]
    listing = ", ".join(in_section) if in_section else ", ".join(sorted({k.split(".")[0] for k in PARAMS}))
    return f"unknown parameter{hint} Allowed: {listing}"


def show_value(value: Any) -> str:
    """A value as a message quotes it, cut short if long."""
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


def check_value(shown: str, key: str, value: Any) -> Any:
    """Check one value against its parameter's kind and range; return the normalised value.

    A per-group or per-class table comes back with only the entries it states;
    :func:`sim.scenario.resolved.merge` lays it over the inherited table.
    """
    p = PARAMS.get(key)
    if p is None:
        raise ScenarioError(shown, key, unknown_key(key, top=False))
    bad = f"must be {p.allowed()}, got {show_value(value)}"
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


def _range(p: Param) -> str:
    return f"from {p.lo:g} to {p.hi:g}"


def _check_range(shown: str, key: str, p: Param, value: float, bad: str) -> None:
    if (p.lo is not None and value < p.lo) or (p.hi is not None and value > p.hi):
        raise ScenarioError(shown, key, bad)
