"""Sensitivity analysis: known indices recovered, seed noise kept out, the sweep machinery reused.

The synthetic model (``sim.experiments.synthetic``) has exact Sobol indices: 0.8 / 0.2 / 0 for
``4 x1 + 2 x2 + noise`` and 3/7 (first order), 4/7 (total) for ``x1 x2``.  Its noise has a part
shared by all runs with the same seed and a part of variance 0.25 that differs between design
points; averaging R replications leaves 0.25 / R of the latter in the outputs the indices see.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from helpers import SCENARIOS

import sim
from sim.cli import main
from sim.executors import Task
from sim.experiments import ExperimentError, experiment_from_mapping, synthetic
from sim.experiments.sensitivity import SensitivityError
from sim.experiments.sensitivity.sobol_morris import analyse
from sim.rng import replication_seed

# Tier: slow stochastic checks (Sobol and Morris estimates against known indices).
pytestmark = pytest.mark.statistical

BASE = (SCENARIOS / "baseline_2002.toml").as_posix()
KPIS = ["staff.service_time_share", "access.resolved_share.commuter"]
V_MODEL = 16 / 12 + 4 / 12  # variance of 4 x1 + 2 x2 for x uniform on [0, 1]
V_OWN = synthetic.OWN_NOISE_SD**2


def synthetic_doc(kind="saltelli", size=256, replications=4) -> dict:
    design = {"kind": kind, ("samples" if kind == "saltelli" else "trajectories"): size}
    return {
        "name": "synthetic sensitivity",
        "base": BASE,
        "replications": replications,
        "seed": 3,
        "days": 5,
        "kpis": KPIS,
        "design": design,
        "factors": {
            synthetic.X1: {"range": [0, 1]},
            synthetic.X2: {"range": [0, 1]},
            synthetic.X3: {"range": [0, 1]},
        },
    }


def synthetic_runs(exp) -> pd.DataFrame:
    """What a sweep of ``exp`` with the synthetic runner stores, computed here in one process."""
    rows = []
    for p in exp.points():
        for r in range(exp.replications):
            task = Task(
                "", p.scenario, replication_seed(exp.seed, r), exp.days, meta={"hash": p.scenario_hash}
            )
            out = synthetic.run(task)
            rows.append({"point": p.index, "replication": r, "status": "ok", **out.result.kpis})
    return pd.DataFrame(rows)


def test_sobol_indices_match_the_exact_values():
    exp = experiment_from_mapping(synthetic_doc())
    res = analyse(exp, synthetic_runs(exp), KPIS, resamples=500)
    noise = V_OWN / exp.replications  # what averaging leaves; it shows up in every total index
    expected = {
        "staff.service_time_share": {
            synthetic.X1: (16 / 12 / (V_MODEL + noise), (16 / 12 + noise) / (V_MODEL + noise)),
            synthetic.X2: (4 / 12 / (V_MODEL + noise), (4 / 12 + noise) / (V_MODEL + noise)),
            synthetic.X3: (0.0, noise / (V_MODEL + noise)),
        },
        "access.resolved_share.commuter": {
            synthetic.X1: (3 / 7, 4 / 7),
            synthetic.X2: (3 / 7, 4 / 7),
            synthetic.X3: (0.0, 0.0),
        },
    }
    table = res.indices.set_index(["kpi", "factor"])
    for kpi, factors in expected.items():
        for factor, (s1, st) in factors.items():
            row = table.loc[(kpi, factor)]
            # The bootstrap intervals cover the exact values, and are narrow enough to mean something
            # (the first-order estimator is the noisier one at N = 256).
            assert row["S1_low"] - 1e-9 <= s1 <= row["S1_high"] + 1e-9, (kpi, factor, row["S1"], s1)
            assert row["ST_low"] - 1e-9 <= st <= row["ST_high"] + 1e-9, (kpi, factor, row["ST"], st)
            assert row["S1_conf"] < 0.2 and row["ST_conf"] < 0.15, (kpi, factor)
    # The dummy factor: the total index is what seed noise is left after averaging, nothing more.
    assert table.loc[("staff.service_time_share", synthetic.X3), "ST"] == pytest.approx(
        noise / V_MODEL, abs=0.015
    )
    # Convergence: nested designs from 8 to 256 base samples, the last equal to the main result.
    conv = res.convergence
    assert sorted(conv["n"].unique()) == [8, 16, 32, 64, 128, 256]
    last = conv[(conv["n"] == 256) & (conv["index"] == "S1")].set_index(["kpi", "factor"])["value"]
    assert last.to_dict() == pytest.approx(table["S1"].to_dict())


def test_averaging_replications_keeps_seed_noise_out_of_the_indices():
    """With one run per point the dummy factor x3 gets a total index of about the noise share
    (0.25 / 1.92 = 0.13); averaging 8 runs with common seeds cuts it to about 0.018."""
    one = experiment_from_mapping(synthetic_doc(size=64, replications=1))
    eight = experiment_from_mapping(synthetic_doc(size=64, replications=8))
    st = {}
    for exp in (one, eight):
        res = analyse(exp, synthetic_runs(exp), ["staff.service_time_share"], resamples=200)
        st[exp.replications] = res.indices.set_index("factor").loc[synthetic.X3, "ST"]
        if exp.replications == 8:
            share = res.noise.set_index("kpi").loc["staff.service_time_share", "noise_share"]
            assert share == pytest.approx(V_OWN / 8 / (V_MODEL + V_OWN / 8), abs=0.01)
        else:
            assert res.noise["noise_share"].isna().all()  # one run per point: nothing to estimate it from
    assert st[1] == pytest.approx(V_OWN / (V_MODEL + V_OWN), abs=0.04)
    assert st[8] < 0.04 and st[8] < st[1] / 3


def test_morris_effects_and_ranking():
    """Tolerances from the spread over 12 design seeds (replications 8): the sd of mu* is about
    0.12 (x1), 0.08 (x2) and 0.06 (x1 in x1 x2, where only the design varies); each bound is about
    4 sd.  Morris points repeat on a 4-level grid (61 distinct of 160), and a repeated point has the
    same noise (common random numbers), so with 2 replications the sd was 0.28 and +/-0.3 failed
    about a third of seeds."""
    exp = experiment_from_mapping(synthetic_doc(kind="morris", size=40, replications=8))
    res = analyse(exp, synthetic_runs(exp), KPIS, resamples=200)
    t = res.indices.set_index(["kpi", "factor"])
    # Elementary effects per full range of a factor: exactly 4 and 2 for the linear terms.
    assert t.loc[("staff.service_time_share", synthetic.X1), "mu_star"] == pytest.approx(4, abs=0.5)
    assert t.loc[("staff.service_time_share", synthetic.X2), "mu_star"] == pytest.approx(2, abs=0.35)
    assert t.loc[("staff.service_time_share", synthetic.X3), "mu_star"] < 1.0
    # For x1 x2 the effect of x1 is x2 (0.5 on average) and x3 has none at all.
    assert t.loc[("access.resolved_share.commuter", synthetic.X1), "mu_star"] == pytest.approx(0.5, abs=0.25)
    assert t.loc[("access.resolved_share.commuter", synthetic.X3), "mu_star"] == 0
    assert "Morris" in res.to_text()


def test_sensitivity_runs_through_the_sweep_store_and_resumes(tmp_path):
    doc = synthetic_doc(size=16, replications=2)
    store = tmp_path / "s.sqlite"
    first = sim.sensitivity(doc, store=store, workers=2, runner=synthetic.run, progress=False, resamples=100)
    assert first.sweep.ran == 16 * 5 * 2
    again = sim.sensitivity(doc, store=store, workers=2, runner=synthetic.run, progress=False, resamples=100)
    assert again.sweep.ran == 0 and again.sweep.skipped == 160
    pd.testing.assert_frame_equal(first.indices, again.indices)
    written = again.write(csv=tmp_path / "i.csv", json_path=tmp_path / "i.json", figure=tmp_path / "c.png")
    assert [p.name for p in written] == ["i.csv", "i.json", "c.png"]
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert set(pd.read_csv(tmp_path / "i.csv").columns) >= {"kpi", "factor", "S1", "S1_low", "ST", "ST_high"}
    data = json.loads((tmp_path / "i.json").read_text())
    assert data["method"] == "sobol" and len(data["indices"]) == 2 * 3


def test_command_line_sensitivity_on_the_real_model(tmp_path, capsys):
    exp = tmp_path / "sobol.toml"
    exp.write_text(
        f'name = "tiny sobol"\nbase = "{(SCENARIOS / "changsha_2014.toml").as_posix()}"\n'
        'replications = 1\ndays = 10\nkpis = ["staff.service_time_share"]\n'
        '[set.population]\nresidents = 300\n[design]\nkind = "saltelli"\nsamples = 8\n'
        '[factors."staff.degree_share"]\nrange = [0.2, 0.9]\n'
        '[factors."service.counter_service_min"]\nrange = [8, 16]\n'
    )
    args = ["sensitivity", str(exp), "--store", str(tmp_path / "s.sqlite"), "--workers", "2", "--no-progress"]
    args += ["--csv", str(tmp_path / "i.csv"), "--resamples", "100"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Sobol indices: N = 8 base samples x 4 points" in out and "staff.degree_share" in out
    assert (tmp_path / "s-convergence.png").exists() and (tmp_path / "i.csv").exists()


def test_sensitivity_needs_a_sensitivity_design(tmp_path):
    doc = {"base": BASE, "factors": {"staff.count": {"values": [5, 6]}}}
    with pytest.raises(ExperimentError, match="saltelli"):
        sim.sensitivity(doc, store=tmp_path / "s.sqlite")


def test_a_design_point_without_a_successful_run_is_an_error():
    exp = experiment_from_mapping(synthetic_doc(size=8, replications=1))
    runs = synthetic_runs(exp)
    runs.loc[runs["point"] == 3, "status"] = "failed"
    with pytest.raises(SensitivityError, match="1 of 40 design points have no successful run"):
        analyse(exp, runs, KPIS)
