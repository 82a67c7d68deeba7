"""A comparison written out for people and machines: tables, figures and one HTML page.

``write_report`` produces, in one directory: ``table.csv`` (tidy), ``table.md``, ``runs.csv``
(one row per run), ``daily.csv`` (one row per run and day), one PNG per figure, and
``report.html``, a single self-contained page (figures embedded) to send to a colleague.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
from pathlib import Path
from typing import TYPE_CHECKING

from sim import figures
from sim.i18n import N_, _

if TYPE_CHECKING:
    from sim.compare import Comparison

FIGURES = {
    "waiting_time": (N_("Waiting time in the hall"), lambda c: figures.daily_bands(c, "wait_mean_min")),
    "staff_time": (N_("Staff time split"), figures.staff_time),
    "participation": (N_("Participation this year"), lambda c: figures.daily_bands(c, "participation_ytd")),
    "effects": (N_("Effects against the reference"), figures.forest),
    "resolved_by_group": (N_("Who gains"), figures.resolved_by_group),
}


def write_report(c: Comparison, out: Path) -> Path:
    from sim import __version__

    out.mkdir(parents=True, exist_ok=True)
    c.table.to_csv(out / "table.csv", index=False)
    (out / "table.md").write_text(c.to_markdown() + "\n")
    c.runs.to_csv(out / "runs.csv", index=False)
    if c.daily is not None:
        c.daily.to_csv(out / "daily.csv", index=False)
    pngs: dict[str, bytes] = {}
    for name, (_title, make) in FIGURES.items():
        if c.daily is None and name in ("waiting_time", "staff_time", "participation"):
            continue
        png = figures.figure_png(make(c))
        (out / f"{name}.png").write_bytes(png)
        pngs[name] = png
    district_html, titles = _district(c, out, pngs) if c.communities is not None else ("", {})
    meta = {
        "scenarios": [{"name": s.name, "source": s.source, "sha256": s.content_hash()} for s in c.scenarios],
        "replications": len(c.seeds),
        "seeds": c.seeds,
        "days": c.days,
        "failed_runs": c.failures,
        "govsim_version": __version__,
        "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    (out / "manifest.json").write_text(json.dumps(meta, indent=2) + "\n")
    (out / "report.html").write_text(_html(c, pngs, meta, district_html, titles))
    return out


def _district(c: Comparison, out: Path, pngs: dict[str, bytes]) -> tuple[str, dict[str, str]]:
    """A district comparison's own part: the community tables, the losers and their figures (their
    titles name the packages)."""
    from sim.district import report as district

    assert c.communities is not None
    c.communities.to_csv(out / "communities.csv", index=False)
    table = district.losers_csv(c)
    table.to_csv(out / "losers.csv", index=False)
    titles = {}
    for name, (title, fig) in district.figures(c).items():
        png = figures.figure_png(fig)
        (out / f"{name}.png").write_bytes(png)
        pngs[name] = png
        titles[name] = title
    shown = table[table["loses"]].head(40)
    cols = [
        "scenario",
        "kpi",
        "name",
        "type_label",
        "subdistrict",
        "residents",
        "change",
        "change_low",
        "change_high",
    ]

    def cell(v: object) -> str:
        return f"<td>{html.escape(str(round(v, 4) if isinstance(v, float) else v))}</td>"

    rows = "".join("<tr>" + "".join(cell(r[k]) for k in cols) + "</tr>" for _i, r in shown.iterrows())
    head = "".join(f"<th>{html.escape(k)}</th>" for k in cols)
    return (
        f"<h2>{html.escape(_('Communities that lose'))}</h2><pre>{html.escape(district.losers_text(c))}</pre>"
        f"<table><tr>{head}</tr>{rows}</table>"
    ), titles


def _html(
    c: Comparison,
    pngs: dict[str, bytes],
    meta: dict,
    district: str = "",
    titles: dict[str, str] | None = None,
) -> str:
    from sim.compare import VERDICT_TAGS, table_rows

    head, body = table_rows(c)

    def cell(text: str) -> str:
        cls = next((v for v in ("better", "worse", "negligible") if text.endswith(_(VERDICT_TAGS[v]))), "")
        return f'<td class="{cls}">{html.escape(text)}</td>'

    table = "<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"
    table += "".join("<tr>" + "".join(cell(x) for x in r) + "</tr>" for r in body) + "</table>"
    figs = "".join(
        f"<h2>{html.escape(_(FIGURES[n][0]) if n in FIGURES else (titles or {}).get(n, n))}</h2>"
        f"<img alt='{n}' src='data:image/png;base64,{base64.b64encode(p).decode()}'>"
        for n, p in pngs.items()
    )
    failed = (
        f"<p class='worse'>{len(c.failures)} runs failed: " + html.escape("; ".join(c.failures)) + "</p>"
        if c.failures
        else ""
    )
    title = " vs ".join(c.names)
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1200px}}table{{border-collapse:collapse;font-size:12px}}
td,th{{border:1px solid #ccc;padding:3px 6px}}.better{{background:#e3f4e6}}.worse{{background:#fbe3e6}}
.negligible{{background:#f3f6ee}}img{{max-width:100%}}</style></head><body>
<h1>{html.escape(title)}</h1>
<p>{meta["replications"]} paired replications (common random numbers) of {meta["days"]} days each;
govsim {meta["govsim_version"]}. Mean [95 % interval]; differences are paired, with relative change
and Cohen's d. "better"/"WORSE" only when the interval excludes zero and the difference is at
least the size that matters for the KPI (its catalogue entry: `govsim kpis`); "negligible" when it
is sure but smaller.</p>{failed}
{table}{district}{figs}</body></html>
"""
