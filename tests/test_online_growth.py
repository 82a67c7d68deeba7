"""News of the online channel spreads by default (issue 9: online use grows after the channel
opens), apart from word of mouth's opinion diffusion, which stays off by default.

A run whose channel is open on day 0 starts with ``informatisation.online_aware_at_start`` of the
residents with digital access knowing of it; a channel that opens during a run (the timeline's
2012 step) opens unknown; either way the news then spreads each week from the centre's notices
(``residents.online_discovery_per_week``) and from neighbours who used it
(``residents.tell_prob``), drawn from the stream ``online_news`` so that scenarios stay paired."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import SCENARIOS

from sim.model import CommunityModel
from sim.parameters import defaults
from sim.scenario import load_scenario

SEED = 3
START = "informatisation.online_aware_at_start"
SHARE = "informatisation.online_services_share"


@pytest.fixture(scope="module")
def package():
    return load_scenario(SCENARIOS / "changsha_2014.toml")


def _run(scenario, changes=None, days=365, seed=SEED) -> CommunityModel:
    sc = scenario.with_changes(changes or {})
    return CommunityModel(sc, seed=seed, days=days).run()


def _tolerance(share: float, n: int) -> float:
    """Four binomial standard deviations of a share of n residents."""
    return 4 * math.sqrt(share * (1 - share) / n)


def test_the_2014_channel_starts_known_to_the_start_share_and_its_news_grows_over_the_year(package):
    s = 0.4
    m = _run(package, {START: s})
    aware = m.daily()["online_aware"].to_numpy()
    n_digital = int(m.residents.population.digital.sum())
    assert n_digital > 1000
    assert abs(aware[0] - s) <= _tolerance(s, n_digital), (aware[0], s, n_digital)
    assert (np.diff(aware) >= 0).all()  # nobody forgets
    assert aware[-1] > s + 0.3  # a year of notices and neighbours' news
    assert m.summary()["residents.online_aware_share"] == aware[-1]


def test_with_no_notices_and_no_neighbours_news_awareness_stays_at_the_start_share(package):
    s = 0.4
    m = _run(package, {START: s, "residents.online_discovery_per_week": 0.0, "residents.tell_prob": 0.0})
    aware = m.daily()["online_aware"].to_numpy()
    n_digital = int(m.residents.population.digital.sum())
    assert abs(aware[0] - s) <= _tolerance(s, n_digital)
    assert (aware == aware[0]).all()


def test_the_start_share_is_paired_across_scenarios(package):
    """Common random numbers: a larger start share adds knowers, never swaps them; only residents
    with digital access know of the channel."""

    def knows(s: float) -> np.ndarray:
        return CommunityModel(
            package.with_changes({START: s}), seed=SEED, days=7
        ).residents.neighbours.knows_online

    known = {s: knows(s) for s in (0.0, 0.3, 0.6, 1.0)}
    digital = CommunityModel(package, seed=SEED, days=7).residents.population.digital
    assert not known[0.0].any()
    assert (known[1.0] == digital).all()
    assert (known[0.3] <= known[0.6]).all() and (known[0.6] <= known[1.0]).all()
    assert known[0.3].sum() < known[0.6].sum()


def test_a_run_whose_channel_is_new_has_less_online_use_than_one_everybody_knows(package):
    """Paired (same seed, same residents and needs): only what residents know differs."""
    new, known = _run(package, {START: 0.0}), _run(package, {START: 1.0})
    k_new, k_known = new.summary(), known.summary()
    assert new.tally.online_matters < 0.8 * known.tally.online_matters
    assert k_new["service.online_share"] < k_known["service.online_share"] - 0.03
    assert k_new["residents.online_aware_share"] < 1.0 == k_known["residents.online_aware_share"]
    # The 2014 package's own start share lies between.
    shipped = _run(package)
    assert new.tally.online_matters < shipped.tally.online_matters <= known.tally.online_matters


def test_a_channel_that_opens_during_the_run_opens_unknown_and_its_news_grows(tmp_path):
    """The channel opens on day 40 (a Monday): nobody knows of it before nor on that day, though
    the reform file's start share is in force from then (it is for channels open on day 0)."""
    f = tmp_path / "opens.toml"
    f.write_text(
        f'name = "Channel opens"\nextends = "{(SCENARIOS / "baseline_2002.toml").as_posix()}"\n'
        "[[timeline]]\nday = 40\nlabel = 'online services'\n"
        f'apply = ["{(SCENARIOS / "reforms/online_services.toml").as_posix()}"]\n'
    )
    sc = load_scenario(f)
    assert sc.params_on_day(40)[START] > 0.9
    m = CommunityModel(sc, seed=SEED, days=120).run()
    daily = m.daily()
    aware = daily["online_aware"].to_numpy()
    assert (aware[:41] == 0).all() and daily["online_matters"][:40].sum() == 0
    assert (np.diff(aware) >= 0).all() and 0.15 < aware[-1] < 0.9


@pytest.mark.statistical  # a nine-year run: slow, not stochastic
def test_in_the_timeline_nobody_knows_of_the_channel_before_it_opens_and_the_news_grows_after():
    sc = load_scenario(SCENARIOS / "timeline_2003_2014.toml")
    opening = next(s.day for s in sc.timeline if s.changes.get(SHARE, 0) > 0)
    assert sc.timeline[0].day == 0 and opening > 3000  # 2012-01-01
    m = CommunityModel(sc, seed=SEED, days=opening + 13 * 7).run()
    daily = m.daily()
    aware = daily["online_aware"].to_numpy()
    assert (aware[:opening] == 0).all()
    assert aware[opening] < 0.01  # a Sunday: a day's notices, talked over that night
    assert daily["online_matters"][:opening].sum() == 0
    after = aware[opening:]
    assert (np.diff(after) >= 0).all()
    assert 0.15 < after[-1] < 0.6  # a quarter's news, from nobody
    assert daily["online_matters"][opening:].sum() > 0


def test_opinion_diffusion_stays_off_by_default_and_is_apart_from_the_news(package):
    """Word of mouth is off by default; switching it on with weight 0 (the building's talk heard,
    opinions moved by nothing) changes no KPI, so the default run has the spread of the news and
    no opinion diffusion.  Word of mouth on moves opinions, not the news."""
    assert defaults()["residents.word_of_mouth"] is False
    assert package["residents.word_of_mouth"] is False
    days = 180
    default = _run(package, days=days).summary()
    zero = _run(package, {"residents.word_of_mouth": True, "residents.word_of_mouth_weight": 0.0}, days=days)
    moved = {k: (v, default[k]) for k, v in zero.summary().items() if v != default[k] and not math.isnan(v)}
    assert not moved
    talk = _run(package, {"residents.word_of_mouth": True}, days=days).summary()
    assert talk["residents.satisfaction_mean"] != default["residents.satisfaction_mean"]
    assert talk["residents.online_aware_share"] == default["residents.online_aware_share"]
    assert talk["service.online_share"] == default["service.online_share"]


def test_a_week_of_news_without_word_of_mouth_leaves_opinions_alone():
    from sim.neighbours import Neighbourhood

    digital = np.array([True, True, True, False])
    p = defaults()
    p.update(
        {
            "residents.word_of_mouth": False,
            "residents.online_discovery_per_week": 0.0,
            "residents.tell_prob": 1.0,
            "residents.households_per_building": 1000,
        }
    )
    hood = Neighbourhood(np.zeros(4, dtype=np.int8), digital, p, np.random.default_rng(0))
    hood.knew_at_start(0.5, np.array([0.1, 0.9, 0.9, 0.1]))
    assert list(hood.knows_online) == [True, False, False, False]  # no phone, no news
    sat, trust = np.full(4, 0.5), np.full(4, 0.5)
    hood.heard(1, 1.0)  # nobody hears it: word of mouth is off
    hood.talk(sat, trust, open_weeks=1.0, u=np.full(4, 0.5))
    assert list(hood.knows_online) == [True, False, False, False]  # nobody used it this week
    hood.used_online(0)
    hood.talk(sat, trust, open_weeks=0.0, u=np.full(4, 0.5))
    assert list(hood.knows_online) == [True, False, False, False]  # no news of a closed channel
    hood.used_online(0)
    hood.talk(sat, trust, open_weeks=1.0, u=np.full(4, 0.5))
    assert list(hood.knows_online) == [True, True, True, False]  # told by a user
    assert (sat == 0.5).all() and (trust == 0.5).all()
