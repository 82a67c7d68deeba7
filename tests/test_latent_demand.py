"""Services that exist draw use (issue 9, item 3): elderly-care uptake grows with a station.

Latent elderly-care requests (``elderly_care.latent_request_rate``) are drawn in every run, station
or not, and asked only while a care station is open.  Paired runs under common random numbers (same
seed, same needs): the checks are exact counts, no tolerance - the station's extra requests are the
latent ones it was open for, and the shares over needs leave out the ones never asked.
"""

from __future__ import annotations

import math

import numpy as np
from helpers import SCENARIOS

from sim.model import CommunityModel
from sim.needs import ELDERLY, NOT_ASKED, PENDING, RESOLVED, UNMET
from sim.parameters import GROUPS
from sim.scenario import load_scenario

BASE = load_scenario(SCENARIOS / "baseline_2002.toml")
PKG = load_scenario(SCENARIOS / "changsha_2014.toml")
# A station with places for every request, paid for (so the budget policy keeps it open all year).
STATION = {
    "elderly_care.station": True,
    "elderly_care.station_places": 10000,
    "finance.fiscal_yuan_year": 2_000_000.0,
}
SEED, DAYS = 5, 365


def _run(sc, seed=SEED, days=DAYS) -> CommunityModel:
    return CommunityModel(sc, seed=seed, days=days).run()


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def test_a_station_draws_out_exactly_the_latent_requests_and_shares_leave_out_the_rest():
    without = _run(BASE.with_changes({"finance.fiscal_yuan_year": 2_000_000.0}))
    with_ = _run(BASE.with_changes(STATION))
    a, b = without.residents.needs, with_.residents.needs
    for column in ("t", "kind", "resident", "u", "v", "latent"):
        assert np.array_equal(getattr(a, column), getattr(b, column)), column
    assert not any("station" in what for _, what in with_.books.actions)  # open all year
    latent = a.latent
    assert latent.sum() > 0 and (a.kind[latent] == ELDERLY).all()
    # With the station open all year every latent need is asked: exactly that many more requests.
    extra = with_.centre.elderly_requests - without.centre.elderly_requests
    assert extra == latent.sum() > 0
    assert (with_.residents.status[latent] != NOT_ASKED).all()
    assert with_.summary()["elderly_care.requests_drawn"] == latent.sum()
    # Without a station none is asked, and the shares are over the needs residents had.
    res = without.residents
    status = res.status
    assert (status[latent] == NOT_ASKED).all() and (status[~latent] != NOT_ASKED).all()
    k = without.summary()
    assert k["elderly_care.requests_drawn"] == 0
    asked = status[~latent]
    assert k["service.resolved_share"] == np.mean(asked == RESOLVED)
    assert k["service.unmet_share"] == np.mean(asked == UNMET)
    assert k["service.pending_share"] == np.mean(asked == PENDING)
    assert k["service.errand_share"] == res.errands / len(asked)
    group = res.population.group[a.resident]
    for gi, g in enumerate(GROUPS):
        mine = (group == gi) & ~latent
        expected = np.mean(status[mine] == RESOLVED) if mine.any() else math.nan
        assert _same(k[f"access.resolved_share.{g}"], expected), g
    # The counts over all drawn needs would differ: the shares really leave the latent ones out.
    assert k["service.resolved_share"] != np.mean(status == RESOLVED)


def test_without_latent_demand_the_model_behaves_as_before():
    """At a latent rate of 0 no need is latent: with or without a station the elderly-care needs
    are the requests made anyway.  Without a station the latent rate changes no KPI at all (the
    latent requests have their own random stream and are never asked)."""
    zero = {"elderly_care.latent_request_rate": 0.0, "finance.fiscal_yuan_year": 2_000_000.0}
    for changes in (zero, {**STATION, **zero}):
        m = _run(BASE.with_changes(changes), days=120)
        needs = m.residents.needs
        assert not needs.latent.any() and not (m.residents.status == NOT_ASKED).any()
        assert m.centre.elderly_requests == (needs.kind == ELDERLY).sum() > 0
        assert m.summary()["elderly_care.requests_drawn"] == 0
    k_zero = _run(BASE.with_changes(zero), days=120).summary()
    k_default = _run(BASE.with_changes({"finance.fiscal_yuan_year": 2_000_000.0}), days=120).summary()
    assert k_zero.keys() == k_default.keys()
    assert [key for key in k_zero if not _same(k_zero[key], k_default[key])] == []


def test_a_station_closed_for_lack_of_money_draws_no_more_latent_requests():
    """The setup of tests/test_finance.py: the 2014 package with no money cuts overtime, then posts,
    then its evening and weekend hours, then the station.  The budget review closes it at the end of
    a day; from the next day on, until it reopens, the latent requests are not asked; before, every
    one was."""
    poor = PKG.with_changes({"finance.fiscal_yuan_year": 0.0, "finance.co_building_yuan_year": 0.0})
    m = _run(poor, seed=3)
    closed = [day for day, what in m.books.actions if what == "cut: care station closed"]
    reopened = [day for day, what in m.books.actions if what.endswith("care station reopened")]
    assert closed and PKG["elderly_care.station"]
    shut, back = closed[0], min([d for d in reopened if d > closed[0]], default=DAYS)
    needs = m.residents.needs
    day = (needs.t // 24.0).astype(int)
    latent_status = m.residents.status[needs.latent]
    latent_day = day[needs.latent]
    before, during = latent_day <= shut, (latent_day > shut) & (latent_day <= back)
    assert before.sum() > 0 and during.sum() > 0
    assert (latent_status[before] != NOT_ASKED).all()
    assert (latent_status[during] == NOT_ASKED).all()
    if back == DAYS:
        assert m.summary()["elderly_care.requests_drawn"] == before.sum()
