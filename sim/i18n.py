"""The planners' two languages: English (the source text) and Chinese, from a gettext catalogue.

Every text a planner reads is written in English in the code, marked with :func:`_` (translated
where it is used) or :func:`N_` (a constant translated later, where it is shown), and translated
from ``sim/locale/<lang>/LC_MESSAGES/govsim.po``.  The words of the model's data (what each
parameter is, its unit and source, the KPIs' explanations, the shipped scenarios' descriptions)
are written in English where they are defined and translated from a second domain,
``data.po`` (:mod:`sim.data_words` gathers them).  The ``.po`` files are read directly with Babel's
reader the first time a language is used (no compiled ``.mo`` to build: a fresh ``pip install -e .``
works as it is).  ``tests/test_i18n.py`` extracts every marked string from the code, as
``pybabel extract`` does, and every data text, and fails if one has no Chinese entry.

Which language: the command line's ``--lang``, else the locale's (``LC_ALL``, ``LC_MESSAGES``,
``LANG``); in the web app the page's switch, else the browser's ``Accept-Language``.  The app sets
a *provider* (the session's reactive choice), so each browser session has its own language.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path

LANGUAGES = {"en": "English", "zh": "中文"}
SOURCE = "en"
DOMAIN = "govsim"
#: The catalogue's domains: the code's words, then the model data's (sim.data_words).
DOMAINS = (DOMAIN, "data")
LOCALE_DIR = Path(__file__).with_name("locale")

_language: ContextVar[str | None] = ContextVar("govsim_language", default=None)
_provider: Callable[[], str] | None = None


def N_(message: str) -> str:
    """Mark a constant for the catalogue without translating it now (it is translated where it
    is shown, in the reader's language then)."""
    return message


def _(message: str) -> str:
    """``message`` in the current language (the English text itself when there is no entry)."""
    return translate(message, current())


def translate(message: str, lang: str) -> str:
    if lang == SOURCE or not message:
        return message
    return catalogue(lang).get(message) or message


def current() -> str:
    """The language in force: this context's if set (``--lang``, :func:`language`), else the app's
    provider (the browser session's choice), else English."""
    explicit = _language.get()
    if explicit is not None:
        return explicit
    if _provider is not None:
        try:
            return _provider()
        except Exception:  # no session to ask (a thread outside the app): the source language
            return SOURCE
    return SOURCE


def set_language(lang: str) -> None:
    _language.set(check(lang))


@contextlib.contextmanager
def language(lang: str) -> Iterator[None]:
    """Translate in ``lang`` within the block (the command line's ``--lang``, tests)."""
    token = _language.set(check(lang))
    try:
        yield
    finally:
        _language.reset(token)


def set_provider(provider: Callable[[], str] | None) -> None:
    """Where :func:`current` asks first (the web app: the session's choice)."""
    global _provider
    _provider = provider


def check(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; allowed: {', '.join(LANGUAGES)}")
    return lang


def from_locale(environ: Mapping[str, str] | None = None) -> str:
    """The language of the user's locale: ``zh`` for any Chinese locale, else English."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else SOURCE
    return SOURCE


def from_accept_language(header: str | None) -> str:
    """The browser's preferred language among ours (``Accept-Language: zh-CN,zh;q=0.9,en;q=0.8``)."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((header or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        base = tag.strip().lower().split("-")[0]
        if base in LANGUAGES and q > 0:
            ranked.append((-q, i, base))
    return min(ranked)[2] if ranked else SOURCE


def catalogue_path(lang: str, domain: str = DOMAIN) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """msgid -> translation for ``lang``, read from its ``.po`` files (empty entries left out)."""
    from babel.messages.pofile import read_po

    out: dict[str, str] = {}
    for domain in reversed(DOMAINS):  # the code's own entry wins over the data's
        with catalogue_path(check(lang), domain).open("rb") as f:
            cat = read_po(f, locale=lang, domain=domain)
        out.update({m.id: m.string for m in cat if m.id and isinstance(m.id, str) and m.string})
    return out
