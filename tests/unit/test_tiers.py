"""The tiers of the suite (tests/conftest.py), checked on small throw-away suites.

Every test lands in exactly one tier, so the three stages of ``.ci/run`` together run the whole
suite; and a browser test that cannot run is a skip on a developer's machine but a failure when
the browser is required (CI), whether it skips while running or its module skips on import.
"""

from __future__ import annotations

import shutil

import pytest
from helpers import ROOT

pytest_plugins = ["pytester"]

BROWSER_SKIPS = """
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.skipif(True, reason="no chromium here")]


def test_page():
    pass
"""

BROWSER_IMPORT_FAILS = """
import pytest

pytestmark = pytest.mark.browser
pytest.importorskip("no_such_browser_driver")


def test_page():
    pass
"""

MIXED = """
import pytest


def test_plain():
    pass


@pytest.mark.statistical
def test_slow():
    pass


@pytest.mark.browser
def test_page():
    pass
"""


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A throw-away suite with this repository's conftest, outside CI."""
    for name in ("conftest.py", "helpers.py"):
        shutil.copy(ROOT / "tests" / name, pytester.path / name)
    pytester.makeini("[pytest]\nmarkers =\n    unit: u\n    statistical: s\n    browser: b\n")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GOVSIM_REQUIRE_BROWSER", raising=False)
    return pytester


def test_every_test_is_in_exactly_one_tier(suite):
    suite.makepyfile(test_mixed=MIXED)
    counts = {
        tier: suite.runpytest("-m", tier).parseoutcomes()["passed"]
        for tier in ("unit", "statistical", "browser")
    }
    assert counts == {"unit": 1, "statistical": 1, "browser": 1}
    suite.runpytest().assert_outcomes(passed=3)


def test_a_test_in_two_tiers_is_refused(suite):
    suite.makepyfile(
        test_both="import pytest\n\n@pytest.mark.statistical\n@pytest.mark.browser\ndef test_x():\n    pass\n"
    )
    result = suite.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*test_x: marked statistical and browser; a test is in one tier*"])


def test_a_browser_test_that_cannot_run_is_skipped_locally(suite):
    suite.makepyfile(test_page=BROWSER_SKIPS)
    suite.runpytest("-rs").assert_outcomes(skipped=1)


@pytest.mark.parametrize(("variable", "value"), [("CI", "true"), ("GOVSIM_REQUIRE_BROWSER", "1")])
def test_a_browser_test_that_cannot_run_fails_when_required(suite, monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    suite.makepyfile(test_page=BROWSER_SKIPS)
    result = suite.runpytest()
    result.assert_outcomes(errors=1)  # the skip happens in setup, so it fails as an error there
    result.stdout.fnmatch_lines(["*could not run: Skipped: no chromium here*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_browser_module_that_cannot_import_fails_when_required(suite, monkeypatch):
    suite.makepyfile(test_page=BROWSER_IMPORT_FAILS)
    suite.runpytest().assert_outcomes(skipped=1)
    monkeypatch.setenv("GOVSIM_REQUIRE_BROWSER", "1")
    result = suite.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*required*but skipped*no_such_browser_driver*"])
    assert result.ret == pytest.ExitCode.INTERRUPTED  # a collection error stops the run
