"""A scenario as a planner edits it: a scenario from a file (or a copy of one) plus their changes.

A :class:`Draft` keeps what the planner typed even when it is impossible (zero staff, a hall that
closes before it opens), so that the page can show the value together with the reason it cannot
be used; :meth:`Draft.problems` says what is wrong, keyed by the parameter's control.  Only
:meth:`Draft.scenario` turns a draft into a :class:`~sim.scenario.Scenario`, through
``Scenario.with_changes``: the same validation as a scenario file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sim.calendar import ScheduleError, weekly_mask
from sim.i18n import _
from sim.parameters import PARAMS
from sim.scenario import Scenario, ScenarioError

NAME_KEY = "name"  # problems with the scenario's name are keyed like this
MAX_NAME = 80

_ids = itertools.count(1)


def new_id() -> int:
    """A fresh draft id (drafts are reordered and removed; the id keeps a card's identity)."""
    return next(_ids)


def _canon(v: Any) -> Any:
    """A comparable form of a parameter value (1 == 1.0; mappings without order)."""
    if isinstance(v, Mapping):
        return tuple(sorted((k, _canon(x)) for k, x in v.items()))
    if isinstance(v, (list, tuple)):
        return tuple(_canon(x) for x in v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def same_value(key: str, a: Any, b: Any) -> bool:
    """Whether two values of parameter ``key`` mean the same (schedules compare by their hours)."""
    if PARAMS[key].kind == "schedule":
        try:
            return bool((weekly_mask(a) == weekly_mask(b)).all())
        except ScheduleError:
            return False
    if isinstance(a, float) and isinstance(b, float) and math.isclose(a, b, rel_tol=0, abs_tol=1e-12):
        return True
    return _canon(a) == _canon(b)


def control_key(error_key: str | None) -> str | None:
    """The parameter a :class:`ScenarioError` is about (``x.y.group`` -> ``x.y``)."""
    if error_key is None or error_key in PARAMS:
        return error_key
    base = error_key.rpartition(".")[0]
    return base if base in PARAMS else error_key


@dataclass(frozen=True)
class Draft:
    """One scenario card: where it came from, what the planner changed, and its name."""

    id: int
    base: Scenario
    origin: str
    edits: Mapping[str, Any] = field(default_factory=dict)
    name: str | None = None  # the planner's own name; None: the base's name
    description: str | None = None
    root: Scenario | None = None  # the scenario file a copy started from (None: ``base``)

    @classmethod
    def from_scenario(cls, scenario: Scenario, origin: str) -> Draft:
        return cls(id=new_id(), base=scenario, origin=origin)

    @property
    def display_name(self) -> str:
        """The name in tables and figures: an edited file scenario says so, so that results are
        never taken for the file's own."""
        if self.name is not None:
            return self.name.strip()
        return _("{name} (edited)").format(name=self.base.name) if self.edits else self.base.name

    @property
    def shown_description(self) -> str:
        """The planner's description; else the file's, while the values are still the file's;
        else what it started from and what changed (the file's text would describe another
        package: "before the reforms" under reforms switched on)."""
        if self.description is not None:
            return self.description
        root = self.root or self.base
        changed = self.changes_from_root()
        if not changed:
            return root.description
        from sim.ui.labels import param_label, value_text

        shown = [f"{param_label(k)} {value_text(k, self.value(k))}" for k in changed[:8]]
        more = _(" and {n} more").format(n=len(changed) - 8) if len(changed) > 8 else ""
        return _("Started from {name}; changed: {changes}{more}.").format(
            name=root.name, changes=_("; ").join(shown), more=more
        )

    def value(self, key: str) -> Any:
        """The value the planner sees for ``key``: their edit, else the scenario's."""
        return self.edits[key] if key in self.edits else self.base.params[key]

    def with_value(self, key: str, value: Any) -> Draft:
        """This draft with ``key`` set; setting it back to the scenario's value drops the edit."""
        edits = dict(self.edits)
        if same_value(key, value, self.base.params[key]):
            edits.pop(key, None)
        else:
            edits[key] = value
        return dataclasses.replace(self, edits=edits)

    def with_name(self, name: str) -> Draft:
        return dataclasses.replace(self, name=name)

    def with_description(self, description: str) -> Draft:
        return dataclasses.replace(self, description=description)

    def reset(self) -> Draft:
        """Back to the scenario as loaded."""
        return dataclasses.replace(self, edits={}, name=None, description=None)

    def problems(self) -> dict[str | None, str]:
        """What makes this draft impossible, keyed by parameter (``name`` for the name).

        Values are checked before the rules that involve several parameters (as in a file).
        """
        out: dict[str | None, str] = {}
        name = self.display_name
        if not name:
            out[NAME_KEY] = _("give the scenario a name")
        elif len(name) > MAX_NAME:
            out[NAME_KEY] = _("a name of at most {n} characters, please").format(n=MAX_NAME)
        # Validate all edits together, as a file would be; when an edit is refused, record why
        # and try again without it, so that every impossible value gets its own message.
        remaining = dict(self.edits)
        while True:
            try:
                self.base.with_changes(remaining)
                break
            except ScenarioError as e:
                key = control_key(e.key)
                message = _message(e)
                if key in PARAMS and PARAMS[key].kind == "schedule":
                    message = _with_days(message, e.message, self.value(key))
                out.setdefault(key, message)
                if key not in remaining:
                    break  # a rule across parameters that no single edit explains
                del remaining[key]
        return out

    def scenario(self) -> Scenario:
        """The scenario to run or save.  Raises :class:`ScenarioError` if it is impossible."""
        problems = self.problems()
        if problems:
            key, message = next(iter(problems.items()))
            raise ScenarioError("", None if key == NAME_KEY else key, message)
        sc = self.base.with_changes(dict(self.edits), name=self.display_name)
        return dataclasses.replace(sc, description=self.shown_description)

    def copy_as(self, name: str) -> Draft:
        """A new, separate draft that starts from this one (edits included) under ``name``."""
        sc = self.scenario()
        return Draft(
            id=new_id(),
            base=dataclasses.replace(sc, name=name, own=dict(sc.changes_from_defaults())),
            origin=_("new, started from {name}").format(name=self.display_name),
            name=name,
            description=self.description,
            root=self.root or self.base,
        )

    def changes_from_root(self) -> list[str]:
        """Keys whose value differs from the scenario file this card (or the card it was copied
        from) came from."""
        root = self.root or self.base
        return [k for k in PARAMS if not same_value(k, self.value(k), root.params[k])]


_KEY_EQUALS = re.compile(r"\b([a-z_]+\.[a-z_.]+) = (true|false)\b")
_KEY = re.compile(r"\b([a-z_]+\.[a-z_]+(?:\.[a-z_]+)?)\b")


def _message(e: ScenarioError) -> str:
    """The validation message in the planner's words and language: parameter names as the
    controls call them, and without the TOML example that a file's author needs but the hours
    editor does not."""
    from sim.ui.labels import param_label
    from sim.ui.messages import problem_text

    text = problem_text(e.message.split("; expected a weekly schedule table")[0])

    def switch(m: re.Match[str]) -> str:
        if m.group(1) not in PARAMS:
            return m.group(0)
        on = _("'{name}' on") if m.group(2) == "true" else _("'{name}' off")
        return on.format(name=param_label(m.group(1)))

    text = _KEY_EQUALS.sub(switch, text)
    return _KEY.sub(
        lambda m: _("'{name}'").format(name=param_label(m.group(1))) if m.group(1) in PARAMS else m.group(0),
        text,
    )


_INTERVAL_IN_MESSAGE = re.compile(r"interval '([^']*)'")


def _with_days(message: str, english: str, spec: Any) -> str:
    """A schedule message that names the days of the period it is about ("Monday, Tuesday:
    interval '08:00-07:00' must run forwards..."): the planner edits the hours day by day.  The
    period is found in the validation's own (English) message ``english``."""
    m = _INTERVAL_IN_MESSAGE.search(english)
    if not m or not isinstance(spec, Mapping):
        return message
    from sim.ui.components.opening_hours import DAY_LABELS, expand_days

    try:
        per_day = expand_days(spec)
    except (TypeError, ValueError):
        return message
    days = [_(DAY_LABELS[d]) for d, periods in per_day.items() if m.group(1) in periods]
    if not days:
        return message
    shown = (
        days[0]
        if len(days) == 1
        else _("{days} and {last}").format(days=_(", ").join(days[:-1]), last=days[-1])
    )
    return _("{days}: {message}").format(days=shown, message=message)


def name_problems(drafts: Sequence[Draft]) -> dict[int, str]:
    """Drafts whose name another draft already has (results are keyed by name)."""
    seen: dict[str, int] = {}
    out: dict[int, str] = {}
    for d in drafts:
        key = d.display_name.casefold()
        if key in seen:
            out[d.id] = _("another scenario is already called '{name}'; rename one of them").format(
                name=d.display_name
            )
        else:
            seen[key] = d.id
    return out


def unique_name(wanted: str, drafts: Sequence[Draft]) -> str:
    """``wanted``, or ``wanted (2)``, ... so that no two cards share a name."""
    taken = {d.display_name.casefold() for d in drafts}
    if wanted.casefold() not in taken:
        return wanted
    for n in itertools.count(2):
        candidate = f"{wanted} ({n})"
        if candidate.casefold() not in taken:
            return candidate
    raise AssertionError("unreachable")


def differences(drafts: Sequence[Draft]) -> list[tuple[str, list[Any]]]:
    """Parameters on which any draft differs from the first (the reference), with each draft's
    value: ``[(key, [value of draft 0, value of draft 1, ...]), ...]`` in parameter order.

    Drafts with problems show the values the planner typed, so the table follows the controls.
    """
    if not drafts:
        return []
    rows = []
    for key in PARAMS:
        values = [d.value(key) for d in drafts]
        if any(not same_value(key, v, values[0]) for v in values[1:]):
            rows.append((key, values))
    return rows
