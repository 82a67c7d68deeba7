"""Text and number fields that keep what the planner is typing while the page updates.

``solara.InputInt``/``InputFloat``/``InputText`` (with ``continuous_update=False``) keep the
typed text only in the browser until focus leaves the field or Enter is pressed; any re-render of
the page in between (a run's progress, every second or so) writes the last committed value back
into the field, and the typing is lost.  These fields hold the text on the server at every
keystroke (a cheap re-render of the field alone) and hand the value to the scenario only when the
planner leaves the field or presses Enter, as Solara's fields do.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import ipyvue
import solara

from sim.i18n import _
from sim.ui import state

COMMIT_EVENTS = ("focusout", "keyup.enter")


def number_text(value: Any) -> str:
    """A number as the field shows it: whole numbers without ``.0``, no exponent."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def parse_number(text: str, integer: bool) -> int | float:
    """The number in ``text`` (thousands separators allowed); ``ValueError`` says what is wrong."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    if not cleaned:
        raise ValueError(_("enter a number"))
    if integer:
        try:
            return int(cleaned)
        except ValueError:
            try:
                f = float(cleaned)
            except ValueError:
                raise ValueError(_("a whole number, please")) from None
            if f.is_integer():
                return int(f)
            raise ValueError(_("a whole number, please")) from None
    try:
        f = float(cleaned)
    except ValueError:
        raise ValueError(_("a number, please")) from None
    if not math.isfinite(f):
        raise ValueError(_("a finite number, please"))
    return f


def _use_commit(el: Any, commit: Callable[[str], None]) -> None:
    """Call ``commit(text)`` when focus leaves the field or Enter is pressed."""
    ref = solara.use_ref(commit)
    ref.current = commit

    def attach() -> Callable[[], None]:
        widget = solara.get_widget(el)
        assert isinstance(widget, ipyvue.VueWidget)

        def on_event(w: Any, event: str, data: Any) -> None:
            ref.current(w.v_model or "")

        for event in COMMIT_EVENTS:
            widget.on_event(event, on_event)

        def detach() -> None:
            for event in COMMIT_EVENTS:
                widget.on_event(event, on_event, remove=True)

        return detach

    solara.use_effect(attach, [])


@solara.component
def TextField(
    label: str,
    value: str,
    on_value: Callable[[str], None],
    error: str | None = None,
    classes: list[str] | None = None,
    style: str = "",
):
    """Text handed over when the planner leaves the field or presses Enter."""
    text, set_text = solara.use_state(value)

    def follow() -> None:
        set_text(value)  # changed elsewhere (undo, a copy, or our own commit): show it

    solara.use_effect(follow, [value])

    def commit(typed: str) -> None:
        set_text(typed)
        if typed != value:
            on_value(typed)

    field = solara.v.TextField(
        label=label,
        v_model=text,
        on_v_model=set_text,
        error=bool(error),
        error_messages=[error] if error else [],
        class_=" ".join(classes or []),
        style_=style,
    )
    _use_commit(field, commit)


def _problem(text: str, integer: bool) -> str | None:
    """What is wrong with a number field's text (None: it reads as a number)."""
    try:
        parse_number(text, integer)
    except ValueError as e:
        return str(e)
    return None


@solara.component
def NumberField(
    label: str,
    value: Any,
    on_value: Callable[[int | float], None],
    integer: bool = False,
    suffix: str = "",
    classes: list[str] | None = None,
    style: str = "",
    report_to: Callable[[int, str | None], None] | None = None,
):
    """A whole number or a number, handed over on leaving the field or Enter.  Text that is not a
    number is marked here and never reaches the scenario; while it stands, Run is blocked
    (:data:`sim.ui.state.unfinished_fields`, or ``report_to`` for a page with a Run of its own),
    since the run would otherwise silently use the last number the field held."""
    text, set_text = solara.use_state(number_text(value))
    field_id = solara.use_memo(state.new_field_id, [])
    text_ref = solara.use_ref(text)
    text_ref.current = text

    def follow() -> None:
        # The value changed elsewhere (undo, a copy) or by our own commit: show it, unless the
        # field already reads as that number ("8.0" stays "8.0").
        try:
            if parse_number(text_ref.current, integer) == value:
                return
        except ValueError:
            pass
        set_text(number_text(value))

    solara.use_effect(follow, [value])
    problem = _problem(text, integer)
    tell = report_to or state.report_field

    def report() -> Callable[[], None]:
        tell(field_id, f"{label}: {problem}" if problem else None)
        return lambda: tell(field_id, None)  # a field that goes away blocks nothing

    solara.use_effect(report, [problem, label])

    def commit(typed: str) -> None:
        set_text(typed)
        try:
            number = parse_number(typed, integer)
        except ValueError:
            return  # the field says what is wrong
        on_value(number)

    field = solara.v.TextField(
        label=label,
        v_model=text,
        on_v_model=set_text,
        suffix=suffix,
        error=problem is not None,
        error_messages=[problem] if problem else [],
        class_=" ".join(classes or []),
        style_=style,
    )
    _use_commit(field, commit)
