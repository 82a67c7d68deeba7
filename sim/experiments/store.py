"""The SQLite store of a sweep: every finished run, written as it arrives, and where it came from.

One file holds one experiment.  Tables:

``meta``      key/value: schema version, experiment name, and its identity (what must match
              for a rerun to add to this store: factors, design kind, seed, days, KPIs kept)
``points``    one row per design point: its index, scenario hash and factor values (JSON)
``runs``      one row per run: ``run_id`` (primary key), scenario hash, replication, seed, days,
              ``status`` ('ok' or 'failed'), ``error``, seconds, worker, finish time, session
``kpis``      one row per run and KPI (long, so a store can keep any set of KPIs)
``daily``     one row per run and day, when the experiment keeps daily series
``sessions``  the provenance manifest: one row per invocation of the sweep, with the experiment
              file's text and hash, package, Python and library versions, host, command, seeds,
              start and end times and how it ended

A run id is a hash of (scenario content hash, replication, seed, days): the same run always gets
the same id, whichever design point asked for it.  Each run is written in one transaction, in WAL
mode, so a coordinator killed at any moment leaves every committed run intact and nothing half
written; the next sweep skips the runs already there.  ``synchronous = NORMAL`` is enough for
that (a commit survives the death of the process; only a power cut can lose the last ones).

Only the coordinator writes.  It holds an exclusive ``flock`` on the store file itself, so a
second sweep is refused whatever path it names the store by (a symlink, a hard link, ``..``): the
lock belongs to the file (device and inode), not to a path string.  The operating system
releases it when the process dies, however it dies.  (``flock`` locks are separate from the POSIX
record locks SQLite takes on the same file.)  Nothing is created before the path is known to be
usable: a regular file that is an SQLite database holding a govsim store, or nothing yet in a
writable folder.  A session still marked ``running`` when the lock is taken belongs to a
coordinator that was killed: it is marked ``killed``, with the runs it left in the store counted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from sim import paths

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS points (
    point INTEGER PRIMARY KEY,
    scenario_hash TEXT NOT NULL,
    scenario TEXT NOT NULL,
    factors TEXT NOT NULL,
    shown TEXT NOT NULL,
    unit TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    scenario_hash TEXT NOT NULL,
    replication INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    days INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    error TEXT,
    seconds REAL,
    worker TEXT,
    finished TEXT NOT NULL,
    session INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_scenario ON runs (scenario_hash, replication);
CREATE TABLE IF NOT EXISTS kpis (
    run_id TEXT NOT NULL,
    kpi TEXT NOT NULL,
    value REAL,
    PRIMARY KEY (run_id, kpi)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS daily (
    run_id TEXT NOT NULL,
    day INTEGER NOT NULL,
    date TEXT,
    PRIMARY KEY (run_id, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions (
    session INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL,
    experiment TEXT NOT NULL,
    experiment_file TEXT NOT NULL,
    experiment_sha256 TEXT NOT NULL,
    experiment_text TEXT NOT NULL,
    quick INTEGER NOT NULL,
    replications INTEGER NOT NULL,
    base_seed INTEGER NOT NULL,
    seeds TEXT NOT NULL,
    govsim_version TEXT NOT NULL,
    python TEXT NOT NULL,
    libraries TEXT NOT NULL,
    host TEXT NOT NULL,
    platform TEXT NOT NULL,
    command TEXT NOT NULL,
    workers TEXT,
    scheduler TEXT,
    timeout REAL,
    runs_planned INTEGER,
    runs_done INTEGER NOT NULL DEFAULT 0,
    runs_failed INTEGER NOT NULL DEFAULT 0
);
"""


class StoreError(Exception):
    """The store cannot be used for this sweep; the message says why and what to do."""


class StoreBusy(StoreError):
    """Another process is writing to the store."""


def run_id(scenario_hash: str, replication: int, seed: int, days: int) -> str:
    """The id of a run: the same scenario, replication, seed and length always give the same id."""
    text = f"{scenario_hash}|{int(replication)}|{int(seed)}|{int(days)}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _real(v: Any) -> float | None:
    """A KPI value as SQLite stores it: NaN becomes NULL (SQLite has no NaN), read back as NaN."""
    if v is None:
        return None
    f = float(v)
    return None if math.isnan(f) else f


SQLITE_HEADER = b"SQLite format 3\x00"


def check_store_file(path: str | Path, must_exist: bool = False) -> Path:
    """``path`` if it can be a store: an SQLite file (or, unless ``must_exist``, nothing yet in a
    usable folder).  Reads 16 bytes at most; creates nothing."""
    try:
        p = paths.store_file(path)
    except paths.InputError as e:
        raise StoreError(str(e)) from None
    try:
        with open(p, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        if must_exist:
            raise StoreError(f"{paths.shown(p)}: no such store") from None
        return p
    except OSError as e:
        raise StoreError(f"{paths.shown(p)}: cannot read the store: {e.strerror}") from None
    if head and head != SQLITE_HEADER:
        raise StoreError(
            f"{paths.shown(p)}: not a govsim store (not an SQLite database); use another --store"
        )
    return p


def connect(path: str | Path, readonly: bool = False) -> sqlite3.Connection:
    """A connection in WAL mode (readers never block the writer, nor the writer them)."""
    if readonly:
        check_store_file(path, must_exist=True)
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True, timeout=30)
    else:
        conn = sqlite3.connect(str(path), timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def stored_run_ids(path: str | Path, ok_only: bool = True) -> set[str]:
    """Run ids already in the store at ``path`` (read only; nothing is created or changed)."""
    conn = connect(path, readonly=True)
    try:
        sql = "SELECT run_id FROM runs" + (" WHERE status = 'ok'" if ok_only else "")
        return {r for (r,) in conn.execute(sql)}
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{paths.shown(path)}: not a govsim store ({e})") from None
    finally:
        conn.close()


class Store:
    """The writer's view of a store (the sweep's coordinator); see the module docstring."""

    def __init__(self, path: str | Path) -> None:
        self.path = check_store_file(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"{paths.shown(self.path)}: cannot create its folder: {e.strerror}") from None
        self._lock_fd = self._lock()
        try:
            self._check_sqlite()  # before connect(): switching to WAL would change a foreign file
            try:
                self.conn = connect(self.path)
            except sqlite3.DatabaseError as e:
                raise StoreError(f"{paths.shown(self.path)}: not a usable SQLite store ({e})") from None
            with self.conn:
                self.conn.executescript(SCHEMA)
                version = self.get_meta("schema_version")
                if version is None:
                    self.set_meta("schema_version", str(SCHEMA_VERSION))
                elif int(version) != SCHEMA_VERSION:
                    raise StoreError(
                        f"{self.path}: store schema {version}, this govsim writes {SCHEMA_VERSION}"
                    )
            self.daily_columns = {r[1] for r in self.conn.execute("PRAGMA table_info(daily)")}
            self.killed = self._mark_killed_sessions()
        except BaseException:
            self.close()
            raise

    def _check_sqlite(self) -> None:
        """An SQLite database that is empty or holds a govsim store, nothing else (only reads)."""
        probe = sqlite3.connect(str(self.path), timeout=30)
        try:
            tables = {
                name for (name,) in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            version = None
            if "meta" in tables:
                row = probe.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                version = row and row[0]
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{paths.shown(self.path)}: not a govsim store ({e})") from None
        finally:
            probe.close()
        if tables and version is None:
            raise StoreError(
                f"{paths.shown(self.path)}: an SQLite database but not a govsim store "
                f"(it has tables {', '.join(sorted(tables)[:5])}); use another --store"
            )

    def _mark_killed_sessions(self) -> int:
        """Sessions left ``running`` by a coordinator that died (we hold the lock, so none is
        running now): mark them ``killed`` with the runs they stored.  Returns how many."""
        with self.conn:
            cur = self.conn.execute(
                "UPDATE sessions SET status = 'killed', "
                "runs_done = (SELECT count(*) FROM runs r WHERE r.session = sessions.session), "
                "runs_failed = (SELECT count(*) FROM runs r WHERE r.session = sessions.session "
                "AND r.status = 'failed'), "
                "finished = (SELECT max(finished) FROM runs r WHERE r.session = sessions.session) "
                "WHERE status = 'running'"
            )
        return cur.rowcount

    def _lock(self) -> int | None:
        """An exclusive lock on the store file itself (created empty if new: an empty file is
        an empty SQLite database)."""
        try:
            import fcntl
        except ImportError:  # not POSIX: no protection against two writers
            return None
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise StoreError(f"{paths.shown(self.path)}: cannot open the store: {e.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreBusy(
                f"{paths.shown(self.path)} is being written by another sweep; "
                "wait for it, or use another --store"
            ) from None
        return fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            # Only after SQLite's connection is closed: closing any descriptor of a file drops
            # the process's POSIX locks on it, SQLite's included.
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = None

    def close(self) -> None:
        try:
            conn = getattr(self, "conn", None)  # None if the store failed to open
            if conn is not None:
                conn.close()
        finally:
            self._unlock()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- meta and design --

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def bind(self, name: str, identity: Mapping[str, Any], points: Sequence[Any], source: str) -> None:
        """Tie the store to this experiment, or check that it already is.

        The identity (factors, design kind, seed, days, KPIs) must match.  The points must match
        too, except that either list may be a prefix of the other: a Sobol or Saltelli design
        with a larger ``samples`` starts with the points of the smaller one, so a sweep can grow.
        """
        ident = json.dumps(identity, sort_keys=True)
        stored = self.get_meta("identity")
        if stored is not None and stored != ident:
            old = json.loads(stored)
            diff = ", ".join(k for k in sorted(set(old) | set(identity)) if old.get(k) != identity.get(k))
            raise StoreError(
                f"{self.path} holds runs of a different experiment ({self.get_meta('experiment')}; "
                f"differs in: {diff}); use another --store for {source}"
            )
        hashes = [h for (h,) in self.conn.execute("SELECT scenario_hash FROM points ORDER BY point")]
        new = [p.scenario_hash for p in points]
        common = min(len(hashes), len(new))
        if hashes[:common] != new[:common]:
            first = next(i for i in range(common) if hashes[i] != new[i])
            raise StoreError(
                f"{self.path} holds a different design (point {first} differs) of experiment "
                f"{self.get_meta('experiment')}; use another --store for {source}"
            )
        with self.conn:
            if stored is None:
                self.set_meta("identity", ident)
                self.set_meta("experiment", name)
            rows = [
                (
                    p.index,
                    h,
                    p.scenario.name,
                    json.dumps(p.values, default=_json_default, sort_keys=True),
                    json.dumps(p.shown, default=_json_default, sort_keys=True),
                    None if p.unit is None else json.dumps(list(p.unit)),
                )
                for p, h in zip(points[len(hashes) :], new[len(hashes) :], strict=True)
            ]
            self.conn.executemany("INSERT INTO points VALUES (?, ?, ?, ?, ?, ?)", rows)

    # -- sessions (the provenance manifest) --

    def begin_session(self, manifest: Mapping[str, Any]) -> int:
        cols = ", ".join(manifest)
        marks = ", ".join("?" for _ in manifest)
        with self.conn:
            cur = self.conn.execute(
                f"INSERT INTO sessions (started, status, {cols}) VALUES (?, 'running', {marks})",
                (_now(), *manifest.values()),
            )
        assert cur.lastrowid is not None
        return int(cur.lastrowid)

    def end_session(self, session: int, status: str, done: int, failed: int) -> None:
        with self.conn:
            self.conn.execute(
                "UPDATE sessions SET finished = ?, status = ?, runs_done = ?, runs_failed = ? "
                "WHERE session = ?",
                (_now(), status, done, failed, session),
            )

    # -- runs --

    def known_runs(self, include_failed: bool = True) -> set[str]:
        """Run ids already in the store (the ones a resumed sweep skips)."""
        sql = "SELECT run_id FROM runs" + ("" if include_failed else " WHERE status = 'ok'")
        return {r for (r,) in self.conn.execute(sql)}

    def record(
        self,
        rid: str,
        scenario_hash: str,
        replication: int,
        seed: int,
        days: int,
        session: int,
        *,
        kpis: Mapping[str, Any] | None,
        daily: Any = None,
        error: str | None = None,
        seconds: float = 0.0,
        worker: str = "",
    ) -> None:
        """Write one finished run (its KPIs and daily rows, or its failure) in one transaction.

        A run recorded before is replaced (a retried failure); the primary key makes sure a run
        is never in the store twice.
        """
        status = "ok" if error is None else "failed"
        with self.conn:  # one transaction: all of it or, if anything fails, nothing
            self.conn.execute("DELETE FROM kpis WHERE run_id = ?", (rid,))
            self.conn.execute("DELETE FROM daily WHERE run_id = ?", (rid,))
            self.conn.execute(
                "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    rid,
                    scenario_hash,
                    replication,
                    seed,
                    days,
                    status,
                    error,
                    seconds,
                    worker,
                    _now(),
                    session,
                ),
            )
            if kpis:
                self.conn.executemany(
                    "INSERT INTO kpis VALUES (?, ?, ?)", [(rid, k, _real(v)) for k, v in kpis.items()]
                )
            if daily is not None and len(daily):
                self._write_daily(rid, daily)

    def _write_daily(self, rid: str, frame: Any) -> None:
        cols = [c for c in frame.columns if c not in ("run_id",)]
        for c in cols:
            if c not in self.daily_columns:
                # New series (a model that added one): the table grows a column, old runs get NULL.
                self.conn.execute(f'ALTER TABLE daily ADD COLUMN "{c}" REAL')
                self.daily_columns.add(c)
        frame = frame.copy()
        for c in cols:
            if frame[c].dtype == object:
                # Dates as ISO text (sqlite3's implicit date adapter is deprecated since 3.12).
                frame[c] = frame[c].map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v)
        quoted = ", ".join(f'"{c}"' for c in cols)
        marks = ", ".join("?" for _ in range(len(cols) + 1))
        values = (
            frame[cols].astype(object).where(frame[cols].notna(), None).itertuples(index=False, name=None)
        )
        self.conn.executemany(
            f"INSERT INTO daily (run_id, {quoted}) VALUES ({marks})", ((rid, *row) for row in values)
        )


def _json_default(x: Any) -> Any:
    if hasattr(x, "name") and hasattr(x, "content_hash"):  # a Scenario as a factor value
        return {"scenario": x.name, "sha256": x.content_hash()}
    if hasattr(x, "item"):  # numpy scalars
        return x.item()
    raise TypeError(f"cannot store {type(x).__name__} in a store")


# -- reading -------------------------------------------------------------------------------------


def read_points(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT point, scenario_hash, scenario, factors, shown, unit FROM points ORDER BY point"
    )
    return [
        {
            "point": p,
            "scenario_hash": h,
            "scenario": name,
            "values": json.loads(f),
            "shown": json.loads(s),
            "unit": None if u is None else json.loads(u),
        }
        for p, h, name, f, s, u in rows
    ]


def iter_chunks(
    conn: sqlite3.Connection, sql: str, params: Iterable[Any] = (), size: int = 50_000
) -> Iterator[list[Any]]:
    cur = conn.execute(sql, tuple(params))
    while rows := cur.fetchmany(size):
        yield rows
