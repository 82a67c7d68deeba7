"""Funding first (经费优先): city and districts put community operating funds into the budget -
"fiscal support, paired-unit support, funding follows the task, community co-building" - about
600,000 yuan per community per year (2014).

In the model these are the yearly fiscal allocation and co-building contributions, received day by
day (:class:`sim.finance.Books`).
"""

from __future__ import annotations

from sim.i18n import N_
from sim.param import ASSUMED, CALIBRATED, Param
from sim.reforms.base import Control, Reform

STEM = "funding"

PARAMS = (
    Param(
        "finance.department_paid_staff_share",
        0.5,
        "float",
        "share",
        "Share of the centre's staff costs paid directly by the departments that hired them, until "
        "community funds in the budget pay every post (the funding reform).",
        ASSUMED + "about half of the staff in a community were hired and paid by departments",
        0,
        1,
    ),
    Param(
        "finance.social_insurance_share",
        0.15,
        "float",
        "share of pay",
        "Social insurance and housing fund paid on top of pay (五险一金).",
        ASSUMED + "before the reform partial cover; the article's 2014 staff get the full package "
        "(about 40 % of pay)",
        0,
        2,
    ),
    Param(
        "finance.pay_rise_share",
        0.0,
        "float",
        "share of pay",
        "Real pay rise of the centre's staff over the pay before the reforms.",
        ASSUMED + "none before the reforms; the article's 'regular raises' read as 0.25 by 2014, "
        "which lifts the pay before the reforms toward the middle of the 2,000-3,000 yuan a month "
        "reported around 2014",
        0,
        5,
    ),
    Param(
        "finance.fiscal_yuan_year",
        236000.0,
        "float",
        "yuan/year",
        "Operating funds from the city and district budgets.",
        CALIBRATED + "the allocation before funds entered the budget, a fraction of the "
        "article's ~600,000 yuan from all sources in 2014 (the 2014 package sets its own)",
        0,
        1e9,
    ),
    Param(
        "finance.co_building_yuan_year",
        0.0,
        "float",
        "yuan/year",
        "Community co-building contributions (resident units, businesses).",
        ASSUMED + "no co-building contributions before the reforms",
        0,
        1e9,
    ),
)


REFORM = Reform(
    stem=STEM,
    title=N_("Operating funds in the budget"),
    chinese="经费优先",
    family="guarantees",
    years=N_("2014"),
    summary=N_(
        "Fiscal support, paired-unit support and co-building: about 600,000 yuan per community a year."
    ),
    params=PARAMS,
    controls=(
        Control(
            "finance.fiscal_yuan_year",
            N_("Operating funds from the city and district"),
            "money",
            N_("Article: about 600,000 yuan a year in 2014."),
        ),
        Control("finance.co_building_yuan_year", N_("Co-building contributions"), "money"),
    ),
)
