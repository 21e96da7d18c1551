"""`ocr`: read the text of captures; and the reading that `import` and `capture` do."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from storage.vocabulary import OcrStatus

from .common import EXIT_OK, EXIT_USER, emit_json, open_library, parse_id, print_capture_line

if TYPE_CHECKING:
    from capture.ocr import OcrEngine
    from capture.pipeline import OcrOutcome
    from storage.library import Library

    from .common import Subcommands

#: The engine settings (storage.settings.OCR_ENGINES, which loads more than parsing needs;
#: tests/test_cli.py checks that the two agree).
OCR_ENGINES = ("auto", "tesseract", "ppocr", "both")


def add_engine_options(p: argparse.ArgumentParser) -> None:
    """--languages and --ocr-engine, for the commands that read text."""
    p.add_argument("--languages", help="tesseract languages, e.g. chi_sim+eng")
    p.add_argument(
        "--ocr-engine",
        dest="ocr_engine",
        choices=OCR_ENGINES,
        help="auto (PP-OCR when installed, else tesseract), tesseract, ppocr, or both (default: the app's setting)",
    )


def register(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser("ocr", help="read the text of captures", parents=[common])
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--pending", action="store_true", help="captures not read yet, or whose reading failed (default)"
    )
    g.add_argument("--redo", nargs="+", metavar="ID", help="read these captures again")
    g.add_argument(
        "--redo-all",
        dest="redo_all",
        action="store_true",
        help="read every capture again (with --ocr-engine)",
    )
    add_engine_options(p)
    p.set_defaults(func=read_text)


def make_engine(languages: str | None = None, engine: str | None = None) -> OcrEngine:
    """The OCR engine: `--ocr-engine` when given, else the app's setting; `--languages`
    when given, else the setting's (tesseract's languages)."""
    from capture.ocr import make_engine as create
    from storage.settings import load_settings

    settings = load_settings()
    return create(engine or settings.ocr_engine, languages or settings.ocr_languages or None)


def run_ocr(
    lib: Library,
    ids: list[int],
    args: argparse.Namespace,
    quiet: bool = False,
    progress_lines: bool = False,
) -> list[OcrOutcome]:
    """Read the text of captures `ids`, reporting progress and problems on stderr.
    `progress_lines`: a line per capture when stderr is not a terminal."""
    from capture.pipeline import ocr_many

    if not ids:
        return []
    engine = make_engine(getattr(args, "languages", None), getattr(args, "ocr_engine", None))
    warned = False

    def progress(n: int, total: int, outcome: OcrOutcome) -> None:
        nonlocal warned
        if outcome.status == OcrStatus.UNAVAILABLE:
            if not warned:
                print(
                    f"OCR is not available: {outcome.message}\n"
                    "The captures are kept; read them later with: main.py ocr --pending",
                    file=sys.stderr,
                )
                warned = True
        elif outcome.status == OcrStatus.FAILED:
            print(f"OCR of capture {outcome.capture_id} failed: {outcome.message}", file=sys.stderr)
        elif not quiet and sys.stderr.isatty():
            print(f"\rreading text {n}/{total}", end="" if n < total else "\n", file=sys.stderr, flush=True)
        elif progress_lines and not quiet:
            line = f"reading text {n}/{total}: capture {outcome.capture_id} {outcome.status}"
            print(line, file=sys.stderr, flush=True)

    # PP-OCR's one worker process already uses every core for one image.
    workers = min(2, os.cpu_count() or 1) if engine.name == "tesseract" else 1
    try:
        return ocr_many(lib, engine, ids, workers=workers, progress=progress)
    finally:
        close = getattr(engine, "close", None)
        if close is not None:
            close()


def read_text(args: argparse.Namespace) -> int:
    lib = open_library(args)
    if args.redo_all:
        ids = sorted(c.id for c in lib.list_captures())
    elif args.redo:
        ids = [parse_id(x, "capture id") for x in args.redo]
        for cid in ids:
            lib.get_capture(cid)
    else:
        ids = lib.captures_needing_ocr()
    if not ids:
        if args.json:
            emit_json([])
        else:
            print("Every capture's text has been read; nothing to do.")
        return EXIT_OK
    outcomes = run_ocr(lib, ids, args, progress_lines=bool(args.redo or args.redo_all))
    if args.json:
        emit_json([{**o.record.to_dict(), "ocr_message": o.message} for o in outcomes])
    else:
        for o in outcomes:
            print_capture_line(o.record)
    return EXIT_OK if all(o.status == OcrStatus.DONE for o in outcomes) else EXIT_USER
