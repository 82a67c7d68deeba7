"""The community's money: income by source and spending by item, day by day.

Income: the fiscal allocation and co-building contributions (spread evenly over the year),
paired-unit support from part-time members' units, and the money that comes with funded tasks
("funding follows the task").  Spending: running the office space, councils, hearings and
activities, and the cost of every task the community takes on.  The balance is a KPI; what
money buys is not yet modelled (see docs/ODD.md).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model import CommunityModel


class Books:
    """Running totals of income and spending, with the breakdown by source and item."""

    def __init__(self, model: CommunityModel) -> None:
        self.model = model
        self.income = 0.0
        self.spending = 0.0
        self.income_by: dict[str, float] = defaultdict(float)
        self.spending_by: dict[str, float] = defaultdict(float)

    def __repr__(self) -> str:
        return f"Books(income={self.income:,.0f}, spending={self.spending:,.0f}, balance={self.balance:,.0f})"

    @property
    def balance(self) -> float:
        return self.income - self.spending

    def receive(self, source: str, yuan: float) -> None:
        self.income += yuan
        self.income_by[source] += yuan

    def spend(self, item: str, yuan: float) -> None:
        self.spending += yuan
        self.spending_by[item] += yuan

    def day(self) -> None:
        """The day's share of the yearly funds, and the day's running cost of the office."""
        p = self.model.params
        pt = self.model.committee.part_time
        # One sum, as before the breakdown existed, so the totals stay bit for bit the same.
        self.income += (
            p["finance.fiscal_yuan_year"]
            + p["finance.co_building_yuan_year"]
            + pt * p["committee.paired_unit_yuan_per_part_time"]
        ) / 365.0
        self.income_by["fiscal"] += p["finance.fiscal_yuan_year"] / 365.0
        self.income_by["co-building"] += p["finance.co_building_yuan_year"] / 365.0
        self.income_by["paired units"] += pt * p["committee.paired_unit_yuan_per_part_time"] / 365.0
        self.spend("office space", p["office.area_m2"] * p["finance.operating_cost_yuan_per_m2"] / 365.0)
