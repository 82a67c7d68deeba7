"""Batch experiments: sweeps over designs of factor values, and sensitivity analysis.

The public functions, each behind a ``govsim`` command::

    import sim
    res = sim.sweep("experiments/staffing_hours.toml", store="results/staffing.sqlite", workers=2)
    res.runs                     # one row per design point and replication: factors, KPIs, status
    res.effects()                # paired differences from the experiment's reference point
    sens = sim.sensitivity("experiments/sobol_uncertain.toml", quick=True)
    sens.indices                 # S1 / ST with bootstrap intervals, per KPI and factor
    sim.export("results/staffing.sqlite", "results/staffing", format="parquet")
"""

from sim.experiments.experiment import (
    Experiment,
    ExperimentError,
    Factor,
    Point,
    experiment_from_mapping,
    load_experiment,
)
from sim.experiments.export import export
from sim.experiments.sensitivity import SensitivityResult, sensitivity
from sim.experiments.store import StoreBusy, StoreError
from sim.experiments.sweep import SweepInterrupted, SweepResult, sweep

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
    "export",
    "load_experiment",
    "sensitivity",
    "sweep",
]
