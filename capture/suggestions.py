"""Merchant and order details found in a purchase's captures, offered as suggestions.

Never applied silently: the command line lists them, the purchase editor offers each
with one click.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.records import CaptureRecord, PurchaseRecord

from .entities import extract_entities

#: Entity kinds worth suggesting for a purchase, and the field each one fills.
TARGET_FIELDS = {
    "phone": "phone",
    "wechat_id": "account_id",
    "order_no": "order_no",
    "amount": "amount",
    "email": "notes",
    "url": "shop_url",
}


@dataclass(frozen=True)
class Suggestion:
    kind: str
    value: str
    raw: str
    capture_id: int
    field: str  # the purchase or merchant field it would fill
    currency: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "value": self.value,
            "raw": self.raw,
            "capture_id": self.capture_id,
            "field": self.field,
            "currency": self.currency,
        }


def _key(value: str) -> str:
    return "".join(ch for ch in value if ch.isalnum()).lower()


def purchase_suggestions(purchase: PurchaseRecord, captures: list[CaptureRecord]) -> list[Suggestion]:
    """Phones, WeChat IDs, order numbers, amounts, e-mails and URLs found in the
    captures' text that the purchase does not record yet, first occurrence first."""
    known = set()
    m = purchase.merchant
    for v in (m.phone, m.account_id, m.shop_url) if m else ():
        if v:
            known.add(_key(v))
    if purchase.order_no:
        known.add(_key(purchase.order_no))
    if purchase.amount:
        known.add(_key(purchase.amount))
    seen: dict[tuple[str, str], Suggestion] = {}
    for c in sorted(captures, key=lambda c: c.captured_at):
        for e in extract_entities(c.ocr_text or ""):
            field = TARGET_FIELDS.get(e.kind)
            if field is None or _key(e.value) in known or (e.kind, e.value) in seen:
                continue
            seen[(e.kind, e.value)] = Suggestion(e.kind, e.value, e.raw, c.id, field, e.currency)
    return list(seen.values())
