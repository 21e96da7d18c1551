#!/usr/bin/env python3
"""Proofshot: keep screenshot evidence of online purchases.

`main.py` with no command starts the tray app; `main.py COMMAND ...` works on the
library without a window (docs/cli.md). The commands live in the `cli` package, one
module per noun; this entry point parses the command line, sets up logging and runs
the command or the app. Qt is imported only when the tray app starts, or by the
commands that need it (`status`, `capture`, `export` with its PDF).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from cli.app import start_app
from cli.common import Handler, run_command
from cli.parser import build_parser

#: Libraries that log too much at DEBUG to be of use with -v.
QUIET_LOGGERS = ("PIL", "alembic", "pytesseract")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for name in ("library", "json"):
        if not hasattr(args, name):
            setattr(args, name, None if name == "library" else False)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if args.command is None:
        if args.json:
            parser.error("--json goes with a command")
        return run_command(args, lambda args: start_app(args, script=Path(__file__).resolve()))
    command: Handler = args.func
    return run_command(args, command)


if __name__ == "__main__":
    sys.exit(main())
