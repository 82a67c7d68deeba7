"""The community's money: income, spending, days short of money, and what the budget policy did.

Money binds: a package without the money for its posts loses some.  These KPIs follow the books
(:mod:`sim.finance`) over the run, price a resolved need in yuan, and count the budget policy's
cuts and additions.  ``staff.count_end`` is here, not in :mod:`sim.kpis.staff`, because it is what
those cuts and additions leave in post; it keeps its ``staff.`` key so tables group it with the
staff.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.i18n import N_
from sim.kpis.kpi import KPI, Matters, ratio

if TYPE_CHECKING:
    from sim.model import CommunityModel

KPIS = [
    KPI(
        "finance.balance_yuan",
        "yuan",
        "higher",
        "Income minus spending over the run.",
        signed=True,
        matters=Matters(1000.0, 0.10, "10 % of the baseline's balance, at least 1,000 yuan"),
    ),
    KPI(
        "finance.income_yuan",
        "yuan",
        "",
        "Income over the run, from every source.",
        matters=Matters(1000.0, 0.05, "5 % of the baseline's, at least 1,000 yuan"),
    ),
    KPI(
        "finance.spending_yuan",
        "yuan",
        "lower",
        "Spending over the run, on every item.",
        matters=Matters(1000.0, 0.05, "5 % of the baseline's, at least 1,000 yuan"),
    ),
    KPI(
        "finance.shortfall_days",
        "days",
        "lower",
        "Days on which the community was short of money: spending since the start exceeded income by "
        "more than the reserve band (finance.reserve_share of the year's fiscal and co-building money).",
        matters=Matters(7.0, why="a week"),
    ),
    KPI(
        "finance.cost_per_resolved_need_yuan",
        "yuan",
        "lower",
        "Spending over the run divided by the individual needs resolved: what a resolved need costs.",
        matters=Matters(1.0, 0.05, "5 % of the baseline's, at least 1 yuan"),
    ),
    KPI(
        "finance.budget_cuts",
        "changes",
        "",
        "Cuts the budget policy made (overtime unpaid, a post left vacant, opening hours shortened, the "
        "care station closed).",
    ),
    KPI(
        "finance.budget_additions",
        "changes",
        "",
        "What the budget policy added back or added with money to spare (a post filled or created, "
        "overtime paid again, opening hours restored, the station reopened).",
    ),
    KPI(
        "staff.count_end",
        "staff",
        "",
        "Staff in post at the end (the scenario's, less vacancies, plus hires).",
        matters=Matters(1.0, why="one staff member"),
    ),
]
PER_GROUP: list[KPI] = []

#: Each KPI's name for planners (translated where it is shown).
LABELS = {
    "finance.balance_yuan": N_("Income minus spending"),
    "finance.income_yuan": N_("Income"),
    "finance.spending_yuan": N_("Spending"),
    "finance.shortfall_days": N_("Days short of money"),
    "finance.cost_per_resolved_need_yuan": N_("Cost per resolved need"),
    "finance.budget_cuts": N_("Budget cuts made"),
    "finance.budget_additions": N_("Budget additions made"),
    "staff.count_end": N_("Staff in post at the end"),
}
GROUP_LABELS: dict[str, str] = {}


def measure(m: CommunityModel) -> dict[str, float]:
    """This family's KPIs of a finished model."""
    books = m.books
    return {
        "finance.balance_yuan": books.balance,
        "finance.income_yuan": books.income,
        "finance.spending_yuan": books.spending,
        "finance.shortfall_days": float(books.shortfall_days),
        "finance.cost_per_resolved_need_yuan": ratio(books.spending, m.residents.resolved),
        "finance.budget_cuts": float(books.cuts),
        "finance.budget_additions": float(books.additions),
        "staff.count_end": float(len(m.centre.staff)),
    }
