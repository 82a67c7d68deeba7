"""Levers against uncertainties: the crossed design, constraints, regret and satisficing, plots."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.analysis.plots import plot_store
from sim.analysis.robustness import robustness
from sim.analysis.store_data import load
from sim.cli import main
from sim.experiments import ExperimentError, experiment_from_mapping, synthetic
from tests.helpers import SCENARIOS

BASE = (SCENARIOS / "baseline_2002.toml").as_posix()
REACH, COST = "access.resolved_share.commuter", "staff.service_time_share"
LEVELS = [0.2, 0.5, 0.8]


def crossed_doc(**extra) -> dict:
    """Lever x2 (three settings) crossed with 20 draws of the uncertainty x1; reach = x1 x2."""
    return {
        "name": "crossed",
        "base": BASE,
        "replications": 2,
        "days": 5,
        "kpis": [COST, REACH],
        "design": {"kind": "crossed", "uncertainty_samples": 20},
        "factors": {
            synthetic.X2: {"values": LEVELS, "role": "lever"},
            synthetic.X1: {"range": [0, 1], "role": "uncertainty"},
        },
        "constraints": [{"expr": f"{REACH} >= 0.1", "name": "reach"}],
        **extra,
    }


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("crossed") / "c.sqlite"
    sim.sweep(crossed_doc(), store=path, workers=1, runner=synthetic.run, progress=False)
    return path


def test_crossed_design_shares_one_sample_of_uncertainties():
    exp = experiment_from_mapping(crossed_doc())
    pts = exp.points()
    assert len(pts) == 3 * 20
    assert exp.levers == [synthetic.X2] and exp.uncertainties == [synthetic.X1]
    by_lever = {lv: [p.values[synthetic.X1] for p in pts if p.values[synthetic.X2] == lv] for lv in LEVELS}
    assert by_lever[0.2] == by_lever[0.5] == by_lever[0.8]  # the same futures for every setting
    # A Latin hypercube: one draw in each twentieth of [0, 1].
    assert sorted(int(20 * x) for x in by_lever[0.2]) == list(range(20))


def test_crossed_design_takes_given_futures_with_their_unit_rows():
    """uncertainty_points: each lever setting meets exactly the given futures, in their order,
    and the unit row kept for scenario discovery is where each value lies in its range."""
    futures = [[0.9], [0.3], [0.4]]
    doc = crossed_doc(design={"kind": "crossed", "uncertainty_points": futures})
    doc["factors"][synthetic.X1]["range"] = [0.2, 1.0]
    pts = experiment_from_mapping(doc).points()
    assert [p.values[synthetic.X2] for p in pts] == [lv for lv in LEVELS for _ in futures]
    assert [p.values[synthetic.X1] for p in pts] == [0.9, 0.3, 0.4] * 3
    assert [p.unit[0] for p in pts[:3]] == pytest.approx([0.875, 0.125, 0.25])


def test_constraints_mark_runs_without_dropping_them(store):
    data = load(store)
    assert len(data.runs) == 3 * 20 * 2
    x = data.runs[synthetic.X1] * data.runs[synthetic.X2]
    assert (data.runs["feasible"] == (x >= 0.1)).all()
    assert (~data.runs["feasible"]).any()
    assert data.levers == [synthetic.X2]


def test_regret_and_satisficing_match_the_closed_form(store):
    """reach = x1 x2 is best with x2 = 0.8 in every future: its regret is 0, and that of x2 = 0.5
    is (0.8 - 0.5) x1, largest at the largest x1 drawn."""
    res = robustness(store, kpis=[REACH], goals=[f"{REACH} >= 0.3"])
    t = res.table.set_index(synthetic.X2)
    x1 = np.array(sorted(load(store).runs[synthetic.X1].unique()))
    assert res.scenarios == 20
    assert t.loc[0.8, f"{REACH}|max_regret"] == pytest.approx(0.0, abs=1e-12)
    assert t.loc[0.5, f"{REACH}|max_regret"] == pytest.approx(0.3 * x1.max(), rel=1e-9)
    assert t.loc[0.2, f"{REACH}|mean_regret"] == pytest.approx(0.6 * x1.mean(), rel=1e-9)
    # Satisficing: reach >= 0.1 (the experiment's constraint) and >= 0.3 (the goal).
    for lv in LEVELS:
        assert t.loc[lv, "satisficing"] == pytest.approx(np.mean(lv * x1 >= 0.3))
    assert res.table.iloc[0][synthetic.X2] == 0.8
    assert "max regret" in res.to_text()


def test_robustness_needs_levers(tmp_path, capsys):
    doc = crossed_doc(design={"kind": "lhs", "samples": 8})
    doc["factors"] = {synthetic.X1: {"range": [0, 1]}, synthetic.X2: {"range": [0, 1]}}
    path = tmp_path / "u.sqlite"
    sim.sweep(doc, store=path, workers=1, runner=synthetic.run, progress=False)
    assert main(["robustness", str(path)]) == 2
    assert "no factor is a lever" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"constraints": [{"expr": "finance.balanse_yuan >= 0"}]}, "unknown KPI"),
        ({"constraints": [{"expr": "finance.balance_yuan"}]}, "no comparison"),
        ({"design": {"kind": "crossed"}}, "uncertainty_samples"),
        ({"design": {"kind": "crossed", "uncertainty_points": [[0.5, 1.0]]}}, r"points\[0\].*2 values for 1"),
        ({"design": {"kind": "crossed", "uncertainty_points": [[0.5], [1.5]]}}, r"points\[1\].*outside"),
        ({"design": {"kind": "crossed", "uncertainty_points": []}}, "non-empty list of rows"),
        (
            {"design": {"kind": "crossed", "uncertainty_points": [[0.5]], "uncertainty_samples": 3}},
            "not both",
        ),
        ({"design": {"kind": "lhs", "samples": 4, "uncertainty_points": [[0.5]]}}, 'for kind = "crossed"'),
        ({"design": {"kind": "lhs", "samples": 4, "uncertainty_samples": 3}}, 'for kind = "crossed"'),
        (
            {"design": {"kind": "crossed", "uncertainty_samples": 12, "uncertainty_sampler": "sobol"}},
            "power of 2",
        ),
        (
            {"design": {"kind": "crossed", "uncertainty_samples": 8, "uncertainty_sampler": "grid"}},
            "lhs, sobol",
        ),
    ],
)
def test_experiment_errors(change, message):
    with pytest.raises(ExperimentError, match=message):
        experiment_from_mapping(crossed_doc(**change))


def test_role_must_be_known():
    doc = crossed_doc()
    doc["factors"][synthetic.X1]["role"] = "policy"
    with pytest.raises(ExperimentError, match="role"):
        experiment_from_mapping(doc)


def test_an_uncertainty_can_keep_the_values_a_scenario_sets_itself():
    """The calibration's 2002 money: sampled for the baseline, which leaves it at the default,
    while the 2014 funding reform keeps its own 470,000 yuan."""
    funding = (SCENARIOS / "reforms" / "funding.toml").as_posix()
    doc = {
        "name": "kept",
        "days": 5,
        "design": {"kind": "crossed", "uncertainty_samples": 4},
        "factors": {
            "scenario": {"values": [BASE, funding], "labels": ["2002", "funding"], "role": "lever"},
            "finance.fiscal_yuan_year": {"range": [150000, 350000], "keep_scenario_values": True},
        },
    }
    exp = experiment_from_mapping(doc)
    base, funded = next(f.values for f in exp.factors if f.key == "scenario")
    drawn = {p.values["finance.fiscal_yuan_year"] for p in exp.points()}
    assert len(drawn) == 4
    for x in drawn:
        values = {"finance.fiscal_yuan_year": x}
        assert exp.scenario_for(base, values, 0).params["finance.fiscal_yuan_year"] == x
        assert exp.scenario_for(funded, values, 0).params["finance.fiscal_yuan_year"] == 470000.0
    # Without the option the factor overrides every scenario, as before.
    del doc["factors"]["finance.fiscal_yuan_year"]["keep_scenario_values"]
    plain = experiment_from_mapping(doc)
    assert (
        plain.scenario_for(funded, {"finance.fiscal_yuan_year": 2e5}, 0).params["finance.fiscal_yuan_year"]
        == 2e5
    )
    assert "kept" not in plain.identity() and exp.identity()["kept"] == ["finance.fiscal_yuan_year"]


@pytest.mark.parametrize(
    ("factor", "spec", "message"),
    [
        ("finance.fiscal_yuan_year", {"range": [1, 2], "keep_scenario_values": "yes"}, "true or false"),
        ("scenario", {"values": [BASE], "keep_scenario_values": True}, "scenario factor takes values"),
    ],
)
def test_keep_scenario_values_errors(factor, spec, message):
    doc = {"name": "k", "base": BASE, "days": 5, "factors": {factor: spec}}
    if factor == "scenario":
        del doc["base"]
    with pytest.raises(ExperimentError, match=message):
        experiment_from_mapping(doc)


def test_keep_scenario_values_that_would_vary_nothing_is_refused():
    funding = (SCENARIOS / "reforms" / "funding.toml").as_posix()
    doc = {
        "name": "k",
        "base": funding,
        "days": 5,
        "design": {"kind": "lhs", "samples": 4},
        "factors": {"finance.fiscal_yuan_year": {"range": [1, 2], "keep_scenario_values": True}},
    }
    with pytest.raises(ExperimentError, match="vary nothing"):
        experiment_from_mapping(doc)


def test_plots_of_a_store(store, tmp_path):
    figs = plot_store(store, tmp_path / "figs")
    assert {"pairs", "heatmap", "parallel"} <= set(figs)  # no daily series: no envelopes
    for name in figs:
        assert (tmp_path / "figs" / f"{name}.png").stat().st_size > 1000
    assert main(["robustness", str(store), "--kpi", REACH, "--out", str(tmp_path / "rob")]) == 0
    assert (tmp_path / "rob" / "robustness-regret.png").is_file()


def test_envelopes_of_daily_series(tmp_path):
    doc = crossed_doc(daily=True, design={"kind": "crossed", "uncertainty_samples": 3})
    path = tmp_path / "daily.sqlite"
    sim.sweep(doc, store=path, workers=1, runner=synthetic.run, progress=False)
    figs = plot_store(path, tmp_path / "figs", kinds=["envelopes"])
    ax = figs["envelopes"].axes[0]
    assert len(ax.get_lines()) == len(LEVELS)  # one median line per lever level (the colour factor)
    assert (tmp_path / "figs" / "envelopes.png").stat().st_size > 1000


def test_sweep_report_draws_figures_of_real_runs(tmp_path, capsys):
    """``govsim sweep --report DIR``: the model itself, tiny (300 residents, 10 days)."""
    exp = tmp_path / "tiny.toml"
    exp.write_text(
        f'name = "tiny"\nbase = "{(SCENARIOS / "changsha_2014.toml").as_posix()}"\n'
        'replications = 1\ndays = 10\ndaily = true\nkpis = ["service.*"]\n'
        "[set.population]\nresidents = 300\n"
        '[factors."staff.count"]\nvalues = [6, 11]\nrole = "lever"\n'
        '[factors."service.first_visit_success"]\nvalues = [0.5, 0.9]\n'
    )
    report = tmp_path / "report"
    code = main(["sweep", str(exp), "--store", str(tmp_path / "t.sqlite"), "--workers", "1", "--no-progress",
                 "--report", str(report)])  # fmt: skip
    assert code == 0
    assert {p.name for p in report.iterdir()} == {"envelopes.png", "pairs.png", "heatmap.png", "parallel.png"}
    assert "figures:" in capsys.readouterr().out
