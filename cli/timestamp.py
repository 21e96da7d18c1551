"""`timestamp`: trusted time from the command line (docs/trusted-time.md).

    main.py timestamp                      what is stamped, waiting or failed (no network)
    main.py timestamp --pending            send every waiting request now (after being offline)
    main.py timestamp ID...                stamp these captures
    main.py timestamp --export PATH        stamp an export's SHA256SUMS
    ... [--tsa URL]                        use this TSA (and remember it in the settings)

Only the forms that stamp open a connection, and only to the TSA URL; they send the
hash request, nothing else.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .common import EXIT_OK, EXIT_USER, UserError, emit_json, open_library, parse_id

if TYPE_CHECKING:
    from storage.export_timestamps import ExportStamping
    from storage.timestamps import Outcome

    from .common import Subcommands


def register(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser(
        "timestamp",
        help="get RFC 3161 trusted time-stamps for captures or an export (sends only hashes)",
        parents=[common],
    )
    what = p.add_mutually_exclusive_group()
    what.add_argument("--pending", action="store_true", help="send every waiting or failed request now")
    what.add_argument("--export", metavar="PATH", help="stamp the SHA256SUMS of this export folder")
    p.add_argument("ids", nargs="*", metavar="ID", help="capture ids to stamp")
    p.add_argument("--tsa", metavar="URL", help="the time-stamp authority to use (remembered)")
    p.add_argument(
        "--timeout", type=float, default=None, metavar="S", help="seconds to wait for the TSA (default 20)"
    )
    p.set_defaults(func=timestamp)


def export_stamping(timestamp: bool | None) -> ExportStamping | None:
    """How `export` stamps SHA256SUMS: `timestamp` True/False from its flags, None to
    follow the settings (trusted time on and "stamp each export" chosen)."""
    from capture.tsa_client import sender
    from storage.export_timestamps import ExportStamping
    from storage.settings import load_settings

    s = load_settings()
    wanted = timestamp if timestamp is not None else (s.tsa_enabled and s.tsa_stamp_exports)
    if not wanted:
        return None
    if not s.tsa_url:
        raise UserError("no time-stamp authority is set: choose one in Settings → Trusted time")
    return ExportStamping(s.tsa_url, sender())


def _tsa_url(args: argparse.Namespace) -> str:
    from capture.tsa_client import check_url
    from storage.settings import load_settings, save_settings

    settings = load_settings()
    if args.tsa:
        url = check_url(args.tsa)
        if url != settings.tsa_url:
            save_settings(replace(settings, tsa_url=url))
        return url
    if not settings.tsa_url:
        raise UserError(
            "no time-stamp authority is set: pass --tsa URL or choose one in Settings → Trusted time"
        )
    return settings.tsa_url


def _print(outcome: Outcome) -> None:
    mark = "stamped" if outcome.ok else "FAILED"
    print(f"{mark}: {outcome.message}", file=sys.stdout if outcome.ok else sys.stderr)


def timestamp(args: argparse.Namespace) -> int:
    from capture.tsa_client import sender
    from storage import timestamps as ts

    stamping = args.pending or args.export or args.ids
    if not stamping:
        if args.tsa:
            raise UserError("say what to stamp: --pending, capture ids or --export PATH")
        lib = open_library(args)
        rows = ts.requests(lib)
        if args.json:
            emit_json([r.to_dict() for r in rows])
        elif not rows:
            print("nothing has been time-stamped or queued")
        else:
            for r in rows:
                print(f"[{r.status}] {r.describe()}")
        return EXIT_OK
    if args.ids and (args.pending or args.export):
        raise UserError("give capture ids, --pending or --export, not several")
    ids = [parse_id(v, "capture id") for v in args.ids]
    url = _tsa_url(args)
    lib = open_library(args)
    if args.export:
        todo = [ts.queue_export(lib, Path(args.export), url)]
    elif ids:
        queued = ts.queue_captures(lib, ids, url)
        todo = [r for r in queued if r.status != ts.STAMPED]
        for r in queued:
            if r.status == ts.STAMPED and not args.json:
                print(f"already stamped: {r.describe()}")
    else:
        todo = ts.due_requests(lib, ignore_backoff=True)
        if not todo and not args.json:
            print("nothing is waiting to be time-stamped")
    outcomes = ts.process(lib, sender(args.timeout), todo, tsa_url=url if args.tsa else None)
    if args.json:
        emit_json([{"ok": o.ok, "message": o.message, **o.request.to_dict()} for o in outcomes])
    else:
        for o in outcomes:
            _print(o)
        failed = sum(not o.ok for o in outcomes)
        if failed:
            print(
                f"{failed} request(s) stay queued; run `main.py timestamp --pending` to try again",
                file=sys.stderr,
            )
    return EXIT_OK if all(o.ok for o in outcomes) else EXIT_USER
