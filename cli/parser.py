"""The command line's parser: the options every command takes, the tray app's options,
and each noun module's sub-commands, in the order `--help` lists them."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import app, captures, check, export, importing, ocr, purchases, search, timestamp
from .common import APP_NAME, APP_VERSION


def build_parser() -> argparse.ArgumentParser:
    # --library and --json are accepted before or after the command (and its action);
    # main() fills in their defaults.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--library",
        metavar="DIR",
        type=Path,
        default=argparse.SUPPRESS,
        help="library folder (default: per user)",
    )
    common.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print records as JSON"
    )

    ap = argparse.ArgumentParser(
        prog="main.py",
        description="Proofshot keeps screenshot evidence of online purchases. "
        "Without a command it starts the tray app.",
        parents=[common],
    )
    ap.add_argument("--version", action="version", version=f"{APP_NAME} {APP_VERSION}")
    ap.add_argument("-v", "--verbose", action="store_true", help="log what happens to stderr")
    app.add_app_options(ap)
    commands = ap.add_subparsers(dest="command", metavar="COMMAND")
    for noun in (purchases, importing, captures, search, app, check, ocr, export, timestamp):
        noun.register(commands, common)
    return ap
