"""English and Chinese: every string marked for translation has a Chinese entry; the page, the
terminal table and the report follow the chosen language."""

from __future__ import annotations

import pytest
import solara
from helpers import ROOT

from sim import i18n

SIM = ROOT / "sim"


def _marked_strings() -> list[tuple[str, int, str]]:
    """Every string the code marks with ``_()`` or ``N_()``, found as ``pybabel extract`` finds them."""
    from babel.messages.extract import extract_from_dir

    out = []
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(SIM), method_map=[("**.py", "python")], keywords={"_": None, "N_": None}
    ):
        if isinstance(message, str) and message:
            out.append((filename, lineno, message))
    return out


def test_every_english_ui_string_has_a_chinese_entry():
    marked = _marked_strings()
    assert len(marked) > 150  # the extraction does find the app's words
    zh = i18n.catalogue("zh")
    missing = sorted({f"sim/{f}:{n}: {m!r}" for f, n, m in marked if not zh.get(m)})
    assert missing == [], "no Chinese entry in sim/locale/zh/LC_MESSAGES/govsim.po for:\n" + "\n".join(
        missing
    )


def test_placeholders_survive_translation():
    import string

    zh = i18n.catalogue("zh")
    for english, chinese in zh.items():
        fields = {f for _t, f, _s, _c in string.Formatter().parse(english) if f}
        assert fields == {f for _t, f, _s, _c in string.Formatter().parse(chinese) if f}, english


def test_the_reforms_are_named_as_the_article_names_them():
    from sim.reforms import REFORMS

    with i18n.language("zh"):
        titles = {r.stem: i18n._(r.title) for r in REFORMS}
        helps = " ".join(i18n._(c.help) for r in REFORMS for c in r.controls if c.help)
    # Each reform module states the article's own name; the Chinese card title carries it.
    assert all(r.chinese in titles[r.stem] for r in REFORMS), titles
    assert titles["burden_reduction"] == "减负增效"
    assert titles["one_stop"] == "一站式服务大厅"
    for name in ("职能分类", "准入制", "权随责走", "费随事转", "网格化", "错时工作", "兼职委员"):
        assert any(name in t for t in titles.values()), name
    assert "权随责走" in helps and "费随事转" in helps


def test_the_language_comes_from_the_locale_and_the_browser():
    assert i18n.from_locale({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert i18n.from_locale({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert i18n.from_locale({}) == "en"
    assert i18n.from_accept_language("zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert i18n.from_accept_language("en-US,en;q=0.9,zh;q=0.8") == "en"
    assert i18n.from_accept_language("fr-FR, zh;q=0.5") == "zh"
    assert i18n.from_accept_language(None) == "en"
    with pytest.raises(ValueError, match="allowed: en, zh"):
        i18n.check("fr")


def test_the_page_switches_to_chinese(tmp_path):
    import ipyvuetify as v
    from test_ui_widgets import _button

    from sim.ui import state
    from sim.ui.app import ComparePage, LanguageSwitch
    from sim.ui.config import UiConfig

    state.reset(UiConfig(ROOT / "scenarios", tmp_path / "custom"))
    try:
        # (The switch sits in the app bar, which renders only inside Solara's app layout.)
        _box, rc = solara.render(
            solara.Column(children=[LanguageSwitch(), ComparePage()]), handle_error=False
        )
        assert _button(rc, "Run")
        _button(rc, "中文").click()
        assert state.language() == "zh"
        assert _button(rc, "运行") and _button(rc, "以此新建")
        assert rc.find(v.TextField, label="每个方案的配对运行次数").widgets
        _button(rc, "English").click()
        assert _button(rc, "Run")
    finally:
        state.reset(UiConfig(ROOT / "scenarios", tmp_path / "custom"))


def test_the_page_defaults_to_the_browsers_language(tmp_path):
    import solara.lab

    from sim.ui import state
    from sim.ui.config import UiConfig

    state.reset(UiConfig(ROOT / "scenarios", tmp_path / "custom"))
    solara.lab.headers.set({"accept-language": ["zh-CN,zh;q=0.9,en;q=0.8"]})
    try:
        assert state.language() == "zh"
        assert i18n._("Run") == "运行"
        state.chosen_language.set("en")
        assert i18n._("Run") == "Run"
    finally:
        solara.lab.headers.set(None)
        state.reset(UiConfig(ROOT / "scenarios", tmp_path / "custom"))


def test_terminal_table_and_report_follow_lang(tmp_path, capsys):
    from sim.cli import main

    files = [str(ROOT / "scenarios/baseline_2002.toml"), str(ROOT / "scenarios/changsha_2014.toml")]
    report = tmp_path / "report"
    args = ["compare", *files, "-r", "2", "--days", "10", "--workers", "1"]
    assert main([*args, "--lang", "zh", "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "指标" in out and "服务大厅平均排队时间" in out
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "服务大厅平均排队时间" in html and "大厅等待时间" in html
    assert main([*args, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "service.queue_wait_mean_min" in out and "指标" not in out


def test_a_fresh_install_reads_the_catalogue_without_a_compile_step():
    """The .po file ships as package data and is read directly: no .mo to build."""
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "locale/*/LC_MESSAGES/*.po" in data["tool"]["setuptools"]["package-data"]["sim"]
    assert i18n.catalogue_path("zh").is_file()
    assert not list((SIM / "locale").rglob("*.mo"))


def test_downloads_are_headed_in_the_readers_language(tmp_path):
    import io

    import pandas as pd
    from test_ui_widgets import synthetic_comparison

    from sim.ui.runner import runs_csv, table_csv

    c = synthetic_comparison({"service.queue_wait_mean_min": -3.0})
    with i18n.language("zh"):
        table = pd.read_csv(io.BytesIO(table_csv(c)))
        runs = pd.read_csv(io.BytesIO(runs_csv(c)))
    assert list(table.columns)[:3] == ["指标", "单位", "方案"]
    assert "服务大厅平均排队时间" in set(table["指标"])
    assert "更好" in set(table["结论"].dropna())
    assert "服务大厅平均排队时间 (min)" in runs.columns
