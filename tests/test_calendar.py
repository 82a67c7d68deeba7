"""Weekly schedules and the window finder."""

import numpy as np
import pytest

from sim.calendar import (
    SLOTS_PER_DAY,
    ScheduleError,
    SlotFinder,
    hours_per_week,
    mask_to_spec,
    next_true,
    run_end,
    weekly_mask,
)


def test_named_day_overrides_its_group():
    mask = weekly_mask({"weekdays": ["08:00-18:00"], "fri": ["08:00-12:00"]})
    assert hours_per_week(mask) == 4 * 10 + 4
    fri = mask[4 * SLOTS_PER_DAY : 5 * SLOTS_PER_DAY]
    assert fri[16:24].all() and not fri[24:].any()


def test_mask_round_trips_through_spec():
    spec = {"weekdays": ["08:00-12:00", "14:30-17:30"], "sat": ["09:00-17:00"]}
    mask = weekly_mask(spec)
    assert np.array_equal(weekly_mask(mask_to_spec(mask)), mask)


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ({"monday": ["08:00-12:00"]}, "unknown day 'monday'"),
        ({"mon": ["8-12"]}, "HH:MM-HH:MM"),
        ({"mon": ["08:15-12:00"]}, "half hour"),
        ({"mon": ["12:00-08:00"]}, "forwards"),
        ({"mon": "08:00-12:00"}, "list"),
        (["08:00-12:00"], "table"),
    ],
)
def test_bad_schedules_say_what_is_allowed(spec, fragment):
    with pytest.raises(ScheduleError, match=fragment):
        weekly_mask(spec)


def test_next_true_and_run_end():
    m = np.array([0, 1, 1, 0, 0, 1, 0], dtype=bool)
    assert next_true(m).tolist() == [1, 1, 2, 5, 5, 5, 7]
    ends = run_end(m)
    assert ends[1] == 3 and ends[2] == 3 and ends[5] == 6


def test_slot_finder_returns_the_current_window_or_the_next():
    m = np.zeros(10, dtype=bool)
    m[4:7] = True
    f = SlotFinder(m)
    assert f.window(0.0) == (4, 7)  # slot 0 -> next window at slot 4
    assert f.window(2.6) == (5, 7)  # inside the window (slot 5)
    assert f.window(3.6) is None  # past the last window
