"""Refactors keep the numbers: KPIs pinned from the model before its behaviour moved into the
agent modules (issue 8).  A change that alters any of these on purpose must say why in its commit
and regenerate ``tests/data/pinned_kpis.json`` (it records seed and days)."""

import json
import math
from pathlib import Path

import pytest

from sim.run import simulate

PINNED = json.loads((Path(__file__).parent / "data/pinned_kpis.json").read_text())


@pytest.mark.parametrize("scenario", sorted(PINNED["kpis"]))
def test_kpis_are_bit_identical_to_the_pinned_run(root, scenario):
    got = simulate(root / scenario, seed=PINNED["seed"], days=PINNED["days"], daily=False).kpis
    want = PINNED["kpis"][scenario]
    changed = {
        k: (v, got[k]) for k, v in want.items() if not (v is None and math.isnan(got[k])) and got[k] != v
    }
    assert not changed, f"{scenario}: KPIs moved: {changed}"
