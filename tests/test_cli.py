"""The command line as a user calls it."""

import json

from helpers import SCENARIOS, govsim

from sim.kpis import COMMUNITY_KPIS


def test_run_prints_a_readable_table():
    r = govsim("run", str(SCENARIOS / "changsha_2014.toml"), "--days", "30", "--seed", "3")
    assert r.returncode == 0, r.stderr
    assert "Changsha 2014: seed 3, 30 days" in r.stdout
    assert "service.queue_wait_mean_min" in r.stdout and " min" in r.stdout and " %" in r.stdout


def test_run_json_has_the_documented_shape_and_every_kpi():
    r = govsim("run", str(SCENARIOS / "baseline_2002.toml"), "--days", "20", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert set(doc) == {"scenario", "seed", "days", "kpis"}
    assert doc["scenario"] == "Baseline 2002" and doc["seed"] == 1 and doc["days"] == 20
    assert set(doc["kpis"]) == set(COMMUNITY_KPIS)


def test_run_out_writes_series_and_manifest(tmp_path):
    out = tmp_path / "out"
    r = govsim("run", str(SCENARIOS / "changsha_2014.toml"), "--days", "15", "--out", str(out))
    assert r.returncode == 0, r.stderr
    daily = (out / "daily.csv").read_text().splitlines()
    assert len(daily) == 16 and daily[0].startswith("day,date,")
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["scenario_sha256"]) == 64 and manifest["seed"] == 1 and manifest["govsim_version"]


def test_python_dash_m_and_console_script_agree(root):
    import shutil
    import subprocess

    exe = shutil.which("govsim", path=str(root / ".venv/bin"))
    if exe is None:
        import pytest

        pytest.skip("govsim console script not installed in .venv")
    args = ["run", str(SCENARIOS / "baseline_2002.toml"), "--days", "10", "--json"]
    a = subprocess.run([exe, *args], capture_output=True, text=True, check=True).stdout
    assert json.loads(a) == json.loads(govsim(*args).stdout)


def test_bad_options_exit_2():
    for args in (["run", str(SCENARIOS / "baseline_2002.toml"), "--days", "0"], ["run"], ["frobnicate"]):
        r = govsim(*args)
        assert r.returncode == 2 and "Traceback" not in r.stderr


def test_validate_accepts_every_shipped_scenario():
    files = [str(p) for p in sorted(SCENARIOS.rglob("*.toml"))]
    r = govsim("validate", *files)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("ok: ") == len(files)


def test_compare_prints_paired_differences_and_writes_a_report(tmp_path):
    rep = tmp_path / "rep"
    r = govsim(
        "compare",
        str(SCENARIOS / "baseline_2002.toml"),
        str(SCENARIOS / "reforms/one_stop.toml"),
        "-r",
        "3",
        "--days",
        "40",
        "--workers",
        "2",
        "--report",
        str(rep),
    )
    assert r.returncode == 0, r.stderr
    assert "One-stop service - Baseline 2002" in r.stdout
    # Three short runs are too few to promise a verdict (tests/test_effects.py checks effects);
    # the line must still carry the paired interval and one of the verdict words.
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("service.queue_wait_mean_min"))
    assert line.count("[") == 3 and any(
        w in line for w in ("better", "WORSE", "negligible", "unsure", "no change")
    )
    for name in (
        "table.csv",
        "table.md",
        "runs.csv",
        "daily.csv",
        "report.html",
        "effects.png",
        "waiting_time.png",
        "staff_time.png",
        "participation.png",
        "resolved_by_group.png",
    ):
        assert (rep / name).stat().st_size > 0, name


def test_compare_json_matches_the_python_api():
    import sim

    r = govsim(
        "compare",
        str(SCENARIOS / "baseline_2002.toml"),
        str(SCENARIOS / "reforms/grid_reporting.toml"),
        "-r",
        "2",
        "--days",
        "20",
        "--json",
        "--workers",
        "1",
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    c = sim.compare(
        [SCENARIOS / "baseline_2002.toml", SCENARIOS / "reforms/grid_reporting.toml"],
        replications=2,
        days=20,
        workers=1,
        daily=False,
    )
    row = next(
        x for x in doc["table"] if x["kpi"] == "grid.response_mean_h" and x["scenario"] == "Grid reporting"
    )
    assert row["diff"] == c.kpi("grid.response_mean_h").loc["Grid reporting", "diff"]
    assert doc["seeds"] == c.seeds
