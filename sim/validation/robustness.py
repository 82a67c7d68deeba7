"""How robust each claim is: in how many of the accepted parameter sets does it hold?

A claim's interval at the default parameters says whether the mechanism moves the KPI as the
article says *if the assumptions are right*.  The assumptions are uncertain, so each claim is also
judged in every parameter set the calibration accepted (:mod:`sim.validation.calibration`): the
reform file against the 2002 baseline, with the same seeds, in the same set.  In one set the claim
*holds* when the mean paired difference over its replications lies beyond the claim's threshold
on the claimed side (:func:`sim.validation.claims.holds`); a handful of replications per set
cannot give each set its own interval, and the count over many sets is the evidence.

The count is reported as it comes: a claim that holds in few sets is reported as such.  With no
set accepted the counts are taken over every sampled set and the report says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sim.validation.claims import holds

if TYPE_CHECKING:
    import pandas as pd

    from sim.reforms import Claim
    from sim.validation.calibration import Calibration

#: The run every claim is paired with (sim.validation.calibration.RUNS).
BASELINE = "y2002"
#: The issue asks for robustness over at least this many accepted sets.
ENOUGH_SETS = 50


def paired_differences(cal: Calibration, claims: Sequence[Claim]) -> pd.DataFrame:
    """One row per set and claim: the mean over replications of (reform - baseline), paired by
    replication (same seed), and whether the claim holds in that set."""
    import pandas as pd

    runs = cal.runs
    base = runs[runs["scenario"] == BASELINE].set_index(["set", "replication"])
    rows = []
    for i, c in enumerate(claims):
        ref = runs[runs["scenario"] == c.reform].set_index(["set", "replication"])
        diff = (ref[c.kpi] - base[c.kpi].reindex(ref.index)).groupby(level="set").mean()
        for s, d in diff.items():
            rows.append(
                {
                    "claim_no": i,
                    "reform": c.reform,
                    "kpi": c.kpi,
                    "set": int(s),
                    "diff": float(d),
                    "holds": holds(c.direction, float(d), c.threshold),
                }
            )
    return pd.DataFrame(rows)


def robustness_table(cal: Calibration, claims: Sequence[Claim]) -> tuple[pd.DataFrame, str]:
    """Per claim: in how many of the accepted sets (or, with none, of the sampled sets) it holds.
    Returns the table and the basis: "accepted" or "sampled"."""
    import pandas as pd

    accepted = set(cal.accepted["set"].astype(int))
    basis = "accepted" if accepted else "sampled"
    judged = accepted or set(cal.sets["set"].astype(int))
    per_set = paired_differences(cal, claims)
    per_set = per_set[per_set["set"].isin(judged)]
    rows = []
    for i, c in enumerate(claims):
        sub = per_set[per_set["claim_no"] == i]
        rows.append(
            {
                "reform": c.reform,
                "kpi": c.kpi,
                "claim": c.claim,
                "claimed": "up" if c.direction > 0 else "down",
                "threshold": c.threshold,
                "holds_in": int(sub["holds"].sum()),
                "sets": len(sub),
                "basis": basis,
                "diff_median": float(sub["diff"].median()) if len(sub) else float("nan"),
            }
        )
    return pd.DataFrame(rows), basis


def basis_sentence(n_sets: int, basis: str, found: str) -> str:
    """What the robustness counts are taken over, in words (including when there are too few);
    ``found`` says where the sets came from (:meth:`Calibration.how_found`)."""
    if basis == "sampled":
        return (
            f"No parameter set met every pattern, so the counts below are over all {n_sets} sampled "
            "sets, not over accepted ones: they say how the claims fare across the ranges, not across "
            "calibrated settings."
        )
    if n_sets < ENOUGH_SETS:
        return (
            f"Only {n_sets} sets met every pattern ({found}), fewer than the {ENOUGH_SETS} asked for: "
            f"the counts are over those {n_sets}; more samples would firm them up."
        )
    return (
        f"The counts are over the {n_sets} accepted sets: {found}. Sets found by the search lie near "
        "those found first, so the counts say how the claims fare across the calibrated region the "
        "search explored, not across every setting the ranges allow."
    )
