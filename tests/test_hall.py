"""The service hall's event logic, checked against hand-worked cases."""

import pytest

from sim.hall import RENEGED, SERVED, TURNED_AWAY, Hall, Visitor


def _hall(n_queues=1):
    log = []
    hall = Hall(
        [f"q{i}" for i in range(n_queues)], lambda v, outcome, t, q: log.append((v.need, outcome, t, q))
    )
    return hall, log


def test_first_come_first_served_on_two_counters():
    hall, log = _hall()
    hall.set_staffing(0.0, 0, True, 2)
    for i, (t, s) in enumerate([(1.0, 1.0), (1.1, 1.0), (1.2, 1.0), (1.3, 0.1)]):
        hall.arrive(t, 0, Visitor(i, t, float("inf"), s))
    hall.run_until(10.0)
    done = {need: t for need, outcome, t, _ in log if outcome == SERVED}
    # counters free at 2.0 and 2.1: resident 2 starts at 2.0, resident 3 at 2.1.
    assert done == {0: 2.0, 1: 2.1, 2: 3.0, 3: 2.2}


def test_reneging_and_closing():
    hall, log = _hall()
    hall.set_staffing(0.0, 0, True, 1)
    hall.set_staffing(3.0, 0, False, 0)
    hall.arrive(0.5, 0, Visitor(0, 0.5, float("inf"), 2.0))  # served 0.5-2.5
    hall.arrive(0.6, 0, Visitor(1, 0.6, 1.0, 1.0))  # gives up at 1.0
    hall.arrive(0.7, 0, Visitor(2, 0.7, float("inf"), 1.0))  # starts 2.5, done 3.5 (finishes after closing)
    hall.arrive(0.8, 0, Visitor(3, 0.8, float("inf"), 1.0))  # still waiting at 3.0: turned away
    hall.arrive(4.0, 0, Visitor(4, 4.0, float("inf"), 1.0))  # arrives when closed
    hall.run_until(10.0)
    assert (1, RENEGED, 1.0, 0) in log
    assert (2, SERVED, 3.5, 0) in log
    assert (3, TURNED_AWAY, 3.0, 0) in log
    assert (4, TURNED_AWAY, 4.0, 0) in log


def test_little_law_bookkeeping_matches_the_waits():
    """The integral of the number waiting equals the sum of the waits (Little's law on a sample path)."""
    hall, log = _hall(2)
    hall.set_staffing(0.0, 0, True, 1)
    hall.set_staffing(0.0, 1, True, 1)
    hall.set_staffing(5.0, 1, False, 0)
    import random

    rng = random.Random(4)
    t = 0.0
    for i in range(400):
        t += rng.expovariate(4.0)
        q = rng.randrange(2)
        hall.arrive(t, q, Visitor(i, t, t + rng.expovariate(1.0), rng.expovariate(3.0)))
    hall.run_until(t + 50)
    assert hall.arrivals == 400
    assert abs(hall.area_waiting_h2 - (hall.total_wait_h + hall.open_wait_h())) < 1e-9
    outcomes = {o for _, o, _, _ in log}
    assert outcomes == {SERVED, RENEGED, TURNED_AWAY}


def test_free_counter_time_goes_to_the_back_office_less_the_switching_cost():
    """One pool of staff time, worked by hand: two counters from 0 to 10 h; a resident served
    from 1 to 2 h on one of them.  Counter A is free 0-1 and 2-10, counter B 0-10: episodes of
    1, 8 and 10 h, each less 0.5 h of switching = 0.5 + 7.5 + 9.5 = 17.5 h reclaimed."""
    from sim.hall import Hall, Visitor

    exits = []
    hall = Hall(["one-stop"], lambda v, o, t, q: exits.append((o, t)))
    hall.switch_cost_h = 0.5
    hall.set_staffing(0.0, 0, True, 2)
    hall.arrive(1.0, 0, Visitor(need=0, arrived=1.0, deadline=99.0, service_h=1.0))
    hall.set_staffing(10.0, 0, False, 0)
    hall.run_until(24.0)
    hall.end_idle_episodes(24.0)
    assert exits == [("served", 2.0)]
    assert hall.reclaimed_h == pytest.approx(17.5)


def test_a_stretch_shorter_than_the_switch_gives_nothing_and_no_pool_gives_nothing():
    from sim.hall import Hall, Visitor

    hall = Hall(["q"], lambda *a: None)
    hall.switch_cost_h = 0.5
    hall.set_staffing(0.0, 0, True, 1)
    for k in range(10):  # a resident every 0.4 h, served in 0.1 h: free stretches of 0.3 h
        t = 0.1 + 0.4 * k
        hall.arrive(t, 0, Visitor(need=k, arrived=t, deadline=99.0, service_h=0.1))
    hall.set_staffing(4.0, 0, False, 0)
    hall.run_until(5.0)
    assert hall.reclaimed_h == 0.0
    off = Hall(["q"], lambda *a: None)
    off.set_staffing(0.0, 0, True, 3)
    off.run_until(5.0)
    off.end_idle_episodes(5.0)
    assert off.reclaimed_h == 0.0  # switch_cost_h None: staff wait at the counter
