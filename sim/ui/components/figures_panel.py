"""The figures of a comparison: daily series with bands, staff time, participation, who gains, and
the effects; each with a PNG download.  The figures themselves are :mod:`sim.figures`'."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import solara

from sim.i18n import _
from sim.ui.labels import DAILY_FIGURES
from sim.ui.runner import FigureImage


@solara.component
def FigureCard(image: FigureImage):
    """One figure: title, what it shows, the picture and its PNG."""
    with solara.Card(image.shown_title(), classes=["govsim-figure", f"govsim-figure-{image.key}"]):
        solara.Text(image.shown_caption(), style={"font-size": "0.85em", "color": "#555"})
        if image.png is not None:
            solara.Image(image.png, width="100%", classes=["govsim-figure-img"])
            solara.FileDownload(
                image.png, filename=image.filename, label=_("Download PNG"), mime_type="image/png"
            )
        else:
            solara.Warning(image.error or _("no figure"), dense=True)


@solara.component
def FiguresPanel(images: Sequence[FigureImage], done: bool, expected: int):
    """Every figure drawn so far; the rest follow while the page stays usable."""
    if not done:
        solara.Text(
            _("Drawing figures: {done} of {expected} ready...").format(done=len(images), expected=expected),
            classes=["govsim-figures-progress"],
        )
    with solara.ColumnsResponsive(default=12, xlarge=6):
        for image in images:
            FigureCard(image).key(image.key)


@solara.component
def SeriesChooser(value: Sequence[str], on_value: Callable[[tuple[str, ...]], None]):
    """Which daily series to draw with bands (besides participation, always drawn)."""
    solara.v.Select(
        label=_("Daily series to draw with bands (applies at the next Run)"),
        items=[{"text": _(text), "value": key} for key, text in DAILY_FIGURES.items()],
        v_model=list(value),
        on_v_model=lambda v: on_value(tuple(v) or ("wait_mean_min",)),
        multiple=True,
        chips=True,
        small_chips=True,
        style_="max-width: 720px",
    )
