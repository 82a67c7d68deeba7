"""Experiment files: what they mean (designs, factors) and one-line errors for what is wrong."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from helpers import ROOT, SCENARIOS

from sim.cli import main
from sim.experiments import ExperimentError, load_experiment
from sim.experiments.experiment import leave_one_out
from sim.scenario import load_scenario

BASE = (SCENARIOS / "baseline_2002.toml").as_posix()


def write(tmp_path: Path, body: str, name: str = "exp.toml") -> Path:
    path = tmp_path / name
    path.write_text(f'name = "test"\nbase = "{BASE}"\n' + textwrap.dedent(body))
    return path


@pytest.mark.parametrize(
    ("body", "key", "words"),
    [
        (
            '[factors."staff.cont"]\nvalues = [6, 8]\n',
            "factors.staff.cont",
            ["unknown parameter", "'staff.count'"],
        ),
        (
            '[factors."staff.count"]\nrange = [8, 8]\nlevels = 2\n',
            "factors.staff.count.range",
            ["empty range"],
        ),
        ('[factors."staff.count"]\nvalues = []\n', "factors.staff.count.values", ["empty"]),
        ('[factors."staff.count"]\nrange = [0, 12]\nlevels = 3\n', "factors.staff.count.range", ["outside"]),
        (
            '[factors."service.one_stop"]\nrange = [0, 1]\n',
            "factors.service.one_stop.range",
            ["explicit values"],
        ),
        ('[factors."staff.count"]\nvalues = [6, 6]\n', "factors.staff.count.values", ["repeat"]),
        ('[factors."staff.count"]\nvalues = [6, -1]\n', "factors.staff.count", ["must be an integer"]),
        ('[factors."staff.degree_share"]\nrange = [0.2, 0.9]\n', "factors.staff.degree_share", ["factorial"]),
        (
            '[design]\nkind = "saltelli"\nsamples = 64\n[factors."staff.degree_share"]\nrange = [0.2, 0.9]\n',
            "factors",
            ["at least 2 factors", "got 1"],
        ),
        (
            '[design]\nkind = "saltelli"\nsamples = 100\n[factors."staff.degree_share"]\nrange = [0, 1]\n'
            '[factors."staff.count"]\nrange = [4, 12]\n',
            "design.samples",
            ["power of 2", "64 or 128"],
        ),
        (
            '[design]\nkind = "list"\npoints = [[6, 0.5], [8]]\n[factors."staff.count"]\nvalues = [6, 8]\n'
            '[factors."staff.degree_share"]\nvalues = [0.5]\n',
            "design.points[1]",
            ["has 1 values", "2 factors"],
        ),
        ('[design]\nkind = "latin"\n', "design.kind", ["unknown design", "lhs"]),
        (
            '[design]\nkind = "lhs"\n[factors."staff.count"]\nrange = [4, 12]\n',
            "design.samples",
            ["needs samples"],
        ),
        (
            'kpis = ["staff.service_time_shar"]\n',
            "kpis.staff.service_time_shar",
            ["unknown KPI", "service_time_share"],
        ),
        ("replicatons = 3\n", "replicatons", ["unknown key", "'replications'"]),
        ("replications = 0\n", "replications", ["at least 1"]),
        ('[factors."population.digital_access.comuter"]\nvalues = [0.5]\n', "factors", ["unknown group"]),
        ("[set.staff]\ncount = 0\n", "set.staff.count", ["must be an integer"]),
    ],
)
def test_bad_experiment_files_name_the_file_and_key(tmp_path, body, key, words):
    path = write(tmp_path, body)
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    message = str(info.value)
    assert "\n" not in message
    assert (
        message.startswith(str(path)) or message.startswith("exp.toml") or "exp.toml" in message.split(":")[0]
    )
    assert f"key '{key}" in message, message
    for w in words:
        assert w in message, message


def test_missing_base_and_bad_toml(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nbase = "nowhere.toml"\n')
    with pytest.raises(ExperimentError, match=r"scenario file not found: nowhere\.toml"):
        load_experiment(bad)
    bad.write_text("name = \n")
    with pytest.raises(ExperimentError, match="not valid TOML"):
        load_experiment(bad)


def test_the_command_line_reports_a_bad_file_in_one_line_with_status_2(tmp_path, capsys):
    path = write(tmp_path, '[factors."staff.cont"]\nvalues = [6, 8]\n')
    for command in ("sweep", "sensitivity"):
        assert main([command, str(path), "--store", str(tmp_path / "s.sqlite")]) == 2
        lines = capsys.readouterr().err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("govsim: error: ")
        assert "staff.cont" in lines[0] and "'staff.count'" in lines[0]
    assert not (tmp_path / "s.sqlite").exists()  # nothing written for a bad file


def test_base_path_is_relative_to_the_experiment_file(tmp_path):
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    (sub / "exp.toml").write_text(
        f'base = "{Path("..") / ".." / "base.toml"}"\n[factors."staff.count"]\nvalues = [7]\n'
    )
    (tmp_path / "base.toml").write_text(f'extends = "{BASE}"\n[staff]\ndegree_share = 0.9\n')
    exp = load_experiment(sub / "exp.toml")
    (point,) = exp.points()
    assert point.scenario["staff.degree_share"] == 0.9 and point.scenario["staff.count"] == 7


def test_factorial_crosses_values_first_factor_slowest(tmp_path):
    exp = load_experiment(
        write(
            tmp_path,
            """
            [factors.staff.count]
            values = [6, 11]
            [factors."service.opening"]
            values = [{ weekdays = ["08:00-12:00"] }, { daily = ["08:00-20:00"] }]
            labels = ["mornings", "every day"]
            [factors."staff.degree_share"]
            range = [0.2, 0.8]
            levels = 3
            """,
        )
    )
    pts = exp.points()
    assert len(pts) == 2 * 2 * 3
    assert [p.values["staff.count"] for p in pts[:6]] == [6] * 6
    assert [p.shown["service.opening"] for p in pts[:6]] == ["mornings"] * 3 + ["every day"] * 3
    assert [p.values["staff.degree_share"] for p in pts[:3]] == pytest.approx([0.2, 0.5, 0.8])
    assert (
        pts[4].scenario["service.opening"]
        == load_scenario(SCENARIOS / "baseline_2002.toml").with_changes(
            {"service.opening": {"daily": ["08:00-20:00"]}}
        )["service.opening"]
    )
    assert len({p.scenario_hash for p in pts}) == 12


def test_sampled_designs_stay_in_range_and_integers_are_equally_likely(tmp_path):
    exp = load_experiment(
        write(
            tmp_path,
            """
            [design]
            kind = "lhs"
            samples = 400
            [factors."staff.count"]
            range = [6, 9]
            [factors."staff.degree_share"]
            range = [0.25, 0.75]
            [factors."service.one_stop"]
            values = [false, true]
            """,
        )
    )
    pts = exp.points()
    counts = np.bincount([p.values["staff.count"] for p in pts])[6:]
    # A Latin hypercube puts exactly n/4 points in each quarter: each integer exactly 100 times
    # (plain rounding would give the two ends half as many).
    assert list(counts) == [100, 100, 100, 100]
    shares = [p.values["staff.degree_share"] for p in pts]
    assert min(shares) >= 0.25 and max(shares) <= 0.75
    assert sum(p.values["service.one_stop"] for p in pts) == 200


def test_sobol_and_saltelli_designs_grow_by_prefix(tmp_path):
    """A larger N starts with the points of the smaller: a sweep can be extended in place."""
    common = (
        '[factors."staff.degree_share"]\nrange = [0, 1]\n'
        '[factors."service.first_visit_success"]\nrange = [0, 1]\n'
    )
    for kind, per in (("sobol", 1), ("saltelli", 4)):
        small = load_experiment(
            write(tmp_path, f'[design]\nkind = "{kind}"\nsamples = 8\n' + common, "a.toml")
        )
        big = load_experiment(
            write(tmp_path, f'[design]\nkind = "{kind}"\nsamples = 16\n' + common, "b.toml")
        )
        a, b = small.points(), big.points()
        assert len(a) == 8 * per and len(b) == 16 * per
        assert [p.scenario_hash for p in a] == [p.scenario_hash for p in b[: len(a)]]


def test_morris_design_size(tmp_path):
    exp = load_experiment(
        write(
            tmp_path,
            """
            [design]
            kind = "morris"
            trajectories = 5
            [factors."staff.degree_share"]
            range = [0, 1]
            [factors."service.first_visit_success"]
            range = [0.5, 0.9]
            [factors."staff.count"]
            range = [6, 12]
            """,
        )
    )
    pts = exp.points()
    assert len(pts) == 5 * 4
    # Each step of a trajectory moves exactly one factor.
    for t in range(5):
        rows = [np.array(p.unit) for p in pts[t * 4 : (t + 1) * 4]]
        assert all(np.count_nonzero(rows[i + 1] - rows[i]) == 1 for i in range(3))


def test_leave_one_out_rebuilds_the_2014_package():
    pairs = leave_one_out(SCENARIOS / "changsha_2014.toml")
    full = load_scenario(SCENARIOS / "changsha_2014.toml")
    reforms = sorted((SCENARIOS / "reforms").glob("*.toml"))
    assert len(pairs) == 1 + len(reforms)
    assert pairs[0][0].content_hash() == full.content_hash() and pairs[0][1] == "full package"
    by_label = {label: sc for sc, label in pairs}
    staffing = by_label["without staffing"]
    assert staffing.diff(full) == {"staff.count": (11, 6), "finance.max_staff_per_10k": (18.0, 0.0)}
    # The access system switches the classification on too, so leaving the classification out
    # alone changes nothing: the same scenario, hence the same runs.
    assert by_label["without classification"].content_hash() == full.content_hash()


def test_shipped_experiments_load():
    for path in sorted((ROOT / "experiments").glob("*.toml")):
        exp = load_experiment(path)
        assert exp.points(), path
        quick = load_experiment(path, quick=True)
        assert quick.replications <= exp.replications


def test_labels_replace_numeric_values_in_the_tables(tmp_path):
    exp = load_experiment(
        write(tmp_path, '[factors."staff.count"]\nvalues = [6, 11]\nlabels = ["few", "planned"]\n')
    )
    assert [p.shown["staff.count"] for p in exp.points()] == ["few", "planned"]
    assert [p.scenario["staff.count"] for p in exp.points()] == [6, 11]
