"""Funding follows the task (费随事转, 2005, with "authority follows responsibility").

In the model an accepted task brings its cost with it with probability ``departments.funded_share``;
otherwise the community pays it (:meth:`sim.departments.Departments.push_down`).
"""

from __future__ import annotations

from sim.i18n import N_
from sim.param import ASSUMED, Param
from sim.reforms.base import Claim, Control, Reform

STEM = "funding_follows_task"

PARAMS = (
    Param(
        "departments.funded_share",
        0.1,
        "float",
        "share",
        "Share of accepted tasks whose cost comes with them ('funding follows the task').",
        ASSUMED + "rarely funded before 2005",
        0,
        1,
    ),
)


REFORM = Reform(
    stem=STEM,
    title=N_("Funding follows the task"),
    chinese="费随事转",
    family="institutions",
    years=N_("2005"),
    summary=N_("Tasks that enter the community bring their money with them."),
    params=PARAMS,
    controls=(
        Control(
            "departments.funded_share",
            "Share of accepted tasks that come with their funding",
            "percent",
            "Funding follows the task (2005).",
        ),
    ),
    # Before the books bound (issue 9) the claim was a higher balance: an accounting identity (the
    # money arrives, nothing spends it).  With the budget policy the money is spent on service, so
    # the claim is what it buys: posts kept filled.  The identity is a check in tests/test_finance.py.
    claims=(
        Claim(
            STEM,
            "staff.count_end",
            +1,
            "funding follows the task: the money keeps staff in post",
            1.0,
            "one staff member kept in post (sim.kpis)",
        ),
    ),
)
