"""Small pure functions for queueing theory.

Used to verify the service hall against theory: Erlang C for the M/M/c queue.
"""

from __future__ import annotations


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival waits in an M/M/c queue (Erlang C).

    ``offered_load`` is a = lambda / mu in Erlangs; requires a < servers.
    """
    c, a = servers, offered_load
    if a <= 0:
        return 0.0
    if a >= c:
        raise ValueError(f"unstable queue: offered load {a:g} >= servers {c}")
    # Erlang B by the stable recursion, then C from B.
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    rho = a / c
    return b / (1 - rho + rho * b)


def mmc_mean_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean time in queue (before service) of an M/M/c queue, in the rates' time unit."""
    a = arrival_rate / service_rate
    return erlang_c(servers, a) / (servers * service_rate - arrival_rate)
