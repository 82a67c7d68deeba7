"""Little's law in every run of the validation: section 5 of the evidence.

Over any stretch of time the area under the number-waiting curve equals the sum of the time each
resident spent waiting in it, whatever the arrival and service processes: so L (that area over the
run's length) equals lambda W (the summed waits over the run's length) exactly, when the waits of
residents still queueing at the end are counted up to the end.  The hall keeps the two sides
apart: ``verify.little_L`` integrates the number waiting as the hall runs,
``verify.little_lambda_W`` sums each resident's wait.  Agreement therefore checks the hall's event
handling, including the lazily detected departures of residents who leave the queue.  It is an
identity of the hall's bookkeeping, so it must hold to rounding error in every run
(:data:`LITTLE_TOLERANCE`), not to a statistical tolerance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.validation.markdown import md_table, short_number

#: Little's law is an identity of the hall's bookkeeping, so it must hold to rounding error.
LITTLE_TOLERANCE = 1e-9


def littles_law(runs: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: runs checked, mean L and lambda*W, and the largest relative gap in any run."""
    L, lw = runs["verify.little_L"].astype(float), runs["verify.little_lambda_W"].astype(float)
    gap = (L - lw).abs() / np.maximum(np.maximum(L.abs(), lw.abs()), 1e-300)
    frame = pd.DataFrame({"scenario": runs["scenario"], "L": L, "lambda_W": lw, "gap": gap})
    rows = []
    for name, g in frame.groupby("scenario", sort=False):
        worst = float(g["gap"].max())
        rows.append(
            {
                "scenario": name,
                "runs": len(g),
                "L_mean": float(g["L"].mean()),
                "lambda_W_mean": float(g["lambda_W"].mean()),
                "max_rel_gap": worst,
                "holds": bool(worst <= LITTLE_TOLERANCE and len(g) > 0),
            }
        )
    return pd.DataFrame(rows)


def littles_law_section(little: pd.DataFrame) -> list[str]:
    """The evidence's section on Little's law: one row per scenario file (or other set of runs)."""
    rows = [
        [
            f"`{r.scenario}`" if r.scenario.startswith("scenarios/") else r.scenario,
            str(r.runs),
            short_number(r.L_mean, 4),
            short_number(r.lambda_W_mean, 4),
            f"{r.max_rel_gap:.1e}",
            "yes" if r.holds else "**no**",
        ]
        for r in little.itertuples()
    ]
    return [
        "## 5. Little's law in every run",
        "",
        "For every run of this validation, the time-average number waiting in the hall's queues (L, "
        "integrated as the hall runs) against the arrival rate times the mean wait (lambda W, summed "
        "from each resident's wait, including those still waiting at the end). The two are computed "
        "separately, so agreement checks the hall's event handling, including the lazily detected "
        f"departures of residents who leave the queue. Holds: largest relative gap <= {LITTLE_TOLERANCE:g}.",
        "",
        md_table(rows, ["scenario", "runs", "L (mean)", "lambda W (mean)", "largest gap", "holds"]),
        "",
    ]
