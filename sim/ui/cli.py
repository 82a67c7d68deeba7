"""``govsim ui``: start the planners' web app on this machine.

The command line imports this module at every start, so it imports nothing heavy at module level:
Solara, the model and the worker pool are loaded only when ``govsim ui`` runs.

The page works without internet access: Solara's JavaScript and CSS come from the
``solara-assets`` package, served by the app itself (see ``docs/ui.md`` for the traps).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

from sim.cli import at_least

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def add_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``govsim ui`` to the command line."""
    p = subparsers.add_parser(
        "ui",
        help="start the web app for planners (compare reform packages in a browser)",
        description="Start the web app on this machine and print its address. Ctrl-C stops it.",
    )
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this machine only)",
    )
    p.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks a free one)"
    )
    p.add_argument(
        "--scenarios",
        default="scenarios",
        metavar="DIR",
        help="folder of scenario files to pick from (default: scenarios)",
    )
    p.add_argument(
        "--save-dir",
        default=None,
        metavar="DIR",
        help="folder where edited scenarios are saved (default: <scenarios>/custom, created if missing)",
    )
    p.add_argument(
        "--workers",
        type=at_least(1),
        default=None,
        help="worker processes for the runs (default: one per core)",
    )
    p.set_defaults(func=cmd_ui)


def _port(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= n <= 65535:
        raise argparse.ArgumentTypeError(f"a port is from 0 to 65535, got {n}")
    return n


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _check_port(host: str, port: int) -> None:
    """Fail with a clear message before Solara starts, instead of a uvicorn traceback."""
    from sim.cli import UsageError

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
    except socket.gaierror:
        raise UsageError(f"unknown host {host!r}") from None
    except OSError as e:
        raise UsageError(
            f"cannot listen on {host}:{port} ({e.strerror}); choose another with --port"
        ) from None


def offline_environment(scenarios: Path, save_dir: Path, workers: int | None) -> dict[str, str]:
    """Environment for the Solara server: local assets, no telemetry, and the app's folders."""
    from sim.ui.config import SAVE_DIR_ENV, SCENARIOS_ENV
    from sim.ui.runner import WORKERS_ENV

    env = {
        # Serve Solara's JavaScript/CSS from solara-assets instead of a CDN; VS Code's variables
        # would otherwise switch the local copy off (NOTES.md).
        "SOLARA_ASSETS_PROXY": "True",
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        # No "This website runs on Solara" banner: it sits over the bottom right of the page,
        # on top of the KPI table's last column.
        "SOLARA_THEME_SHOW_BANNER": "False",
        "MPLBACKEND": "Agg",
        SCENARIOS_ENV: str(scenarios.resolve()),
        SAVE_DIR_ENV: str(save_dir.resolve()),
    }
    if workers:
        env[WORKERS_ENV] = str(workers)
    return env


def cmd_ui(args: argparse.Namespace) -> int:
    """Start the server in this process; return when it stops (Ctrl-C)."""
    from sim.cli import UsageError

    scenarios = Path(args.scenarios)
    if not scenarios.is_dir():
        raise UsageError(f"no scenarios folder at {scenarios} (give one with --scenarios)")
    save_dir = Path(args.save_dir) if args.save_dir else scenarios / "custom"
    if save_dir.exists() and not save_dir.is_dir():
        raise UsageError(f"--save-dir {save_dir} is a file, not a folder")
    port = args.port or _free_port(args.host)
    _check_port(args.host, port)
    try:
        import solara_assets  # noqa: F401
    except ImportError:
        print(
            "govsim ui: warning: solara-assets is not installed; the page will try to load its "
            "scripts from the internet",
            file=sys.stderr,
        )
    # Before Solara is imported: its settings read the environment once, at import.
    os.environ.update(offline_environment(scenarios, save_dir, args.workers))

    import threading
    import warnings

    import solara.__main__ as solara_main

    # Solara warns on every page load that a plain-http cookie cannot be samesite=none; on
    # 127.0.0.1 that is expected and the warning would bury the messages that matter.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")

    from sim.ui.runner import POOL

    url = f"http://{'[' + args.host + ']' if ':' in args.host else args.host}:{port}"
    print(f"govsim ui: open {url} in a browser (Ctrl-C to stop)", flush=True)
    # Start the worker processes while the server starts, so the first Run does not wait for them.
    threading.Thread(target=_warm_quietly, args=(POOL,), daemon=True, name="govsim-warm-pool").start()
    argv = [
        "sim.ui.app",
        "--host",
        args.host,
        "--port",
        str(port),
        "--no-open",
        "--no-check-version",
        "--production",
    ]
    import click

    try:
        solara_main.run.main(args=argv, standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):
        pass  # Ctrl-C: uvicorn has shut down; rich-click turns the interrupt into Abort
    finally:
        POOL.shutdown()
    print("govsim ui: stopped", flush=True)
    return 0


def _warm_quietly(pool: object) -> None:
    try:
        pool.warm_up()  # type: ignore[attr-defined]
    except Exception as e:  # the first Run will start the pool again and report any real problem
        print(f"govsim ui: could not start the worker processes in advance: {e}", file=sys.stderr)
