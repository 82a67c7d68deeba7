"""Sweeps, sensitivity analyses, exports and validation of districts: the district's settings are
factors checked like parameters, each run keeps the district's KPIs, an interrupted sweep does
only what is missing, and every community meets the same luck at every design point."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from helpers import ROOT, SCENARIOS, govsim

import sim
from sim.experiments import ExperimentError, experiment_from_mapping
from sim.rng import replication_seed
from sim.scenario import load_scenario

SMALL = ROOT / "tests" / "data" / "districts" / "small.toml"
#: District KPIs of several kinds: aggregated, spread across communities, the district's own.
KPIS = [
    "service.resolved_share",
    "grid.response_mean_h",
    "finance.balance_yuan",
    "spread.worst_decile.grid.response_mean_h",
    "spread.gini.service.resolved_share",
    "district.allocation_gini",
    "district.department_backlog_mean",
]


def district_doc(**extra) -> dict:
    """Two months of the six-community district: department capacity (which acts from the second
    month, on the first month's cases) x the demonstration bonus (which cannot act before the first
    evaluation, at the end of month 3)."""
    return {
        "name": "district",
        "base": SMALL.as_posix(),
        "replications": 2,
        "days": 62,
        "kpis": KPIS,
        "factors": {
            "district.department_cases_per_week": {"values": [3.0, 30.0]},
            "district.demonstration_bonus_yuan": {"values": [0.0, 200_000.0]},
        },
        **extra,
    }


def kpi_table(res) -> pd.DataFrame:
    cols = ["point", "replication", "seed", "run_id", "status", *res.kpis]
    return res.runs[cols].sort_values(["point", "replication"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """The district sweep, uninterrupted, on 2 local workers."""
    store = tmp_path_factory.mktemp("swept") / "s.sqlite"
    return sim.sweep(district_doc(), store=store, workers=2, progress=False)


# -- factors -------------------------------------------------------------------------------------


BAD_FACTORS = {
    "unknown setting": ({"district.alocation": {"values": ["equal"]}}, "did you mean 'district.allocation'"),
    "bad level": ({"district.allocation": {"values": ["equal", "by_luck"]}}, "must be one of"),
    "range of a choice": ({"district.allocation": {"range": [0, 1], "levels": 2}}, "only over values"),
    "out of range": ({"district.budget_yuan_year": {"range": [-5, 1e6], "levels": 2}}, "at least 0"),
    "integer": ({"district.communities": {"values": [4, 5.5]}}, "an integer"),
}


@pytest.mark.parametrize("case", sorted(BAD_FACTORS))
def test_a_bad_district_factor_is_one_line_naming_it(case):
    factors, words = BAD_FACTORS[case]
    with pytest.raises(ExperimentError) as err:
        experiment_from_mapping(district_doc(factors=factors), source="x.toml")
    text = str(err.value)
    assert "\n" not in text and f"key 'factors.{next(iter(factors))}" in text and words in text


def test_district_settings_need_a_district_base_and_districts_keep_no_daily_series(tmp_path):
    community = {"base": (SCENARIOS / "changsha_2014.toml").as_posix(), "kpis": ["service.*"]}
    for doc, key in (
        (district_doc(**community), "factors.district.department_cases_per_week"),
        (district_doc(**community, factors={}, set={"district": {"allocation": "equal"}}), "set.district"),
        (district_doc(daily=True), "daily"),
        (district_doc(kpis=["spread.gini.no_such_kpi"]), "kpis.spread.gini.no_such_kpi"),
    ):
        with pytest.raises(ExperimentError, match=f"key '{key}"):
            experiment_from_mapping(doc, source="x.toml")
    # The command line: one line, exit status 2.
    bad = tmp_path / "bad.toml"
    bad.write_text(
        f'base = "{SMALL.as_posix()}"\n[factors."district.allocation"]\nvalues = ["equal", "by_luck"]\n'
    )
    proc = govsim("sweep", str(bad), "--dry-run")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"govsim: error: {bad}") and "by_luck" in proc.stderr


def test_community_parameters_and_district_settings_vary_together():
    exp = experiment_from_mapping(
        district_doc(
            factors={
                "district.allocation": {"values": ["equal", "by_need"]},
                "staff.count": {"values": [6, 9]},
            },
            set={"district": {"budget_yuan_year": 3e6}},
        )
    )
    p = exp.points()[3]
    assert p.values == {"district.allocation": "by_need", "staff.count": 9}
    assert p.scenario.settings["allocation"] == "by_need" and p.scenario.settings["budget_yuan_year"] == 3e6
    assert {m.scenario.params["staff.count"] for m in p.scenario.members} == {9}
    assert len({q.scenario_hash for q in exp.points()}) == 4


# -- sweeps --------------------------------------------------------------------------------------


def test_a_district_sweep_stores_each_runs_district_kpis(swept):
    """Each stored run is the district run of that point and seed, KPI for KPI."""
    assert (swept.ran, swept.failed) == (8, 0)
    runs = swept.runs
    district = load_scenario(SMALL)
    for p, r in ((1, 0), (2, 1)):
        row = runs[(runs["point"] == p) & (runs["replication"] == r)].iloc[0]
        values = {k: row[k] for k in district_doc()["factors"]}
        direct = sim.simulate(district.with_changes(values), seed=replication_seed(1, r), days=62)
        assert [row[k] for k in KPIS] == pytest.approx([direct.kpis[k] for k in KPIS], nan_ok=True)


def test_common_random_numbers_hold_per_community(swept):
    """The bonus cannot act within two months, so with the same community seeds the two bonus
    levels give the same district bit for bit; the department capacity acts, and the replications
    differ (the equality is not that of runs that ignore their factors or their seeds)."""
    runs = swept.runs.set_index(["district.department_cases_per_week", "district.demonstration_bonus_yuan"])
    for capacity in (3.0, 30.0):
        no_bonus, bonus = (runs.loc[(capacity, b)].sort_values("replication") for b in (0.0, 200_000.0))
        pd.testing.assert_frame_equal(
            no_bonus[KPIS].reset_index(drop=True), bonus[KPIS].reset_index(drop=True)
        )
    scarce, ample = (runs.loc[(c, 0.0)].sort_values("replication") for c in (3.0, 30.0))
    assert (scarce["grid.response_mean_h"].to_numpy() > ample["grid.response_mean_h"].to_numpy()).all()
    assert scarce["grid.response_mean_h"].nunique() == 2


# The coordinator of the kill test: the sweep with the real model, except that every run of the
# second replication waits for a file that never comes, so when the first replication's runs are
# in the store the coordinator is known to be mid-sweep, whatever the load of the machine.
KILLED_COORDINATOR = """
import os, sys, time
import sim
import sim.experiments.sweep.running as sweep_module

real = sweep_module.run_task


def gated(task):
    if task.meta["replication"] >= 1:
        while True:
            time.sleep(1)
    return real(task)


sweep_module.run_task = gated
sim.sweep({doc!r}, store={store!r}, workers=2, progress=False)
"""


def test_a_killed_district_sweep_resumes_with_only_the_missing_runs(swept, tmp_path):
    store = tmp_path / "s.sqlite"
    script = tmp_path / "coordinator.py"
    script.write_text(KILLED_COORDINATOR.format(doc=district_doc(), store=str(store)))
    proc = subprocess.Popen([sys.executable, str(script)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while _stored(store) < 4:
            assert proc.poll() is None and time.monotonic() < deadline, "the sweep did not get going"
            time.sleep(0.1)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _stored(store) == 4
    again = sim.sweep(district_doc(), store=store, workers=2, progress=False)
    assert (again.skipped, again.ran, again.failed) == (4, 4, 0)
    pd.testing.assert_frame_equal(kpi_table(again), kpi_table(swept))


def _stored(store: Path) -> int:
    if not store.exists():
        return 0
    try:
        with sqlite3.connect(store, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM runs").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # tables not created yet


def test_a_sweep_store_keeps_kpis_not_the_community_tables(swept):
    with sqlite3.connect(swept.store) as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        kept = {k for (k,) in conn.execute("SELECT DISTINCT kpi FROM kpis")}
    assert "communities" not in tables and kept == set(KPIS)


# -- export, sensitivity, validate ---------------------------------------------------------------


def test_export_of_a_district_sweep_is_tidy(swept, tmp_path):
    proc = govsim("export", str(swept.store), "--format", "csv", "--out", str(tmp_path / "csv"))
    assert proc.returncode == 0, proc.stderr
    sim.export(swept.store, tmp_path / "parquet", format="parquet")
    mine = swept.runs.sort_values(["point", "replication"]).reset_index(drop=True)
    for fmt, read in (("csv", pd.read_csv), ("parquet", pd.read_parquet)):
        runs = read(tmp_path / fmt / f"runs.{fmt}").sort_values(["point", "replication"])
        runs = runs.reset_index(drop=True)
        assert len(runs) == 8 and runs["run_id"].is_unique
        assert {"district.department_cases_per_week", "district.demonstration_bonus_yuan", *KPIS} <= set(runs)
        for k in KPIS:
            assert runs[k].tolist() == pytest.approx(mine[k].tolist(), nan_ok=True)
        assert not (tmp_path / fmt / f"daily.{fmt}").exists()
        assert json.loads((tmp_path / fmt / "manifest.json").read_text())["runs"] == {"ok": 8, "failed": 0}


def test_morris_over_district_settings_reports_indices_for_district_kpis(tmp_path):
    doc = district_doc(
        replications=1,
        kpis=["grid.response_mean_h", "spread.worst_decile.grid.response_mean_h"],
        design={"kind": "morris", "trajectories": 2, "levels": 4},
        factors={
            "district.department_cases_per_week": {"range": [2.0, 40.0]},
            "district.demonstration_bonus_yuan": {"range": [0.0, 200_000.0]},
        },
    )
    res = sim.sensitivity(doc, store=tmp_path / "m.sqlite", workers=2, progress=False)
    ix = res.indices.set_index(["kpi", "factor"])
    assert set(res.kpis) == set(doc["kpis"])
    for kpi in doc["kpis"]:
        capacity = ix.loc[(kpi, "district.department_cases_per_week"), "mu_star"]
        bonus = ix.loc[(kpi, "district.demonstration_bonus_yuan"), "mu_star"]
        # The bonus cannot act before the first evaluation, and every point has the same
        # community seeds: no effect at all, exactly 0.
        assert capacity > 0 and bonus == 0


def test_validate_accepts_the_shipped_districts_and_refuses_a_bad_one_in_one_line(tmp_path):
    files = [SCENARIOS / "district_changsha.toml", SCENARIOS / "district_demo.toml", SMALL]
    proc = govsim("validate", *map(str, files))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("ok: ") == 3 and "500 communities" in proc.stdout
    # Each value is right, but one type's shares do not sum to 1: seen only in its communities.
    bad = tmp_path / "bad.toml"
    bad.write_text(
        f'extends = "{SMALL.as_posix()}"\n[district.types.mixed.set.population]\n'
        "group_shares = {retiree = 0.9, commuter = 0.5}\n"
    )
    proc = govsim("validate", str(bad))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "population.group_shares" in proc.stderr and "sum to 1" in proc.stderr
