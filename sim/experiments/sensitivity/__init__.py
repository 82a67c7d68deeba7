"""Global sensitivity analysis: which uncertain factors move a KPI, and how much?

Two ways in, both through SALib:

* **A design made for it** (:mod:`.sobol_morris`): an experiment with ``[design] kind =
  "saltelli"`` (Sobol indices) or ``"morris"`` (elementary effects) runs through
  :func:`sim.experiments.sweep.sweep` - same store, same resumption, same executors - and the
  indices are computed from its runs.
* **Runs already made** (:mod:`.store_methods`): delta, PAWN or RBD-FAST indices from the point
  means of any sweep's store, whatever its design (no new runs).

The model is stochastic, so the output at a design point is a random variable.  Handing SALib
one run per point would count seed noise as parameter effect: a factor that does nothing still
gets a total index about equal to the noise variance over the output variance.  Each point is
therefore run R times with the same R seeds at every point (common random numbers, which make the
noise largely shared between points) and the indices are computed on the mean of the R runs, whose
remaining noise variance is divided by R (:mod:`.averaging`).  The report gives that remaining
noise as a share of the variance of the averaged output, so a reader can see whether R was enough.

Intervals are SALib's bootstrap intervals (resampling design rows).  The convergence table and
figure recompute the indices on nested subsets of the design: the first n base samples of a
Saltelli design are the design for n (first n trajectories for Morris), so no extra runs are
needed to see whether the indices have settled as N grows.  What a planner reads - the tables,
the figures, the CSV and JSON files - is in :mod:`.results`.

Nothing heavy is imported here: the modules load pandas, NumPy and SALib when they are used.
"""


class SensitivityError(ValueError):
    """The runs cannot give indices (missing design points, an undefined KPI); one-line message."""
