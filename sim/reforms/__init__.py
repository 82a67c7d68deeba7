"""The Changsha reforms of 2003-2014, one module each.

Each module declares everything about its reform in one :class:`~sim.reforms.base.Reform`: the
article's name for it, its parameters (with units and sources), its controls in the web app, the
effects the article claims for it, its consistency rules, and the strategy it installs in the
model (:mod:`sim.policy`) when it changes how the community works.  Its numbers for 2014 are in
``scenarios/reforms/<stem>.toml``.  Adding a reform means adding a module here (and its name to
``MODULES``) and its scenario file; nothing else.
"""

from __future__ import annotations

from importlib import import_module

from sim.reforms.base import FAMILIES, Claim, Control, Reform

#: In the order ``scenarios/changsha_2014.toml`` applies them (the article's order, roughly).
MODULES = (
    "classification",
    "three_in_one",
    "access_system",
    "funding_follows_task",
    "authority_follows_responsibility",
    "burden_reduction",
    "one_stop",
    "grid_reporting",
    "online_services",
    "online_participation",
    "staggered_hours",
    "part_time_members",
    "funding",
    "staff_quality",
    "staffing",
    "office_space",
    "elderly_care",
)

REFORMS: tuple[Reform, ...] = tuple(import_module(f"sim.reforms.{m}").REFORM for m in MODULES)
BY_STEM: dict[str, Reform] = {r.stem: r for r in REFORMS}

__all__ = ["BY_STEM", "FAMILIES", "MODULES", "REFORMS", "Claim", "Control", "Reform"]
