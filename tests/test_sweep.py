"""Sweeps: every run recorded once, whatever stops the coordinator; the same numbers everywhere."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from helpers import ROOT, SCENARIOS, ctrl_c_coordinator, govsim

import sim
from sim.cli import main
from sim.experiments import StoreError, synthetic
from sim.experiments.store import Store, StoreBusy
from sim.rng import replication_seed

BASE = (SCENARIOS / "baseline_2002.toml").as_posix()
KPIS = ["staff.service_time_share", "access.resolved_share.commuter", "service.queue_wait_mean_min"]


def synthetic_doc(staff=(5, 6, 7, 8), replications=3, **extra) -> dict:
    """A factorial of synthetic runs: staff counts x two degree shares."""
    return {
        "name": "synthetic",
        "base": BASE,
        "replications": replications,
        "days": 5,
        "kpis": KPIS,
        "factors": {
            "staff.count": {"values": list(staff)},
            "staff.degree_share": {"values": [0.25, 0.75]},
        },
        **extra,
    }


def tiny_model_doc(**extra) -> dict:
    """Real model runs small enough for a test: 300 residents, 10 days."""
    return {
        "name": "tiny",
        "base": (SCENARIOS / "changsha_2014.toml").as_posix(),
        "replications": 2,
        "days": 10,
        "set": {"population": {"residents": 300}},
        "kpis": ["staff.*", "service.*", "access.resolved_share.*"],
        "factors": {
            "staff.count": {"values": [6, 11]},
            "service.opening": {
                "values": [
                    {"weekdays": ["08:00-12:00", "14:30-17:30"]},
                    {"weekdays": ["08:00-20:00"], "sat": ["09:00-17:00"]},
                ],
                "labels": ["office hours", "staggered"],
            },
        },
        **extra,
    }


def kpi_table(res) -> pd.DataFrame:
    cols = ["point", "replication", "seed", "run_id", "status", *res.kpis]
    return res.runs[cols].sort_values(["point", "replication"]).reset_index(drop=True)


def run_count(store: Path) -> tuple[int, int]:
    # An ordinary connection: a read-only one cannot always open a WAL store that is being
    # written (it needs the -shm file), and the polling below would then see nothing.
    conn = sqlite3.connect(store, timeout=5)
    try:
        return conn.execute("SELECT count(*), count(DISTINCT run_id) FROM runs").fetchone()
    finally:
        conn.close()


# -- resumption ----------------------------------------------------------------------------------


def test_resume_after_a_cancel_does_only_the_missing_runs(tmp_path):
    runner = functools.partial(synthetic.run, work_seconds=0.01)
    store = tmp_path / "s.sqlite"
    cancel = threading.Event()
    seen = []

    def progress(done, failed, total):
        seen.append(done)
        if done == 7:
            cancel.set()

    first = sim.sweep(
        synthetic_doc(), store=store, workers=2, runner=runner, progress=progress, cancel=cancel
    )
    assert first.interrupted and 7 <= first.ran < 24
    second = sim.sweep(synthetic_doc(), store=store, workers=2, runner=runner, progress=False)
    assert not second.interrupted
    assert second.skipped == first.ran and second.ran == 24 - first.ran
    assert run_count(store) == (24, 24)
    clean = sim.sweep(
        synthetic_doc(), store=tmp_path / "clean.sqlite", workers=1, runner=runner, progress=False
    )
    pd.testing.assert_frame_equal(kpi_table(second), kpi_table(clean))
    # More replications later: only the new ones run.
    third = sim.sweep(synthetic_doc(replications=4), store=store, workers=2, runner=runner, progress=False)
    assert (third.ran, third.skipped) == (8, 24)


def test_killed_coordinator_loses_nothing_and_duplicates_nothing(tmp_path):
    """SIGKILL the coordinator in the middle of a sweep, then run it again: every run is in the
    store exactly once, with the numbers of an uninterrupted sweep, and no worker was left behind."""
    store = tmp_path / "s.sqlite"
    doc = synthetic_doc(staff=range(4, 12), replications=4)  # 64 runs of 50 ms on 2 workers
    code = (
        "import functools, sim\n"
        "from sim.experiments import synthetic\n"
        f"sim.sweep({doc!r}, store={str(store)!r}, workers=2, progress=False,\n"
        "          runner=functools.partial(synthetic.run, work_seconds=0.05))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if store.exists():
                try:
                    if run_count(store)[0] >= 12:
                        break
                except sqlite3.OperationalError:
                    pass  # tables not created yet
            time.sleep(0.05)
        else:
            pytest.fail("the sweep did not get going")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    kept, distinct = run_count(store)
    assert kept == distinct and 12 <= kept < 64
    with sqlite3.connect(store) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        workers = {int(w.split(":")[1]) for (w,) in conn.execute("SELECT DISTINCT worker FROM runs")}
        # No half-written run: every run has its three KPIs.
        assert conn.execute("SELECT count(*) FROM kpis").fetchone()[0] == 3 * kept
    deadline = time.monotonic() + 5
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_running(pid) for pid in workers), "worker processes outlived their coordinator"

    runner = functools.partial(synthetic.run, work_seconds=0.0)
    again = sim.sweep(doc, store=store, workers=2, runner=runner, progress=False)
    assert (again.skipped, again.ran, again.failed) == (kept, 64 - kept, 0)
    assert run_count(store) == (64, 64)
    clean = sim.sweep(doc, store=tmp_path / "clean.sqlite", workers=2, runner=runner, progress=False)
    pd.testing.assert_frame_equal(kpi_table(again), kpi_table(clean))
    with sqlite3.connect(store) as conn:
        sessions = conn.execute("SELECT status, runs_done FROM sessions ORDER BY session").fetchall()
    # The killed one never got to say: the next open of the store marked it, with what it stored.
    assert sessions == [("killed", kept), ("finished", 64 - kept)]


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as f:
            return not any(line.startswith("State:") and "Z" in line.split()[1] for line in f)
    except FileNotFoundError:
        return False


# The coordinator of the Ctrl-C test: ``govsim sweep`` with the first replication's 4 runs let
# through and the rest held (tests/helpers.py).
CTRL_C_COORDINATOR = ctrl_c_coordinator(gate='task.meta["replication"] >= 1', run="run")


def test_ctrl_c_stops_cleanly_with_status_130_and_the_rerun_finishes(tmp_path):
    exp = tmp_path / "exp.toml"
    exp.write_text(
        f'name = "ctrl-c"\nbase = "{(SCENARIOS / "changsha_2014.toml").as_posix()}"\n'
        "replications = 6\ndays = 20\n"
        'kpis = ["staff.service_time_share"]\n'
        '[factors."staff.count"]\nvalues = [6, 8, 11, 14]\n'
    )
    store = tmp_path / "s.sqlite"
    script = tmp_path / "coordinator.py"
    script.write_text(CTRL_C_COORDINATOR)
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    args = [sys.executable, str(script), str(tmp_path / "gate"), "sweep", str(exp), "--store", str(store)]
    proc = subprocess.Popen(
        [*args, "--workers", "1"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        with contextlib.suppress(sqlite3.OperationalError):  # tables not created yet
            stored = run_count(store)[0] if store.exists() else 0
        if stored == 4:  # the first replication stored; the fifth run is held by the gate
            break
        time.sleep(0.05)
    assert stored == 4 and proc.poll() is None, f"never reached 4 stored runs with the rest pending: {stored}"
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGUSR1)  # where is it stuck?
        time.sleep(5)
        proc.kill()
        _, err = proc.communicate()
        raise AssertionError(
            f"the sweep did not stop within 60 s of Ctrl-C; its stacks:\n{err[-6000:]}"
        ) from None
    assert proc.returncode == 130, err
    assert "Run the same command again" in err and "Traceback" not in err
    assert "4 runs of this session are safe" in err and "20 remain" in err
    assert run_count(store) == (4, 4)
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT status, runs_done FROM sessions").fetchall() == [("interrupted", 4)]
    done = sim.sweep(exp, store=store, workers=2, runner=synthetic.run, progress=False)
    assert (done.skipped, done.ran, done.failed) == (4, 20, 0)
    assert run_count(store) == (24, 24)


# -- failures --------------------------------------------------------------------------------------


def test_failing_and_hanging_runs_are_recorded_and_the_sweep_finishes(tmp_path):
    doc = synthetic_doc(staff=(5, synthetic.FAIL_STAFF, synthetic.HANG_STAFF, 6), replications=2, timeout=1)
    store = tmp_path / "s.sqlite"
    res = sim.sweep(doc, store=store, workers=2, runner=synthetic.run, progress=False)
    assert not res.interrupted and res.ran == 16 and res.failed == 8
    failures = res.failures
    assert set(failures["staff.count"]) == {synthetic.FAIL_STAFF, synthetic.HANG_STAFF}
    errors = dict(zip(failures["staff.count"], failures["error"], strict=False))
    assert "synthetic failure" in errors[synthetic.FAIL_STAFF]
    assert errors[synthetic.HANG_STAFF].startswith("timed out after 1 s")
    assert failures[res.kpis].isna().all().all()
    ok = res.runs[res.runs["status"] == "ok"]
    assert len(ok) == 8 and ok[res.kpis].notna().all().all()
    # A rerun leaves recorded failures alone; --retry-failed runs them again.
    again = sim.sweep(doc, store=store, workers=2, runner=synthetic.run, progress=False)
    assert again.ran == 0 and again.skipped == 16
    retry = sim.sweep(
        synthetic_doc(staff=(5, synthetic.FAIL_STAFF, synthetic.HANG_STAFF, 6), replications=2, timeout=1),
        store=store,
        workers=2,
        runner=synthetic.run,
        progress=False,
        retry_failed=True,
    )
    assert retry.ran == 8 and retry.failed == 8 and run_count(store) == (16, 16)


def test_a_crashing_worker_is_one_failure(tmp_path):
    doc = synthetic_doc(staff=(5, synthetic.CRASH_STAFF, 6), replications=2)
    res = sim.sweep(doc, store=tmp_path / "s.sqlite", workers=2, runner=synthetic.run, progress=False)
    assert res.failed == 4
    assert res.failures["error"].str.contains("worker process died").all()
    assert (res.runs["status"] == "ok").sum() == 8


# -- same numbers everywhere ----------------------------------------------------------------------


def test_one_and_two_workers_give_identical_runs(tmp_path):
    one = sim.sweep(tiny_model_doc(), store=tmp_path / "one.sqlite", workers=1, progress=False)
    two = sim.sweep(tiny_model_doc(), store=tmp_path / "two.sqlite", workers=2, progress=False)
    assert one.failed == two.failed == 0 and one.ran == two.ran == 8
    a, b = kpi_table(one), kpi_table(two)
    assert len(a.columns) > 20
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    # The replications are paired: every point uses the same seeds.
    assert a.groupby("replication")["seed"].nunique().eq(1).all()


# -- the store -------------------------------------------------------------------------------------


def test_a_store_refuses_another_experiment_and_a_second_writer(tmp_path):
    store = tmp_path / "s.sqlite"
    sim.sweep(synthetic_doc(), store=store, workers=1, runner=synthetic.run, progress=False)
    with pytest.raises(StoreError, match=r"different experiment .*differs in: seed"):
        sim.sweep(synthetic_doc(seed=2), store=store, workers=1, runner=synthetic.run, progress=False)
    with pytest.raises(StoreError, match="different design"):
        sim.sweep(synthetic_doc(staff=(5, 9)), store=store, workers=1, runner=synthetic.run, progress=False)
    with Store(store), pytest.raises(StoreBusy, match="another sweep"):
        Store(store)


def test_manifest_records_provenance(tmp_path):
    exp = tmp_path / "exp.toml"
    exp.write_text(
        f'name = "prov"\nbase = "{BASE}"\nreplications = 2\ndays = 5\nkpis = {json.dumps(KPIS)}\n'
        '[factors."staff.count"]\nvalues = [5, 6]\n'
    )
    res = sim.sweep(exp, store=tmp_path / "s.sqlite", workers=1, runner=synthetic.run, progress=False)
    with sqlite3.connect(res.store) as conn:
        conn.row_factory = sqlite3.Row
        (s,) = conn.execute("SELECT * FROM sessions").fetchall()
    assert s["experiment_text"] == exp.read_text() and len(s["experiment_sha256"]) == 64
    assert s["status"] == "finished" and s["started"] <= s["finished"]
    assert json.loads(s["seeds"]) == [replication_seed(1, r) for r in range(2)]
    libs = json.loads(s["libraries"])
    assert {"numpy", "pandas", "mesa"} <= set(libs)
    assert s["govsim_version"].startswith(sim.__version__) and s["python"] and s["host"] and s["platform"]
    assert (s["runs_planned"], s["runs_done"], s["runs_failed"]) == (4, 4, 0)


# -- export and analysis ---------------------------------------------------------------------------


def test_export_writes_tidy_tables(tmp_path):
    res = sim.sweep(tiny_model_doc(daily=True), store=tmp_path / "s.sqlite", workers=2, progress=False)
    proc = govsim("export", str(res.store), "--format", "csv", "--out", str(tmp_path / "csv"))
    assert proc.returncode == 0, proc.stderr
    sim.export(res.store, tmp_path / "parquet", format="parquet")
    for fmt in ("csv", "parquet"):
        read = pd.read_csv if fmt == "csv" else pd.read_parquet
        runs = read(tmp_path / fmt / f"runs.{fmt}")
        daily = read(tmp_path / fmt / f"daily.{fmt}")
        assert len(runs) == 8 and runs["run_id"].is_unique
        assert {"staff.count", "service.opening", "replication", "seed", "status"} <= set(runs.columns)
        assert set(runs["service.opening"]) == {"office hours", "staggered"}
        mine = res.runs.sort_values(["point", "replication"]).reset_index(drop=True)
        assert runs["staff.service_time_share"].tolist() == pytest.approx(
            mine["staff.service_time_share"].tolist()
        )
        # One row per run and day, keyed to the runs table.
        assert len(daily) == 8 * 10
        assert daily.groupby("run_id").size().eq(10).all() and set(daily["run_id"]) == set(runs["run_id"])
        assert {"day", "date", "served", "staff.count", "service.opening"} <= set(daily.columns)
        manifest = json.loads((tmp_path / fmt / "manifest.json").read_text())
        assert manifest["runs"] == {"ok": 8, "failed": 0} and len(manifest["sessions"]) == 1


def test_export_of_a_missing_store_is_a_usage_error(tmp_path, capsys):
    assert main(["export", str(tmp_path / "nothing.sqlite")]) == 2
    assert "govsim: error:" in capsys.readouterr().err


def test_effects_against_a_reference_point_are_paired(tmp_path):
    """The synthetic output is 4 x1 + 2 x2 + noise: moving x2 (staff.degree_share) from 0.25 to 0.75
    changes it by exactly 1.0 plus the part of the noise that pairing does not cancel."""
    doc = synthetic_doc(staff=(5,), replications=12, analysis={"reference": {"staff.degree_share": 0.25}})
    res = sim.sweep(doc, store=tmp_path / "s.sqlite", workers=1, runner=synthetic.run, progress=False)
    eff = res.effects()
    row = eff[eff["kpi"] == "staff.service_time_share"].iloc[0]
    assert row["staff.degree_share"] == 0.75 and row["n"] == 12
    assert row["diff_low"] < 1.0 < row["diff_high"]
    assert row["verdict"] == "better"
    interaction = eff[eff["kpi"] == "access.resolved_share.commuter"].iloc[0]
    x1 = sim.load_scenario(BASE)[synthetic.X1]  # service.first_visit_success in the baseline
    assert (
        interaction["diff"] == pytest.approx(x1 * 0.5)
        and interaction["diff_low"] == pytest.approx(interaction["diff_high"])  # no noise: no width
    )
    text = res.to_text()
    assert "reference staff.count=5, staff.degree_share=0.25" in text and "staff.service_time_share" in text


def test_the_example_script_runs(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "experiments" / "example_sweep.py"),
            "--quick",
            "--store",
            str(tmp_path / "e.sqlite"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "paired difference" in proc.stdout
