"""Merchant and order details found in a purchase's captures, offered as suggestions.

Never applied silently: the command line lists them, the purchase editor offers each
with one click.

Two kinds of wrong suggestion are worse than none, so they are left out:

* The buyer's own details. An order page shows the shipping address (the buyer's name,
  phone and address) beside the seller's. Whatever the user recorded as their own
  (`exclude`: a storage.settings.OwnDetails) is never suggested, nor are phones,
  e-mails and WeChat IDs beside those details: on the line of one of the user's names
  or the line after it ("收货人：胡斌" then "电话：192 1185 7846"), on the line of one
  of their addresses or the line before it (a name and phone, then the address).
* Line prices as the order amount. When an amount follows a total's label (实付款,
  合计, Total...) only the amounts with the surest such label are suggested.

An invoice's facts (`CaptureRecord.facts`, read from an e-invoice's XML or its text by
storage.documents) are surer than what is found in text, so each comes before the
text-found suggestions of its field: the seller's name (company), its unified social
credit code / tax ID (credit_code), the total with tax (amount, as sure as 实付款), the
date of issue (ordered_at) and the invoice number (notes). The buyer's name and tax ID
are never suggested, and neither an invoice number nor a tax ID is offered again as an
order number found in the text. An e-mail's recipients (To, Cc) are the buyer, so their
addresses are never suggested; an e-invoice XML with facts offers its facts only (the rest
of its text is codes: tax bureau, item classification).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from storage.records import CaptureRecord, PurchaseRecord
from storage.settings import OwnDetails
from storage.values import phone_digits, split_phones

from .entities import Entity, extract_entities

#: Entity kinds worth suggesting for a purchase, and the field each one fills.
TARGET_FIELDS = {
    "phone": "phone",
    "wechat_id": "account_id",
    "order_no": "order_no",
    "amount": "amount",
    "email": "notes",
    "url": "shop_url",
    # From an invoice's facts only (never found in plain text):
    "company": "company",
    "credit_code": "credit_code",
    "invoice_date": "ordered_at",
    "invoice_no": "notes",
}
#: Kinds suggested only from an invoice's facts.
FACT_KINDS = frozenset({"company", "credit_code", "invoice_date", "invoice_no"})
#: How sure a total read from an invoice's facts is (entities.Entity.total's scale: the amount paid).
FACT_TOTAL = 3
#: Kinds that identify a person, and so may be the buyer's own when found beside them.
PERSONAL_KINDS = frozenset({"phone", "email", "wechat_id"})
# Own names shorter than this are too likely to appear inside other words.
_MIN_OWN_TEXT = 2


@dataclass(frozen=True)
class Suggestion:
    kind: str
    value: str
    raw: str
    capture_id: int
    field: str  # the purchase or merchant field it would fill
    currency: str | None = None
    total: int = 0  # for amounts: entities.Entity.total (3 = the amount paid)
    source: str = "text"  # "text": found in the capture's text; "invoice": the invoice's facts

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "value": self.value,
            "raw": self.raw,
            "capture_id": self.capture_id,
            "field": self.field,
            "currency": self.currency,
            "total": self.total,
            "source": self.source,
        }


def _key(value: str) -> str:
    return "".join(ch for ch in value if ch.isalnum()).lower()


def _squeezed(value: str) -> str:
    """Without spaces (OCR puts them between CJK characters), case-folded."""
    return "".join(value.split()).casefold()


def _phone_keys(value: str | None) -> set[str]:
    return {phone_digits(n) or _key(n) for n in split_phones(value)}


def _entity_key(e: Entity) -> str:
    return (phone_digits(e.value) or e.value) if e.kind == "phone" else _key(e.value)


class _Own:
    """The user's own details, ready to compare with what a capture says."""

    def __init__(self, exclude: OwnDetails | Iterable[str]) -> None:
        if isinstance(exclude, OwnDetails):
            names, addresses, others = list(exclude.names), list(exclude.addresses), list(exclude.phones)
        else:
            # Plain text: phones are told apart; the rest is treated like names.
            items = [x for x in exclude if isinstance(x, str) and x.strip()]
            others = [x for x in items if all(phone_digits(n) for n in split_phones(x))]
            names, addresses = [x for x in items if x not in others], []
        self.keys: set[str] = set()
        for item in [*names, *addresses, *others]:
            for number in split_phones(item):
                digits = phone_digits(number)
                if digits:
                    self.keys.add(digits)
            self.keys.add(_key(item))
        # (squeezed text, lines before it, lines after it) that count as beside it.
        self.texts = [(_squeezed(n), 0, 1) for n in names if len(_squeezed(n)) >= _MIN_OWN_TEXT]
        self.texts += [(_squeezed(a), 1, 0) for a in addresses if len(_squeezed(a)) >= _MIN_OWN_TEXT]

    def is_own(self, e: Entity) -> bool:
        return _entity_key(e) in self.keys or _key(e.value) in self.keys

    def beside_own(self, text: str, entities: list[Entity]) -> set[int]:
        """Numbers of the lines of `text` where a phone, e-mail or WeChat ID is taken to
        be the user's own, because one of their details is on it or next to it."""
        out: set[int] = set()
        for i, line in enumerate(text.split("\n")):
            squeezed = _squeezed(line)
            for own, before, after in self.texts:
                if own in squeezed:
                    out.update(range(i - before, i + after + 1))
        for e in entities:
            if e.start >= 0 and e.kind in PERSONAL_KINDS and self.is_own(e):
                out.add(text.count("\n", 0, e.start))
        return out


def invoice_no_text(number: str, currency: str | None) -> str:
    """An invoice number as it goes into the purchase's notes."""
    return f"发票号码 {number}" if (currency or "CNY") == "CNY" else f"Invoice {number}"


def _fact_text(facts: Mapping[str, Any], key: str) -> str | None:
    value = facts.get(key)
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def fact_suggestions(capture: CaptureRecord) -> list[Suggestion]:
    """The suggestions an invoice's facts make (none for a capture without facts), in
    the order company, credit_code, amount, invoice_date, invoice_no. Never the buyer's."""
    facts = capture.facts or {}
    out: list[Suggestion] = []
    currency = _fact_text(facts, "currency") or "CNY"

    def add(kind: str, raw: str | None, value: str | None = None, **more: Any) -> None:
        if raw:
            out.append(
                Suggestion(kind, value or raw, raw, capture.id, TARGET_FIELDS[kind], source="invoice", **more)
            )

    add("company", _fact_text(facts, "seller_name"))
    add("credit_code", _fact_text(facts, "seller_tax_id"))
    add("amount", _fact_text(facts, "total"), currency=currency, total=FACT_TOTAL)
    add("invoice_date", _fact_text(facts, "issued_on"))
    number = _fact_text(facts, "invoice_number")
    add("invoice_no", number, invoice_no_text(number, currency) if number else None)
    return out


_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _recipients(capture: CaptureRecord) -> set[str]:
    """The keys of an e-mail's To and Cc addresses: the buyer's own, never the seller's."""
    if capture.doc_kind != "email" or not capture.doc_info:
        return set()
    found: set[str] = set()
    for header in ("to", "cc"):
        value = capture.doc_info.get(header)
        if isinstance(value, str):
            found |= {_key(a) for a in _ADDRESS.findall(value)}
    return found


def _facts_known(purchase: PurchaseRecord) -> set[tuple[str, str]]:
    """(kind, key) of the facts the purchase and its seller already hold."""
    known: set[tuple[str, str]] = set()
    m = purchase.merchant
    if m is not None:
        if m.company:
            known.add(("company", _key(m.company)))
        if m.credit_code:
            known.add(("credit_code", _key(m.credit_code)))
    if purchase.amount:
        known.add(("amount", _key(purchase.amount)))
    if purchase.ordered_at:
        known.add(("invoice_date", _key(purchase.ordered_at[:10])))
    return known


def purchase_suggestions(
    purchase: PurchaseRecord, captures: list[CaptureRecord], exclude: OwnDetails | Iterable[str] = ()
) -> list[Suggestion]:
    """Invoice facts, then phones, WeChat IDs, order numbers, amounts, e-mails and URLs
    found in the captures' text that the purchase does not record yet, first occurrence first.

    `exclude` are the user's own details (an OwnDetails, or plain phones and names),
    never suggested, nor is a phone, e-mail or WeChat ID beside one of them. Amounts after a total's
    label replace the plain amounts (line prices), the surest label first; an invoice's
    total counts as the surest."""
    own = _Own(exclude)
    ordered_captures = sorted(captures, key=lambda c: c.captured_at)
    facts: dict[tuple[str, str], Suggestion] = {}
    # An invoice's number and tax IDs (the buyer's too) are not order numbers or phones.
    not_in_text: set[str] = set()
    facts_known = _facts_known(purchase)
    notes_key = _key(purchase.notes or "")
    for c in ordered_captures:
        not_in_text |= _recipients(c)
        for key_name in ("invoice_number", "seller_tax_id", "buyer_tax_id"):
            value = _fact_text(c.facts or {}, key_name)
            if value:
                not_in_text.add(_key(value))
        for f in fact_suggestions(c):
            key = (f.kind, _key(f.raw))
            if key in facts_known or key in facts or _key(f.raw) in own.keys:
                continue
            if f.kind == "invoice_no" and notes_key and _key(f.raw) in notes_key:
                continue
            facts[key] = f
    known: set[str] = set()
    m = purchase.merchant
    if m is not None:
        known |= _phone_keys(m.phone)
        for v in (m.account_id, m.shop_url):
            if v:
                known.add(_key(v))
    if purchase.order_no:
        known.add(_key(purchase.order_no))
    if purchase.amount:
        known.add(_key(purchase.amount))
    fact_amounts = {_key(f.raw) for f in facts.values() if f.kind == "amount"}
    seen: dict[tuple[str, str], Suggestion] = {}
    for c in ordered_captures:
        if c.doc_kind == "xml" and c.facts:
            continue  # an e-invoice's XML: its facts say what it holds; the rest is codes
        text = c.ocr_text or ""
        entities = extract_entities(text)
        near_own = own.beside_own(text, entities)
        for e in entities:
            field = TARGET_FIELDS.get(e.kind)
            if field is None or _entity_key(e) in known or own.is_own(e):
                continue
            if _entity_key(e) in not_in_text or _key(e.value) in not_in_text:
                continue
            if e.kind == "amount" and _key(e.value) in fact_amounts:
                continue
            if e.kind in PERSONAL_KINDS and e.start >= 0 and text.count("\n", 0, e.start) in near_own:
                continue
            key = (e.kind, _entity_key(e))
            earlier = seen.get(key)
            if earlier is None:
                seen[key] = Suggestion(e.kind, e.value, e.raw, c.id, field, e.currency, e.total)
            elif e.total > earlier.total:
                seen[key] = replace(earlier, total=e.total)
    ordered = list(seen.values())
    amounts = [s for s in ordered if s.kind == "amount"]
    surest = max((s.total for s in [*amounts, *facts.values()] if s.kind == "amount"), default=0)
    if surest:
        amounts = [s for s in amounts if s.total == surest]
    out = [s for s in ordered if s.kind != "amount"]
    first_amount = next((i for i, s in enumerate(ordered) if s.kind == "amount"), None)
    if first_amount is not None:
        at = sum(1 for s in ordered[:first_amount] if s.kind != "amount")
        out[at:at] = amounts
    # The facts are the surest of their fields: before everything found in text.
    return [*facts.values(), *out]
