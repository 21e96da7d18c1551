"""The tray app from the command line: starting it, `status`, and `capture` (through the
running app, or directly when none runs).

Qt is imported only inside these commands: `status` and `capture` need QtCore to reach
the running app over its local socket, and starting the app needs the GUI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import (
    EXIT_NOT_RUNNING,
    EXIT_OK,
    UserError,
    emit_json,
    library_path,
    open_library,
    parse_target,
    print_capture_line,
)
from .ocr import run_ocr

if TYPE_CHECKING:
    from capture.region import Rect

    from .common import Subcommands


def add_app_options(ap: argparse.ArgumentParser) -> None:
    """The options of `main.py` without a command, which starts the tray app."""
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


def register(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser(
        "status", help="is the app running for this library? (exit 0 yes, 3 no)", parents=[common]
    )
    p.set_defaults(func=status)

    p = commands.add_parser("capture", help="capture with the running app, or directly", parents=[common])
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--region",
        metavar="X,Y,W,H",
        help="this region of the screen (desktop coordinates: physical pixels on X11, layout units on Wayland)",
    )
    g.add_argument("--fullscreen", action="store_true", help="the whole screen")
    g.add_argument(
        "--done", action="store_true", help="finish the running long capture and file it (prints the capture)"
    )
    g.add_argument("--cancel", action="store_true", help="cancel the running long capture (nothing is filed)")
    p.add_argument(
        "--long",
        action="store_true",
        help="a long (scrolling) capture in the running app: the overlay, or at once with --region",
    )
    p.add_argument("--purchase", metavar="ID", help="file under this purchase ('inbox' for none)")
    p.add_argument("--note")
    p.add_argument(
        "--no-ocr",
        dest="no_ocr",
        action="store_true",
        help="when capturing directly: do not read the text now",
    )
    p.set_defaults(func=capture_screen)


def start_app(args: argparse.Namespace, script: Path) -> int:
    """Run the tray app until the user quits. `script` is main.py, which the login
    autostart entry runs."""
    from gui.app import run_app

    return run_app(
        library_path(args),
        hotkey=args.hotkey,
        show_library=args.show_library,
        welcome=not args.no_welcome,
        autostart_command=[sys.executable, str(script)],
    )


def _send(library: Path, request: dict[str, Any], timeout_s: float) -> dict[str, Any] | None:
    """Ask the app running for `library`; None when none runs. A plain Unix socket where the
    app's server is one (no Qt to load: the command line stays quick, and a Wayland capture
    can still start its own QGuiApplication when no app runs); Qt's client elsewhere."""
    from gui.instance_client import plain_sockets, send_request

    if plain_sockets():
        return send_request(library, request, timeout_s)
    from PySide6.QtCore import QCoreApplication

    from gui.single_instance import send_request as qt_send_request

    if QCoreApplication.instance() is None:
        QCoreApplication(sys.argv[:1])
    return qt_send_request(library, request, timeout_ms=int(timeout_s * 1000))


def status(args: argparse.Namespace) -> int:
    reply = _send(library_path(args), {"cmd": "status"}, 5.0)
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


def capture_screen(args: argparse.Namespace) -> int:
    """Ask the running app to capture (or to open its overlay); without a running app,
    capture --region or --fullscreen directly."""
    from capture.region import parse_region

    if args.long and args.fullscreen:
        raise UserError("--long takes a region (--region X,Y,W,H) or none, not --fullscreen")
    if args.done or args.cancel:
        return _end_long_capture(args)
    region = None
    if args.region is not None:
        try:
            region = parse_region(args.region)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    purchase = parse_target(args.purchase) if args.purchase is not None else None
    # "--purchase inbox" files in the Inbox; no --purchase files under the active purchase.
    inbox = args.purchase is not None and purchase is None
    # The request is the running app's JSON protocol (gui.single_instance).
    request: dict[str, Any] = {"cmd": "capture", "purchase_id": purchase, "inbox": inbox, "note": args.note}
    if region is not None:
        request["region"] = list(region.as_tuple())
    elif args.fullscreen:
        request["fullscreen"] = True
    if args.long:
        request["long"] = True
    reply = _send(library_path(args), request, 60.0)
    if reply is not None:
        if not reply.get("ok"):
            raise UserError(str(reply.get("error") or "the running Proofshot could not capture"))
        if "capture" in reply:
            c = reply["capture"]
            if args.json:
                emit_json(c)
            else:
                print(f"Saved capture #{c['id']} ({c['width']}x{c['height']}) sha256 {c['sha256']}")
        elif reply.get("started"):
            if args.json:
                emit_json({"started": True, "region": reply.get("region")})
            else:
                print(
                    "Long capture started: scroll the chat, then press Done "
                    "(or run main.py capture --done; --cancel cancels)."
                )
        elif not args.json:
            if args.long:
                print("Drag over the chat to capture it while you scroll (Esc cancels).")
            else:
                print("Drag over the screen to capture (Esc cancels).")
        else:
            emit_json({"opened": bool(reply.get("opened"))})
        return EXIT_OK
    if args.long:
        raise UserError(
            "Proofshot is not running for this library; a long capture needs the running app (start it: main.py)"
        )
    if region is None and not args.fullscreen:
        raise UserError(
            "Proofshot is not running for this library; start it (main.py), "
            "or capture directly with --region X,Y,W,H or --fullscreen"
        )
    return _capture_directly(args, region, purchase, inbox)


def _end_long_capture(args: argparse.Namespace) -> int:
    """`capture --done` / `--cancel`: finish or cancel the running app's long capture."""
    if args.long or args.purchase is not None or args.note is not None:
        raise UserError("--done and --cancel take no other capture option")
    request: dict[str, Any] = (
        {"cmd": "capture", "done": True} if args.done else {"cmd": "capture", "cancel": True}
    )
    # Done waits for the long image to be put together and filed.
    reply = _send(library_path(args), request, 300.0)
    if reply is None:
        raise UserError("Proofshot is not running for this library, so no long capture is running")
    if not reply.get("ok"):
        raise UserError(str(reply.get("error") or "the running Proofshot could not do that"))
    if args.cancel:
        if args.json:
            emit_json({"cancelled": True})
        else:
            print("Long capture cancelled; nothing was filed.")
        return EXIT_OK
    c = reply["capture"]
    if args.json:
        emit_json(c)
    else:
        print(f"Saved long capture #{c['id']} ({c['width']}x{c['height']}) sha256 {c['sha256']}")
    return EXIT_OK


def _capture_directly(
    args: argparse.Namespace, region: Rect | None, purchase: int | None, inbox: bool
) -> int:
    from capture.grabbers import ScreenGrabbers, memory_path
    from capture.region import Rect
    from capture.screen import encode_png, geometry_note, grab_all, grab_region, is_mostly_uniform
    from capture.session import session_kind
    from capture.windows import capture_origin, top_level_windows, window_for_region
    from storage.library import ACTIVE
    from storage.vocabulary import CaptureSource

    lib = open_library(args)
    if purchase is not None:
        lib.get_purchase(purchase)
    if session_kind() == "wayland":
        # The compositor knows the screens' layout; Qt asks it (gui.screens).
        from gui.screens import screens_without_app

        grabs = ScreenGrabbers(memory=memory_path()).grab(screens_without_app())
    else:
        grabs = grab_all()
    if region is not None:
        image, grab = grab_region(region, grabs)
        source, geometry = CaptureSource.REGION, geometry_note(grab, region)
        # Listed after the grab; what cannot be listed is "not recorded".
        captured = region.intersected(grab.geometry)
        origin = capture_origin(grab, captured, window_for_region(top_level_windows(), captured))
    else:
        grab = grabs[0]
        image, source, geometry = (
            grab.crop(Rect(0, 0, *grab.size)),
            CaptureSource.FULLSCREEN,
            geometry_note(grab),
        )
        origin = capture_origin(grab, None, None)
    flags = ["uniform"] if is_mostly_uniform(image) else []
    rec = lib.add_capture(
        encode_png(image),
        source=source,
        purchase_id=purchase if purchase is not None or inbox else ACTIVE,
        note=args.note,
        screen_geometry=geometry,
        flags=flags,
        origin=origin,
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
