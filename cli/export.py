"""`export` a purchase as a self-checking evidence folder, and `verify` one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .common import APP_NAME, APP_VERSION, EXIT_OK, EXIT_USER, emit_json, open_library, parse_id

if TYPE_CHECKING:
    from storage.export import PdfRenderer

    from .common import Subcommands

#: The report languages (storage.report.LANGUAGES, which loads more than parsing needs;
#: tests/test_cli.py checks that the two agree).
REPORT_LANGUAGES = ("en", "zh_CN")


def register(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser(
        "export", help="export a purchase as a self-checking evidence folder", parents=[common]
    )
    p.add_argument("purchase_id", metavar="PURCHASE_ID")
    p.add_argument("--out", required=True, metavar="DIR", help="folder to create the evidence folder in")
    p.add_argument("--zip", action="store_true", help="also write a .zip of the folder")
    p.add_argument("--no-pdf", dest="no_pdf", action="store_true", help="skip report.pdf (no Qt needed)")
    p.add_argument("--language", choices=REPORT_LANGUAGES, help="report language (default: the app's)")
    p.add_argument(
        "--timestamp",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="stamp SHA256SUMS with the trusted-time TSA (default: as in Settings → Trusted time)",
    )
    p.set_defaults(func=export)

    p = commands.add_parser("verify", help="check an evidence folder or zip made by export", parents=[common])
    p.add_argument("path", metavar="PATH")
    p.set_defaults(func=verify)


def _export_language(args: argparse.Namespace) -> str:
    from storage.report import resolve_language
    from storage.settings import load_settings

    return resolve_language(args.language or load_settings().ui_language)


def export(args: argparse.Namespace) -> int:
    from storage.export import export_purchase

    from .timestamp import export_stamping

    purchase_id = parse_id(args.purchase_id, "purchase id")
    lib = open_library(args)
    lib.get_purchase(purchase_id)  # an unknown id is reported before Qt starts
    render_pdf: PdfRenderer | None = None
    if not args.no_pdf:
        from gui.report_pdf import render_report_pdf

        render_pdf = render_report_pdf
    result = export_purchase(
        lib,
        purchase_id,
        Path(args.out),
        language=_export_language(args),
        render_pdf=render_pdf,
        make_zip=args.zip,
        app_name=APP_NAME,
        app_version=APP_VERSION,
        timestamp=export_stamping(args.timestamp),
    )
    if args.json:
        emit_json(result.to_dict())
    else:
        print(f"Exported {result.captures} capture(s) of purchase #{purchase_id} to {result.folder}")
        if result.zip_path:
            print(f"Zip: {result.zip_path}")
        print("Checked: every file matches SHA256SUMS and the manifest; the custody log is intact.")
        if result.timestamp:
            print(f"Trusted time: {result.timestamp}")
    return EXIT_OK


def verify(args: argparse.Namespace) -> int:
    from storage.verify import verify_path

    reports = verify_path(Path(args.path))
    ok = all(r.ok for r in reports)
    if args.json:
        emit_json({"ok": ok, "exports": [r.to_dict() for r in reports]})
        return EXIT_OK if ok else EXIT_USER
    for r in reports:
        for note in r.notes:
            print(f"note: {note}", file=sys.stderr)
        for p in r.problems:
            print(f"{r.path.name}/{p.file}: {p.message}" if p.file else f"{r.path.name}: {p.message}")
        if r.ok:
            print(
                f"OK: {r.path}: {r.files} files, {r.captures} captures and {r.events} custody events "
                "match SHA256SUMS, the manifest and the hash chain."
            )
        else:
            print(f"FAILED: {r.path}: {len(r.problems)} problem(s)", file=sys.stderr)
    return EXIT_OK if ok else EXIT_USER
