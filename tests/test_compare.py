"""The comparison's statistics, checked on runs whose answer is known."""

import math

import numpy as np
import pandas as pd
import pytest

from sim.compare import compare, comparison_table
from sim.statistics import mean_ci, paired_difference, verdict


def _runs(a, b, key="service.queue_wait_mean_min"):
    rows = [{"scenario": "A", "replication": r, key: x} for r, x in enumerate(a)]
    rows += [{"scenario": "B", "replication": r, key: x} for r, x in enumerate(b)]
    return pd.DataFrame(rows)


def test_table_uses_the_paired_difference():
    a = np.array([10.0, 20.0, 30.0, 40.0])
    b = a - 2.0 + np.array([0.1, -0.1, 0.1, -0.1])  # large spread, tiny paired noise
    t = comparison_table(_runs(a, b), ["A", "B"]).set_index("scenario")
    d = t.loc["B"]
    assert d["diff"] == pytest.approx(-2.0)
    half = (d["diff_high"] - d["diff_low"]) / 2
    assert half == pytest.approx(mean_ci(b - a).half_width)
    assert half < 0.3  # an unpaired interval would be ~20 wide
    assert d["verdict"] == "better"  # waits: lower is better, interval excludes zero
    assert d["relative_change"] == pytest.approx(-2.0 / 25.0)
    assert math.isnan(t.loc["A", "diff"])


def test_unsure_when_the_interval_spans_zero():
    d = paired_difference([1, 2, 3, 4], [1.2, 1.8, 3.1, 3.9])
    assert not d.sure and verdict(d, "lower") == "unsure"
    assert verdict(d, "") == ""


def test_identical_runs_are_no_change_not_unsure():
    d = paired_difference([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert verdict(d, "lower") == "same"


def test_nan_pairs_are_dropped():
    d = paired_difference([1.0, float("nan"), 3.0], [2.0, 5.0, 4.0])
    assert d.estimate.n == 2 and d.estimate.mean == 1.0


def test_until_adds_replications_until_the_interval_is_narrow(root):
    c = compare(
        [root / "scenarios/baseline_2002.toml", root / "scenarios/reforms/one_stop.toml"],
        replications=2,
        days=20,
        workers=1,
        daily=False,
        until={"service.queue_wait_mean_min": 0.05},
        max_replications=12,
    )
    row = c.kpi("service.queue_wait_mean_min").loc["One-stop service"]
    assert len(c.seeds) > 2
    assert (row["diff_high"] - row["diff_low"]) / 2 <= 0.05 or len(c.seeds) == 12


def test_one_and_two_workers_give_identical_runs(root):
    args = ([root / "scenarios/baseline_2002.toml", root / "scenarios/changsha_2014.toml"],)
    one = compare(*args, replications=3, days=15, workers=1, daily=False)
    two = compare(*args, replications=3, days=15, workers=2, daily=False)
    pd.testing.assert_frame_equal(one.runs, two.runs, check_exact=True)


# -- "better, and big enough to matter" (issue 11, defect 9) --------------------------------------


def _share_runs(delta: float, key: str = "governance.participation_rate", n: int = 10) -> pd.DataFrame:
    """B = A + delta with tiny paired noise: the difference is sure whatever its size."""
    rng = np.random.default_rng(9)
    a = 0.25 + 0.02 * rng.normal(size=n)
    return _runs(a, a + delta + 0.0002 * rng.normal(size=n), key)


def test_a_sure_but_trivial_gain_is_negligible_not_better():
    key = "governance.participation_rate"
    t = comparison_table(_share_runs(0.001, key), ["A", "B"]).set_index("scenario")
    assert t.loc["B", "diff_low"] > 0  # sure ...
    assert t.loc["B", "verdict"] == "negligible"  # ... but +0.1 pp is below the catalogue's 2 pp
    assert t.loc["B", "matters"] == pytest.approx(0.02)
    t = comparison_table(_share_runs(0.03, key), ["A", "B"]).set_index("scenario")
    assert t.loc["B", "verdict"] == "better"
    t = comparison_table(_share_runs(-0.03, key), ["A", "B"]).set_index("scenario")
    assert t.loc["B", "verdict"] == "worse"


def test_every_directed_kpi_states_its_threshold_and_why():
    from sim.kpis import KPIS

    for key, kpi in KPIS.items():
        if kpi.better:
            assert kpi.matters.absolute > 0 or kpi.matters.relative > 0, key
            assert kpi.matters.why, key


def test_the_threshold_can_be_overridden_absolute_or_relative():
    from sim.compare import matters_overrides

    key = "governance.participation_rate"
    runs = _share_runs(0.001, key)
    t = comparison_table(runs, ["A", "B"], matters_overrides({key: 0.0005})).set_index("scenario")
    assert t.loc["B", "verdict"] == "better" and t.loc["B", "matters"] == 0.0005
    t = comparison_table(runs, ["A", "B"], matters_overrides({key: "1%"})).set_index("scenario")
    base = runs[runs.scenario == "A"][key].mean()
    assert t.loc["B", "matters"] == pytest.approx(0.01 * base)
    with pytest.raises(ValueError, match="unknown KPI 'nope'"):
        matters_overrides({"nope": 1})
    with pytest.raises(ValueError, match="a percentage of the baseline such as 5%"):
        matters_overrides({key: "lots"})


def test_relative_thresholds_follow_the_baseline():
    from sim.kpis import Matters

    rule = Matters(1.0, 0.10)
    assert rule.threshold(63.0) == pytest.approx(6.3)
    assert rule.threshold(0.0) == 1.0 and rule.threshold(float("nan")) == 1.0


def test_compare_command_takes_matters_and_refuses_a_bad_one(root, capsys):
    from sim.cli import main

    files = [str(root / "scenarios/baseline_2002.toml"), str(root / "scenarios/changsha_2014.toml")]
    code = main(["compare", *files, "-r", "2", "--days", "10", "--workers", "1", "--matters", "nope=1"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("govsim: error:") and "nope" in err and "Traceback" not in err
    assert (
        main(
            [
                "compare",
                *files,
                "-r",
                "2",
                "--days",
                "10",
                "--workers",
                "1",
                "--json",
                "--matters",
                "residents.trust_mean=0.5",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert '"matters": 0.5' in out.replace('"matters":0.5', '"matters": 0.5')
