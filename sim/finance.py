"""The community's money: income by source, spending by item, and what the community does when
money runs short or is left over.

**Income** (day by day): the fiscal allocation from the city and district budgets and co-building
contributions, spread evenly over the year; paired-unit support from each part-time member's unit;
the money that comes with funded tasks ("funding follows the task").  Together about 600,000 yuan
a year in 2014 (the article's figure is the community's operating money from all sources).

**Spending** (day by day): salaries and social insurance of the centre's staff (a degree holder
earns a premium; the 2014 package pays the full 五险一金), overtime pay, evening and weekend pay
(``finance.unsocial_hours_premium_yuan_h`` for each staff-hour the roster puts on duty in the hall
outside the core weekday hours, :meth:`sim.centre.ServiceCentre.unsocial_staff_h_per_week`: what
staggered hours cost), the running cost of the office space, councils, hearings and activities, the
cost of every task taken on, a care station and the information platform while they exist.

**Budget policy** (``finance.budget_policy``): every ``finance.review_days`` the centre projects its
balance twelve months ahead from the flows in force: today's daily funds and running costs (salaries
of the staff it has now, evening and weekend pay for the hours it opens now, space, station,
platform), and this year's average so far of what comes in
lumps (tasks and their money, events, overtime). A projection from the year's average of every flow
would still count the salaries of posts already left vacant, and cut again and again until the
average caught up (measured: short of three posts' pay, 11 staff were cut to 5 and the year ended
30,000 yuan over). Twelve months ahead, not to the calendar year's end: a deficit run up before the
cuts is made up over the next year, so cuts late in the year do not chase it down to the minimum
staff. If it would be short by more than a reserve band, it makes one cut, in this order: stop
paying overtime (no overtime is worked; skipped when overtime is unpaid, as stopping it would save
nothing), leave a post vacant (one staff member fewer, down to ``finance.min_staff``), shorten the
opening hours to their core weekday part (the hall closes in the evening and at the weekend and
keeps its midday hours, which cost no premium; skipped when those hours cost nothing), close the
care station.  Shorter hours come after the posts, although a post is a person: they save little
(the 2014 package's 18 staff-hours a week at 6 yuan, 5,600 yuan a year, an eighth of a post), and
with one cut a review, cutting them first only delays by a month the posts the money needs.
Measured at the defaults (seeds 1-4, a year), hours first left the 2014 package the same 7 of its 11
staff, 10,000 yuan further in the red, and its commuters' resolved share at 74 % instead of 94 %;
the 2002 community with staggered hours and 40,000 yuan less kept 5 staff against 4.75 on average,
and its commuters' resolved share fell to 29 % against 47 % (all needs: 45 % either way).  If it
would have more than the band plus a year of one more salary to spare, it undoes its cuts in the
reverse order (the hours come back before a post is filled), then hires (up to
``finance.max_staff_per_10k`` per 10,000 residents). Each change takes effect the next day through
the parameters in force (:meth:`sim.model.CommunityModel.adjust`), so money moves service: fewer
staff, no overtime, no evening and weekend hours, no station.

**Staff time in the review** (issue 9: a centre does not keep half-idle staff on the payroll): the
staff's *spare* hours since the last review are their idle hours less their overtime.  A post is
filled or a person hired only if the spare hours were below zero (more overtime than idle time:
there is work for one more person); and with ``finance.freeze_idle_posts``, when they were at least
one full post's contract hours over the same days (the work needs one person fewer), a post falling
vacant is left vacant (down to ``finance.min_staff``) whatever the money.  Between the two nothing
changes, so a post is not frozen and refilled month after month.  The money a frozen post saves
stays in the balance: the policy's record says where it went.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sim.calendar import CORE_HOURS, mask_to_spec, weekly_mask

if TYPE_CHECKING:
    from sim.model import CommunityModel

DAYS_PER_YEAR = 365
INCOME_SOURCES = ("fiscal", "co-building", "paired units", "task funding")
SPENDING_ITEMS = (
    "salaries",
    "overtime pay",
    "evening and weekend pay",
    "office space",
    "events",
    "tasks",
    "care station",
    "platform",
    "grid officers",
)


def salary_yuan_year(params: Mapping[str, Any], degree: bool) -> float:
    """What one staff member costs the community a year: pay (with the degree premium and the
    reforms' pay rise) and social insurance, less what departments pay for staff they hired
    themselves."""
    premium = params["finance.degree_premium"] if degree else 0.0
    monthly = params["finance.salary_yuan_month"] * (1.0 + premium) * (1.0 + params["finance.pay_rise_share"])
    own_share = 1.0 - params["finance.department_paid_staff_share"]
    return 12.0 * monthly * (1.0 + params["finance.social_insurance_share"]) * own_share


class Books:
    """Running totals of income and spending, by source and item, and the budget policy's record."""

    def __init__(self, model: CommunityModel) -> None:
        self.model = model
        self.income = 0.0
        self.spending = 0.0
        self.income_by: dict[str, float] = defaultdict(float)
        self.spending_by: dict[str, float] = defaultdict(float)
        self._year_income = 0.0
        self._year_spending = 0.0
        # The daily flows (funds in, running costs out): today's, and this year's sum, so that the
        # review can tell the flows in force from the lumps.
        self._daily_in = self._daily_out = 0.0
        self._year_daily_in = self._year_daily_out = 0.0
        self.shortfall_days = 0
        self.cuts = 0
        self.additions = 0
        self.actions: list[tuple[int, str]] = []  # (day, what the budget policy did)
        self._spare_at_review = 0.0  # the staff's idle less overtime hours at the last review
        # In a district (sim.district) the district's allocation replaces the scenario's fiscal
        # money, from the coupling point that set it.
        self.fiscal_yuan_year: float | None = None

    def __repr__(self) -> str:
        return f"Books(income={self.income:,.0f}, spending={self.spending:,.0f}, balance={self.balance:,.0f})"

    @property
    def balance(self) -> float:
        return self.income - self.spending

    def receive(self, source: str, yuan: float) -> None:
        self.income += yuan
        self.income_by[source] += yuan
        self._year_income += yuan

    def spend(self, item: str, yuan: float) -> None:
        self.spending += yuan
        self.spending_by[item] += yuan
        self._year_spending += yuan

    # -- every day ------------------------------------------------------------------------
    def day(self, day: int) -> None:
        """The day's share of the yearly funds and of the running costs; the year's review."""
        m = self.model
        p = m.params
        if day % DAYS_PER_YEAR == 0:
            self._year_income = self._year_spending = 0.0
            self._year_daily_in = self._year_daily_out = 0.0
        per_day = 1.0 / DAYS_PER_YEAR
        fiscal = p["finance.fiscal_yuan_year"] if self.fiscal_yuan_year is None else self.fiscal_yuan_year
        paired = m.committee.part_time * p["committee.paired_unit_yuan_per_part_time"]
        daily_in = {
            "fiscal": fiscal,
            "co-building": p["finance.co_building_yuan_year"],
            "paired units": paired,
        }
        daily_out = {
            "salaries": sum(salary_yuan_year(p, s.degree) for s in m.centre.staff),
            "office space": p["office.area_m2"] * p["finance.operating_cost_yuan_per_m2"],
        }
        unsocial = m.centre.unsocial_staff_h_per_week() * p["finance.unsocial_hours_premium_yuan_h"]
        if unsocial > 0:
            daily_out["evening and weekend pay"] = unsocial * DAYS_PER_YEAR / 7.0
        if p["elderly_care.station"]:
            daily_out["care station"] = p["elderly_care.station_cost_yuan_year"]
        if p["informatisation.online_services_share"] > 0 or p["informatisation.grid_reporting"]:
            daily_out["platform"] = p["finance.platform_cost_yuan_year"]
        for source, yuan_year in daily_in.items():
            self.receive(source, yuan_year * per_day)
        for item, yuan_year in daily_out.items():
            self.spend(item, yuan_year * per_day)
        self._daily_in = sum(daily_in.values()) * per_day
        self._daily_out = sum(daily_out.values()) * per_day
        self._year_daily_in += self._daily_in
        self._year_daily_out += self._daily_out
        # Short of money: more than the reserve band in the red (a balance that merely hovers
        # around zero, as a balanced budget's does, is not a shortfall).
        if self.balance < -p["finance.reserve_share"] * (fiscal + p["finance.co_building_yuan_year"]):
            self.shortfall_days += 1
        if p["finance.budget_policy"] and (day + 1) % int(p["finance.review_days"]) == 0:
            self._review(day)

    def overtime(self, hours: float) -> None:
        if hours > 0:
            self.spend("overtime pay", hours * self.model.params["finance.overtime_pay_yuan_h"])

    # -- the budget policy ------------------------------------------------------------------
    def _review(self, day: int) -> None:
        m = self.model
        p = m.params
        done = day % DAYS_PER_YEAR + 1
        lumps = (self._year_income - self._year_daily_in) - (self._year_spending - self._year_daily_out)
        net_rate = self._daily_in - self._daily_out + lumps / done
        # Twelve months ahead, not to the calendar year's end: a post is a year's commitment, and a
        # deficit run up before the cuts is made up over the next year.  To the year's end, each
        # cut late in the year saved less than the deficit to recover, so the policy cut on to the
        # minimum staff (measured: 11 staff five posts short fell to 2).
        projected = self.balance + net_rate * DAYS_PER_YEAR
        band = p["finance.reserve_share"] * self._year_income / done * DAYS_PER_YEAR
        one_more = salary_yuan_year(p, degree=False)
        spare_posts = self._spare_posts(p)
        if projected < -band:
            change = self._cut(p)
            if change:
                self.cuts += 1
                self.actions.append((day, f"cut: {change[1]}"))
                m.adjust(change[0])
        elif (
            spare_posts >= 1.0
            and p["finance.freeze_idle_posts"]
            and p["staff.count"] > p["finance.min_staff"]
        ):
            self.cuts += 1
            self.actions.append((day, "cut: a post left vacant (staff idle)"))
            m.adjust({"staff.count": int(p["staff.count"]) - 1})
        elif projected > band + one_more:
            change = self._add(p, work_for_more=spare_posts < 0.0)
            if change:
                self.additions += 1
                self.actions.append((day, f"added: {change[1]}"))
                m.adjust(change[0])

    def _spare_posts(self, p: Mapping[str, Any]) -> float:
        """The staff's idle hours less their overtime since the last review, in full posts' contract
        hours over the same days: at 1 or more the work needs one person fewer, below 0 it needs
        one more."""
        t = self.model.tally
        spare_h = (t.idle_h - t.overtime_h) - self._spare_at_review
        self._spare_at_review = t.idle_h - t.overtime_h
        return spare_h / (p["staff.weekly_hours"] * p["finance.review_days"] / 7.0)

    def _cut(self, p: Mapping[str, Any]) -> tuple[dict[str, Any], str] | None:
        # Unpaid overtime costs nothing, so stopping it would save nothing and only lose the work.
        if p["staff.overtime_cap_h_per_day"] > 0 and p["finance.overtime_pay_yuan_h"] > 0:
            return {"staff.overtime_cap_h_per_day": 0.0}, "no overtime paid"
        if p["staff.count"] > p["finance.min_staff"]:
            return {"staff.count": int(p["staff.count"]) - 1}, "a post left vacant"
        # The evening and weekend hours after the posts: they save little (about an eighth of a 2014
        # post's cost), and with one cut a review, cutting them first delays the posts the money
        # needs by a month (module docstring).
        core = self._core_opening(p)
        if core is not None:
            return {"service.opening": core}, "opening hours shortened"
        if p["elderly_care.station"]:
            return {"elderly_care.station": False}, "care station closed"
        return None

    def _core_opening(self, p: Mapping[str, Any]) -> dict[str, list[str]] | None:
        """The opening hours within the core weekday hours, if closing the rest saves money (evening
        and weekend pay is paid on them) and leaves the hall open at all; else None."""
        paid = p["finance.unsocial_hours_premium_yuan_h"] * self.model.centre.unsocial_staff_h_per_week()
        if paid <= 0:
            return None
        core = weekly_mask(p["service.opening"]) & CORE_HOURS
        return mask_to_spec(core) if core.any() else None

    def _add(self, p: Mapping[str, Any], work_for_more: bool) -> tuple[dict[str, Any], str] | None:
        """Undo the cuts in reverse order, then hire; people only if there is work for them."""
        m = self.model
        planned = m.planned_params()
        if planned["elderly_care.station"] and not p["elderly_care.station"]:
            return {"elderly_care.station": True}, "care station reopened"
        if p["service.opening"] != planned["service.opening"]:
            return {"service.opening": planned["service.opening"]}, "opening hours restored"
        if p["staff.count"] < planned["staff.count"] and work_for_more:
            return {"staff.count": int(p["staff.count"]) + 1}, "a vacant post filled"
        if p["staff.overtime_cap_h_per_day"] < planned["staff.overtime_cap_h_per_day"]:
            return {
                "staff.overtime_cap_h_per_day": planned["staff.overtime_cap_h_per_day"]
            }, "overtime paid again"
        cap = int(p["finance.max_staff_per_10k"] * len(m.residents) / 10_000)
        if p["staff.count"] < cap and work_for_more:
            return {"staff.count": int(p["staff.count"]) + 1}, "one more staff member hired"
        return None
