"""The evidence's common-random-numbers check (:mod:`sim.validation.checks`): it passes on the model
as it is, and it fails when two random processes share a stream - a check that could not fail
would say nothing."""

from __future__ import annotations

import pytest
from helpers import ROOT

import sim.rng
from sim.scenario import load_scenario
from sim.validation.checks import CRN_FACTOR, CRN_PARAMETER, common_random_numbers, crn_scenario

SEEDS = (1, 2)
DAYS = 30


@pytest.fixture(scope="module")
def baseline():
    base = load_scenario(ROOT / "scenarios" / "baseline_2002.toml")
    return base.with_changes({"population.residents": 600})


def test_the_change_is_more_public_space_problems_and_nothing_else(baseline):
    a, b = baseline.params_on_day(0), crn_scenario(baseline).params_on_day(0)
    assert [k for k in a if a[k] != b[k]] == [CRN_PARAMETER]
    assert b[CRN_PARAMETER] == CRN_FACTOR * a[CRN_PARAMETER] > 0


def test_passes_with_one_stream_per_process(baseline):
    row = common_random_numbers(baseline, SEEDS, DAYS)
    assert row["passed"], row["found"]
    n = len(SEEDS)
    assert "moved" not in row["found"] and row["found"].endswith(f"response differs in {n} of {n}")


def test_fails_when_public_space_problems_share_a_stream_with_late_visits(baseline, monkeypatch):
    """Public-space problems drawn from the generator that visits beyond a resident's fourth trip
    draw from during the run: twice as many problems shift every one of those later draws, and
    the hall's numbers move."""
    own = sim.rng.stream
    latest: dict[str, object] = {}

    def stream(seed, name):
        if name == "public":  # made after the residents' streams in every run
            return latest["late_visits"]
        latest[name] = gen = own(seed, name)
        return gen

    monkeypatch.setattr(sim.rng, "stream", stream)
    row = common_random_numbers(baseline, SEEDS, DAYS)
    assert not row["passed"]
    assert "(moved: " in row["found"]
