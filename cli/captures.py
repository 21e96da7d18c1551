"""`captures list|show|move|note|delete|restore|empty-trash`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from .common import (
    EXIT_OK,
    UserError,
    emit_json,
    local_time,
    open_library,
    parse_id,
    parse_target,
    print_capture_line,
    print_captures,
)

if TYPE_CHECKING:
    from storage.library import Library
    from storage.records import CaptureRecord

    from .common import Subcommands


def register(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    captures = commands.add_parser("captures", help="list, show, file and trash captures", parents=[common])
    actions = captures.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = actions.add_parser("list", help="list captures, newest first", parents=[common])
    p.add_argument("--purchase", metavar="ID")
    p.add_argument("--inbox", action="store_true")
    p.add_argument("--trash", action="store_true")
    p.add_argument("--limit", type=int)
    p.set_defaults(func=list_captures)
    p = actions.add_parser("show", help="show one capture with its text and history", parents=[common])
    p.add_argument("id")
    p.set_defaults(func=show_capture)
    p = actions.add_parser("move", help="file captures under a purchase", parents=[common])
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--to", required=True, metavar="PURCHASE_ID", help="purchase id, or 'inbox'")
    p.set_defaults(func=move_captures)
    p = actions.add_parser("note", help="set a capture's note ('' clears it)", parents=[common])
    p.add_argument("id")
    p.add_argument("text")
    p.set_defaults(func=set_note)
    p = actions.add_parser("delete", help="move captures to the Trash", parents=[common])
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(func=trash_captures)
    p = actions.add_parser("restore", help="bring captures back from the Trash", parents=[common])
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(func=restore_captures)
    p = actions.add_parser("empty-trash", help="delete the captures in the Trash for good", parents=[common])
    p.add_argument("--yes", action="store_true")
    p.set_defaults(func=empty_trash)


def _capture_ids(args: argparse.Namespace) -> list[int]:
    return [parse_id(x, "capture id") for x in args.ids]


def suggestions_for(text: str | None) -> list[dict[str, str | None]]:
    """The entities (phones, WeChat IDs, order numbers, amounts…) found in a capture's text."""
    if not text:
        return []
    from capture.entities import extract_entities

    return [
        {"kind": e.kind, "value": e.value, "raw": e.raw, "currency": e.currency}
        for e in extract_entities(text)
    ]


#: How `captures show` names an invoice's facts (storage.documents.InvoiceFacts), in order.
FACT_LABELS = (
    ("invoice_number", "invoice number"),
    ("issued_on", "issued on"),
    ("seller_name", "seller"),
    ("seller_tax_id", "seller tax ID"),
    ("buyer_name", "buyer"),
    ("buyer_tax_id", "buyer tax ID"),
    ("total", "total"),
)
#: The e-mail headers `captures show` prints, in order.
EMAIL_HEADERS = (("from", "From"), ("to", "To"), ("cc", "Cc"), ("date", "Date"), ("subject", "Subject"))


def attachments_of(lib: Library, c: CaptureRecord) -> list[dict[str, Any]]:
    """An e-mail's attachments as its doc_info lists them, each with the id of the
    capture it was filed as (None when it stays inside the e-mail only). An attachment
    that was already in the library is the capture of the same SHA-256."""
    listed = (c.doc_info or {}).get("attachments") or []
    filed = {r.sha256: r.id for r in lib.get_captures(list(c.attachment_ids))}
    out: list[dict[str, Any]] = []
    for a in listed:
        if not isinstance(a, dict):
            continue
        cid = filed.get(a.get("sha256") or "")
        if cid is None and a.get("filed") and a.get("sha256"):
            found = lib.find_by_sha(a["sha256"])
            cid = found.id if found is not None else None
        out.append({**a, "capture_id": cid})
    return out


def parent_email(lib: Library, c: CaptureRecord) -> dict[str, Any] | None:
    """The e-mail an attachment was filed from: its id and subject."""
    from storage.errors import NotFound

    if c.parent_id is None:
        return None
    try:
        parent = lib.get_capture(c.parent_id)
    except NotFound:
        return {"id": c.parent_id, "subject": None}
    return {"id": parent.id, "subject": (parent.doc_info or {}).get("subject")}


def _print_document(
    c: CaptureRecord, attachments: list[dict[str, Any]], parent: dict[str, Any] | None
) -> None:
    """The lines of `captures show` that only a document has."""
    pages = f", {c.page_count} page{'s' if c.page_count != 1 else ''}" if c.page_count else ""
    print(f"  document      {c.doc_kind}{pages}")
    if c.doc_problem:
        print(f"  problem       {c.doc_problem}")
    info = c.doc_info or {}
    if c.doc_kind == "email":
        for key, label in EMAIL_HEADERS:
            if info.get(key):
                print(f"  {label + ':':13s} {info[key]}")
        if info.get("remote_content"):
            print(f"  remote content left out: {info['remote_content']}")
    if attachments:
        print("  attachments:")
        for a in attachments:
            where = f"capture #{a['capture_id']}" if a.get("capture_id") else "kept in the e-mail only"
            why = f" ({a['reason']})" if a.get("reason") and not a.get("capture_id") else ""
            print(f"    {a.get('name')}  {a.get('media_type')}, {a.get('bytes')} bytes  {where}{why}")
    if parent is not None:
        subject = f" “{parent['subject']}”" if parent.get("subject") else ""
        print(f"  from e-mail   #{parent['id']}{subject}")
    if c.facts:
        print(f"  invoice facts (from {c.facts.get('source') or 'the text'}):")
        for key, label in FACT_LABELS:
            value = c.facts.get(key)
            if value:
                if key == "total":
                    value = f"{value} {c.facts.get('currency') or ''}".rstrip()
                print(f"    {label:15s} {value}")


# --------------------------------------------------------------------------- commands


def list_captures(args: argparse.Namespace) -> int:
    from storage.library import INBOX

    lib = open_library(args)
    if sum(bool(x) for x in (args.purchase, args.inbox, args.trash)) > 1:
        raise UserError("choose one of --purchase, --inbox and --trash")
    pid = INBOX if args.inbox else (parse_id(args.purchase, "purchase id") if args.purchase else None)
    items = lib.list_captures(purchase_id=pid, trash=args.trash, limit=args.limit)
    if args.json:
        emit_json([c.to_dict() for c in items])
    elif not items:
        print("No captures here.")
    else:
        for c in items:
            print_capture_line(c)
    return EXIT_OK


def show_capture(args: argparse.Namespace) -> int:
    """One capture: where it is filed, its file, its text, what the text suggests and
    its custody history."""
    lib = open_library(args)
    c = lib.get_capture(parse_id(args.id, "capture id"), with_words=True)
    events = lib.events(capture_id=c.id)
    sugg = suggestions_for(c.ocr_text)
    frames = lib.long_capture_frames(c.id) if c.is_long else []
    attachments = attachments_of(lib, c) if c.is_document else []
    parent = parent_email(lib, c)
    if args.json:
        emit_json(
            {
                **c.to_dict(with_words=True),
                "path": str(lib.blob_path(c.sha256)),
                "screen_geometry": c.screen_geometry,
                # A long capture's frames (originals, in the recipe's order); [] otherwise.
                "frames": [{**f.to_dict(), "path": str(lib.blob_path(f.sha256))} for f in frames],
                "suggestions": sugg,
                # A document's: an e-mail's attachments with their capture ids, the e-mail
                # an attachment came from.
                "attachments": attachments,
                "parent_email": parent,
                "events": [e.to_dict() for e in events],
            }
        )
        return EXIT_OK
    filed = f"#{c.purchase_id} {c.purchase_title or ''}" if c.purchase_id else "Inbox"
    print(f"Capture #{c.id}{'  [in Trash]' if c.in_trash else ''}")
    print(f"  filed under   {filed}")
    print(f"  captured      {local_time(c.captured_at, c.utc_offset_min)}  =  {c.captured_at}")
    print(f"  source        {c.source}{' (' + c.source_name + ')' if c.source_name else ''}")
    if c.source not in ("import", "clipboard", "attachment") or not c.origin.empty:
        o = c.origin
        missing = "not recorded"
        app = f"{o.app} ({o.window_class})" if o.app and o.window_class else o.app
        area = ", ".join(p for p in (o.output, "{},{} {}x{}".format(*o.rect) if o.rect else None) if p)
        print(f"  window        {o.title or missing}")
        print(f"  application   {app or missing}")
        print(f"  screen        {area or missing}")
        print(f"  captured with {o.backend or missing}")
    if c.is_document:
        first = f"; page 1 is {c.width}x{c.height} px" if c.width and c.height else ""
        print(f"  size          {c.bytes} bytes, {c.media_type}{first}")
        _print_document(c, attachments, parent)
    else:
        print(f"  size          {c.width}x{c.height} px, {c.bytes} bytes, {c.media_type}")
    print(f"  SHA-256       {c.sha256}")
    print(f"  file          {lib.blob_path(c.sha256)}")
    if frames:
        print(f"  frames        {len(frames)}, stitched into this image (each kept as an original)")
        for f in frames:
            print(f"    {f.position + 1:2d}  {f.sha256}  y={f.y}  {f.width}x{f.height} px, {f.bytes} bytes")
    if c.flags:
        print(f"  warnings      {', '.join(c.flags)}")
    if c.note:
        print(f"  note          {c.note}")
    print(f"  text          {_ocr_info(c)}")
    if c.ocr_text:
        print("  ---")
        for line in c.ocr_text.splitlines():
            print(f"  {line}")
        print("  ---")
    if sugg:
        print("  found in the text:")
        for s in sugg:
            print(f"    {s['kind']:10s} {s['value']}")
    print("  history:")
    for e in events:
        print(f"    {local_time(e.at)[:19]}  {e.kind}")
    return EXIT_OK


def _ocr_info(c: CaptureRecord) -> str:
    """'done (tesseract 5.3.0, chi_sim+eng, confidence 91)', or the status and its error."""
    info = c.ocr_status
    if c.ocr_engine and c.is_document and not c.ocr_languages:
        info += f" ({c.ocr_engine}: the document's own text, no OCR)"
    elif c.ocr_engine:
        conf = f", confidence {c.ocr_confidence:.0f}" if c.ocr_confidence is not None else ""
        info += f" ({c.ocr_engine} {c.ocr_version}, {c.ocr_languages}{conf})"
    if c.ocr_error:
        info += f": {c.ocr_error}"
    return info


def move_captures(args: argparse.Namespace) -> int:
    lib = open_library(args)
    print_captures(args, lib.move_captures(_capture_ids(args), parse_target(args.to)))
    return EXIT_OK


def set_note(args: argparse.Namespace) -> int:
    lib = open_library(args)
    print_captures(args, [lib.set_note(parse_id(args.id, "capture id"), args.text)])
    return EXIT_OK


def trash_captures(args: argparse.Namespace) -> int:
    lib = open_library(args)
    print_captures(args, lib.trash(_capture_ids(args)))
    return EXIT_OK


def restore_captures(args: argparse.Namespace) -> int:
    lib = open_library(args)
    print_captures(args, lib.restore(_capture_ids(args)))
    return EXIT_OK


def empty_trash(args: argparse.Namespace) -> int:
    lib = open_library(args)
    if not args.yes:
        raise UserError("emptying the Trash deletes those captures for good; add --yes to confirm")
    ids = lib.empty_trash()
    if args.json:
        emit_json({"purged": ids})
    else:
        print(f"Deleted {len(ids)} captures from the Trash for good.")
    return EXIT_OK
