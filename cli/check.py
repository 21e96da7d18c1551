"""`check`: every original against its SHA-256, the custody log and the search index."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .common import EXIT_OK, EXIT_USER, emit_json, open_library

if TYPE_CHECKING:
    from .common import Subcommands

#: The one kind of problem `check --repair` can repair.
SEARCH_INDEX = "search_index"


def register(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser("check", help="verify every capture's hash and the custody log", parents=[common])
    p.add_argument(
        "--repair", action="store_true", help="rebuild the search index if the check finds it stale"
    )
    p.set_defaults(func=check)


def check(args: argparse.Namespace) -> int:
    from dataclasses import replace

    lib = open_library(args)
    report = lib.check()  # reads only
    repaired: list[str] = []
    if args.repair and any(p.kind == SEARCH_INDEX for p in report.problems):
        # The rebuild is consistent with the rows by construction (one transaction).
        lib.reindex()
        repaired.append(SEARCH_INDEX)
        report = replace(report, problems=tuple(p for p in report.problems if p.kind != SEARCH_INDEX))
    if args.json:
        emit_json(
            {
                "ok": report.ok,
                "captures": report.captures,
                "events": report.events,
                "problems": [
                    {"kind": p.kind, "message": p.message, "capture_id": p.capture_id}
                    for p in report.problems
                ],
                **({"repaired": repaired} if args.repair else {}),
            }
        )
    else:
        if repaired:
            print("The search index was rebuilt.")
        for p in report.problems:
            print(f"problem: {p.message}")
        if report.ok:
            print(
                f"All {report.captures} captures match their SHA-256 and the custody log of "
                f"{report.events} events is intact."
            )
        else:
            print(f"{len(report.problems)} problem(s) found in {lib.root}")
    return EXIT_OK if report.ok else EXIT_USER
