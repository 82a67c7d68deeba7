"""The opening-hours editor: a weekly schedule as days and hours, not as TOML.

Each day of the week is a row: open or closed, and its periods (from, until) on the half hour.
The editor hands back a schedule table of the kind scenario files use (``weekdays``, ``sat``...),
written as compactly as the hours allow.  It does not judge the hours itself: a period that
closes before it opens goes to the scenario's validation, whose message is shown under the
editor, and the row it comes from is marked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import solara

from sim.calendar import DAY_GROUPS, DAY_NAMES
from sim.i18n import N_, _

DAY_LABELS = {
    "mon": N_("Monday"),
    "tue": N_("Tuesday"),
    "wed": N_("Wednesday"),
    "thu": N_("Thursday"),
    "fri": N_("Friday"),
    "sat": N_("Saturday"),
    "sun": N_("Sunday"),
}
TIMES = [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30)] + ["24:00"]
DEFAULT_PERIOD = "08:00-12:00"

Schedule = Mapping[str, Sequence[str]]


def expand_days(spec: Schedule) -> dict[str, list[str]]:
    """Each day's periods, with named days overriding ``daily``/``weekdays``/``weekend`` (the rule
    of :func:`sim.calendar.weekly_mask`).  Periods are kept as written, even impossible ones."""
    per_day: dict[str, list[str]] = {d: [] for d in DAY_NAMES}
    for key in ("daily", "weekdays", "weekend", *DAY_NAMES):
        if key in spec:
            for day in DAY_GROUPS.get(key, (key,)):
                per_day[day] = [str(p) for p in spec[key]]
    return per_day


def compact_days(per_day: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The shortest schedule table for the days' periods: ``daily``, or ``weekdays`` plus the
    weekend days, or day by day.  Closed days are left out."""
    days = {d: list(per_day.get(d, [])) for d in DAY_NAMES}
    spec: dict[str, list[str]] = {}
    if all(days[d] == days["mon"] for d in DAY_NAMES) and days["mon"]:
        return {"daily": days["mon"]}
    week = DAY_GROUPS["weekdays"]
    rest = DAY_NAMES
    if days["mon"] and all(days[d] == days["mon"] for d in week):
        spec["weekdays"] = days["mon"]
        rest = DAY_GROUPS["weekend"]
    for d in rest:
        if days[d]:
            spec[d] = days[d]
    return spec


def split_period(period: str) -> tuple[str, str]:
    start, _, end = period.partition("-")
    return start.strip(), end.strip()


def period_ok(period: str) -> bool:
    """Whether a period runs forwards (what the editor marks; the message comes from validation)."""
    start, end = split_period(period)
    return start in TIMES and end in TIMES and TIMES.index(start) < TIMES.index(end)


@solara.component
def PeriodInput(period: str, on_period: Callable[[str], None], on_remove: Callable[[], None], label: str):
    """One period of a day: from, until, and a button to remove it."""
    start, end = split_period(period)
    bad = not period_ok(period)
    with solara.Row(style={"align-items": "center", "gap": "4px"}, classes=["govsim-period"]):
        solara.v.Select(
            label=_("from"),
            items=TIMES,
            v_model=start if start in TIMES else None,
            on_v_model=lambda v: on_period(f"{v}-{end}"),
            dense=True,
            hide_details=True,
            style_="max-width: 100px",
            class_="govsim-from",
            error=bad,
            attributes={"aria-label": _("{period} from").format(period=label)},
        )
        solara.v.Select(
            label=_("until"),
            items=TIMES,
            v_model=end if end in TIMES else None,
            on_v_model=lambda v: on_period(f"{start}-{v}"),
            dense=True,
            hide_details=True,
            style_="max-width: 100px",
            class_="govsim-until",
            error=bad,
            attributes={"aria-label": _("{period} until").format(period=label)},
        )
        solara.Button(
            icon_name="mdi-close",
            icon=True,
            on_click=on_remove,
            small=True,
            attributes={"aria-label": _("remove {period}").format(period=label)},
        )


@solara.component
def DayRow(day: str, periods: list[str], on_periods: Callable[[list[str]], None]):
    """A day: open or closed, and its periods."""

    def set_open(is_open: bool) -> None:
        on_periods([DEFAULT_PERIOD] if is_open else [])

    def set_period(i: int, period: str) -> None:
        on_periods([period if j == i else p for j, p in enumerate(periods)])

    def remove(i: int) -> None:
        on_periods([p for j, p in enumerate(periods) if j != i])

    def add() -> None:
        # A new period after the last one, if the day has room for it.
        last_end = split_period(periods[-1])[1] if periods else "08:00"
        i = TIMES.index(last_end) if last_end in TIMES else 16
        start, end = TIMES[min(i + 2, 47)], TIMES[min(i + 6, 48)]
        on_periods([*periods, f"{start}-{end}"])

    with solara.Row(
        style={"align-items": "center", "flex-wrap": "wrap", "gap": "8px", "min-height": "44px"},
        classes=["govsim-day", f"govsim-day-{day}"],
    ):
        # A fixed-width checkbox keeps the periods on the same line as their day.
        solara.Checkbox(
            label=_(DAY_LABELS[day]),
            value=bool(periods),
            on_value=set_open,
            style="flex: 0 0 130px; margin-top: 0; padding-top: 0",
        )
        if not periods:
            solara.Text(_("closed"), style={"color": "#777"})
        for i, period in enumerate(periods):
            PeriodInput(
                period,
                on_period=lambda p, i=i: set_period(i, p),
                on_remove=lambda i=i: remove(i),
                label=_("{day} period {n}").format(day=_(DAY_LABELS[day]), n=i + 1),
            )
        if periods:
            solara.Button(
                _("add period"),
                icon_name="mdi-plus",
                text=True,
                small=True,
                on_click=add,
                classes=["govsim-add"],
            )


@solara.component
def OpeningHoursEditor(
    value: Schedule,
    on_value: Callable[[dict[str, list[str]]], None],
    error: str | None = None,
    label: str = "",
):
    """The week, day by day, with a shortcut to give Tuesday-Friday Monday's hours."""
    per_day = expand_days(value)

    def set_day(day: str, periods: list[str]) -> None:
        on_value(compact_days({**per_day, day: periods}))

    def copy_monday() -> None:
        on_value(compact_days({**per_day, **{d: list(per_day["mon"]) for d in DAY_GROUPS["weekdays"]}}))

    with solara.Column(gap="2px", classes=["govsim-hours"]):
        solara.Text(label or _("Opening hours"), style={"font-weight": "500"})
        for day in DAY_NAMES:
            DayRow(day, per_day[day], on_periods=lambda p, day=day: set_day(day, p))
        solara.Button(
            _("Same hours Monday to Friday"),
            text=True,
            small=True,
            on_click=copy_monday,
            classes=["govsim-copy"],
        )
        if error:
            solara.Error(error, dense=True, classes=["govsim-error"])
