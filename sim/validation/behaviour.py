"""What each of the residents' behaviour submodels adds (ODD+D: learning, interaction, sensing).

Each submodel is changed alone (switched on, or off where it is on by default) against the
same community as shipped, over paired replications (same seeds, so the same residents, needs
and luck): residents' memory of their last matter, household errands, word of mouth among
building neighbours, the online channel's news at the start of a run, and building heads
passing notices on.  These are not the article's claims (it says nothing about how residents learn
or talk): they show what each mechanism does to the outcomes, so that a reader can judge whether
it is plausible.  The spread of the online channel's news (on in every run) is drawn week by
week from the day the channel opens: from the centre's notices and neighbours who used it, and
from the notices only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Study:
    """One submodel changed (``on``) against the same community as shipped."""

    name: str
    question: str
    scenario: str  # file under scenarios/
    on: dict[str, Any]
    kpis: tuple[str, ...]


STUDIES = (
    Study(
        "memory",
        "Do residents who remember long waits and refusals turn to the online channel?",
        "changsha_2014.toml",
        {"residents.memory": True},
        ("service.online_share", "service.queue_wait_mean_min", "service.unmet_share"),
    ),
    Study(
        "household errands",
        "Before the reforms, how much of the commuters' access comes from household members running "
        "their errands (switched off here: each resident goes alone)?",
        "baseline_2002.toml",
        {"residents.household_errands": False},
        ("service.errand_share", "access.resolved_share.commuter", "access.resolved_share.migrant"),
    ),
    Study(
        "word of mouth",
        "When neighbours talk over the week's experiences, do satisfaction, trust and participation move?",
        "changsha_2014.toml",
        {"residents.word_of_mouth": True},
        ("residents.satisfaction_mean", "residents.trust_mean", "governance.participation_rate"),
    ),
    Study(
        "news of the online channel",
        "If the 2014 channel were new on 1 January (nobody knowing of it) instead of open for two years, "
        "how much less online use would there be in the year?",
        "changsha_2014.toml",
        {"informatisation.online_aware_at_start": 0.0},
        ("residents.online_aware_share", "service.online_share", "service.queue_wait_mean_min"),
    ),
    Study(
        "building heads",
        "Do building heads passing notices on raise participation?",
        "baseline_2002.toml",
        {"residents.building_head_share": 0.3},
        ("governance.participation_rate", "governance.participation_rate.commuter"),
    ),
)

#: Online spread after the channel opens on day 0 (nobody knowing of it yet): news from the
#: centre's notices and from neighbours who used it, and from the notices only.
SPREAD = {
    "notices and neighbours": {"informatisation.online_aware_at_start": 0.0},
    "notices only": {"informatisation.online_aware_at_start": 0.0, "residents.tell_prob": 0.0},
}


# Long by design: the studies and the spread comparison in sequence.
def run_behaviour(
    scenarios_dir: str | Path,
    replications: int = 8,
    seed: int = 2024,
    days: int | None = None,
    workers: int | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table of paired differences (one row per study and KPI) and the weekly spread curves."""
    import pandas as pd

    from sim.compare import compare
    from sim.scenario import load_scenario

    root = Path(scenarios_dir)
    rows = []
    for study in STUDIES:
        say(f"behaviour: {study.name}")
        base = load_scenario(root / study.scenario)
        c = compare(
            [base.with_changes({}, name="off"), base.with_changes(study.on, name="on")],
            replications=replications,
            seed=seed,
            days=days,
            workers=workers,
            daily=False,
        )
        for kpi in study.kpis:
            sub = c.kpi(kpi)
            on = sub.loc["on"]
            rows.append(
                {
                    "submodel": study.name,
                    "question": study.question,
                    "scenario": study.scenario,
                    "kpi": kpi,
                    "off": float(sub.loc["off", "mean"]),
                    "on": float(on["mean"]),
                    "diff": float(on["diff"]),
                    "diff_low": float(on["diff_low"]),
                    "diff_high": float(on["diff_high"]),
                    "n": int(on["n"]),
                }
            )
    say("behaviour: online spread")
    base = load_scenario(root / "changsha_2014.toml")
    c = compare(
        [base.with_changes(ch, name=name) for name, ch in SPREAD.items()],
        replications=replications,
        seed=seed,
        days=days,
        workers=workers,
        daily=True,
    )
    daily = c.daily
    daily["week"] = daily["day"] // 7
    daily = daily[daily["week"] < (daily["day"].max() + 1) // 7]  # whole weeks only
    weekly = (
        daily.groupby(["scenario", "replication", "week"])
        .agg(online_aware=("online_aware", "last"), online=("online_matters", "sum"))
        .groupby(["scenario", "week"])
        .mean()
        .reset_index()
    )
    return pd.DataFrame(rows), weekly


def weeks_to_half(weekly: pd.DataFrame) -> dict[str, float]:
    """Week in which half of the residents with digital access know of the channel (NaN: never)."""
    out = {}
    for name, sub in weekly.groupby("scenario"):
        reached = sub[sub["online_aware"] >= 0.5]
        out[str(name)] = float(reached["week"].iloc[0]) if len(reached) else float("nan")
    return out


def spread_figure(weekly: pd.DataFrame) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 3.4), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    for name, sub in weekly.groupby("scenario"):
        ax1.plot(sub["week"], 100 * sub["online_aware"], label=str(name))
        ax2.plot(sub["week"], sub["online"], label=str(name))
    ax1.set(xlabel="week after the channel opens", ylabel="% of digital residents who know of it")
    ax2.set(xlabel="week after the channel opens", ylabel="matters done online that week")
    ax1.set_title("News of the online channel", fontsize=9)
    ax2.set_title("Online use", fontsize=9)
    ax1.legend(fontsize=8)
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
    return fig


def write_behaviour(out: str | Path, table: pd.DataFrame, weekly: pd.DataFrame) -> Path:
    """``behaviour.md``, ``behaviour.csv``, ``behaviour_spread.csv`` and ``behaviour_online.png``."""
    from sim.figures import figure_png
    from sim.validation.markdown import fmt_diff

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "behaviour.csv", index=False)
    weekly.to_csv(out / "behaviour_spread.csv", index=False)
    (out / "behaviour_online.png").write_bytes(figure_png(spread_figure(weekly)))
    lines = [
        "# What the residents' behaviour submodels add",
        "",
        "Generated by `govsim validate-model`; see `sim/validation/behaviour.py`. Each row changes one",
        "submodel alone against the same community as shipped (paired replications of a year): *off* is",
        "the shipped setting, *on* the changed one. Memory, word of mouth and building heads are off in",
        "the shipped scenario files; household errands and the spread of the online channel's news are",
        "on. These are not claims of the article; they show what each mechanism does, so that its",
        "plausibility can be judged.",
        "",
        "| submodel | scenario | KPI | off | on | difference [95 % interval] |",
        "|---|---|---|---|---|---|",
    ]
    for r in table.itertuples():
        lines.append(
            f"| {r.submodel} | {r.scenario} | `{r.kpi}` | {r.off:.3g} | {r.on:.3g} | "
            f"{fmt_diff(r.kpi, r.diff)} [{fmt_diff(r.kpi, r.diff_low)}, {fmt_diff(r.kpi, r.diff_high)}] |"
        )
    half = weeks_to_half(weekly)
    lines += [
        "",
        "## How fast online use spreads after the channel opens",
        "",
        "The 2014 package with its online channel new on the first day (nobody knowing of it):",
        "residents know of the channel only once they learn of it, from the centre's notices or from",
        "neighbours who used it. Half of the residents with digital access know of it by week "
        + ", ".join(f"{w:.0f} ({name})" for name, w in half.items())
        + ".",
        "",
        "![online spread](behaviour_online.png)",
        "",
    ]
    (out / "behaviour.md").write_text("\n".join(lines))
    return out / "behaviour.md"
