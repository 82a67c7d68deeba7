"""Each reform is one module that agrees with its scenario file, the schema and the model."""

import tomllib

import pytest

from sim.kpis import KPIS
from sim.parameters import COMMUNITY_PARAMS, PARAMS
from sim.policy import build_policy
from sim.reforms import BY_STEM, FAMILIES, REFORMS
from sim.reforms.elderly_care import CareStation, VolunteersThenStaff
from sim.reforms.grid_reporting import GridOfficers, ResidentsReport
from sim.reforms.one_stop import DepartmentDesks, OneStopHall
from sim.scenario import ScenarioError, load_scenario

REFORM_KEYS = {p.key for r in REFORMS for p in r.params}


def test_every_reform_module_has_its_scenario_file_and_every_file_a_module(root):
    files = {p.stem for p in (root / "scenarios/reforms").glob("*.toml")}
    assert files == set(BY_STEM)


@pytest.mark.parametrize("reform", REFORMS, ids=lambda r: r.stem)
def test_a_reform_declares_what_its_file_sets_and_its_parts_resolve(root, reform):
    doc = tomllib.loads((root / "scenarios" / reform.scenario_file).read_text())
    own = set(load_scenario(root / "scenarios" / reform.scenario_file).own)
    mine = {p.key for p in reform.params}
    assert own & mine, f"{reform.stem}.toml sets none of the parameters its module declares"
    assert own <= REFORM_KEYS, f"{reform.stem}.toml sets community parameters: {sorted(own - REFORM_KEYS)}"
    assert doc.get("name") and reform.family in FAMILIES and reform.chinese
    assert {c.key for c in reform.controls} <= mine, "a control for a parameter the reform does not own"
    assert all(c.kpi in KPIS and c.reform == reform.stem for c in reform.claims)


def test_parameters_are_declared_once_community_or_reform():
    assert not REFORM_KEYS & {p.key for p in COMMUNITY_PARAMS}
    assert set(PARAMS) == REFORM_KEYS | {p.key for p in COMMUNITY_PARAMS}


def test_the_policy_follows_the_reforms_in_force(root):
    before = build_policy(load_scenario(root / "scenarios/baseline_2002.toml").params)
    after = build_policy(load_scenario(root / "scenarios/changsha_2014.toml").params)
    assert isinstance(before.hall, DepartmentDesks) and isinstance(after.hall, OneStopHall)
    assert isinstance(before.reporting, ResidentsReport) and isinstance(after.reporting, GridOfficers)
    assert isinstance(before.elderly_care, VolunteersThenStaff) and isinstance(
        after.elderly_care, CareStation
    )
    assert before.task_keepers == [] and before.task_doors == []
    assert len(after.task_keepers) == 1 and len(after.task_doors) == 1
    # Strict access turns back tasks with a draw below its strictness, and no others.
    door = after.task_doors[0]
    assert door.turns_back(0.0) and not door.turns_back(0.999)


def test_a_reform_rule_refuses_a_file_that_breaks_it(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[departments]\naccess_strictness = 0.5\n")
    with pytest.raises(ScenarioError, match=r"departments\.classification = true"):
        load_scenario(bad)
    closed = tmp_path / "closed.toml"
    closed.write_text("[service]\nopening = {}\n")
    with pytest.raises(ScenarioError, match="never open"):
        load_scenario(closed)


def test_department_desks_rotate_days_and_one_stop_has_one_queue():
    import numpy as np

    from sim.calendar import weekly_mask

    week = weekly_mask({"weekdays": ["08:00-12:00"], "sat": ["09:00-12:00"]})
    params = {"service.department_counter_days": 2}
    desks = DepartmentDesks().queue_weeks(week, 3, params)
    open_days = [sorted({int(s) // 48 for s in np.flatnonzero(w)}) for w in desks[:3]]
    assert open_days == [[0, 1], [1, 2], [2, 3]]  # two core days each, in rotation
    assert sorted({int(s) // 48 for s in np.flatnonzero(desks[3])}) == [5]  # Saturday: the duty desk
    hall = OneStopHall().queue_weeks(week, 3, params)
    assert not any(w.any() for w in hall[:3]) and (hall[3] == week).all()
    assert DepartmentDesks().matter_stages(0.99, 2, 4) == [3, 0, 1]
    assert OneStopHall().matter_stages(0.99, 2, 4) == [4]
