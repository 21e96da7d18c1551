"""`import`: image files become captures, byte for byte."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .common import EXIT_OK, EXIT_USER, UserError, emit_json, open_library, parse_target, print_capture_line
from .ocr import add_engine_options, run_ocr

if TYPE_CHECKING:
    from storage.records import CaptureRecord

    from .common import Subcommands


def register(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser("import", help="import image files as captures", parents=[common])
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--purchase", metavar="ID", help="file under this purchase ('inbox' for none)")
    p.add_argument("--note")
    p.add_argument("--no-ocr", dest="no_ocr", action="store_true", help="do not read the text now")
    add_engine_options(p)
    p.set_defaults(func=import_files)


def read_image_file(path_text: str) -> bytes:
    """The bytes of an image file named on the command line; a folder, a missing or an
    unreadable file, or one too large to be a screenshot is a UserError."""
    from storage.images import MAX_BYTES

    path = Path(path_text)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise UserError(f"{path_text}: no such file") from None
    except OSError as exc:
        raise UserError(f"{path_text}: cannot be read ({exc.strerror})") from None
    if path.is_dir():
        raise UserError(
            f"{path_text} is a folder; give the image files in it (for example {path_text}/*.png)"
        )
    if st.st_size > MAX_BYTES:
        raise UserError(f"{path_text} is {st.st_size // (1024 * 1024)} MB, too large to be a screenshot")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UserError(f"{path_text}: cannot be read ({exc.strerror})") from None


def import_files(args: argparse.Namespace) -> int:
    """Import each file (one already in the library is reported and counts as imported),
    then read the new captures' text unless --no-ocr. Exit 0 only if every file made it."""
    from storage.blobs import sha256_bytes
    from storage.errors import BadImage
    from storage.library import ACTIVE
    from storage.values import file_modified_utc
    from storage.vocabulary import CaptureSource

    lib = open_library(args)
    target = None
    if args.purchase is not None:
        target = parse_target(args.purchase)
        if target is not None:
            lib.get_purchase(target)  # unknown id: fail before touching anything
    results: list[tuple[CaptureRecord, bool]] = []  # (capture, made now)
    failures = 0
    for name in args.files:
        try:
            data = read_image_file(name)
            existing = lib.find_by_sha(sha256_bytes(data))
            if existing is not None:
                print(f"{name}: already in the library as capture {existing.id}", file=sys.stderr)
                results.append((existing, False))
                continue
            rec = lib.add_capture(
                data,
                source=CaptureSource.IMPORT,
                purchase_id=ACTIVE if args.purchase is None else target,
                note=args.note,
                source_name=Path(name).name,
                file_modified_at=file_modified_utc(name),
                name=name,
            )
            results.append((rec, True))
        except (UserError, BadImage) as exc:
            failures += 1
            print(f"{exc}" if str(exc).startswith(name) else f"{name}: {exc}", file=sys.stderr)
    new_ids = [r.id for r, created in results if created]
    if not args.no_ocr:
        run_ocr(lib, new_ids, args)
    final = [lib.get_capture(r.id) for r, _ in results]
    created = {r.id: c for r, c in results}
    if args.json:
        emit_json([{**c.to_dict(), "duplicate": not created[c.id]} for c in final])
    else:
        for c in final:
            print_capture_line(c)
        if failures:
            print(f"{len(final)} imported, {failures} could not be imported", file=sys.stderr)
    return EXIT_OK if failures == 0 else EXIT_USER
