"""Part-time committee members (兼职委员制度): 594 members city-wide, 23 % of all committee members
(2014), from enterprises and local units.

In the model part-time members are added to the committee; they mediate disputes and hold
councils in the evening and at weekends, when working residents are free; their units bring
money (paired-unit support) and fix some public problems the community has no authority over,
while their yearly budget of fixes lasts (:meth:`sim.committee.Committee.unit_takes_on_fix`,
:class:`sim.public_space.PublicSpace`).  They also send volunteers, whose hours join the volunteers'
weekly pool for elderly care (:meth:`sim.committee.Committee.unit_volunteer_h_per_week`), and lend
their halls for some councils, hearings and activities, which then cost the community less
(:meth:`sim.committee.Committee.unit_lends_venue`).
"""

from __future__ import annotations

from sim.i18n import N_
from sim.param import ASSUMED, Param
from sim.reforms.base import Control, Reform

STEM = "part_time_members"

PARAMS = (
    Param(
        "committee.part_time_share",
        0.0,
        "float",
        "share",
        "Part-time members (from enterprises and local units) as a share of all members.",
        "article: 0 before the reform, 594 members = 23 % in 2014",
        0,
        0.9,
    ),
    Param(
        "committee.part_time_hours_per_week",
        4.0,
        "float",
        "hours/week",
        "Hours a part-time member gives, in evenings and at weekends.",
        ASSUMED + "one evening a week",
        0,
        40,
    ),
    Param(
        "committee.part_time_fix_share",
        0.10,
        "float",
        "probability/member",
        "For a public problem the community has no authority over, the chance each part-time "
        "member's unit can fix it with its own resources (venue, money, workers).",
        ASSUMED + "paired-unit support (article: 'paired-unit support')",
        0,
        1,
    ),
    Param(
        "committee.paired_unit_fixes_per_year",
        12.0,
        "float",
        "fixes/member/year",
        "Public problems each part-time member's unit can fix in a year with its own workers, "
        "venue and money (its yearly budget); once the units' budget is spent, the problems they "
        "would have fixed are escalated.",
        ASSUMED + "a paired unit lends workers or money for a small repair about once a month",
        0,
        10000,
    ),
    Param(
        "committee.paired_unit_volunteer_h_per_year",
        100.0,
        "float",
        "hours/member/year",
        "Volunteer hours each part-time member's unit sends in a year (employees at community "
        "activities and visits); a 52nd of the units' hours joins the volunteers' weekly hours for "
        "elderly care each week.",
        ASSUMED + "a unit sends two employees for two hours to two community activities a month "
        "(2 x 2 x 2 x 12 = 96, about 100 hours a year)",
        0,
        100000,
    ),
    Param(
        "committee.paired_unit_venue_events_per_year",
        4.0,
        "float",
        "events/member/year",
        "Councils, hearings or activities each part-time member's unit holds in its own hall in a "
        "year (its yearly budget); an event there costs the community less by the share of its "
        "cost that is the venue.",
        ASSUMED + "a unit lends its meeting room or canteen about once a quarter",
        0,
        365,
    ),
    Param(
        "committee.paired_unit_yuan_per_part_time",
        20000.0,
        "float",
        "yuan/member/year",
        "Money brought by each part-time member's unit (paired-unit support).",
        ASSUMED + "small sponsorship",
        0,
        1e7,
    ),
)


REFORM = Reform(
    stem=STEM,
    title=N_("Part-time committee members"),
    chinese="兼职委员",
    family="institutions",
    years=N_("2014"),
    summary=N_(
        "Representatives of enterprises and local units serve on the committee part-time: 23 % of members."
    ),
    params=PARAMS,
    controls=(
        Control(
            "committee.part_time_share",
            N_("Share of part-time members (from enterprises and local units)"),
            "percent",
            N_("Article: 23 % in 2014."),
        ),
        Control(
            "committee.paired_unit_fixes_per_year",
            N_("Public problems each part-time member's unit can fix in a year"),
            "number",
        ),
        Control(
            "committee.paired_unit_volunteer_h_per_year",
            N_("Volunteer hours each part-time member's unit gives a year"),
            "number",
        ),
    ),
    # No claim: a member's unit is one more chance to settle a problem on top of the community's, so
    # under common random numbers the share resolved locally cannot fall (a monotone OR).  It is a
    # check in sim.validation.claims.IDENTITIES.
    claims=(),
)
