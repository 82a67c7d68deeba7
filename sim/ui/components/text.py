"""Headings and paragraphs as plain HTML.

``solara.Markdown`` is avoided on purpose: its front end always loads KaTeX from a CDN, which an
offline machine cannot reach (a failed request on every page, and a server-side proxy retry).
"""

from __future__ import annotations

import html

import solara


@solara.component
def Heading(text: str, level: int = 2):
    """A section heading (plain text)."""
    solara.v.Html(tag=f"h{level}", children=[text], style_="margin: 16px 0 8px 0")


@solara.component
def Prose(markup: str, classes: list[str] | None = None):
    """A paragraph of trusted HTML built by the app (callers escape what users typed)."""
    solara.HTML(tag="div", unsafe_innerHTML=markup, classes=classes or [])


def esc(text: object) -> str:
    return html.escape(str(text))
