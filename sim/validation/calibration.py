"""Pattern-oriented calibration: which settings of the uncertain assumptions reproduce what the
sources say about the community before and after the reforms?

The article gives no numbers to fit, only patterns ("staff were overloaded by tasks from above",
"after the reforms they serve residents"); the context figures give a few more (DOMAIN.md).  So,
as in pattern-oriented modelling (Grimm et al. 2005) and EMA Workbench's scenario discovery, the
uncertain parameters are sampled (a Latin hypercube over stated ranges), every sampled *set* is
run for the 2002 baseline and the 2014 package with common random numbers, and a set is
*accepted* when the means over its replications meet every pattern.  Nothing is optimised: the
accepted sets are the ones the evidence cannot reject, and how many there are is itself a result.

The same sweep runs every reform file that carries a claim, so the claims' robustness (in how many
accepted sets each holds, :mod:`sim.validation.robustness`) is read from the same runs.

The targets and ranges live in ``experiments/calibration/patterns.toml``, written before any run.  The runs
go through :func:`sim.sweep` (a crossed design: the scenarios as levers, the sample as
uncertainties), so they are kept in an SQLite store and an interrupted calibration resumes.
"""

from __future__ import annotations

import ast
import math
import operator
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.experiments.experiment import ExperimentError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from sim.reforms import Claim

SPEC = Path(__file__).resolve().parents[2] / "experiments" / "calibration" / "patterns.toml"
#: The runs a pattern may name: its prefix in an expression, and the scenario file.
RUNS = {"y2002": "baseline_2002.toml", "y2014": "changsha_2014.toml"}
TOP_KEYS = ("name", "seed", "replications", "samples", "days", "residents", "quick", "pattern", "parameters")
QUICK_KEYS = ("seed", "replications", "samples", "days", "residents")


class CalibrationError(ExperimentError):
    """A bad calibration file: one line naming the file and the key."""


# -- pattern expressions --------------------------------------------------------------------------

_BINOPS: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_CMPOPS: dict[type, Callable[[float, float], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


def _dotted(node: ast.AST) -> str | None:
    """``y2002.staff.admin_time_share`` parses as nested attributes: give the dotted name back."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


@dataclass(frozen=True)
class Pattern:
    """One pattern target: what the sources say, and the test of it on the runs' KPI means."""

    id: str
    text: str
    expression: str
    source: str
    tree: ast.Expression = field(repr=False, compare=False)  # parse_expression(expression)

    @property
    def references(self) -> list[tuple[str, str]]:
        """The (run, KPI) pairs the expression reads, e.g. ("y2002", "staff.admin_time_share")."""
        out: list[tuple[str, str]] = []
        for name in _names(self.tree):
            run, _, kpi = name.partition(".")
            if (run, kpi) not in out:
                out.append((run, kpi))
        return out

    def evaluate(self, values: Mapping[str, float]) -> bool:
        """The pattern on one parameter set: ``values`` maps "y2002.<kpi>" to its mean.  A KPI
        that is missing or not a number fails the pattern (it cannot be shown to hold)."""
        result = _eval(self.tree.body, values)
        return bool(result) if not (isinstance(result, float) and math.isnan(result)) else False


def _names(node: ast.AST) -> list[str]:
    """The whole dotted names in an expression (the outermost attribute of each chain)."""
    if isinstance(node, ast.Attribute):
        return [_dotted(node) or ""]
    return [n for child in ast.iter_child_nodes(node) for n in _names(child)]


def _eval(node: ast.AST, values: Mapping[str, float]) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.Attribute):
        name = _dotted(node)
        v = values.get(name or "")
        return math.nan if v is None else float(v)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_eval(node.operand, values)
    if isinstance(node, ast.BinOp):
        a, b = _eval(node.left, values), _eval(node.right, values)
        if isinstance(node.op, ast.Div) and b == 0:
            return math.nan
        return _BINOPS[type(node.op)](a, b)
    if isinstance(node, ast.Call):  # only abs(), checked at parse time
        return abs(_eval(node.args[0], values))
    if isinstance(node, ast.Compare):
        left = _eval(node.left, values)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _eval(right_node, values)
            if math.isnan(left) or math.isnan(right) or not _CMPOPS[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.BoolOp):
        vals = [bool(_eval(v, values)) for v in node.values]
        return all(vals) if isinstance(node.op, ast.And) else any(vals)
    raise AssertionError(f"unchecked node {ast.dump(node)}")  # parse_expression lets none through


def parse_expression(text: str, src: str = "", key: str = "expression") -> ast.Expression:
    """Parse and check a pattern's expression: numbers, y2002.<kpi> / y2014.<kpi>, + - * /, abs(),
    comparisons, and/or; its top is a comparison or a combination of comparisons."""
    from sim.kpis import KPIS

    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as e:
        raise CalibrationError(src, key, f"not an expression ({e.msg}): {text!r}") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            name = _dotted(node)
            if name is None:
                raise CalibrationError(src, key, f"cannot read {ast.unparse(node)!r}")
            continue
        if isinstance(node, ast.Name):
            if node.id not in RUNS and node.id != "abs":
                raise CalibrationError(
                    src, key, f"unknown name {node.id!r}: write y2002.<kpi> or y2014.<kpi>"
                )
            continue
        allowed = (
            ast.Expression,
            ast.Constant,
            ast.UnaryOp,
            ast.USub,
            ast.BinOp,
            ast.Compare,
            ast.BoolOp,
            ast.And,
            ast.Or,
            ast.Call,
            ast.Load,
            *_BINOPS,
            *_CMPOPS,
        )
        if not isinstance(node, allowed) or (isinstance(node, ast.Constant) and not _number(node.value)):
            raise CalibrationError(src, key, f"{ast.unparse(node)!r} is not allowed in a pattern")
        if isinstance(node, ast.Call) and (
            not isinstance(node.func, ast.Name)
            or node.func.id != "abs"
            or len(node.args) != 1
            or node.keywords
        ):
            raise CalibrationError(src, key, "the only function is abs(x)")
    for name in _names(tree):
        run, _, kpi = name.partition(".")
        if run not in RUNS:
            raise CalibrationError(src, key, f"{name!r}: start with y2002. or y2014.")
        if kpi not in KPIS:
            raise CalibrationError(src, key, f"unknown KPI {kpi!r} (govsim kpis lists them)")
    if not isinstance(tree.body, (ast.Compare, ast.BoolOp)):
        raise CalibrationError(src, key, "must be a comparison, e.g. y2002.staff.overtime_h_per_staff > 0")
    return tree


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


# -- the calibration file -------------------------------------------------------------------------


@dataclass(frozen=True)
class Uncertain:
    """An uncertain parameter: the range the Latin hypercube samples, and why that range."""

    key: str
    low: float
    high: float
    reason: str


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
    from sim.parameters import PARAMS

    for k in doc:
        if k not in TOP_KEYS:
            raise CalibrationError(src, k, f"unknown key; allowed: {', '.join(TOP_KEYS)}")
    q = doc.get("quick", {})
    if not isinstance(q, Mapping) or any(k not in QUICK_KEYS for k in q):
        raise CalibrationError(src, "quick", f"a table with keys among {', '.join(QUICK_KEYS)}")
    merged = {**doc, **q} if quick else dict(doc)

    def count(key: str, default: int | None, low: int, high: int) -> int | None:
        v = merged.get(key, default)
        if v is None:
            return None
        if not isinstance(v, int) or isinstance(v, bool) or not low <= v <= high:
            raise CalibrationError(src, key, f"must be a whole number from {low} to {high:,}, got {v!r}")
        return v

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
        if not (isinstance(rng, list) and len(rng) == 2 and all(_number(x) for x in rng) and rng[0] < rng[1]):
            raise CalibrationError(src, f"{where}.range", f"must be [low, high] with low < high, got {rng!r}")
        if not isinstance(spec.get("reason"), str) or not spec["reason"].strip():
            raise CalibrationError(
                src, f"{where}.reason", "say why this range (the source or the assumption)"
            )
        params.append(Uncertain(key, float(rng[0]), float(rng[1]), spec["reason"]))

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
    )


# -- acceptance -----------------------------------------------------------------------------------


def judge_sets(means: pd.DataFrame, patterns: Sequence[Pattern]) -> pd.DataFrame:
    """One row per parameter set (``means``: one row per set, columns "y2002.<kpi>" ...): a column
    per pattern (met or not) and ``accepted`` (every pattern met).  A pure function of the means."""
    import pandas as pd

    out = pd.DataFrame(index=means.index)
    records = means.to_dict("index")
    for p in patterns:
        out[p.id] = [p.evaluate(records[i]) for i in means.index]
    out["accepted"] = out[[p.id for p in patterns]].all(axis=1) if patterns else True
    return out


# -- running --------------------------------------------------------------------------------------


def scenarios(
    scenarios_dir: str | Path, claims: Sequence[Claim], residents: int | None = None
) -> dict[str, Any]:
    """Label -> scenario: the two pattern runs, then every reform file that carries a claim."""
    from sim.scenario import load_scenario

    root = Path(scenarios_dir)
    files = {label: root / f for label, f in RUNS.items()}
    for c in claims:
        files.setdefault(c.reform, root / "reforms" / f"{c.reform}.toml")
    out = {}
    for label, f in files.items():
        sc = load_scenario(f)
        out[label] = sc if residents is None else sc.with_changes({"population.residents": residents})
    return out


def experiment(spec: Spec, scenarios_dir: str | Path, claims: Sequence[Claim]) -> Any:
    """The calibration as a crossed sweep: every scenario (a lever) against the same Latin
    hypercube of the uncertain parameters, with the same replication seeds everywhere."""
    from sim.experiments.experiment import experiment_from_mapping

    runs = scenarios(scenarios_dir, claims, spec.residents)
    # Little's law is checked in every run of the validation, these included.
    kpis = list(
        dict.fromkeys([*spec.kpis, *(c.kpi for c in claims), "verify.little_L", "verify.little_lambda_W"])
    )
    doc: dict[str, Any] = {
        "name": spec.name + (" (quick)" if spec.quick else ""),
        "seed": spec.seed,
        "replications": spec.replications,
        "kpis": kpis,
        "factors": {
            "scenario": {"values": list(runs.values()), "labels": list(runs), "role": "lever"},
            **{p.key: {"range": [p.low, p.high], "role": "uncertainty"} for p in spec.parameters},
        },
        "design": {"kind": "crossed", "uncertainty_samples": spec.samples, "uncertainty_sampler": "lhs"},
    }
    if spec.days is not None:
        doc["days"] = spec.days
    return experiment_from_mapping(doc, source=spec.source)


@dataclass
class Calibration:
    """What a calibration found."""

    spec: Spec
    sets: pd.DataFrame  # one row per set: its parameter values, the pattern runs' KPI means, verdicts
    runs: pd.DataFrame  # one row per run: set, scenario, replication, KPIs
    store: Path

    @property
    def accepted(self) -> pd.DataFrame:
        return self.sets[self.sets["accepted"]]

    def pattern_counts(self) -> pd.DataFrame:
        """Per pattern (and all of them): how many sets met it."""
        import pandas as pd

        rows = [
            {
                "pattern": p.id,
                "text": p.text,
                "expression": p.expression,
                "source": p.source,
                "met": int(self.sets[p.id].sum()),
                "sets": len(self.sets),
            }
            for p in self.spec.patterns
        ]
        rows.append(
            {
                "pattern": "all",
                "text": "every pattern at once (accepted)",
                "expression": " and ".join(f"({p.id})" for p in self.spec.patterns),
                "source": "",
                "met": int(self.sets["accepted"].sum()),
                "sets": len(self.sets),
            }
        )
        return pd.DataFrame(rows)


def calibrate(
    spec: Spec,
    scenarios_dir: str | Path,
    claims: Sequence[Claim],
    store: str | Path,
    workers: int | None = None,
    progress: bool = False,
) -> Calibration:
    """Run (or resume) the calibration sweep and judge every set against the patterns."""
    from sim.experiments.sweep import sweep

    exp = experiment(spec, scenarios_dir, claims)
    res = sweep(exp, store=store, workers=workers, progress=progress, yes=True, command="govsim calibrate")
    if res.interrupted:
        raise RuntimeError(f"calibration interrupted; run it again to resume from {store}")
    runs = res.runs
    failed = runs[runs["status"] != "ok"]
    if len(failed):
        raise RuntimeError(f"{len(failed)} calibration runs failed, first: {failed['error'].iloc[0]}")
    # In a crossed design the first lever is slowest and every lever setting meets the same sample
    # in the same order (sim.experiments.design.crossed_rows): the set is the point modulo N.
    runs = runs.assign(set=runs["point"] % spec.samples)
    per_cell = runs.groupby(["set", "scenario"]).size()
    expected = spec.samples * runs["scenario"].nunique()
    if len(per_cell) != expected or (per_cell != spec.replications).any():
        raise RuntimeError(f"calibration store {store} does not hold every run of every set; run again")
    return Calibration(spec, sets_table(runs, spec), runs, Path(store))


def sets_table(runs: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """One row per set: its parameter values, the KPI means of the pattern runs, the verdicts."""
    keys = [p.key for p in spec.parameters]
    values = runs.drop_duplicates("set").set_index("set")[keys].sort_index()
    means = {}
    for prefix in RUNS:
        sub = runs[runs["scenario"] == prefix].groupby("set")[spec.kpis].mean()
        means[prefix] = sub.add_prefix(prefix + ".")
    table = values.join(means["y2002"]).join(means["y2014"])
    verdicts = judge_sets(table, spec.patterns)
    return table.join(verdicts).reset_index()


# -- evidence ---------------------------------------------------------------------------------------


def figure(cal: Calibration) -> Figure:
    """Left: how many sets met each pattern (and all).  Right: the accepted sets' parameter values
    across each range (unit scale), so one sees which parameters the patterns constrain."""
    from matplotlib.figure import Figure

    counts = cal.pattern_counts()
    fig = Figure(figsize=(11, 0.35 * max(len(counts), len(cal.spec.parameters)) + 1.6), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    y = range(len(counts))[::-1]
    ax1.barh(list(y), counts["met"], color=["#4c72b0"] * (len(counts) - 1) + ["#dd8452"])
    ax1.set_yticks(list(y), counts["pattern"], fontsize=8)
    ax1.set_xlim(0, max(1, len(cal.sets)))
    ax1.set_xlabel(f"parameter sets meeting the pattern (of {len(cal.sets)})", fontsize=8)
    ax1.set_title("Pattern targets", fontsize=9)
    ax1.grid(axis="x", alpha=0.3)
    acc = cal.accepted
    for i, p in enumerate(cal.spec.parameters):
        u_all = (cal.sets[p.key] - p.low) / (p.high - p.low)
        ax2.scatter(u_all, [i] * len(u_all), s=8, color="lightgrey")
        if len(acc):
            ax2.scatter((acc[p.key] - p.low) / (p.high - p.low), [i] * len(acc), s=14, color="#dd8452")
    ax2.set_yticks(range(len(cal.spec.parameters)), [p.key for p in cal.spec.parameters], fontsize=7)
    ax2.set_xlim(-0.05, 1.05)
    ax2.set_xlabel("position in the range (0 = low, 1 = high); orange: accepted sets", fontsize=8)
    ax2.set_title("Sampled sets (grey) and accepted sets", fontsize=9)
    return fig


def write(out: str | Path, cal: Calibration) -> list[Path]:
    """``calibration_patterns.csv``, ``calibration_sets.csv``, ``calibration_accepted.csv`` and
    ``calibration.png`` in ``out``."""
    from sim.figures import figure_png

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = [
        out / "calibration_patterns.csv",
        out / "calibration_sets.csv",
        out / "calibration_accepted.csv",
        out / "calibration.png",
    ]
    cal.pattern_counts().to_csv(files[0], index=False)
    cal.sets.to_csv(files[1], index=False)
    cal.accepted.to_csv(files[2], index=False)
    files[3].write_bytes(figure_png(figure(cal)))
    return files


def summary_lines(cal: Calibration) -> list[str]:
    """The calibration's section of the validation README."""
    counts = cal.pattern_counts()
    n = len(cal.sets)
    s = cal.spec
    lines = [
        f"A Latin hypercube of {n} sets over {len(s.parameters)} uncertain parameters "
        f"(`experiments/calibration/patterns.toml`, ranges and reasons there), each run for the "
        f"2002 baseline "
        f"and the 2014 package with {s.replications} replications under common random numbers"
        + (f", {s.days} days" if s.days else ", a year")
        + (f", {s.residents} residents" if s.residents else "")
        + ". A set is accepted when the means over its replications meet every pattern. The patterns "
        "and thresholds were written before the first run and are not moved after it.",
        "",
        f"**{int(cal.sets['accepted'].sum())} of {n} sets meet every pattern.**",
        "",
        "| pattern | test | source | sets meeting it |",
        "|---|---|---|---|",
    ]
    for r in counts.itertuples():
        if r.pattern == "all":
            lines.append(f"| **all of them** | | | **{r.met} of {r.sets}** |")
        else:
            src = " ".join(r.source.split())
            lines.append(f"| {r.text} | `{r.expression}` | {src} | {r.met} of {r.sets} |")
    lines += [
        "",
        "![calibration](calibration.png)",
        "",
        "| uncertain parameter | range | why |",
        "|---|---|---|",
    ]
    lines += [f"| `{p.key}` | {p.low:g} - {p.high:g} | {p.reason} |" for p in s.parameters]
    lines.append("")
    return lines


def report(cal: Calibration, robust: pd.DataFrame, basis: str) -> str:
    """``calibration.md``: the targets, how many sets met them, and the claims' robustness."""
    from sim.validation.claims import fmt_diff
    from sim.validation.robustness import basis_sentence

    lines = [
        "# Calibration to pattern targets",
        "",
        "Generated by `govsim calibrate`; see `sim/validation/calibration.py`.",
        "",
    ]
    lines += summary_lines(cal)
    lines += [
        "## Robustness of the claims",
        "",
        basis_sentence(int(robust["sets"].max()) if len(robust) else 0, basis, len(cal.sets)),
        "",
        "| claim (reform file) | KPI, claimed, threshold | median difference | holds in |",
        "|---|---|---|---|",
    ]
    for r in robust.itertuples():
        lines.append(
            f"| {r.claim} (`{r.reform}`) | `{r.kpi}` {r.claimed} by more than "
            f"{fmt_diff(r.kpi, r.threshold).lstrip('+')} | {fmt_diff(r.kpi, r.diff_median)} | "
            f"{r.holds_in} of {r.sets} {basis} sets |"
        )
    lines.append("")
    return "\n".join(lines)
