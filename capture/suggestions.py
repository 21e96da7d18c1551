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
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

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
}
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

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "value": self.value,
            "raw": self.raw,
            "capture_id": self.capture_id,
            "field": self.field,
            "currency": self.currency,
            "total": self.total,
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


def purchase_suggestions(
    purchase: PurchaseRecord, captures: list[CaptureRecord], exclude: OwnDetails | Iterable[str] = ()
) -> list[Suggestion]:
    """Phones, WeChat IDs, order numbers, amounts, e-mails and URLs found in the
    captures' text that the purchase does not record yet, first occurrence first.

    `exclude` are the user's own details (an OwnDetails, or plain phones and names),
    never suggested, nor is a phone, e-mail or WeChat ID beside one of them. Amounts after a total's
    label replace the plain amounts (line prices), the surest label first."""
    own = _Own(exclude)
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
    seen: dict[tuple[str, str], Suggestion] = {}
    for c in sorted(captures, key=lambda c: c.captured_at):
        text = c.ocr_text or ""
        entities = extract_entities(text)
        near_own = own.beside_own(text, entities)
        for e in entities:
            field = TARGET_FIELDS.get(e.kind)
            if field is None or _entity_key(e) in known or own.is_own(e):
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
    surest = max((s.total for s in amounts), default=0)
    if surest:
        amounts = [s for s in amounts if s.total == surest]
    out = [s for s in ordered if s.kind != "amount"]
    first_amount = next((i for i, s in enumerate(ordered) if s.kind == "amount"), None)
    if first_amount is not None:
        at = sum(1 for s in ordered[:first_amount] if s.kind != "amount")
        out[at:at] = amounts
    return out
