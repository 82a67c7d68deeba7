"""Hostile and careless input: every case is one line on stderr and exit 2, nothing run or written.

The cases are generated: each class of issue 13 (odd paths, deep nesting, huge sizes, foreign
stores, bad flags) and, for every parameter of :data:`sim.parameters.PARAMS`, values of the wrong
type, out of range, NaN and infinities, empty and huge.  ``govsim`` runs in-process
(``sim.cli.main``) so the suite is fast; the model is replaced by a tripwire, so a case that
would start a run fails loudly instead of running.  The number of cases is printed at the end.
"""

from __future__ import annotations

import math
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import SCENARIOS

import sim
import sim.model
from sim import budgets, cli, paths
from sim.experiments import synthetic
from sim.experiments.experiment import experiment_from_mapping, load_experiment
from sim.experiments.store import Store, StoreBusy, StoreError
from sim.experiments.sweep import check_budget
from sim.parameters import CLASSES, GROUPS, PARAMS
from sim.ui import library

BASELINE = (SCENARIOS / "baseline_2002.toml").as_posix()
CASES = {"n": 0}


@pytest.fixture(scope="module", autouse=True)
def _count(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\ntest_hostile: {CASES['n']} hostile-input cases, none gave a traceback")


@pytest.fixture(autouse=True)
def _no_model_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A case that got as far as building the model is a failure of the check before it."""

    def tripwire(*a: Any, **k: Any) -> None:
        raise AssertionError("a model run started: the input should have been refused first")

    monkeypatch.setattr(sim.model.CommunityModel, "__init__", tripwire)


def _listing(root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            try:
                st = p.lstat()
            except OSError:
                continue
            out[str(p.relative_to(root))] = (st.st_mtime_ns, st.st_size)
    return out


def refused(capsys: pytest.CaptureFixture[str], root: Path, *argv: str, says: str = "") -> str:
    """Run ``govsim ARGV`` in-process in ``root``; it must exit 2 with one or two lines on stderr,
    no traceback, and leave ``root`` as it was.  Returns the message."""
    before = _listing(root)
    old = Path.cwd()
    os.chdir(root)
    try:
        status = cli.main(list(argv))
    finally:
        os.chdir(old)
    out, err = capsys.readouterr()
    CASES["n"] += 1
    lines = err.strip().splitlines()
    case = f"govsim {' '.join(a[:80] for a in argv)}"
    assert status == 2, f"{case}: exit {status}\n{err}{out[:500]}"
    assert "Traceback" not in err, f"{case}:\n{err}"
    assert 1 <= len(lines) <= 3, f"{case}: {len(lines)} lines on stderr:\n{err}"
    assert lines[-1].startswith("govsim: error: "), f"{case}: {err}"
    assert says in err, f"{case}: expected {says!r} in:\n{err}"
    assert _listing(root) == before, f"{case}: files were created or changed"
    return lines[-1]


# -- paths -----------------------------------------------------------------------------------------


def _links(tmp: Path) -> None:
    (tmp / "l1.toml").symlink_to("l2.toml")
    (tmp / "l2.toml").symlink_to("l1.toml")


PATH_CASES = {
    "nul in extends": ('extends = "a\\u0000b.toml"\n', "NUL byte"),
    "nul in apply": ('extends = "BASE"\napply = ["x\\u0000.toml"]\n', "NUL byte"),
    "nul in timeline apply": (
        'extends = "BASE"\n[[timeline]]\ndate = "2014-03-01"\napply = ["\\u0000"]\n',
        "NUL byte",
    ),
    "long name in extends": (f'extends = "{"x" * 300}.toml"\n', "at most 255"),
    "long path in apply": (f'extends = "BASE"\napply = ["{"a/" * 2100}x.toml"]\n', "at most 4,096"),
    "symlink loop in extends": ('extends = "l1.toml"\n', "symlink loop"),
    "folder as extends": ('extends = "sub"\n', "is a folder"),
    "extends itself": ('extends = "case.toml"\n', "cycle"),
    "not utf-8": (b"name = '\xff\xfe'\n", "not UTF-8"),
    "deep arrays": ("x = " + "[" * 3000 + "]" * 3000 + "\n", "nest more than 32"),
    "deep inline tables": ("x = " + "{a=" * 3000 + "1" + "}" * 3000 + "\n", "nest more than 32"),
    "deep dotted header": ("[" + ".".join(["staff"] * 3000) + "]\n", "nest more than 32"),
    "deep dotted key": (".".join(["staff"] * 3000) + " = 1\n", "nest more than 32"),
    "huge file": ("# " + "x" * (paths.MAX_INPUT_BYTES + 10) + "\n", "at most 1,048,576"),
    "timeline after the end": (
        'extends = "BASE"\n[[timeline]]\ndate = "2030-01-01"\n[timeline.set.staff]\ncount = 9\n',
        "after the run ends",
    ),
    "timeline day 1e11 (float)": (
        'extends = "BASE"\n[[timeline]]\nday = 1e11\n[timeline.set.staff]\ncount = 9\n',
        "integer day",
    ),
    "timeline day 10^11": (
        'extends = "BASE"\n[[timeline]]\nday = 100000000000\n[timeline.set.staff]\ncount = 9\n',
        "after the run ends",
    ),
}


@pytest.mark.parametrize("name", list(PATH_CASES))
@pytest.mark.parametrize("command", ["show", "run"])
def test_odd_paths_nesting_and_dates_in_scenarios(name, command, tmp_path, capsys):
    text, says = PATH_CASES[name]
    _links(tmp_path)
    (tmp_path / "sub").mkdir()
    case = tmp_path / "case.toml"
    if isinstance(text, bytes):
        case.write_bytes(text)
    else:
        case.write_text(text.replace("BASE", BASELINE))
    refused(capsys, tmp_path, command, "case.toml", says=says)


def test_a_long_extends_chain_is_cut_at_the_stated_depth(tmp_path, capsys):
    for i in range(2000):
        (tmp_path / f"c{i}.toml").write_text(f'extends = "c{i + 1}.toml"\n')
    (tmp_path / "c2000.toml").write_text('name = "end"\n')
    refused(capsys, tmp_path, "show", "c0.toml", says=f"deeper than {paths.MAX_INCLUDE_DEPTH} files")


def test_the_scenario_itself_odd(tmp_path, capsys):
    _links(tmp_path)
    (tmp_path / "dir.toml").mkdir()
    os.mkfifo(tmp_path / "fifo.toml")
    for command in ("show", "run"):
        refused(capsys, tmp_path, command, "l1.toml", says="symlink loop")
        refused(capsys, tmp_path, command, "dir.toml", says="is a folder")
        refused(capsys, tmp_path, command, "fifo.toml", says="FIFO")
        refused(capsys, tmp_path, command, "x" * 300 + ".toml", says="at most 255")
        refused(capsys, tmp_path, command, "nothing.toml", says="not found")
        refused(capsys, tmp_path, command, "a\0b.toml", says="NUL byte")
    refused(capsys, tmp_path, "compare", BASELINE, "fifo.toml", says="FIFO")
    refused(capsys, tmp_path, "run", "/dev/zero", says="device")


# -- every parameter: wrong type, range, NaN/inf, empty, huge ---------------------------------------


def _toml(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return '"' + v + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {_toml(x)}" for k, x in v.items()) + "}"
    raise TypeError(v)


def bad_values(key: str) -> list[Any]:
    """Values that no parameter of this kind and range may take."""
    p = PARAMS[key]
    empty: list[Any] = ["", [], {}]
    nonfinite = [math.nan, math.inf, -math.inf]
    if p.kind == "bool":
        return ["yes", 1, 0.5, *empty, *nonfinite]
    if p.kind == "int":
        return ["ten", 1.5, True, p.lo - 1, p.hi + 1, 10**18, -(10**18), 1e300, *empty, *nonfinite]
    if p.kind == "float":
        return ["x", True, p.lo - 1, p.hi + 1, p.hi * 1e6 + 1, 1e308, -1e308, *empty, *nonfinite]
    if p.kind == "date":
        return [12, "2003-13-45", "yesterday", 1.5, True, "", [], {}]
    if p.kind == "schedule":
        return [
            12,
            "nonsense",
            True,
            math.nan,
            {"weekdays": ["25:00-26:00"]},
            {"weekdays": [12]},
            {"someday": []},
        ]
    names = GROUPS if p.kind == "groups" else CLASSES
    first = names[0]
    return [
        "x",
        1.0,
        [],
        {"nobody": 0.5},
        {first: "x"},
        {first: p.hi + 1},
        {first: p.lo - 1},
        {first: 1e308},
        *({first: x} for x in nonfinite),
    ]


@pytest.mark.parametrize("key", list(PARAMS))
def test_every_parameter_refuses_bad_values(key, tmp_path, capsys):
    section, name = key.rsplit(".", 1)
    for value in bad_values(key):
        (tmp_path / "case.toml").write_text(f"[{section}]\n{name} = {_toml(value)}\n")
        line = refused(capsys, tmp_path, "show", "case.toml")
        assert key in line, f"{key} = {value!r}: the message does not name the key: {line}"


# -- experiments -------------------------------------------------------------------------------------

EXP = f'name = "x"\nbase = "{BASELINE}"\n'
STAFF = '[factors."staff.count"]\nvalues = [5, 6]\n'
STAFF_RANGE = '[factors."staff.count"]\nrange = [5, 9]\n'
SHARE_RANGE = '[factors."staff.degree_share"]\nrange = [0.1, 0.9]\n'

EXPERIMENT_CASES = {
    "nul in base": ('base = "x\\u0000.toml"\n' + STAFF, "NUL byte"),
    "long base": (f'base = "{"b" * 300}.toml"\n' + STAFF, "at most 255"),
    "symlink loop base": ('base = "l1.toml"\n' + STAFF, "symlink loop"),
    "folder base": ('base = "sub"\n' + STAFF, "is a folder"),
    "nul in scenario factor": ('[factors.scenario]\nvalues = ["a\\u0000"]\n', "NUL byte"),
    "nul in leave_one_out": ('[factors.scenario]\nleave_one_out = "p\\u0000.toml"\n', "NUL byte"),
    "deep factor tables": ("[factors." + ".".join(["staff"] * 3000) + "]\n", "nest more than 32"),
    "deep arrays": ("x = " + "[" * 3000 + "]" * 3000 + "\n", "nest more than 32"),
    "lhs 1e12 samples": (EXP + '[design]\nkind = "lhs"\nsamples = 1e12\n' + STAFF_RANGE, "design.samples"),
    "lhs 10^12 samples": (EXP + '[design]\nkind = "lhs"\nsamples = 1000000000000\n' + STAFF_RANGE, "at most"),
    "factorial 10^12 levels": (
        EXP + '[factors."staff.count"]\nrange = [5, 9]\nlevels = 1000000000000\n',
        "levels",
    ),
    "factorial too many points": (
        EXP
        + '[factors."staff.count"]\nrange = [5, 900]\nlevels = 1000\n'
        + '[factors."staff.degree_share"]\nrange = [0, 1]\nlevels = 1000\n'
        + '[factors."needs.retry_prob"]\nrange = [0, 1]\nlevels = 1000\n',
        "points",
    ),
    "morris 1e12 trajectories": (
        EXP + '[design]\nkind = "morris"\ntrajectories = 1e12\n' + STAFF_RANGE + SHARE_RANGE,
        "trajectories",
    ),
    "morris too many points": (
        EXP + '[design]\nkind = "morris"\ntrajectories = 1000000\n' + STAFF_RANGE + SHARE_RANGE,
        "3,000,000 points",
    ),
    "saltelli too many points": (
        EXP + '[design]\nkind = "saltelli"\nsamples = 524288\n' + STAFF_RANGE + SHARE_RANGE,
        "points",
    ),
    "replications 1e20": (EXP + "replications = 1e20\n" + STAFF, "replications"),
    "replications 1e8": (EXP + "replications = 100000000\n" + STAFF, "replications"),
    "replications 2.0": (EXP + "replications = 2.0\n" + STAFF, "replications"),
    "replications nan": (EXP + "replications = nan\n" + STAFF, "replications"),
    "large job without --yes": (EXP + "replications = 60000\n" + STAFF, "--yes"),
    "2 GB runs without --yes": (
        EXP
        + "[set.population]\nresidents = 200000\n[set.needs]\nelderly_care_rate = 365\n"
        + "admin_rate = {commuter = 50, local_worker = 50, retiree = 50, migrant = 50, not_working = 50}\n"
        + STAFF,
        "--yes",
    ),
    "days 1e9": (EXP + "days = 1000000000\n" + STAFF, "days"),
    "days inf": (EXP + "days = inf\n" + STAFF, "days"),
    "seed -1": (EXP + "seed = -1\n" + STAFF, "seed"),
    "seed 1e300": (EXP + "seed = 1e300\n" + STAFF, "seed"),
    "timeout nan": (EXP + "timeout = nan\n" + STAFF, "timeout"),
    "timeout -inf": (EXP + "timeout = -inf\n" + STAFF, "timeout"),
    "empty kpis": (EXP + "kpis = []\n" + STAFF, "kpis"),
    "empty values": (EXP + '[factors."staff.count"]\nvalues = []\n', "empty"),
    "nan in range": (
        EXP + '[design]\nkind = "lhs"\nsamples = 4\n[factors."staff.degree_share"]\nrange = [nan, 1]\n',
        "range",
    ),
    "inf in range": (
        EXP + '[design]\nkind = "lhs"\nsamples = 4\n[factors."staff.degree_share"]\nrange = [0, inf]\n',
        "range",
    ),
    "huge value": (EXP + '[factors."staff.count"]\nvalues = [1e300]\n', "staff.count"),
    "levels 2.5": (EXP + '[factors."staff.count"]\nrange = [5, 9]\nlevels = 2.5\n', "levels"),
    "points of the wrong length": (
        EXP + '[design]\nkind = "list"\npoints = [[1, 2]]\n' + STAFF,
        "design.points",
    ),
    "empty design table": (EXP + "design = 3\n" + STAFF, "design"),
}


@pytest.mark.parametrize("name", list(EXPERIMENT_CASES))
@pytest.mark.parametrize("command", ["sweep", "sensitivity"])
def test_malformed_experiments(name, command, tmp_path, capsys):
    text, says = EXPERIMENT_CASES[name]
    _links(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "exp.toml").write_text(text)
    if command == "sensitivity" and "--yes" in says:
        says = ""  # a sensitivity design needs two ranges: refused for that, equally in one line
    refused(capsys, tmp_path, command, "exp.toml", "--store", "s.sqlite", "--no-progress", says=says)


def test_the_experiment_file_itself_odd(tmp_path, capsys):
    _links(tmp_path)
    (tmp_path / "dir.toml").mkdir()
    os.mkfifo(tmp_path / "fifo.toml")
    for args, says in [
        (["dir.toml"], "is a folder, not an experiment file"),
        (["l1.toml"], "symlink loop"),
        (["fifo.toml"], "FIFO"),
        (["missing.toml"], "experiment file not found"),
        (["e\0.toml"], "NUL byte"),
    ]:
        refused(capsys, tmp_path, "sweep", *args, "--store", "s.sqlite", says=says)
        refused(capsys, tmp_path, "sweep", *args, "--dry-run", says=says)


# -- flags: the same limits as the files, one line each ----------------------------------------------


@pytest.mark.parametrize(
    "argv, says",
    [
        (["run", BASELINE, "--days", "100000000"], "at most 36,600"),
        (["run", BASELINE, "--days", "1e3"], "whole number"),
        (["run", BASELINE, "--days", "0"], "at least 1"),
        (["run", BASELINE, "--seed", "-3"], "at least 0"),
        (["run", BASELINE, "--out", "afile"], "not a folder"),
        (["run", BASELINE, "--out", "x\0y"], "NUL byte"),
        (["run", BASELINE, "--bogus"], "unrecognized arguments"),
        (["run"], "required"),
        (["compare", BASELINE, BASELINE, "--replications", "10000000"], "at most 100,000"),
        (["compare", BASELINE, BASELINE, "--workers", "1000000"], "at most 512"),
        (["compare", BASELINE, BASELINE, "--report", "afile"], "not a folder"),
        (["compare", BASELINE, BASELINE, "--days", "99999999999"], "at most 36,600"),
        (["compare", BASELINE, BASELINE, "-r", "100000", "--days", "36600"], "--yes"),
        (["sweep", "exp.toml", "--replications", "1e20"], "whole number"),
        (["sweep", "exp.toml", "--store", "sub"], "is a folder"),
        (["sweep", "exp.toml", "--store", "afile"], "not a govsim store"),
        (["sweep", "exp.toml", "--store", "foreign.sqlite"], "not a govsim store"),
        (["sweep", "exp.toml", "--dry-run", "--store", "foreign.sqlite"], "not a govsim store"),
        (["sweep", "exp.toml", "--dry-run", "--store", "afile"], "not a govsim store"),
        (["sweep", "exp.toml", "--store", "s\0.sqlite"], "NUL byte"),
        (["sweep", "exp.toml", "--store", "l1.toml"], "symlink loop"),
        (["sweep", "exp.toml", "--store", "afile/s.sqlite"], "afile"),
        (["sweep", "exp.toml", "--store", "/dev/null"], "device"),
        (["sweep", "exp.toml", "--timeout", "nan"], "more than 0"),
        (["sensitivity", "exp.toml", "--csv", "sub"], "not a file"),
        (["export", "afile"], "not a govsim store"),
        (["export", "sub"], "is a folder"),
        (["export", "missing.sqlite"], "no such store"),
        (["export", "foreign.sqlite"], "not a govsim store"),
        (["export", "govsim.sqlite", "--out", "afile"], "not a folder"),
        (["bench", "--residents", "1000000000"], "at most 200,000"),
        (["nosuchcommand"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_flags_and_stores(argv, says, tmp_path, capsys):
    _links(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "afile").write_text("not a database\n")
    (tmp_path / "exp.toml").write_text(EXP + "replications = 1\ndays = 5\n" + STAFF)
    with sqlite3.connect(tmp_path / "foreign.sqlite") as conn:
        conn.execute("CREATE TABLE accounts (id INTEGER, owner TEXT)")
    conn.close()
    with Store(tmp_path / "govsim.sqlite"):
        pass
    refused(capsys, tmp_path, *argv, says=says)


def test_a_run_above_the_soft_memory_limit_needs_yes(tmp_path, capsys):
    (tmp_path / "big.toml").write_text(
        f'extends = "{BASELINE}"\n[population]\nresidents = 200000\n[needs]\n'
        "admin_rate = {commuter = 50, local_worker = 50, retiree = 50, migrant = 50, not_working = 50}\n"
        "social_assistance_rate = 50\nelderly_care_rate = 365\npublic_space_rate = 20\ndispute_rate = 5\n"
    )
    line = refused(capsys, tmp_path, "run", "big.toml", says="--yes")
    assert "GB of memory" in line


def test_yes_passes_the_soft_limits_but_not_the_hard_ones(monkeypatch):
    big = experiment_from_mapping(
        {"base": BASELINE, "replications": 60_000, "factors": {"staff.count": {"values": [5, 6]}}}
    )
    with pytest.raises(budgets.BudgetError, match="--yes"):
        check_budget(big, workers=2)
    est = check_budget(big, workers=2, yes=True)
    assert est.runs == 120_000 and est.workers == 2 and est.seconds > 0
    monkeypatch.setattr(budgets, "available_memory", lambda: 10**6)
    with pytest.raises(budgets.BudgetError, match="available"):
        check_budget(big, workers=2, yes=True)


def test_a_run_bigger_than_the_machine_does_not_start(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(budgets, "available_memory", lambda: 50 * 10**6)
    line = refused(capsys, tmp_path, "run", BASELINE, "--yes", says="the machine has 50.0 MB available")
    assert "memory" in line
    with pytest.raises(budgets.BudgetError, match="available"):
        sim.simulate(BASELINE)
    with pytest.raises(budgets.BudgetError, match="36,600"):
        sim.simulate(BASELINE, days=100_000_000)


# -- the store -----------------------------------------------------------------------------------------


def test_the_store_lock_belongs_to_the_file_not_the_path(tmp_path):
    store = tmp_path / "s.sqlite"
    (tmp_path / "link.sqlite").symlink_to(store)
    (tmp_path / "sub").mkdir()
    with Store(store):
        os.link(store, tmp_path / "hard.sqlite")
        for other in ("link.sqlite", "hard.sqlite", "sub/../s.sqlite"):
            with pytest.raises(StoreBusy):
                Store(tmp_path / other)
            CASES["n"] += 1
    assert not list(tmp_path.glob("*-lock"))  # no lock file beside the store
    with Store(tmp_path / "link.sqlite"):  # free again once the first writer is gone
        pass


def test_a_killed_sweeps_session_is_marked_with_the_runs_it_stored(tmp_path):
    path = tmp_path / "s.sqlite"
    st = Store(path)
    session = st.begin_session(_manifest())
    for i in range(3):
        st.record(f"r{i}", "h", i, 1, 5, session, kpis={"k": 1.0}, error=None if i else "boom")
    # The coordinator dies here: nothing ends the session; the OS releases the lock.
    st.conn.close()
    st._unlock()
    with Store(path) as again:
        assert again.killed == 1
        row = again.conn.execute("SELECT status, runs_done, runs_failed, finished FROM sessions").fetchone()
    assert row[:3] == ("killed", 3, 1) and row[3] is not None


def _manifest() -> dict[str, Any]:
    fields = ["experiment", "experiment_file", "experiment_sha256", "experiment_text", "seeds"]
    fields += ["govsim_version", "python", "libraries", "host", "platform", "command"]
    return {**dict.fromkeys(fields, "x"), "quick": 0, "replications": 1, "base_seed": 1}


def test_a_store_that_is_not_sqlite_is_refused_before_anything_is_created(tmp_path):
    bad = tmp_path / "notdb.txt"
    bad.write_text("hello\n")
    with pytest.raises(StoreError, match="not a govsim store"):
        Store(bad)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notdb.txt"]
    assert bad.read_text() == "hello\n"


# -- smaller defects of the issue ------------------------------------------------------------------------


def test_leave_one_out_counts_a_file_applied_twice_once(tmp_path):
    pkg = tmp_path / "pkg.toml"
    reform = (SCENARIOS / "reforms" / "one_stop.toml").as_posix()
    pkg.write_text(f'extends = "{BASELINE}"\napply = ["{reform}", "{reform}"]\n')
    exp = experiment_from_mapping({"factors": {"scenario": {"leave_one_out": str(pkg)}}, "replications": 1})
    labels = exp.factors[0].labels
    assert labels == ("full package", "without one_stop")


def test_a_one_factor_sweep_prints_whole_numbers(tmp_path, monkeypatch):
    doc = {
        "base": BASELINE,
        "replications": 1,
        "days": 5,
        "kpis": ["staff.service_time_share"],
        "factors": {"staff.count": {"values": [5, 8]}},
    }
    res = sim.sweep(doc, store=tmp_path / "s.sqlite", workers=1, runner=synthetic.run, progress=False)
    table = res.to_text().splitlines()[-2:]
    assert [row.split()[:3] for row in table] == [["0", "5", "1"], ["1", "8", "1"]]


def test_one_bad_file_does_not_break_the_scenario_list(tmp_path):
    root = tmp_path / "scenarios"
    (root / "reforms").mkdir(parents=True)
    (root / "baseline_2002.toml").write_text((SCENARIOS / "baseline_2002.toml").read_text())
    (root / "nul.toml").write_text('extends = "a\\u0000b.toml"\n')
    (root / "deep.toml").write_text("x = " + "[" * 3000 + "]" * 3000 + "\n")
    (root / "loop.toml").symlink_to("loop.toml")
    os.mkfifo(root / "fifo.toml")
    entries = {e.path.name: e for e in library.scan(root, tmp_path / "custom")}
    assert entries["baseline_2002.toml"].scenario is not None
    for name, says in [
        ("nul.toml", "NUL"),
        ("deep.toml", "nest"),
        ("loop.toml", "loop"),
        ("fifo.toml", "FIFO"),
    ]:
        assert entries[name].scenario is None and says in entries[name].error, entries[name]
        assert "\n" not in entries[name].error
        CASES["n"] += 1


def test_bracket_scan_ignores_brackets_in_strings_and_comments():
    text = "a = \"[[[[\" # {{{{\nb = '''\n[[[\n'''\nc = [[1], {x = \"]\"}]\n"
    assert paths.bracket_depth(text) == 2
    assert paths.value_depth({"a": [[{"b": 1}]]}) == 4


def test_shipped_files_stay_within_the_limits():
    """The limits are far from anything real: every shipped scenario and experiment loads."""
    scenarios = [sim.load_scenario(f) for f in sorted(SCENARIOS.rglob("*.toml"))]
    experiments = [load_experiment(f) for f in sorted((SCENARIOS.parent / "experiments").glob("*.toml"))]
    assert len(scenarios) >= 10 and len(experiments) >= 3
    for exp in experiments:
        assert check_budget(exp, workers=2).runs > 0


def test_web_app_saves_go_through_the_path_checks(tmp_path):
    """Issue 13, item 1: UI saves use the same checks as the command line (one line, no file)."""
    from sim.paths import InputError
    from sim.scenario import load_scenario
    from sim.ui import library

    sc = load_scenario(SCENARIOS / "baseline_2002.toml").with_changes({}, name="Plan B")
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    with pytest.raises(InputError, match="not a folder"):
        library.save_scenario(sc, not_a_folder)
    with pytest.raises(InputError):
        library.save_scenario(sc, tmp_path / ("x" * 300))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]
    path, _ = library.save_scenario(sc, tmp_path / "ok")
    assert path.is_file()
