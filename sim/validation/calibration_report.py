"""What a calibration found, for a reader: its CSV tables and figure, its section of the
validation README, and ``calibration.md`` (written by ``govsim calibrate``) with the claims'
robustness over the accepted sets.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from sim.validation.calibration import Calibration
    from sim.validation.calibration_file import Spec


def figure(cal: Calibration) -> Figure:
    """Left: how many sets met each pattern (and all).  Right: the accepted sets' parameter values
    across each range (unit scale), so one sees which parameters the patterns constrain."""
    from matplotlib.figure import Figure

    counts = cal.pattern_counts()
    fig = Figure(figsize=(11, 0.35 * max(len(counts), len(cal.spec.parameters)) + 1.6), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    y = range(len(counts))[::-1]
    ax1.barh(list(y), counts["met"], color=["#4c72b0"] * (len(counts) - 1) + ["#dd8452"])
    ax1.set_yticks(list(y), counts["pattern"], fontsize=8)
    ax1.set_xlim(0, max(1, len(cal.screened)))
    ax1.set_xlabel(f"Latin-hypercube sets meeting the pattern (of {len(cal.screened)})", fontsize=8)
    ax1.set_title("Pattern targets", fontsize=9)
    ax1.grid(axis="x", alpha=0.3)
    acc = cal.accepted
    for i, p in enumerate(cal.spec.parameters):
        u_all = (cal.screened[p.key] - p.low) / (p.high - p.low)
        ax2.scatter(u_all, [i] * len(u_all), s=8, color="lightgrey")
        if len(acc):
            ax2.scatter((acc[p.key] - p.low) / (p.high - p.low), [i] * len(acc), s=14, color="#dd8452")
    ax2.set_yticks(range(len(cal.spec.parameters)), [p.key for p in cal.spec.parameters], fontsize=7)
    ax2.set_xlim(-0.05, 1.05)
    ax2.set_xlabel("position in the range (0 = low, 1 = high); orange: accepted sets", fontsize=8)
    ax2.set_title("Latin-hypercube sets (grey) and accepted sets, searched ones included", fontsize=9)
    return fig


def write(out: str | Path, cal: Calibration, at_defaults: pd.DataFrame | None = None) -> list[Path]:
    """``calibration_patterns.csv`` (with ``met_at_defaults`` when ``at_defaults`` is given),
    ``calibration_sets.csv``, ``calibration_accepted.csv``, ``calibration.png`` and
    ``calibration_confirmed.csv`` (the sets run again to choose the shipped one) in ``out``."""
    from sim.figures import figure_png

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = [
        out / "calibration_patterns.csv",
        out / "calibration_sets.csv",
        out / "calibration_accepted.csv",
        out / "calibration.png",
        out / "calibration_confirmed.csv",
    ]
    counts = cal.pattern_counts()
    if at_defaults is not None:
        met = _met(at_defaults)
        counts["met_at_defaults"] = counts["pattern"].map({**met, "all": all(met.values())})
    counts.to_csv(files[0], index=False)
    cal.sets.to_csv(files[1], index=False)
    cal.accepted.to_csv(files[2], index=False)
    files[3].write_bytes(figure_png(figure(cal)))
    confirmed = cal.confirmed if cal.confirmed is not None else cal.sets.iloc[:0].assign(rank=[])
    confirmed.to_csv(files[4], index=False)
    return files


def _met(at_defaults: pd.DataFrame | None) -> dict[str, bool]:
    """Pattern id -> met at the defaults (empty when not judged)."""
    if at_defaults is None:
        return {}
    return dict(zip(at_defaults["pattern"], at_defaults["met"].astype(bool), strict=True))


def default_of(key: str) -> float:
    """A parameter's shipped default; ``group.key.member`` reads one entry of a table."""
    from sim.parameters import PARAMS, default

    if key in PARAMS:
        return float(default(key))
    head, _, member = key.rpartition(".")
    return float(default(head)[member])


def _pattern_rows(counts: pd.DataFrame, at_defaults: pd.DataFrame | None) -> list[str]:
    """The rows of the pattern table: each pattern's counts and its verdict at the defaults."""
    lines: list[str] = []
    met = _met(at_defaults)
    shown = {True: "met", False: "**not met**"}
    for r in counts.itertuples():
        if r.pattern == "all":
            every = shown[all(met.values())] if met else ""
            lines.append(
                f"| **all of them** | | | **{r.met} of {r.sets}** "
                f"| **{r.met_all} of {r.sets_all}** | {every} |"
            )
        else:
            src = " ".join(r.source.split())
            here = shown[met[r.pattern]] if r.pattern in met else ""
            lines.append(
                f"| {r.text} | `{r.expression}` | {src} | {r.met} of {r.sets} "
                f"| {r.met_all} of {r.sets_all} | {here} |"
            )
    return lines


def _search_lines(cal: Calibration) -> list[str]:
    """The paragraph on the search after the Latin hypercube."""
    w = cal.spec.search
    return [
        f"The claims' robustness needs at least {w.wanted} accepted sets, so a search ran more sets near "
        f"the accepted ones (`[search]` in the file: rounds of {w.samples} sets, each an accepted set "
        f"moved uniformly by up to {w.width:.0%} of every range, within the ranges; while no set is "
        "accepted, a set that meets the most patterns; `sim.validation.calibration.search_sets`, "
        "`sim.validation.calibration.search_parents`) until there were enough or the rounds ran out: "
        f"**{int(cal.sets['accepted'].sum())} accepted sets in all**: {cal.how_found()}. The searched "
        "sets are not a sample of the ranges, so the counts per pattern below are the Latin "
        "hypercube's; the column beside them counts every set run.",
        "",
    ]


def summary_lines(cal: Calibration, at_defaults: pd.DataFrame | None = None) -> list[str]:
    """The calibration's section of the validation README (``at_defaults``: each pattern judged at
    the shipped defaults, :func:`~sim.validation.calibration.patterns_at_defaults`)."""
    from sim.validation.calibration import medoid

    counts = cal.pattern_counts()
    n = len(cal.screened)
    s = cal.spec
    searched = len(cal.sets) - n
    lines = [
        f"A Latin hypercube of {n} sets over {len(s.parameters)} uncertain parameters "
        f"(`experiments/calibration/patterns.toml`, ranges and reasons there), each run for the "
        f"2002 baseline "
        f"and the 2014 package with {s.replications} replications under common random numbers"
        + (f", {s.days} days" if s.days else ", a year")
        + (f", {s.residents} residents" if s.residents else "")
        + ". A set is accepted when the means over its replications meet every pattern. The patterns "
        "and thresholds were written before the first run and are not moved after it (a pattern added "
        "later says so in its source).",
        "",
        f"**{int(cal.screened['accepted'].sum())} of the {n} Latin-hypercube sets meet every pattern**: "
        "the patterns leave that share of the ranges.",
        "",
    ]
    lines += _search_lines(cal) if searched else []
    lines += [
        "| pattern | test | source | Latin-hypercube sets meeting it | every set run "
        "| at the shipped defaults |",
        "|---|---|---|---|---|---|",
    ]
    lines += _pattern_rows(counts, at_defaults)
    centre = cal.shipped if cal.shipped is not None else medoid(cal.sets, s)
    lines += [
        "",
        "![calibration](calibration.png)",
        "",
        "The last column of the table above judges every pattern on the claims' runs at the shipped "
        "defaults"
        + ("" if at_defaults is not None else " (not run)")
        + ". "
        + _choice(cal)
        + " "
        + _shipped(centre, s),
        "",
        f"| uncertain parameter | range | why | {_column(cal)} | shipped default |",
        "|---|---|---|---|---|",
    ]
    for p in s.parameters:
        mid = f"{float(centre[p.key]):.4g}" if centre is not None else "-"
        lines.append(f"| `{p.key}` | {p.low:g} - {p.high:g} | {p.reason} | {mid} | {default_of(p.key):g} |")
    lines.append("")
    return lines


def _choice(cal: Calibration) -> str:
    """How the set beside the defaults was chosen (``[confirm]``), in words, from the runs."""
    c = cal.spec.confirm
    how = (
        "Beside each default below is the set a calibration ships: the accepted sets are taken from "
        "the most central (the medoid: the accepted set nearest all the others, each parameter scaled "
        f"to its range) outwards, each run again for 2002 and 2014 with {c.replications} replications "
        f"from seed {c.seed}, and the first that still meets every pattern is the one "
        "(`[confirm]` in the file; a set accepted near a threshold on a few replications may have met "
        "it by chance)"
    )
    if cal.confirmed is None or cal.confirmed.empty:
        return how + ": no set is accepted, so none."
    tried = len(cal.confirmed)
    if cal.shipped is None:
        return how + f": none of the {tried} most central met every pattern again, so the medoid is shown."
    rank = int(cal.shipped["rank"])
    where = (
        "the medoid itself"
        if rank == 1
        else f"the {_ordinal(rank)} most central; the {rank - 1} before it did not"
    )
    return how + f": set {int(cal.shipped['set'])}, {where}."


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _column(cal: Calibration) -> str:
    return "shipped set (confirmed)" if cal.shipped is not None else "medoid of the accepted sets"


#: A default within this share of its range of the set's value is the set's, rounded.
ROUNDED = 0.01


def _shipped(centre: pd.Series | None, spec: Spec) -> str:
    """Whether the shipped defaults are the chosen set (rounded), in words, from the numbers."""
    if centre is None:
        return "The shipped defaults are the stated assumptions."
    off = [
        p.key
        for p in spec.parameters
        if abs(default_of(p.key) - float(centre[p.key])) > ROUNDED * (p.high - p.low)
    ]
    if not off:
        return f"The shipped defaults are this set, rounded (each within {ROUNDED:.0%} of its range)."
    return f"The shipped defaults differ from this set in {len(off)} of {len(spec.parameters)} parameters."


def report(cal: Calibration, robust: pd.DataFrame, basis: str) -> str:
    """``calibration.md``: the targets, how many sets met them, and the claims' robustness."""
    from sim.validation.markdown import fmt_diff
    from sim.validation.robustness import basis_sentence

    lines = [
        "# Calibration to pattern targets",
        "",
        "Generated by `govsim calibrate`; see `sim/validation/calibration.py`.",
        "",
    ]
    lines += summary_lines(cal)
    lines += [
        "## Robustness of the claims",
        "",
        basis_sentence(int(robust["sets"].max()) if len(robust) else 0, basis, cal.how_found()),
        "",
        "| claim (reform file) | KPI, claimed, threshold | median difference | holds in |",
        "|---|---|---|---|",
    ]
    for r in robust.itertuples():
        lines.append(
            f"| {r.claim} (`{r.reform}`) | `{r.kpi}` {r.claimed} by more than "
            f"{fmt_diff(r.kpi, r.threshold).lstrip('+')} | {fmt_diff(r.kpi, r.diff_median)} | "
            f"{r.holds_in} of {r.sets} {basis} sets |"
        )
    lines.append("")
    return "\n".join(lines)
