"""How each scenario differs from the baseline, side by side, grouped by reform."""

from __future__ import annotations

import html
from collections.abc import Sequence

import solara

from sim.i18n import _
from sim.ui.drafts import Draft, differences, same_value
from sim.ui.labels import REFORM_OF, param_label, value_text


def differences_html(drafts: Sequence[Draft]) -> str:
    """A table: one row per parameter on which any scenario differs from the first, one column per
    scenario; values that differ from the baseline are bold."""
    rows = differences(drafts)
    if len(drafts) < 2:
        return ""
    if not rows:
        return f'<p class="govsim-nodiff">{_("The scenarios do not differ in any parameter.")}</p>'
    baseline_tag = f" <small>({_('baseline')})</small>"
    head = "".join(
        f"<th>{html.escape(d.display_name)}{baseline_tag if i == 0 else ''}</th>"
        for i, d in enumerate(drafts)
    )
    out = [
        f'<table class="govsim-diff"><thead><tr><th>{_("Reform")}</th><th>{_("What")}</th>{head}</tr>'
        "</thead><tbody>"
    ]
    # Reform rows first (in the order of the article), then any other parameter.
    order = {key: i for i, key in enumerate(REFORM_OF)}
    rows.sort(key=lambda r: order.get(r[0], len(order)))
    for key, values in rows:
        reform = _(REFORM_OF[key].title) if key in REFORM_OF else _("other")
        cells = []
        for i, v in enumerate(values):
            differs = i > 0 and not same_value(key, v, values[0])
            text = html.escape(value_text(key, v))
            cells.append(f'<td class="{"changed" if differs else "same"}">{text}</td>')
        out.append(
            f'<tr data-key="{html.escape(key)}"><td class="reform">{html.escape(reform)}</td>'
            f"<td>{html.escape(param_label(key))}</td>{''.join(cells)}</tr>"
        )
    out.append("</tbody></table>")
    return "".join(out)


@solara.component
def DifferencesTable(drafts: Sequence[Draft]):
    """The at-a-glance view of the packages: what each changes compared with the baseline."""
    if len(drafts) < 2:
        return
    solara.HTML(tag="div", unsafe_innerHTML=differences_html(drafts), classes=["govsim-differences"])
