"""District files: many communities, from a few community types or listed one by one.

A district file is a scenario file with a ``[district]`` table::

    name = "A district of 500 communities"
    [district]
    base = "changsha_2014.toml"      # the community scenario every community starts from
    communities = 500                # generated from the types below
    seed = 7                         # draws each community's type, size and sub-district
    allocation = "by_score"          # and the other settings of sim.district.settings
    [district.types.old_neighbourhood]
    share = 0.3
    residents = [3000, 7000]         # drawn uniformly (or one number)
    label = "Old neighbourhood"
    [district.types.old_neighbourhood.set]
    population.group_shares = {retiree = 0.35, ...}

or with ``[[district.community]]`` entries (``scenario``, ``name``, ``subdistrict``, ``set``) in
place of types.  Parameter sections at the top of the file (``[staff]``) apply to every
community, after its type.  ``extends = "district_changsha.toml"`` starts from another district
file: its settings and types, with this file's laid over them (a type's table merges key by key),
so a 50-community variant is two lines.

The result is a :class:`DistrictScenario`: the district's settings and one resolved community
:class:`~sim.scenario.Scenario` per community (built when first asked for).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim import paths
from sim.district.scenario import CommunityType, DistrictScenario, Listed
from sim.district.settings import SETTINGS, flat_settings
from sim.scenario import STRUCTURAL_KEYS, STRUCTURAL_PREFIXES, ScenarioError, load_scenario
from sim.scenario.validation import check_value, flatten

#: The keys of a district file besides parameter sections.
DISTRICT_META = ("name", "description", "extends", "district")
TYPE_KEYS = ("share", "residents", "label", "set")
COMMUNITY_KEYS = ("scenario", "name", "subdistrict", "set")


def is_district_file(path: str | Path, _seen: frozenset[Path] = frozenset()) -> bool:
    """Whether a TOML file is a district file (it has a ``[district]`` table, or extends one).  A
    file that cannot be read, or an ``extends`` chain that loops or runs too deep, is not: the
    community reader then says what is wrong with it."""
    try:
        doc, _ = paths.read_toml(path, "file")
        real = Path(path).resolve()
    except (paths.InputError, OSError, RuntimeError):
        return False
    if "district" in doc:
        return True
    ext = doc.get("extends")
    if not isinstance(ext, str) or real in _seen or len(_seen) >= paths.MAX_INCLUDE_DEPTH:
        return False
    try:
        return is_district_file(Path(path).parent / ext, _seen | {real})
    except (ValueError, OSError):
        return False


def load_district(path: str | Path) -> DistrictScenario:
    """Read and validate a district file (``ScenarioError`` with a one-line message)."""
    raw = _read_layers(Path(path), stack=())
    shown = paths.shown(path)
    settings = {k: s.default for k, s in SETTINGS.items()}
    settings.update(raw["settings"])
    base_ref = raw["base"]
    if base_ref is None:
        raise ScenarioError(
            shown, "district.base", "a district needs the community scenario its communities start from"
        )
    base = load_scenario(base_ref)
    types = tuple(raw["types"].values())
    if types and raw["listed"]:
        raise ScenarioError(
            shown, "district.community", "give community types or listed communities, not both"
        )
    if types:
        total = sum(t.share for t in types)
        if abs(total - 1.0) > 1e-6:
            raise ScenarioError(shown, "district.types", f"type shares must sum to 1, they sum to {total:g}")
    rollout: dict[str, Any] = {}
    if settings["rollout.reform"]:
        reform = load_scenario(raw["rollout_dir"] / settings["rollout.reform"])
        rollout = dict(reform.own)
        fixed = [k for k in rollout if k.startswith(STRUCTURAL_PREFIXES) or k in STRUCTURAL_KEYS]
        if fixed:
            raise ScenarioError(
                shown, "district.rollout.reform", f"a reform rolled out in a run cannot change {fixed[0]}"
            )
    out = DistrictScenario(
        name=raw["name"] or Path(path).stem,
        description=raw["description"],
        base=base,
        settings=settings,
        types=types,
        listed=tuple(raw["listed"]),
        common=raw["common"],
        rollout_changes=rollout,
        source=shown,
    )
    out.check()
    return out


def _read_layers(path: Path, stack: tuple[Path, ...]) -> dict[str, Any]:
    """A district file's parts after its ``extends`` chain: settings, types, listed communities,
    common changes, and where its base and roll-out reform are."""
    shown = paths.shown(path)
    try:
        doc, _ = paths.read_toml(path, "file")
    except paths.InputError as e:
        raise ScenarioError(shown, None, e.message) from None
    real = path.resolve()
    if real in stack:
        raise ScenarioError(shown, "extends", "district files extend each other in a cycle")
    try:
        paths.include_depth_ok(len(stack) + 1, "")
    except paths.InputError as e:
        raise ScenarioError(shown, "extends", e.message) from None
    if "extends" in doc:
        ext = doc["extends"]
        if not isinstance(ext, str):
            raise ScenarioError(shown, "extends", f"must be a file name, got {ext!r}")
        out = _read_layers(path.parent / ext, (*stack, real))
    else:
        out = {
            "name": "",
            "description": "",
            "settings": {},
            "types": {},
            "listed": [],
            "common": {},
            "base": None,
            "rollout_dir": path.parent,
        }
    for key in ("name", "description"):
        if key in doc:
            if not isinstance(doc[key], str):
                raise ScenarioError(shown, key, f"must be a string, got {doc[key]!r}")
            out[key] = doc[key]
    _district_table(path, shown, doc.get("district", {}), out)
    sections = {k: v for k, v in doc.items() if k not in DISTRICT_META}
    for key, value in flatten(shown, sections).items():
        out["common"][key] = check_value(shown, key, value)
    return out


def _district_table(path: Path, shown: str, table: Any, out: dict[str, Any]) -> None:
    """A file's ``[district]`` table laid over what it extends (``out``, changed in place)."""
    if not isinstance(table, Mapping):
        raise ScenarioError(shown, "district", "must be a table")
    if "base" in table:
        if not isinstance(table["base"], str):
            raise ScenarioError(shown, "district.base", f"must be a file name, got {table['base']!r}")
        out["base"] = path.parent / table["base"]
    if "rollout" in table:
        out["rollout_dir"] = path.parent
    out["settings"].update(flat_settings(shown, {k: v for k, v in table.items() if k != "base"}))
    types = table.get("types", {})
    if not isinstance(types, Mapping):
        raise ScenarioError(shown, "district.types", "must be a table of community types")
    for tname, spec in types.items():
        out["types"][tname] = _type(shown, tname, spec, out["types"].get(tname))
    if "community" in table:
        entries = table["community"]
        if not isinstance(entries, list) or not entries:
            raise ScenarioError(
                shown, "district.community", "must be a list of [[district.community]] tables"
            )
        out["listed"] = [_listed(path, shown, i, e) for i, e in enumerate(entries)]


def _table(shown: str, where: str, spec: Any, keys: tuple[str, ...], what: str) -> None:
    """``spec`` must be a table of ``keys`` only."""
    if not isinstance(spec, Mapping):
        raise ScenarioError(shown, where, f"must be a table with {', '.join(keys[:-1])} and {keys[-1]}")
    for key in spec:
        if key not in keys:
            raise ScenarioError(shown, f"{where}.{key}", f"unknown; {what} has {', '.join(keys)}")


def _type(shown: str, name: str, spec: Any, old: CommunityType | None) -> CommunityType:
    where = f"district.types.{name}"
    _table(shown, where, spec, TYPE_KEYS, "a community type")
    share = spec.get("share", old.share if old else None)
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        raise ScenarioError(shown, f"{where}.share", f"must be a number from 0 to 1, got {share!r}")
    residents = spec.get("residents", list(old.residents) if old else None)
    if isinstance(residents, int) and not isinstance(residents, bool):
        residents = [residents, residents]
    if (
        not isinstance(residents, list)
        or len(residents) != 2
        or not all(isinstance(r, int) and not isinstance(r, bool) for r in residents)
        or not 50 <= residents[0] <= residents[1] <= 200_000
    ):
        raise ScenarioError(
            shown,
            f"{where}.residents",
            f"must be a number of residents or a range [low, high] within 50-200,000, got {residents!r}",
        )
    label = spec.get("label", old.label if old else name)
    if not isinstance(label, str):
        raise ScenarioError(shown, f"{where}.label", f"must be a string, got {label!r}")
    changes = dict(old.changes) if old else {}
    sets = spec.get("set", {})
    if not isinstance(sets, Mapping):
        raise ScenarioError(shown, f"{where}.set", "must be a table of parameter sections")
    for key, value in flatten(shown, sets).items():
        changes[key] = check_value(shown, key, value)
    return CommunityType(name, float(share), (int(residents[0]), int(residents[1])), label, changes)


def _listed(path: Path, shown: str, i: int, entry: Any) -> Listed:
    where = f"district.community[{i}]"
    _table(shown, where, entry, COMMUNITY_KEYS, "a listed community")
    ref = entry.get("scenario")
    if not isinstance(ref, str):
        raise ScenarioError(shown, f"{where}.scenario", "must name the community's scenario file")
    sub = entry.get("subdistrict", 1)
    if isinstance(sub, bool) or not isinstance(sub, int) or sub < 1:
        raise ScenarioError(shown, f"{where}.subdistrict", f"must be an integer from 1, got {sub!r}")
    name = entry.get("name", f"C{i + 1:03d}")
    if not isinstance(name, str):
        raise ScenarioError(shown, f"{where}.name", f"must be a string, got {name!r}")
    changes = {k: check_value(shown, k, v) for k, v in flatten(shown, entry.get("set", {})).items()}
    return Listed(load_scenario(path.parent / ref), name, sub, changes)
