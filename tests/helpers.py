"""Helpers shared by the tests: paths, and the command line run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def govsim(*args: str, cwd: Path = ROOT, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the command line as a user would (``python -m sim``), capturing its output."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def ctrl_c_coordinator(gate: str, run: str) -> str:
    """A script that runs ``govsim ARGS`` as a user would (``python SCRIPT GATE ARGS...``) with
    ``synthetic.<run>`` as the model, except that a run for which ``gate`` holds (a Python
    expression of ``task`` and ``made``, the count of runs this worker process has started) blocks
    until the file GATE exists (never, in the Ctrl-C tests).  So when the runs before the gate are
    in the store, the others are known to be pending: the interrupt lands at that state however
    loaded the machine is (a sleep or a run length could not promise that)."""
    return f"""
import faulthandler, os, signal, sys, time
# Ctrl-C as in a terminal, whatever this process inherited; SIGUSR1 dumps every thread's stack
# (a test asks for it if the coordinator does not stop, so that a hang says where it is).
signal.signal(signal.SIGINT, signal.default_int_handler)
faulthandler.register(signal.SIGUSR1, all_threads=True)
import sim.experiments.sweep.running as sweep_module
from sim.cli import main
from sim.experiments import synthetic

GATE = sys.argv[1]
made = 0


def gated(task):
    global made
    made += 1
    if {gate}:
        while not os.path.exists(GATE):
            time.sleep(0.01)
    return synthetic.{run}(task)


sweep_module.run_task = gated
sys.exit(main(sys.argv[2:]))
"""
