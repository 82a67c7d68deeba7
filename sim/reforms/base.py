"""What a reform is: one declaration that holds everything about it.

A :class:`Reform` names the policy as the article does, declares the parameters it sets (with
units and sources), the controls a planner changes it with in the web app, the effects the
article claims for it (checked in ``docs/validation``), the rules its parameters must obey
together, and - where it changes *how* the community works rather than only a number - the
strategy it installs in the :class:`sim.policy.Policy` for the period it is in force.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from sim.i18n import N_
from sim.param import Param

if TYPE_CHECKING:
    from sim.policy import Policy


@dataclass(frozen=True)
class Control:
    """One control of a reform in the web app: which parameter, what the planner reads, which widget.

    ``widget`` is one of ``percent`` (a slider in %), ``count`` (a whole number), ``number``,
    ``money`` (yuan), ``switch`` (on/off) or ``hours`` (the opening-hours editor).
    """

    key: str
    label: str
    widget: str
    help: str = ""


class Claim(NamedTuple):
    """An effect the article claims: reform file stem, KPI, direction, wording, and the size it must
    reach to count, stated before the claim is run.

    ``threshold`` is a magnitude in the KPI's own unit (shares as fractions: 0.02 is 2 percentage
    points): the claim holds when the 95 % interval of the paired difference lies beyond it on the
    claimed side.  0 (the default) asks only that the interval exclude zero.  ``why`` says where the
    threshold comes from.
    """

    reform: str
    kpi: str
    direction: int  # +1: the article says the KPI rises; -1: it falls
    claim: str
    threshold: float = 0.0
    why: str = ""


#: A consistency rule: the parameters in force -> None, or (key, what is wrong) for the user.
Rule = Callable[[Mapping[str, Any]], "tuple[str, str] | None"]
#: Installs the reform's strategies for the parameters of one period.
Install = Callable[["Policy", Mapping[str, Any]], None]

#: Where the article tells a reform (its four parts), in the order the app shows them.
FAMILIES = {
    "institutions": N_("Institutions and mechanisms"),
    "guarantees": N_("Guarantees: space, money and people"),
    "governance": N_("Governance: platform, information, self-governance"),
    "services": N_("Services"),
}


@dataclass(frozen=True)
class Reform:
    """One of the article's reforms, as the model, the app and the validation know it."""

    stem: str  # the one-reform scenario file: scenarios/reforms/<stem>.toml
    title: str
    chinese: str  # the article's own name for it
    family: str  # a key of FAMILIES: where the article tells it
    years: str
    summary: str
    params: tuple[Param, ...]
    controls: tuple[Control, ...] = ()
    claims: tuple[Claim, ...] = ()
    rules: tuple[Rule, ...] = ()
    install: Install | None = None

    def __repr__(self) -> str:
        return f"Reform({self.stem!r}, {len(self.params)} parameters, {len(self.claims)} claims)"

    @property
    def scenario_file(self) -> str:
        return f"reforms/{self.stem}.toml"
