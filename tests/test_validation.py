"""``govsim validate-model`` regenerates the evidence, and the evidence says what the data say.

One quick run (few, short runs on a small population) into a temporary directory, on a copy of the
scenario files with one input corrupted: grid reporting switched off in its reform file.  The grid
identity check must then fail (*not shown*): the evidence is computed from the runs, not written to
match the claims.  The determinism and common-random-numbers checks do not rest on grid reporting,
so they must still pass (``tests/test_checks.py`` shows that the latter fails when its own premise
is broken).
"""

from __future__ import annotations

import json
import math
import re
import shutil

import pandas as pd
import pytest
from helpers import ROOT

from sim.cli import main
from sim.queueing import mmc_mean_wait
from sim.validation.claims import CLAIMS, IDENTITIES, NOT_SHOWN, OPPOSITE, REPRODUCED, holds, judge
from sim.validation.evidence import scenario_files
from sim.validation.littles_law import littles_law
from sim.validation.mmc import SERVICE_MIN

# Tier: slow stochastic checks (a quick evidence run, judged by its intervals), with the module.
pytestmark = pytest.mark.statistical

FILES = [
    "README.md",
    "settings.json",
    "claims.csv",
    "tradeoff.csv",
    "effects_all.csv",
    "runs_claims.csv",
    "mmc.csv",
    "littles_law.csv",
    "checks.csv",
    "identities.csv",
    "calibration_patterns.csv",
    "calibration_sets.csv",
    "calibration_accepted.csv",
    "robustness_sets.csv",
    "calibration.png",
    "timeline_yearly.csv",
    "claims.png",
    "mmc.png",
    "timeline.png",
    "effects_2014.png",
    "resolved_by_group_2014.png",
]


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("validate")
    scenarios = tmp / "scenarios"
    shutil.copytree(ROOT / "scenarios", scenarios)
    grid = scenarios / "reforms" / "grid_reporting.toml"
    text = grid.read_text()
    assert "grid_reporting = true" in text
    grid.write_text(text.replace("grid_reporting = true", "grid_reporting = false"))
    out = tmp / "evidence"
    args = ["validate-model", "--quick", "--quiet", "--out", str(out), "--scenarios", str(scenarios)]
    assert main([*args, "--workers", "2"]) == 0
    return out, scenarios


def test_quick_run_writes_every_file(quick):
    out, _ = quick
    missing = [f for f in FILES if not (out / f).is_file() or (out / f).stat().st_size == 0]
    assert not missing
    readme = (out / "README.md").read_text()
    for link in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme):
        assert (out / link).is_file(), link
    assert "Quick mode" in readme and "govsim validate-model --quick" in readme


def test_mmc_rows_agree_with_erlang_c(quick):
    out, _ = quick
    t = pd.read_csv(out / "mmc.csv")
    assert len(t) == 4
    for r in t.itertuples():
        mu = 60 / SERVICE_MIN
        theory = 60 * mmc_mean_wait(int(r.servers), r.rho * r.servers * mu, mu)  # recomputed here
        assert r.wait_erlang_c_min == pytest.approx(theory)
        assert r.ci99_low <= theory <= r.ci99_high, r
        assert r.agrees
        assert (r.ci95_high - r.ci95_low) / 2 < 0.3 * theory  # the check has power
        assert r.utilisation_sim == pytest.approx(r.rho, abs=0.03)


def test_claims_are_marked_from_the_intervals(quick):
    out, _ = quick
    claims = pd.read_csv(out / "claims.csv")
    assert [(r.reform, r.kpi) for r in claims.itertuples()] == [(c.reform, c.kpi) for c in CLAIMS]
    thresholds = {(c.reform, c.kpi): c.threshold for c in CLAIMS}
    for r in claims.itertuples():
        direction = 1 if r.claimed == "up" else -1
        assert r.threshold == thresholds[(r.reform, r.kpi)]
        assert r.outcome == judge(direction, r.diff_low, r.diff_high, r.threshold)
        assert (r.reproduced == "yes") == (r.outcome == REPRODUCED)
    identities = pd.read_csv(out / "identities.csv")
    assert [(r.reform, r.kpi) for r in identities.itertuples()] == [(c.reform, c.kpi) for c in IDENTITIES]
    # The corrupted input: grid reporting that reports nothing cannot be credited with anything.
    grid = identities[identities["reform"] == "grid_reporting"].iloc[0]
    assert grid["diff"] == 0 and grid["reproduced"] == "no" and grid["outcome"] == NOT_SHOWN
    readme = (out / "README.md").read_text()
    row = next(ln for ln in readme.splitlines() if "(`grid_reporting`)" in ln)
    assert row.endswith("**fails** (not shown) |")
    n_yes = int((claims["reproduced"] == "yes").sum())
    assert f"**{n_yes} of {len(CLAIMS)} claims reproduced at the defaults.**" in readme


def test_robustness_counts_follow_from_the_sets(quick):
    """Each claim's robustness is the count, over the accepted sets (or every sampled set when none
    is accepted), of sets whose mean paired difference lies beyond its threshold."""
    out, _ = quick
    claims = pd.read_csv(out / "claims.csv")
    sets = pd.read_csv(out / "calibration_sets.csv")
    per_set = pd.read_csv(out / "robustness_sets.csv")
    accepted = set(sets.loc[sets["accepted"], "set"])
    judged = accepted or set(sets["set"])
    assert set(claims["basis"]) == {"accepted" if accepted else "sampled"}
    for i, r in enumerate(claims.itertuples()):
        sub = per_set[(per_set["claim_no"] == i) & per_set["set"].isin(judged)]
        direction = 1 if r.claimed == "up" else -1
        assert r.sets == len(judged)
        assert r.holds_in == sum(holds(direction, d, r.threshold) for d in sub["diff"])
    counts = pd.read_csv(out / "calibration_patterns.csv").set_index("pattern")
    readme = (out / "README.md").read_text()
    screen = sets[sets["stage"] == "screen"]
    assert (counts.loc["all", "met"], counts.loc["all", "sets"]) == (screen["accepted"].sum(), len(screen))
    assert (counts.loc["all", "met_all"], counts.loc["all", "sets_all"]) == (len(accepted), len(sets))
    assert f"**{len(screen[screen['accepted']])} of the {len(screen)} Latin-hypercube sets meet" in readme


def test_checks_pass_and_state_their_premises(quick):
    out, _ = quick
    checks = pd.read_csv(out / "checks.csv").set_index("check")
    assert checks["passed"].map(bool).to_dict() == {"determinism": True, "common random numbers": True}
    assert checks["premise"].str.len().min() > 0
    readme = (out / "README.md").read_text()
    row = next(ln for ln in readme.splitlines() if ln.startswith("| common random numbers |"))
    assert row.endswith("| yes |") and "`public`" in row


def test_little_law_covers_every_run_and_scenario_file(quick):
    out, scenarios = quick
    little = pd.read_csv(out / "littles_law.csv")
    assert little["holds"].all()
    files = {f"scenarios/{f.relative_to(scenarios).as_posix()}" for f in scenario_files(scenarios)}
    assert files <= set(little["scenario"])
    settings = json.loads((out / "settings.json").read_text())
    runs = (len(files) - 1) * settings["replications"]  # every file but the timeline, paired
    assert little[little["scenario"].isin(files)]["runs"].sum() >= runs


def test_judge_reads_only_the_interval():
    assert judge(+1, 0.1, 0.5) == REPRODUCED
    assert judge(-1, -0.5, -0.1) == REPRODUCED
    assert judge(+1, -0.1, 0.5) == NOT_SHOWN
    assert judge(-1, 0.0, 0.0) == NOT_SHOWN
    assert judge(+1, -0.5, -0.1) == OPPOSITE
    assert judge(-1, 0.1, 0.5) == OPPOSITE
    assert judge(+1, math.nan, 1.0) == "no data"


def test_littles_law_flags_a_run_that_breaks_it():
    runs = pd.DataFrame(
        {
            "scenario": ["a", "a", "b"],
            "verify.little_L": [1.0, 2.0, 0.5],
            "verify.little_lambda_W": [1.0, 2.0 + 1e-6, 0.5],
        }
    )
    t = littles_law(runs).set_index("scenario")
    assert not t.loc["a", "holds"] and t.loc["b", "holds"]
    assert t.loc["a", "runs"] == 2


def test_committed_evidence_is_consistent():
    """The evidence in the repository: full settings, and every mark follows from its interval."""
    ev = ROOT / "docs" / "validation"
    settings = json.loads((ev / "settings.json").read_text())
    assert not settings["quick"] and settings["replications"] >= 5
    claims = pd.read_csv(ev / "claims.csv")
    for r in claims.itertuples():
        threshold = getattr(r, "threshold", 0.0)  # evidence written before claims had thresholds
        assert r.outcome == judge(1 if r.claimed == "up" else -1, r.diff_low, r.diff_high, threshold)
    assert pd.read_csv(ev / "littles_law.csv")["holds"].all()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "README.md"], "is not a directory"),
        (["--scenarios", "docs"], "no baseline_2002.toml"),
    ],
)
def test_bad_input_is_a_one_line_usage_error(args, message, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["validate-model", "--quick", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_too_few_replications_are_refused(capsys):
    assert main(["validate-model", "--replications", "1"]) == 2
    err = capsys.readouterr().err
    assert "at least 2" in err and len(err.strip().splitlines()) == 1
