"""Batch experiments: sweeps over designs of factor values, and sensitivity analysis.

The public functions, each behind a ``govsim`` command::

    import sim
    res = sim.sweep("experiments/staffing_hours.toml", store="results/staffing.sqlite", workers=2)
    res.runs                     # one row per design point and replication: factors, KPIs, status
    res.effects()                # paired differences from the experiment's reference point
    sens = sim.sensitivity("experiments/sobol_uncertain.toml", quick=True)
    sens.indices                 # S1 / ST with bootstrap intervals, per KPI and factor
    sim.export("results/staffing.sqlite", "results/staffing", format="parquet")

``sweep``, ``sensitivity`` and ``export`` are reached as ``sim.sweep`` and so on: here those names
are the modules (``sensitivity`` the package) that define them.  The other names load on first
use, so that ``govsim`` (which imports ``sim.experiments.cli`` at every start) does not pay for
pandas, SciPy and SALib.
"""

from importlib import import_module
from typing import TYPE_CHECKING

_EXPORTS = {
    "Experiment": "experiment",
    "ExperimentError": "experiment",
    "Factor": "experiment",
    "Point": "experiment",
    "experiment_from_mapping": "experiment",
    "load_experiment": "experiment",
    "SensitivityResult": "sensitivity.results",
    "StoreBusy": "store",
    "StoreError": "store",
    "SweepInterrupted": "sweep",
    "SweepResult": "sweep",
}
__all__ = [
    "Experiment",
    "ExperimentError",
    "Factor",
    "Point",
    "SensitivityResult",
    "StoreBusy",
    "StoreError",
    "SweepInterrupted",
    "SweepResult",
    "experiment_from_mapping",
    "load_experiment",
]

if TYPE_CHECKING:
    from sim.experiments.experiment import (
        Experiment,
        ExperimentError,
        Factor,
        Point,
        experiment_from_mapping,
        load_experiment,
    )
    from sim.experiments.sensitivity.results import SensitivityResult
    from sim.experiments.store import StoreBusy, StoreError
    from sim.experiments.sweep import SweepInterrupted, SweepResult


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        return getattr(import_module(f"sim.experiments.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'sim.experiments' has no attribute {name!r}")
