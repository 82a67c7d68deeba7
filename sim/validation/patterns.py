"""Pattern targets: what the sources say about the community, as tests on the runs' KPI means.

The article gives no numbers to fit, only patterns ("staff were overloaded by tasks from above",
"after the reforms they serve residents"); the context figures give a few more (DOMAIN.md).  A
pattern here is one such statement with its source and an *expression* over the mean KPIs of the
2002 baseline and the 2014 package (``y2002.staff.overtime_h_per_staff > 0``,
``y2014.staff.service_time_share > y2002.staff.service_time_share``).  An expression is parsed once
and checked against a small grammar - numbers, ``y2002.<kpi>`` / ``y2014.<kpi>``, ``+ - * /``,
``abs()``, comparisons, ``and`` / ``or`` - so a calibration file cannot run code, and a typo in a
KPI name is an error naming the file and key, not a pattern that silently fails.

A parameter set is *accepted* when the means over its replications meet every pattern
(:func:`judge_sets`); a KPI that is missing or not a number fails its pattern, since it cannot be
shown to hold.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sim.experiments.experiment import ExperimentError

if TYPE_CHECKING:
    import pandas as pd

#: The runs a pattern may name: its prefix in an expression, and the scenario file.
RUNS = {"y2002": "baseline_2002.toml", "y2014": "changsha_2014.toml"}


class CalibrationError(ExperimentError):
    """A bad calibration file: one line naming the file and the key."""


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
        if not isinstance(node, allowed) or (isinstance(node, ast.Constant) and not is_number(node.value)):
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


def is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


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
