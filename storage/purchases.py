"""Purchases, their sellers (merchants), the active purchase and the user's own details.

Each function works in the caller's session (one transaction, opened by `Library`) and
appends the custody events its change calls for. Values typed by users are cleaned by
`clean_purchase_fields` / `clean_merchant_fields` before the transaction opens, so a
refused value never holds the write lock.

A purchase's title, order number and notes, and its seller's name and identifying
fields, are part of the search documents of the captures filed under it: whatever
changes them reindexes those captures in the same transaction (search.reindex_purchase).
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import custody_log, state
from . import search as search_mod
from .custody_log import fresh_id
from .errors import InvalidInput, NotFound
from .models import Capture, Merchant, Purchase
from .records import MERCHANT_FIELDS, MerchantRecord, PurchaseRecord
from .settings import OWN_DETAILS_KEY, OwnDetails
from .targets import ACTIVE as ACTIVE
from .targets import INBOX as INBOX
from .targets import PurchaseTarget as PurchaseTarget
from .targets import _Active as _Active
from .values import (
    MAX_NOTE_CHARS,
    clean_text,
    now_utc,
    parse_amount,
    parse_credit_code,
    parse_currency,
    parse_phone,
    parse_platform,
    parse_status,
    parse_user_date,
    parse_wechat_id,
)
from .vocabulary import Platform, PurchaseStatus

#: An id no purchase has: "there is no active purchase" once it has been looked up.
_NO_PURCHASE: Final = 0

PURCHASE_FIELDS = ("title", "order_no", "amount", "currency", "ordered_at", "status", "notes")


# ---------------------------------------------------------------------------- records and rows


def record_merchant(m: Merchant | None) -> MerchantRecord | None:
    if m is None:
        return None
    return MerchantRecord(**{"id": m.id, **{f: getattr(m, f) for f in MERCHANT_FIELDS}})


def _kept_merchant(m: Merchant) -> MerchantRecord:
    record = record_merchant(m)
    assert record is not None
    return record


def merchant_dict(m: Merchant) -> dict[str, Any]:
    """A seller's fields as the custody log keeps them."""
    return {f: getattr(m, f) for f in MERCHANT_FIELDS}


def purchase_dict(p: Purchase) -> dict[str, Any]:
    """A purchase's fields as the custody log keeps them."""
    return {
        "title": p.title,
        "merchant_id": p.merchant_id,
        "order_no": p.order_no,
        "amount_minor": p.amount_minor,
        "currency": p.currency,
        "ordered_at": p.ordered_at,
        "status": p.status,
        "notes": p.notes,
    }


def _active_id(s: Session) -> int | None:
    raw = state.get(s, state.ACTIVE_PURCHASE)
    return int(raw) if raw else None


def purchase_record(
    s: Session, p: Purchase, active: int | None = None, count: int | None = None
) -> PurchaseRecord:
    """`p` as a record. `active` (the active purchase's id) and `count` (its captures
    outside the Trash) are looked up unless the caller, listing many, already knows them."""
    if count is None:
        count = s.scalar(
            select(func.count(Capture.id)).where(Capture.purchase_id == p.id, Capture.deleted_at.is_(None))
        )
    if active is None:
        active = _active_id(s)
    return PurchaseRecord(
        id=p.id,
        title=p.title,
        merchant=record_merchant(p.merchant),
        order_no=p.order_no,
        amount_minor=p.amount_minor,
        currency=p.currency,
        ordered_at=p.ordered_at,
        status=str(p.status),
        notes=p.notes,
        created_at=p.created_at,
        updated_at=p.updated_at,
        capture_count=int(count or 0),
        active=active == p.id,
    )


def get_purchase_row(s: Session, purchase_id: int) -> Purchase:
    p = s.get(Purchase, purchase_id)
    if p is None:
        raise NotFound(f"there is no purchase {purchase_id}")
    return p


def get_merchant_row(s: Session, merchant_id: int) -> Merchant:
    m = s.get(Merchant, merchant_id)
    if m is None:
        raise NotFound(f"there is no merchant {merchant_id}")
    return m


def resolve(s: Session, purchase_id: int | None | _Active) -> int | None:
    """The purchase a capture goes to: ACTIVE is the active purchase (None, the Inbox, when
    there is none or it was deleted); an id must exist."""
    if isinstance(purchase_id, _Active):
        raw = state.get(s, state.ACTIVE_PURCHASE)
        if raw and s.get(Purchase, int(raw)) is not None:
            return int(raw)
        return None
    if purchase_id is None:
        return None
    get_purchase_row(s, purchase_id)
    return purchase_id


# ---------------------------------------------------------------------------- values typed by users


def clean_merchant_fields(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key not in MERCHANT_FIELDS:
            raise InvalidInput(f"unknown merchant field {key}")
        if key == "platform":
            out[key] = parse_platform(value)
        elif key == "phone":
            out[key] = parse_phone(value, field="merchant phone")
        elif key == "credit_code":
            out[key] = parse_credit_code(value, field="merchant credit code")
        else:
            out[key] = clean_text(
                value, field=f"merchant {key.replace('_', ' ')}", multiline=key in ("notes", "address")
            )
    return out


def clean_purchase_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` named as in PURCHASE_FIELDS (amount as text) -> column values."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "title":
            t = clean_text(value, field="title")
            if not t:
                raise InvalidInput("a purchase needs a title (what was bought)")
            out["title"] = t
        elif key == "order_no":
            out["order_no"] = clean_text(value, field="order number")
        elif key == "amount":
            out["amount_minor"] = parse_amount(value)
        elif key == "currency":
            out["currency"] = parse_currency(value)
        elif key == "ordered_at":
            out["ordered_at"] = parse_user_date(value, field="order date")
        elif key == "status":
            out["status"] = parse_status(value)
        elif key == "notes":
            out["notes"] = clean_text(value, field="notes", multiline=True, limit=MAX_NOTE_CHARS)
        else:
            raise InvalidInput(f"unknown purchase field {key}")
    return out


# ---------------------------------------------------------------------------- sellers


def _merchant_for(
    s: Session, merchant_id: int | None, fields: dict[str, Any], current: Merchant | None
) -> tuple[Merchant | None, dict[str, list[Any]], bool]:
    """Find or create the merchant that `fields` describe and apply them.
    Returns (merchant, changes, created)."""
    changes: dict[str, list[Any]] = {}
    m: Merchant | None
    created = False
    if merchant_id is not None:
        m = get_merchant_row(s, merchant_id)
    elif fields.get("display_name") and (current is None or current.display_name != fields["display_name"]):
        m = s.scalars(
            select(Merchant).where(Merchant.display_name == fields["display_name"]).limit(1)
        ).first()
        if m is None:
            now = now_utc()
            m = Merchant(
                id=fresh_id(s, Merchant),
                display_name=fields["display_name"],
                created_at=now,
                updated_at=now,
            )
            s.add(m)
            s.flush()
            created = True
    else:
        m = current
    # A merchant chosen by id may be renamed; one found by name keeps that name.
    rest = (
        dict(fields) if merchant_id is not None else {k: v for k, v in fields.items() if k != "display_name"}
    )
    if m is None:
        if any(v for v in rest.values()):
            raise InvalidInput("give the seller a name before their other details")
        return None, changes, False
    for key, value in rest.items():
        old = getattr(m, key)
        if old != value and not (created and value is None):
            if key == "display_name" and not value:
                raise InvalidInput("a merchant needs a name")
            changes[key] = [old, value]
            setattr(m, key, value)
    if m.platform == Platform.WECHAT and ("account_id" in changes or "platform" in changes):
        parse_wechat_id(m.account_id, field="merchant WeChat ID")
    if changes:
        m.updated_at = now_utc()
    return m, changes, created


def _log_merchant(s: Session, m: Merchant | None, changes: dict[str, list[Any]], created: bool) -> None:
    if m is not None and created:
        custody_log.append(s, "merchant_created", merchant_id=m.id, fields=merchant_dict(m))
    elif m is not None and changes:
        custody_log.append(s, "merchant_edited", merchant_id=m.id, changes=changes)


def _reindex_merchant(s: Session, merchant_id: int) -> None:
    for pid in s.scalars(select(Purchase.id).where(Purchase.merchant_id == merchant_id)):
        search_mod.reindex_purchase(s, pid)


def list_merchants(s: Session) -> list[MerchantRecord]:
    return [
        r for m in s.scalars(select(Merchant).order_by(Merchant.display_name)) if (r := record_merchant(m))
    ]


def merchant_usage(s: Session) -> dict[int, int]:
    """How many purchases each saved seller is on (every seller; 0 when unused)."""
    counts = {
        mid: int(n)
        for mid, n in s.execute(
            select(Purchase.merchant_id, func.count(Purchase.id))
            .where(Purchase.merchant_id.is_not(None))
            .group_by(Purchase.merchant_id)
        ).all()
    }
    return {mid: counts.get(mid, 0) for mid in s.scalars(select(Merchant.id))}


def delete_merchant(s: Session, merchant_id: int) -> MerchantRecord:
    """Delete a seller that no purchase refers to (one made by a typo, say). A seller
    still on a purchase is refused: merge it into another seller instead."""
    m = get_merchant_row(s, merchant_id)
    used = int(s.scalar(select(func.count(Purchase.id)).where(Purchase.merchant_id == m.id)) or 0)
    if used:
        raise InvalidInput(
            f"the seller {m.display_name} is on {used} purchase(s), so it cannot be deleted; "
            "merge it into another seller instead"
        )
    record = _kept_merchant(m)
    custody_log.append(s, "merchant_deleted", merchant_id=m.id, fields=merchant_dict(m))
    s.delete(m)
    return record


def merge_merchants(s: Session, merchant_id: int, into_id: int) -> MerchantRecord:
    """Move every purchase of seller `merchant_id` to seller `into_id`, then delete the
    first. Details only the first had fill the empty fields of the other; the first's
    full details stay in the custody log. Returns the seller kept."""
    if merchant_id == into_id:
        raise InvalidInput("a seller cannot be merged into itself; choose another seller")
    gone = get_merchant_row(s, merchant_id)
    kept = get_merchant_row(s, into_id)
    filled: dict[str, list[Any]] = {}
    for field in MERCHANT_FIELDS:
        theirs, ours = getattr(gone, field), getattr(kept, field)
        if field != "display_name" and theirs and not ours:
            setattr(kept, field, theirs)
            filled[field] = [ours, theirs]
    now = now_utc()
    if filled:
        kept.updated_at = now
    moved: list[int] = []
    for p in s.scalars(select(Purchase).where(Purchase.merchant_id == gone.id).order_by(Purchase.id)):
        p.merchant = kept
        p.updated_at = now
        custody_log.append(
            s, "purchase_edited", purchase_id=p.id, changes={"merchant_id": [gone.id, kept.id]}
        )
        moved.append(p.id)
    custody_log.append(
        s,
        "merchant_merged",
        merchant_id=gone.id,
        into=kept.id,
        fields=merchant_dict(gone),
        filled=filled,
        purchases=moved,
    )
    s.delete(gone)
    s.flush()
    _reindex_merchant(s, kept.id)
    return _kept_merchant(kept)


def restore_merchant(s: Session, merchant_id: int, changes: dict[str, list[Any]]) -> MerchantRecord:
    """Undo an edit of a saved seller. `changes` are {field: [before, after]} as in its
    merchant_edited event; each field goes back to `before`. Refused, changing nothing,
    when a field no longer holds `after` (the seller was edited again since)."""
    if not changes:
        raise InvalidInput("there is no seller change to undo")
    m = get_merchant_row(s, merchant_id)
    for field, pair in changes.items():
        if field not in MERCHANT_FIELDS or not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise InvalidInput(f"unknown merchant change {field}")
        if getattr(m, field) != pair[1]:
            raise InvalidInput(
                f"the seller {m.display_name} was changed again since, so the change was not undone"
            )
        if field == "display_name" and not pair[0]:
            raise InvalidInput("a merchant needs a name")
    undone: dict[str, list[Any]] = {}
    for field, (before, after) in changes.items():
        if before != after:
            setattr(m, field, before)
            undone[field] = [after, before]
    if undone:
        m.updated_at = now_utc()
        custody_log.append(s, "merchant_edited", merchant_id=m.id, changes=undone, undo=True)
        _reindex_merchant(s, m.id)
    return _kept_merchant(m)


# ---------------------------------------------------------------------------- purchases


def add_purchase(
    s: Session, clean: dict[str, Any], merchant: dict[str, Any], merchant_id: int | None
) -> PurchaseRecord:
    """Create a purchase from cleaned fields; `merchant` (cleaned) finds, creates or
    updates its seller, an existing seller of the same display name being reused."""
    m, mchanges, created = _merchant_for(s, merchant_id, merchant, None)
    now = now_utc()
    p = Purchase(
        id=fresh_id(s, Purchase),
        title=clean["title"],
        merchant=m,
        order_no=clean.get("order_no"),
        amount_minor=clean.get("amount_minor"),
        currency=clean.get("currency", "CNY"),
        ordered_at=clean.get("ordered_at"),
        status=clean.get("status", PurchaseStatus.OPEN),
        notes=clean.get("notes"),
        created_at=now,
        updated_at=now,
    )
    s.add(p)
    s.flush()
    _log_merchant(s, m, mchanges, created)
    custody_log.append(s, "purchase_created", purchase_id=p.id, fields=purchase_dict(p))
    return purchase_record(s, p)


def edit_purchase(
    s: Session, purchase_id: int, clean: dict[str, Any], merchant: dict[str, Any], merchant_id: int | None
) -> PurchaseRecord:
    """Apply cleaned fields and seller details; record what changed (nothing when nothing
    did) and reindex the captures whose documents changed with it."""
    p = get_purchase_row(s, purchase_id)
    before = purchase_dict(p)
    m, mchanges, created = _merchant_for(s, merchant_id, merchant, p.merchant)
    _log_merchant(s, m, mchanges, created)
    p.merchant = m
    for key, value in clean.items():
        setattr(p, key, value)
    s.flush()
    after = purchase_dict(p)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        p.updated_at = now_utc()
        custody_log.append(s, "purchase_edited", purchase_id=p.id, changes=changes)
    if changes or mchanges:
        if mchanges and m is not None:
            _reindex_merchant(s, m.id)  # every purchase of this seller shows the change
        else:
            search_mod.reindex_purchase(s, p.id)
    return purchase_record(s, p)


def get_purchase(s: Session, purchase_id: int) -> PurchaseRecord:
    return purchase_record(s, get_purchase_row(s, purchase_id))


def list_purchases(s: Session, status: str | None = None) -> list[PurchaseRecord]:
    """Purchases newest first (of one status), each with its capture count, counted in
    one grouped query rather than one query per purchase."""
    q = select(Purchase).order_by(Purchase.id.desc())
    if status:
        q = q.where(Purchase.status == parse_status(status))
    active = _active_id(s) or _NO_PURCHASE
    counts: dict[int | None, int] = {
        pid: n
        for pid, n in s.execute(
            select(Capture.purchase_id, func.count(Capture.id))
            .where(Capture.deleted_at.is_(None), Capture.purchase_id.is_not(None))
            .group_by(Capture.purchase_id)
        ).all()
    }
    return [purchase_record(s, p, active, counts.get(p.id, 0)) for p in s.scalars(q).unique()]


def delete_purchase(s: Session, purchase_id: int) -> PurchaseRecord:
    """Delete a purchase record. Its captures are never deleted with it: they move
    to the Inbox, each move recorded."""
    p = get_purchase_row(s, purchase_id)
    rec = purchase_record(s, p)
    for c in s.scalars(select(Capture).where(Capture.purchase_id == p.id)):
        c.purchase_id = None
        c.purchase = None
        custody_log.append(s, "moved", capture_id=c.id, purchase_id=None, **{"from": p.id, "to": None})
        search_mod.reindex_capture(s, c)
    if state.get(s, state.ACTIVE_PURCHASE) == str(p.id):
        state.put(s, state.ACTIVE_PURCHASE, None)
    custody_log.append(s, "purchase_deleted", purchase_id=p.id, fields=purchase_dict(p))
    s.delete(p)
    return rec


def active_purchase(s: Session) -> PurchaseRecord | None:
    active = _active_id(s)
    if active is None:
        return None
    p = s.get(Purchase, active)
    return purchase_record(s, p, active) if p else None


def set_active_purchase(s: Session, purchase_id: int | None) -> PurchaseRecord | None:
    if purchase_id is None:
        state.put(s, state.ACTIVE_PURCHASE, None)
        return None
    p = get_purchase_row(s, purchase_id)
    state.put(s, state.ACTIVE_PURCHASE, str(p.id))
    return purchase_record(s, p, p.id)


# ---------------------------------------------------------------------------- the user's own details


def own_details(s: Session) -> OwnDetails:
    return OwnDetails.from_json(state.get(s, OWN_DETAILS_KEY))


def set_own_details(s: Session, details: OwnDetails) -> OwnDetails:
    """Keep the user's own details with the library. The custody log records that they
    changed and how many there are, never the details themselves."""
    if own_details(s) != details:
        state.put(s, OWN_DETAILS_KEY, details.to_json() if details else None)
        custody_log.append(s, "own_details_changed", **details.counts())
    return details
