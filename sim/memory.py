"""What a resident remembers of their last matter, and how it shapes the next one (ODD+D: learning).

Each resident remembers how their last matter went: resolved at the first visit without a long
wait, resolved after a long wait, sent back (resolved only after several trips), done online, or
given up.  The next time:

* **channel** - after a long wait, being sent back, or giving up at the counter, and after a
  matter done online, the resident leans to the online channel (if the matter can be done
  online): the preference moves a share ``residents.memory_weight`` of the way to 1; after a quick
  visit it moves that share of the way to 0;
* **timing** - after a long wait the resident avoids the rush: they go ``residents.timing_shift_h``
  later into their next window (no later than its end);
* **trying again** - after giving up, the chance to try again after being turned away or leaving
  a queue is cut by the same share.

Switch: ``residents.memory``.  All of it is assumption, stated as such in docs/parameters.md: the
article says nothing about how residents learn; the direction (bad experiences push people away
from the counter, good ones keep them) is general knowledge of service use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

NOTHING, QUICK, WAITED_LONG, SENT_BACK, ONLINE, GAVE_UP = range(6)
OUTCOMES = ("nothing yet", "quick visit", "waited long", "sent back", "online", "gave up")


class Memory:
    """The last outcome of every resident, and the choices it tilts."""

    def __init__(self, n_residents: int, params: Mapping[str, Any]) -> None:
        self.last = np.zeros(n_residents, dtype=np.int8)
        self._last = self.last.data.cast("b")  # fast scalar reads and writes on the same buffer
        self.weight = float(params["residents.memory_weight"])
        self.long_wait_min = float(params["residents.long_wait_min"])
        self.shift_h = float(params["residents.timing_shift_h"])

    def __repr__(self) -> str:
        counts = np.bincount(self.last, minlength=len(OUTCOMES))
        return "Memory(" + ", ".join(f"{o}: {c}" for o, c in zip(OUTCOMES, counts, strict=True)) + ")"

    def online_preference(self, resident: int, base: float) -> float:
        last = self._last[resident]
        if last in (WAITED_LONG, SENT_BACK, GAVE_UP, ONLINE):
            return base + self.weight * (1.0 - base)
        if last == QUICK:
            return base * (1.0 - self.weight)
        return base

    def retry_prob(self, resident: int, base: float) -> float:
        return base * (1.0 - self.weight) if self._last[resident] == GAVE_UP else base

    def timing_delay_h(self, resident: int) -> float:
        return self.shift_h if self._last[resident] == WAITED_LONG else 0.0

    def counter_matter(self, resident: int, wait_min: float, trips: int) -> None:
        """A matter resolved at the counter after ``trips`` trips and ``wait_min`` in queues."""
        if trips > 1:
            self._last[resident] = SENT_BACK
        elif wait_min > self.long_wait_min:
            self._last[resident] = WAITED_LONG
        else:
            self._last[resident] = QUICK

    def remember(self, resident: int, outcome: int) -> None:
        self._last[resident] = outcome
