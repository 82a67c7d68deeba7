"""The budget policy's rules on staff time (``sim.finance.Books._review``), each worked by hand.

A stand-in model gives the review exactly the books, the staff's idle and overtime hours and the
parameters each case needs, so every expected decision follows from the rule in the module
docstring: spare hours (idle less overtime) of one full post or more since the last review freeze a
post; a post is filled or a person hired only when spare hours were below zero; money short comes
first; ``finance.min_staff`` is a floor; the switch turns the freeze off.
"""

from __future__ import annotations

from typing import Any

import pytest

from sim.finance import DAYS_PER_YEAR, Books
from sim.parameters import defaults
from sim.tally import Tally

REVIEW = 30
POST_H = 40.0 * REVIEW / 7  # one full post's contract hours over a review period


class StandIn:
    """Just what the review reads and calls."""

    def __init__(self, **changes: Any) -> None:
        self.params = {**defaults(), "finance.review_days": REVIEW, "staff.count": 8, **changes}
        self.planned = dict(self.params)
        self.tally = Tally()
        self.residents = [None] * 6000
        self.adjusted: list[dict[str, Any]] = []

    def planned_params(self) -> dict[str, Any]:
        return self.planned

    def adjust(self, changes: dict[str, Any]) -> None:
        self.adjusted.append(changes)
        self.params = {**self.params, **changes}


def review(model: StandIn, idle_h: float, overtime_h: float = 0.0, net_yuan_day: float = 0.0) -> Books:
    """One review at the end of day 29, after 30 days with these hours and this daily net flow.
    The income is 500,000 yuan a year, so the reserve band is 25,000 yuan."""
    books = Books(model)  # type: ignore[arg-type]
    income = 500_000 / DAYS_PER_YEAR * REVIEW
    books.receive("fiscal", income)
    books.spend("salaries", income - net_yuan_day * REVIEW)
    model.tally.idle_h, model.tally.overtime_h = idle_h, overtime_h
    books._review(REVIEW - 1)
    return books


def test_a_full_post_of_spare_hours_freezes_a_post_whatever_the_money():
    m = StandIn()
    books = review(m, idle_h=POST_H + 1)
    assert m.adjusted == [{"staff.count": 7}]
    assert books.actions == [(REVIEW - 1, "cut: a post left vacant (staff idle)")] and books.cuts == 1


def test_overtime_offsets_idle_hours():
    m = StandIn()
    review(m, idle_h=POST_H + 1, overtime_h=2.0)  # spare: one post less an hour
    assert m.adjusted == []


def test_less_than_a_post_spare_changes_nothing_when_the_money_is_balanced():
    m = StandIn()
    review(m, idle_h=0.9 * POST_H)
    assert m.adjusted == []


def test_the_freeze_stops_at_the_fewest_staff_and_can_be_switched_off():
    floor = StandIn(**{"staff.count": 2, "finance.min_staff": 2})
    review(floor, idle_h=5 * POST_H)
    off = StandIn(**{"finance.freeze_idle_posts": False})
    review(off, idle_h=5 * POST_H)
    assert floor.adjusted == [] and off.adjusted == []


def test_money_short_comes_first_overtime_before_posts():
    m = StandIn()
    review(m, idle_h=5 * POST_H, net_yuan_day=-1000.0)  # a year's end 365,000 yuan short
    assert m.adjusted == [{"staff.overtime_cap_h_per_day": 0.0}]


@pytest.mark.parametrize(
    ("idle_h", "overtime_h", "per_10k", "hired"),
    [(0.0, 10.0, 18.0, True), (10.0, 0.0, 18.0, False), (0.0, 10.0, 0.0, False)],
)
def test_money_to_spare_hires_only_when_overtime_exceeds_idle_time(idle_h, overtime_h, per_10k, hired):
    """With the staffing reform's cap (18 per 10,000 residents); without it (the elected 2002
    committee) nobody is hired whatever the money and the overtime."""
    m = StandIn(**{"finance.max_staff_per_10k": per_10k})
    review(m, idle_h=idle_h, overtime_h=overtime_h, net_yuan_day=2000.0)
    assert m.adjusted == ([{"staff.count": 9}] if hired else [])


def test_a_vacant_post_is_filled_only_into_work_but_the_station_reopens_anyway():
    post = StandIn(**{"staff.count": 6})
    post.planned["staff.count"] = 8
    review(post, idle_h=10.0, net_yuan_day=2000.0)
    assert post.adjusted == []
    station = StandIn(**{"elderly_care.station": False})
    station.planned["elderly_care.station"] = True
    review(station, idle_h=10.0, net_yuan_day=2000.0)
    assert station.adjusted == [{"elderly_care.station": True}]


def test_spare_hours_are_counted_from_the_last_review():
    m = StandIn()
    books = review(m, idle_h=0.5 * POST_H)
    assert m.adjusted == []
    m.tally.idle_h += 0.6 * POST_H  # 1.1 posts in all, but only 0.6 since the last review
    books._review(2 * REVIEW - 1)
    assert m.adjusted == []
    m.tally.idle_h += 1.0 * POST_H
    books._review(3 * REVIEW - 1)
    assert m.adjusted == [{"staff.count": 7}]
