"""`import`: image and document files (PDF, OFD, XML e-invoices, .eml e-mails) become
captures, byte for byte, through the one import path (storage.importing); an e-mail's
attachments are filed as captures of their own, listed under it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storage.vocabulary import OcrStatus

from .common import EXIT_OK, EXIT_USER, emit_json, open_library, parse_target, print_capture_line
from .ocr import add_engine_options, run_ocr

if TYPE_CHECKING:
    from storage.importing import ImportOutcome
    from storage.library import Library

    from .common import Subcommands


def register(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser(
        "import",
        help="import image files, PDF/OFD/XML invoices and .eml e-mails as captures",
        parents=[common],
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--purchase", metavar="ID", help="file under this purchase ('inbox' for none)")
    p.add_argument("--note")
    p.add_argument("--no-ocr", dest="no_ocr", action="store_true", help="do not read the text now")
    add_engine_options(p)
    p.set_defaults(func=import_files)


def _message(name: str, problem: str) -> str:
    """A problem as one line that names the file."""
    return problem if problem.startswith(name) else f"{name}: {problem}"


def _new_ids(outcome: ImportOutcome) -> list[int]:
    """The captures this import made that have text to read: the file's and its
    attachments' (not duplicates, nor documents that cannot be read)."""
    rec = outcome.record
    # A document that cannot be read (a password-protected PDF) is kept, its reading failed.
    ids = [rec.id] if rec is not None and not outcome.duplicate and not rec.doc_problem else []
    for a in outcome.attachments:
        ids += _new_ids(a)
    return ids


def _print_attachments(lib: Library, outcome: ImportOutcome, depth: int = 1) -> None:
    """An e-mail's attachments, indented under it (an attached e-mail's under that)."""
    pad = "    " * depth
    for a in outcome.attachments:
        if a.record is None:
            print(f"{pad}attachment {a.name}: not filed: {a.problem}")
            continue
        c = lib.get_capture(a.record.id)
        dup = "  (already in the library)" if a.duplicate else ""
        print(
            f"{pad}attachment #{c.id:<5} {a.name}  {c.doc_kind or 'image'}  ocr:{c.ocr_status:11s} {c.sha256}{dup}"
        )
        _print_attachments(lib, a, depth + 1)


def import_files(args: argparse.Namespace) -> int:
    """Import each file (one already in the library is reported and counts as imported),
    then read the new captures' text, attachments' included, unless --no-ocr. Exit 0
    only if every file made it (an e-mail's attachment that could not be filed does
    not count: the e-mail keeps it)."""
    from storage.errors import KnownStorageError
    from storage.importing import import_file
    from storage.library import ACTIVE

    lib = open_library(args)
    target = None
    if args.purchase is not None:
        target = parse_target(args.purchase)
        if target is not None:
            lib.get_purchase(target)  # unknown id: fail before touching anything
    outcomes: list[ImportOutcome] = []
    failures = 0
    for name in args.files:
        try:
            outcome = import_file(
                lib, Path(name), purchase_id=ACTIVE if args.purchase is None else target, note=args.note
            )
        except KnownStorageError as exc:
            failures += 1
            print(_message(name, str(exc)), file=sys.stderr)
            continue
        if outcome.record is None:
            failures += 1
            print(_message(name, outcome.problem or "could not be imported"), file=sys.stderr)
            continue
        if outcome.duplicate:
            print(f"{name}: already in the library as capture {outcome.record.id}", file=sys.stderr)
        elif outcome.record.doc_problem:
            print(_message(name, outcome.record.doc_problem), file=sys.stderr)
        for a in outcome.attachments:
            if a.record is None:
                print(f"{name}: its attachment {a.name} was not filed: {a.problem}", file=sys.stderr)
        outcomes.append(outcome)
    if not args.no_ocr:
        for r in run_ocr(lib, [cid for o in outcomes for cid in _new_ids(o)], args):
            if r.status == OcrStatus.DONE and r.message:  # a document's scanned pages not read
                print(f"capture {r.capture_id}: {r.message}", file=sys.stderr)

    def as_json(o: ImportOutcome) -> dict[str, Any]:
        if o.record is None:
            return {"name": o.name, "problem": o.problem}
        return {
            **lib.get_capture(o.record.id).to_dict(),
            "name": o.name,
            "duplicate": o.duplicate,
            "attachments": [as_json(a) for a in o.attachments],
        }

    if args.json:
        emit_json([as_json(o) for o in outcomes])
    else:
        for o in outcomes:
            assert o.record is not None
            print_capture_line(lib.get_capture(o.record.id))
            _print_attachments(lib, o)
        if failures:
            print(f"{len(outcomes)} imported, {failures} could not be imported", file=sys.stderr)
    return EXIT_OK if failures == 0 else EXIT_USER
