"""The staggered-hours trade-off, checked at several staff counts: section 3 of the evidence.

Staggered hours with no extra staff spread the same staff-hours over evenings and Saturdays, so
daytime residents should wait longer while commuters get more of their needs resolved
(:data:`sim.validation.claims.TRADEOFF_COST_KPI`, :data:`~sim.validation.claims.TRADEOFF_GAIN_KPI`).
The claim itself is made at the 2002 head count (:data:`~sim.validation.claims.TRADEOFF_STAFF`);
the evidence runs the same pair (:func:`sim.validation.claims.tradeoff_pair`) at larger head
counts too, to show how many staff staggered hours need before they stop costing the daytime
residents.  Each count is judged against the staggered-hours claims' own thresholds, as the claims
are.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sim.kpis import format_value
from sim.validation import claims as cl
from sim.validation.markdown import diff_ci, md_table
from sim.validation.settings import Settings, paired_runs, with_residents


def tradeoff_runs(root: Path, settings: Settings, workers: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Office hours against staggered hours at each of ``settings.tradeoff_staff``: one row per
    staff count and KPI (cost and gain), and every run (for Little's law)."""
    rows, runs = [], []
    for staff in settings.tradeoff_staff:
        pair = cl.tradeoff_pair(
            root, staff, names=(f"{staff} staff, office hours", f"{staff} staff, staggered")
        )
        a, b = (with_residents(s, settings.residents) for s in pair)
        c = paired_runs([a, b], settings.replications, settings.seed, settings.days, False, workers)
        runs.append(c.runs.assign(scenario=[f"trade-off: {s}" for s in c.runs["scenario"]]))
        for kpi, role in ((cl.TRADEOFF_COST_KPI, "cost"), (cl.TRADEOFF_GAIN_KPI, "gain")):
            r = c.kpi(kpi)
            d = r.loc[b.name]
            # Judged against the staggered-hours claims' own thresholds, as the claims are.
            threshold = next(
                (
                    claim.threshold
                    for claim in cl.CLAIMS
                    if (claim.reform, claim.kpi) == ("staggered_hours", kpi)
                ),
                0.0,
            )
            outcome = cl.judge(+1, float(d["diff_low"]), float(d["diff_high"]), threshold)
            rows.append(
                {
                    "staff": staff,
                    "role": role,
                    "kpi": kpi,
                    "office_hours_mean": float(r.loc[a.name, "mean"]),
                    "staggered_mean": float(d["mean"]),
                    "diff": float(d["diff"]),
                    "diff_low": float(d["diff_low"]),
                    "diff_high": float(d["diff_high"]),
                    "n": int(d["n"]),
                    "outcome": outcome,
                    "shows_tradeoff": "yes" if outcome == cl.REPRODUCED else "no",
                }
            )
    return pd.DataFrame(rows), pd.concat(runs, ignore_index=True)


def tradeoff_section(t: pd.DataFrame) -> list[str]:
    """The evidence's section on the trade-off: the table, and what it says in words."""
    rows = [
        [
            str(r.staff),
            f"{r.role}: `{r.kpi}`",
            format_value(r.kpi, r.office_hours_mean),
            format_value(r.kpi, r.staggered_mean),
            diff_ci(r.kpi, r.diff, r.diff_low, r.diff_high),
            r.outcome,
        ]
        for r in t.itertuples()
    ]
    return [
        "## 3. Trade-off: staggered hours without extra staff",
        "",
        "The 2002 community on weekday office hours against the same community and staff on the "
        "staggered schedule (weekdays 08:00-20:00, Saturday 09:00-17:00, a duty crew of one in the "
        "evenings and on Saturday): the same staff-hours spread over a longer week, at the 2002 head "
        "count (6) and at larger ones. The cost would be longer waits for those who come in the "
        "daytime; the gain, more commuters' needs resolved.",
        "",
        md_table(rows, ["staff", "KPI", "office hours", "staggered", "difference [95 % CI]", "rises?"]),
        "",
        tradeoff_sentence(t),
        "",
    ]


def tradeoff_sentence(t: pd.DataFrame) -> str:
    """What the trade-off table says, in words, from its outcomes."""
    cost = t[t["role"] == "cost"]
    shown, not_shown, opposite = (
        [int(s) for s, x in zip(cost["staff"], cost["outcome"], strict=True) if x == outcome]
        for outcome in (cl.REPRODUCED, cl.NOT_SHOWN, cl.OPPOSITE)
    )
    parts = []
    if shown:
        parts.append(f"The model shows the daytime cost with {_staff_list(shown)} staff.")
    if not_shown:
        parts.append(
            f"It finds no daytime cost beyond the claim's threshold with {_staff_list(not_shown)} "
            "staff (the interval does not lie wholly above it)."
        )
    if opposite:
        parts.append(
            f"With {_staff_list(opposite)} staff it finds no daytime cost: daytime waits are "
            "shorter under staggered hours (the interval lies below zero)."
        )
    verdict = "reproduced" if cl.TRADEOFF_STAFF in shown else "**not reproduced**"
    parts.append(f"The trade-off claim (no extra staff: {cl.TRADEOFF_STAFF}, as in 2002) is {verdict}.")
    return " ".join(parts)


def _staff_list(counts: Sequence[int]) -> str:
    words = [str(c) for c in counts]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
