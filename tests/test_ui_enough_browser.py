""" "How much is enough?" in a real browser: ``govsim ui`` started as a planner starts it, driven in
headless Chromium (Debian's package through Playwright; no browser download), its stores in a
temporary data folder.  The answer on the page must be the one ``sim.sweep`` gives for the same
question run directly, asking again must run nothing, and Stop must stop.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT
from test_ui_browser import CHROMIUM, CHROMIUM_ARGS, _shot, running_ui

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="headless Chromium is not installed at /usr/bin/chromium"
    ),
]
playwright_sync = pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed")
expect = playwright_sync.expect


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """The app with its own data folder for the question's stores (started as the main browser
    tests start it, and stopped with the same checks)."""
    tmp = tmp_path_factory.mktemp("ui-enough")
    data = tmp / "data"
    with running_ui(tmp, {"GOVSIM_UI_DATA_DIR": str(data)}) as srv:
        yield srv.url, data, srv.log


def _fill(page, label: str, text: str) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(text)
    field.press("Enter")


def test_how_much_is_enough_from_the_page(server, tmp_path: Path) -> None:
    url, data, _log = server
    with playwright_sync.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(30_000)
        page.goto(url)
        page.get_by_text("1. Scenarios").wait_for(timeout=60_000)
        page.get_by_role("tab", name="How much is enough?").click()
        page.locator(".govsim-enough").wait_for()

        # An impossible range is refused and blocks Find out.
        _fill(page, "From", "0")
        page.locator(".govsim-enough-blocked", has_text="outside what is possible").wait_for()
        expect(page.locator(".govsim-enough-button")).to_be_disabled()
        _fill(page, "From", "6")
        _fill(page, "To", "12")
        _fill(page, "Values to try (2 to 21)", "2")
        _fill(page, "Paired runs per value", "2")
        page.locator(".govsim-enough-plan", has_text="Values: 6, 12.").wait_for()
        expect(page.locator(".govsim-enough-button")).to_be_enabled()

        started = time.perf_counter()
        page.locator(".govsim-enough-button").click()
        answer = page.locator(".govsim-enough-answer")
        answer.wait_for(timeout=300_000)
        print(f"\n[ui timing] how much is enough, 6 runs of a year: {time.perf_counter() - started:.1f} s")
        img = page.locator(".govsim-figure-how-much img")
        img.wait_for(timeout=60_000)
        page.wait_for_function("e => e.complete && e.naturalWidth > 300", arg=img.element_handle())
        shown = answer.inner_text()
        _shot(page, "enough-answer")

        # The same question swept directly gives the same sentence, into a store of the same name.
        from sim import experiment_from_mapping, sweep
        from sim.scenario import load_scenario
        from sim.ui.how_much import Question, experiment_doc, judge, store_path
        from sim.ui.how_much_answer import sentence
        from sim.ui.levers import DEFAULT_GOALS

        q = Question(
            load_scenario(ROOT / "scenarios" / "baseline_2002.toml"),
            load_scenario(ROOT / "scenarios" / "changsha_2014.toml"),
            "staff.count",
            (6.0, 12.0),
            DEFAULT_GOALS,
            replications=2,
            days=365,
            seed=1,
        )
        direct = sweep(
            experiment_from_mapping(experiment_doc(q)), store=tmp_path / "d.sqlite", workers=2, progress=False
        )
        assert shown.strip() == sentence(judge(q, direct.runs))
        assert store_path(q, data / "how-much").exists()
        rows = page.locator("table.govsim-enough-table tr")
        expect(rows).to_have_count(3)

        # Asked again: everything is in the store.
        page.locator(".govsim-enough-button").click()
        page.locator(
            ".govsim-enough-store", has_text=re.compile(r"^0 runs now, 6 already in the store")
        ).wait_for(timeout=60_000)

        # A long question is stopped; its finished runs stay in its store.
        _fill(page, "Paired runs per value", "40")
        page.locator(".govsim-enough-button").click()
        page.locator(".govsim-enough-progress").wait_for()
        page.locator(".govsim-enough-stop").click()
        page.locator(".govsim-enough-stopped").wait_for(timeout=60_000)
        expect(page.locator(".govsim-enough-button")).to_be_enabled()
        context.close()
