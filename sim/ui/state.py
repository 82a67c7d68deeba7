"""The app's state and what the planner's clicks do to it (the "model" half of the app; the
components in :mod:`sim.ui.components` are the view): the scenarios on the cards, their edits,
saving, the run settings and what stops a run.

State lives in Solara reactive variables, one copy per browser session.  The long work (a run,
the timeline replay, How much is enough?) is :mod:`sim.ui.tasks`'.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import solara

from sim import i18n
from sim.i18n import _
from sim.scenario import ScenarioError
from sim.ui import library
from sim.ui.config import UiConfig
from sim.ui.drafts import NAME_KEY, Draft, name_problems, unique_name
from sim.ui.runner import RunSettings

#: The two scenarios a planner sees first: the situation before the reforms, and all of them.
DEFAULT_PICKS = ("baseline_2002.toml", "changsha_2014.toml")
#: Daily series drawn with bands at every run: waiting, and the staff's administrative load
#: (participation and the staff-time split are always drawn).
DEFAULT_SERIES = ("wait_mean_min", "admin_h")

config = solara.reactive(UiConfig.from_env())
#: The page's language ("en" or "zh"), chosen with the switch; None: the browser's preference.
chosen_language: solara.Reactive[str | None] = solara.reactive(None)


def language() -> str:
    """The session's language: the planner's choice, else the browser's Accept-Language."""
    if chosen_language.value is not None:
        return chosen_language.value
    import solara.lab

    headers = solara.lab.headers.value or {}
    accept = next((v for k, v in headers.items() if k.lower() == "accept-language"), [])
    return i18n.from_accept_language(",".join(accept))


# Every ``_()`` in the app translates into the session's language (and a page that reads it
# re-renders when the planner switches).
i18n.set_provider(language)
#: Bumped when the app writes a scenario file, so that the components that list files read again.
library_version = solara.reactive(0)


def library_entries() -> list[library.LibraryEntry]:
    """The scenario files (reading ``library_version`` makes a component list them again after
    a save)."""
    _ = library_version.value
    cfg = config.value
    return library.scan(cfg.scenarios_dir, cfg.save_dir)


def _initial_drafts(cfg: UiConfig) -> tuple[Draft, ...]:
    try:
        entries = library.scan(cfg.scenarios_dir, cfg.save_dir)
    except OSError:
        return ()
    by_file = {e.path.name: e for e in entries if e.scenario is not None and e.group == library.PACKAGES}
    return tuple(
        Draft.from_scenario(by_file[f].scenario, by_file[f].shown)  # type: ignore[arg-type]
        for f in DEFAULT_PICKS
        if f in by_file
    )


drafts: solara.Reactive[tuple[Draft, ...]] = solara.reactive(_initial_drafts(config.value))
editing: solara.Reactive[int | None] = solara.reactive(None)  # the draft whose controls are open
settings = solara.reactive(RunSettings())
saved: solara.Reactive[dict[int, str]] = solara.reactive({})  # draft id -> file it was saved to
save_errors: solara.Reactive[dict[int, str]] = solara.reactive({})
#: For each card, the files it loaded or saved and their stamp then: only those may be replaced
#: by its next save (a file changed since, or written by another tab, is never overwritten).
known_files: solara.Reactive[dict[int, dict[Path, library.FileStamp]]] = solara.reactive({})
figure_series: solara.Reactive[tuple[str, ...]] = solara.reactive(DEFAULT_SERIES)
#: Number fields whose text is not a number (field id -> "label: what is wrong"): the value the
#: scenario holds is not what the planner sees, so Run waits until the field is fixed.
unfinished_fields: solara.Reactive[dict[int, str]] = solara.reactive({})
_field_ids = itertools.count(1)


def reset(cfg: UiConfig | None = None) -> None:
    """Start over (tests; and a new configuration)."""
    from sim.ui import district, tasks

    if cfg is not None:
        config.set(cfg)
    drafts.set(_initial_drafts(config.value))
    chosen_language.set(None)
    editing.set(None)
    settings.set(RunSettings())
    saved.set({})
    save_errors.set({})
    known_files.set({})
    figure_series.set(DEFAULT_SERIES)
    unfinished_fields.set({})
    tasks.reset()
    district.reset()


# -- picking and editing scenarios ---------------------------------------------------------------


def add_from_library(entry: library.LibraryEntry) -> None:
    """Add a scenario file to the comparison (a second copy gets a numbered name)."""
    if entry.scenario is None:
        return
    current = drafts.value
    draft = Draft.from_scenario(entry.scenario, entry.shown)
    wanted = unique_name(draft.display_name, current)
    if wanted != draft.display_name:
        draft = draft.with_name(wanted)
    stamp = library.file_stamp(entry.path)
    if stamp is not None:
        known_files.set({**known_files.value, draft.id: {entry.path.resolve(): stamp}})
    drafts.set((*current, draft))


def remove(draft_id: int) -> None:
    drafts.set(tuple(d for d in drafts.value if d.id != draft_id))
    if editing.value == draft_id:
        editing.set(None)


def make_reference(draft_id: int) -> None:
    """Move a scenario first: the others are compared with it."""
    chosen = [d for d in drafts.value if d.id == draft_id]
    drafts.set(tuple(chosen + [d for d in drafts.value if d.id != draft_id]))


def update(draft: Draft) -> None:
    """Replace the draft with the same id (an edit, a new name)."""
    drafts.set(tuple(draft if d.id == draft.id else d for d in drafts.value))
    # An edit after a save makes the saved file out of date: the card says so by dropping it.
    if draft.id in saved.value:
        saved.set({k: v for k, v in saved.value.items() if k != draft.id})


def set_value(draft_id: int, key: str, value: Any) -> None:
    for d in drafts.value:
        if d.id == draft_id:
            update(d.with_value(key, value))


def start_new_from(draft_id: int) -> None:
    """Copy a scenario into a new card, named "... - variant", and open its controls."""
    source = next((d for d in drafts.value if d.id == draft_id), None)
    if source is None or source.problems():
        return
    name = unique_name(_("{name} - variant").format(name=source.display_name), drafts.value)
    new = source.copy_as(name)
    current = list(drafts.value)
    current.insert(current.index(source) + 1, new)
    drafts.set(tuple(current))
    editing.set(new.id)


def name_problem(draft: Draft, current: Sequence[Draft]) -> str | None:
    """What is wrong with a card's name, shown at its Name field: empty or too long, the name of
    another card (results are keyed by name), or - for a card with changes - the name of a
    scenario file it did not come from (saving it would list two scenarios under one name)."""
    own = draft.problems().get(NAME_KEY) or name_problems(current).get(draft.id)
    if own:
        return own
    if not draft.edits and draft.name is None and draft.description is None:
        return None
    clash = _file_named(draft)
    if clash is not None:
        return _("the scenario file {file} is already called '{name}'; give this one its own name").format(
            file=clash.shown, name=draft.display_name
        )
    return None


def _file_named(draft: Draft) -> library.LibraryEntry | None:
    """A scenario file with the draft's name that this card did not load or save itself."""
    mine = known_files.value.get(draft.id, {})
    wanted = draft.display_name.casefold()
    for e in library_entries():
        if e.scenario is not None and e.scenario.name.casefold() == wanted and e.path.resolve() not in mine:
            return e
    return None


def save_problem(draft: Draft, current: Sequence[Draft]) -> str | None:
    """Why Save is off for this card (None: it can be saved)."""
    if draft.problems().keys() - {NAME_KEY}:
        return _("Fix the values marked in red to save.")
    name = name_problem(draft, current)
    if name:
        return _("Name: {problem}.").format(problem=name)
    if not draft.edits and draft.name is None and draft.description is None:
        return _("Nothing changed from {origin}: nothing to save.").format(origin=draft.origin)
    return None


def save(draft_id: int) -> Path | None:
    """Write the scenario into the save folder as TOML; record the file or the reason it failed."""
    draft = next((d for d in drafts.value if d.id == draft_id), None)
    if draft is None:
        return None
    # An impossible value: the scenario's own message (below) says which and why.
    problem = None if draft.problems().keys() - {NAME_KEY} else save_problem(draft, drafts.value)
    mine = known_files.value.get(draft_id, {})
    try:
        if problem:
            raise ScenarioError("", None, problem)
        path, stamp = library.save_scenario(draft.scenario(), config.value.save_dir, mine)
    except (ScenarioError, OSError, RuntimeError, ValueError) as e:  # ValueError: sim.paths.InputError
        save_errors.set({**save_errors.value, draft_id: _("not saved: {reason}").format(reason=_why(e))})
        saved.set({k: v for k, v in saved.value.items() if k != draft_id})
        return None
    known_files.set({**known_files.value, draft_id: {**mine, path.resolve(): stamp}})
    save_errors.set({k: v for k, v in save_errors.value.items() if k != draft_id})
    saved.set({**saved.value, draft_id: str(path)})
    library_version.set(library_version.value + 1)
    return path


def _why(e: BaseException) -> str:
    """Why a save failed, in the planner's language where the app wrote the reason itself."""
    if isinstance(e, library.SaveConflict):
        return _(e.TEXT).format(file=e.path, name=e.name)
    return str(e)


# -- what stops a run ----------------------------------------------------------------------------


def new_field_id() -> int:
    return next(_field_ids)


def report_field(field_id: int, problem: str | None) -> None:
    """A number field says its text is not a number (``problem``) or no longer is (None)."""
    current = unfinished_fields.value
    if problem is None and field_id not in current:
        return
    if problem is not None and current.get(field_id) == problem:
        return
    rest = {k: v for k, v in current.items() if k != field_id}
    unfinished_fields.set(rest if problem is None else {**rest, field_id: problem})


def blocking_problems(current: Sequence[Draft]) -> list[str]:
    """Why Run is not possible right now, in the planner's words (empty: it is)."""
    out = list(unfinished_fields.value.values())
    if len(current) < 2:
        out.append(_("Pick at least two scenarios: the first is the baseline the others are compared with."))
    duplicates = name_problems(current)
    from sim.ui.labels import param_label

    for d in current:
        for key, message in d.problems().items():
            what = _("name") if key == "name" else param_label(key) if key else _("scenario")
            out.append(f"{d.display_name or _('(no name)')}: {what}: {message}")
        if d.id in duplicates:
            out.append(f"{d.display_name}: {duplicates[d.id]}")
    return out
