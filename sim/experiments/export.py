"""Tidy tables from a sweep's store, for pandas, polars or R.

``runs.csv`` / ``runs.parquet``
    one row per design point and replication: ``point``, one column per factor (its value, or
    its label for scenarios and tables such as opening hours), ``scenario_name``,
    ``replication``, ``seed``, ``days``, ``run_id``, ``status`` ('ok' or 'failed'), ``error``,
    ``seconds``, ``worker``, ``finished``, ``session``, then one column per KPI kept.
``daily.csv`` / ``daily.parquet`` (when the experiment kept daily series)
    one row per run and day: ``point``, the factors, ``replication``, ``seed``, ``run_id``,
    ``day``, ``date`` and the daily series.  Written in chunks, so a store larger than memory
    exports too.
``manifest.json``
    the store's provenance: the experiment, and every session (who ran what, where, when, with
    which versions).

Missing values (a failed run's KPIs, a KPI undefined in a run) are empty cells in CSV and nulls in
Parquet.  Column names are the dotted KPI and parameter keys.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from sim import paths
from sim.experiments.store import StoreError, connect, iter_chunks, read_points

FORMATS = ("csv", "parquet")
RUN_COLUMNS = [
    "replication",
    "seed",
    "days",
    "run_id",
    "status",
    "error",
    "seconds",
    "worker",
    "finished",
    "session",
]


def _identity(conn: sqlite3.Connection) -> dict[str, Any]:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'identity'").fetchone()
    except sqlite3.DatabaseError as e:
        raise StoreError(f"not a govsim store ({e})") from None
    if row is None:
        return {"factors": [], "kpis": []}
    return json.loads(row[0])


def _points_frame(conn: sqlite3.Connection) -> tuple[pd.DataFrame, list[str]]:
    factors = list(_identity(conn)["factors"])
    rows = [
        {
            "point": p["point"],
            "scenario_hash": p["scenario_hash"],
            "scenario_name": p["scenario"],
            **{f: p["shown"].get(f) for f in factors},
        }
        for p in read_points(conn)
    ]
    frame = pd.DataFrame(rows, columns=["point", "scenario_hash", "scenario_name", *factors])
    return frame, factors


def runs_frame(conn: sqlite3.Connection) -> pd.DataFrame:
    """One row per design point and replication in the store (see the module docstring)."""
    ident = _identity(conn)
    points, factors = _points_frame(conn)
    runs = pd.read_sql_query("SELECT scenario_hash, " + ", ".join(RUN_COLUMNS) + " FROM runs", conn)
    frame = points.merge(runs, on="scenario_hash", how="inner")
    long = pd.read_sql_query("SELECT run_id, kpi, value FROM kpis", conn)
    kpis = [k for k in ident.get("kpis", []) if k in set(long["kpi"])] or sorted(set(long["kpi"]))
    if len(long):
        wide = long.pivot(index="run_id", columns="kpi", values="value").astype(float)
        frame = frame.merge(wide[kpis], left_on="run_id", right_index=True, how="left")
    frame = frame.sort_values(["point", "replication"], kind="stable").reset_index(drop=True)
    return frame[["point", *factors, "scenario_name", *RUN_COLUMNS, *kpis]]


def daily_frames(conn: sqlite3.Connection, chunk: int = 100_000) -> Iterator[pd.DataFrame]:
    """The daily table in chunks of about ``chunk`` rows, with each run's point and factors."""
    points, factors = _points_frame(conn)
    series = [r[1] for r in conn.execute("PRAGMA table_info(daily)") if r[1] not in ("run_id", "day", "date")]
    cols = ["day", "date", *series]
    sql = (
        "SELECT p.point, r.replication, r.seed, r.run_id, "
        + ", ".join(f'd."{c}"' for c in cols)
        + " FROM points p JOIN runs r ON r.scenario_hash = p.scenario_hash"
        " JOIN daily d ON d.run_id = r.run_id ORDER BY p.point, r.replication, d.day"
    )
    info = points.set_index("point")[factors]
    for rows in iter_chunks(conn, sql, size=chunk):
        frame = pd.DataFrame(rows, columns=["point", "replication", "seed", "run_id", *cols])
        frame[series] = frame[series].astype(float)
        frame["day"] = frame["day"].astype("int64")
        for f in factors:
            frame.insert(frame.columns.get_loc("replication"), f, frame["point"].map(info[f]))
            # Same type in every chunk (a Parquet file needs one schema): the type over all points.
            frame[f] = frame[f].astype(info[f].dtype)
        yield frame


def export(store: str | Path, out: str | Path | None = None, *, format: str = "csv") -> list[Path]:
    """Write the store's tidy tables into directory ``out`` (default: the store's path without
    its suffix) as ``csv`` or ``parquet``; return the paths written."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; choose csv or parquet")
    store = Path(store)
    target = Path(out) if out is not None else store.with_suffix("")
    written: list[Path] = []
    with connect(store, readonly=True) as conn:  # a missing or foreign store: refused first
        runs = runs_frame(conn)
        try:
            paths.output_dir(target, "export folder")
        except paths.InputError as e:
            raise StoreError(str(e)) from None
        target.mkdir(parents=True, exist_ok=True)
        path = target / f"runs.{format}"
        if format == "csv":
            runs.to_csv(path, index=False)
        else:
            runs.to_parquet(path, index=False)
        written.append(path)
        path = target / f"daily.{format}"
        if _write_daily(conn, path, format):
            written.append(path)
        elif path.exists():
            path.unlink()  # an old export's daily table would not match these runs
        path = target / "manifest.json"
        path.write_text(json.dumps(manifest(conn), indent=2, ensure_ascii=False) + "\n")
        written.append(path)
    return written


def _write_daily(conn: sqlite3.Connection, path: Path, format: str) -> bool:
    wrote = False
    writer = None
    try:
        for frame in daily_frames(conn):
            if format == "csv":
                frame.to_csv(path, index=False, mode="a" if wrote else "w", header=not wrote)
            else:
                import pyarrow as pa
                import pyarrow.parquet as pq

                table = pa.Table.from_pandas(frame, preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(path, table.schema)
                writer.write_table(table.cast(writer.schema))
            wrote = True
    finally:
        if writer is not None:
            writer.close()
    return wrote


def manifest(conn: sqlite3.Connection) -> dict[str, Any]:
    """The store's provenance as a dict: meta, number of points and runs, every session."""
    meta = {k: v for k, v in conn.execute("SELECT key, value FROM meta")}
    if "identity" in meta:
        meta["identity"] = json.loads(meta["identity"])
    cur = conn.execute("SELECT * FROM sessions ORDER BY session")
    names = [d[0] for d in cur.description]
    sessions = []
    for row in cur:
        s = dict(zip(names, row, strict=True))
        for k in ("seeds", "libraries"):
            s[k] = json.loads(s[k])
        sessions.append(s)
    counts = dict(conn.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall())
    return {
        "meta": meta,
        "points": conn.execute("SELECT count(*) FROM points").fetchone()[0],
        "runs": {"ok": counts.get("ok", 0), "failed": counts.get("failed", 0)},
        "sessions": sessions,
    }
