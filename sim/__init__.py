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

from importlib import import_module
from typing import TYPE_CHECKING

# ``compare`` is imported now: the function shares its name with the module ``sim.compare``, and
# a lazily loaded attribute would be shadowed by the module once anything imported it.  The rest
# is loaded on first use, from the module that defines it, so that ``import sim`` (and every
# ``govsim`` start) does not pay for pandas, SciPy, SALib and Mesa up front.
from sim.compare import Comparison, compare

_EXPORTS = {
    "Experiment": "sim.experiments.experiment",
    "experiment_from_mapping": "sim.experiments.experiment",
    "load_experiment": "sim.experiments.experiment",
    "export": "sim.experiments.export",
    "SensitivityResult": "sim.experiments.sensitivity.results",
    "sensitivity": "sim.experiments.sensitivity.sobol_morris",
    "SweepResult": "sim.experiments.sweep",
    "sweep": "sim.experiments.sweep",
    "RunResult": "sim.run",
    "simulate": "sim.run",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.scenario",
    "load_scenario": "sim.scenario",
    "scenario_from_mapping": "sim.scenario",
}

if TYPE_CHECKING:
    from sim.experiments.experiment import Experiment, experiment_from_mapping, load_experiment
    from sim.experiments.export import export
    from sim.experiments.sensitivity.results import SensitivityResult
    from sim.experiments.sensitivity.sobol_morris import sensitivity
    from sim.experiments.sweep import SweepResult, sweep
    from sim.run import RunResult, simulate
    from sim.scenario import Scenario, ScenarioError, load_scenario, scenario_from_mapping


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


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
