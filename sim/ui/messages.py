"""The validation messages of :mod:`sim.scenario` and :mod:`sim.calendar` in the reader's language.

The scenario module writes its messages in English for the file's author and the terminal
(``govsim validate``); the app shows the same messages next to its controls.  Rather than mark
text inside the validation (one implementation, shared with the command line), the app translates
a message where it shows it: a message the catalogue knows as a whole (a reform's rule), or one
of the forms below with its parts ("must be an integer from 1 to 1000, got 0").  A message of no
known form stays as written, so nothing is ever lost; ``tests/test_i18n.py`` drives every kind of
impossible input the page can produce and fails on English left in the Chinese message.
"""

from __future__ import annotations

import re

from sim.i18n import N_, _

#: Messages of the reforms' rules across parameters (``Reform.rules``), translated as a whole.
#: The parameter keys in them become the controls' names afterwards (:func:`sim.ui.drafts._message`).
RULE_MESSAGES = (
    N_("the hall is never open"),
    N_(
        "the access system turns tasks back by their 2003 class, so it needs "
        "departments.classification = true"
    ),
    N_(
        "grid reporting needs information officers: give staff, committee or paid patrol hours "
        "(informatisation.patrol_*_hours_per_week) above 0"
    ),
)

#: (form of the English message, its template): the named parts are translated in turn.
_FORMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), template)
    for pattern, template in (
        (r"must be (?P<allowed>.+), got (?P<got>.+)", N_("must be {allowed}, got {got}")),
        (r"must be (?P<allowed>.+)", N_("must be {allowed}")),
        (
            r"shares must sum to 1, they sum to (?P<total>\S+)",
            N_("shares must sum to 1, they sum to {total}"),
        ),
        (
            r"interval '(?P<interval>[^']*)' must run forwards within one day \(00:00-24:00\)",
            N_("interval '{interval}' must run forwards within one day (00:00-24:00)"),
        ),
        (
            r"interval '(?P<interval>[^']*)': times must be on the hour or half hour",
            N_("interval '{interval}': times must be on the hour or half hour"),
        ),
        (
            r"interval '(?P<interval>[^']*)' is not of the form \"HH:MM-HH:MM\"",
            N_("interval '{interval}' is not of the form \"HH:MM-HH:MM\""),
        ),
    )
)

#: What a value must be (:meth:`sim.param.Param.allowed`), the ``allowed`` part above.
_ALLOWED: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), template)
    for pattern, template in (
        (r"an integer from (?P<lo>\S+) to (?P<hi>\S+)", N_("an integer from {lo} to {hi}")),
        (r"an integer of at least (?P<lo>\S+)", N_("an integer of at least {lo}")),
        (r"an integer of at most (?P<hi>\S+)", N_("an integer of at most {hi}")),
        (r"an integer", N_("an integer")),
        (r"a number from (?P<lo>\S+) to (?P<hi>\S+)", N_("a number from {lo} to {hi}")),
        (r"a number of at least (?P<lo>\S+)", N_("a number of at least {lo}")),
        (r"a number of at most (?P<hi>\S+)", N_("a number of at most {hi}")),
        (r"a number", N_("a number")),
        (r"true or false", N_("true or false")),
        (r'a date "YYYY-MM-DD"', N_('a date "YYYY-MM-DD"')),
    )
)


def _by_form(text: str, forms: tuple[tuple[re.Pattern[str], str], ...]) -> str | None:
    for pattern, template in forms:
        m = pattern.fullmatch(text)
        if m is not None:
            parts = dict(m.groupdict())
            if "allowed" in parts:
                parts["allowed"] = _by_form(parts["allowed"], _ALLOWED) or parts["allowed"]
            return _(template).format(**parts)
    return None


def problem_text(message: str) -> str:
    """A validation message in the reader's language (as written when its form is unknown)."""
    whole = _(message)
    if whole != message:
        return whole
    return _by_form(message, _FORMS) or message
