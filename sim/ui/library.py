"""The scenarios a planner can pick: the files under ``scenarios/``, and saving new ones.

Packages of reforms sit at the top of the folder, one-reform files in ``reforms/``, and the
planners' own saves in ``custom/`` (or wherever the app was told to save).  A file that does not
load is listed with its error instead of breaking the page.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sim import paths as safe_paths
from sim.i18n import N_
from sim.paths import InputError
from sim.scenario import Scenario, ScenarioError, load_scenario

#: The picker's groups (N_: translated where the picker shows them).
PACKAGES = N_("Packages of reforms")
SINGLE = N_("One reform each")
SAVED = N_("Saved by planners")
#: The group of district files (never shown: they have a picker of their own).
DISTRICTS = "districts"


@dataclass(frozen=True)
class LibraryEntry:
    """One scenario file and what came of reading it."""

    path: Path
    shown: str  # the path as the planner sees it, relative to the scenarios folder
    group: str
    scenario: Scenario | None  # a DistrictScenario in scan_districts' entries
    error: str | None = None

    @property
    def name(self) -> str:
        return self.scenario.name if self.scenario is not None else self.path.stem

    @property
    def has_timeline(self) -> bool:
        """Scenarios whose policy changes during the run belong to the timeline replay: in a
        comparison, every scenario runs the same days from the same date."""
        return self.scenario is not None and bool(self.scenario.timeline)


_lock = threading.Lock()
_cache: dict[tuple[str, str], tuple[tuple, list[LibraryEntry]]] = {}


def _signature(files: Sequence[Path]) -> tuple:
    out = []
    for f in files:
        try:
            st = f.stat()
        except (OSError, ValueError):
            continue
        out.append((str(f), st.st_mtime_ns, st.st_size))
    return tuple(out)


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve().parent))
    except ValueError:
        return str(path)


def scan(scenarios_dir: Path, save_dir: Path) -> list[LibraryEntry]:
    """Every scenario file: packages, then single reforms, then saved ones, each by name.

    Files are read again only when one of them changed (the page asks on every render).
    """
    from sim.district.reading import is_district_file

    # District files have their own view (they run many communities, not one).
    packages = [f for f in sorted(scenarios_dir.glob("*.toml")) if not is_district_file(f)]
    groups: list[tuple[str, list[Path]]] = [
        (PACKAGES, packages),
        (SINGLE, sorted((scenarios_dir / "reforms").glob("*.toml"))),
    ]
    saved = sorted(save_dir.glob("*.toml")) if save_dir.is_dir() else []
    if save_dir.resolve() in (scenarios_dir.resolve(), (scenarios_dir / "reforms").resolve()):
        saved = []  # already listed
    groups.append((SAVED, saved))
    files = [f for _, fs in groups for f in fs]
    sig = _signature(files)
    key = (str(scenarios_dir.resolve()), str(save_dir.resolve()))
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] == sig:
            return list(hit[1])
    entries: list[LibraryEntry] = []
    for group, paths in groups:
        loaded = []
        for path in paths:
            try:
                loaded.append(LibraryEntry(path, _shown(path, scenarios_dir), group, load_scenario(path)))
            except (ScenarioError, InputError, OSError, RecursionError) as e:
                # One bad file (a NUL-byte extends, deep nesting, a FIFO, no permission) is listed
                # with its one-line message; the others stay usable.
                loaded.append(LibraryEntry(path, _shown(path, scenarios_dir), group, None, _one_line(e)))
        # The baseline first among the packages: it is what the others are compared with.
        loaded.sort(key=lambda e: (not e.path.stem.startswith("baseline"), e.name.casefold()))
        entries.extend(loaded)
    with _lock:
        _cache[key] = (sig, entries)
    return list(entries)


def scan_districts(scenarios_dir: Path) -> list[LibraryEntry]:
    """The district files at the top of the scenarios folder (the district view's picker), by
    name; read again only when one of them changed.  A file that does not load is listed with
    its one-line message, as in :func:`scan`."""
    from sim.district.reading import is_district_file

    files = [f for f in sorted(scenarios_dir.glob("*.toml")) if is_district_file(f)]
    sig = _signature(files)
    key = (str(scenarios_dir.resolve()), "<districts>")
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] == sig:
            return list(hit[1])
    entries = []
    for path in files:
        try:
            entries.append(LibraryEntry(path, _shown(path, scenarios_dir), DISTRICTS, load_scenario(path)))
        except (ScenarioError, InputError, OSError, RecursionError) as e:
            entries.append(LibraryEntry(path, _shown(path, scenarios_dir), DISTRICTS, None, _one_line(e)))
    entries.sort(key=lambda e: e.name.casefold())
    with _lock:
        _cache[key] = (sig, entries)
    return list(entries)


def _one_line(e: BaseException) -> str:
    if isinstance(e, (ScenarioError, InputError)):
        return str(e)
    return f"cannot read: {type(e).__name__}: {e}".splitlines()[0]


def file_slug(name: str) -> str:
    """A file name for a scenario name: letters, digits, '-' and '_' (Chinese characters kept)."""
    slug = re.sub(r"[^\w-]+", "_", name.strip().casefold()).strip("_")
    return slug[:60] or "scenario"


#: What a file was when the app last read or wrote it: (modification time in ns, size in bytes).
FileStamp = tuple[int, int]


class SaveConflict(RuntimeError):
    """The file to be written changed on disk since this page read or wrote it (another tab or
    person saved over it): writing would silently lose their version."""

    #: The message (N_: the page shows it in the planner's language).
    TEXT = N_(
        "{file} already holds a scenario called '{name}' that was saved elsewhere (another tab or "
        "person) or changed since this page saved it; give this one another name, or add that file "
        "to compare with it"
    )

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name
        super().__init__(self.TEXT.format(file=path, name=name))


def file_stamp(path: Path) -> FileStamp | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


_save_lock = threading.Lock()


def save_scenario(
    scenario: Scenario, folder: Path, known: dict[Path, FileStamp] | None = None
) -> tuple[Path, FileStamp]:
    """Write ``scenario`` as TOML into ``folder`` (created if missing); return the file and its
    stamp, to pass back in ``known`` at the next save of the same card.

    A file that holds a scenario of the same name is replaced only if this card wrote (or
    loaded) it and it has not changed since: ``known`` maps such files to their stamp then.  A
    same-named file that someone else wrote, or that changed since, raises :class:`SaveConflict`
    (never overwritten silently).  A file of a different scenario that happens to share the file
    name is kept, and the new one gets ``-2``, ``-3``...  The file is read back with
    :func:`load_scenario`, as ``govsim validate`` does, before it is kept.
    """
    known = known or {}
    # The same checks as every path the command line writes (sim.paths): one line, never a
    # traceback, for a folder that is a file, a name too long, a symlink loop...
    folder = safe_paths.output_dir(folder, "folder for saved scenarios")
    folder.mkdir(parents=True, exist_ok=True)
    stem = file_slug(scenario.name)
    with _save_lock:  # two tabs of one server saving at once: one check-and-write at a time
        n = 1
        while True:
            path = folder / (f"{stem}.toml" if n == 1 else f"{stem}-{n}.toml")
            if not path.exists():
                break
            if _holds(path, scenario.name):
                if known.get(path) != file_stamp(path):
                    raise SaveConflict(path, scenario.name)
                break
            n += 1
        path = safe_paths.output_file(path, "scenario file")
        text = scenario.to_toml()
        tmp = path.with_suffix(".toml.tmp")
        tmp.write_text(text, encoding="utf-8")
        try:
            back = load_scenario(tmp)
        except ScenarioError:
            tmp.unlink(missing_ok=True)
            raise
        if back.content_hash() != scenario.content_hash():
            tmp.unlink(missing_ok=True)
            raise RuntimeError(f"the saved file does not read back to the same scenario: {path}")
        tmp.replace(path)
        stamp = file_stamp(path)
    assert stamp is not None
    return path, stamp


def _holds(path: Path, name: str) -> bool:
    try:
        return load_scenario(path).name == name
    except ScenarioError:
        return False
