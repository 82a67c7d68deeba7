"""The policy in force: the strategies the reforms install, for one period of a run.

Most reforms change numbers the actors read (a share, a schedule, a head count).  Some change how
the community works; each such reform installs a strategy into one slot of a :class:`Policy`
(the hall's layout, how public problems are found, who answers elderly-care requests) or adds a
rule to a list (what keeps a task from being pushed down, what turns it back at the door).  The
actors ask the policy; they never test a reform's switch themselves.  A timeline date builds a new
policy from the parameters then in force.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np

    from sim.centre import ServiceCentre


class HallLayout(Protocol):
    """Which queues the hall has open when, and which queues a matter visits in turn."""

    def queue_weeks(
        self, week: np.ndarray, n_departments: int, params: Mapping[str, Any]
    ) -> list[np.ndarray]: ...

    def matter_stages(self, u_first: float, n_extra: int, n_departments: int) -> list[int]: ...

    def intake_queue(self, n_departments: int) -> int: ...


class TaskKeeper(Protocol):
    """Keeps a department's own-class task with the department (it is never pushed down)."""

    def keeps(self, u_withhold: float) -> bool: ...


class TaskDoor(Protocol):
    """Turns a department's own-class task back at the community's door."""

    def turns_back(self, u_access: float) -> bool: ...


class Reporting(Protocol):
    """How a public-space problem comes to the community's notice, and how fast departments act."""

    def found(
        self, t: float, u_found: float, params: Mapping[str, Any], next_open: Callable[[float], float]
    ) -> float: ...

    def escalation_delay_h(self, params: Mapping[str, Any]) -> float: ...

    def staff_patrol_h_per_week(self, params: Mapping[str, Any]) -> float: ...

    def committee_patrol_h_per_week(self, params: Mapping[str, Any]) -> float: ...

    def cost_yuan_per_day(self, params: Mapping[str, Any]) -> float: ...


class ElderlyCare(Protocol):
    """Who answers an elderly-care request of an elderly resident living alone."""

    station_open: bool  # whether a care station is open, drawing out the latent requests

    def request(self, centre: ServiceCentre, need: int, t: float, u_delay: float) -> None: ...

    def new_week(self, centre: ServiceCentre, t: float) -> None: ...

    def period_starts(self, centre: ServiceCentre, t: float, week_left: float) -> None: ...

    def evening(self, centre: ServiceCentre, before: float) -> None: ...

    def staff_visits(self, centre: ServiceCentre, hours: float, before: float) -> float: ...


@dataclass
class Policy:
    """The strategies in force.  Built by :func:`build_policy`; every slot is filled by its reform."""

    hall: HallLayout = None  # type: ignore[assignment]
    reporting: Reporting = None  # type: ignore[assignment]
    elderly_care: ElderlyCare = None  # type: ignore[assignment]
    task_keepers: list[TaskKeeper] = field(default_factory=list)
    task_doors: list[TaskDoor] = field(default_factory=list)


def build_policy(params: Mapping[str, Any]) -> Policy:
    """The policy for these parameters: every reform installs its strategies, in order."""
    from sim.reforms import REFORMS

    policy = Policy()
    for reform in REFORMS:
        if reform.install is not None:
            reform.install(policy, params)
    empty = [name for name in ("hall", "reporting", "elderly_care") if getattr(policy, name) is None]
    if empty:
        raise RuntimeError(f"no reform module fills the policy slots {empty}")
    return policy
