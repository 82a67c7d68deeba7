"""Sensitivity from the runs already in a store (delta, PAWN, RBD-FAST), on the synthetic model
with known first-order indices."""

from __future__ import annotations

import pytest

import sim
from sim.cli import main
from sim.experiments import synthetic
from sim.experiments.sensitivity import SensitivityError
from sim.experiments.sensitivity.store_methods import from_store
from tests.helpers import SCENARIOS

BASE = (SCENARIOS / "baseline_2002.toml").as_posix()
KPI = "staff.service_time_share"
R = 4
N = 512


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """An LHS sweep (not a Sobol design) of y = 4 x1 + 2 x2 + 0 x3 + noise, R replications."""
    path = tmp_path_factory.mktemp("sens") / "lhs.sqlite"
    doc = {
        "name": "lhs",
        "base": BASE,
        "replications": R,
        "days": 5,
        "kpis": [KPI, "access.resolved_share.commuter"],
        "design": {"kind": "lhs", "samples": N},
        "factors": {x: {"range": [0, 1]} for x in (synthetic.X1, synthetic.X2, synthetic.X3)},
    }
    sim.sweep(doc, store=path, workers=1, runner=synthetic.run, progress=False)
    return path


def expected_s1() -> dict[str, float]:
    """Var(4 x1 + 2 x2) = 20/12; the own noise left in a mean of R runs adds 0.5^2 / R (the shared
    part moves every point alike): S1 = 16/12 / total and 4/12 / total."""
    total = 20 / 12 + synthetic.OWN_NOISE_SD**2 / R
    return {synthetic.X1: 16 / 12 / total, synthetic.X2: 4 / 12 / total, synthetic.X3: 0.0}


def test_rbd_fast_recovers_first_order_indices(store):
    """RBD-FAST at N = 512 has a standard error of about 0.03 here: 0.1 is three of them."""
    res = from_store(store, method="rbd_fast", kpis=[KPI], resamples=300)
    got = res.indices.set_index("factor")
    for f, s1 in expected_s1().items():
        assert got.loc[f, "S1"] == pytest.approx(s1, abs=0.1)
    noise = float(res.noise["noise_share"].iloc[0])
    share = (synthetic.OWN_NOISE_SD**2 / R) / (20 / 12 + synthetic.OWN_NOISE_SD**2 / R)
    assert noise == pytest.approx(share, rel=0.3)  # 0.036; its estimate has 3 x 511 degrees of freedom


@pytest.mark.parametrize(("method", "name"), [("delta", "delta"), ("pawn", "pawn")])
def test_moment_independent_indices_rank_the_factors(store, method, name):
    res = from_store(store, method=method, kpis=[KPI], resamples=100)
    got = res.indices.set_index("factor")[name]
    assert got[synthetic.X1] > got[synthetic.X2] > got[synthetic.X3]
    lows = res.indices.set_index("factor")[f"{name}_low"]
    assert lows[synthetic.X2] > got[synthetic.X3]  # the real factor is told apart from the dummy


def test_command_and_errors(store, tmp_path, capsys):
    fig = tmp_path / "d.png"
    assert (
        main(["sensitivity", "--from-store", str(store), "--method", "rbd_fast", "--figure", str(fig)]) == 0
    )
    assert "RBD-FAST" in capsys.readouterr().out and fig.stat().st_size > 1000
    assert main(["sensitivity", "--from-store", str(tmp_path / "none.sqlite")]) == 2
    assert "no such store" in capsys.readouterr().err
    assert main(["sensitivity", "--from-store", str(store), "--kpi", "nope"]) == 2
    assert "not a KPI" in capsys.readouterr().err
    assert main(["sensitivity"]) == 2
    with pytest.raises(SensitivityError, match="method"):
        from_store(store, method="sobol")
