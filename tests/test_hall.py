"""The service hall's event logic, checked against hand-worked cases."""

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
