"""District results from community tables: sums and resident-weighted means, the spread across
communities (deciles, Gini), the losers of a package, and the district figures.

Worked on synthetic tables with the schema the district runner writes (one row per community; one
row per community and replication for a paired comparison), with values computed by hand here.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PatchCollection

from sim.district.figures import by_type_figure, paired_difference_figure, tiles_figure
from sim.district.spread import (
    EXTENSIVE,
    SPREAD_KPIS,
    by_type,
    decile_means,
    district_kpis,
    gini,
    losers,
    paired_differences,
    weighted_mean,
)
from sim.figures import figure_png
from sim.i18n import _, language
from sim.kpis import COMMUNITY_KPIS, KPIS, kpi_label
from sim.kpis.district import DISTRICT_KPIS, DISTRICT_LABELS
from sim.parameters import GROUPS

TYPES = {
    "old_neighbourhood": "Old neighbourhood",
    "new_estate": "New estate",
    "work_unit": "Work-unit compound",
    "migrant_area": "Migrant-heavy area",
}


def synthetic_district(n: int, subdistricts: int, seed: int = 7) -> pd.DataFrame:
    """A community table of the runner's schema with every community KPI, values within bounds."""
    rng = np.random.default_rng(seed)
    kinds = list(TYPES)
    kind = [kinds[i] for i in rng.integers(0, len(kinds), n)]
    residents = rng.integers(1500, 9000, n)
    frame = pd.DataFrame(
        {
            "community": np.arange(n),
            "name": [f"C{i + 1:03d}" for i in range(n)],
            "type": kind,
            "type_label": [TYPES[k] for k in kind],
            "subdistrict": np.arange(n) % subdistricts + 1,
            "residents": residents,
            "demonstration": rng.random(n) < 0.1,
            "pilot": rng.random(n) < 0.2,
            "allocation_yuan": residents * rng.uniform(50, 150, n),
            "score": rng.random(n),
        }
    )
    for key, kpi in KPIS.items():
        values = rng.random(n) if kpi.bounds[1] == 1.0 else rng.gamma(2.0, 20.0, n)
        frame[key] = values - 40.0 if kpi.signed else values
    frame.loc[rng.random(n) < 0.2, "elderly_care.station_share"] = np.nan  # no station there
    return frame


# --- weighted mean, Gini, deciles ------------------------------------------------------------


def test_weighted_mean_leaves_out_what_was_not_measured():
    assert weighted_mean([1.0, math.nan, 4.0], [1, 100, 2]) == pytest.approx(3.0)
    assert math.isnan(weighted_mean([math.nan, math.nan], [1, 2]))
    assert math.isnan(weighted_mean([1.0, 2.0], [0, 0]))


def test_gini_of_equal_values_is_zero():
    assert gini([3.0, 3.0, 3.0, 3.0]) == 0.0
    assert gini([0.0, 0.0]) == 0.0  # nobody has anything: all equal
    assert gini([2.0, 2.0], [10, 1]) == 0.0


@pytest.mark.parametrize("n", [2, 4, 10])
def test_gini_when_one_community_has_everything_is_n_minus_one_over_n(n):
    values = [0.0] * (n - 1) + [5.0]
    assert gini(values) == pytest.approx((n - 1) / n)


def test_gini_weighted_by_hand_and_as_replicated_communities():
    # Values 1 and 3 with 1 and 3 residents: mean 2.5; sum_ij w_i w_j |x_i - x_j| = 2 * 1 * 3 * 2 = 12;
    # G = 12 / (2 * 4^2 * 2.5) = 0.15; the same as four equal-weighted communities 1, 3, 3, 3.
    assert gini([1.0, 3.0], [1, 3]) == pytest.approx(0.15)
    assert gini([1.0, 3.0, 3.0, 3.0]) == pytest.approx(0.15)
    assert gini([1.0, math.nan, 3.0], [1, 50, 3]) == pytest.approx(0.15)  # NaN left out


def test_gini_refuses_negative_values_and_is_nan_with_nothing_measured():
    with pytest.raises(ValueError, match="non-negative"):
        gini([-1.0, 2.0])
    assert math.isnan(gini([math.nan]))


def test_decile_means_follow_which_way_is_better():
    values = np.arange(1.0, 21.0)  # 20 communities: a decile is 2 of them
    ones = np.ones(20)
    assert decile_means(values, ones, "higher") == (1.5, 19.5)
    assert decile_means(values, ones, "lower") == (19.5, 1.5)
    # Resident-weighted inside the decile: values 1 and 2 with 1 and 2 residents -> 5/3.
    worst, best = decile_means(values, values, "higher")
    assert worst == pytest.approx(5 / 3)
    assert best == pytest.approx((19 * 19 + 20 * 20) / 39)


def test_decile_means_take_at_least_one_community_and_skip_unmeasured():
    assert decile_means([0.7, math.nan, 0.2, 0.9], [1, 1, 1, 1], "higher") == (0.2, 0.9)
    with pytest.raises(ValueError, match="direction"):
        decile_means([1.0], [1.0], "")


# --- district KPIs ---------------------------------------------------------------------------


def three_communities() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "community": [0, 1, 2],
            "name": ["C001", "C002", "C003"],
            "type": ["old_neighbourhood", "new_estate", "new_estate"],
            "type_label": ["Old neighbourhood", "New estate", "New estate"],
            "subdistrict": [1, 1, 2],
            "residents": [1000, 2000, 3000],
            "demonstration": [True, False, False],
            "pilot": [False, True, True],
            "allocation_yuan": [2000.0, 2000.0, 6000.0],
            "score": [0.8, 0.5, 0.4],
            "service.resolved_share": [0.9, 0.6, 0.5],
            "service.queue_wait_mean_min": [10.0, 20.0, math.nan],
            "service.visits_per_matter": [1.0, 2.0, 1.5],
            "tasks.pushed_down": [10.0, 20.0, 30.0],
            "departments.backlog_end": [1.0, 2.0, 3.0],
            "finance.balance_yuan": [-500.0, 1000.0, 2000.0],
            "finance.cost_per_resolved_need_yuan": [100.0, 200.0, 300.0],
            "elderly_care.waiting_list_end": [math.nan] * 3,
        }
    )


def test_district_kpis_sum_counts_and_money_and_weigh_the_rest_by_residents():
    d = district_kpis(three_communities())
    # Summed: counts and money.
    assert d["tasks.pushed_down"] == 60
    assert d["departments.backlog_end"] == 6
    assert d["finance.balance_yuan"] == 2500
    assert math.isnan(d["elderly_care.waiting_list_end"])  # measured nowhere: not 0
    # Resident-weighted means: shares, times, and rates per unit (even in yuan or visits).
    assert d["service.resolved_share"] == pytest.approx((900 + 1200 + 1500) / 6000)
    assert d["service.queue_wait_mean_min"] == pytest.approx((10_000 + 40_000) / 3000)
    assert d["service.visits_per_matter"] == pytest.approx((1000 + 4000 + 4500) / 6000)
    assert d["finance.cost_per_resolved_need_yuan"] == pytest.approx((1e5 + 4e5 + 9e5) / 6000)
    # Spread (three communities: a decile is one community).
    assert d["spread.worst_decile.service.resolved_share"] == 0.5
    assert d["spread.best_decile.service.resolved_share"] == 0.9
    # Pairs 1*2*0.3 + 1*3*0.4 + 2*3*0.1 = 2.4, twice over 2 * 6^2 * 0.6.
    assert d["spread.gini.service.resolved_share"] == pytest.approx(4.8 / 43.2)
    assert d["spread.worst_decile.service.queue_wait_mean_min"] == 20  # lower is better
    assert d["spread.best_decile.service.queue_wait_mean_min"] == 10
    assert d["spread.gini.service.queue_wait_mean_min"] == pytest.approx(2 / 15)
    assert d["spread.worst_decile.finance.balance_yuan"] == -500
    assert "spread.gini.finance.balance_yuan" not in d  # a balance can be negative
    # The district's make-up; money per resident 2, 1, 2: G = 2 * 8e6 / (2 * 6000^2 * 5/3).
    assert d["district.communities"] == 3
    assert d["district.residents"] == 6000
    assert d["district.demonstrations"] == 1
    assert d["district.pilots"] == 2
    assert d["district.allocation_gini"] == pytest.approx(2 / 15)


def test_the_rule_sums_money_and_counts_but_not_rates_per_unit():
    summed = {"tasks.pushed_down", "finance.spending_yuan", "staff.count_end", "finance.budget_cuts"}
    summed |= {"departments.backlog_mean", "elderly_care.waiting_list_end", "service.outreach_visits"}
    assert summed <= EXTENSIVE
    rates = {"finance.cost_per_resolved_need_yuan", "service.visits_per_matter", "finance.shortfall_days"}
    assert not rates & EXTENSIVE
    assert not any(KPIS[k].unit in ("share", "0-1", "min", "hours") for k in EXTENSIVE)


def test_every_district_kpi_of_a_full_table_is_declared_and_named():
    d = district_kpis(synthetic_district(60, 6))
    own = [k for k in d if k not in COMMUNITY_KPIS]
    assert own == list(DISTRICT_KPIS)  # declared, and in the tables' order
    assert set(DISTRICT_LABELS) == set(DISTRICT_KPIS)
    assert [k for k in d if k in COMMUNITY_KPIS] == list(COMMUNITY_KPIS)  # every community KPI, own key
    assert set(KPIS) == set(COMMUNITY_KPIS) | set(DISTRICT_KPIS)  # the catalogue lists both
    for group in GROUPS:
        assert f"spread.gini.access.resolved_share.{group}" in d
    assert set(SPREAD_KPIS) <= set(KPIS)


def test_district_kpis_borrow_the_base_kpi_unit_direction_and_threshold():
    worst = DISTRICT_KPIS["spread.worst_decile.service.queue_wait_mean_min"]
    base = KPIS["service.queue_wait_mean_min"]
    assert (worst.unit, worst.better, worst.matters) == (base.unit, base.better, base.matters)
    g = DISTRICT_KPIS["spread.gini.service.resolved_share"]
    assert (g.unit, g.better, g.bounds) == ("0-1", "lower", (0.0, 1.0))
    assert DISTRICT_KPIS["spread.worst_decile.finance.balance_yuan"].bounds == (None, None)


def test_district_labels_are_in_chinese_too():
    with language("zh"):
        for key, label in DISTRICT_LABELS.items():
            assert _(label) != label, key


# --- by type ---------------------------------------------------------------------------------


def test_by_type_counts_communities_and_residents_and_weighs_means():
    table = by_type(three_communities(), ["service.resolved_share", "service.queue_wait_mean_min"])
    assert list(table["type"]) == ["old_neighbourhood", "new_estate"]  # as they first appear
    new = table.set_index("type").loc["new_estate"]
    assert (new["communities"], new["residents"], new["type_label"]) == (2, 5000, "New estate")
    assert new["service.resolved_share"] == pytest.approx((1200 + 1500) / 5000)
    assert new["service.queue_wait_mean_min"] == 20  # the other one not measured
    big = by_type(synthetic_district(500, 25), ["service.resolved_share"])
    assert big["communities"].sum() == 500
    assert big["residents"].sum() == synthetic_district(500, 25)["residents"].sum()


# --- losers ----------------------------------------------------------------------------------


def paired_table(kpi_changes: dict[int, list[float]], a: float = 0.8) -> pd.DataFrame:
    """One row per (community, replication): ``a`` under package A, ``a + change`` under B."""
    rows = []
    for c, changes in kpi_changes.items():
        for r, change in enumerate(changes):
            rows.append(
                {
                    "community": c,
                    "name": f"C{c + 1:03d}",
                    "type": "old_neighbourhood" if c % 2 else "new_estate",
                    "subdistrict": 1 + c // 2,
                    "residents": 1000 * (c + 1),
                    "replication": r,
                    "a": a,
                    "b": a + change,
                }
            )
    return pd.DataFrame(rows)


CHANGES = {
    0: [-0.05, -0.052, -0.048, -0.051, -0.049],  # worse by 5 pp, sure: loses
    1: [-0.01, -0.011, -0.009, -0.01, -0.01],  # sure, but worse by less than 2 pp: does not lose
    2: [-0.2, 0.1, -0.15, 0.12, -0.07],  # mean 4 pp worse but the interval includes 0
    3: [0.05, 0.06, 0.04, 0.05, 0.05],  # gains
}


def test_losers_are_worse_beyond_the_threshold_and_sure():
    table = losers(paired_table(CHANGES), "service.resolved_share", threshold=0.02)
    assert list(table["community"]) == [0, 2, 1, 3]  # worst first
    t = table.set_index("community")
    assert list(t["loses"]) == [True, False, False, False]
    assert list(t["sure"]) == [True, False, True, True]
    assert t.loc[2, "change_low"] < 0 < t.loc[2, "change_high"]
    assert t.loc[0, "change"] == pytest.approx(-0.05)
    assert (t["replications"] == 5).all()
    assert t.loc[3, "name"] == "C004" and t.loc[3, "residents"] == 4000


def test_losers_turn_the_sign_when_lower_is_better():
    # A wait 3 minutes longer under B is a loss of 3 minutes (threshold 2 minutes).
    paired = paired_table({0: [3.0, 3.2, 2.8], 1: [-3.0, -3.1, -2.9]}, a=10.0)
    assert paired_differences(paired, "service.queue_wait_mean_min").iloc[0] == -3.0
    table = losers(paired, "service.queue_wait_mean_min", threshold=2.0)
    assert list(table["community"]) == [0, 1]
    assert list(table["loses"]) == [True, False]
    assert table.loc[0, "change"] == pytest.approx(-3.0)


def test_losers_with_one_replication_go_by_the_threshold_alone_and_say_so():
    table = losers(paired_table({0: [-0.05], 1: [-0.01]}), "service.resolved_share", threshold=0.02)
    assert list(table["loses"]) == [True, False]
    assert not table["sure"].any()
    assert table["half_width"].isna().all()


def test_no_community_loses_on_a_kpi_without_a_better_direction():
    with pytest.raises(ValueError, match="no better direction"):
        losers(paired_table({0: [0.1]}), "service.pending_share", threshold=0.0)


# --- figures ---------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n"


def test_tiles_at_500_communities_and_25_subdistricts():
    communities = synthetic_district(500, 25)
    fig = tiles_figure(communities, "service.resolved_share")
    assert figure_png(fig, dpi=60)[:8] == PNG
    ax = fig.axes[0]
    (tiles,) = [c for c in ax.collections if isinstance(c, PatchCollection) and c.get_gid() == "tiles"]
    assert len(tiles.get_paths()) == 500
    assert (np.asarray(tiles.get_linewidths()) > 0).sum() == communities["demonstration"].sum()  # outlined
    blocks = [t.get_text() for t in ax.texts if t.get_text().startswith("Sub-district")]
    assert len(blocks) == 25
    # Tiles do not overlap: 500 distinct cells.
    assert len({tuple(p.vertices[0]) for p in tiles.get_paths()}) == 500
    assert kpi_label("service.resolved_share") in fig.axes[1].get_ylabel()  # the colour bar


def test_tiles_show_unmeasured_communities_in_grey():
    fig = tiles_figure(synthetic_district(40, 4), "elderly_care.station_share")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "not measured" in legend


def test_by_type_figure_labels_each_type_with_its_counts():
    communities = synthetic_district(500, 25)
    fig = by_type_figure(communities, "service.queue_wait_mean_min")
    assert figure_png(fig, dpi=60)[:8] == PNG
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    counts = communities.groupby("type", sort=False).size()
    assert len(labels) == len(TYPES)
    for label, (kind, n) in zip(labels, counts.items(), strict=True):
        assert label.startswith(TYPES[kind]) and f"{n} communities" in label


def test_paired_difference_figure_draws_every_community_and_rings_the_losers():
    rng = np.random.default_rng(3)
    changes = {c: list(rng.normal(-0.01 * (c % 5), 0.01, 3)) for c in range(500)}
    table = losers(paired_table(changes), "service.resolved_share", threshold=0.02)
    fig = paired_difference_figure(table, "service.resolved_share", "per resident", "by score")
    assert figure_png(fig, dpi=60)[:8] == PNG
    ax = fig.axes[0]
    dots = [c for c in ax.collections if c.get_label() in ("New estate", "new_estate", "old_neighbourhood")]
    assert sum(len(c.get_offsets()) for c in dots) == 500
    (ringed,) = [c for c in ax.collections if c.get_label() == "loses"]
    assert len(ringed.get_offsets()) == table["loses"].sum() > 0
    assert f"{table['loses'].sum()} of 500" in ax.get_title()


def test_figures_in_chinese():
    communities = synthetic_district(30, 3)
    with language("zh"):
        fig = tiles_figure(communities, "service.resolved_share")
        assert figure_png(fig, dpi=50)[:8] == PNG
        assert not any(t.get_text().startswith("Sub-district") for t in fig.axes[0].texts)
