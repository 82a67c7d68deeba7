"""Saving an edited scenario as a TOML file that the command line accepts, and downloading it."""

from __future__ import annotations

import solara

from sim.i18n import _
from sim.scenario import ScenarioError
from sim.ui import state
from sim.ui.drafts import Draft
from sim.ui.library import file_slug


@solara.component
def SaveScenario(draft: Draft):
    """Save into the app's scenario folder (``scenarios/custom/`` by default) and offer the file."""
    path = state.saved.value.get(draft.id)
    error = state.save_errors.value.get(draft.id)
    problem = state.save_problem(draft, state.drafts.value)
    folder = state.config.value.save_dir
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, classes=["govsim-save"]):
        solara.Button(
            _("Save as TOML in {folder}/").format(folder=folder),
            icon_name="mdi-content-save",
            on_click=lambda: state.save(draft.id),
            disabled=bool(problem),
            color="primary",
            outlined=True,
            classes=["govsim-save-button"],
        )
        if problem:
            solara.Text(problem, style={"color": "#b00020"}, classes=["govsim-save-blocked"])
        try:
            text = draft.scenario().to_toml()
        except ScenarioError:
            text = None
        if text is not None:
            solara.FileDownload(
                text.encode(),
                filename=f"{file_slug(draft.display_name)}.toml",
                label=_("Download TOML"),
                mime_type="application/toml",
            )
    if path:
        solara.Success(
            _("Saved as {path}. The command line reads it: govsim validate {path}").format(path=path),
            dense=True,
            classes=["govsim-saved"],
        )
    if error:
        solara.Error(error, dense=True, classes=["govsim-error"])
