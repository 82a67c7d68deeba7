"""Scenario files: every shipped one is valid; every kind of bad file gets a one-line message."""

from pathlib import Path

import pytest
from helpers import SCENARIOS, govsim

from sim.parameters import PARAMS, defaults
from sim.scenario import ScenarioError, load_scenario

SHIPPED = sorted(SCENARIOS.rglob("*.toml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[str(p.relative_to(SCENARIOS)) for p in SHIPPED])
def test_shipped_scenarios_are_valid(path):
    sc = load_scenario(path)
    assert sc.name and sc.description


def test_baseline_is_the_defaults():
    assert load_scenario(SCENARIOS / "baseline_2002.toml").changes_from_defaults() == {}


def test_package_2014_is_every_reform_file():
    """changsha_2014 applies the one-reform files, so it holds exactly what they set."""
    package = load_scenario(SCENARIOS / "changsha_2014.toml")
    expected = {}
    for f in sorted((SCENARIOS / "reforms").glob("*.toml")):
        expected.update(load_scenario(f).own)
    assert set(package.changes_from_defaults()) == set(expected)
    for key, value in expected.items():
        assert package[key] == value


def test_article_figures_in_the_2014_package():
    p = load_scenario(SCENARIOS / "changsha_2014.toml").params
    assert p["committee.part_time_share"] == 0.23
    assert p["staff.degree_share"] == 0.805 and p["staff.certified_share"] == 0.30
    assert p["staff.at_least_one_certified"] is True
    assert p["office.area_m2"] == 700  # the ~600,000 yuan from all sources: tests/test_finance.py
    assert p["departments.functions"] == 86


def test_timeline_replays_the_reforms_in_order():
    sc = load_scenario(SCENARIOS / "timeline_2003_2014.toml")
    years = [s.date.year for s in sc.timeline]
    assert years == sorted(years) and years[0] == 2003 and years[-1] == 2014
    assert sc.params_on_day(0)["departments.classification"] is True
    assert sc.params_on_day(365 * 2)["departments.access_strictness"] == 0
    mid = sc.params_on_day((sc.timeline[1].day + sc.timeline[2].day) // 2)
    assert mid["departments.access_strictness"] == 0.5
    end = sc.params_on_day(sc.days - 1)
    package = load_scenario(SCENARIOS / "changsha_2014.toml").params
    assert {k: end[k] for k in package if not k.startswith("run.")} == {
        k: v for k, v in package.items() if not k.startswith("run.")
    }


def test_to_toml_round_trips(tmp_path):
    for name in ("changsha_2014.toml", "timeline_2003_2014.toml"):
        sc = load_scenario(SCENARIOS / name)
        f = tmp_path / name
        f.write_text(sc.to_toml())
        back = load_scenario(f)
        assert back.params == sc.params
        assert [(s.day, dict(s.changes)) for s in back.timeline] == [
            (s.day, dict(s.changes)) for s in sc.timeline
        ]


def test_group_tables_merge_over_what_is_inherited(tmp_path):
    (tmp_path / "a.toml").write_text("[population]\ndigital_access = {retiree = 0.9}\n")
    sc = load_scenario(tmp_path / "a.toml")
    assert sc["population.digital_access"]["retiree"] == 0.9
    assert sc["population.digital_access"]["commuter"] == defaults()["population.digital_access"]["commuter"]


BASE = str(SCENARIOS / "baseline_2002.toml")
BAD = [
    ("unknown section", "[staf]\ncount = 3\n", "key 'staf': unknown key; did you mean 'staff'?"),
    (
        "unknown parameter",
        "[staff]\ncont = 3\n",
        "key 'staff.cont': unknown parameter; did you mean 'staff.count'?",
    ),
    (
        "wrong type",
        '[staff]\ncount = "ten"\n',
        "key 'staff.count': must be an integer from 1 to 1000, got 'ten'",
    ),
    ("float for int", "[staff]\ncount = 2.5\n", "key 'staff.count': must be an integer"),
    (
        "bool as number",
        "[staff]\ndegree_share = true\n",
        "key 'staff.degree_share': must be a number from 0 to 1",
    ),
    (
        "out of range",
        "[staff]\ndegree_share = 1.5\n",
        "key 'staff.degree_share': must be a number from 0 to 1, got 1.5",
    ),
    ("negative", "[office]\narea_m2 = -5\n", "key 'office.area_m2': must be a number from 20"),
    ("number for bool", "[service]\none_stop = 1\n", "key 'service.one_stop': must be true or false"),
    ("bad schedule", '[service]\nopening = { mon = ["8-12"] }\n', "key 'service.opening':"),
    ("closed hall", "[service]\nopening = {}\n", "key 'service.opening': the hall is never open"),
    ("unknown day", '[service]\nopening = { monday = ["08:00-12:00"] }\n', "unknown day 'monday'"),
    (
        "unknown group",
        "[population]\ndigital_access = {pensioner = 0.5}\n",
        "unknown group; allowed: commuter",
    ),
    ("shares", "[population]\ngroup_shares = {commuter = 0.9}\n", "shares must sum to 1"),
    (
        "access without classes",
        "[departments]\naccess_strictness = 0.5\n",
        "needs departments.classification = true",
    ),
    ("bad date", '[run]\nstart_date = "2014-13-01"\n', "key 'run.start_date': must be a date"),
    ("toml syntax", "[staff\ncount = 3\n", "not valid TOML"),
    ("missing base", 'extends = "nope.toml"\n', "nope.toml: file not found"),
    ("bad apply", "apply = 3\n", "key 'apply': must be a file name or a list"),
    ("value as section", "staff = 3\n", "key 'staff': unknown key"),
    (
        "timeline without date",
        '[[timeline]]\nlabel = "x"\n[timeline.set.staff]\ncount = 3\n',
        "give exactly one of 'date' or 'day'",
    ),
    (
        "timeline before start",
        '[[timeline]]\ndate = "2001-01-01"\n[timeline.set.staff]\ncount = 3\n',
        "before the run starts",
    ),
    ("timeline empty", "[[timeline]]\nday = 3\n", "changes nothing"),
    (
        "timeline structural",
        "[[timeline]]\nday = 3\n[timeline.set.population]\nresidents = 100\n",
        "cannot change during a run",
    ),
    ("timeline unknown key", "[[timeline]]\nday = 3\nwhen = 4\n", "timeline[0].when': unknown key"),
]


@pytest.mark.parametrize(("case", "text", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_file_gives_one_clear_error(tmp_path, case, text, message):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(f)
    assert message in str(err.value)
    assert "bad.toml" in str(err.value) or "nope.toml" in str(err.value)


@pytest.mark.parametrize("case", ["wrong type", "unknown parameter", "toml syntax"])
def test_cli_rejects_bad_files_with_status_2_and_no_traceback(tmp_path, case):
    text, message = next((t, m) for c, t, m in BAD if c == case)
    f = tmp_path / "bad.toml"
    f.write_text(text)
    for cmd in (["validate", str(f)], ["run", str(f), "--days", "2"]):
        r = govsim(*cmd)
        assert r.returncode == 2
        assert "Traceback" not in r.stderr
        assert message in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1


def test_extends_cycle_is_reported(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(tmp_path / "a.toml")


def test_every_parameter_documents_unit_and_source():
    for p in PARAMS.values():
        assert p.doc and p.source, p.key
        assert p.source.startswith(("article", "assumption", "planning")), p.key


def test_paths_resolve_relative_to_the_file(tmp_path):
    sub = tmp_path / "mine"
    sub.mkdir()
    one_stop = (SCENARIOS / "reforms/one_stop.toml").as_posix()
    (sub / "s.toml").write_text(f'extends = "{Path(BASE).as_posix()}"\napply = ["{one_stop}"]\n')
    assert load_scenario(sub / "s.toml")["service.one_stop"] is True
