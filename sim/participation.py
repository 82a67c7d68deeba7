"""Whether residents take part in a community event (ODD+D: residents' decision to take part).

A council, hearing or activity is announced on the notice board, by committee members visiting
households, and, with online channels, in the community's QQ/WeChat groups.  A resident who got the
notice and is free at that time takes part with a probability equal to their civic propensity
scaled by trust; councils and hearings can also be joined online.  The committee
(:meth:`sim.committee.Committee.hold_event`) asks :func:`take_part` for each event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.population import Population


def take_part(
    pop: Population,
    u: np.ndarray,
    free_now: np.ndarray,
    board_reach: np.ndarray,
    visit_reach: np.ndarray,
    online_notice: bool,
    online_join: bool,
    online_reach: float,
    online_factor: float,
    head_reach: np.ndarray | None = None,
) -> np.ndarray:
    """Who takes part in one event.  ``u`` is (n, 4) uniforms; the other arrays are by group.

    Returns a boolean mask.  The notice reaches a resident by the board, by a committee member
    knocking at the door (``visit_reach``: the share of households visited, for groups at home
    when members call) or, with online channels and digital access, through the community's
    groups, or, where ``head_reach`` is given, through an active building head; a reached resident
    who is free at the event's time comes with probability civic
    propensity x trust factor.  Where the event can be joined online (councils, hearings), a
    reached digital resident may take part from anywhere, with a lower propensity.
    """
    group = pop.group
    propensity = pop.civic * (2.0 * pop.trust)
    wants = u[:, 2] < propensity
    reached = (u[:, 0] < board_reach[group]) | (u[:, 3] < visit_reach[group])
    if head_reach is not None:
        reached |= head_reach  # the building head passes the notice on to the whole building
    if online_notice:
        reached_online = pop.digital & (u[:, 1] < online_reach)
        reached = reached | reached_online
    took_part = reached & free_now[group] & wants
    if online_notice and online_join:
        took_part |= reached_online & (u[:, 2] < propensity * online_factor)
    return took_part
