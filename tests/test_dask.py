"""A real Dask cluster on 127.0.0.1 (scheduler and workers as separate processes): the same
numbers as the local pool, and a run past its time limit recorded as failed while the rest go on."""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from helpers import ROOT, SCENARIOS

import sim
from sim.experiments import synthetic

pytest.importorskip("distributed")

DASK = Path(sys.executable).with_name("dask")
DISTRICT = ROOT / "tests" / "data" / "districts" / "small.toml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """``dask scheduler`` and ``dask worker`` (two single-threaded processes), torn down after."""
    from distributed import Client

    tmp = tmp_path_factory.mktemp("dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    log = (tmp / "log.txt").open("w")  # open for the whole life of the cluster
    common = {"cwd": tmp, "env": env, "stdout": subprocess.DEVNULL, "stderr": log}
    procs = [
        subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **common
        )
    ]
    try:
        procs.append(
            subprocess.Popen(
                [str(DASK), "worker", address, "--host", "127.0.0.1", "--nworkers", "2", "--nthreads", "1",
                 "--no-dashboard", "--memory-limit", "0", "--local-directory", str(tmp)],
                **common,
            )
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout="5s") as client:
                    client.wait_for_workers(2, timeout=60)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()  # a worker thread still sleeping in the hung run
        log.close()


def tiny_doc() -> dict:
    return {
        "name": "tiny on dask",
        "base": (SCENARIOS / "changsha_2014.toml").as_posix(),
        "replications": 2,
        "days": 10,
        "set": {"population": {"residents": 300}},
        "kpis": ["staff.*", "service.*", "access.resolved_share.*"],
        "factors": {"staff.count": {"values": [6, 11]}, "service.one_stop": {"values": [False, True]}},
    }


def table(res) -> pd.DataFrame:
    cols = ["point", "replication", "seed", "run_id", "status", *res.kpis]
    return res.runs[cols].sort_values(["point", "replication"]).reset_index(drop=True)


def test_dask_gives_the_numbers_of_the_local_pool(cluster, tmp_path):
    remote = sim.sweep(tiny_doc(), store=tmp_path / "dask.sqlite", scheduler=cluster, progress=False)
    local = sim.sweep(tiny_doc(), store=tmp_path / "local.sqlite", workers=2, progress=False)
    assert remote.failed == 0 and remote.ran == local.ran == 8
    pd.testing.assert_frame_equal(table(remote), table(local), check_exact=True)
    workers = set(remote.runs["worker"])
    assert len(workers) >= 1 and all(":" in w for w in workers)


def test_a_district_on_dask_is_the_district_in_one_process(cluster, tmp_path):
    """A district's shards run as actors on the cluster's two workers and give the community table
    of one process, bit for bit; a sweep over a district setting sent to the cluster stores the
    numbers of local worker processes."""
    from distributed import Client, get_task_stream

    from sim.district.reading import load_district
    from sim.district.runner import run_district

    small = load_district(DISTRICT)
    one = run_district(small, seed=3, days=31, workers=1)
    with Client(cluster, timeout="10s") as client, get_task_stream(client) as stream:
        remote = run_district(small, seed=3, days=31, workers=2, scheduler=cluster)
    assert remote.communities.equals(one.communities) and remote.monthly == one.monthly
    shards = {t["worker"] for t in stream.data if str(t["key"]).startswith("Shard-")}
    assert len(shards) == 2, stream.data

    doc = {
        "name": "district on dask",
        "base": DISTRICT.as_posix(),
        "replications": 1,
        "days": 62,
        "kpis": ["grid.response_mean_h", "spread.worst_decile.grid.response_mean_h"],
        "factors": {"district.department_cases_per_week": {"values": [3.0, 30.0]}},
    }
    swept = sim.sweep(doc, store=tmp_path / "dask.sqlite", scheduler=cluster, progress=False)
    local = sim.sweep(doc, store=tmp_path / "local.sqlite", workers=2, progress=False)
    assert swept.failed == 0 and swept.ran == local.ran == 2
    pd.testing.assert_frame_equal(table(swept), table(local), check_exact=True)
    assert swept.runs["grid.response_mean_h"].nunique() == 2  # the setting reached the runs


def test_dask_records_a_run_past_its_time_limit_and_goes_on(cluster, tmp_path):
    doc = {
        "name": "hang on dask",
        "base": (SCENARIOS / "baseline_2002.toml").as_posix(),
        "replications": 1,
        "days": 5,
        "timeout": 2,
        "kpis": ["staff.service_time_share"],
        "factors": {"staff.count": {"values": [5, synthetic.HANG_STAFF, 6, 7, 8]}},
    }
    runner = functools.partial(synthetic.run, work_seconds=0.05)
    try:
        res = sim.sweep(doc, store=tmp_path / "s.sqlite", scheduler=cluster, runner=runner, progress=False)
    finally:
        # Dask cannot stop the hung run's thread, which holds its worker's only slot for good:
        # restart the workers, as an operator would, so the tests after this one get a whole
        # cluster (a later search on it waited forever for that slot).
        from distributed import Client

        with Client(cluster, timeout="10s") as client:
            client.restart(timeout=120)
    assert res.ran == 5 and res.failed == 1
    (error,) = res.failures["error"]
    assert error.startswith("timed out after 2 s") and "cannot stop a running task" in error
    assert (res.runs["status"] == "ok").sum() == 4


def test_search_on_dask_is_the_search_on_the_local_pool(cluster, tmp_path, capsys):
    """`govsim search --scheduler` evaluates its candidates on the cluster and, with the same
    seeds, finds the same candidates with the same numbers as on local worker processes."""
    from sim.analysis.store_data import load
    from sim.cli import main

    exp = tmp_path / "levers.toml"
    exp.write_text(
        f"""name = "levers on dask"
base = "{(SCENARIOS / "changsha_2014.toml").as_posix()}"
replications = 1
days = 10
seed = 5
kpis = ["staff.service_time_share", "service.queue_wait_mean_min"]
[set.population]
residents = 300
[factors."staff.count"]
range = [4, 12]
levels = 3
role = "lever"
"""
    )
    common = [str(exp), "--minimise", "service.queue_wait_mean_min", "--minimise", "staff.count"]
    small = ["--generations", "2", "--population", "4", "--no-progress"]
    remote, local = tmp_path / "remote.sqlite", tmp_path / "local.sqlite"
    assert main(["search", *common, *small, "--store", str(remote), "--scheduler", cluster]) == 0
    assert main(["search", *common, *small, "--store", str(local), "--workers", "2"]) == 0
    capsys.readouterr()
    cols = ["point", "seed", "staff.count", "staff.service_time_share", "service.queue_wait_mean_min"]
    a, b = (load(s).ok[cols].sort_values("point").reset_index(drop=True) for s in (remote, local))
    assert len(a) >= 4 and all(":" in w for w in load(remote).ok["worker"])  # ran on the cluster
    pd.testing.assert_frame_equal(a, b, check_exact=True)
