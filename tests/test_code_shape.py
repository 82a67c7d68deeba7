"""The shape the developers' guide asks of the code (issue 8): a newcomer can read any module of
``sim/`` in one sitting and any function on one screen, or is told why not."""

from __future__ import annotations

import ast

from helpers import ROOT

SIM = ROOT / "sim"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
REASON = "# Long by design:"


def _modules():
    return sorted(SIM.rglob("*.py"))


def test_no_module_is_over_500_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _modules()
        if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}, f"split these into modules named after what they hold: {long}"


def test_every_function_over_60_lines_says_why():
    unexplained = []
    for path in _modules():
        lines = path.read_text().splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if node.end_lineno - node.lineno + 1 <= MAX_FUNCTION_LINES:
                continue
            first = min([d.lineno for d in node.decorator_list] + [node.lineno])
            above = "\n".join(lines[max(0, first - 6) : first - 1])  # the comment block above it
            if REASON not in above:
                unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert unexplained == [], f"write '{REASON} <reason>' above these, or split them: {unexplained}"
