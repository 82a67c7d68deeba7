"""Batch sweeps: run every design point of an experiment R times and keep every run in a store.

A sweep has three parts, each in a module named after it:

* :mod:`sim.experiments.sweep.planning`: the runs the design needs (:func:`plan`), with the same
  seeds ``replication_seed(seed, r)`` at every design point (common random numbers, so points
  are compared run by run), and what the whole job will cost (:func:`check_budget`);
* :mod:`sim.experiments.sweep.running`: the coordinator's crash-safe loop (:func:`sweep`), which
  skips what the store holds, hands the rest to :func:`sim.executors.execute` and writes each
  outcome the moment it arrives, one transaction per run, so stopping it any way at all loses at
  most the runs in flight and the same call again does only what is missing;
  :mod:`sim.experiments.sweep.provenance` is the manifest each session records;
* :mod:`sim.experiments.sweep.results`: :class:`SweepResult`, the tables read back from the store
  (runs, means per point, paired effects against a reference point) and the printed report.

The names below are the package's public API; import them from ``sim.experiments.sweep``.
"""

from sim.experiments.sweep.planning import as_experiment, check_budget, default_store, plan
from sim.experiments.sweep.results import SweepResult
from sim.experiments.sweep.running import ProgressFn, SweepInterrupted, sweep

__all__ = [
    "ProgressFn",
    "SweepInterrupted",
    "SweepResult",
    "as_experiment",
    "check_budget",
    "default_store",
    "plan",
    "sweep",
]
