#!/usr/bin/env python3
"""Proofshot: keep screenshot evidence of online purchases.

`main.py` with no command starts the tray app; the commands below work on the
library without a window (ARCHITECTURE.md §8). This is the only module that knows
every package: it parses the command line, opens the library, and wires the OCR
engine to storage. Qt is imported only when the tray app starts.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cli import captures, check, export, importing, ocr, purchases, search
from cli.common import (
    APP_NAME,
    APP_VERSION,
    EXIT_NOT_RUNNING,
    EXIT_OK,
    UserError,
    emit_json,
    library_path,
    open_library,
    parse_target,
    print_capture_line,
    run_command,
)
from cli.ocr import run_ocr

# --------------------------------------------------------------------------- commands: the running app


def _qt_core() -> None:
    from PySide6.QtCore import QCoreApplication

    if QCoreApplication.instance() is None:
        QCoreApplication(sys.argv[:1])


def cmd_status(args: argparse.Namespace) -> int:
    _qt_core()
    from gui.single_instance import send_request

    reply = send_request(library_path(args), {"cmd": "status"}, timeout_ms=5000)
    running = bool(reply and reply.get("ok"))
    if args.json:
        emit_json({"running": running, "library": str(library_path(args)), "pid": (reply or {}).get("pid")})
    elif running:
        print(
            f"Proofshot is running for {library_path(args)} (process {reply.get('pid') if reply else '?'})."
        )
    else:
        print(f"Proofshot is not running for {library_path(args)}.")
    return EXIT_OK if running else EXIT_NOT_RUNNING


def cmd_capture(args: argparse.Namespace) -> int:
    from capture.region import parse_region

    region = None
    if args.region is not None:
        try:
            region = parse_region(args.region)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    purchase = parse_target(args.purchase) if args.purchase is not None else None
    _qt_core()
    from gui.single_instance import send_request

    request: dict[str, Any] = {"cmd": "capture", "purchase_id": purchase, "note": args.note}
    if region is not None:
        request["region"] = list(region.as_tuple())
    elif args.fullscreen:
        request["fullscreen"] = True
    reply = send_request(library_path(args), request, timeout_ms=60000)
    if reply is not None:
        if not reply.get("ok"):
            raise UserError(str(reply.get("error") or "the running Proofshot could not capture"))
        if "capture" in reply:
            c = reply["capture"]
            if args.json:
                emit_json(c)
            else:
                print(f"Saved capture #{c['id']} ({c['width']}x{c['height']}) sha256 {c['sha256']}")
        elif not args.json:
            print("Drag over the screen to capture (Esc cancels).")
        else:
            emit_json({"opened": bool(reply.get("opened"))})
        return EXIT_OK
    if region is None and not args.fullscreen:
        raise UserError(
            "Proofshot is not running for this library; start it (main.py), "
            "or capture directly with --region X,Y,W,H or --fullscreen"
        )
    return _capture_directly(args, region, purchase)


def _capture_directly(args: argparse.Namespace, region: Any, purchase: int | None) -> int:
    from capture.region import Rect
    from capture.screen import encode_png, geometry_note, grab_all, grab_region, is_mostly_uniform
    from storage.library import ACTIVE

    lib = open_library(args)
    if purchase is not None:
        lib.get_purchase(purchase)
    if region is not None:
        image, grab = grab_region(region)
        source, geometry = "region", geometry_note(grab, region)
    else:
        grab = grab_all()[0]
        image, source, geometry = (
            grab.crop(Rect(0, 0, *grab.size)),
            "fullscreen",
            geometry_note(grab),
        )
    flags = ["uniform"] if is_mostly_uniform(image) else []
    rec = lib.add_capture(
        encode_png(image),
        source=source,
        purchase_id=purchase if purchase is not None else ACTIVE,
        note=args.note,
        screen_geometry=geometry,
        flags=flags,
    )
    if not args.no_ocr:
        run_ocr(lib, [rec.id], args, quiet=True)
        rec = lib.get_capture(rec.id)
    if args.json:
        emit_json(rec.to_dict())
    else:
        print_capture_line(rec)
    if flags:
        print(
            "warning: this capture is almost entirely one colour (a protected window?); it was kept",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    from gui.app import run_app

    return run_app(
        library_path(args),
        hotkey=args.hotkey,
        show_library=args.show_library,
        welcome=not args.no_welcome,
        autostart_command=[sys.executable, str(Path(__file__).resolve())],
    )


# --------------------------------------------------------------------------- argument parsing


def build_parser() -> argparse.ArgumentParser:
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
    ap.add_argument("--hotkey", metavar="KEYS", help="global capture shortcut for this run, e.g. Ctrl+Alt+P")
    ap.add_argument(
        "--show-library", dest="show_library", action="store_true", help="open the library window at start"
    )
    ap.add_argument(
        "--no-welcome",
        dest="no_welcome",
        action="store_true",
        help="start without the welcome window (for scripts and tests)",
    )
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")

    purchases.register(sub, common)

    importing.register(sub, common)

    captures.register(sub, common)

    search.register(sub, common)

    p = sub.add_parser(
        "status", help="is the app running for this library? (exit 0 yes, 3 no)", parents=[common]
    )
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("capture", help="capture with the running app, or directly", parents=[common])
    g = p.add_mutually_exclusive_group()
    g.add_argument("--region", metavar="X,Y,W,H", help="this region of the screen (physical pixels)")
    g.add_argument("--fullscreen", action="store_true", help="the whole screen")
    p.add_argument("--purchase", metavar="ID", help="file under this purchase ('inbox' for none)")
    p.add_argument("--note")
    p.add_argument(
        "--no-ocr",
        dest="no_ocr",
        action="store_true",
        help="when capturing directly: do not read the text now",
    )
    p.set_defaults(func=cmd_capture)

    check.register(sub, common)

    ocr.register(sub, common)

    export.register(sub, common)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for name in ("library", "json"):
        if not hasattr(args, name):
            setattr(args, name, None if name == "library" else False)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("PIL", "alembic", "pytesseract"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if args.command is None:
        if args.json:
            parser.error("--json goes with a command")
        return run_command(args, cmd_app)
    return run_command(args, args.func)


if __name__ == "__main__":
    sys.exit(main())
