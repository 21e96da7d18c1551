"""`search`: captures by their text, notes and purchase."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .common import EXIT_OK, UserError, emit_json, library_path, local_time, open_library, parse_id

if TYPE_CHECKING:
    from .common import Subcommands


def register(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser(
        "search", help="find captures by their text, notes and purchase", parents=[common]
    )
    p.add_argument("query")
    p.add_argument("--purchase", metavar="ID")
    p.add_argument("--inbox", action="store_true")
    p.add_argument("--merchant", metavar="ID")
    p.add_argument("--status", help="purchase status")
    p.add_argument("--since", metavar="DATE")
    p.add_argument("--until", metavar="DATE")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(func=search)


def highlight(text: str, spans: Sequence[Sequence[int]], tty: bool) -> str:
    """`text` with `spans` ([start, end] offsets) in reverse video on a terminal, else in
    [brackets]."""
    out, pos = [], 0
    on, off = ("\x1b[1;7m", "\x1b[0m") if tty else ("[", "]")
    for start, end in spans:
        out.append(text[pos:start])
        out.append(on + text[start:end] + off)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def search(args: argparse.Namespace) -> int:
    """Search the library: without opening it (storage.quick_search: no SQLAlchemy, no
    start-up work) when it is as this version wants it, else through Library.open."""
    from storage.quick_search import search as quick_search
    from storage.searching import Filters, parse_user_query

    if args.limit < 1:
        raise UserError("--limit must be at least 1")
    pid = parse_id(args.purchase, "purchase id") if args.purchase and not args.inbox else None
    mid = parse_id(args.merchant, "merchant id") if args.merchant else None
    parsed = parse_user_query(args.query)
    filters = Filters.parse(
        purchase_id=pid,
        inbox=args.inbox,
        merchant_id=mid,
        status=args.status,
        since=args.since,
        until=args.until,
    )
    hits = quick_search(library_path(args), parsed, filters, args.limit)
    if hits is None:
        from storage.library import INBOX

        lib = open_library(args)
        hits = lib.search(
            args.query,
            purchase_id=INBOX if args.inbox else pid,
            merchant_id=mid,
            status=args.status,
            since=args.since,
            until=args.until,
            limit=args.limit,
        )
    if args.json:
        emit_json([h.to_dict() for h in hits])
        return EXIT_OK
    if not hits:
        print(f"No captures match “{args.query}”.")
        return EXIT_OK
    tty = sys.stdout.isatty()
    for h in hits:
        where = f"#{h.purchase_id} {h.purchase_title}" if h.purchase_id else "Inbox"
        when = local_time(h.captured_at)[:16]
        print(f"#{h.capture_id:<5} {when}  {where}")
        print(f"       {highlight(h.snippet, h.highlights, tty)}")
    return EXIT_OK
