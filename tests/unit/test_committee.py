"""The committee's calendar (``sim.committee.plan_events``): how many events, when, and by whom.

The rules (module docstring): each year's councils, hearings and activities are spread evenly,
organisers take turns, activities are on Saturday and Sunday mornings in turn, a full-time member
holds a council or hearing on a weekday at 15:00, a part-time member on a weekday evening at 19:30
or a Saturday at 10:00, and nothing is planned past the end of the run.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import pytest

from sim.committee import ACTIVITY, COUNCIL, HEARING, part_time_members, plan_events
from sim.parameters import defaults

START = dt.date(2003, 1, 1)  # a Wednesday
PER_YEAR = {COUNCIL: 6, HEARING: 4, ACTIVITY: 12}


def params(**per_year: int) -> dict:
    """Defaults with the events per year of ``PER_YEAR``, or as given (``council=12``, ...)."""
    p = defaults()
    counts = {**PER_YEAR, **per_year}
    p["participation.councils_per_year"] = counts[COUNCIL]
    p["participation.hearings_per_year"] = counts[HEARING]
    p["participation.volunteer_activities_per_year"] = counts[ACTIVITY]
    return p


def weekday_and_hour(time_h: float) -> tuple[int, float]:
    day, hour = divmod(time_h, 24.0)
    return (START.weekday() + int(day)) % 7, hour


def test_each_year_holds_the_configured_number_of_each_kind():
    events = plan_events(params(), START, 3 * 365, [False, True, False, True])
    for year in range(3):
        in_year = Counter(e.kind for e in events if year * 365 * 24 <= e.time_h < (year + 1) * 365 * 24)
        assert in_year == Counter(PER_YEAR), year


def test_events_of_a_kind_are_spread_evenly_over_the_year():
    # Nominal dates are 365 / n days apart.  An event is moved forward to an allowed day by at
    # most 6 days, its date is truncated to the day (< 1) and its hour differs by less than a
    # day, so consecutive events of a kind are 365 / n +- 8 days apart.
    events = plan_events(params(), START, 2 * 365, [False, True])
    for kind, n in PER_YEAR.items():
        times = [e.time_h / 24.0 for e in events if e.kind == kind]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert len(times) == 2 * n
        assert all(365 / n - 8 < g < 365 / n + 8 for g in gaps), (kind, gaps)


def test_full_time_members_hold_councils_and_hearings_on_weekday_afternoons():
    events = plan_events(params(), START, 2 * 365, [False, False, False])
    meetings = [e for e in events if e.kind != ACTIVITY]
    assert meetings and not any(e.by_part_timer for e in meetings)
    for e in meetings:
        weekday, hour = weekday_and_hour(e.time_h)
        assert weekday < 5 and hour == 15.0, e


def test_part_time_members_hold_them_on_weekday_evenings_or_saturday_mornings():
    events = plan_events(params(), START, 2 * 365, [True])
    seen = set()
    for e in (e for e in events if e.kind != ACTIVITY):
        weekday, hour = weekday_and_hour(e.time_h)
        when = (
            "evening"
            if weekday < 5 and hour == 19.5
            else "saturday"
            if (weekday, hour) == (5, 10.0)
            else None
        )
        assert when is not None, e
        seen.add(when)
    assert seen == {"evening", "saturday"}  # both kinds of slot are used


def test_activities_are_on_weekend_mornings_saturday_and_sunday_in_turn():
    events = plan_events(params(), START, 365, [False, True])
    days = []
    for e in (e for e in events if e.kind == ACTIVITY):
        weekday, hour = weekday_and_hour(e.time_h)
        assert hour == 9.0, e
        days.append(weekday)
    assert days == [5, 6] * (PER_YEAR[ACTIVITY] // 2)


def test_organisers_take_turns():
    members = [False, True, False]
    events = plan_events(params(), START, 2 * 365, members)
    turns = Counter(e.organiser for e in events)
    assert set(turns) == {0, 1, 2} and max(turns.values()) - min(turns.values()) <= 1
    assert all(e.by_part_timer == members[e.organiser] for e in events)


def test_a_hearing_never_falls_on_a_council_day():
    events = plan_events(params(council=12, hearing=12), START, 365, [False])
    council_days = {int(e.time_h // 24) for e in events if e.kind == COUNCIL}
    hearing_days = {int(e.time_h // 24) for e in events if e.kind == HEARING}
    assert not council_days & hearing_days


@pytest.mark.parametrize("days", [1, 30, 200, 400])
def test_nothing_is_planned_past_the_end_of_the_run(days):
    whole = plan_events(params(), START, 2 * 365, [False, True])
    events = plan_events(params(), START, days, [False, True])
    assert all(0 <= e.time_h < days * 24 for e in events)
    assert events == [e for e in whole if e.time_h < days * 24]  # truncated, not re-planned
    assert sorted(events, key=lambda e: e.time_h) == events


def test_no_events_when_none_are_configured():
    assert plan_events(params(council=0, hearing=0, activity=0), START, 365, [False]) == []
    only_councils = plan_events(params(hearing=0, activity=0), START, 365, [False])
    assert [e.kind for e in only_councils] == [COUNCIL] * PER_YEAR[COUNCIL]


@pytest.mark.parametrize(
    ("share", "full_time", "part_time"), [(0.0, 7, 0), (0.5, 7, 7), (0.3, 7, 3), (0.01, 7, 1)]
)
def test_part_time_members_make_up_the_share(share, full_time, part_time):
    p = defaults()
    p["committee.part_time_share"] = share
    p["committee.full_time_members"] = full_time
    assert part_time_members(p) == part_time
