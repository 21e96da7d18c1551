"""What every command shares: the library it works on, JSON output, ids typed on the
command line, the one-line capture listing, and turning errors into exit codes.

Nothing here imports the library (SQLAlchemy) or Qt at import time."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from storage.library import Library
    from storage.records import CaptureRecord

    #: What `ArgumentParser.add_subparsers` returns; each noun module adds its commands to it.
    Subcommands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

APP_NAME = "Proofshot"
APP_VERSION = "0.1.0"

EXIT_OK = 0
EXIT_USER = 1  # a user mistake or a problem found (explained on stderr)
EXIT_USAGE = 2  # the command line itself is wrong (argparse)
EXIT_NOT_RUNNING = 3
EXIT_INTERRUPTED = 130
EXIT_BUG = 70

#: A command: takes the parsed command line, returns the exit code.
Handler: TypeAlias = Callable[[argparse.Namespace], int]

log = logging.getLogger("proofshot")


class UserError(Exception):
    """A mistake on the command line, explained in one line."""


# --------------------------------------------------------------------------- the library


def default_library() -> Path:
    env = os.environ.get("PROOFSHOT_LIBRARY")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def library_path(args: argparse.Namespace) -> Path:
    """The library folder the command is about, as an absolute path (what the running
    app is found by)."""
    return Path(args.library or default_library()).expanduser().absolute()


def open_library(args: argparse.Namespace, scan: bool = False) -> Library:
    from storage.library import Library

    lib = Library.open(args.library or default_library(), scan=scan)
    for cid in lib.open_report.recovered:
        print(f"recovered capture {cid} into the Inbox after an interruption", file=sys.stderr)
    if lib.open_report.backup:
        log.info("library upgraded; the previous database was copied to %s", lib.open_report.backup)
    return lib


# --------------------------------------------------------------------------- values and output


def emit_json(doc: object) -> None:
    """Print `doc` as the command's one JSON document (`--json`)."""
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")


def local_time(iso_utc: str, offset_min: int | None = None) -> str:
    """'2026-10-27T06:39:00.000000Z' -> '2026-10-27 14:39 (UTC+08:00)' in the capture's
    own offset when known, else this machine's."""
    dt = datetime.strptime(iso_utc, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    local = (
        dt.astimezone(timezone(timedelta(minutes=offset_min))) if offset_min is not None else dt.astimezone()
    )
    off = local.utcoffset() or timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{local:%Y-%m-%d %H:%M:%S} (UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d})"


def parse_id(value: str, what: str = "id") -> int:
    try:
        n = int(value)
    except ValueError:
        raise UserError(f"'{value}' is not a {what} (a whole number such as 12)") from None
    if n <= 0 or n > 2**62:
        raise UserError(f"'{value}' is not a {what} (a whole number such as 12)")
    return n


def parse_target(value: str) -> int | None:
    """A purchase id, or 'inbox' for none."""
    if value.strip().lower() in ("inbox", "none", "0"):
        return None
    return parse_id(value, "purchase id")


def print_capture_line(c: CaptureRecord) -> None:
    where = f"#{c.purchase_id} {c.purchase_title}" if c.purchase_id else "Inbox"
    trash = "  [in Trash]" if c.in_trash else ""
    note = f"  “{c.note}”" if c.note else ""
    print(
        f"#{c.id:<5} {local_time(c.captured_at, c.utc_offset_min)[:16]}  {c.width}x{c.height}  "
        f"ocr:{c.ocr_status:11s} {c.sha256}  {where}{note}{trash}"
    )


def print_captures(args: argparse.Namespace, items: list[CaptureRecord]) -> None:
    """Captures a command changed: a JSON list with --json, else one line each."""
    if args.json:
        emit_json([c.to_dict() for c in items])
    else:
        for c in items:
            print_capture_line(c)


# --------------------------------------------------------------------------- errors → exit codes


def run_command(args: argparse.Namespace, func: Handler) -> int:
    """Run one command; what goes wrong becomes one line on stderr and an exit code."""
    from capture.errors import KnownCaptureError
    from storage.errors import KnownStorageError

    try:
        return func(args)
    except (UserError, KnownStorageError, KnownCaptureError) as exc:
        print(f"proofshot: {exc}", file=sys.stderr)
        return EXIT_USER
    except KeyboardInterrupt:
        print("proofshot: interrupted; nothing half-done was kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception:  # a bug: say so plainly, keep the details for the report
        details = traceback.format_exc()
        log_dir = Path(os.environ.get("PROOFSHOT_LOG_DIR") or args.library or default_library())
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            crash = log_dir / "crash.log"
            with open(crash, "a", encoding="utf-8") as f:
                f.write(f"--- {datetime.now(UTC).isoformat()} {sys.argv!r}\n{details}\n")
            where = f"; details were written to {crash}"
        except OSError:
            where = ""
            sys.stderr.write(details)
        print(f"proofshot: internal error ({sys.exc_info()[1]!r}){where}", file=sys.stderr)
        return EXIT_BUG
