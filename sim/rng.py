"""Named random streams, one per random process of the model.

Each stream is spawned from the run seed with a key derived from its *name* (not its position),
so adding a stream or switching a reform never shifts the numbers another process draws.  Two
scenarios run with the same seed therefore see the same residents, the same needs at the same
times and the same service-time draws: they are paired (common random numbers), which is what
makes small policy differences measurable.
"""

from __future__ import annotations

import zlib

import numpy as np

STREAMS = (
    "population",  # who lives here: groups, digital access, vulnerability, civic propensity
    "needs",  # when needs arise, and each need's own draws (delay, channel, patience, ...)
    "visits",  # per-visit draws: service time, first-visit success, retry, return delay
    "late_visits",  # visits beyond the pre-drawn ones (rare)
    "catalogue",  # which class each of the departments' functions belongs to
    "departments",  # push-down times and each task's draws
    "public",  # public-space problems and their handling
    "disputes",  # disputes and mediation outcomes
    "participation",  # who takes part in each council, hearing or activity
    "households",  # who lives with whom, which building, which buildings have an active head
    "online_news",  # who knows of the online channel on day 0, and who hears of it week by week
    "errands",  # which needs a household member may see to in the resident's place
    "latent_needs",  # elderly-care requests made only while a care station is open, and their draws
)


def stream_key(name: str) -> int:
    return zlib.crc32(name.encode())


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator for process ``name`` in the run with ``seed``."""
    if name not in STREAMS:
        raise KeyError(f"unknown random stream {name!r}; known: {', '.join(STREAMS)}")
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(stream_key(name),)))


def replication_seed(base_seed: int, replication: int) -> int:
    """The seed of replication ``r`` of an experiment with ``base_seed``.

    Every scenario of a comparison uses the same seed for the same replication (common random
    numbers); replications get statistically independent seeds.
    """
    state = np.random.SeedSequence([int(base_seed), int(replication)]).generate_state(1, np.uint32)
    return int(state[0])


def poisson_times(
    rng: np.random.Generator, rate_per_year: float, days: int, n_u: int
) -> tuple[np.ndarray, np.ndarray]:
    """Times (hours) of a Poisson process over a run of ``days``, sorted, with ``n_u`` uniform
    draws for each event (its own luck, so it is paired across scenarios)."""
    n = rng.poisson(rate_per_year * days / 365.0)
    t = np.sort(rng.uniform(0.0, days * 24.0, n))
    return t, rng.random((n, n_u))
