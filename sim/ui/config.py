"""Where the app finds scenarios and saves new ones (set by ``govsim ui`` through the environment,
because the Solara server imports the app module itself)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SCENARIOS_ENV = "GOVSIM_UI_SCENARIOS"
SAVE_DIR_ENV = "GOVSIM_UI_SAVE_DIR"
#: Where the app keeps its own results ("How much is enough?" sweep stores), default results/ui.
DATA_DIR_ENV = "GOVSIM_UI_DATA_DIR"


@dataclass(frozen=True)
class UiConfig:
    scenarios_dir: Path
    save_dir: Path
    data_dir: Path = Path("results") / "ui"

    @classmethod
    def from_env(cls) -> UiConfig:
        scenarios = Path(os.environ.get(SCENARIOS_ENV) or "scenarios")
        save = Path(os.environ.get(SAVE_DIR_ENV) or scenarios / "custom")
        data = Path(os.environ.get(DATA_DIR_ENV) or Path("results") / "ui")
        return cls(scenarios, save, data)
