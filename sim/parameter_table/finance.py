"""The community's books: what space, events, overtime and the platform cost.

Part of the parameter table (:mod:`sim.parameters` gathers every section)."""

from __future__ import annotations

from sim.param import ASSUMED, CALIBRATED, Param

PARAMS: list[Param] = [
    # -- money -------------------------------------------------------------------------
    Param(
        "finance.operating_cost_yuan_per_m2",
        60.0,
        "float",
        "yuan/m2/year",
        "Running cost of office space (utilities, upkeep).",
        CALIBRATED + "utilities, cleaning and upkeep of office space",
        0,
        1e6,
    ),
    Param(
        "finance.salary_yuan_month",
        2600.0,
        "float",
        "yuan/month",
        "Monthly pay of a staff member without a degree before the reforms, in constant yuan (the "
        "2014 package adds the reforms' pay rise).",
        CALIBRATED + "Changsha community workers earned about 2,000-3,000 yuan a month around "
        "2014, less before",
        0,
        1e6,
    ),
    Param(
        "finance.degree_premium",
        0.10,
        "float",
        "share",
        "How much more a degree holder is paid.",
        ASSUMED + "a grade higher on the pay scale",
        0,
        5,
    ),
    Param(
        "finance.overtime_pay_yuan_h",
        6.0,
        "float",
        "yuan/hour",
        "Pay for an hour of overtime (evening work to meet department deadlines, meetings outside duty).",
        CALIBRATED + "overtime was often unpaid, and paid at most about twice the hourly wage",
        0,
        10000,
    ),
    Param(
        "finance.platform_cost_yuan_year",
        19200.0,
        "float",
        "yuan/year",
        "The community's share of running the information platform (phones, data, terminals), paid "
        "while online services or grid reporting exist.",
        CALIBRATED + "a few terminals, phones and data plans",
        0,
        1e8,
    ),
    Param(
        "finance.budget_policy",
        True,
        "bool",
        "",
        "The community adjusts to its money: when the year would end short it stops paying overtime, "
        "leaves posts vacant, shortens the opening hours to the core weekday hours, closes the care "
        "station; with money to spare it undoes those cuts and hires (sim/finance.py).",
        ASSUMED + "a community cannot spend money it does not have, nor leave it unspent for long",
    ),
    # The budget policy reads the staff's idle time as well as the money.
    Param(
        "finance.freeze_idle_posts",
        True,
        "bool",
        "",
        "Leave posts vacant that the work does not need; at a review, if the staff's idle hours "
        "less their overtime since the last one reach one full post's contract hours, a post "
        "falling vacant is left vacant (down to finance.min_staff), whatever the money.  Posts are "
        "filled and people hired only when the staff worked more overtime than they were idle "
        "(whatever this switch).",
        ASSUMED + "a centre does not keep half-idle staff on the payroll, nor hire into idleness "
        "(the stated general knowledge behind the 2014 idle-time pattern)",
    ),
    Param(
        "finance.review_days",
        30,
        "int",
        "days",
        "How often the centre reviews its books and makes at most one change.",
        ASSUMED + "a monthly review",
        1,
        365,
    ),
    Param(
        "finance.reserve_share",
        0.05,
        "float",
        "share of income",
        "Band around a balanced year within which the budget policy changes nothing.",
        ASSUMED + "a small reserve either way",
        0,
        1,
    ),
    Param(
        "finance.min_staff",
        2,
        "int",
        "staff",
        "Fewest staff the budget policy leaves (posts are not cut below it).",
        ASSUMED + "someone must open the hall",
        1,
        1000,
    ),
    Param(
        "finance.event_cost_yuan",
        900.0,
        "float",
        "yuan/event",
        "Cost of one council, hearing or activity.",
        CALIBRATED + "materials, refreshments and a venue for one event",
        0,
        1e7,
    ),
    Param(
        "finance.venue_share_of_event_cost",
        0.4,
        "float",
        "share",
        "Share of an event's cost that is the venue: saved when a part-time member's unit lends its hall.",
        ASSUMED + "renting a room for an afternoon or evening is a large part of what a small "
        "event costs, beside materials and refreshments",
        0,
        1,
    ),
]
