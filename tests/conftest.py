"""Shared fixtures, and the three tiers of the suite.

Every test belongs to exactly one tier, so that running the tiers one after another (as
``.ci/run`` does) runs exactly the whole suite:

* ``statistical``: slow stochastic checks (many model runs judged by statistical intervals),
  marked in their module or on the test;
* ``browser``: the web app in headless Chromium, marked in ``test_ui_browser.py``;
* ``unit``: everything else, the fast tier; this file gives the marker to every test that has
  neither of the other two.

Select a tier with ``pytest -m unit`` (or ``statistical``, ``browser``); plain ``pytest`` runs all.

A browser test that cannot run (no Chromium, no Playwright) is skipped with its reason on a
developer's machine, but **fails** when the browser is required: under CI (``CI=true``, as CI
services set it) or with ``GOVSIM_REQUIRE_BROWSER=1``.  A suite that silently skipped its browser
tests would pass without having looked at the web app.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT

TIERS = ("unit", "statistical", "browser")


def browser_required() -> bool:
    """Whether a browser test that cannot run is a failure rather than a skip."""
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("GOVSIM_REQUIRE_BROWSER") == "1"


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(scope="module")
def ui_pool() -> Iterator[None]:
    """For the web app's widget tests: a Run starts the app's warm worker pool in this process;
    stop it after the module (``pytestmark = pytest.mark.usefixtures("ui_pool")``)."""
    yield
    from sim.ui.runner import POOL

    POOL.shutdown()


@pytest.fixture
def app(tmp_path: Path):
    """The web app's state at its start (baseline and Changsha 2014 picked), saving into tmp_path."""
    from sim.ui import state
    from sim.ui.config import UiConfig

    scenarios = ROOT / "scenarios"
    state.reset(UiConfig(scenarios, tmp_path / "custom"))
    yield state
    state.reset(UiConfig(scenarios, tmp_path / "custom"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give the fast tier's marker to every test without another tier; refuse a test in two."""
    for item in items:
        tiers = [t for t in TIERS if item.get_closest_marker(t) is not None]
        if len(tiers) > 1:
            raise pytest.UsageError(f"{item.nodeid}: marked {' and '.join(tiers)}; a test is in one tier")
        if not tiers:
            item.add_marker(pytest.mark.unit)


def _is_browser_module(collector: pytest.Collector) -> bool:
    """A test module whose tests are browser tests (it declares the marker at module level).

    Read from the source because a module skipped while importing (``importorskip``) never gets
    as far as having marks.
    """
    path = getattr(collector, "path", None)
    if not isinstance(collector, pytest.Module) or path is None:
        return False
    return "pytest.mark.browser" in Path(path).read_text(encoding="utf-8")


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    """Under CI, a browser module skipped on import (Playwright missing) is a failure."""
    report = yield
    if report.skipped and browser_required() and _is_browser_module(collector):
        report.outcome = "failed"
        report.longrepr = (
            f"browser tests required (CI or GOVSIM_REQUIRE_BROWSER=1) but skipped: {report.longrepr}"
        )
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under CI, a browser test that skips (Chromium missing) is a failure."""
    report = yield
    if report.skipped and browser_required() and item.get_closest_marker("browser") is not None:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = (
            f"browser test required (CI or GOVSIM_REQUIRE_BROWSER=1) but it could not run: {reason}"
        )
    return report
