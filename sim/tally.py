"""Running totals that the end-of-run KPIs (:func:`sim.kpis.summarise`) are computed from."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Tally:
    """What happened over the run, accumulated as it happens.

    Value lists are ``array('d')``: 8 bytes a value instead of a 24-byte float object in a list.
    """

    waits_min: array = field(default_factory=lambda: array("d"))
    daytime_waits_min: array = field(default_factory=lambda: array("d"))
    resolution_days: array = field(default_factory=lambda: array("d"))
    matter_trips: array = field(default_factory=lambda: array("i"))
    public_response_h: array = field(default_factory=lambda: array("d"))
    online_matters: int = 0
    admin_matters: int = 0
    outreach_visits: int = 0
    rostered_h: float = 0.0
    overtime_h: float = 0.0
    counter_staffed_h: float = 0.0
    counter_busy_h: float = 0.0
    casework_h: float = 0.0
    outreach_h: float = 0.0
    patrol_h: float = 0.0  # staff hours on grid patrol
    department_backlog_days: float = 0.0  # escalated cases waiting at departments, summed over midnights
    admin_h: float = 0.0
    idle_h: float = 0.0
    participation_years: list[np.ndarray] = field(default_factory=list)  # share per group + all
    staff_days: int = 0
