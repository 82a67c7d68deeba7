"""Integrated service resources: 429 home-based elderly-care service stations, 801 volunteer
service stations and 1,620 volunteer teams caring for empty-nest elderly people.

In the model elderly-care requests go to a care station (:class:`CareStation`) instead of
waiting for volunteers or staff (:class:`VolunteersThenStaff`); volunteers give a number of hours
a week.  A station has places: it takes at most ``places x visits per place`` requests a week
(:class:`StationPlaces`); the rest wait on its waiting list, first come first served, and are taken
when the next week's places free up, or - past the elderly person's patience - go to volunteers
and staff as without a station.  With one pool of staff time (``staff.one_pool``) the centre's
staff do not leave the list waiting while they have hours to spare: each evening, after their
casework, they visit the oldest waiting requests themselves (:meth:`CareStation.staff_visits`), as
they would without a station; volunteers with hours left this week visit the list before staff
do (:meth:`CareStation.evening`).  The station's places bind its own carers, not the community's
staff.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sim.i18n import N_
from sim.param import ASSUMED, Param
from sim.reforms.base import Control, Reform

if TYPE_CHECKING:
    from sim.centre import ServiceCentre
    from sim.policy import Policy

STEM = "elderly_care"

PARAMS = (
    Param(
        "elderly_care.station_cost_yuan_year",
        40000.0,
        "float",
        "yuan/year",
        "Running cost of a home elderly-care station paid from community funds.",
        ASSUMED + "rent, a part-time carer and materials, net of civil-affairs subsidies",
        0,
        1e8,
    ),
    Param(
        "elderly_care.station",
        False,
        "bool",
        "",
        "A home-based elderly-care service station serves elderly-care requests.",
        "article: 429 home elderly-care stations city-wide",
    ),
    Param(
        "elderly_care.station_response_h",
        24.0,
        "float",
        "hours",
        "Mean response time of the station.",
        ASSUMED + "a station answers within a day",
        0.5,
        10000,
    ),
    Param(
        "elderly_care.station_places",
        20,
        "int",
        "places",
        "Elderly people the station can look after in a week (day-care and home-visit places).",
        ASSUMED + "a small community station: one room with day care and two care workers (the "
        "article's 429 stations are fewer than one per community)",
        0,
        10000,
    ),
    Param(
        "elderly_care.latent_request_rate",
        3.0,
        "float",
        "requests/elderly alone/year",
        "Further elderly-care requests a year, per elderly person living alone, that are made only "
        "while a care station is open.",
        ASSUMED + "a station nearby draws requests an elderly person living alone would not bring to "
        "the committee (day care, help at home): that supply draws its own use is general knowledge, "
        "the article gives no uptake figure; the default adds half as many again as the 6 a year "
        "they ask for anyway",
        0,
        365,
    ),
    Param(
        "elderly_care.station_visits_per_place_week",
        1.0,
        "float",
        "requests/place/week",
        "Requests one place answers in a week; places x this is the station's weekly capacity "
        "(with 1.5 staff-hours a visit, 20 places take about 30 care-worker hours a week).",
        ASSUMED + "one home visit or day-care session a week per place",
        0,
        100,
    ),
    Param(
        "elderly_care.station_patience_days",
        7.0,
        "float",
        "days",
        "Days a request waits on a full station's waiting list before it goes to volunteers and "
        "staff as without a station.",
        ASSUMED + "the family or a neighbour asks the community again after a week",
        0,
        365,
    ),
    Param(
        "elderly_care.volunteer_hours_per_week",
        0.0,
        "float",
        "hours/week",
        "Volunteer hours available for elderly care (volunteer service stations).",
        ASSUMED + "article: 801 volunteer stations, 1,620 teams city-wide",
        0,
        10000,
    ),
)


#: A request on the waiting list: (need, time of the request, its own response-time draw).
Waiting = tuple[int, float, float]


class StationPlaces:
    """The station's places this week and its waiting list (first come, first served).

    Each Monday the week's capacity (places x visits per place) is set afresh, and the waiting
    list is served first; a request that finds no place left joins the back of the list.  So the
    list is never waiting while places are free.  The centre keeps one of these for the whole run
    (a policy switch does not lose the list)."""

    def __init__(self) -> None:
        self.left = 0.0  # requests the station can still take this week
        self.capacity: float | None = None  # the weekly capacity in force (None: no station)
        self.waiting: deque[Waiting] = deque()
        self.requests = 0  # requests that reached the station
        self.served = 0  # requests the station answered (at once or from the list)
        self.staff_visits = 0  # requests on the list the centre's staff took with time to spare

    def __repr__(self) -> str:
        return f"StationPlaces({self.left:g} left this week, {len(self.waiting)} waiting)"

    def new_week(self, capacity: float, week_share: float = 1.0) -> list[Waiting]:
        """A new week's places (``week_share`` of a week's, for the rest of a week); returns the
        waiting requests they take, oldest first."""
        self.capacity = capacity
        self.left = capacity * week_share
        taken = []
        while self.waiting and self.left >= 1:
            self.left -= 1
            taken.append(self.waiting.popleft())
        self.served += len(taken)
        return taken

    def request(self, item: Waiting) -> bool:
        """A new request: True if a place is free for it now, else it joins the waiting list."""
        self.requests += 1
        if self.left >= 1 and not self.waiting:
            self.left -= 1
            self.served += 1
            return True
        self.waiting.append(item)
        return False

    def impatient(self, before: float) -> list[Waiting]:
        """Requests made before ``before`` still waiting: they leave the list (oldest first)."""
        out = []
        while self.waiting and self.waiting[0][1] < before:
            out.append(self.waiting.popleft())
        return out


def station_capacity(params: Mapping[str, Any]) -> float:
    """Requests the station can take in a week: places x visits per place."""
    return params["elderly_care.station_places"] * params["elderly_care.station_visits_per_place_week"]


def resolve_at_station(centre: ServiceCentre, item: Waiting, start: float) -> None:
    """The station answers a request it took at ``start``, after its own response time."""
    need, _t, u_delay = item
    response_h = centre.model.params["elderly_care.station_response_h"]
    centre.model.residents.resolve(need, start - response_h * math.log1p(-u_delay))


class VolunteersThenStaff:
    """Without a station, a request waits for the evening: volunteers take it if they have hours
    left this week, otherwise staff visit as casework (:meth:`sim.centre.ServiceCentre.back_office_day`)."""

    station_open = False  # latent requests (``elderly_care.latent_request_rate``) are not made

    def __repr__(self) -> str:
        return "VolunteersThenStaff()"

    def request(self, centre: ServiceCentre, need: int, t: float, u_delay: float) -> None:
        centre.elderly_waiting.append((need, t))

    def new_week(self, centre: ServiceCentre, t: float) -> None:
        """No station: nothing to take from a waiting list."""

    def period_starts(self, centre: ServiceCentre, t: float, week_left: float) -> None:
        """A timeline date without a station: no places."""
        centre.station.capacity = None
        centre.station.left = 0.0

    def evening(self, centre: ServiceCentre, before: float) -> None:
        """A station closed by a policy change leaves its waiting list to volunteers and staff."""
        centre.elderly_waiting.extend((need, t) for need, t, _u in centre.station.impatient(math.inf))

    def staff_visits(self, centre: ServiceCentre, hours: float, before: float) -> float:
        """No station, no list: staff have taken every request as casework already."""
        return 0.0


class CareStation:
    """A home elderly-care station answers a request after an exponential response time, if it
    has a place free this week; otherwise the request waits on its list (:class:`StationPlaces`)."""

    station_open = True  # it draws the latent requests (``elderly_care.latent_request_rate``)

    def __repr__(self) -> str:
        return "CareStation()"

    def request(self, centre: ServiceCentre, need: int, t: float, u_delay: float) -> None:
        if centre.station.request((need, t, u_delay)):
            resolve_at_station(centre, (need, t, u_delay), t)

    def new_week(self, centre: ServiceCentre, t: float) -> None:
        """Monday 00:00: the week's places go to the waiting list first."""
        for item in centre.station.new_week(station_capacity(centre.model.params)):
            resolve_at_station(centre, item, t)

    def period_starts(self, centre: ServiceCentre, t: float, week_left: float) -> None:
        """A new policy in force (a timeline date, or a budget decision): if the station opens or
        its places change, the places for the rest of this week, pro rata, go to the waiting list
        first; otherwise the week's places stay as they are (a post frozen on Wednesday does not
        give the station a second week's places)."""
        capacity = station_capacity(centre.model.params)
        if capacity == centre.station.capacity:
            return
        for item in centre.station.new_week(capacity, week_left):
            resolve_at_station(centre, item, t)

    def evening(self, centre: ServiceCentre, before: float) -> None:
        """Volunteers with hours left this week visit the oldest requests on the list made before
        ``before`` (the volunteer teams the article pairs with the stations); requests still
        waiting beyond the patience go to volunteers and staff as without a station."""
        params = centre.model.params
        visit_h = params["service.elderly_visit_hours"]
        waiting = centre.station.waiting
        while waiting and waiting[0][1] < before and centre.volunteer_h >= visit_h:
            need, _t, _u = waiting.popleft()
            centre.volunteer_h -= visit_h
            centre.volunteer_visits += 1
            centre.model.residents.resolve(need, before)
        patience_h = params["elderly_care.station_patience_days"] * 24.0
        late = centre.station.impatient(before - patience_h)
        centre.elderly_waiting.extend((need, t) for need, t, _u in late)

    def staff_visits(self, centre: ServiceCentre, hours: float, before: float) -> float:
        """Staff with ``hours`` to spare visit the oldest requests on the list made before
        ``before`` (the end of their working day); returns the hours used."""
        visit_h = centre.model.params["service.elderly_visit_hours"] * centre.team.casework_factor
        waiting, used = centre.station.waiting, 0.0
        while waiting and waiting[0][1] < before and visit_h <= hours - used + 1e-9:
            need, _t, _u = waiting.popleft()
            used += visit_h
            centre.station.staff_visits += 1
            centre.model.residents.resolve(need, before)
        return used


def install(policy: Policy, params: Mapping[str, Any]) -> None:
    policy.elderly_care = CareStation() if params["elderly_care.station"] else VolunteersThenStaff()


REFORM = Reform(
    stem=STEM,
    title=N_("Home elderly care and volunteers"),
    chinese="居家养老",
    family="services",
    years=N_("2013 (year assumed)"),
    summary=N_("Home elderly-care stations and volunteers for elderly people living alone."),
    params=PARAMS,
    controls=(
        Control("elderly_care.station", N_("Home elderly-care service station"), "switch"),
        Control("elderly_care.station_places", N_("Places at the care station"), "count"),
        Control("elderly_care.volunteer_hours_per_week", N_("Volunteer hours a week"), "number"),
    ),
    install=install,
)
