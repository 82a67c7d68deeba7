"""Burden reduction, efficiency up (减负增效): merging working bodies and cutting inspections and
evaluations (检查评比), meetings, ledgers (台帐) and report forms (2009); a standard evaluation
(2013); strict control (2014).

In the model these are the rates at which departments and the sub-district send forms, ledger
work, meetings and inspections (:meth:`sim.departments.Departments.burden_today`); meetings and
inspections take named staff off duty, forms and ledgers are back-office work with deadlines.
"""

from __future__ import annotations

from sim.i18n import N_
from sim.param import ASSUMED, CALIBRATED, Param
from sim.reforms.base import Control, Reform

STEM = "burden_reduction"

PARAMS = (
    Param(
        "burden.inspections_per_year",
        26,
        "int",
        "inspections/year",
        "Inspections, evaluations and ratings the community hosts.",
        ASSUMED
        + "read as all inspections, evaluations and ratings a year; an audited city counted 26 ratings and "
        "awards per community (MODEL-SKETCH; unsourced)",
        0,
        365,
    ),
    Param(
        "burden.meetings_per_week",
        3.8,
        "float",
        "meetings/week",
        "Department and sub-district meetings one staff member must attend.",
        CALIBRATED + "sub-district and departments' briefings, 'several a week' in the sources before 2009",
        0,
        30,
    ),
    Param(
        "burden.forms_per_month",
        50.0,
        "float",
        "forms/month",
        "Report forms departments ask for.",
        CALIBRATED + "departments' statistical and report forms, from one every other working "
        "day to several a day",
        0,
        1000,
    ),
    Param(
        "burden.ledger_hours_per_week",
        37.9,
        "float",
        "staff-hours/week",
        "Keeping departments' ledgers (台帐) and archives.",
        CALIBRATED + "departments' ledgers and archives before 2009; reports of dozens of "
        "ledgers per community put them at up to one full-time post",
        0,
        500,
    ),
)


REFORM = Reform(
    stem=STEM,
    title=N_("Burden reduction"),
    chinese="减负增效",
    family="institutions",
    years=N_("2009, 2013, 2014"),
    summary=N_(
        "Fewer inspections and evaluations, meetings, report forms and ledgers taking staff away "
        "from residents."
    ),
    params=PARAMS,
    controls=(
        Control("burden.inspections_per_year", N_("Inspections and evaluations a year"), "count"),
        Control("burden.meetings_per_week", N_("Meetings a week for each staff member"), "number"),
        Control("burden.forms_per_month", N_("Report forms a month"), "number"),
        Control("burden.ledger_hours_per_week", N_("Hours a week keeping ledgers"), "number"),
    ),
    # No claim: administrative hours are the sum of the inputs this reform lowers, so "burden
    # reduction lowers them" holds by construction; it is a check in sim.validation.claims.IDENTITIES.
    claims=(),
)
