"""One decision among the ways to the centre (``sim.visit_choice.Ways.choose``), and staff who take
a full care station's waiting list with hours to spare (``CareStation.staff_visits``), by hand.

The hall opens on weekdays 08:00-18:00 only, for a fortnight.  A commuter (free on weekdays only
before 08:00 and after 18:30, so never when the hall is open on a weekday) has no window of their
own within a patience of two days from Monday 00:00; a retiree has one at once.  Each case sets which
other ways are open and checks that the first open one in the documented order is taken.
"""

from __future__ import annotations

from collections import deque
from types import SimpleNamespace

import numpy as np
import pytest

from sim.calendar import horizon_mask, weekly_mask
from sim.parameters import GROUPS, defaults
from sim.reforms.elderly_care import CareStation, StationPlaces, VolunteersThenStaff
from sim.residents import Trip
from sim.visit_choice import GIVE_UP, HOUSEHOLD, LEAVE, ONLINE, OWN_TIME, Ways

DAYS = 14
COMMUTER, RETIREE = GROUPS.index("commuter"), GROUPS.index("retiree")


def residents(online: bool, proxy_group: int | None = None):
    p = {**defaults(), "needs.patience_days": 2.0}
    open_ = horizon_mask(weekly_mask({"weekdays": ["08:00-18:00"]}), DAYS, 0)[None, :]
    free = {g: horizon_mask(weekly_mask(p[f"population.free_time.{g}"]), DAYS, 0) for g in GROUPS}
    centre = SimpleNamespace(queue_open=open_, one_stop_queue=0)
    return SimpleNamespace(
        model=SimpleNamespace(params=p, centre=centre),
        free=free,
        _by_proxy=None if proxy_group is None else np.array([True]),
        neighbours=None if proxy_group is None else SimpleNamespace(errand_group=np.array([proxy_group])),
        can_go_online=lambda i, trip: online,
    )


def trip(group: int, u_leave: float) -> Trip:
    return Trip(stages=[0], resident=0, group=group, u_leave=u_leave, patience_unit=1.0, can_online=False)


def choose(res, t: Trip) -> tuple[int, float | None]:
    way, when, _desk = Ways(res).choose(0, t, 0.0, 0.5, 0.0)
    return way, when


def test_own_free_time_comes_first():
    way, when = choose(residents(online=True), trip(RETIREE, u_leave=0.0))
    assert way == OWN_TIME and when == pytest.approx(8.0 + 0.5 * 3.0)  # Monday, 08:00 + half the spread


def test_a_household_member_goes_before_the_online_channel_and_leave():
    way, when = choose(residents(online=True, proxy_group=RETIREE), trip(COMMUTER, u_leave=0.0))
    assert way == HOUSEHOLD and when is not None


def test_online_before_a_days_leave():
    """The commuter would take leave (u_leave 0 < 0.5) but the matter can be done online."""
    way, when = choose(residents(online=True), trip(COMMUTER, u_leave=0.0))
    assert way == ONLINE and when is None


def test_leave_with_the_groups_probability_else_give_up():
    leave_prob = defaults()["needs.take_leave_prob"]["commuter"]
    way, when = choose(residents(online=False), trip(COMMUTER, u_leave=leave_prob - 0.01))
    assert way == LEAVE and when == pytest.approx(8.0 + 0.5 * 3.0)
    way, when = choose(residents(online=False), trip(COMMUTER, u_leave=leave_prob + 0.01))
    assert way == GIVE_UP and when is None


def test_a_household_member_does_not_take_leave():
    """A member of a group with no free window (another commuter) leaves the resident to the next
    ways: here leave, which the resident takes."""
    way, _ = choose(residents(online=False, proxy_group=COMMUTER), trip(COMMUTER, u_leave=0.0))
    assert way == LEAVE


# -- staff take a full station's waiting list ----------------------------------------------------
def centre_with_list(requests: list[float]):
    resolved: list[tuple[int, float]] = []
    station = StationPlaces()
    station.waiting = deque((i, t, 0.5) for i, t in enumerate(requests))
    p = {**defaults(), "service.elderly_visit_hours": 1.5}
    model = SimpleNamespace(params=p, residents=SimpleNamespace(resolve=lambda i, t: resolved.append((i, t))))
    return SimpleNamespace(model=model, station=station, team=SimpleNamespace(casework_factor=0.8)), resolved


def test_staff_visit_the_oldest_requests_made_before_the_evening_with_the_hours_they_have():
    centre, resolved = centre_with_list([1.0, 2.0, 3.0, 30.0])
    used = CareStation().staff_visits(centre, hours=2.5, before=18.0)  # 1.2 h a visit: two fit
    assert used == pytest.approx(2.4) and resolved == [(0, 18.0), (1, 18.0)]
    assert [i for i, _, _ in centre.station.waiting] == [2, 3] and centre.station.staff_visits == 2
    used = CareStation().staff_visits(centre, hours=10.0, before=18.0)  # the 30 h request is tomorrow's
    assert used == pytest.approx(1.2) and [i for i, _, _ in centre.station.waiting] == [3]


def test_volunteers_visit_the_oldest_requests_on_the_list_before_the_patience_is_checked():
    """4 volunteer hours at 1.5 h a visit: two visits (the third would need 4.5 h); of the rest,
    the request older than the 7-day patience goes on to volunteers and staff, the others wait."""
    patience_h = defaults()["elderly_care.station_patience_days"] * 24.0
    centre, resolved = centre_with_list([1.0, 2.0, 3.0, 4.0, 500.0])
    centre.volunteer_h, centre.volunteer_visits, centre.elderly_waiting = 4.0, 0, []
    CareStation().evening(centre, before=4.0 + patience_h + 1.0)
    assert resolved == [(0, 4.0 + patience_h + 1.0), (1, 4.0 + patience_h + 1.0)]
    assert centre.volunteer_visits == 2 and centre.volunteer_h == pytest.approx(1.0)
    assert centre.elderly_waiting == [(2, 3.0), (3, 4.0)]  # past their patience
    assert [i for i, _, _ in centre.station.waiting] == [4]


def test_without_a_station_there_is_no_list_to_take():
    centre, resolved = centre_with_list([1.0])
    assert VolunteersThenStaff().staff_visits(centre, hours=10.0, before=18.0) == 0.0 and not resolved
