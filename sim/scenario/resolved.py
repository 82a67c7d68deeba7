"""A resolved scenario: what a run is given.

However a scenario was written (a file that extends another and applies reform files, a dict
from the web app, a design point of an experiment), what the model receives is a
:class:`Scenario`: every parameter of the schema with its value, plus the dated changes of its
timeline (:class:`TimelineStep`).  It is immutable; :meth:`Scenario.with_changes` makes a new one,
checked like a file.  Two scenarios with the same parameters and timeline have the same
:meth:`Scenario.content_hash`, which is how a store knows a run it already holds.

Values combine by one rule (:func:`merge`): a per-group or per-class table is laid over the
inherited one key by key; any other value replaces what was there.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.parameters import CLASSES, GROUPS, defaults, parse_date
from sim.scenario.consistency import check_consistency
from sim.scenario.validation import check_value


def merge(old: Any, new: Any) -> Any:
    """Per-group and per-class tables merge key by key; everything else is replaced."""
    if isinstance(old, Mapping) and isinstance(new, Mapping) and set(old) <= set(GROUPS) | set(CLASSES):
        return {**old, **new}
    return copy.deepcopy(new)


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
        checked = {key: check_value(self.source, key, value) for key, value in changes.items()}
        for key, value in checked.items():
            params[key] = merge(params[key], value)
        check_consistency(self.source, params)
        return Scenario(
            name=name or self.name,
            params=params,
            description=self.description,
            timeline=self.timeline,
            source=self.source,
            year=self.year,
            own={**self.own, **{k: merge(self.own.get(k), v) for k, v in checked.items()}},
        )

    def params_on_day(self, day: int) -> dict[str, Any]:
        """Parameters in force on ``day``, after the timeline steps up to it."""
        params = dict(self.params)
        for step in self.timeline:
            if step.day <= day:
                for key, value in step.changes.items():
                    params[key] = merge(params[key], value)
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
