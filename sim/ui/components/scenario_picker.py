"""Picking the scenarios to compare, and the card of each: where it comes from, how it differs
from the baseline, and what the planner can do with it (edit, start a new one from it, make it
the baseline, remove it)."""

from __future__ import annotations

import solara

from sim.i18n import _
from sim.ui import library, state
from sim.ui.components.text import Prose, esc
from sim.ui.drafts import Draft, differences
from sim.ui.labels import param_label, value_text
from sim.ui.library import LibraryEntry


@solara.component
def ScenarioPicker():
    """A list of the scenario files, by group, and a button to add the chosen one."""
    entries = state.library_entries()
    usable = [e for e in entries if e.scenario is not None and not e.has_timeline]
    # The planners' own saves first: after a reload they are what a planner comes back for.
    usable.sort(key=lambda e: e.group != library.SAVED)  # stable: the folder's order otherwise
    chosen, set_chosen = solara.use_state(None)
    items: list[dict] = []
    group = None
    for e in usable:
        if e.group != group:
            group = e.group
            items.append({"header": _(group)})
        items.append({"text": f"{e.name}  ({e.shown})", "value": e.shown})
    by_shown = {e.shown: e for e in usable}

    def add() -> None:
        entry: LibraryEntry | None = by_shown.get(chosen) if chosen else None
        if entry is not None:
            state.add_from_library(entry)
            set_chosen(None)

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, classes=["govsim-picker"]):
        solara.v.Select(
            label=_("Add a scenario from the scenarios folder"),
            items=items,
            v_model=chosen,
            on_v_model=set_chosen,
            style_="min-width: 280px; max-width: 640px; flex: 1 1 280px",
            class_="govsim-picker-select",
            hide_details=True,
        )
        solara.Button(
            _("Add to the comparison"),
            icon_name="mdi-plus",
            on_click=add,
            disabled=chosen not in by_shown,
            color="primary",
            classes=["govsim-add-scenario"],
        )
    broken = [e for e in entries if e.scenario is None]
    for e in broken:
        solara.Warning(_("{file} could not be read: {error}").format(file=e.shown, error=e.error), dense=True)


def changes_html(changed: list[tuple[str, list]], shown: int = 6) -> str:
    """The first few differences from the baseline, as a list."""
    if not changed:
        return f"<p>{_('Same as the baseline in every parameter.')}</p>"
    n = len(changed)
    items = [
        f"<li>{esc(param_label(key))}: <b>{esc(value_text(key, new))}</b> "
        f"({_('baseline')} {esc(value_text(key, old))})</li>"
        for key, (old, new) in changed[:shown]
    ]
    if n > shown:
        items.append(f"<li>{_('... and {n} more (see the table below)').format(n=n - shown)}</li>")
    head = (
        _("1 difference from the baseline") if n == 1 else _("{n} differences from the baseline").format(n=n)
    )
    return f"<p><b>{head}</b></p><ul>{''.join(items)}</ul>"


# Long by design: a card's header, its differences from the baseline and its buttons read the
# same draft and problems; splitting would pass them through three components for no gain.
@solara.component
def ScenarioCard(draft: Draft, index: int, reference: Draft | None, editing: bool):
    """One scenario in the comparison, with its differences from the baseline at a glance."""
    problems = draft.problems()
    is_reference = index == 0
    role = (
        _("baseline: the others are compared with it")
        if is_reference
        else _("compared with {name}").format(name=reference.display_name if reference else "?")
    )
    changed = [] if is_reference or reference is None else differences([reference, draft])
    classes = ["govsim-card", "govsim-card-reference" if is_reference else "govsim-card-other"]
    with solara.Card(draft.display_name, subtitle=role, classes=classes, style={"min-width": "0"}):
        Prose(f'<div class="govsim-origin">{_("From")} {esc(draft.origin)}</div>')
        if draft.shown_description:
            # A shipped file's description reads in the planner's language (the catalogue's data
            # domain); a planner's own stays as written.
            Prose(f'<div class="govsim-description">{esc(_(draft.shown_description))}</div>')
        if not is_reference:
            Prose(changes_html(changed), classes=["govsim-changes"])
        if draft.edits:
            solara.Text(
                (
                    _("1 value changed here, not yet saved to a file")
                    if len(draft.edits) == 1
                    else _("{n} values changed here, not yet saved to a file").format(n=len(draft.edits))
                )
                if draft.id not in state.saved.value
                else _("Changes saved."),
                style={"font-size": "0.8em", "color": "#8a5a00"},
            )
        if problems:
            solara.Error(
                _("1 impossible value: open its reforms to fix")
                if len(problems) == 1
                else _("{n} impossible values: open its reforms to fix").format(n=len(problems)),
                dense=True,
                classes=["govsim-error"],
            )
        with solara.Row(style={"flex-wrap": "wrap", "gap": "0px"}, classes=["govsim-card-actions"]):
            solara.Button(
                _("Close reforms") if editing else _("Change reforms"),
                icon_name="mdi-tune",
                text=True,
                on_click=lambda: state.editing.set(None if editing else draft.id),
                classes=["govsim-edit"],
            )
            solara.Button(
                _("New from this"),
                icon_name="mdi-content-copy",
                text=True,
                on_click=lambda: state.start_new_from(draft.id),
                disabled=bool(problems),
                classes=["govsim-new-from"],
            )
            if not is_reference:
                solara.Button(
                    _("Make baseline"),
                    icon_name="mdi-format-vertical-align-top",
                    text=True,
                    on_click=lambda: state.make_reference(draft.id),
                )
            solara.Button(
                _("Remove"),
                icon_name="mdi-delete",
                text=True,
                on_click=lambda: state.remove(draft.id),
                classes=["govsim-remove"],
            )


@solara.component
def ScenarioCards():
    """The scenarios in the comparison, baseline first."""
    current = state.drafts.value
    reference = current[0] if current else None
    if not current:
        solara.Info(_("No scenario yet: add the baseline first, then the packages to compare with it."))
    with solara.ColumnsResponsive(default=12, medium=6, large=6):
        for i, d in enumerate(current):
            ScenarioCard(d, i, reference, state.editing.value == d.id).key(f"card-{d.id}")
