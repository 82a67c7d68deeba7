"""govsim: an agent-based model of urban community-governance reforms (Changsha, 2003-2014).

The public API, for scripts and notebooks::

    import sim
    sc = sim.load_scenario("scenarios/changsha_2014.toml")
    result = sim.simulate(sc, seed=1)          # one run: result.kpis, result.daily
    cmp = sim.compare(["scenarios/baseline_2002.toml", sc], replications=10)
    cmp.table                                  # tidy: KPI x scenario, with paired differences
    res = sim.sweep("experiments/staffing_hours.toml", store="results/staffing.sqlite")
    res.runs                                   # tidy: one row per design point and replication
    sens = sim.sensitivity("experiments/sobol_uncertain.toml", quick=True)
    sens.indices                               # S1 / ST with bootstrap intervals
"""

from sim.compare import Comparison, compare
from sim.experiments import (
    Experiment,
    SensitivityResult,
    SweepResult,
    experiment_from_mapping,
    export,
    load_experiment,
    sensitivity,
    sweep,
)
from sim.run import RunResult, simulate
from sim.scenario import Scenario, ScenarioError, load_scenario, scenario_from_mapping

__version__ = "0.1.0"

__all__ = [
    "Comparison",
    "Experiment",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SensitivityResult",
    "SweepResult",
    "__version__",
    "compare",
    "experiment_from_mapping",
    "export",
    "load_experiment",
    "load_scenario",
    "scenario_from_mapping",
    "sensitivity",
    "simulate",
    "sweep",
]
