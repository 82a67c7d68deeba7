"""The documentation agrees with the code.

* ``docs/parameters.md`` and the parameter schema agree in both directions (keys, defaults, units,
  ranges, sources), and the checker notices when they do not;
* ``docs/ODD.md`` names every schema parameter and only schema parameters, has the sections of the
  ODD protocol (2020) and of ODD+D, every code name it uses exists, and the constants it quotes
  have the quoted values.
"""

from __future__ import annotations

import dataclasses
import inspect
import re

import pytest
from helpers import ROOT

from sim.parameters import PARAMS
from sim.staff import CounterDemand
from sim.validation import docs

ODD = ROOT / "docs" / "ODD.md"
PARAMETERS = ROOT / "docs" / "parameters.md"
README = ROOT / "README.md"

# ODD (Grimm et al. 2020): the seven elements; design concepts as ODD+D (Müller et al. 2013)
# names them, plus the ODD concepts that ODD+D folds in.
REQUIRED_HEADINGS = [
    "Purpose and patterns",
    "Entities, state variables and scales",
    "Process overview and scheduling",
    "Design concepts",
    "Initialisation",
    "Input data",
    "Submodels",
    "Theoretical and empirical background",
    "Individual decision-making",
    "Learning",
    "Individual sensing",
    "Individual prediction",
    "Interaction",
    "Collectives",
    "Heterogeneity",
    "Stochasticity",
    "Emergence",
    "Adaptation and objectives",
    "Observation",
    "Implementation details",
]
# The fixed assumptions the ODD must state with their values (module constants).
REQUIRED_CONSTANTS = {
    "WORKDAY_END_H",
    "INSPECTION_SLOTS",
    "MEETING_START_SLOTS",
    "SATISFACTION_LEARNING",
    "TRUST_LEARNING",
    "SCORE_GAVE_UP",
    "SCORE_HOME_VISIT",
    "SCORE_DISPUTE_SETTLED",
    "SCORE_DISPUTE_ESCALATED",
    "DAYTIME_SLOTS",
    "EVENING_SLOTS",
    "WEEKEND_SLOTS",
}


def _headings(text: str) -> list[str]:
    return [h.strip() for h in re.findall(r"^#{1,4}\s+(.*)$", text, re.M)]


def test_parameter_table_and_schema_agree_both_ways():
    problems = docs.disagreements(docs.read_parameter_table(PARAMETERS.read_text()), docs.schema_rows())
    assert not problems, "docs/parameters.md and sim.parameters disagree (`govsim params --out " + (
        "docs/parameters.md` regenerates it):\n" + "\n".join(problems)
    )
    assert PARAMETERS.read_text() == docs.render_parameters(), "run `govsim params --out docs/parameters.md`"


def test_the_table_checker_notices_every_kind_of_disagreement():
    rows = docs.read_parameter_table(PARAMETERS.read_text())
    schema = docs.schema_rows()
    rows.pop("staff.count")  # a parameter the document lost
    rows["staff.magic"] = dict(schema["staff.weekly_hours"])  # one the schema does not have
    rows["office.area_m2"] = {**rows["office.area_m2"], "default": "700"}  # a wrong default
    rows["needs.max_visits"] = {**rows["needs.max_visits"], "range": "1 to 5"}
    rows["service.one_stop"] = {**rows["service.one_stop"], "source": "assumption: why not"}
    problems = docs.disagreements(rows, schema)
    assert len(problems) == 5, problems
    assert any("staff.count" in p and "missing from the table" in p for p in problems)
    assert any("staff.magic" in p for p in problems)


def test_a_schema_change_makes_the_table_stale(monkeypatch):
    p = PARAMS["staff.count"]
    monkeypatch.setitem(PARAMS, "staff.count", dataclasses.replace(p, default=7, unit="people"))
    problems = docs.disagreements(docs.read_parameter_table(PARAMETERS.read_text()), docs.schema_rows())
    assert any("staff.count: default" in x for x in problems)
    assert any("staff.count: unit" in x for x in problems)


def test_params_command_checks_the_committed_table(capsys):
    from sim.cli import main

    assert main(["params", "--check", str(PARAMETERS)]) == 0
    assert main(["params"]) == 0
    assert capsys.readouterr().out.count("| `") == len(PARAMS)


def test_odd_has_the_sections_of_odd_2020_and_odd_d():
    heads = [h.lower() for h in _headings(ODD.read_text())]
    missing = [h for h in REQUIRED_HEADINGS if not any(h.lower() in x for x in heads)]
    assert not missing, f"docs/ODD.md lacks sections: {missing}"


def test_odd_names_every_schema_parameter_and_no_other():
    named = docs.documented_parameters(ODD.read_text())
    assert not set(PARAMS) - named, f"parameters the ODD does not describe: {sorted(set(PARAMS) - named)}"
    # A key that looks like a parameter but is not one is reported by the reference check.
    assert named <= set(PARAMS)


def test_every_code_name_in_the_odd_exists():
    problems = docs.check_references(ODD.read_text(), ROOT)
    assert not problems, "\n".join(problems)


def test_the_reference_check_can_fail():
    text = (
        "`CommunityModel.start_day` `plan_day` `visit_time` `Population.satisfaction` `service.one_stop` "
        "`grid.response_mean_h` `wait_mean_min` `govsim validate-model --quick` "
        "`CommunityModel.start_week` `plan_dayy` `service.one_stopp` `docs/no-such-file.md`"
    )
    problems = docs.check_references(text, ROOT)
    assert len(problems) == 4, problems
    assert docs.classify("service.one_stopp") == "unknown-key"
    with pytest.raises(LookupError):
        docs.resolve("Hall.serve_everyone")


def test_odd_states_the_fixed_assumptions_with_their_values():
    rows = dict(docs.constant_rows(ODD.read_text()))
    assert set(rows) >= REQUIRED_CONSTANTS, sorted(REQUIRED_CONSTANTS - set(rows))
    wrong = [
        f"{name} = {value} in the ODD"
        for name, value in rows.items()
        if not docs.constant_matches(name, value)
    ]
    assert not wrong, wrong
    assert not docs.constant_matches("WORKDAY_END_H", "17.5")  # the check compares values
    # The counter-demand averaging weight is a default argument, quoted in words.
    weight = inspect.signature(CounterDemand.__init__).parameters["weight"].default
    assert f"weight {weight:g} on the newest week" in ODD.read_text()


def test_model_card_is_short_and_plain():
    readme = README.read_text()
    start = readme.index("## Model card")
    end = readme.index("\n## ", start + 1)
    text = readme[start:end]
    assert len(text.strip().splitlines()) <= 45
    for topic in ("can tell", "cannot", "how sure", "read"):
        assert topic in text.lower(), topic
