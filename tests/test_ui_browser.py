"""The web app in a real browser: ``govsim ui`` started as a planner starts it, driven in headless
Chromium (Debian's package, through Playwright's sync API; no browser download).

One server serves every test here.  The first test is the planner's main path and measures the
time from pressing Run to the KPI table on screen (printed; the ceiling is only a guard against a
hang).  Set ``GOVSIM_UI_SCREENSHOTS=/some/dir`` to keep screenshots of each step.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from helpers import ROOT, govsim

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous: only a guard against a hang.  The measured time is printed and reported.
RUN_CEILING_S = 180.0

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="headless Chromium is not installed at /usr/bin/chromium "
        "(apt-get install chromium; .ci/run does it)",
    ),
]
playwright_sync = pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed")
expect = playwright_sync.expect


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _govsim_command() -> list[str]:
    """``govsim`` as installed next to this Python, else ``python -m sim`` (the same program)."""
    script = Path(sys.executable).with_name("govsim")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sim"]


def _shot(page, name: str) -> None:
    folder = os.environ.get("GOVSIM_UI_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


class Server:
    def __init__(self, url: str, save_dir: Path, log: Path) -> None:
        self.url, self.save_dir, self.log = url, save_dir, log


@contextlib.contextmanager
def running_ui(tmp: Path, extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    """``govsim ui`` on a free port, saving into ``tmp/custom``, logging to ``tmp/server.log``;
    stopped with Ctrl-C (SIGINT) at the end, which must end it cleanly: exit 0, no traceback, and
    no "Glyph ... missing" warning from any figure the server drew (Chinese names included)."""
    port = _free_port()
    log = tmp / "server.log"
    save_dir = tmp / "custom"
    env = {k: v for k, v in os.environ.items() if k not in ("VSCODE_PID", "VSCODE_CWD")}
    env.update(extra_env or {})
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*_govsim_command(), "ui", "--port", str(port), "--save-dir", str(save_dir)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            pytest.fail(f"govsim ui exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"govsim ui did not answer within 90 s:\n{log.read_text()}")
        time.sleep(0.3)
    try:
        yield Server(url, save_dir, log)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            pytest.fail(f"govsim ui did not stop within 30 s of Ctrl-C:\n{log.read_text()}")
        text = log.read_text()
        assert code == 0, text
        assert "govsim ui: stopped" in text
        assert "Traceback" not in text, text
        assert "Glyph" not in text, text


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app for this module's tests."""
    with running_ui(tmp_path_factory.mktemp("ui")) as srv:
        yield srv


@pytest.fixture
def page(server: Server, tmp_path: Path):
    """A fresh headless Chromium (its own user-data-dir) on the app's page."""
    with playwright_sync.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            accept_downloads=True,
            viewport={"width": 1400, "height": 1000},
        )
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(30_000)
        outside: list[str] = []
        page.on(
            "request",
            lambda r: (
                outside.append(r.url)
                if not r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
                else None
            ),
        )
        page.goto(server.url)
        page.get_by_text("1. Scenarios").wait_for(timeout=60_000)
        yield page
        context.close()
        # The page works with no internet access: nothing was asked of another host.
        assert outside == [], outside


def _card(page, name: str):
    return page.locator(".govsim-card").filter(has=page.get_by_text(name, exact=True))


def _kpi_cells(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "table.govsim-kpis td[data-mean]",
        "els => els.map(e => [e.closest('tr').dataset.kpi, e.dataset.scenario, e.dataset.mean,"
        " e.dataset.low, e.dataset.high])",
    )


def _diff_cells(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "table.govsim-kpis td[data-diff]",
        "els => els.map(e => [e.closest('tr').dataset.kpi, e.dataset.scenario, e.dataset.diff,"
        " e.dataset.low, e.dataset.high, e.dataset.verdict])",
    )


def _exact(x: object) -> str:
    """How the page writes a number into a data attribute (see kpi_table._num)."""
    return repr(float(x))  # type: ignore[arg-type]


def test_pick_two_scenarios_change_a_reform_run_and_read_the_results(page, server: Server) -> None:
    _shot(page, "01-start")
    # Pick: take Changsha 2014 out, then pick it again from the scenarios folder.
    _card(page, "Changsha 2014").get_by_role("button", name="Remove").click()
    _card(page, "Changsha 2014").wait_for(state="detached")
    page.locator(".govsim-picker-select").click()
    page.get_by_role("option", name=re.compile(r"^Changsha 2014")).click()
    page.locator(".govsim-add-scenario").click()
    _card(page, "Changsha 2014").wait_for()
    assert page.locator(".govsim-card").count() == 2

    # Change a reform: staff.  Zero staff is refused next to the control and blocks Run.
    _card(page, "Changsha 2014").get_by_role("button", name="Change reforms").click()
    page.locator(".govsim-reform-staffing").get_by_role("button", name="Change").click()
    staff = page.get_by_label("Hired staff")
    staff.fill("0")
    staff.press("Enter")
    page.locator(".govsim-control-staff-count .govsim-error").filter(
        has_text="must be an integer from 1 to 1000, got 0"
    ).wait_for()
    expect(page.locator(".govsim-run-button")).to_be_disabled()
    assert "Traceback (most recent call last)" not in page.inner_text("body")
    _shot(page, "02-impossible-input")
    staff.fill("8")
    staff.press("Enter")
    page.locator('.govsim-diff tr[data-key="staff.count"] td.changed', has_text="8 staff").wait_for()
    expect(page.locator(".govsim-control-staff-count .govsim-error")).to_have_count(0)
    run = page.locator(".govsim-run-button")
    expect(run).to_be_enabled()
    assert page.get_by_label("Paired runs per scenario").input_value() == "10"

    # Run with the default settings: two scenarios, ten paired runs, one year.
    run.scroll_into_view_if_needed()
    started = time.perf_counter()
    run.click()
    page.locator("table.govsim-kpis").wait_for(timeout=RUN_CEILING_S * 1000)
    seconds = time.perf_counter() - started
    print(
        f"\n[ui timing] Run pressed -> KPI table on screen: {seconds:.1f} s (2 scenarios x 10 runs x 1 year)"
    )
    _shot(page, "03-table")
    assert seconds < RUN_CEILING_S

    # The same numbers as compare run directly with the same settings (same seeds, same code).
    from sim.compare import compare
    from sim.scenario import load_scenario

    baseline = load_scenario(ROOT / "scenarios" / "baseline_2002.toml")
    changed = load_scenario(ROOT / "scenarios" / "changsha_2014.toml").with_changes(
        {"staff.count": 8}, name="Changsha 2014 (edited)"
    )
    direct = compare([baseline, changed], replications=10, seed=1, days=365, workers=2)
    expected = direct.table
    shown = expected[~expected["kpi"].str.startswith("verify.")]
    want = sorted(
        [r.kpi, r.scenario, _exact(r.mean), _exact(r.ci_low), _exact(r.ci_high)] for r in shown.itertuples()
    )
    assert sorted(_kpi_cells(page)) == want
    others = shown[shown["scenario"] == "Changsha 2014 (edited)"]
    want_diff = sorted(
        [r.kpi, r.scenario, _exact(r.diff), _exact(r.diff_low), _exact(r.diff_high), r.verdict]
        for r in others.itertuples()
    )
    assert sorted(_diff_cells(page)) == want_diff
    # Cost beside every gain: the extra spending and the price of each sure gain are sim.value's
    # for the same comparison (issue 11 item 6).
    from sim.value import value_for_money

    value = value_for_money(direct)
    spending = page.eval_on_selector_all(
        ".govsim-value-table tr[data-scenario]", "els => els.map(e => [e.dataset.scenario, e.dataset.extra])"
    )
    assert spending == [["Changsha 2014 (edited)", _exact(value["extra_spending"].iloc[0])]]
    priced = page.eval_on_selector_all(
        ".govsim-value-table li[data-kpi]", "els => els.map(e => [e.dataset.kpi, e.dataset.yuanPerUnit])"
    )
    assert sorted(priced) == sorted([g.kpi, _exact(g.yuan_per_unit)] for g in value.itertuples() if g.kpi)
    assert page.locator("table.govsim-kpis .price").count() == len(priced)

    # And the text a planner reads, for one row: the mean wait in minutes.
    from sim.ui.labels import kpi_value

    wait = expected[
        (expected["kpi"] == "service.queue_wait_mean_min") & (expected["scenario"] == "Baseline 2002")
    ]
    cell = page.locator('tr[data-kpi="service.queue_wait_mean_min"] td.value').first
    assert cell.locator(".mean").inner_text() == kpi_value(
        "service.queue_wait_mean_min", wait["mean"].iloc[0]
    )

    # Figures: daily waiting time and administrative hours, staff time, participation, who gains,
    # effects.
    page.locator("text=Drawing figures").wait_for(state="detached", timeout=120_000)
    images = page.locator(".govsim-figure img")
    assert images.count() == 6
    for i in range(6):
        img = images.nth(i)
        img.scroll_into_view_if_needed()
        page.wait_for_function("e => e.complete && e.naturalWidth > 0", arg=img.element_handle())
        w, h = img.evaluate("e => [e.naturalWidth, e.naturalHeight]")
        assert w > 300 and h > 200, (i, w, h)
    _shot(page, "04-figures")

    # Downloads: the KPI table as CSV, a figure as PNG.
    with page.expect_download() as dl:
        page.get_by_role("button", name="KPI table (CSV)").click()
    table = pd.read_csv(dl.value.path())
    from sim.ui.runner import TABLE_HEADERS

    assert list(table.columns) == [
        TABLE_HEADERS["kpi"],
        "unit",
        *(TABLE_HEADERS[c] for c in expected.columns[1:]),
    ]
    assert set(table["scenario"]) == {"Baseline 2002", "Changsha 2014 (edited)"}
    with page.expect_download() as dl:
        page.locator(".govsim-figure-who-gains").get_by_role("button", name="Download PNG").click()
    assert Path(dl.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # Save the edited scenario; the command line accepts the file.
    page.locator(".govsim-save-button").click()
    page.locator(".govsim-saved").wait_for()
    saved = sorted(server.save_dir.glob("*.toml"))
    assert [p.name for p in saved] == ["changsha_2014_edited.toml"]
    check = govsim("validate", str(saved[0]))
    assert check.returncode == 0, check.stderr
    assert load_scenario(saved[0]).content_hash() == changed.content_hash()


def test_stop_a_long_run(page) -> None:
    replications = page.get_by_label("Paired runs per scenario")
    replications.fill("100")
    replications.press("Enter")
    page.locator(".govsim-run-button").click()
    page.locator(".govsim-progress").wait_for()
    # The page answers while the runs go on in the worker processes: open a scenario's reforms.
    asked = time.perf_counter()
    _card(page, "Baseline 2002").get_by_role("button", name="Change reforms").click()
    page.locator(".govsim-editor").wait_for(timeout=15_000)
    print(f"\n[ui timing] reforms opened during a run in {time.perf_counter() - asked:.1f} s")
    expect(page.locator(".govsim-progress")).to_be_visible()  # still running
    page.locator(".govsim-stop").click()
    # This session has no finished run: the page must not point at results below (issue 11).
    page.get_by_text("Stopped before any run finished: there are no results yet.").wait_for(timeout=30_000)
    expect(page.locator(".govsim-run-button")).to_be_enabled()
    assert page.locator("table.govsim-kpis").count() == 0


def test_timeline_replay_of_one_year(page) -> None:
    page.get_by_role("tab", name=re.compile("Timeline 2003")).click()
    page.locator(".govsim-replay").wait_for()
    # One year, two runs: the replay's own controls, kept small for the test.
    slider = page.locator(".govsim-replay .v-slider__thumb-container")
    slider.focus()
    slider.press("Home")
    page.get_by_text("Years to replay: 1 (from 2003)").wait_for()
    runs = page.get_by_label("Paired runs", exact=True)
    runs.fill("2")
    runs.press("Enter")
    page.get_by_text("that is 4 runs").wait_for()
    page.locator(".govsim-replay-button").click()
    img = page.locator(".govsim-figure-timeline-replay img")
    img.wait_for(timeout=RUN_CEILING_S * 1000)
    page.wait_for_function("e => e.complete && e.naturalWidth > 300", arg=img.element_handle())
    page.get_by_text("Over the 365 days").wait_for()
    scenarios = page.eval_on_selector_all(
        "table.govsim-kpis td[data-mean]", "els => [...new Set(els.map(e => e.dataset.scenario))]"
    )
    assert scenarios == ["No reforms after 2002", "Timeline 2003-2014"]
    _shot(page, "05-replay")


def _add_from_picker(page, name: str) -> None:
    page.locator(".govsim-picker-select").click()
    page.get_by_role("option", name=re.compile(rf"^{re.escape(name)}\b")).first.click()
    page.locator(".govsim-add-scenario").click()
    _card(page, name).wait_for()


def test_four_packages_fit_a_1440_px_window_beside_the_controls(page, server: Server) -> None:
    """Issue 11, defects 1 and 8: text in a number field blocks Run; with four packages the results
    sit beside the controls, the page never scrolls sideways, and no banner covers the table."""
    page.set_viewport_size({"width": 1440, "height": 900})
    _add_from_picker(page, "One-stop service")
    _add_from_picker(page, "Burden reduction")
    assert page.locator(".govsim-card").count() == 4
    replications = page.get_by_label("Paired runs per scenario")
    replications.fill("three")
    replications.press("Enter")
    page.locator(".govsim-blocked", has_text="Paired runs per scenario: a whole number, please").wait_for()
    expect(page.locator(".govsim-run-button")).to_be_disabled()
    replications.fill("2")
    replications.press("Enter")
    page.locator(".v-select", has_text="Length of each run").click()
    page.get_by_role("option", name=re.compile(r"^3 months")).click()
    run = page.locator(".govsim-run-button")
    expect(run).to_be_enabled()
    run.click()
    page.locator("table.govsim-kpis").wait_for(timeout=RUN_CEILING_S * 1000)
    _shot(page, "06-four-packages-1440")
    controls = page.locator(".govsim-controls").bounding_box()
    outcome = page.locator(".govsim-outcome").bounding_box()
    assert outcome["x"] >= controls["x"] + controls["width"] - 1, (controls, outcome)  # beside, not below
    assert outcome["y"] < controls["y"] + 200
    page_width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert page_width <= window, (page_width, window)
    table = page.locator("table.govsim-kpis").bounding_box()
    assert table["x"] + table["width"] <= window, table
    assert "runs on Solara" not in page.inner_text("body")


def test_a_chinese_walk_through(server: Server, tmp_path: Path) -> None:
    """Issue 11: a browser that prefers Chinese gets the page in Chinese; a planner names a package
    in Chinese, changes staff, runs, reads the table and the figures, downloads the table and
    saves.  The server's log is checked for missing glyphs when the server stops."""
    with playwright_sync.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            accept_downloads=True,
            locale="zh-CN",  # Accept-Language: zh-CN
            viewport={"width": 1440, "height": 1000},
        )
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(30_000)
        page.goto(server.url)
        page.get_by_text("1. 方案").wait_for(timeout=60_000)
        _card(page, "Changsha 2014").get_by_role("button", name="以此新建").click()
        name = page.get_by_label("名称")
        name.fill("长沙 一站式服务 2014")
        name.press("Enter")
        _card(page, "长沙 一站式服务 2014").wait_for()
        page.locator(".govsim-reform-staffing").get_by_role("button", name="修改").click()
        staff = page.get_by_label("聘用工作人员")
        staff.fill("九")
        staff.press("Enter")
        expect(page.locator(".govsim-run-button")).to_be_disabled()  # not a number: Run waits
        staff.fill("9")
        staff.press("Enter")
        runs = page.get_by_label("每个方案的配对运行次数")
        runs.fill("2")
        runs.press("Enter")
        page.locator(".govsim-run-button").click()
        page.locator("table.govsim-kpis").wait_for(timeout=RUN_CEILING_S * 1000)
        header = page.locator("table.govsim-kpis thead").inner_text()
        assert "指标" in header and "长沙 一站式服务 2014" in header
        assert "服务大厅平均排队时间" in page.locator("table.govsim-kpis").inner_text()
        assert "可忽略：确定，但幅度太小" in page.locator(".govsim-legend").inner_text()
        assert "改善与代价并列" in page.locator(".govsim-value").inner_text()
        page.locator(".govsim-figures-progress").wait_for(state="detached", timeout=120_000)
        assert page.locator(".govsim-figure img").count() == 6
        _shot(page, "07-chinese")
        # No English on the page but names, paths and a few formats (the words the app writes
        # itself, the validation's messages, units, the scenario files' descriptions: all Chinese).
        from test_i18n import latin_words

        from sim.ui import library

        names = {e.name for e in library.scan(ROOT / "scenarios", server.save_dir)} | {
            "Changsha 2014 (edited)"
        }
        assert latin_words(page.inner_text("body"), names) == set()
        with page.expect_download() as dl:
            page.get_by_role("button", name="指标表（CSV）").click()
        table = pd.read_csv(dl.value.path())
        assert list(table.columns)[:3] == ["指标", "单位", "方案"]
        page.locator(".govsim-save-button").click()
        page.locator(".govsim-saved").wait_for()
        assert any(load_text.startswith("name = ") for load_text in _saved_first_lines(server))
        context.close()


def _saved_first_lines(server: Server) -> list[str]:
    return [f.read_text(encoding="utf-8").splitlines()[0] for f in server.save_dir.glob("*.toml")]


def _district_run(page, package: str) -> float:
    """Press the District tab's Run and wait for the losers under ``package`` (a name that earlier
    results in another language do not have); the seconds it took."""
    started = time.perf_counter()
    page.locator(".govsim-district-run-button").click()
    page.locator(".govsim-losers-summary li", has_text=package).first.wait_for(timeout=RUN_CEILING_S * 1000)
    page.locator("table.govsim-losers").wait_for()
    return time.perf_counter() - started


def test_a_district_comparison_shows_the_tiles_and_the_losers(page, server: Server) -> None:
    """Issue 10, item 5: the District tab compares two allocation rules of the demonstration
    district, cut to 6 communities and a month for speed, with 2 paired runs; the tiles and the
    losers' table appear; then the same in Chinese, with no English left on the page."""
    page.get_by_role("tab", name="District").click()
    page.locator(".govsim-district-picker").wait_for()
    communities = page.get_by_label("Communities", exact=True)
    communities.fill("6")
    communities.press("Enter")
    page.get_by_text("6 communities in 4 sub-districts").wait_for()
    page.locator(".govsim-district-length").click()
    page.get_by_role("option", name="1 month (31 days)").click()
    runs = page.get_by_label("Paired runs per rule")
    runs.fill("2")
    runs.press("Enter")
    page.get_by_text("4 district runs (2 rules x 2 paired runs, 6 communities each)").wait_for()
    seconds = _district_run(page, "By evaluation score")
    print(
        f"\n[ui timing] district Run -> losers: {seconds:.1f} s (6 communities, 2 rules x 2 runs x 31 days)"
    )
    assert page.locator(".govsim-losers-summary li").count() == 3
    assert (
        page.locator(".govsim-losers-summary li")
        .first.inner_text()
        .endswith(
            "communities lose on Needs resolved under By evaluation score, against Per resident "
            "(worse by more than 2.0 pp, and sure)."
        )
    )
    assert page.locator("table.govsim-losers tbody tr").count() >= 5
    for key in ("district-tiles", "district-by-type", "district-change"):
        img = page.locator(f".govsim-figure-{key} img")
        img.scroll_into_view_if_needed()
        page.wait_for_function("e => e.complete && e.naturalWidth > 300", arg=img.element_handle())
    assert page.locator("table.govsim-kpis td[data-mean]").count() > 0
    _shot(page, "08-district")

    # In Chinese: the tab, the rules, a new run named in Chinese, its losers and figures.
    page.locator(".govsim-lang-zh").click()
    page.get_by_text("谁受损").wait_for()
    seconds = _district_run(page, "按考评得分")
    print(f"[ui timing] the same in Chinese: {seconds:.1f} s")
    page.locator(".govsim-figure-district-tiles img").wait_for()
    _shot(page, "09-district-zh")
    from test_i18n import latin_words

    from sim.ui import library

    names = {e.name for e in library.scan_districts(ROOT / "scenarios")} | {f"C{i:03d}" for i in range(1, 7)}
    assert latin_words(page.inner_text("body"), names) == set()
