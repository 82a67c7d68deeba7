"""From runs to answers: scenario discovery, robustness, directed search and pictures of a sweep.

Each analysis reads a sweep's SQLite store (:mod:`sim.analysis.store_data`) and is a function
with a ``govsim`` command of the same name::

    from sim.analysis import discover, robustness, search, plot_store
    box = discover("results/x.sqlite", "service.unmet_share > 0.1")      # PRIM box, or method="cart"
    rob = robustness("results/x.sqlite", goals=["finance.balance_yuan >= 0"])
    best = search("experiments/x.toml", minimise=["staff.count"], constraints=["..."])
    figs = plot_store("results/x.sqlite", out="figures")

The methods come from maintained libraries: EMA Workbench (PRIM), scikit-learn (CART, extra
trees), pymoo (NSGA-II, hypervolume), SALib (sensitivity from existing runs); they are the
``analysis`` extra (``pip install govsim[analysis]``) and load on first use.
"""

from importlib import import_module
from typing import Any

_EXPORTS = {
    "AnalysisError": "store_data",
    "load": "store_data",
    "discover": "discover",
    "robustness": "robustness",
    "search": "search",
    "plot_store": "plots",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f"sim.analysis.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'sim.analysis' has no attribute {name!r}")
