"""The model's documentation kept honest: the parameter table generated from the schema, and the
checks that tie ``docs/ODD.md`` to the code.

**Code-reference convention of ``docs/ODD.md``.**  Every inline code span (text in single
backticks, outside fenced blocks) is one of:

* a *path* - it contains ``/`` or ends in ``.toml``, ``.md``, ``.py``, ``.csv``, ``.png`` or
  ``.json``; it must exist, relative to the repository root;
* a *parameter key* (``service.one_stop``), a *KPI key* (``grid.response_mean_h``) or a *daily
  series* (``wait_mean_min``); a dotted name that starts like a parameter or KPI section but is
  neither is an error (a typo or a parameter that is gone);
* a *code reference* - any other Python dotted name, optionally ending in ``()``: a module-level
  name of the model's modules (``plan_day``, ``WORKDAY_END_H``), a class attribute or method
  (``CommunityModel.start_day``), an attribute a class sets on its instances
  (``Population.satisfaction``), or a fully qualified name (``sim.staff.plan_day``).  It must
  resolve, by import and attribute lookup, to something that exists;
* anything else (it has a space, a hyphen, ``=``, a quote ...) is plain literal text, such as a
  command line or a schedule, and is not checked.

So a bare word in backticks is a claim that the code has that name.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sim.parameters import CLASSES, GROUPS, PARAMS, SECTIONS, Param
from sim.reforms import MODULES as REFORM_MODULES

#: The modules a bare name in the ODD is looked up in, in this order.
CODE_MODULES = (
    "sim.model",
    "sim.residents",
    "sim.visit_choice",
    "sim.participation",
    "sim.population",
    "sim.needs",
    "sim.memory",
    "sim.neighbours",
    "sim.centre",
    "sim.staff",
    "sim.backoffice",
    "sim.committee",
    "sim.departments",
    "sim.public_space",
    "sim.finance",
    "sim.tally",
    "sim.hall",
    "sim.calendar",
    "sim.rng",
    "sim.kpis",
    "sim.parameters",
    "sim.scenario",
    "sim.run",
    "sim.compare",
    "sim.statistics",
    "sim.queueing",
    "sim.figures",
    "sim.executors",
    "sim.validation.mmc",
    "sim.validation.claims",
    "sim.validation.timeline",
    "sim.validation.evidence",
    "sim.validation.docs",
    "sim.policy",
    "sim.reforms.base",
    *(f"sim.reforms.{m}" for m in REFORM_MODULES),
    *(
        f"sim.district.{m}"
        for m in ("scenario", "reading", "settings", "coupling", "runner", "shard", "results", "spread")
    ),
)
PATH_SUFFIXES = (".toml", ".md", ".py", ".csv", ".png", ".json")
_NAME = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*(\(\))?$")
_SPAN = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)

PARAMETERS_HEADER = """# Parameters

Generated from `sim.parameters.PARAMS` by `govsim params --out docs/parameters.md`: do not edit by
hand. `tests/test_docs.py` fails when this table and the schema disagree in either direction.

The defaults describe one community *before* the reforms (`scenarios/baseline_2002.toml`); the
one-reform files in `scenarios/reforms/` set the 2014 values, and `scenarios/changsha_2014.toml`
applies them all. `docs/ODD.md` says where each parameter acts.

Sources: **article** - a figure from the Changsha Civil Affairs Bureau article (English reading in
`../shared/DOMAIN.md`); **planning** - a published planning figure; **assumption** - our choice,
with the reason. Ranges are what a scenario file may set (the validator refuses anything else).
"""


# -- the parameter table --------------------------------------------------------------------------


def _num(x: float | int) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    return f"{x:g}"


def format_default(p: Param) -> str:
    """A parameter's default as the table shows it."""
    v = p.default
    if p.kind == "bool":
        return "true" if v else "false"
    if p.kind == "schedule":
        return "; ".join(f"{day}: {', '.join(spans)}" for day, spans in v.items())
    if p.kind in ("groups", "classes"):
        names = GROUPS if p.kind == "groups" else CLASSES
        return ", ".join(f"{n} {_num(v[n])}" for n in names)
    if p.kind in ("int", "float"):
        return _num(v)
    return str(v)


def format_range(p: Param) -> str:
    """The values a scenario may set."""
    if p.kind == "bool":
        return "true / false"
    if p.kind == "date":
        return "a date"
    if p.kind == "schedule":
        return "weekly schedule"
    lo, hi = p.lo, p.hi
    each = " each" if p.kind in ("groups", "classes") else ""
    total = " (sum 1)" if p.kind == "classes" or p.key == "population.group_shares" else ""
    if lo is not None and hi is not None:
        return f"{_num(lo)} to {_num(hi)}{each}{total}"
    if lo is not None:
        return f">= {_num(lo)}{each}"
    if hi is not None:
        return f"<= {_num(hi)}{each}"
    return "any"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def schema_rows() -> dict[str, dict[str, str]]:
    """Every parameter's row as the table shows it, keyed by parameter."""
    return {
        p.key: {
            "default": _cell(format_default(p)),
            "unit": _cell(p.unit),
            "range": _cell(format_range(p)),
            "source": _cell(p.source),
            "meaning": _cell(p.doc),
        }
        for p in PARAMS.values()
    }


def source_kind(source: str) -> str:
    """article, planning or assumption (the word before the first colon)."""
    return source.split(":", 1)[0].strip()


def unexplained_assumptions() -> list[str]:
    """Parameters whose source says "assumption" and gives no reason."""
    return [p.key for p in PARAMS.values() if source_kind(p.source) == "assumption" and not _reason(p.source)]


def _reason(source: str) -> str:
    return source.split(":", 1)[1].strip() if ":" in source else ""


def render_parameters() -> str:
    """``docs/parameters.md``: one table per section, every parameter of the schema."""
    rows = schema_rows()
    kinds = [source_kind(p.source) for p in PARAMS.values()]
    counts = {k: kinds.count(k) for k in dict.fromkeys(kinds)}
    bare = unexplained_assumptions()
    lines = [PARAMETERS_HEADER]
    lines.append(
        f"{len(PARAMS)} parameters: "
        + ", ".join(f"{n} {k}" for k, n in counts.items())
        + (
            f". {len(bare)} assumptions do not yet state their reason in the schema: "
            + ", ".join(f"`{k}`" for k in bare)
            + "."
            if bare
            else "."
        )
    )
    lines.append("")
    header = "| parameter | default | unit | range | source | meaning |"
    for section in SECTIONS:
        lines += [f"## {section}", "", header, "|---|---|---|---|---|---|"]
        for key, r in rows.items():
            if key.split(".", 1)[0] == section:
                cells = [f"`{key}`", r["default"], r["unit"], r["range"], r["source"], r["meaning"]]
                lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def _split_row(line: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
    return [c.strip() for c in cells]


def read_parameter_table(text: str) -> dict[str, dict[str, str]]:
    """The rows of a parameter table (as written by :func:`render_parameters`), keyed by parameter.

    Raises ValueError on a row that is malformed or a parameter listed twice.
    """
    out: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        if not line.startswith("| `"):
            continue
        cells = _split_row(line)
        if len(cells) != 6 or not (cells[0].startswith("`") and cells[0].endswith("`")):
            raise ValueError(f"malformed parameter row: {line}")
        key = cells[0].strip("`")
        if key in out:
            raise ValueError(f"parameter {key} listed twice")
        out[key] = dict(zip(("default", "unit", "range", "source", "meaning"), cells[1:], strict=True))
    return out


def disagreements(doc: dict[str, dict[str, str]], schema: dict[str, dict[str, str]]) -> list[str]:
    """Every way a parameter table and the schema differ: keys either way, then each field."""
    out = [f"{k}: in the schema, missing from the table" for k in schema if k not in doc]
    out += [f"{k}: in the table, not a parameter of the schema" for k in doc if k not in schema]
    for key in schema.keys() & doc.keys():
        for name, value in schema[key].items():
            if doc[key].get(name) != value:
                out.append(f"{key}: {name} is {doc[key].get(name)!r} in the table, {value!r} in the schema")
    return out


# -- code references in the ODD -------------------------------------------------------------------


def code_spans(markdown: str) -> list[str]:
    """The inline code spans of a Markdown text, fenced blocks left out."""
    return _SPAN.findall(_FENCE.sub("", markdown))


def _kpi_keys() -> tuple[set[str], set[str], set[str]]:
    from sim.kpis import DAILY, KPIS

    return set(KPIS), {k.split(".", 1)[0] for k in KPIS}, set(DAILY)


def classify(span: str) -> str:
    """path, parameter, kpi, daily, unknown-key, code or text (see the module docstring)."""
    s = span.strip()
    if "/" in s or s.endswith(PATH_SUFFIXES):
        return "path"
    if not _NAME.match(s):
        return "text"
    kpis, kpi_sections, daily = _kpi_keys()
    if s in PARAMS:
        return "parameter"
    if s in kpis:
        return "kpi"
    if s in daily:
        return "daily"
    head = s.split(".", 1)[0]
    if "." in s and (head in SECTIONS or head in kpi_sections):
        return "unknown-key"
    return "code"


def _instance_attribute(cls: type, name: str) -> bool:
    """Whether a class declares ``name`` as a dataclass field or sets ``self.name`` in its code."""
    if dataclasses.is_dataclass(cls) and name in {f.name for f in dataclasses.fields(cls)}:
        return True
    try:
        src = inspect.getsource(cls)
    except (OSError, TypeError):
        return False
    return re.search(rf"\bself\.{re.escape(name)}\s*(:[^=\n]+)?=(?!=)", src) is not None


def _lookup(obj: Any, parts: Iterable[str]) -> Any:
    for name in parts:
        if hasattr(obj, name):
            obj = getattr(obj, name)
        elif inspect.isclass(obj) and _instance_attribute(obj, name):
            obj = None  # exists on instances; nothing further can be looked up through it
        else:
            raise AttributeError(name)
    return obj


def resolve(ref: str) -> Any:
    """What a code reference names; raises LookupError if nothing in the code has that name."""
    name = ref.strip().removesuffix("()")
    parts = name.split(".")
    # A fully qualified name: the longest importable module prefix, then attributes.
    for i in range(len(parts), 0, -1):
        modname = ".".join(parts[:i])
        if parts[0] != "sim" and i == 1 and parts[0] not in ("mesa", "numpy", "scipy", "pandas"):
            break
        try:
            module = importlib.import_module(modname)
        except ImportError:
            continue
        try:
            return _lookup(module, parts[i:])
        except AttributeError:
            break
    for modname in CODE_MODULES:
        module = importlib.import_module(modname)
        if hasattr(module, parts[0]):
            try:
                return _lookup(module, parts)
            except AttributeError:
                continue
    raise LookupError(f"`{ref}` names nothing in the code (looked in {', '.join(CODE_MODULES)})")


def check_references(markdown: str, root: Path) -> list[str]:
    """Every problem with the code spans of a document: missing paths, unknown keys, code names
    that do not exist.  Empty when the document and the code agree."""
    problems = []
    for span in dict.fromkeys(code_spans(markdown)):
        kind = classify(span)
        if kind == "path":
            path = span.strip()
            if path.startswith("../shared/"):
                continue  # beside the repository, not in it
            if not (root / path).exists():
                problems.append(f"`{span}`: no such file or directory in the repository")
        elif kind == "unknown-key":
            problems.append(f"`{span}`: looks like a parameter or KPI key but is neither")
        elif kind == "code":
            try:
                resolve(span)
            except LookupError as e:
                problems.append(str(e))
    return problems


def documented_parameters(markdown: str) -> set[str]:
    """Parameter keys named in backticks in a document."""
    return {s.strip() for s in code_spans(markdown) if classify(s) == "parameter"}


def constant_rows(markdown: str) -> list[tuple[str, str]]:
    """``(name, value)`` from table rows of the form ``| `NAME` | `value` | ... |`` whose name is
    in capitals (a module constant): the ODD's table of fixed assumptions."""
    rows = []
    for line in markdown.splitlines():
        m = re.match(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|\s*`([^`]+)`\s*\|", line)
        if m:
            rows.append((m.group(1), m.group(2)))
    return rows


def constant_matches(name: str, value_text: str) -> bool:
    """Whether a documented constant has the documented value in the code."""
    actual = resolve(name)
    try:
        documented = ast.literal_eval(value_text)
    except (ValueError, SyntaxError):
        return False
    return documented == actual
