"""A district: its settings and its communities, each a resolved community scenario.

:class:`DistrictScenario` is what :func:`sim.district.reading.load_district` makes of a district
file: the settings (:mod:`sim.district.settings`), the community types or listed communities, and
the changes laid over every community; :attr:`DistrictScenario.members` are the communities as
the model runs them (built when first asked for, from ``district.seed``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np

from sim.district.settings import SETTINGS, check_setting
from sim.scenario import Scenario, ScenarioError
from sim.scenario.resolved import _canon, merge
from sim.scenario.validation import check_value


@dataclass(frozen=True)
class CommunityType:
    """A kind of community (old neighbourhood, new estate, ...): its share of the district, its size
    range and the parameters it changes."""

    name: str
    share: float
    residents: tuple[int, int]
    label: str = ""
    changes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Listed:
    """A community named in the file: its own scenario file and changes."""

    scenario: Scenario
    name: str
    subdistrict: int
    changes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Member:
    """One community of the district, as the model runs it."""

    index: int
    name: str
    type: str
    subdistrict: int
    scenario: Scenario

    @property
    def residents(self) -> int:
        return int(self.scenario.params["population.residents"])


@dataclass(frozen=True)
class DistrictScenario:
    """A validated district: settings, community types or listed communities, and the changes laid
    over every community.  ``members`` are the communities; ``with_changes`` takes district
    settings (``district.allocation``) and community parameters (``staff.count``) alike."""

    name: str
    base: Scenario
    settings: Mapping[str, Any]
    types: tuple[CommunityType, ...] = ()
    listed: tuple[Listed, ...] = ()
    common: Mapping[str, Any] = field(default_factory=dict)  # every community's changes
    rollout_changes: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    source: str = "<memory>"

    def __repr__(self) -> str:
        kinds = f"{len(self.types)} types" if self.types else "listed"
        return (
            f"DistrictScenario({self.name!r}, {self.count} communities, {kinds}, "
            f"allocation={self.settings['allocation']!r})"
        )

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("members", None)  # rebuilt where it is needed, not sent to every worker
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    # -- what the rest of the code asks of a scenario --------------------------------------------
    @property
    def is_district(self) -> bool:
        return True

    @property
    def count(self) -> int:
        return len(self.listed) if self.listed else int(self.settings["communities"])

    @property
    def days(self) -> int:
        return int(self.base.params["run.days"])

    @property
    def start_date(self) -> dt.date:
        return self.base.start_date

    @property
    def timeline(self) -> tuple:
        return self.base.timeline

    @property
    def params(self) -> dict[str, Any]:
        """The base community's parameters with the changes every community gets, and the
        district's settings (``district.*``)."""
        return {**self._common_params(), **{f"district.{k}": v for k, v in self.settings.items()}}

    def _common_params(self) -> dict[str, Any]:
        params = dict(self.base.params)
        for key, value in self.common.items():
            params[key] = merge(params[key], value)
        return params

    @property
    def year(self) -> int | None:
        return self.base.year

    @property
    def own(self) -> dict[str, Any]:
        return dict(self.common)

    def describe(self) -> str:
        """The district's settings, types (or listed communities) and roll-out, for ``govsim show``
        (the base community's parameters are listed above it)."""

        lines = [f"district: {self.count} communities, every one from {self.base.source}"]
        for key, value in self.settings.items():
            shown = "derived from the communities" if value is None else json.dumps(value, ensure_ascii=False)
            unit = SETTINGS[key].unit
            lines.append(f"  district.{key} = {shown}" + (f"  [{unit}]" if unit else ""))
        for t in self.types:
            size = f"{t.residents[0]:,}-{t.residents[1]:,} residents"
            lines.append(f"  type {t.name} ({t.label}): share {t.share:g}, {size}")
            lines += [f"      {k} = {json.dumps(v, ensure_ascii=False)}" for k, v in t.changes.items()]
        for c in self.listed:
            lines.append(f"  community {c.name} (sub-district {c.subdistrict}): {c.scenario.source}")
        if self.rollout_changes:
            lines.append("  roll-out changes: " + json.dumps(dict(self.rollout_changes), ensure_ascii=False))
        return "\n".join(lines)

    def with_changes(self, changes: Mapping[str, Any], name: str | None = None) -> DistrictScenario:
        """A new district with settings (``district.x``) or every community's parameters changed."""
        settings = dict(self.settings)
        common = dict(self.common)
        for key, value in changes.items():
            if key.startswith("district."):
                settings[key.removeprefix("district.")] = check_setting(self.source, key[9:], value)
            else:
                checked = check_value(self.source, key, value)
                common[key] = merge(common[key], checked) if key in common else checked
        out = replace(self, name=name or self.name, settings=settings, common=common)
        out.check()
        return out

    def content_hash(self) -> str:
        """SHA-256 of everything the run depends on: same hash, same input."""
        payload = {
            "base": self.base.content_hash(),
            "settings": {k: _canon(v) for k, v in sorted(self.settings.items())},
            "common": {k: _canon(v) for k, v in sorted(self.common.items())},
            "types": [
                [t.name, t.share, list(t.residents), {k: _canon(v) for k, v in sorted(t.changes.items())}]
                for t in self.types
            ],
            "listed": [[c.scenario.content_hash(), c.name, c.subdistrict] for c in self.listed],
            "rollout": {k: _canon(v) for k, v in sorted(self.rollout_changes.items())},
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def changes_from_defaults(self) -> dict[str, Any]:
        """What every community's parameters change from the 2002 defaults, before its type."""
        from sim.parameters import defaults

        base = defaults()
        return {k: v for k, v in self._common_params().items() if _canon(v) != _canon(base[k])}

    def diff(self, other: Any) -> dict[str, tuple[Any, Any]]:
        mine, theirs = self.params, getattr(other, "params", {})
        return {k: (theirs.get(k), v) for k, v in mine.items() if _canon(v) != _canon(theirs.get(k))}

    # -- the communities -------------------------------------------------------------------------
    @cached_property
    def members(self) -> tuple[Member, ...]:
        """Every community, resolved (types and sizes drawn from ``district.seed``)."""
        if self.listed:
            return tuple(
                Member(
                    i,
                    c.name,
                    "listed",
                    c.subdistrict,
                    _resolved(c.scenario, c.changes, self.common, self.source),
                )
                for i, c in enumerate(self.listed)
            )
        n = int(self.settings["communities"])
        rng = np.random.default_rng(np.random.SeedSequence([int(self.settings["seed"]), 1017]))
        shares = np.array([t.share for t in self.types])
        raw = shares * n
        counts = np.floor(raw).astype(int)
        counts[np.argsort(-(raw - counts), kind="stable")[: n - counts.sum()]] += 1
        kinds = rng.permutation(np.repeat(np.arange(len(self.types)), counts))
        k = int(self.settings["subdistricts"])
        out = []
        for i, t_index in enumerate(kinds):
            t = self.types[int(t_index)]
            lo, hi = t.residents
            size = int(rng.integers(lo, hi + 1))
            changes = {**t.changes, "population.residents": size}
            sc = _resolved(self.base, changes, self.common, self.source, name=f"{self.name} #{i + 1}")
            out.append(Member(i, f"C{i + 1:03d}", t.name, i * k // n + 1, sc))
        return tuple(out)

    @property
    def residents(self) -> int:
        return sum(m.residents for m in self.members)

    def budget_yuan_year(self) -> float:
        b = self.settings["budget_yuan_year"]
        if b is not None:
            return float(b)
        return float(sum(m.scenario.params["finance.fiscal_yuan_year"] for m in self.members))

    def department_cases_per_week(self) -> float:
        c = self.settings["department_cases_per_week"]
        if c is not None:
            return float(c)
        return self.count * float(self.base.params["departments.escalation_cases_per_week"])

    def check(self) -> None:
        """Rules across settings (raised as one-line errors)."""
        s = self.settings
        if not self.listed and not self.types:
            raise ScenarioError(
                self.source, "district.types", "a district needs community types or listed communities"
            )
        if not self.listed and s["communities"] < 1:
            raise ScenarioError(
                self.source,
                "district.communities",
                "must be at least 1 when communities are generated from types",
            )
        if s["rollout.reform"] and s["rollout.pilot_month"] == 0 and s["rollout.rule"] == "best_evaluated":
            raise ScenarioError(
                self.source,
                "district.rollout.pilot_month",
                "pilots chosen by evaluation need at least one month of results: use a month of 1 or more",
            )
        if s["rollout.everyone_month"] and s["rollout.everyone_month"] < s["rollout.pilot_month"]:
            raise ScenarioError(
                self.source, "district.rollout.everyone_month", "must not come before rollout.pilot_month"
            )


def _resolved(
    base: Scenario,
    changes: Mapping[str, Any],
    common: Mapping[str, Any],
    source: str,
    name: str | None = None,
) -> Scenario:
    laid = dict(changes)
    for key, value in common.items():  # a type's per-group table keeps the groups common leaves alone
        laid[key] = merge(laid[key], value) if key in laid else value
    try:
        return base.with_changes(laid, name=name)
    except ScenarioError as e:
        raise ScenarioError(source, e.key, e.message) from None
