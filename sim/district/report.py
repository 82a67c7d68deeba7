"""A comparison of district packages, community by community: who loses, where, and of what kind.

The district KPIs of a comparison are means over communities; this module looks under them.  For
each package against the first (the reference) and each KPI in :data:`LOSS_KPIS`, every
community's paired change over the replications (same seeds, so the same community meets the same
luck under both) says whether it *loses*: worse by more than the KPI's threshold of what matters,
and sure.  The report shows the communities as tiles by sub-district, the distribution by type and
the paired changes; the terminal lists the losers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.i18n import _

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from sim.compare import Comparison

#: The KPIs a community can lose on, in the order the report shows them.
LOSS_KPIS = ("service.resolved_share", "service.queue_wait_mean_min", "grid.response_mean_h")
#: The KPI the tiles and the distribution by type show.
SHOWN_KPI = "service.resolved_share"


def threshold(c: Comparison, kpi: str) -> float:
    """The KPI's threshold of what matters in this comparison, for the reference's district mean."""
    from sim.kpis import KPIS

    rule = c.matters.get(kpi, KPIS[kpi].matters)
    sub = c.kpi(kpi)
    return rule.threshold(float(sub.loc[c.names[0], "mean"]))


def paired(c: Comparison, kpi: str, b: str) -> pd.DataFrame:
    """One row per community and replication: the KPI under the reference (``a``) and ``b``."""
    assert c.communities is not None
    frame = c.communities
    keep = ["replication", "community", "name", "type", "type_label", "subdistrict", "residents", kpi]
    a_rows = frame[frame["scenario"] == c.names[0]][keep].rename(columns={kpi: "a"})
    b_rows = frame[frame["scenario"] == b][["replication", "community", kpi]].rename(columns={kpi: "b"})
    return a_rows.merge(b_rows, on=["replication", "community"], how="inner")


def losers_tables(c: Comparison) -> dict[tuple[str, str], pd.DataFrame]:
    """``(package, kpi) -> losers table`` for every package but the reference."""
    from sim.district.spread import losers

    return {
        (b, kpi): losers(paired(c, kpi, b), kpi, threshold(c, kpi)) for b in c.names[1:] for kpi in LOSS_KPIS
    }


def mean_table(c: Comparison, scenario: str) -> pd.DataFrame:
    """A package's community table averaged over the replications (for the tiles and types)."""
    assert c.communities is not None
    frame = c.communities[c.communities["scenario"] == scenario]
    described = ["community", "name", "type", "type_label", "subdistrict", "residents"]
    numeric = [k for k in frame.columns if k not in described and k not in ("scenario", "replication")]
    means = frame.groupby("community", sort=True)[numeric].mean(numeric_only=True)
    first = frame.groupby("community", sort=True)[described[1:]].first()
    out = first.join(means).reset_index()
    out["demonstration"] = out["demonstration"] >= 0.5
    out["pilot"] = out["pilot"] >= 0.5
    return out


def figures(c: Comparison) -> dict[str, tuple[str, Figure]]:
    """The report's district figures: ``name -> (title, figure)``."""
    from sim.district import figures as fig
    from sim.kpis import kpi_label

    out: dict[str, tuple[str, Figure]] = {}
    for i, name in enumerate(c.names):
        out[f"tiles_{i}"] = (
            _("Communities by sub-district: {kpi}, {name}").format(kpi=kpi_label(SHOWN_KPI), name=name),
            fig.tiles_figure(mean_table(c, name), SHOWN_KPI),
        )
    last = c.names[-1]
    out["by_type"] = (
        _("By community type: {kpi}, {name}").format(kpi=kpi_label(SHOWN_KPI), name=last),
        fig.by_type_figure(mean_table(c, last), SHOWN_KPI),
    )
    for (b, kpi), table in losers_tables(c).items():
        if kpi != SHOWN_KPI:
            continue
        k = c.names.index(b)
        out[f"change_{k}"] = (
            _("Change per community, {b} against {a}: {kpi}").format(b=b, a=c.names[0], kpi=kpi_label(kpi)),
            fig.paired_difference_figure(table, kpi, a=c.names[0], b=b),
        )
    return out


def _change(kpi: str, x: float, unit: bool = True, sign: bool = True) -> str:
    """A change of a KPI as a person reads it: a share's in percentage points, else its unit."""
    from sim.kpis import KPIS, format_value

    if KPIS[kpi].unit == "share" and x == x:
        return f"{100 * x:{'+' if sign else ''}.1f}" + (f" {_('pp')}" if unit else "")
    return format_value(kpi, x, unit=unit, sign=sign)


def losers_text(c: Comparison, shown: int = 10) -> str:
    """For a terminal: how many communities lose under each package, and the worst of them."""
    from sim.kpis import kpi_label

    lines = []
    for (b, kpi), table in losers_tables(c).items():
        lost = table[table["loses"]]
        lines.append(
            _(
                "{b}: {n} of {total} communities lose on {kpi} "
                "(worse by more than {t}, sure; below, negative = worse)"
            ).format(
                b=b, n=len(lost), total=len(table), kpi=kpi_label(kpi),
                t=_change(kpi, threshold(c, kpi), sign=False),
            )
        )  # fmt: skip
        for _i, row in lost.head(shown).iterrows():
            lines.append(
                f"    {row['name']:<6} {row['type_label']:<20} "
                f"{_('sub-district')} {int(row['subdistrict']):>3}  "
                f"{_change(kpi, row['change'])} "
                f"[{_change(kpi, row['change_low'], unit=False)}, "
                f"{_change(kpi, row['change_high'], unit=False)}]"
            )
        if len(lost) > shown:
            lines.append(
                "    " + _("... and {n} more (losers.csv in the report)").format(n=len(lost) - shown)
            )
    return "\n".join(lines)


def losers_csv(c: Comparison) -> pd.DataFrame:
    """Every package's and KPI's losers table in one tidy frame (for ``losers.csv``)."""
    import pandas as pd

    frames = []
    for (b, kpi), table in losers_tables(c).items():
        frames.append(table.assign(scenario=b, reference=c.names[0], kpi=kpi))
    return pd.concat(frames, ignore_index=True)
