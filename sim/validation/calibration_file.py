"""The calibration file (``experiments/calibration/patterns.toml``): pattern targets, the uncertain
parameters with the range each is sampled over and why, and the sizes of the runs.

It is written before any run and read here into a checked :class:`Spec`: an unknown key, a
pattern that does not parse (:func:`sim.validation.patterns.parse_expression`), a parameter the
schema does not know or a range without a reason is an error naming the file and the key.  Its
``[quick]`` table gives smaller sizes that check the pipeline only.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.validation.patterns import CalibrationError, Pattern, is_number, parse_expression

SPEC = Path(__file__).resolve().parents[2] / "experiments" / "calibration" / "patterns.toml"
TOP_KEYS = (
    "name",
    "seed",
    "replications",
    "samples",
    "days",
    "residents",
    "search",
    "confirm",
    "quick",
    "pattern",
    "parameters",
)
QUICK_KEYS = ("seed", "replications", "samples", "days", "residents", "search", "confirm")
SEARCH_KEYS = ("wanted", "samples", "rounds", "width")
CONFIRM_KEYS = ("replications", "seed", "candidates")


@dataclass(frozen=True)
class Uncertain:
    """An uncertain parameter: the range the Latin hypercube samples, and why that range."""

    key: str
    low: float
    high: float
    reason: str


@dataclass(frozen=True)
class Search:
    """The search after the Latin hypercube: while fewer than ``wanted`` sets are accepted, up to
    ``rounds`` rounds of ``samples`` new sets, each an accepted set moved by up to ``width`` of
    every range (uniformly, within the range)."""

    wanted: int = 50
    samples: int = 128
    rounds: int = 4
    width: float = 0.25


@dataclass(frozen=True)
class Confirm:
    """Which accepted set is shipped as the defaults: the accepted sets are tried from the most
    central (the medoid) outwards, at most ``candidates`` of them, and the first whose 2002 and
    2014 runs still meet every pattern over ``replications`` new replications (from ``seed``) is
    the one.  A set is accepted on the mean of a few replications, so one near a threshold can meet
    it by chance; the shipped defaults should not."""

    replications: int = 10
    seed: int = 12
    candidates: int = 10


@dataclass(frozen=True)
class Spec:
    """A validated calibration file."""

    source: str
    name: str
    seed: int
    replications: int
    samples: int
    patterns: tuple[Pattern, ...]
    parameters: tuple[Uncertain, ...]
    days: int | None = None
    residents: int | None = None
    quick: bool = False
    search: Search = Search()
    confirm: Confirm = Confirm()

    @property
    def kpis(self) -> list[str]:
        return list(dict.fromkeys(k for p in self.patterns for _, k in p.references))


def load_spec(path: str | Path | None = None, *, quick: bool = False) -> Spec:
    """Read and check a calibration file (default :data:`SPEC`); errors name the file and key."""
    path = Path(path) if path is not None else SPEC
    src = str(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise CalibrationError(src, None, f"cannot read: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise CalibrationError(src, None, f"not valid TOML: {e}") from None
    return spec_from_mapping(doc, src, quick=quick)


def spec_from_mapping(doc: Mapping[str, Any], src: str = "<calibration>", *, quick: bool = False) -> Spec:
    for k in doc:
        if k not in TOP_KEYS:
            raise CalibrationError(src, k, f"unknown key; allowed: {', '.join(TOP_KEYS)}")
    q = doc.get("quick", {})
    if not isinstance(q, Mapping) or any(k not in QUICK_KEYS for k in q):
        raise CalibrationError(src, "quick", f"a table with keys among {', '.join(QUICK_KEYS)}")
    merged = {**doc, **q} if quick else dict(doc)
    for table in ("search", "confirm"):
        if quick and isinstance(q.get(table), Mapping) and isinstance(doc.get(table), Mapping):
            merged[table] = {**doc[table], **q[table]}

    def count(key: str, default: int | None, low: int, high: int) -> int | None:
        v = merged.get(key, default)
        if v is None:
            return None
        if not isinstance(v, int) or isinstance(v, bool) or not low <= v <= high:
            raise CalibrationError(src, key, f"must be a whole number from {low} to {high:,}, got {v!r}")
        return v

    patterns = _patterns(doc, src)
    params = _uncertain(doc, src)
    name = merged.get("name", "calibration")
    if not isinstance(name, str) or not name.strip():
        raise CalibrationError(src, "name", "must be a non-empty string")
    return Spec(
        source=src,
        name=name,
        seed=count("seed", 1, 0, 2**32 - 1) or 0,
        replications=count("replications", 2, 1, 100) or 1,
        samples=count("samples", 64, 1, 100_000) or 1,
        patterns=tuple(patterns),
        parameters=tuple(params),
        days=count("days", None, 1, 366 * 20),
        residents=count("residents", None, 10, 1_000_000),
        quick=quick,
        search=_search(merged.get("search", {}), src),
        confirm=_confirm(merged.get("confirm", {}), src),
    )


def _search(table: Any, src: str) -> Search:
    """The ``[search]`` table (every key optional)."""
    bounds = {"wanted": (1, 100_000), "samples": (1, 100_000), "rounds": (0, 100)}
    out = _whole_numbers(table, "search", SEARCH_KEYS, bounds, Search, src)
    width = table.get("width", Search.width)
    if not is_number(width) or not 0 < width <= 1:
        raise CalibrationError(
            src, "search.width", f"must be a share of each range, above 0 and at most 1, got {width!r}"
        )
    return Search(width=float(width), **out)


def _confirm(table: Any, src: str) -> Confirm:
    """The ``[confirm]`` table (every key optional)."""
    bounds = {"replications": (1, 1000), "seed": (0, 2**32 - 1), "candidates": (1, 100_000)}
    return Confirm(**_whole_numbers(table, "confirm", CONFIRM_KEYS, bounds, Confirm, src))


def _whole_numbers(
    table: Any, name: str, keys: tuple[str, ...], bounds: dict[str, tuple[int, int]], defaults: type, src: str
) -> dict[str, int]:
    """The whole-number keys of a sub-table (``bounds``: key -> allowed range), each defaulting to
    the ``defaults`` class's value; the table may hold only ``keys``."""
    if not isinstance(table, Mapping) or any(k not in keys for k in table):
        raise CalibrationError(src, name, f"a table with keys among {', '.join(keys)}")
    out = {}
    for key, (low, high) in bounds.items():
        v = table.get(key, getattr(defaults, key))
        if not isinstance(v, int) or isinstance(v, bool) or not low <= v <= high:
            raise CalibrationError(
                src, f"{name}.{key}", f"must be a whole number from {low} to {high:,}, got {v!r}"
            )
        out[key] = v
    return out


def _patterns(doc: Mapping[str, Any], src: str) -> list[Pattern]:
    """The ``[[pattern]]`` tables, each checked, with distinct ids."""
    patterns = []
    raw = doc.get("pattern", [])
    if not isinstance(raw, list) or not raw:
        raise CalibrationError(src, "pattern", "give at least one [[pattern]] table")
    for i, p in enumerate(raw):
        where = f"pattern[{i}]"
        if not isinstance(p, Mapping):
            raise CalibrationError(src, where, "must be a table")
        for k in ("id", "text", "expression", "source"):
            if not isinstance(p.get(k), str) or not p[k].strip():
                raise CalibrationError(src, f"{where}.{k}", "must be a non-empty string")
        extra = set(p) - {"id", "text", "expression", "source"}
        if extra:
            raise CalibrationError(
                src, f"{where}.{sorted(extra)[0]}", "unknown key; allowed: id, text, expression, source"
            )
        tree = parse_expression(p["expression"], src, f"{where}.expression")
        patterns.append(Pattern(p["id"], p["text"], p["expression"], p["source"], tree))
    ids = [p.id for p in patterns]
    if len(set(ids)) != len(ids):
        raise CalibrationError(
            src, "pattern", f"two patterns share the id {next(i for i in ids if ids.count(i) > 1)!r}"
        )
    return patterns


def _uncertain(doc: Mapping[str, Any], src: str) -> list[Uncertain]:
    """The ``[parameters."key"]`` tables: a known parameter, a range and the reason for it."""
    from sim.parameters import PARAMS

    params = []
    table = doc.get("parameters", {})
    if not isinstance(table, Mapping) or not table:
        raise CalibrationError(
            src, "parameters", 'give the uncertain parameters: [parameters."key"] range = [lo, hi]'
        )
    for key, spec in table.items():
        where = f"parameters.{key}"
        # A parameter, or one group's entry of a per-group parameter (needs.take_leave_prob.commuter);
        # the sweep checks the values against each parameter's own bounds.
        if key not in PARAMS and key.rpartition(".")[0] not in PARAMS:
            raise CalibrationError(src, where, "unknown parameter (govsim params lists them)")
        if not isinstance(spec, Mapping) or set(spec) - {"range", "reason"}:
            raise CalibrationError(src, where, "a table with range = [lo, hi] and reason = '...'")
        rng = spec.get("range")
        numbers = isinstance(rng, list) and len(rng) == 2 and all(is_number(x) for x in rng)
        if not (numbers and rng[0] < rng[1]):
            raise CalibrationError(src, f"{where}.range", f"must be [low, high] with low < high, got {rng!r}")
        if not isinstance(spec.get("reason"), str) or not spec["reason"].strip():
            raise CalibrationError(
                src, f"{where}.reason", "say why this range (the source or the assumption)"
            )
        params.append(Uncertain(key, float(rng[0]), float(rng[1]), spec["reason"]))
    return params
