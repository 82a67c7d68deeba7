"""English and Chinese: every string marked for translation has a Chinese entry; the page, the
terminal table and the report follow the chosen language."""

from __future__ import annotations

import re
from collections.abc import Iterable

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


def test_a_runs_figures_are_titled_in_the_language_they_are_read_in():
    """A run's figure titles and captions are kept in English and translated when shown, so that a
    reader who switches language after the run reads them in the new one (they were fixed in the
    language of the run; a Chinese page once showed an earlier English run's figure titles)."""
    from sim.ui.runner import FigureImage

    img = FigureImage(
        "effects",
        "Effects compared with {ref}",
        "Staff hours a day by activity; the black mark is overtime.",
        args=(("ref", "Baseline 2002"),),
    )
    with i18n.language("en"):
        assert img.shown_title() == "Effects compared with Baseline 2002"
    with i18n.language("zh"):
        assert img.shown_title() == "与Baseline 2002相比的效果"
        assert img.shown_caption() == i18n._(img.caption) != img.caption


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


# -- no English left in the Chinese page -----------------------------------------------------------

#: Latin letters a Chinese page may show: the app's name, the language switch's "English", file
#: formats, the QQ product, the queueing notation M/M/c and the Beta distribution, and the names of
#: the project's own documents that a parameter's source cites.
LATIN_ALLOWED = frozenset(
    {"govsim", "English", "TOML", "CSV", "PNG", "QQ", "M/M/c", "Beta", "MODEL-SKETCH", "DOMAIN"}
)
_LATIN = re.compile(r"[A-Za-z][A-Za-z'’/\-]*")
#: File paths, and a command to type ("govsim validate FILE").
_PATHS = re.compile(r"[\w.~-]*/[\w./~-]+|\b[\w-]+\.(?:toml|csv|png|py|sqlite)\b|\bgovsim [a-z-]+")


def latin_words(text: str, names: Iterable[str] = ()) -> set[str]:
    """The runs of Latin letters in ``text`` other than scenario names, file paths and the words
    a Chinese page may show (:data:`LATIN_ALLOWED`)."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    text = _PATHS.sub(" ", text)
    allowed = {w.casefold() for w in LATIN_ALLOWED}  # a browser reads buttons in capitals
    return {w for w in _LATIN.findall(text) if w.casefold() not in allowed}


def _widget_texts(widget, out: list[str], seen: set[int]) -> None:
    """Every text a widget shows: children, labels, hints, suffixes, messages, menu items, ARIA
    labels and tooltips, and the text (and tooltips) of raw HTML."""
    import html as html_module

    import ipyvuetify as vw

    if id(widget) in seen or isinstance(widget, vw.Icon):  # an icon's "children" is its mdi name
        return
    seen.add(id(widget))
    for attr in ("label", "hint", "suffix", "prefix", "placeholder"):
        value = getattr(widget, attr, None)
        if isinstance(value, str):
            out.append(value)
    out.extend(str(m) for m in getattr(widget, "error_messages", None) or [] if isinstance(m, str))
    for item in getattr(widget, "items", None) or []:
        if isinstance(item, dict):
            out.extend(str(item[k]) for k in ("text", "header") if k in item)
        elif isinstance(item, str):
            out.append(item)
    attributes = getattr(widget, "attributes", None)
    if isinstance(attributes, dict):
        out.extend(str(attributes[k]) for k in ("aria-label", "title") if k in attributes)
    inner = getattr(widget, "unsafe_innerHTML", None)
    if isinstance(inner, str):
        out.extend(html_module.unescape(t) for t in re.findall(r'title="([^"]*)"', inner))
        out.append(html_module.unescape(re.sub(r"<[^>]+>", " ", inner)))
    for child in getattr(widget, "children", None) or []:
        if isinstance(child, str):
            out.append(child)
        else:
            _widget_texts(child, out, seen)


def _english_in(element, names: Iterable[str]) -> dict[str, str]:
    """Render ``element`` and return each English word with a line it was seen in."""
    box, _rc = solara.render(solara.Column(children=[element]), handle_error=False)
    texts: list[str] = []
    _widget_texts(box, texts, set())
    return {w: t[:120] for t in texts for w in latin_words(t, names)}


def test_latin_words_finds_english_but_not_names_paths_or_formats():
    assert latin_words("保存为TOML到/tmp/x/custom/：Baseline 2002", ["Baseline 2002"]) == set()
    assert latin_words("服务大厅 6.9 min；见 docs/validation（sim/memory.py）") == {"min"}
    assert latin_words("must be an integer") == {"must", "be", "an", "integer"}


def _compare_page_english(names: set[str]) -> dict[str, dict[str, str]]:
    """The Compare tab in Chinese: the cards, the one being edited with every reform card opened,
    impossible values with their messages, and every other parameter."""
    import ipyvuetify as vw

    from sim.ui import state
    from sim.ui.app import ComparePage

    found: dict[str, dict[str, str]] = {}
    box, rc = solara.render(solara.Column(children=[ComparePage()]), handle_error=False)
    changsha = state.drafts.value[1]
    state.editing.set(changsha.id)
    for _ in range(30):
        closed = [w for w in rc.find(vw.Btn).widgets if i18n.translate("Change", "zh") in w.children]
        if not closed:
            break
        closed[0].click()

    def look(step: str) -> None:
        texts: list[str] = []
        _widget_texts(box, texts, set())
        found[step] = {w: t[:120] for t in texts for w in latin_words(t, names)}

    look("cards and reforms")
    impossible = (
        {"staff.count": 0, "departments.classification": False, "departments.access_strictness": 0.5},
        {"service.opening": {"weekdays": ["08:00-07:00"]}, "population.group_shares": {"commuter": 0.9}},
        {"service.opening": {}, **NO_OFFICERS},
    )
    for i, values in enumerate(impossible):
        for key, value in values.items():
            state.set_value(changsha.id, key, value)
        look(f"impossible values {i + 1}")
        state.update(state.drafts.value[1].reset())
    show_all = i18n.translate("Show all other parameters", "zh")
    next(w for w in rc.find(vw.Switch).widgets if w.label == show_all).v_model = True
    look("every other parameter")
    state.start_new_from(changsha.id)  # "New from this": a copy that describes itself, saved
    copy = state.drafts.value[2]
    state.set_value(copy.id, "staff.count", 9)
    assert state.save(copy.id) is not None
    look("a new card, saved")
    return found


def _result_views_english(names: set[str], tmp_path) -> dict[str, dict[str, str]]:
    """A result (with its value for money and downloads), the live view, How much is enough? with
    an answer, and the timeline with its results, in Chinese."""
    from test_ui_enough import BASELINE_LABEL, _runs
    from test_ui_live import _frame
    from test_ui_widgets import synthetic_comparison

    from sim.scenario import load_scenario
    from sim.ui import tasks
    from sim.ui.components.enough import EnoughAnswer, HowMuchIsEnough
    from sim.ui.components.kpi_table import KpiTable
    from sim.ui.components.live_view import LiveView
    from sim.ui.components.results_view import ResultDownloads
    from sim.ui.components.timeline_replay import ReplayResultsView, TimelineReplay
    from sim.ui.how_much import Question, judge, point_label
    from sim.ui.levers import DEFAULT_GOALS, LEVERS

    gains = {"service.resolved_share": 0.2, "service.queue_wait_mean_min": -3.0}
    c = synthetic_comparison({**gains, "finance.spending_yuan": 20.0})
    tasks.live_frame.set(_frame())
    before = load_scenario(ROOT / "scenarios/baseline_2002.toml")
    after = load_scenario(ROOT / "scenarios/changsha_2014.toml")
    q = Question(before, after, "staff.count", (6, 8, 10), DEFAULT_GOALS, replications=10, days=365)
    met = {point_label(LEVERS["staff.count"], x): (5, 0.9, 3e5) for x in (6, 8, 10)}
    judged = judge(q, _runs({BASELINE_LABEL: (5, 0.7, 3e5), **met}))
    answer = tasks.EnoughResults(q, judged, tmp_path, 3, 0, False)
    replayed = tasks.ReplayResults(c, tasks.timeline_entries()[0].scenario, 365, 3.2)
    views = {
        "results": solara.Column(children=[KpiTable(c), ResultDownloads(c)]),
        "live view": LiveView(),
        "how much is enough": HowMuchIsEnough(),
        "the answer": EnoughAnswer(answer),
        "timeline": TimelineReplay(),
        "timeline's results": ReplayResultsView(replayed),
    }
    return {step: _english_in(view, names) for step, view in views.items()}


def test_the_chinese_page_shows_no_unmarked_english(tmp_path):
    """Issue 11: every text of the Chinese page comes from the catalogue, not only the strings
    marked with _() (which the test above checks).  The page is rendered in Chinese in each of its
    states and no run of Latin letters may be left but names, paths and a few formats."""
    from sim.ui import state
    from sim.ui.config import UiConfig

    state.reset(UiConfig(ROOT / "scenarios", tmp_path / "custom", tmp_path / "data"))
    state.chosen_language.set("zh")
    try:
        names = {n for e in state.library_entries() for n in (e.name, e.shown)} | {"Package B"}
        found = {**_compare_page_english(names), **_result_views_english(names, tmp_path)}
    finally:
        state.reset(UiConfig(ROOT / "scenarios", tmp_path / "custom", tmp_path / "data"))
    assert len(found) == 12  # every state was looked at
    left = {step: words for step, words in found.items() if words}
    assert left == {}, "English in the Chinese page (word: where):\n" + "\n".join(
        f"{step}: {w!r}: {line}" for step, words in left.items() for w, line in words.items()
    )


def test_every_data_text_has_a_chinese_entry():
    """The model data's words, which the code does not mark (sim.data_words): each parameter's
    name, documentation, unit and source, each KPI's explanation, and the shipped scenario files'
    descriptions and timeline steps."""
    from sim.data_words import data_words

    words = data_words()
    assert len(words) > 300  # the parameters, the KPIs and the scenario files are all found
    zh = i18n.catalogue("zh")
    missing = sorted(f"{where[0]}: {text!r}" for text, where in words.items() if not zh.get(text))
    assert missing == [], (
        "no Chinese entry in sim/locale/zh/LC_MESSAGES/data.po (python -m sim.data_words) for:\n"
        + "\n".join(missing)
    )


#: Grid reporting with nobody on patrol (staff, committee members and paid officers all at 0).
NO_OFFICERS = {f"informatisation.patrol_{who}_hours_per_week": 0.0 for who in ("staff", "committee", "paid")}


@pytest.mark.parametrize(
    ("changes", "key", "chinese"),
    [
        ({"staff.count": 0}, "staff.count", "应为 1 到 1000 之间的整数，输入的是 0"),
        ({"burden.meetings_per_week": 31.0}, "burden.meetings_per_week", "0 到 30 之间的数"),
        ({"population.digital_access": {"commuter": 1.5}}, "population.digital_access", "0 到 1 之间的数"),
        ({"population.group_shares": {"commuter": 0.9}}, "population.group_shares", "各比例之和应为 1"),
        ({"service.opening": {"weekdays": ["08:00-07:00"]}}, "service.opening", "星期一、星期二、星期三"),
        ({"service.opening": {}}, "service.opening", "服务大厅从不开放"),
        (
            {"departments.classification": False, "departments.access_strictness": 0.5},
            "departments.access_strictness",
            "准入制按 2003 年的职能分类退回任务",
        ),
        (
            NO_OFFICERS,
            "informatisation.patrol_paid_hours_per_week",
            "网格化上报需要信息员",
        ),
    ],
)
def test_validation_messages_read_in_chinese(changes, key, chinese):
    """The scenario validation's messages, as the page shows them next to a control: translated
    where shown (sim.ui.messages), with parameters named as the controls name them."""
    from sim.scenario import load_scenario
    from sim.ui.drafts import Draft

    draft = Draft.from_scenario(load_scenario(ROOT / "scenarios/changsha_2014.toml"), "changsha_2014.toml")
    for k, v in changes.items():
        draft = draft.with_value(k, v)
    english = draft.problems()[key]
    with i18n.language("zh"):
        message = draft.problems()[key]
    assert chinese in message, message
    assert latin_words(message) == set(), (english, message)


def test_every_reform_rule_has_its_message_translated():
    """The reforms' rules across parameters are translated whole (sim.ui.messages.RULE_MESSAGES);
    the cases above break each of them.  A new rule needs its message there and a case above."""
    from sim.reforms import REFORMS
    from sim.ui.messages import RULE_MESSAGES

    assert sum(len(r.rules) for r in REFORMS) == len(RULE_MESSAGES) == 3
