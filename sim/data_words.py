"""The words of the model's data, for the translation catalogue: what each parameter is (its name,
its documentation, its unit and its source), the KPIs' explanations, and the shipped scenario
files' descriptions, timeline steps and district community types.

They are written in English where they are defined (:mod:`sim.parameters`, the reform modules,
:mod:`sim.kpis`, ``scenarios/``), and are not marked with ``_()`` there: this module gathers them
into a catalogue domain of their own, ``data`` (``sim/locale/<lang>/LC_MESSAGES/data.po``), which
:func:`sim.i18n.catalogue` reads together with the code's ``govsim.po``.  A text that the code
already marks is left to ``govsim.po`` (one entry for one text).  After changing any of them::

    .venv/bin/python -m sim.data_words /tmp/data.pot
    .venv/bin/pybabel update -i /tmp/data.pot -d sim/locale -D data   # then fill in the msgstr

``tests/test_i18n.py`` fails if one of them has no Chinese entry.  A scenario's *name* is not
translated: it is the scenario's identity in results, saved files and on the command line.
"""

from __future__ import annotations

import functools
import sys
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path

DOMAIN = "data"
#: The scenario files that ship with the model (the planners' own saves are in their language).
SCENARIOS_DIR = Path(__file__).resolve().parent.parent / "scenarios"
#: Units that a value is never shown with (shares read in %, switches as yes / no, schedules as
#: hours, dates as dates).
UNSHOWN_UNITS = frozenset({"", "share", "probability", "weekly", "date"})


@functools.cache  # the page asks for every parameter's name at each render
def doc_label(doc: str) -> str:
    """A parameter's name from its documentation: the first clause (up to the first ';' or the end
    of the first sentence outside brackets), without the full stop."""
    depth = 0
    for i, ch in enumerate(doc):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and (ch == ";" or (ch == "." and doc[i + 1 : i + 2] == " ")):
            return doc[:i].rstrip(".")
    return doc.rstrip(".")


def parameter_words() -> Iterator[tuple[str, str]]:
    """(text, where) for what the app shows of the parameters that no reform card names: the
    name, the documentation when it says more than the name, the source; and every unit."""
    from sim.parameters import PARAMS
    from sim.reforms import REFORMS

    controlled = {c.key for r in REFORMS for c in r.controls}
    for key, p in PARAMS.items():
        if p.unit not in UNSHOWN_UNITS:
            yield p.unit, f"unit of {key}"
        if key in controlled:
            continue  # named and explained by its reform's card (marked in the reform's module)
        label = doc_label(p.doc)
        yield label, f"name of {key}"
        if p.doc != f"{label}.":
            yield p.doc, f"documentation of {key}"
        yield p.source, f"source of {key}"


def kpi_words() -> Iterator[tuple[str, str]]:
    from sim.kpis import KPIS

    for key, kpi in KPIS.items():
        if not key.startswith("verify."):
            yield kpi.doc, f"explanation of KPI {key}"


def scenario_words(folder: Path = SCENARIOS_DIR) -> Iterator[tuple[str, str]]:
    """The descriptions, timeline steps and community types' labels of the scenario files under
    ``folder`` (not the planners' saves under ``custom/``)."""
    for path in sorted(folder.rglob("*.toml")):
        rel = path.relative_to(folder.parent)
        if "custom" in rel.parts:
            continue
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        if isinstance(doc.get("description"), str) and doc["description"]:
            yield doc["description"], f"{rel}: description"
        for i, step in enumerate(doc.get("timeline", [])):
            if isinstance(step, dict) and isinstance(step.get("label"), str):
                yield step["label"], f"{rel}: timeline step {i + 1}"
        # A district file's community types, as the district view's tables and figures name them.
        district = doc.get("district")
        types = district.get("types") if isinstance(district, dict) else None
        for name, kind in types.items() if isinstance(types, dict) else ():
            if isinstance(kind, dict) and isinstance(kind.get("label"), str):
                yield kind["label"], f"{rel}: community type {name}"


def marked_in_code() -> set[str]:
    """Every text the code marks with ``_()`` or ``N_()`` (the ``govsim`` domain's)."""
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parent
    return {
        message
        for _f, _n, message, _c, _x in extract_from_dir(
            str(root), method_map=[("**.py", "python")], keywords={"_": None, "N_": None}
        )
        if isinstance(message, str)
    }


def data_words(folder: Path = SCENARIOS_DIR) -> dict[str, list[str]]:
    """text -> where it comes from, for every data text not already marked in the code."""
    marked = marked_in_code()
    out: dict[str, list[str]] = {}
    for text, where in (*parameter_words(), *kpi_words(), *scenario_words(folder)):
        if text and text not in marked:
            out.setdefault(text, []).append(where)
    return out


def write_pot(path: Path) -> int:
    """The template of the ``data`` domain, as ``pybabel extract`` writes one for the code."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(project="govsim", domain=DOMAIN)
    words = data_words()
    for text, where in words.items():
        catalog.add(text, auto_comments=where)
    with path.open("wb") as f:
        write_po(f, catalog, width=100)
    return len(words)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m sim.data_words OUTPUT.pot", file=sys.stderr)
        return 2
    n = write_pot(Path(args[0]))
    print(f"{n} texts written to {args[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
