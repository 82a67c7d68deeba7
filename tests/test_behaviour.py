"""The residents' behaviour submodels: memory, household errands, word of mouth, building heads.

Unit tests work the rules by hand; the model-level tests check that each switch acts (and only
when on) under common random numbers."""

import numpy as np
import pytest
from helpers import ROOT

from sim.calendar import SLOT_H, SlotFinder
from sim.memory import GAVE_UP, ONLINE, QUICK, SENT_BACK, WAITED_LONG, Memory
from sim.neighbours import Neighbourhood, _errand_groups
from sim.parameters import GROUPS, defaults
from sim.run import simulate
from sim.scenario import load_scenario
from sim.visit_choice import visit_time

G = {g: i for i, g in enumerate(GROUPS)}


def _params(**changes):
    p = defaults()
    p.update({f"residents.{k}": v for k, v in changes.items()})
    return p


def test_memory_tilts_channel_retry_and_timing_by_the_last_outcome():
    m = Memory(6, _params(memory_weight=0.5, long_wait_min=30.0, timing_shift_h=1.0))
    m.counter_matter(0, wait_min=5.0, trips=1)
    m.counter_matter(1, wait_min=45.0, trips=1)
    m.counter_matter(2, wait_min=5.0, trips=3)
    m.remember(3, ONLINE)
    m.remember(4, GAVE_UP)
    assert list(m.last[:6]) == [QUICK, WAITED_LONG, SENT_BACK, ONLINE, GAVE_UP, 0]
    assert m.online_preference(0, 0.6) == pytest.approx(0.3)  # half-way to 0
    for r in (1, 2, 3, 4):
        assert m.online_preference(r, 0.6) == pytest.approx(0.8)  # half-way to 1
    assert m.online_preference(5, 0.6) == 0.6  # no memory yet
    assert m.retry_prob(4, 0.6) == pytest.approx(0.3) and m.retry_prob(1, 0.6) == 0.6
    assert m.timing_delay_h(1) == 1.0 and m.timing_delay_h(0) == 0.0


def test_a_remembered_long_wait_moves_the_visit_later_in_the_window_but_not_past_it():
    both = np.zeros(200, dtype=bool)
    both[20:30] = True  # a 5-hour window from 10:00
    f = SlotFinder(both)
    base = visit_time(0.0, f, f, 0.5, 1.0, 0.0, 24.0, 3.0)
    later = visit_time(0.0, f, f, 0.5, 1.0, 0.0, 24.0, 3.0, delay_h=1.0)
    assert base == pytest.approx(10.0 + 1.5) and later == pytest.approx(11.0 + 1.5)
    capped = visit_time(0.0, f, f, 0.999, 1.0, 0.0, 24.0, 3.0, delay_h=99.0)
    assert 15.0 - SLOT_H <= capped < 15.0  # the last half hour, before closing


def test_errands_go_to_the_household_member_best_placed_in_office_hours():
    group = np.array([G["commuter"], G["retiree"], G["migrant"], G["commuter"], G["local_worker"]])
    household = np.array([0, 0, 1, 2, 2])
    got = _errand_groups(group, household, 3)
    assert list(got) == [G["retiree"], -1, -1, G["local_worker"], -1]


def test_households_keep_migrants_together_and_buildings_group_households():
    rng = np.random.default_rng(1)
    n = 3000
    group = rng.integers(0, len(GROUPS), n).astype(np.int8)
    hood = Neighbourhood(
        group, np.ones(n, bool), _params(households_per_building=10), np.random.default_rng(2)
    )
    sizes = np.bincount(hood.household)
    assert abs(sizes.mean() - 2.6) < 0.15  # 1 + Poisson(1.6)
    mixed = 0
    for h in np.unique(hood.household[group == G["migrant"]]):
        members = group[hood.household == h]
        mixed += not (members == G["migrant"]).all()
    assert mixed <= 1  # only the household at the boundary of the migrants' run can be mixed
    assert hood.n_buildings == -(-hood.n_households // 10)


def test_word_of_mouth_moves_neighbours_toward_the_weeks_experience_and_news_spreads():
    group = np.zeros(4, dtype=np.int8)
    digital = np.array([True, True, True, False])
    hood = Neighbourhood(
        group,
        digital,
        _params(
            word_of_mouth=True,
            word_of_mouth_weight=0.5,
            online_discovery_per_week=0.0,
            tell_prob=1.0,
            households_per_building=1000,
        ),
        np.random.default_rng(0),
    )
    sat, trust = np.full(4, 0.5), np.full(4, 0.5)
    hood.heard(0, 1.0)
    hood.heard(1, 0.0)
    hood.heard(2, 1.0)  # the building's week: mean 2/3
    hood.used_online(0)
    hood.talk(sat, trust, open_weeks=1.0, u=np.full(4, 0.5))
    assert sat == pytest.approx(np.full(4, 0.5 + 0.5 * (2 / 3 - 0.5)))
    assert trust == pytest.approx(np.full(4, 0.5 + 0.5 / 3 * (2 / 3 - 0.5)))
    assert list(hood.knows_online) == [True, True, True, False]  # told by a user; no phone, no news
    hood.talk(sat, trust, open_weeks=1.0, u=np.full(4, 0.5))
    assert sat == pytest.approx(np.full(4, 0.5 + 0.5 * (2 / 3 - 0.5)))  # a quiet week changes nothing


@pytest.fixture(scope="module")
def runs():
    base = load_scenario(ROOT / "scenarios/baseline_2002.toml")
    pkg = load_scenario(ROOT / "scenarios/changsha_2014.toml")

    def run(sc, **on):
        return simulate(sc.with_changes({f"residents.{k}": v for k, v in on.items()}), seed=5, days=180).kpis

    return {
        "base": run(base),
        "alone": run(base, household_errands=False),
        "heads": run(base, building_head_share=0.5),
        "pkg": run(pkg),
        "memory": run(pkg, memory=True),
        "wom": run(pkg, word_of_mouth=True),
    }


def test_each_switch_acts_only_where_it_should(runs):
    base, pkg = runs["base"], runs["pkg"]
    assert runs["alone"]["service.errand_share"] == 0 and base["service.errand_share"] > 0.02
    # Errands (on by default) help the group whose free time never meets office hours, not
    # migrants (who live with migrants); same needs, same luck.
    assert base["access.resolved_share.commuter"] > runs["alone"]["access.resolved_share.commuter"] + 0.05
    assert runs["heads"]["governance.participation_rate"] > base["governance.participation_rate"]
    assert runs["heads"]["service.queue_wait_mean_min"] == base["service.queue_wait_mean_min"]
    assert runs["memory"]["service.online_share"] != pkg["service.online_share"]
    # Word of mouth moves opinions (and, through trust, participation), not the news of the online
    # channel, which spreads the same with it on or off (tests/test_online_growth.py).
    wom = runs["wom"]
    assert wom["residents.satisfaction_mean"] != pkg["residents.satisfaction_mean"]
    assert wom["residents.trust_mean"] != pkg["residents.trust_mean"]
    for kpi in ("residents.online_aware_share", "service.online_share", "service.queue_wait_mean_min"):
        assert wom[kpi] == pkg[kpi], kpi
    assert base["residents.online_aware_share"] == 0  # no channel, nobody knows of one
