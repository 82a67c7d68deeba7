"""What the analyses read from a sweep's store: runs, factors with their roles, KPIs, constraints.

Every analysis command starts here, so a missing store, an unknown KPI or a selection that picks
no run is reported the same way everywhere: an :class:`AnalysisError` with a one-line message
(the command line turns it into ``govsim: error: ...`` and exit status 2).

Roles and constraints are read from the experiment text kept in the store's provenance manifest
(the newest session), with the same functions that check experiment files: a store written
before roles existed has only uncertainties and no constraints.
"""

from __future__ import annotations

import json
import sqlite3
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.experiment import DEFAULT_ROLE, Condition, ExperimentError, parse_condition
from sim.experiments.factors import _flatten_factors, _role
from sim.experiments.reading import _constraints


class AnalysisError(ValueError):
    """The store or the request cannot be analysed; ``str(err)`` is one line for the user."""


@dataclass
class StoreData:
    """The runs of one store, ready for analysis.

    ``runs`` has one row per run: ``point``, one column per factor (its value, or its label for
    scenarios and tables), ``replication``, ``status``, the KPIs, and ``feasible`` (every
    constraint of the experiment holds; runs that break one are kept and marked, never dropped).
    """

    path: Path
    name: str
    runs: pd.DataFrame
    factors: list[str]
    kpis: list[str]
    roles: dict[str, str]
    constraints: tuple[Condition, ...] = ()
    daily_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> pd.DataFrame:
        """The successful runs only."""
        return self.runs[self.runs["status"] == "ok"].reset_index(drop=True)

    @property
    def levers(self) -> list[str]:
        return [f for f in self.factors if self.roles.get(f) == "lever"]

    @property
    def uncertainties(self) -> list[str]:
        return [f for f in self.factors if self.roles.get(f, DEFAULT_ROLE) == "uncertainty"]

    def check_kpis(self, keys: Sequence[str], what: str = "--kpi") -> list[str]:
        """``keys`` if every one is a KPI of this store, else a one-line error naming the first."""
        from sim.experiments.experiment import _close

        for k in keys:
            if k not in self.kpis:
                raise AnalysisError(
                    f"{what}: {k!r} is not a KPI of {self.path}{_close(k, self.kpis)} "
                    f"(it keeps: {', '.join(self.kpis[:8])}{' ...' if len(self.kpis) > 8 else ''})"
                )
        return list(keys)

    def condition(self, text: str, what: str = "--where") -> Condition:
        """A condition on this store's KPIs (``"service.unmet_share > 0.1"``)."""
        try:
            return parse_condition(text, known=self.kpis)
        except ValueError as e:
            raise AnalysisError(f"{what}: {e}") from None

    def numeric_factors(self, keys: Sequence[str]) -> list[str]:
        """Those of ``keys`` whose values are numbers (labels and scenarios are categories)."""
        return [k for k in keys if pd.api.types.is_numeric_dtype(self.runs[k])]

    def point_means(self, kpis: Sequence[str] | None = None) -> pd.DataFrame:
        """One row per design point: its factors, ``n`` successful runs, the mean of each KPI and
        ``feasible_share`` (share of its runs meeting every constraint)."""
        keys = list(kpis or self.kpis)
        ok = self.ok
        if ok.empty:
            raise AnalysisError(f"{self.path}: no successful run to analyse")
        g = ok.groupby("point", sort=True)
        out = g[keys].mean()
        out.insert(0, "n", g.size())
        out["feasible_share"] = g["feasible"].mean()
        info = ok.drop_duplicates("point").set_index("point")[self.factors]
        return info.join(out).reset_index()


def load(path: str | Path) -> StoreData:
    """Read a store for analysis (read-only; a sweep may be writing to it at the same time)."""
    from sim.experiments.export import runs_frame
    from sim.experiments.store import StoreError, connect

    path = Path(path)
    if not path.is_file():
        raise AnalysisError(f"{path}: no such store")
    try:
        with connect(path, readonly=True) as conn:
            ident = _meta(conn, "identity")
            runs = runs_frame(conn)
            text = conn.execute(
                "SELECT experiment_text, experiment_file FROM sessions ORDER BY session DESC LIMIT 1"
            ).fetchone()
            daily = [r[1] for r in conn.execute("PRAGMA table_info(daily)")]
            name = _meta(conn, "experiment") or path.stem
    except (sqlite3.DatabaseError, StoreError) as e:
        raise AnalysisError(f"{path}: not a govsim store ({e})") from None
    if ident is None or runs.empty:
        raise AnalysisError(f"{path}: the store holds no runs yet")
    info = json.loads(ident)
    factors = list(info.get("factors", []))
    kpis = [k for k in info.get("kpis", []) if k in runs.columns]
    roles, constraints = _roles_and_constraints(text, factors)
    for c in constraints:
        for k in c.kpis:
            if k not in runs.columns:
                runs[k] = np.nan
    feasible = np.ones(len(runs), dtype=bool)
    for c in constraints:
        feasible &= c.evaluate(runs)
    runs["feasible"] = feasible & (runs["status"] == "ok").to_numpy()
    return StoreData(
        path=path,
        name=name,
        runs=runs,
        factors=factors,
        kpis=kpis,
        roles=roles,
        constraints=constraints,
        daily_columns=[c for c in daily if c not in ("run_id", "day", "date")],
    )


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _roles_and_constraints(
    row: tuple[str, str] | None, factors: list[str]
) -> tuple[dict[str, str], tuple[Condition, ...]]:
    """Roles and constraints from the experiment text of the store's newest session."""
    roles = dict.fromkeys(factors, DEFAULT_ROLE)
    if row is None:
        return roles, ()
    text, source = row
    try:
        doc: Any = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError:
            return roles, ()
    try:
        flat = _flatten_factors(source, doc.get("factors", {}))
        for key, spec in flat.items():
            if key in roles:
                roles[key] = _role(source, key, spec)
        constraints = _constraints(source, doc.get("constraints", []))
    except ExperimentError as e:
        raise AnalysisError(f"the experiment kept in the store is not valid: {e}") from None
    return roles, constraints
