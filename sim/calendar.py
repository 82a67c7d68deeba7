"""The model's clock: hours since midnight of the start date, cut into half-hour slots.

Opening hours and residents' free time are *weekly schedules*: for each day of the week, a list of
``"HH:MM-HH:MM"`` intervals on the half hour.  In a scenario file they are written as a table
whose keys are ``mon`` ... ``sun``, ``weekdays``, ``weekend`` or ``daily``; a named day overrides
the group it belongs to, so ``{weekdays = ["08:00-18:00"], fri = ["08:00-12:00"]}`` reads as one
would expect.  A schedule becomes a boolean mask of the 336 half-hour slots of a week, and over a
run a mask of ``days * 48`` slots, so that "the next slot when the hall is open and this resident
is free" is an array lookup rather than a search.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

SLOTS_PER_DAY = 48
SLOT_H = 0.5
SLOTS_PER_WEEK = 7 * SLOTS_PER_DAY
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_GROUPS = {
    "daily": DAY_NAMES,
    "weekdays": DAY_NAMES[:5],
    "weekend": DAY_NAMES[5:],
}
# Core hours: weekdays 08:00-18:00.  Opening beyond them is "extended" and gets a duty crew; before
# one-stop service, department desks keep only these hours.
CORE_HOURS = np.zeros(SLOTS_PER_WEEK, dtype=bool)
for _d in range(5):
    CORE_HOURS[_d * SLOTS_PER_DAY + 16 : _d * SLOTS_PER_DAY + 36] = True
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class ScheduleError(ValueError):
    """A weekly schedule that cannot be read; the message says what is allowed."""


def _parse_interval(text: str) -> tuple[int, int]:
    """``"08:30-12:00"`` -> (17, 24): first slot and one past the last slot of the day."""
    m = _INTERVAL.match(text) if isinstance(text, str) else None
    if not m:
        raise ScheduleError(f'interval {text!r} is not of the form "HH:MM-HH:MM"')
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if m1 not in (0, 30) or m2 not in (0, 30):
        raise ScheduleError(f"interval {text!r}: times must be on the hour or half hour")
    start, end = h1 * 2 + m1 // 30, h2 * 2 + m2 // 30
    if not (0 <= start < end <= SLOTS_PER_DAY):
        raise ScheduleError(f"interval {text!r} must run forwards within one day (00:00-24:00)")
    return start, end


def weekly_mask(spec: Mapping[str, Sequence[str]]) -> np.ndarray:
    """Boolean mask of the week's 336 half-hour slots (Monday 00:00 first) for a schedule table."""
    if not isinstance(spec, Mapping):
        raise ScheduleError('a weekly schedule must be a table such as {weekdays = ["08:00-12:00"]}')
    allowed = set(DAY_NAMES) | set(DAY_GROUPS)
    unknown = sorted(set(spec) - allowed)
    if unknown:
        raise ScheduleError(f"unknown day {unknown[0]!r}; allowed: {', '.join(sorted(allowed))}")
    per_day: dict[str, Sequence[str]] = {}
    # Groups first, then named days, so that a named day overrides its group.
    for key in ("daily", "weekdays", "weekend", *DAY_NAMES):
        if key in spec:
            intervals = spec[key]
            if isinstance(intervals, str) or not isinstance(intervals, Sequence):
                raise ScheduleError(f'{key!r} must be a list of "HH:MM-HH:MM" strings')
            for day in DAY_GROUPS.get(key, (key,)):
                per_day[day] = intervals
    mask = np.zeros(SLOTS_PER_WEEK, dtype=bool)
    for day, intervals in per_day.items():
        base = DAY_NAMES.index(day) * SLOTS_PER_DAY
        for text in intervals:
            start, end = _parse_interval(text)
            mask[base + start : base + end] = True
    return mask


def day_intervals(mask: np.ndarray) -> dict[str, list[str]]:
    """The intervals of each day of a weekly mask, ``mon`` to ``sun`` (an empty list: closed)."""
    return {
        day: _intervals(mask[d * SLOTS_PER_DAY : (d + 1) * SLOTS_PER_DAY]) for d, day in enumerate(DAY_NAMES)
    }


def mask_to_spec(mask: np.ndarray) -> dict[str, list[str]]:
    """Inverse of :func:`weekly_mask`, as short as it can be written: ``daily`` when every day is
    alike, else ``weekdays`` / ``weekend`` for days alike within them, else day by day."""
    per_day = day_intervals(mask)
    spec: dict[str, list[str]] = {}
    if all(per_day[d] == per_day["mon"] for d in DAY_NAMES):
        return {"daily": per_day["mon"]} if per_day["mon"] else {}
    for group, days in (("weekdays", DAY_NAMES[:5]), ("weekend", DAY_NAMES[5:])):
        if per_day[days[0]] and all(per_day[d] == per_day[days[0]] for d in days):
            spec[group] = per_day[days[0]]
        else:
            spec.update({d: per_day[d] for d in days if per_day[d]})
    return spec


def _intervals(day_mask: np.ndarray) -> list[str]:
    intervals, s = [], 0
    while s < SLOTS_PER_DAY:
        if day_mask[s]:
            e = s
            while e < SLOTS_PER_DAY and day_mask[e]:
                e += 1
            intervals.append(f"{_clock(s)}-{_clock(e)}")
            s = e
        else:
            s += 1
    return intervals


def _clock(slot: int) -> str:
    return f"{slot // 2:02d}:{30 * (slot % 2):02d}"


def hours_per_week(mask: np.ndarray) -> float:
    return float(mask.sum()) * SLOT_H


def horizon_mask(weekly: np.ndarray, days: int, first_weekday: int) -> np.ndarray:
    """Repeat a weekly mask over ``days`` days starting on ``first_weekday``."""
    offset = first_weekday * SLOTS_PER_DAY
    week = np.roll(weekly, -offset)
    reps = -(-days // 7)
    return np.tile(week, reps)[: days * SLOTS_PER_DAY]


def next_true(mask: np.ndarray) -> np.ndarray:
    """For each slot, the first slot at or after it where ``mask`` is true (len(mask) if none)."""
    n = len(mask)
    idx = np.where(mask, np.arange(n), n)
    return np.minimum.accumulate(idx[::-1])[::-1]


def run_end(mask: np.ndarray) -> np.ndarray:
    """For each slot where ``mask`` is true, one past the last slot of its contiguous run."""
    n = len(mask)
    ends = np.where(~mask, np.arange(n), n)
    nxt = np.minimum.accumulate(ends[::-1])[::-1]
    return nxt


class SlotFinder:
    """Answers "when, at or after time t, is the first slot where the resident is free and the door
    is open?" for a fixed pair of horizon masks, and picks a time inside that contiguous window.

    Built once per (free-time group, queue) pair; a lookup is two array reads.
    """

    __slots__ = ("end", "first", "n")

    def __init__(self, both: np.ndarray) -> None:
        # int32 halves the memory of these per-slot tables (a 12-year run has 210,000 slots).
        self.first = next_true(both).astype(np.int32)
        self.end = run_end(both).astype(np.int32)
        self.n = len(both)

    def window(self, t: float) -> tuple[int, int] | None:
        """Slot range [start, end) of the first window that is open at or after time t (hours)."""
        s = int(t // SLOT_H)
        if s >= self.n:
            return None
        first = int(self.first[s])
        if first >= self.n:
            return None
        return first, int(self.end[first])
