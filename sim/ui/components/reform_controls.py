"""Controls for one scenario's reforms, in the words of the article (see :mod:`sim.ui.labels`).

A control shows the value the planner set, even an impossible one, and under it the scenario
validation's message; every change goes straight to the scenario card (and its problems to the
run panel, which will not run an impossible scenario).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import solara

from sim.i18n import N_, _
from sim.parameters import CLASSES, GROUPS, PARAMS, SECTIONS
from sim.reforms import FAMILIES
from sim.ui import state
from sim.ui.components.fields import NumberField, TextField
from sim.ui.components.opening_hours import OpeningHoursEditor
from sim.ui.components.save_panel import SaveScenario
from sim.ui.components.text import Prose, esc
from sim.ui.drafts import NAME_KEY, Draft
from sim.ui.labels import (
    CONTROLS,
    NOT_EDITABLE,
    REFORMS,
    Reform,
    group_word,
    param_doc,
    param_label,
    unit_text,
    value_text,
    widget_for,
)

_SECTION_TITLES = {
    "run": N_("The run"),
    "population": N_("Population"),
    "residents": N_("Residents' memory and neighbours"),
    "needs": N_("Residents' needs and behaviour"),
    "service": N_("Service hall and casework"),
    "office": N_("Office"),
    "staff": N_("Staff"),
    "committee": N_("Residents' committee"),
    "departments": N_("Departments and their tasks"),
    "burden": N_("Inspections, meetings, forms, ledgers"),
    "informatisation": N_("Information platform"),
    "participation": N_("Participation"),
    "elderly_care": N_("Elderly care"),
    "finance": N_("Money"),
}


def _unit(key: str) -> str:
    """The unit after a number field (none for shares: their fields are sliders in %)."""
    unit = PARAMS[key].unit
    return "" if unit in ("share", "probability") else unit_text(None, unit)


def _percent_of(value: Any) -> float:
    try:
        return round(100 * float(value), 2)
    except (TypeError, ValueError):
        return 0.0


@solara.component
def ParamControl(key: str, value: Any, on_value: Callable[[Any], None], error: str | None = None):
    """One parameter with the widget that suits it, its help, and its error message if any."""
    p = PARAMS[key]
    widget = widget_for(key)
    label = param_label(key)
    help_text = _(CONTROLS[key].help) if key in CONTROLS else ""
    classes = ["govsim-control", f"govsim-control-{key.replace('.', '-')}"]
    with solara.Column(gap="0px", classes=classes):
        if widget == "hours":
            OpeningHoursEditor(value, on_value=on_value, error=error, label=label)
            return
        if widget == "switch":
            solara.Switch(label=label, value=bool(value), on_value=on_value)
        elif widget == "percent":
            lo = 100 * (p.lo or 0.0)
            hi = 100 * (p.hi if p.hi is not None else 1.0)
            # The label above the slider: beside it, a long label squeezes the slider and wraps
            # over the help text.
            solara.Text(
                f"{label}: {_percent_of(value):g} %",
                style={"display": "block"},
                classes=["govsim-slider-label"],
            )
            solara.SliderFloat(
                "",
                value=_percent_of(value),
                min=lo,
                max=hi,
                step=0.5,
                on_value=lambda v: on_value(round(v / 100, 4)),
                thumb_label=True,
            )
        elif widget == "count":
            NumberField(label, value, on_value=on_value, integer=True, suffix=_unit(key))
        elif widget == "date":
            TextField(label, str(value), on_value=on_value)
        elif widget == "table":
            GroupTable(key, value, on_value)
        else:  # number, money
            NumberField(
                label,
                value,
                on_value=on_value,
                suffix=unit_text(None, "yuan/year") if widget == "money" and "year" in p.unit else _unit(key),
            )
        if help_text:
            solara.Text(help_text, style={"display": "block", "font-size": "0.8em", "color": "#666"})
        if error:
            solara.Error(error, dense=True, classes=["govsim-error"])


@solara.component
def GroupTable(key: str, value: Mapping[str, float], on_value: Callable[[dict[str, float]], None]):
    """A value per resident group (or per task class): one input each."""
    names = GROUPS if PARAMS[key].kind == "groups" else CLASSES
    with solara.Row(style={"flex-wrap": "wrap"}):
        for name in names:
            NumberField(
                group_word(name),
                value.get(name, 0.0),
                on_value=lambda v, name=name: on_value({**value, name: float(v)}),
                style="max-width: 220px",
            )


@solara.component
def ReformCard(
    title: str,
    years: str,
    summary: str,
    keys: tuple[str, ...],
    draft: Draft,
    problems: dict,
    expanded: bool,
    on_expanded: Callable[[bool], None],
):
    """One reform: what it is, when it came, its current values, and (opened) its controls.

    Closed cards keep the page light: Solara re-walks every widget of the page at each update (a
    run reports progress every half second), and all reforms open at once are a few hundred.
    A card with an impossible value is always open, so its message sits next to its control.
    """
    slug = title.casefold().replace(" ", "-").replace("'", "")  # from the English title: stable
    with solara.Card(
        _(title),
        subtitle=_(years),
        classes=["govsim-reform", f"govsim-reform-{slug}"],
        style={"min-width": "0"},
    ):
        solara.Text(_(summary), style={"display": "block", "font-size": "0.9em"})
        if not expanded:
            items = "".join(
                f"<li>{esc(param_label(k))}: <b>{esc(value_text(k, draft.value(k)))}</b></li>" for k in keys
            )
            Prose(f"<ul>{items}</ul>", classes=["govsim-reform-values"])
            solara.Button(
                _("Change"),
                icon_name="mdi-pencil",
                text=True,
                on_click=lambda: on_expanded(True),
                classes=["govsim-open"],
            )
        else:
            for key in keys:
                ParamControl(
                    key,
                    draft.value(key),
                    on_value=lambda v, key=key: state.set_value(draft.id, key, v),
                    error=problems.get(key),
                )
            if not any(k in problems for k in keys):
                solara.Button(
                    _("Done"), icon_name="mdi-check", text=True, on_click=lambda: on_expanded(False)
                )


# Long by design: the reform cards share the draft's problems and which card is open; each
# card's controls are built by the reform's own module (sim.reforms), not here.
@solara.component
def ReformControls(draft: Draft):
    """Name, description, each reform's controls, and (on request) every other parameter."""
    show_all, set_show_all = solara.use_state(False)
    opened, set_opened = solara.use_state(frozenset())
    problems = draft.problems()

    def card(reform: Reform) -> None:
        keys = tuple(c.key for c in reform.controls)

        def set_expanded(on: bool) -> None:
            set_opened(opened | {reform.title} if on else opened - {reform.title})

        ReformCard(
            reform.title,
            reform.years,
            reform.summary,
            keys,
            draft,
            problems,
            expanded=reform.title in opened or any(k in problems for k in keys),
            on_expanded=set_expanded,
        ).key(reform.title)

    with solara.Card(_("Edit: {name}").format(name=draft.display_name), classes=["govsim-editor"]):
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
            TextField(
                _("Name"),
                draft.display_name,
                on_value=lambda v: state.update(draft.with_name(v)),
                error=state.name_problem(draft, state.drafts.value),
                classes=["govsim-name"],
                style="min-width: 320px",
            )
            TextField(
                _("Description"),
                draft.shown_description,
                on_value=lambda v: state.update(draft.with_description(v)),
                style="min-width: 320px",
            )
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.Button(
                _("Undo all changes"),
                icon_name="mdi-undo",
                text=True,
                on_click=lambda: state.update(draft.reset()),
                disabled=not (draft.edits or draft.name is not None or draft.description is not None),
            )
            solara.Button(
                _("Close"), icon_name="mdi-chevron-up", text=True, on_click=lambda: state.editing.set(None)
            )
        # One card per reform, under the part of the article that tells it.  Opening hours need
        # the width of a week; the other reforms share the rows.
        for family, family_title in FAMILIES.items():
            mine = [r for r in REFORMS if r.family == family and r.controls]
            if not mine:
                continue
            solara.Text(_(family_title), classes=["govsim-family"], style={"font-weight": "bold"})
            wide = [r for r in mine if any(c.widget == "hours" for c in r.controls)]
            for reform in wide:
                card(reform)
            # Half of the controls column each (the results sit beside it on a wide screen).
            with solara.ColumnsResponsive(default=12, medium=6, large=6):
                for reform in mine:
                    if reform not in wide:
                        card(reform)
        solara.Switch(label=_("Show all other parameters"), value=show_all, on_value=set_show_all)
        if show_all:
            OtherParameters(draft, problems)
        other = [k for k in problems if k not in CONTROLS and k != NAME_KEY and (not show_all or k is None)]
        for key in other:
            solara.Error(
                f"{param_label(key) if key else _('Scenario')}: {problems[key]}", classes=["govsim-error"]
            )
        SaveScenario(draft)


@solara.component
def OtherParameters(draft: Draft, problems: dict):
    """Every parameter that no reform card shows, by model section, with its documentation."""
    with solara.ColumnsResponsive(default=12, medium=6, large=4):
        for section in SECTIONS:
            keys = [k for k in PARAMS if PARAMS[k].section == section and k not in CONTROLS]
            keys = [k for k in keys if k not in NOT_EDITABLE]
            if not keys:
                continue
            title = _SECTION_TITLES.get(section)
            with solara.Card(_(title) if title else section, classes=["govsim-section"]):
                for key in keys:
                    ParamControl(
                        key,
                        draft.value(key),
                        on_value=lambda v, key=key: state.set_value(draft.id, key, v),
                        error=problems.get(key),
                    )
                    solara.Text(
                        param_doc(key),
                        style={"font-size": "0.75em", "color": "#777", "margin-bottom": "8px"},
                    )
