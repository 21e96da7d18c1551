"""`purchases add|edit|list|show|activate|delete` and `merchants`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from storage.vocabulary import Platform, PurchaseStatus

from .common import EXIT_OK, UserError, emit_json, open_library, parse_id

if TYPE_CHECKING:
    from storage.library import Library
    from storage.records import PurchaseRecord

    from .common import Subcommands

#: Command-line flag (its `dest`) → purchase field.
PURCHASE_FLAGS = {
    "title": "title",
    "order": "order_no",
    "amount": "amount",
    "currency": "currency",
    "ordered_at": "ordered_at",
    "status": "status",
    "notes": "notes",
}
#: Command-line flag (its `dest`) → merchant field.
MERCHANT_FLAGS = {
    "merchant": "display_name",
    "platform": "platform",
    "account": "account_id",
    "phone": "phone",
    "real_name": "real_name",
    "company": "company",
    "credit_code": "credit_code",
    "shop_url": "shop_url",
    "address": "address",
    "merchant_notes": "notes",
}
#: The `purchases edit` option that fills a suggestion's field (capture.suggestions.TARGET_FIELDS).
SUGGESTION_FLAGS = {
    "phone": "--phone",
    "account_id": "--account",
    "order_no": "--order",
    "amount": "--amount",
    "notes": "--notes",
    "shop_url": "--shop-url",
    "company": "--company",
    "credit_code": "--credit-code",
    "ordered_at": "--ordered-at",
}
#: How `purchases show` labels the merchant's details, in order.
MERCHANT_LABELS = (
    ("platform", "platform"),
    ("account_id", "WeChat/shop id"),
    ("phone", "phone"),
    ("real_name", "real name"),
    ("company", "company"),
    ("credit_code", "credit code"),
    ("shop_url", "shop URL"),
    ("address", "address"),
    ("notes", "notes"),
)


# --------------------------------------------------------------------------- the parser


def register(commands: Subcommands, common: argparse.ArgumentParser) -> None:
    purchases = commands.add_parser(
        "purchases", help="purchase records and their merchants", parents=[common]
    )
    actions = purchases.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = actions.add_parser("add", help="record a purchase", parents=[common])
    _purchase_fields(p, title_required=True)
    p.add_argument("--activate", action="store_true", help="file new captures under it")
    p.set_defaults(func=add_purchase)
    p = actions.add_parser("edit", help="change a purchase or its merchant", parents=[common])
    p.add_argument("id")
    _purchase_fields(p, title_required=False)
    p.set_defaults(func=edit_purchase)
    p = actions.add_parser("list", help="list purchases", parents=[common])
    p.add_argument("--status")
    p.set_defaults(func=list_purchases)
    p = actions.add_parser("show", help="show one purchase", parents=[common])
    p.add_argument("id")
    p.set_defaults(func=show_purchase)
    p = actions.add_parser("activate", help="file new captures under this purchase", parents=[common])
    p.add_argument("id", nargs="?")
    p.add_argument("--inbox", action="store_true", help="file new captures in the Inbox")
    p.set_defaults(func=activate_purchase)
    p = actions.add_parser(
        "delete", help="delete a purchase (its captures move to the Inbox)", parents=[common]
    )
    p.add_argument("id")
    p.set_defaults(func=delete_purchase)

    p = commands.add_parser("merchants", help="list merchants", parents=[common])
    p.set_defaults(func=list_merchants)


def _purchase_fields(p: argparse.ArgumentParser, title_required: bool) -> None:
    statuses = [s.value for s in PurchaseStatus]
    platforms = [m.value for m in Platform]
    # No `choices`: storage checks the values (and knows platforms' other names, e.g. 闲鱼).
    p.add_argument("--title", required=title_required, help="what was bought")
    p.add_argument("--order", help="order number")
    p.add_argument("--amount", help="amount paid, e.g. 128.00")
    p.add_argument("--currency", help="ISO currency code (default CNY)")
    p.add_argument("--ordered-at", dest="ordered_at", help="order date, e.g. 2026-10-27")
    p.add_argument("--status", help=f"{', '.join(statuses[:-1])} or {statuses[-1]}")
    p.add_argument("--notes", help="free notes about the purchase")
    p.add_argument("--merchant", help="merchant display name (an existing merchant of that name is reused)")
    p.add_argument("--merchant-id", dest="merchant_id", type=int, help="use the merchant with this id")
    p.add_argument("--platform", help=", ".join(platforms))
    p.add_argument("--account", help="WeChat ID or shop id")
    p.add_argument("--phone")
    p.add_argument("--real-name", dest="real_name")
    p.add_argument("--company", help="registered company name")
    p.add_argument("--credit-code", dest="credit_code", help="unified social credit code")
    p.add_argument("--shop-url", dest="shop_url")
    p.add_argument("--address")
    p.add_argument("--merchant-notes", dest="merchant_notes")


def _fields(args: argparse.Namespace, mapping: dict[str, str]) -> dict[str, str]:
    """The fields given on the command line (an empty value clears a field)."""
    given = {field: getattr(args, flag, None) for flag, field in mapping.items()}
    return {field: value for field, value in given.items() if value is not None}


# --------------------------------------------------------------------------- printing


def print_purchase(p: PurchaseRecord, detailed: bool = False) -> None:
    mark = "*" if p.active else " "
    amount = f"{p.amount} {p.currency}" if p.amount is not None else ""
    merchant = p.merchant.display_name if p.merchant else "-"
    if not detailed:
        print(
            f"{mark}#{p.id:<4} {p.status:9s} {p.capture_count:4d} captures  {p.title}  · {merchant}  {amount}"
        )
        return
    print(f"Purchase #{p.id}{'  (active)' if p.active else ''}: {p.title}")
    rows = [
        ("status", p.status),
        ("order number", p.order_no),
        ("amount", amount or None),
        ("ordered at", p.ordered_at),
        ("notes", p.notes),
        ("captures", str(p.capture_count)),
    ]
    for k, v in rows:
        if v:
            print(f"  {k:14s} {v}")
    if p.merchant:
        m = p.merchant
        print(f"Merchant #{m.id}: {m.display_name}")
        for key, label in MERCHANT_LABELS:
            value = getattr(m, key)
            if value:
                print(f"  {label:14s} {value}")
        if m.missing_identity:
            print("  still missing: " + ", ".join(f.replace("_", " ") for f in m.missing_identity))
    else:
        print("Merchant: not recorded yet (add one with: purchases edit ID --merchant NAME ...)")


def _print_changed(args: argparse.Namespace, p: PurchaseRecord) -> None:
    """A purchase just added or edited."""
    if args.json:
        emit_json(p.to_dict())
    else:
        print_purchase(p, detailed=True)


# --------------------------------------------------------------------------- commands


def add_purchase(args: argparse.Namespace) -> int:
    lib = open_library(args)
    p = lib.add_purchase(_fields(args, PURCHASE_FLAGS), _fields(args, MERCHANT_FLAGS), args.merchant_id)
    if args.activate:
        p = _activate(lib, p.id)
    _print_changed(args, p)
    return EXIT_OK


def edit_purchase(args: argparse.Namespace) -> int:
    lib = open_library(args)
    fields = _fields(args, PURCHASE_FLAGS)
    merchant = _fields(args, MERCHANT_FLAGS)
    if not fields and not merchant and args.merchant_id is None:
        raise UserError("nothing to change: give at least one field, e.g. --status disputed")
    p = lib.edit_purchase(parse_id(args.id, "purchase id"), fields, merchant, args.merchant_id)
    _print_changed(args, p)
    return EXIT_OK


def list_purchases(args: argparse.Namespace) -> int:
    lib = open_library(args)
    items = lib.list_purchases(args.status)
    if args.json:
        emit_json([p.to_dict() for p in items])
    elif not items:
        print("No purchases yet. Add one with: main.py purchases add --title 'what you bought'")
    else:
        for p in items:
            print_purchase(p)
    return EXIT_OK


def show_purchase(args: argparse.Namespace) -> int:
    """The purchase, its merchant, and what its captures' text suggests adding."""
    from capture.suggestions import purchase_suggestions

    lib = open_library(args)
    p = lib.get_purchase(parse_id(args.id, "purchase id"))
    # Never the user's own phones, names or addresses (Settings → About you).
    suggestions = purchase_suggestions(p, lib.list_captures(purchase_id=p.id), lib.own_details())
    if args.json:
        emit_json({**p.to_dict(), "suggestions": [s.to_dict() for s in suggestions]})
        return EXIT_OK
    print_purchase(p, detailed=True)
    if suggestions:
        print("Found in its captures (add with purchases edit):")
        for s in suggestions:
            flag = SUGGESTION_FLAGS.get(s.field)
            hint = f"; {flag}" if flag else ""
            from_invoice = ", invoice" if s.source == "invoice" else ""
            print(f"  {s.kind:12s} {s.value}   (capture #{s.capture_id}{from_invoice}{hint})")
    return EXIT_OK


def activate_purchase(args: argparse.Namespace) -> int:
    lib = open_library(args)
    if args.id is None and not args.inbox:
        raise UserError("give a purchase id, or --inbox to file new captures in the Inbox")
    if args.inbox:
        lib.set_active_purchase(None)
        if args.json:
            emit_json({"active": None})
        else:
            print("New captures will go to the Inbox.")
        return EXIT_OK
    p = _activate(lib, parse_id(args.id, "purchase id"))
    if args.json:
        emit_json(p.to_dict())
    else:
        print(f"New captures will be filed under #{p.id} {p.title}.")
    return EXIT_OK


def _activate(lib: Library, purchase_id: int) -> PurchaseRecord:
    p = lib.set_active_purchase(purchase_id)
    assert p is not None  # given an id, it returns that purchase (an unknown id raises)
    return p


def delete_purchase(args: argparse.Namespace) -> int:
    lib = open_library(args)
    p = lib.delete_purchase(parse_id(args.id, "purchase id"))
    if args.json:
        emit_json(p.to_dict())
    else:
        moved = f"; its {p.capture_count} captures are now in the Inbox" if p.capture_count else ""
        print(f"Deleted purchase #{p.id} {p.title}{moved}.")
    return EXIT_OK


def list_merchants(args: argparse.Namespace) -> int:
    lib = open_library(args)
    items = lib.list_merchants()
    if args.json:
        emit_json([m.to_dict() for m in items])
    elif not items:
        print("No merchants yet; they are added with a purchase (--merchant NAME).")
    else:
        for m in items:
            missing = f"  (missing: {', '.join(m.missing_identity)})" if m.missing_identity else ""
            print(
                f"#{m.id:<4} {m.display_name}  {m.platform or ''} {m.account_id or ''} {m.phone or ''}{missing}"
            )
    return EXIT_OK
