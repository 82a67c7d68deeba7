"""The staff's time: how much of it goes to residents, how much to paperwork, how much is overtime.

The article's complaint was that community workers spent their days on administrative tasks
pushed down from above instead of serving residents; these KPIs divide the hours worked (rostered
plus overtime) into serving residents, administrative work and idle time, and say how busy the
staffed counters were.  Read ``staff.idle_time_share`` beside ``staff.service_time_share``: faster
service or fewer errands raise it.

``staff.count_end`` (the staff in post at the end) is in :mod:`sim.kpis.finance`: it is what the
budget policy leaves in post, and is listed with the budget's KPIs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.i18n import N_
from sim.kpis.kpi import KPI, TEN_PERCENT, TWO_POINTS, Matters, ratio

if TYPE_CHECKING:
    from sim.model import CommunityModel

_OF_A_WEEK = TWO_POINTS + " (about 50 minutes of a 40-hour week)"

KPIS = [
    KPI(
        "staff.service_time_share",
        "share",
        "higher",
        "Staff hours serving residents (counter, casework, outreach, grid patrol) / hours worked.",
        matters=Matters(0.02, why=_OF_A_WEEK),
    ),
    KPI(
        "staff.admin_time_share",
        "share",
        "lower",
        "Staff hours on administrative work / hours worked.",
        matters=Matters(0.02, why=_OF_A_WEEK),
    ),
    KPI(
        "staff.admin_h_per_staff_week",
        "h/staff/week",
        "lower",
        "Administrative hours (tasks, forms, ledgers, meetings, inspections) per staff member.",
        matters=Matters(1.0, why="one hour a week per staff member"),
    ),
    KPI(
        "staff.overtime_h_per_staff",
        "h/staff",
        "lower",
        "Overtime over the run per staff member.",
        matters=Matters(1.0, 0.10, TEN_PERCENT),
    ),
    KPI(
        "staff.counter_utilisation",
        "share",
        "",
        "Busy share of staffed counter hours.",
        matters=Matters(0.02, why=TWO_POINTS),
    ),
    KPI(
        "staff.idle_time_share",
        "share",
        "",
        "Rostered hours with nothing to do (an empty counter, no work left) / hours worked. Faster "
        "service or fewer errands raise it: read it beside staff.service_time_share.",
        matters=Matters(0.02, why=TWO_POINTS),
    ),
]
PER_GROUP: list[KPI] = []

#: Each KPI's name for planners (translated where it is shown).
LABELS = {
    "staff.service_time_share": N_("Staff time serving residents"),
    "staff.admin_time_share": N_("Staff time on administrative work"),
    "staff.admin_h_per_staff_week": N_("Administrative hours per staff member a week"),
    "staff.overtime_h_per_staff": N_("Overtime per staff member"),
    "staff.counter_utilisation": N_("Busy share of staffed counter hours"),
    "staff.idle_time_share": N_("Staff time with nothing to do"),
}
GROUP_LABELS: dict[str, str] = {}


def measure(m: CommunityModel) -> dict[str, float]:
    """This family's KPIs of a finished model."""
    t = m.tally
    staff = t.staff_days / max(m.days, 1)  # mean staff in post
    worked = t.rostered_h + t.overtime_h
    return {
        "staff.service_time_share": ratio(
            t.counter_busy_h + t.casework_h + t.outreach_h + t.patrol_h, worked
        ),
        "staff.admin_time_share": ratio(t.admin_h, worked),
        "staff.admin_h_per_staff_week": ratio(t.admin_h, staff * m.days / 7),
        "staff.overtime_h_per_staff": ratio(t.overtime_h, staff),
        "staff.counter_utilisation": ratio(t.counter_busy_h, t.counter_staffed_h),
        "staff.idle_time_share": ratio(t.idle_h, worked),
    }
