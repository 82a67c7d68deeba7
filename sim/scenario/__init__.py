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

The package is in four parts, in the order a file goes through them:

* :mod:`sim.scenario.reading`: reading files, following ``extends`` and ``apply``, building the
  timeline (:func:`load_scenario`), or taking sections from memory (:func:`scenario_from_mapping`);
* :mod:`sim.scenario.validation`: each key and value checked against the parameter schema
  (:class:`ScenarioError` is what a bad one raises);
* :mod:`sim.scenario.consistency`: the rules that involve several parameters, and what cannot
  change inside a run (:data:`STRUCTURAL_KEYS`);
* :mod:`sim.scenario.resolved`: the result, a :class:`Scenario` with every parameter resolved
  and its :class:`TimelineStep` list, which is what the model runs.

The names below are the package's public API; import them from ``sim.scenario``.
"""

from sim.scenario.consistency import STRUCTURAL_KEYS, STRUCTURAL_PREFIXES
from sim.scenario.reading import load_scenario, scenario_from_mapping
from sim.scenario.resolved import Scenario, TimelineStep
from sim.scenario.validation import META_KEYS, ScenarioError

__all__ = [
    "META_KEYS",
    "STRUCTURAL_KEYS",
    "STRUCTURAL_PREFIXES",
    "Scenario",
    "ScenarioError",
    "TimelineStep",
    "load_scenario",
    "scenario_from_mapping",
]
