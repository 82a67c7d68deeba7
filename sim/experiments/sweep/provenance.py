"""Provenance: what a sweep session records about how its runs were made.

Each call of :func:`sim.experiments.sweep.sweep` is a session in the store, with a manifest: the
experiment file's text and its SHA-256, the seeds, the govsim, Python and library versions, the
host and platform, the command, the workers or the Dask scheduler, and the time limit.  Anyone
holding the store can then say exactly what produced each run, and run it again.
"""

from __future__ import annotations

import platform
import socket
from contextlib import suppress
from typing import Any

from sim.executors import default_workers
from sim.experiments.experiment import Experiment, content_sha256
from sim.rng import replication_seed


def _versions() -> dict[str, str]:
    """The installed versions of the libraries a run's numbers can depend on."""
    from importlib import metadata

    out = {}
    for dist in ("mesa", "numpy", "scipy", "pandas", "pyarrow", "SALib", "tqdm", "dask", "distributed"):
        with suppress(metadata.PackageNotFoundError):
            out[dist] = metadata.version(dist)
    return out


def manifest(
    exp: Experiment, workers: int | None, scheduler: str | None, planned: int, command: str, runner: Any
) -> dict[str, Any]:
    """The session's manifest, as the store keeps it (one text or number per field)."""
    import json

    from sim import __version__

    seeds = [replication_seed(exp.seed, r) for r in range(exp.replications)]
    runner_name = getattr(runner, "__qualname__", None) or getattr(
        getattr(runner, "func", None), "__qualname__", ""
    )
    return {
        "experiment": exp.name,
        "experiment_file": exp.source,
        "experiment_sha256": content_sha256(exp.text),
        "experiment_text": exp.text,
        "quick": int(exp.quick),
        "replications": exp.replications,
        "base_seed": exp.seed,
        "seeds": json.dumps(seeds),
        "govsim_version": __version__ + (f" (runner {runner_name})" if runner is not None else ""),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "libraries": json.dumps(_versions(), sort_keys=True),
        "host": socket.gethostname(),
        "platform": platform.platform(),
        "command": command,
        "workers": str(workers or (None if scheduler else default_workers())),
        "scheduler": scheduler,
        "timeout": exp.timeout,
        "runs_planned": planned,
    }
