"""The article's claimed effects (its stylised facts) and how the model's evidence is judged.

The article states effects as directions only ("one-stop service ... quick", "raised the
participation of commuters and migrants"); it gives no effect sizes.  So a claim here is a reform
file, a KPI, the direction the article says it moves and a threshold stated in the reform module
before the claim is run (the size that matters, from :mod:`sim.kpis`); a claim is *reproduced*
when the 95 % interval of the paired difference (reform minus the 2002 baseline, same seeds) lies
entirely beyond the threshold on the claimed side.  An interval entirely on the other side of zero
is "opposite"; anything else is "not shown".  Both count as not reproduced and are reported as such.

Effects that hold by construction (accounting identities, monotone ORs under common random
numbers, a response built from constants) cannot fail, so they are not claims: they are
:data:`IDENTITIES`, run and reported as checks of the model's bookkeeping.

One trade-off the model must be able to show as well: staggered hours with no extra staff spread
the same staff-hours over evenings and Saturdays and so lengthen daytime waits.  The staggered-hours
reform file adds no staff, so this is a claim like the others; the evidence also checks it at
larger head counts (:mod:`sim.validation.tradeoff`), to show how many staff staggered hours need
before they stop costing the daytime residents.

:func:`claims_section` writes the claims and the identities into the evidence's README.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sim.reforms import REFORMS, Claim
from sim.validation.markdown import diff_ci, fmt_diff, md_table

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from sim.compare import Comparison
    from sim.scenario import Scenario


#: Every claim, in the order of the reforms (:data:`sim.reforms.REFORMS`); each reform module
#: states its own.
CLAIMS: list[Claim] = [c for r in REFORMS for c in r.claims]

#: Effects that hold by construction, each with the reason it cannot fail: checks, not claims.
#: They are run like claims (paired, at the defaults) and must come out in the stated direction.
IDENTITIES: list[Claim] = [
    Claim(
        "access_system",
        "tasks.unfunded_cost_yuan",
        -1,
        "access control cuts unfunded work",
        why="accounting: tasks turned back are never done, so their cost leaves the books",
    ),
    Claim(
        "burden_reduction",
        "staff.admin_h_per_staff_week",
        -1,
        "burden reduction lowers administrative hours",
        why="the KPI is the sum of the inputs (forms, ledgers, meetings, inspections) the reform lowers",
    ),
    Claim(
        "grid_reporting",
        "grid.response_mean_h",
        -1,
        "first-moment collection and handling",
        why="the response time is the patrol or a resident's report, the department's queue and its "
        "handling delay; the reform swaps the first and the last for other constants and leaves the "
        "queue (the departments' capacity) as it was",
    ),
    Claim(
        "online_participation",
        "governance.participation_rate.commuter",
        +1,
        "online channels reach commuters",
        why="a monotone OR: one more way to take part, same residents and luck (common random numbers)",
    ),
    Claim(
        "online_participation",
        "governance.participation_rate.migrant",
        +1,
        "online channels reach migrants",
        why="a monotone OR: one more way to take part, same residents and luck (common random numbers)",
    ),
    Claim(
        "part_time_members",
        "governance.resolved_locally_share",
        +1,
        "part-time members settle issues locally",
        why="a monotone OR: one more chance to settle each problem, same problems and luck",
    ),
]

#: The trade-off: the baseline's staff count (no extra staff), and the counts checked beside.
TRADEOFF_STAFF = 6
TRADEOFF_STAFF_CHECKED = (6, 8, 11, 14)
#: KPI that carries the cost (rises) and the one that shows what the trade buys (rises).
TRADEOFF_COST_KPI = "service.daytime_wait_mean_min"
TRADEOFF_GAIN_KPI = "access.resolved_share.commuter"

REPRODUCED, NOT_SHOWN, OPPOSITE, NO_DATA = "reproduced", "not shown", "opposite", "no data"


def tradeoff_pair(
    scenarios_dir: str | Path,
    staff: int = TRADEOFF_STAFF,
    names: tuple[str, str] = ("office hours", "staggered hours"),
) -> tuple[Scenario, Scenario]:
    """The trade-off's two scenarios: the 2002 community with ``staff`` staff on weekday office
    hours, and the same community and staff on the staggered-hours schedule (same staff-hours,
    longer week)."""
    from sim.scenario import load_scenario

    root = Path(scenarios_dir)
    # The staff asked for are assumed funded: with the budget policy on, a 2002 budget would leave
    # the extra posts vacant and the comparison would be about money, not opening hours.
    same = {"staff.count": staff, "finance.budget_policy": False}
    office = load_scenario(root / "baseline_2002.toml").with_changes(same, name=names[0])
    stag = load_scenario(root / "reforms/staggered_hours.toml")
    spread = stag.with_changes(same, name=names[1])
    return office, spread


def judge(direction: int, low: float, high: float, threshold: float = 0.0) -> str:
    """The outcome of a claim from the 95 % interval [low, high] of its paired difference:
    reproduced when the whole interval lies beyond ``threshold`` (a magnitude) on the claimed side,
    opposite when it lies wholly on the other side of zero, else not shown."""
    if any(x is None or math.isnan(x) for x in (low, high)):
        return NO_DATA
    if threshold < 0:
        raise ValueError(f"threshold is a magnitude, got {threshold}")
    if direction > 0:
        return REPRODUCED if low > threshold else OPPOSITE if high < 0 else NOT_SHOWN
    return REPRODUCED if high < -threshold else OPPOSITE if low > 0 else NOT_SHOWN


def holds(direction: int, diff: float, threshold: float = 0.0) -> bool:
    """Whether a point estimate of the paired difference is beyond ``threshold`` on the claimed
    side (the robustness count's rule, one parameter set at a time)."""
    if diff is None or math.isnan(diff):
        return False
    return diff > threshold if direction > 0 else diff < -threshold


def claims_table(comparison: Comparison, claims: Sequence[Claim], names: Mapping[str, str]) -> pd.DataFrame:
    """One row per claim: the reform's and baseline's means, the paired difference with its 95 %
    interval, and the outcome judged from that interval (never from the claim's wording).

    ``names`` maps each reform file stem to the scenario's name in ``comparison``.
    """
    import pandas as pd

    ref = comparison.names[0]
    rows = []
    for c in claims:
        sub = comparison.kpi(c.kpi)
        r = sub.loc[names[c.reform]]
        outcome = judge(c.direction, float(r["diff_low"]), float(r["diff_high"]), c.threshold)
        rows.append(
            {
                "reform": c.reform,
                "scenario": names[c.reform],
                "kpi": c.kpi,
                "claim": c.claim,
                "claimed": "up" if c.direction > 0 else "down",
                "threshold": c.threshold,
                "why": c.why,
                "n": int(r["n"]),
                "baseline_mean": float(sub.loc[ref, "mean"]),
                "reform_mean": float(r["mean"]),
                "diff": float(r["diff"]),
                "diff_low": float(r["diff_low"]),
                "diff_high": float(r["diff_high"]),
                "relative_change": float(r["relative_change"]),
                "effect_size": float(r["effect_size"]),
                "outcome": outcome,
                "reproduced": "yes" if outcome == REPRODUCED else "no",
            }
        )
    return pd.DataFrame(rows)


def claims_forest(table: pd.DataFrame, title: str = "") -> Figure:
    """One row per claim: the paired difference and its 95 % interval, as a share of the larger
    of the two means (so that a KPI at zero in the baseline, such as migrants' participation, can
    be drawn), coloured by outcome, with the claimed direction and the difference in the KPI's
    own units written beside it.

    ``sim.figures.forest`` draws every KPI for every scenario of one comparison; a claim is one
    (reform, KPI) pair, so this figure is drawn here.
    """
    from matplotlib.figure import Figure

    from sim.figures import VERDICT_COLOURS

    colour = {REPRODUCED: VERDICT_COLOURS["better"], OPPOSITE: VERDICT_COLOURS["worse"]}
    n = len(table)
    fig = Figure(figsize=(10, 0.42 * n + 1.3), layout="constrained")
    ax = fig.add_subplot()
    labels = []
    for y, (_, r) in enumerate(table.iloc[::-1].iterrows()):
        scale = max(abs(r["baseline_mean"]), abs(r["reform_mean"]))
        if not scale or math.isnan(scale):
            scale = math.nan
        mid, lo, hi = (100 * r[k] / scale for k in ("diff", "diff_low", "diff_high"))
        c = colour.get(r["outcome"], VERDICT_COLOURS["unsure"])
        if not math.isnan(mid):
            ax.errorbar(mid, y, xerr=[[mid - lo], [hi - mid]], fmt="o", color=c, capsize=3)
        arrow = "\u2191" if r["claimed"] == "up" else "\u2193"
        labels.append(f"{r['reform']}: {r['kpi']} {arrow}")
        ax.annotate(
            f"{fmt_diff(r['kpi'], r['diff'])} [{fmt_diff(r['kpi'], r['diff_low'])}, "
            f"{fmt_diff(r['kpi'], r['diff_high'])}]  {r['outcome']}",
            xy=(1.01, y),
            xycoords=("axes fraction", "data"),
            fontsize=7,
            va="center",
        )
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(range(n), labels, fontsize=8)
    ax.set_xlabel("paired difference reform - baseline, % of the larger mean (95 % interval)", fontsize=8)
    ax.set_title(
        title or "The article's claims: green reproduced, red opposite, grey not shown (arrow: claimed)",
        fontsize=9,
    )
    ax.grid(axis="x", alpha=0.3)
    return fig


# -- section 2 of the evidence -----------------------------------------------------------------

CLAIMS_INTRO = (
    "Each claim is a reform file against `scenarios/baseline_2002.toml`, run with the same seeds "
    "(common random numbers), with a threshold stated in its reform module before it was run (the "
    "size that matters, from `sim.kpis`; shares in percentage points). At the default parameters a "
    "claim is **reproduced** when the 95 % interval of the paired difference (reform - baseline) "
    "lies entirely beyond the threshold on the claimed side; *opposite* when it lies wholly on the "
    "other side of zero; *not shown* otherwise. Its **robustness** is the number of calibration "
    "sets in which the mean paired difference (same set, same seeds) lies beyond the threshold on "
    "the claimed side. The marks are computed from the numbers, nothing else; a claim that holds "
    "in few sets is reported as such."
)


def claims_section(claims: pd.DataFrame, identities: pd.DataFrame, basis: str, found: str) -> list[str]:
    """The evidence's section on the claims: each one at the defaults with its robustness over the
    calibration's ``basis`` sets (``found`` says where they came from), then the identities run as
    checks."""
    from sim.kpis import format_value
    from sim.validation.robustness import basis_sentence

    n_ok = int((claims["reproduced"] == "yes").sum())
    rows = [
        [
            f"{r.claim} (`{r.reform}`)",
            f"`{r.kpi}` {'up' if r.claimed == 'up' else 'down'} by more than "
            f"{fmt_diff(r.kpi, r.threshold).lstrip('+')}",
            format_value(r.kpi, r.baseline_mean),
            format_value(r.kpi, r.reform_mean),
            diff_ci(r.kpi, r.diff, r.diff_low, r.diff_high),
            ("**yes**" if r.reproduced == "yes" else f"**no** ({r.outcome})"),
            f"{r.holds_in} of {r.sets} {r.basis} sets",
        ]
        for r in claims.itertuples()
    ]
    header = [
        "claim (reform file)",
        "KPI, claimed, threshold",
        "baseline",
        "reform",
        "difference [95 % CI]",
        "reproduced at the defaults",
        "robustness",
    ]
    return [
        "## 2. The article's claims",
        "",
        CLAIMS_INTRO,
        "",
        basis_sentence(int(claims["sets"].max()) if len(claims) else 0, basis, found),
        "",
        f"**{n_ok} of {len(claims)} claims reproduced at the defaults.** The sizes rest on assumed "
        "parameters (`docs/parameters.md`); the article gives none.",
        "",
        md_table(rows, header),
        "",
        "![claims](claims.png)",
        "",
        *_identities_section(identities),
    ]


def _identities_section(identities: pd.DataFrame) -> list[str]:
    rows = [
        [
            f"{r.claim} (`{r.reform}`)",
            f"`{r.kpi}` {r.claimed}",
            r.why,
            diff_ci(r.kpi, r.diff, r.diff_low, r.diff_high),
            "passes" if r.reproduced == "yes" else f"**fails** ({r.outcome})",
        ]
        for r in identities.itertuples()
    ]
    return [
        "### Identities run as checks",
        "",
        "These effects hold by construction (the reason beside each), so they cannot fail as claims "
        "can: they are run the same way at the defaults as checks of the model's bookkeeping, and "
        "*passes* means the interval lies on the stated side of zero.",
        "",
        md_table(
            rows,
            ["check (reform file)", "KPI", "why it holds by construction", "difference [95 % CI]", "result"],
        ),
        "",
    ]
