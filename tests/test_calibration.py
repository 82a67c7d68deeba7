"""Calibration to pattern targets (sim.validation.calibration) and claims' robustness
(sim.validation.robustness): the acceptance rule, the pattern language, the calibration file's
checks, and ``govsim calibrate`` end to end on a tiny design."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from helpers import ROOT

from sim.cli import main
from sim.reforms import Claim
from sim.validation import calibration as cal
from sim.validation import robustness as rb
from sim.validation.calibration_file import SPEC, load_spec, spec_from_mapping
from sim.validation.claims import CLAIMS, IDENTITIES, NOT_SHOWN, OPPOSITE, REPRODUCED, holds, judge
from sim.validation.patterns import CalibrationError, judge_sets


def _spec_doc(patterns: list[dict]) -> dict:
    return {
        "pattern": patterns,
        "parameters": {"service.counter_service_min": {"range": [8, 18], "reason": "test"}},
    }


def _pattern(pid: str, expression: str) -> dict:
    return {"id": pid, "text": pid, "expression": expression, "source": "test"}


def test_acceptance_keeps_exactly_the_sets_that_meet_every_pattern():
    """Synthetic means for 200 sets; the expected verdicts are computed here with plain Python,
    independently of the expression evaluator."""
    rng = np.random.default_rng(5)
    n = 200
    means = pd.DataFrame(
        {
            "y2002.staff.admin_time_share": rng.uniform(0, 0.6, n),
            "y2002.staff.service_time_share": rng.uniform(0, 0.6, n),
            "y2002.staff.overtime_h_per_staff": rng.choice([0.0, 5.0, 50.0], n),
            "y2014.finance.balance_yuan": rng.normal(0, 80_000, n),
            "y2014.finance.income_yuan": rng.uniform(400_000, 800_000, n),
            "y2014.service.visits_per_matter": rng.uniform(1, 2, n),
            "y2002.service.visits_per_matter": rng.uniform(1, 2, n),
        }
    )
    spec = spec_from_mapping(
        _spec_doc(
            [
                _pattern("admin", "y2002.staff.admin_time_share > y2002.staff.service_time_share"),
                _pattern("overtime", "y2002.staff.overtime_h_per_staff > 0"),
                _pattern("money", "abs(y2014.finance.balance_yuan) <= 0.10 * y2014.finance.income_yuan"),
                _pattern(
                    "visits",
                    "y2014.service.visits_per_matter < y2002.service.visits_per_matter or "
                    "y2002.staff.overtime_h_per_staff >= 50",
                ),
            ]
        )
    )
    got = judge_sets(means, spec.patterns)
    m = means
    expected = {
        "admin": m["y2002.staff.admin_time_share"] > m["y2002.staff.service_time_share"],
        "overtime": m["y2002.staff.overtime_h_per_staff"] > 0,
        "money": m["y2014.finance.balance_yuan"].abs() <= 0.1 * m["y2014.finance.income_yuan"],
        "visits": (m["y2014.service.visits_per_matter"] < m["y2002.service.visits_per_matter"])
        | (m["y2002.staff.overtime_h_per_staff"] >= 50),
    }
    for pid, want in expected.items():
        assert got[pid].tolist() == want.tolist(), pid
    all_met = expected["admin"] & expected["overtime"] & expected["money"] & expected["visits"]
    assert got["accepted"].tolist() == all_met.tolist()
    assert 0 < all_met.sum() < n  # the synthetic data exercise both verdicts


def test_a_missing_kpi_fails_its_pattern():
    spec = spec_from_mapping(_spec_doc([_pattern("p", "y2002.staff.overtime_h_per_staff > 0")]))
    (p,) = spec.patterns
    assert p.references == [("y2002", "staff.overtime_h_per_staff")]
    assert p.evaluate({"y2002.staff.overtime_h_per_staff": 3.0})
    assert not p.evaluate({"y2002.staff.overtime_h_per_staff": math.nan})
    assert not p.evaluate({})


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("y2002.staff.no_such_kpi > 0", "unknown KPI"),
        ("__import__('os').system('true') > 0", "the only function is abs"),
        ("y2002.staff.overtime_h_per_staff > 'a'", "not allowed"),
        ("[1] > 0", "not allowed"),
        ("y2002.staff.overtime_h_per_staff", "must be a comparison"),
        ("y2003.staff.overtime_h_per_staff > 0", "unknown name"),
        ("max(y2002.staff.overtime_h_per_staff, 1) > 0", "the only function is abs"),
        ("y2002.staff.overtime_h_per_staff >", "not an expression"),
    ],
)
def test_bad_pattern_expressions_are_refused(expression, message):
    with pytest.raises(CalibrationError, match=message) as e:
        spec_from_mapping(_spec_doc([_pattern("p", expression)]), "cal.toml")
    assert str(e.value).startswith("cal.toml: key 'pattern[0].expression': ")


def test_shipped_calibration_file_is_valid_and_names_its_sources():
    spec = load_spec()
    assert spec.samples >= 50 and spec.replications >= 2
    assert all(p.source.strip() for p in spec.patterns)
    assert all(u.reason.strip() and u.low < u.high for u in spec.parameters)
    # Every parameter resolves against the scenarios (the sweep validates each sampled value).
    quick = load_spec(quick=True)
    exp = cal.experiment(quick, cal.scenarios(ROOT / "scenarios", CLAIMS), CLAIMS)
    assert {u.key for u in spec.parameters} <= set(exp.factor_keys)


def test_claims_carry_thresholds_and_identities_are_not_claims():
    assert all(c.threshold >= 0 and (c.threshold == 0 or c.why) for c in CLAIMS)
    claimed = {(c.reform, c.kpi) for c in CLAIMS}
    assert not claimed & {(c.reform, c.kpi) for c in IDENTITIES}
    assert all(i.why for i in IDENTITIES)


def test_a_claim_is_judged_against_its_threshold():
    # Up by more than 0.02: the whole interval must lie above 0.02.
    assert judge(+1, 0.03, 0.05, 0.02) == REPRODUCED
    assert judge(+1, 0.01, 0.05, 0.02) == NOT_SHOWN  # excludes zero, not the threshold
    assert judge(+1, 0.01, 0.05) == REPRODUCED  # threshold 0: excluding zero is enough
    assert judge(-1, -5.0, -2.5, 2.0) == REPRODUCED
    assert judge(-1, -5.0, -1.5, 2.0) == NOT_SHOWN
    assert judge(-1, 0.5, 1.0, 2.0) == OPPOSITE
    assert holds(+1, 0.021, 0.02) and not holds(+1, 0.019, 0.02)
    assert holds(-1, -2.1, 2.0) and not holds(-1, -1.9, 2.0) and not holds(-1, math.nan)
    with pytest.raises(ValueError):
        judge(+1, 0.1, 0.2, -0.01)


def test_robustness_counts_accepted_sets_only():
    """Three sets, two accepted; a claim that holds in sets 0 and 2 holds in 1 of the 2 accepted."""
    spec = spec_from_mapping(_spec_doc([_pattern("p", "y2002.staff.overtime_h_per_staff > 0")]))
    claim = Claim("one_stop", "service.queue_wait_mean_min", -1, "shorter waits", 2.0)
    rows = []
    # (set, y2002 overtime, baseline wait, reform wait) per replication
    for s, overtime, base, reform in [(0, 5.0, 10.0, 7.0), (1, 5.0, 10.0, 9.0), (2, 0.0, 10.0, 1.0)]:
        for r in (0, 1):
            rows.append(
                {
                    "set": s,
                    "scenario": "y2002",
                    "replication": r,
                    "staff.overtime_h_per_staff": overtime,
                    "service.queue_wait_mean_min": base,
                    "service.counter_service_min": 10.0,
                }
            )
            rows.append(
                {
                    "set": s,
                    "scenario": "one_stop",
                    "replication": r,
                    "staff.overtime_h_per_staff": overtime,
                    "service.queue_wait_mean_min": reform,
                    "service.counter_service_min": 10.0,
                }
            )
    runs = pd.DataFrame(rows)
    found = cal.Calibration(spec, cal.sets_table(runs[runs["scenario"] != "x"], spec), runs, ROOT / "unused")
    assert found.sets["accepted"].tolist() == [True, True, False]
    table, basis = rb.robustness_table(found, [claim])
    assert basis == "accepted"
    assert (table.loc[0, "holds_in"], table.loc[0, "sets"]) == (1, 2)


def test_calibrate_command_writes_its_evidence_and_resumes(tmp_path, capsys):
    out, store = tmp_path / "out", tmp_path / "cal.sqlite"
    args = ["calibrate", "--quick", "--samples", "3", "--out", str(out), "--store", str(store), "-q"]
    assert main([*args, "--workers", "2"]) == 0
    for f in (
        "calibration.md",
        "calibration_patterns.csv",
        "calibration_sets.csv",
        "calibration_accepted.csv",
        "calibration.png",
        "robustness.csv",
        "robustness_sets.csv",
    ):
        assert (out / f).is_file() and (out / f).stat().st_size > 0, f
    sets = pd.read_csv(out / "calibration_sets.csv")
    counts = pd.read_csv(out / "calibration_patterns.csv").set_index("pattern")
    screen = sets[sets["stage"] == "screen"]
    assert len(screen) == 3 and counts.loc["all", "met"] == screen["accepted"].sum()
    assert counts.loc["all", "met_all"] == sets["accepted"].sum()
    spec = load_spec(quick=True)
    for p in spec.patterns:
        assert counts.loc[p.id, "met"] == screen[p.id].sum()
        assert counts.loc[p.id, "met_all"] == sets[p.id].sum()
    first = (out / "calibration_sets.csv").read_text()
    # Run again: every run is already in the store, the numbers are the same.
    assert main([*args, "--workers", "1"]) == 0
    assert (out / "calibration_sets.csv").read_text() == first
    # Another calibration file (another seed) pointed at this store: one line, exit 2.
    other = tmp_path / "other.toml"
    other.write_text(SPEC.read_text().replace("seed = 11", "seed = 12"))
    capsys.readouterr()
    assert main([*args[:1], str(other), *args[1:]]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--store" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (SPEC.read_text().replace("samples = 512", "samples = 0"), "key 'samples'"),
        (SPEC.read_text().replace("width = 0.25 ", "width = 2.5 "), "key 'search.width'"),
        (SPEC.read_text().replace("wanted = 50 ", "wanted = 'many' "), "key 'search.wanted'"),
        (SPEC.read_text().replace("rounds = 8 ", "roundz = 8 "), "key 'search'"),
        (SPEC.read_text().replace("candidates = 10 ", "candidates = 0 "), "key 'confirm.candidates'"),
        (SPEC.read_text().replace("seed = 12 ", "sead = 12 "), "key 'confirm'"),
        ('[[pattern]]\nid = "a"\ntext = "a"\nsource = "s"\nexpression = "y2002.x > 0"\n', "unknown KPI"),
    ],
)
def test_bad_calibration_file_is_one_line_exit_2(tmp_path, capsys, text, message):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    assert (
        main(["calibrate", str(f), "--out", str(tmp_path / "o"), "--scenarios", str(ROOT / "scenarios")]) == 2
    )
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


def _sets(rows: list[tuple[float, float, bool]]) -> tuple[pd.DataFrame, object]:
    """A sets table over two made-up parameters, each ranging 0-10."""
    spec = spec_from_mapping(
        {
            "name": "t",
            "samples": len(rows),
            "pattern": [
                {"id": "p", "text": "t", "expression": "y2002.staff.idle_time_share < 1", "source": "s"}
            ],
            "parameters": {
                "service.counter_service_min": {"range": [0, 10], "reason": "r"},
                "needs.patience_days": {"range": [0, 10], "reason": "r"},
            },
        }
    )
    table = pd.DataFrame(rows, columns=["service.counter_service_min", "needs.patience_days", "accepted"])
    return table.rename_axis("set").reset_index(), spec


def test_the_accepted_sets_are_ordered_from_the_most_central():
    table, spec = _sets([(0, 0, True), (5, 5, True), (10, 10, True), (6, 5, True), (5, 6, False)])
    # Sums of scaled distances: 4.1, 2.1, 3.9, 2.1 (a tie, in set order), the rejected set left out.
    assert list(cal.central_order(table, spec)["set"]) == [1, 3, 2, 0]
    assert int(cal.medoid(table, spec)["set"]) == 1


def test_the_medoid_is_the_accepted_set_nearest_the_others():
    # Three accepted sets on a line and a rejected one beside the middle: the middle accepted set
    # is nearest the others, and the rejected set is never chosen however central it is.
    table, spec = _sets([(1, 1, True), (5, 5, True), (9, 9, True), (5, 4, False)])
    assert int(cal.medoid(table, spec)["set"]) == 1
    table, spec = _sets([(1, 1, True), (5, 5, False), (9, 9, True), (8, 8, True)])
    assert int(cal.medoid(table, spec)["set"]) == 3
    table, spec = _sets([(1, 1, False)])
    assert cal.medoid(table, spec) is None


def test_patterns_are_judged_on_the_mean_of_the_runs_at_the_defaults():
    spec = spec_from_mapping(
        {
            "name": "t",
            "pattern": [
                {"id": "busy", "text": "t", "expression": "y2002.staff.idle_time_share < 0.2", "source": "s"},
                {
                    "id": "less_idle_before",
                    "text": "t",
                    "expression": "y2002.staff.idle_time_share < y2014.staff.idle_time_share",
                    "source": "s",
                },
            ],
            "parameters": {"service.counter_service_min": {"range": [0, 10], "reason": "r"}},
        }
    )
    runs = pd.DataFrame(
        {"scenario": ["A", "A", "B", "B"], "staff.idle_time_share": [0.1, 0.35, 0.2, 0.2]}
    )  # A's mean is 0.225: not below 0.2, and above B's 0.2
    got = cal.patterns_at_defaults(runs, {"y2002": "A", "y2014": "B"}, spec).set_index("pattern")["met"]
    assert not got["busy"] and not got["less_idle_before"]
    got = cal.patterns_at_defaults(runs, {"y2002": "B", "y2014": "A"}, spec).set_index("pattern")["met"]
    assert not got["busy"] and got["less_idle_before"]


def test_the_search_moves_each_accepted_set_in_turn_within_its_box_and_the_ranges():
    accepted = np.array([[0.5, 0.5], [0.95, 0.1]])
    new = cal.search_sets(accepted, 6, 0.2, seed=3, round_no=1)
    parents = accepted[[0, 1, 0, 1, 0, 1]]
    assert new.shape == (6, 2)
    assert (np.abs(new - parents) <= 0.2 + 1e-12).all()
    assert ((new >= 0) & (new <= 1)).all()
    assert (new[1::2, 0] >= 0.75).all() and (new[1::2, 1] <= 0.3).all()
    assert not np.allclose(new[0], new[2])  # each draw its own
    # Deterministic in (seed, round), different across rounds.
    assert np.array_equal(new, cal.search_sets(accepted, 6, 0.2, seed=3, round_no=1))
    assert not np.array_equal(new, cal.search_sets(accepted, 6, 0.2, seed=3, round_no=2))


def test_the_search_starts_from_the_accepted_sets_or_while_there_are_none_the_nearest_misses():
    """No pattern is relaxed: the near misses only seed the search, and acceptance still needs
    every pattern."""
    spec = load_spec(quick=True)
    ids = [p.id for p in spec.patterns]
    sets = pd.DataFrame({i: [True, True, False, True] for i in ids}).assign(set=range(4))
    sets.loc[1, ids[0]] = False  # set 1 misses one pattern, set 2 all, set 3 none
    sets["accepted"] = sets[ids].all(axis=1)
    assert list(cal.search_parents(sets, spec)["set"]) == [0, 3]
    sets.loc[[0, 3], ids[-1]] = False  # now nobody is accepted; sets 0, 1 and 3 miss one each
    sets["accepted"] = sets[ids].all(axis=1)
    assert list(cal.search_parents(sets, spec)["set"]) == [0, 1, 3]
    sets.loc[0, ids[1]] = False  # set 0 now misses two
    assert list(cal.search_parents(sets, spec)["set"]) == [1, 3]


def test_a_calibration_with_too_few_accepted_sets_searches_near_them_and_runs_claims_only_there(tmp_path):
    """Quick runs, one pattern that few sets meet: the search adds a round of sets, each within
    the search width of an accepted set, numbered after the Latin hypercube's; the reform files
    run for the accepted sets only; a second call resumes every stage from its store."""
    import dataclasses

    spec = load_spec(quick=True)
    money = next(p for p in spec.patterns if p.id == "2014_money_spent")
    search = dataclasses.replace(spec.search, wanted=8, samples=6, rounds=1)
    spec = dataclasses.replace(spec, samples=8, patterns=(money,), search=search)
    found = cal.calibrate(spec, ROOT / "scenarios", CLAIMS, tmp_path / "c.sqlite", workers=2)
    screen = found.sets[found.sets["stage"] == "screen"]
    searched = found.sets[found.sets["stage"] == "search 1"]
    assert list(screen["set"]) == list(range(8)) and list(searched["set"]) == list(range(8, 14))
    first = screen[screen["accepted"]]
    assert 1 <= len(first) < 8, "the test needs a pattern that some, not all, of the 8 sets meet"
    span = np.array([p.high - p.low for p in spec.parameters])
    keys = [p.key for p in spec.parameters]
    for _, row in searched.iterrows():
        gap = np.abs(first[keys].to_numpy(dtype=float) - row[keys].to_numpy(dtype=float)) / span
        assert (gap <= spec.search.width + 1e-9).all(axis=1).any()
    reform_runs = found.runs[~found.runs["scenario"].isin(["y2002", "y2014"])]
    assert set(reform_runs["set"]) == set(found.accepted["set"])
    # The shipped set: the accepted sets run again from the most central outwards, up to the first
    # that meets every pattern again (or all the candidates).
    tried = found.confirmed
    order = list(cal.central_order(found.sets, spec)["set"])
    assert list(tried["set"]) == order[: len(tried)] and list(tried["rank"]) == list(range(1, len(tried) + 1))
    assert not tried["accepted"].iloc[:-1].any()
    if found.shipped is not None:
        assert int(found.shipped["set"]) == int(tried["set"].iloc[-1]) and bool(tried["accepted"].iloc[-1])
    else:
        assert len(tried) == min(spec.confirm.candidates, len(found.accepted))
    assert {f.name for f in tmp_path.glob("c.confirm-set*.sqlite")} == {
        f"c.confirm-set{i}.sqlite" for i in tried["set"]
    }
    claims_stores = lambda: sorted(f.name for f in tmp_path.glob("c.claims-*.sqlite"))  # noqa: E731
    assert (tmp_path / "c.search1.sqlite").is_file() and len(claims_stores()) == 1
    again = cal.calibrate(spec, ROOT / "scenarios", CLAIMS, tmp_path / "c.sqlite", workers=1)
    pd.testing.assert_frame_equal(again.sets, found.sets)
    assert "Latin-hypercube sets and" in found.how_found()
    # Resumed with a longer search: more sets accepted, so the claims run for another list of sets,
    # in a store of its own (the first one's runs are kept, not refused or overwritten).
    longer = dataclasses.replace(spec, search=dataclasses.replace(search, rounds=2))
    more = cal.calibrate(longer, ROOT / "scenarios", CLAIMS, tmp_path / "c.sqlite", workers=2)
    assert len(more.accepted) > len(found.accepted), "the test needs the second round to accept more"
    assert len(claims_stores()) == 2
    assert set(more.runs[~more.runs["scenario"].isin(["y2002", "y2014"])]["set"]) == set(more.accepted["set"])
