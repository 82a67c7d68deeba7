"""What a run measures: the end-of-run KPIs and the daily series.

A KPI (:class:`KPI`) is a key such as ``service.queue_wait_mean_min``, a unit, a plain description,
the direction that counts as better, and the size of change that matters to a planner
(:class:`Matters`), so tables and the web app can say "better", "worse" or "negligible" without
guessing.  KPIs come in families, and each family lives in a module of its own, with its KPIs,
their names for planners, and how they are measured on a finished model (the keys' first parts
say where to look):

* :mod:`sim.kpis.service`: waits, needs resolved or given up, channels (``service.*``, ``access.*``);
* :mod:`sim.kpis.staff`: staff time serving residents, on paperwork, overtime, idle (``staff.*``);
* :mod:`sim.kpis.tasks`: tasks pushed down, turned back, late, unfunded (``tasks.*``);
* :mod:`sim.kpis.public_space`: problems fixed, departments' backlog (``grid.*``, ``departments.*``);
* :mod:`sim.kpis.elderly_care`: the care station (``elderly_care.*``);
* :mod:`sim.kpis.governance`: participation, disputes settled locally (``governance.*``);
* :mod:`sim.kpis.residents`: satisfaction, trust, awareness of going online (``residents.*``);
* :mod:`sim.kpis.finance`: money and the budget policy (``finance.*``, ``staff.count_end``);
* :mod:`sim.kpis.verify`: Little's law, a check of the hall's bookkeeping (``verify.*``).

:mod:`sim.kpis.catalogue` puts them together (:data:`KPIS`, in the order of every table) and
computes a run's summary (:func:`summarise`); :mod:`sim.kpis.daily` holds the daily series
(:data:`DAILY`); :mod:`sim.kpis.formatting` shows values as a person reads them.  Per-group KPIs
are written ``access.resolved_share.<group>`` and ``governance.participation_rate.<group>``.

The names below are the package's public API; import them from ``sim.kpis``.
"""

from sim.kpis.catalogue import (
    COMMUNITY_KPIS,
    GROUP_WORDS,
    KPI_LABELS,
    KPIS,
    better,
    bounds,
    kpi_label,
    summarise,
)
from sim.kpis.daily import DAILY, DAILY_LABELS, daily_label
from sim.kpis.formatting import format_value, summary_table
from sim.kpis.kpi import KPI, Matters, parse_matters

__all__ = [
    "COMMUNITY_KPIS",
    "DAILY",
    "DAILY_LABELS",
    "GROUP_WORDS",
    "KPI",
    "KPIS",
    "KPI_LABELS",
    "Matters",
    "better",
    "bounds",
    "daily_label",
    "format_value",
    "kpi_label",
    "parse_matters",
    "summarise",
    "summary_table",
]
