"""Design points of an experiment: which factor values each run of the sweep uses.

Sampled designs are first drawn in unit coordinates (one column per factor, values in [0, 1]) and
then mapped to factor values by :meth:`Factor.from_unit`.  Every design is a pure function of the
experiment (its seed included), so a rerun rebuilds exactly the same points, and the run ids (and
so the resumption of a sweep) follow.

* ``factorial``: every combination of each factor's values, the first factor varying slowest;
* ``lhs``: a Latin hypercube of ``samples`` points (scipy.stats.qmc);
* ``sobol``: the first ``samples`` points of a scrambled Sobol sequence (scipy.stats.qmc); a larger
  ``samples`` gives the same first points, so such a sweep can be extended;
* ``saltelli``: SALib's Sobol-sensitivity design, ``samples * (D + 2)`` points (``2D + 2`` with
  second order), in the order ``SALib.analyze.sobol`` expects; its first ``n * (D + 2)`` points
  are the design for ``n``, which the convergence figure uses;
* ``morris``: SALib's ``trajectories`` one-at-a-time trajectories of ``D + 1`` points on a grid of
  ``levels`` values;
* ``list``: the rows of ``points``, one value per factor.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sim.experiments.experiment import Design, Experiment, Factor, Point


def design_size(design: Design, factors: Sequence[Factor]) -> int:
    """How many points ``design`` has with ``factors``, from the sizes alone (nothing is built).

    A factorial with a range factor counts its ``levels`` (rounding an integer range can merge
    levels, so this is an upper bound); the product stops growing once it is past any limit.
    """
    k = len(factors)
    if design.kind == "factorial":
        n = 1
        for f in factors:
            n *= len(f.values) if f.values is not None else int(f.levels or 1)
            if n > 10**18:
                break
        return n
    if design.kind == "list":
        return len(design.points or ())
    if design.kind in ("lhs", "sobol"):
        return int(design.samples or 0)
    if design.kind == "saltelli":
        return int(design.samples or 0) * ((2 * k + 2) if design.second_order else (k + 2))
    if design.kind == "morris":
        return int(design.trajectories or 0) * (k + 1)
    if design.kind == "crossed":
        n = 1
        for f in factors:
            if f.role == "lever":
                n *= len(f.values) if f.values is not None else int(f.levels or 1)
            if n > 10**18:
                break
        uncertain = any(f.role != "lever" for f in factors)
        if design.uncertainty_points is not None:
            return n * len(design.uncertainty_points)
        return n * (int(design.uncertainty_samples or 0) if uncertain else 1)
    raise AssertionError(design.kind)


def salib_problem(exp: Experiment) -> dict[str, Any]:
    """The SALib problem in unit coordinates: factor ranges are mapped afterwards."""
    return {
        "num_vars": len(exp.factors),
        "names": exp.factor_keys,
        "bounds": [[0.0, 1.0]] * len(exp.factors),
    }


def unit_matrix(exp: Experiment) -> np.ndarray | None:
    """The design in unit coordinates, one row per point (None for factorial and list designs)."""
    d = exp.design
    k = len(exp.factors)
    if d.kind == "lhs":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=k, seed=d.seed).random(d.samples)
    if d.kind == "sobol":
        from scipy.stats import qmc

        return qmc.Sobol(d=k, scramble=True, seed=d.seed).random(d.samples)
    if d.kind == "saltelli":
        from SALib.sample import sobol as salib_sobol

        return salib_sobol.sample(
            salib_problem(exp), d.samples, calc_second_order=d.second_order, scramble=True, seed=d.seed
        )
    if d.kind == "morris":
        from SALib.sample import morris as salib_morris

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            return salib_morris.sample(salib_problem(exp), d.trajectories, num_levels=d.levels, seed=d.seed)
    return None


def crossed_rows(exp: Experiment) -> list[tuple[dict[str, Any], tuple[float, ...] | None]]:
    """Levers crossed with one shared sample of the uncertainties (EMA Workbench's
    ``perform_experiments(scenarios=n, policies=...)``): the first lever slowest, and within each
    lever setting the same ``uncertainty_samples`` uncertainty points in the same order, or the
    given ``uncertainty_points`` (``perform_experiments(scenarios=[...])``).  The unit row kept
    with each point is that of the uncertainties (what scenario discovery reads)."""
    from scipy.stats import qmc

    d = exp.design
    levers = [f for f in exp.factors if f.role == "lever"]
    uncertain = [f for f in exp.factors if f.role != "lever"]
    futures: list[tuple[dict[str, Any], tuple[float, ...]]]
    if d.uncertainty_points is not None:
        futures = []
        for row in d.uncertainty_points:
            values = dict(zip((f.key for f in uncertain), row, strict=True))
            futures.append((values, tuple(float(f.to_unit(values[f.key])) for f in uncertain)))
    elif uncertain:
        assert d.uncertainty_samples is not None
        engine = qmc.Sobol if d.uncertainty_sampler == "sobol" else qmc.LatinHypercube
        kw = {"scramble": True} if d.uncertainty_sampler == "sobol" else {}
        unit = engine(d=len(uncertain), seed=d.seed, **kw).random(d.uncertainty_samples)
        futures = [
            ({f.key: f.from_unit(x) for f, x in zip(uncertain, u, strict=True)}, tuple(float(x) for x in u))
            for u in unit
        ]
    else:
        futures = [({}, ())]
    out = []
    for combo in itertools.product(*(f.level_list() for f in levers)):
        setting = dict(zip((f.key for f in levers), combo, strict=True))
        for future, u in futures:
            values = {**setting, **future}
            out.append(({f.key: values[f.key] for f in exp.factors}, u))
    return out


def points(exp: Experiment) -> list[Point]:
    """Every design point of ``exp`` with its validated scenario."""
    from sim.experiments.experiment import SCENARIO_FACTOR, Point

    rows: list[tuple[dict[str, Any], tuple[float, ...] | None]] = []
    d = exp.design
    if d.kind == "factorial":
        levels = [f.level_list() for f in exp.factors]
        for combo in itertools.product(*levels):
            rows.append((dict(zip(exp.factor_keys, combo, strict=True)), None))
    elif d.kind == "crossed":
        rows.extend(crossed_rows(exp))
    elif d.kind == "list":
        assert d.points is not None
        for row in d.points:
            rows.append((dict(zip(exp.factor_keys, row, strict=True)), None))
    else:
        unit = unit_matrix(exp)
        assert unit is not None
        for u in unit:
            values = {f.key: f.from_unit(x) for f, x in zip(exp.factors, u, strict=True)}
            rows.append((values, tuple(float(x) for x in u)))

    out: list[Point] = []
    # Scenarios repeat across points (a Saltelli design reuses columns; a factorial reuses every
    # combination of the other factors): build each distinct one once.
    cache: dict[str, Any] = {}
    for i, (values, u) in enumerate(rows):
        base = values.get(SCENARIO_FACTOR, exp.base)
        assert base is not None
        key = repr((id(base), sorted((k, repr(v)) for k, v in values.items() if k != SCENARIO_FACTOR)))
        hit = cache.get(key)
        if hit is None:
            sc = exp.scenario_for(base, values, i)
            hit = cache[key] = (sc, sc.content_hash())
        shown = {f.key: f.label_of(values[f.key]) for f in exp.factors}
        out.append(Point(i, values, shown, hit[0], hit[1], u))
    return out
