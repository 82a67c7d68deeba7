"""What residents need: every individual need of a run, drawn in bulk at the start.

Administrative matters (certificates, registrations, insurance, residence permits),
social-assistance cases (vulnerable residents) and elderly-care requests (elderly living alone)
arrive as Poisson processes per resident and kind.  Each need carries its own uniform draws and
per-visit draws, so the same need meets the same luck in every scenario run with the same seed
(common random numbers): a reform changes what happens to a need, never which needs there are.

Latent elderly-care requests (``elderly_care.latent_request_rate``) are requests an elderly person
living alone makes only while a care station is open: a service that exists draws use.  They are
drawn in every run, station or not, from their own stream (so the other needs and their draws stay
as they are), and marked ``Needs.latent``; without a station they are never asked (``NOT_ASKED``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import special, stats

from sim.parameters import GROUPS

if TYPE_CHECKING:
    from sim.population import Population

# Kinds of individual needs (public-space problems and disputes are handled separately).
ADMIN, ASSIST, ELDERLY = 0, 1, 2
# What became of a need (NOT_ASKED: a latent request that arose with no care station open).
PENDING, RESOLVED, UNMET, NOT_ASKED = 0, 1, 2, 3

# Columns of the per-need draws (``Needs.u``).
U_DELAY, U_SLOT, U_ONLINE, U_PREFER, U_LEAVE, U_STAGES, U_DEPTS, U_PATIENCE = range(8)
# Columns of the per-visit draws (``Needs.v``), for the first ``PREDRAWN_VISITS`` visits.
V_SERVICE, V_SUCCESS, V_RETRY, V_RETURN, V_SLOT = range(5)
PREDRAWN_VISITS = 4


@dataclass
class Needs:
    """Every individual need of the run, sorted by time, with each need's own draws."""

    t: np.ndarray  # hours since the start
    kind: np.ndarray  # ADMIN, ASSIST or ELDERLY
    resident: np.ndarray
    u: np.ndarray  # (n, 8) float32
    v: np.ndarray  # (n, PREDRAWN_VISITS, 5) float32
    service_unit: np.ndarray  # (n, PREDRAWN_VISITS) service time in units of the mean
    latent: np.ndarray  # bool: an elderly-care request made only while a care station is open

    def __len__(self) -> int:
        return len(self.t)


def by_group(table: Mapping[str, float], group: np.ndarray) -> np.ndarray:
    """A per-group parameter table looked up for each resident of ``group``."""
    return np.array([table[g] for g in GROUPS])[group]


def draw_needs(
    pop: Population,
    params: Mapping[str, Any],
    days: int,
    rng_needs: np.random.Generator,
    rng_visits: np.random.Generator,
    rng_latent: np.random.Generator,
) -> Needs:
    """Poisson arrivals of every individual need over the run, per resident and kind.

    The latent elderly-care requests come last, from ``rng_latent`` with their own draws, so that
    the other needs and every draw they carry do not depend on the latent rate."""
    years = days / 365.0
    horizon_h = days * 24.0
    admin_rate = by_group(params["needs.admin_rate"], pop.group)
    rates = [
        (ADMIN, admin_rate, rng_needs),
        (ASSIST, pop.vulnerable * params["needs.social_assistance_rate"], rng_needs),
        (ELDERLY, pop.elderly_alone * params["needs.elderly_care_rate"], rng_needs),
        (ELDERLY, pop.elderly_alone * params["elderly_care.latent_request_rate"], rng_latent),
    ]
    ts, kinds, who = [], [], []
    for kind, rate, rng in rates:
        counts = rng.poisson(rate * years)
        residents = np.repeat(np.arange(len(pop), dtype=np.int32), counts)
        ts.append(rng.uniform(0.0, horizon_h, len(residents)))
        kinds.append(np.full(len(residents), kind, dtype=np.int8))
        who.append(residents)
    n_latent = len(ts[-1])
    asked = np.concatenate(ts[:-1])
    n = len(asked)
    # Each need's draws in time order, as before latent requests existed; theirs come after.
    asked_order = np.argsort(asked, kind="stable")
    latent_order = np.argsort(ts[-1], kind="stable")
    u = np.concatenate(
        [rng_needs.random((n, 8), dtype=np.float32), rng_latent.random((n_latent, 8), dtype=np.float32)]
    )
    v = np.concatenate(
        [
            rng_visits.random((n, PREDRAWN_VISITS, 5), dtype=np.float32),
            rng_latent.random((n_latent, PREDRAWN_VISITS, 5), dtype=np.float32),
        ]
    )
    t = np.concatenate([asked[asked_order], ts[-1][latent_order]])
    kind = np.concatenate([np.concatenate(kinds[:-1])[asked_order], kinds[-1]])
    resident = np.concatenate([np.concatenate(who[:-1])[asked_order], who[-1][latent_order]])
    latent = np.arange(n + n_latent) >= n
    order = np.argsort(t, kind="stable")
    v = v[order]
    return Needs(
        t=t[order],
        kind=kind[order],
        resident=resident[order],
        u=u[order],
        v=v,
        service_unit=service_units(v[:, :, V_SERVICE], params),
        latent=latent[order],
    )


def service_units(u: np.ndarray, params: Mapping[str, Any]) -> np.ndarray:
    """Counter service times in units of their mean, by inversion of the uniform draws.

    Inversion keeps draws paired across scenarios: a long service stays long.
    """
    u = np.clip(u.astype(np.float64), 1e-12, 1 - 1e-7)
    if params["service.exponential_service"]:
        x = -np.log1p(-u)
    else:
        cv = params["service.service_time_cv"]
        if cv == 0:
            x = np.ones_like(u)
        else:
            sigma = np.sqrt(np.log1p(cv * cv))
            x = np.exp(-0.5 * sigma * sigma + sigma * special.ndtri(u))
    return x.astype(np.float32)


def extra_counters(u: np.ndarray, mean: float, cap: int) -> np.ndarray:
    """Further departments' counters a matter needs (Poisson by inversion, capped)."""
    cdf = stats.poisson.cdf(np.arange(max(cap, 0) + 1), mean)
    return np.minimum(np.searchsorted(cdf, u, side="right"), max(cap, 0))
