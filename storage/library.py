"""The library service: every use case of the evidence library, one transaction each.

A `Library` owns one folder on disk (ARCHITECTURE.md §4). Public methods open a short
session, do the whole change (rows, search index and custody event) in one SQLite
transaction, and return frozen records. Original bytes are written to the blob store
before the transaction, announced first in a journal file, so that a crash between
the two leaves something `recover()` adopts on the next open instead of losing it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from . import search as search_mod
from .blobs import BlobStore, fsync_dir, sha256_bytes
from .changes import ChangeWatcher
from .custody import GENESIS, canonical_json, chain_hash, event_payload, verify_chain
from .db import make_engines, migrate
from .errors import InvalidInput, LibraryUnavailable, NoteChanged, NotFound
from .images import probe_image
from .models import Capture, Event, Merchant, Purchase, Setting
from .normalize import NORMALIZER_VERSION
from .records import (
    MERCHANT_FIELDS,
    MERCHANT_TEXT_FIELDS,
    SOURCES,
    CaptureRecord,
    CheckReport,
    EventRecord,
    MerchantRecord,
    OcrData,
    OcrWordBox,
    Problem,
    PurchaseRecord,
    SearchHit,
)
from .settings import OWN_DETAILS_KEY, OwnDetails
from .values import (
    MAX_NOTE_CHARS,
    clean_text,
    iso_utc,
    local_day_bound_utc,
    local_offset_minutes,
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

if sys.platform != "win32":
    import fcntl
else:  # pragma: no cover
    fcntl = None

log = logging.getLogger(__name__)

DB_NAME = "library.sqlite3"
#: What the search index was built for; a library whose index differs rebuilds it at open.
_INDEX_VERSION = f"{NORMALIZER_VERSION}.{search_mod.INDEX_FORMAT}"


class _Active:
    def __repr__(self) -> str:
        return "ACTIVE"


#: Pass as `purchase_id` to file a capture under the active purchase (or the Inbox).
ACTIVE: Final = _Active()
#: set_note's `expected` when the caller does not care what the note was.
_ANY: Final = object()
#: Pass as `purchase_id` to a listing or search to mean "captures in the Inbox".
INBOX: Final = -1
#: An id no purchase has: "there is no active purchase" once it has been looked up.
_NO_PURCHASE: Final = 0

PURCHASE_FIELDS = ("title", "order_no", "amount", "currency", "ordered_at", "status", "notes")


@dataclass(frozen=True)
class OpenReport:
    """What opening the library found and did."""

    backup: str | None
    recovered: tuple[int, ...]
    problems: tuple[Problem, ...]
    reindexed: bool


def _record_merchant(m: Merchant | None) -> MerchantRecord | None:
    if m is None:
        return None
    return MerchantRecord(**{"id": m.id, **{f: getattr(m, f) for f in MERCHANT_FIELDS}})


def _words_from_json(raw: str | None) -> tuple[OcrWordBox, ...]:
    if not raw:
        return ()
    out = []
    for w in json.loads(raw):
        out.append(OcrWordBox(str(w[0]), (int(w[1]), int(w[2]), int(w[3]), int(w[4])), float(w[5])))
    return tuple(out)


def _record_capture(c: Capture, with_words: bool = False) -> CaptureRecord:
    return CaptureRecord(
        id=c.id,
        purchase_id=c.purchase_id,
        purchase_title=c.purchase.title if c.purchase else None,
        sha256=c.sha256,
        media_type=c.media_type,
        bytes=c.bytes,
        width=c.width,
        height=c.height,
        captured_at=c.captured_at,
        utc_offset_min=c.utc_offset_min,
        source=c.source,
        source_name=c.source_name,
        screen_geometry=c.screen_geometry,
        note=c.note,
        ocr_status=c.ocr_status,
        ocr_text=c.ocr_text,
        ocr_engine=c.ocr_engine,
        ocr_version=c.ocr_version,
        ocr_languages=c.ocr_languages,
        ocr_confidence=c.ocr_confidence,
        ocr_error=c.ocr_error,
        flags=tuple(f for f in (c.flags or "").split(",") if f),
        deleted_at=c.deleted_at,
        words=_words_from_json(c.ocr_words) if with_words else (),
    )


def _document_fields(c: Capture) -> list[str | None]:
    p = c.purchase
    m = p.merchant if p else None
    fields: list[str | None] = [c.ocr_text, c.note]
    if p is not None:
        fields += [p.title, p.order_no, p.notes]
    if m is not None:
        fields += [getattr(m, f) for f in MERCHANT_TEXT_FIELDS]
    return fields


class Library:
    """One evidence library folder. Thread-safe for use from several threads."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db_path = root / DB_NAME
        self.blobs = BlobStore(root / "blobs")
        self.journal = root / "journal"
        self.thumbs = root / "thumbs"
        self.backups = root / "backups"
        self._w, self._r = make_engines(self.db_path)
        self.open_report = OpenReport(None, (), (), False)

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, root: Path | str, *, scan: bool = False) -> Library:
        """Open (creating if needed) the library at `root`, migrate it, rebuild a stale
        search index and recover captures interrupted by a crash. With `scan`, also
        check that every capture's blob is present (its hash is checked by `check`)."""
        root = Path(root).expanduser().absolute()
        if root.exists() and not root.is_dir():
            raise LibraryUnavailable(f"the library location {root} is a file, not a folder")
        try:
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
            fresh = not (root / DB_NAME).exists()
            if fresh:
                os.chmod(root, 0o700)
            for sub in ("journal", "thumbs", "backups"):
                (root / sub).mkdir(mode=0o700, exist_ok=True)
            lib = cls(root)
            lib.blobs.ensure()
            backup = migrate(lib._w, lib.db_path, lib.backups)
            os.chmod(lib.db_path, 0o600)
        except PermissionError as exc:
            raise LibraryUnavailable(f"no permission to use the library at {root}: {exc.strerror}") from None
        except OSError as exc:
            if isinstance(exc, LibraryUnavailable):
                raise
            raise LibraryUnavailable(f"cannot open the library at {root}: {exc.strerror or exc}") from None
        if fresh:
            with lib._tx() as s:
                lib._event(s, "library_created", app="Proofshot", path=str(root))
        reindexed = lib._ensure_search_index()
        recovered = lib.recover()
        lib.blobs.clean_tmp()
        problems: tuple[Problem, ...] = ()
        if scan:
            found = list(lib._scan_blobs(hash_check=False))
            recovered += lib._adopt_orphans([p.sha256 for p in found if p.kind == "orphan_blob" and p.sha256])
            problems = tuple(p for p in found if p.kind != "orphan_blob")
        lib.open_report = OpenReport(backup, tuple(recovered), problems, reindexed)
        return lib

    def watch(self) -> ChangeWatcher:
        """A watcher that tells what anyone (this process, another window, the command
        line) committed to this library since it last looked (storage.changes)."""
        return ChangeWatcher(self.db_path)

    def close(self) -> None:
        self._w.dispose()
        self._r.dispose()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[Session]:
        with Session(self._w, expire_on_commit=False) as s, s.begin():
            yield s

    @contextlib.contextmanager
    def _ro(self) -> Iterator[Session]:
        with Session(self._r) as s, s.begin():
            yield s

    # ------------------------------------------------------------------ settings

    def _get_setting(self, s: Session, key: str) -> str | None:
        row = s.get(Setting, key)
        return row.value if row else None

    def _set_setting(self, s: Session, key: str, value: str | None) -> None:
        row = s.get(Setting, key)
        if value is None:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(Setting(key=key, value=value))
        else:
            row.value = value

    def get_setting(self, key: str) -> str | None:
        with self._ro() as s:
            return self._get_setting(s, key)

    def set_setting(self, key: str, value: str | None) -> None:
        with self._tx() as s:
            self._set_setting(s, key, value)

    # ------------------------------------------------------------------ custody

    @staticmethod
    def _fresh_id(s: Session, model: type[Capture] | type[Purchase] | type[Merchant]) -> int:
        """An id never used before, not even by a row deleted since. SQLite would hand a
        deleted row's id to the next new one, and the custody log, which outlives rows,
        would then file two captures' (or purchases') events under one id."""
        if model is Capture:
            logged = select(func.max(Event.capture_id))
        elif model is Purchase:
            logged = select(func.max(Event.purchase_id))
        else:
            logged = select(func.max(func.json_extract(Event.data, "$.merchant_id"))).where(
                Event.kind.like("merchant_%")
            )
        used = [s.scalar(select(func.max(model.id))), s.scalar(logged)]
        return max(int(u) for u in used if u is not None) + 1 if any(u is not None for u in used) else 1

    def _event(
        self,
        s: Session,
        kind: str,
        *,
        capture_id: int | None = None,
        purchase_id: int | None = None,
        **data: Any,
    ) -> Event:
        head = self._get_setting(s, "custody_head")
        count, prev = (int(head.split(":")[0]), head.split(":")[1]) if head else (0, GENESIS)
        at = now_utc()
        # Round-trip through JSON so the stored text and the hashed object agree exactly.
        clean = json.loads(canonical_json(data))
        ev = Event(
            at=at,
            kind=kind,
            capture_id=capture_id,
            purchase_id=purchase_id,
            data=canonical_json(clean),
            prev_hash=prev,
            hash="",
        )
        s.add(ev)
        s.flush()
        ev.hash = chain_hash(prev, event_payload(ev.id, at, kind, capture_id, purchase_id, clean))
        self._set_setting(s, "custody_head", f"{count + 1}:{ev.hash}")
        return ev

    def record_event(
        self, kind: str, *, capture_id: int | None = None, purchase_id: int | None = None, **data: Any
    ) -> EventRecord:
        """Append an event that is not tied to a change made here (e.g. 'exported')."""
        with self._tx() as s:
            ev = self._event(s, kind, capture_id=capture_id, purchase_id=purchase_id, **data)
            return self._record_event(ev)

    @staticmethod
    def _record_event(ev: Event) -> EventRecord:
        return EventRecord(
            ev.id, ev.at, ev.kind, ev.capture_id, ev.purchase_id, json.loads(ev.data), ev.prev_hash, ev.hash
        )

    def events(self, *, capture_id: int | None = None, purchase_id: int | None = None) -> list[EventRecord]:
        """Events of one capture, of one purchase and its captures, or all of them."""
        with self._ro() as s:
            q = select(Event).order_by(Event.id)
            if capture_id is not None:
                q = q.where(Event.capture_id == capture_id)
            elif purchase_id is not None:
                ids = select(Event.capture_id).where(
                    Event.purchase_id == purchase_id, Event.capture_id.is_not(None)
                )
                cap_ids = select(Capture.id).where(Capture.purchase_id == purchase_id)
                q = q.where(
                    (Event.purchase_id == purchase_id)
                    | Event.capture_id.in_(ids)
                    | Event.capture_id.in_(cap_ids)
                )
            return [self._record_event(e) for e in s.scalars(q)]

    def verify_custody(self) -> list[str]:
        with self._ro() as s:
            rows = s.execute(
                select(
                    Event.id,
                    Event.at,
                    Event.kind,
                    Event.capture_id,
                    Event.purchase_id,
                    Event.data,
                    Event.prev_hash,
                    Event.hash,
                ).order_by(Event.id)
            ).all()
            head_raw = self._get_setting(s, "custody_head")
            head = (int(head_raw.split(":")[0]), head_raw.split(":")[1]) if head_raw else (0, GENESIS)
            return verify_chain(rows, head)

    # ------------------------------------------------------------------ merchants & purchases

    def _purchase_record(
        self, s: Session, p: Purchase, active: int | None = None, count: int | None = None
    ) -> PurchaseRecord:
        if count is None:
            count = s.scalar(
                select(func.count(Capture.id)).where(
                    Capture.purchase_id == p.id, Capture.deleted_at.is_(None)
                )
            )
        if active is None:
            raw = self._get_setting(s, "active_purchase")
            active = int(raw) if raw else None
        return PurchaseRecord(
            id=p.id,
            title=p.title,
            merchant=_record_merchant(p.merchant),
            order_no=p.order_no,
            amount_minor=p.amount_minor,
            currency=p.currency,
            ordered_at=p.ordered_at,
            status=p.status,
            notes=p.notes,
            created_at=p.created_at,
            updated_at=p.updated_at,
            capture_count=int(count or 0),
            active=active == p.id,
        )

    def _get_purchase_row(self, s: Session, purchase_id: int) -> Purchase:
        p = s.get(Purchase, purchase_id)
        if p is None:
            raise NotFound(f"there is no purchase {purchase_id}")
        return p

    @staticmethod
    def _clean_merchant_fields(fields: dict[str, Any]) -> dict[str, Any]:
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

    @staticmethod
    def _clean_purchase_fields(fields: dict[str, Any]) -> dict[str, Any]:
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

    def _merchant_for(
        self, s: Session, merchant_id: int | None, fields: dict[str, Any], current: Merchant | None
    ) -> tuple[Merchant | None, dict[str, list[Any]], bool]:
        """Find or create the merchant that `fields` describe and apply them.
        Returns (merchant, changes, created)."""
        changes: dict[str, list[Any]] = {}
        m: Merchant | None
        created = False
        if merchant_id is not None:
            m = s.get(Merchant, merchant_id)
            if m is None:
                raise NotFound(f"there is no merchant {merchant_id}")
        elif fields.get("display_name") and (
            current is None or current.display_name != fields["display_name"]
        ):
            m = s.scalars(
                select(Merchant).where(Merchant.display_name == fields["display_name"]).limit(1)
            ).first()
            if m is None:
                now = now_utc()
                m = Merchant(
                    id=self._fresh_id(s, Merchant),
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
            dict(fields)
            if merchant_id is not None
            else {k: v for k, v in fields.items() if k != "display_name"}
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
        if m.platform == "wechat" and ("account_id" in changes or "platform" in changes):
            parse_wechat_id(m.account_id, field="merchant WeChat ID")
        if changes:
            m.updated_at = now_utc()
        return m, changes, created

    def _reindex_purchase(self, s: Session, purchase_id: int) -> None:
        s.flush()
        for c in s.scalars(select(Capture).where(Capture.purchase_id == purchase_id)):
            self._reindex(s, c)

    def _reindex(self, s: Session, c: Capture) -> None:
        s.flush()
        search_mod.index_document(s.connection(), c.id, search_mod.build_document(_document_fields(c)))

    def add_purchase(
        self, fields: dict[str, Any], merchant: dict[str, Any] | None = None, merchant_id: int | None = None
    ) -> PurchaseRecord:
        """Create a purchase. `fields` use the names in PURCHASE_FIELDS (amount as text);
        `merchant` the names in MERCHANT_FIELDS; an existing merchant with the same
        display name is reused."""
        if "title" not in fields:
            raise InvalidInput("a purchase needs a title (what was bought)")
        clean = self._clean_purchase_fields(fields)
        mclean = self._clean_merchant_fields(merchant or {})
        with self._tx() as s:
            m, mchanges, created = self._merchant_for(s, merchant_id, mclean, None)
            now = now_utc()
            p = Purchase(
                id=self._fresh_id(s, Purchase),
                title=clean["title"],
                merchant=m,
                order_no=clean.get("order_no"),
                amount_minor=clean.get("amount_minor"),
                currency=clean.get("currency", "CNY"),
                ordered_at=clean.get("ordered_at"),
                status=clean.get("status", "open"),
                notes=clean.get("notes"),
                created_at=now,
                updated_at=now,
            )
            s.add(p)
            s.flush()
            if m is not None and created:
                self._event(s, "merchant_created", merchant_id=m.id, fields=self._merchant_dict(m))
            elif m is not None and mchanges:
                self._event(s, "merchant_edited", merchant_id=m.id, changes=mchanges)
            self._event(s, "purchase_created", purchase_id=p.id, fields=self._purchase_dict(p))
            return self._purchase_record(s, p)

    @staticmethod
    def _merchant_dict(m: Merchant) -> dict[str, Any]:
        return {f: getattr(m, f) for f in MERCHANT_FIELDS}

    @staticmethod
    def _purchase_dict(p: Purchase) -> dict[str, Any]:
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

    def edit_purchase(
        self,
        purchase_id: int,
        fields: dict[str, Any] | None = None,
        merchant: dict[str, Any] | None = None,
        merchant_id: int | None = None,
    ) -> PurchaseRecord:
        clean = self._clean_purchase_fields(fields or {})
        mclean = self._clean_merchant_fields(merchant or {})
        with self._tx() as s:
            p = self._get_purchase_row(s, purchase_id)
            before = self._purchase_dict(p)
            m, mchanges, created = self._merchant_for(s, merchant_id, mclean, p.merchant)
            if m is not None and created:
                self._event(s, "merchant_created", merchant_id=m.id, fields=self._merchant_dict(m))
            elif m is not None and mchanges:
                self._event(s, "merchant_edited", merchant_id=m.id, changes=mchanges)
            p.merchant = m
            for key, value in clean.items():
                setattr(p, key, value)
            s.flush()
            after = self._purchase_dict(p)
            changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
            if changes:
                p.updated_at = now_utc()
                self._event(s, "purchase_edited", purchase_id=p.id, changes=changes)
            if changes or mchanges:
                if mchanges and m is not None:
                    for other in s.scalars(select(Purchase.id).where(Purchase.merchant_id == m.id)):
                        self._reindex_purchase(s, other)
                else:
                    self._reindex_purchase(s, p.id)
            return self._purchase_record(s, p)

    def get_purchase(self, purchase_id: int) -> PurchaseRecord:
        with self._ro() as s:
            return self._purchase_record(s, self._get_purchase_row(s, purchase_id))

    def list_purchases(self, status: str | None = None) -> list[PurchaseRecord]:
        with self._ro() as s:
            q = select(Purchase).order_by(Purchase.id.desc())
            if status:
                q = q.where(Purchase.status == parse_status(status))
            raw = self._get_setting(s, "active_purchase")
            active = int(raw) if raw else _NO_PURCHASE
            counts: dict[int | None, int] = {
                pid: n
                for pid, n in s.execute(
                    select(Capture.purchase_id, func.count(Capture.id))
                    .where(Capture.deleted_at.is_(None), Capture.purchase_id.is_not(None))
                    .group_by(Capture.purchase_id)
                ).all()
            }
            return [self._purchase_record(s, p, active, counts.get(p.id, 0)) for p in s.scalars(q).unique()]

    def list_merchants(self) -> list[MerchantRecord]:
        with self._ro() as s:
            return [
                r
                for m in s.scalars(select(Merchant).order_by(Merchant.display_name))
                if (r := _record_merchant(m))
            ]

    def merchant_usage(self) -> dict[int, int]:
        """How many purchases each saved seller is on (every seller; 0 when unused)."""
        with self._ro() as s:
            counts = {
                mid: int(n)
                for mid, n in s.execute(
                    select(Purchase.merchant_id, func.count(Purchase.id))
                    .where(Purchase.merchant_id.is_not(None))
                    .group_by(Purchase.merchant_id)
                ).all()
            }
            return {mid: counts.get(mid, 0) for mid in s.scalars(select(Merchant.id))}

    def _get_merchant_row(self, s: Session, merchant_id: int) -> Merchant:
        m = s.get(Merchant, merchant_id)
        if m is None:
            raise NotFound(f"there is no merchant {merchant_id}")
        return m

    def delete_merchant(self, merchant_id: int) -> MerchantRecord:
        """Delete a seller that no purchase refers to (one made by a typo, say). A seller
        still on a purchase is refused: merge it into another seller instead."""
        with self._tx() as s:
            m = self._get_merchant_row(s, merchant_id)
            used = int(s.scalar(select(func.count(Purchase.id)).where(Purchase.merchant_id == m.id)) or 0)
            if used:
                raise InvalidInput(
                    f"the seller {m.display_name} is on {used} purchase(s), so it cannot be deleted; "
                    "merge it into another seller instead"
                )
            record = _record_merchant(m)
            assert record is not None
            self._event(s, "merchant_deleted", merchant_id=m.id, fields=self._merchant_dict(m))
            s.delete(m)
            return record

    def merge_merchants(self, merchant_id: int, into_id: int) -> MerchantRecord:
        """Move every purchase of seller `merchant_id` to seller `into_id`, then delete the
        first. Details only the first had fill the empty fields of the other; the first's
        full details stay in the custody log. Returns the seller kept."""
        if merchant_id == into_id:
            raise InvalidInput("a seller cannot be merged into itself; choose another seller")
        with self._tx() as s:
            gone = self._get_merchant_row(s, merchant_id)
            kept = self._get_merchant_row(s, into_id)
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
                self._event(
                    s, "purchase_edited", purchase_id=p.id, changes={"merchant_id": [gone.id, kept.id]}
                )
                moved.append(p.id)
            self._event(
                s,
                "merchant_merged",
                merchant_id=gone.id,
                into=kept.id,
                fields=self._merchant_dict(gone),
                filled=filled,
                purchases=moved,
            )
            s.delete(gone)
            s.flush()
            for pid in s.scalars(select(Purchase.id).where(Purchase.merchant_id == kept.id)):
                self._reindex_purchase(s, pid)
            record = _record_merchant(kept)
            assert record is not None
            return record

    def restore_merchant(self, merchant_id: int, changes: dict[str, list[Any]]) -> MerchantRecord:
        """Undo an edit of a saved seller. `changes` are {field: [before, after]} as in its
        merchant_edited event; each field goes back to `before`. Refused, changing nothing,
        when a field no longer holds `after` (the seller was edited again since)."""
        if not changes:
            raise InvalidInput("there is no seller change to undo")
        with self._tx() as s:
            m = self._get_merchant_row(s, merchant_id)
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
                self._event(s, "merchant_edited", merchant_id=m.id, changes=undone, undo=True)
                for pid in s.scalars(select(Purchase.id).where(Purchase.merchant_id == m.id)):
                    self._reindex_purchase(s, pid)
            record = _record_merchant(m)
            assert record is not None
            return record

    def own_details(self) -> OwnDetails:
        """The user's own phones, names and addresses (storage.settings.OwnDetails)."""
        return OwnDetails.from_json(self.get_setting(OWN_DETAILS_KEY))

    def set_own_details(self, details: OwnDetails) -> OwnDetails:
        """Keep the user's own details with the library. The custody log records that
        they changed and how many there are, never the details themselves."""
        with self._tx() as s:
            old = OwnDetails.from_json(self._get_setting(s, OWN_DETAILS_KEY))
            if old != details:
                self._set_setting(s, OWN_DETAILS_KEY, details.to_json() if details else None)
                self._event(s, "own_details_changed", **details.counts())
            return details

    def delete_purchase(self, purchase_id: int) -> PurchaseRecord:
        """Delete a purchase record. Its captures are never deleted with it: they move
        to the Inbox, each move recorded."""
        with self._tx() as s:
            p = self._get_purchase_row(s, purchase_id)
            rec = self._purchase_record(s, p)
            for c in s.scalars(select(Capture).where(Capture.purchase_id == p.id)):
                c.purchase_id = None
                c.purchase = None
                self._event(s, "moved", capture_id=c.id, purchase_id=None, **{"from": p.id, "to": None})
                self._reindex(s, c)
            if self._get_setting(s, "active_purchase") == str(p.id):
                self._set_setting(s, "active_purchase", None)
            self._event(s, "purchase_deleted", purchase_id=p.id, fields=self._purchase_dict(p))
            s.delete(p)
            return rec

    def active_purchase(self) -> PurchaseRecord | None:
        with self._ro() as s:
            raw = self._get_setting(s, "active_purchase")
            if not raw:
                return None
            p = s.get(Purchase, int(raw))
            return self._purchase_record(s, p, int(raw)) if p else None

    def set_active_purchase(self, purchase_id: int | None) -> PurchaseRecord | None:
        with self._tx() as s:
            if purchase_id is None:
                self._set_setting(s, "active_purchase", None)
                return None
            p = self._get_purchase_row(s, purchase_id)
            self._set_setting(s, "active_purchase", str(p.id))
            return self._purchase_record(s, p, p.id)

    # ------------------------------------------------------------------ captures

    def _resolve_purchase(self, s: Session, purchase_id: int | None | _Active) -> int | None:
        if isinstance(purchase_id, _Active):
            raw = self._get_setting(s, "active_purchase")
            if raw and s.get(Purchase, int(raw)) is not None:
                return int(raw)
            return None
        if purchase_id is None:
            return None
        self._get_purchase_row(s, purchase_id)
        return purchase_id

    def find_by_sha(self, sha256: str, include_trash: bool = False) -> CaptureRecord | None:
        with self._ro() as s:
            q = select(Capture).where(Capture.sha256 == sha256).order_by(Capture.id)
            if not include_trash:
                q = q.where(Capture.deleted_at.is_(None))
            c = s.scalars(q.limit(1)).first()
            return _record_capture(c) if c else None

    def add_capture(
        self,
        data: bytes,
        *,
        source: str,
        purchase_id: int | None | _Active = ACTIVE,
        note: str | None = None,
        captured_at: str | None = None,
        utc_offset_min: int | None = None,
        source_name: str | None = None,
        file_modified_at: str | None = None,
        screen_geometry: str | None = None,
        flags: Sequence[str] = (),
        name: str = "the image",
        encoded_here: bool = False,
    ) -> CaptureRecord:
        """Keep `data` (PNG/JPEG/WebP/BMP bytes, unchanged) as a new capture.

        `encoded_here` says the bytes were just encoded by this app from pixels it
        grabbed, so only their header is read back (files from outside are always
        decoded in full to refuse damaged ones).

        `file_modified_at` is an imported file's own modification time (ISO 8601 with a
        zone, e.g. from its st_mtime); it is kept in the custody event, not in a column.

        The blob is written and fsynced before the row is committed; the journal entry
        written first lets `recover()` adopt the blob if the process dies in between."""
        if source not in SOURCES:
            raise InvalidInput(f"unknown capture source {source}")
        info = probe_image(data, name, decode=not encoded_here)
        note = clean_text(note, field="note", multiline=True, limit=MAX_NOTE_CHARS)
        source_name = clean_text(source_name, field="source name")
        modified: dict[str, str] = {}
        if file_modified_at is not None:
            try:
                mtime = datetime.fromisoformat(file_modified_at)
            except (TypeError, ValueError):
                raise InvalidInput(f"file time {file_modified_at!r} is not an ISO 8601 time") from None
            if mtime.tzinfo is None:
                raise InvalidInput(f"file time {file_modified_at!r} has no time zone")
            modified["file_modified_at"] = iso_utc(mtime)
        with self._ro() as s:
            target = self._resolve_purchase(s, purchase_id)
        digest = sha256_bytes(data)
        at = captured_at or now_utc()
        offset = local_offset_minutes() if utc_offset_min is None else utc_offset_min
        intent = {
            "sha256": digest,
            "captured_at": at,
            "utc_offset_min": offset,
            "source": source,
            "source_name": source_name,
            "purchase_id": target,
            "note": note,
            "media_type": info.media_type,
            "width": info.width,
            "height": info.height,
            "bytes": len(data),
        }
        with self._journal_entry(intent):
            self.blobs.put(data, digest)
            with self._tx() as s:
                target = self._resolve_purchase(s, target)
                c = Capture(
                    id=self._fresh_id(s, Capture),
                    purchase_id=target,
                    sha256=digest,
                    media_type=info.media_type,
                    bytes=len(data),
                    width=info.width,
                    height=info.height,
                    captured_at=at,
                    utc_offset_min=offset,
                    source=source,
                    source_name=source_name,
                    screen_geometry=screen_geometry,
                    note=note,
                    ocr_status="pending",
                    flags=",".join(flags) or None,
                )
                s.add(c)
                s.flush()
                s.refresh(c)
                self._event(
                    s,
                    "imported" if source == "import" else "captured",
                    capture_id=c.id,
                    purchase_id=target,
                    sha256=digest,
                    bytes=len(data),
                    width=info.width,
                    height=info.height,
                    media_type=info.media_type,
                    source=source,
                    source_name=source_name,
                    captured_at=at,
                    utc_offset_min=offset,
                    note=note,
                    **modified,
                )
                self._reindex(s, c)
                return _record_capture(c)

    @contextlib.contextmanager
    def _journal_entry(self, intent: dict[str, Any]) -> Iterator[None]:
        path = self.journal / f"{intent['sha256']}.{secrets.token_hex(4)}.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, canonical_json(intent).encode("utf-8"))
            os.fsync(fd)
            fsync_dir(self.journal)
            yield
            path.unlink()
        finally:
            os.close(fd)

    def recover(self) -> list[int]:
        """Adopt blobs whose capture was never committed (the process died between
        writing the blob and committing its row). They land in the Inbox, flagged."""
        recovered: list[int] = []
        for path in sorted(self.journal.glob("*.json")):
            try:
                fd = os.open(path, os.O_RDWR)
            except FileNotFoundError:
                continue
            try:
                if fcntl is not None:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue  # another process is writing this capture right now
                if not path.exists():
                    continue
                try:
                    intent = json.loads(path.read_text(encoding="utf-8"))
                    sha = str(intent["sha256"])
                except (ValueError, KeyError, OSError):
                    log.warning("unreadable journal entry %s removed", path.name)
                    path.unlink(missing_ok=True)
                    continue
                cid = self._adopt(sha, intent)
                if cid is not None:
                    recovered.append(cid)
                path.unlink(missing_ok=True)
            finally:
                os.close(fd)
        return recovered

    def _adopt_orphans(self, shas: list[str]) -> list[int]:
        """Blobs no capture refers to: adopt them into the Inbox, unless the custody log
        says their capture was purged on purpose (the crash came between emptying the
        Trash and removing the file), in which case the file is removed."""
        adopted: list[int] = []
        for sha in shas:
            with self._ro() as s:
                purged = s.scalar(
                    select(func.count(Event.id)).where(Event.kind == "purged", Event.data.like(f'%"{sha}"%'))
                )
            if purged:
                self.blobs.remove(sha)
                continue
            at = iso_utc(datetime.fromtimestamp(self.blobs.path(sha).stat().st_mtime, UTC))
            cid = self._adopt(sha, {"captured_at": at, "source": "recovered"})
            if cid is not None:
                adopted.append(cid)
        return adopted

    def _adopt(self, sha: str, intent: dict[str, Any]) -> int | None:
        if self.blobs.verify(sha) is not None:
            return None  # the blob never made it to disk whole: nothing was kept, nothing to adopt
        with self._tx() as s:
            exists = s.scalar(
                select(Capture.id).where(
                    Capture.sha256 == sha, Capture.captured_at == intent.get("captured_at")
                )
            )
            if exists is not None:
                return None  # committed; only the journal removal was interrupted
            data = self.blobs.read(sha)
            info = probe_image(data)
            c = Capture(
                id=self._fresh_id(s, Capture),
                purchase_id=None,
                sha256=sha,
                media_type=info.media_type,
                bytes=len(data),
                width=info.width,
                height=info.height,
                captured_at=str(intent.get("captured_at") or now_utc()),
                utc_offset_min=int(intent.get("utc_offset_min") or 0),
                source=str(intent.get("source") or "recovered"),
                source_name=intent.get("source_name"),
                note=intent.get("note"),
                ocr_status="pending",
                flags="recovered",
            )
            s.add(c)
            s.flush()
            s.refresh(c)
            self._event(
                s,
                "recovered",
                capture_id=c.id,
                purchase_id=None,
                sha256=sha,
                bytes=len(data),
                intended_purchase_id=intent.get("purchase_id"),
                captured_at=c.captured_at,
                source=c.source,
            )
            self._reindex(s, c)
            log.warning("recovered capture %s (%s) into the Inbox after an interruption", c.id, sha[:12])
            return c.id

    def _get_capture_row(self, s: Session, capture_id: int) -> Capture:
        c = s.get(Capture, capture_id)
        if c is None:
            raise NotFound(f"there is no capture {capture_id}")
        return c

    def get_capture(self, capture_id: int, with_words: bool = False) -> CaptureRecord:
        with self._ro() as s:
            return _record_capture(self._get_capture_row(s, capture_id), with_words)

    def get_captures(self, ids: Sequence[int]) -> list[CaptureRecord]:
        """Several captures in one query, in the order of `ids` (unknown ids skipped)."""
        with self._ro() as s:
            rows = {c.id: c for c in s.scalars(select(Capture).where(Capture.id.in_(list(ids)))).unique()}
            return [_record_capture(rows[i]) for i in ids if i in rows]

    def read_capture_bytes(self, capture_id: int) -> bytes:
        rec = self.get_capture(capture_id)
        return self.blobs.read(rec.sha256)

    def blob_path(self, sha256: str) -> Path:
        return self.blobs.path(sha256)

    def list_captures(
        self,
        *,
        purchase_id: int | None = None,
        trash: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[CaptureRecord]:
        """Captures newest first: of one purchase (INBOX for the Inbox), or all; the
        Trash only with `trash`. Word boxes are not loaded (get_capture has them).

        One plain SELECT joined to the purchase title: building ORM objects for every
        row made this 2.5x slower at 10,000 captures (docs/benchmarks.md)."""
        c = Capture.__table__
        p = Purchase.__table__
        cols = [col for col in c.c if col.name not in ("ocr_words", "ocr_at")]
        with self._ro() as s:
            q = select(*cols, p.c.title.label("purchase_title")).select_from(
                c.outerjoin(p, c.c.purchase_id == p.c.id)
            )
            q = q.where(c.c.deleted_at.is_not(None) if trash else c.c.deleted_at.is_(None))
            if purchase_id == INBOX:
                q = q.where(c.c.purchase_id.is_(None))
            elif purchase_id is not None:
                self._get_purchase_row(s, purchase_id)
                q = q.where(c.c.purchase_id == purchase_id)
            q = q.order_by(c.c.captured_at.desc(), c.c.id.desc()).offset(offset)
            if limit is not None:
                q = q.limit(limit)
            out = []
            for row in s.execute(q):
                m = dict(row._mapping)
                m["flags"] = tuple(f for f in (m["flags"] or "").split(",") if f)
                out.append(CaptureRecord(**m))
            return out

    def count_captures(self) -> dict[str, int]:
        with self._ro() as s:
            return {
                "all": int(s.scalar(select(func.count(Capture.id)).where(Capture.deleted_at.is_(None))) or 0),
                "inbox": int(
                    s.scalar(
                        select(func.count(Capture.id)).where(
                            Capture.deleted_at.is_(None), Capture.purchase_id.is_(None)
                        )
                    )
                    or 0
                ),
                "trash": int(
                    s.scalar(select(func.count(Capture.id)).where(Capture.deleted_at.is_not(None))) or 0
                ),
            }

    def _rows(self, s: Session, ids: Iterable[int]) -> list[Capture]:
        rows = []
        for cid in dict.fromkeys(ids):
            rows.append(self._get_capture_row(s, cid))
        if not rows:
            raise InvalidInput("no capture ids given")
        return rows

    def move_captures(self, ids: Iterable[int], purchase_id: int | None) -> list[CaptureRecord]:
        """File captures under `purchase_id` (None = Inbox). All or nothing."""
        with self._tx() as s:
            rows = self._rows(s, ids)
            target = self._resolve_purchase(s, purchase_id)
            for c in rows:
                if c.deleted_at is not None:
                    raise InvalidInput(f"capture {c.id} is in the Trash; restore it first")
            for c in rows:
                if c.purchase_id == target:
                    continue
                old = c.purchase_id
                c.purchase_id = target
                s.flush()
                s.expire(c, ["purchase"])
                self._event(s, "moved", capture_id=c.id, purchase_id=target, **{"from": old, "to": target})
                self._reindex(s, c)
            return [_record_capture(c) for c in rows]

    def set_note(self, capture_id: int, note: str | None, *, expected: Any = _ANY) -> CaptureRecord:
        """Replace a capture's note. With `expected` (the note as the editor last read it),
        refuse with NoteChanged when someone else changed it meanwhile, so that a note
        typed in one window never silently replaces a newer one written elsewhere."""
        clean = clean_text(note, field="note", multiline=True, limit=MAX_NOTE_CHARS)
        with self._tx() as s:
            c = self._get_capture_row(s, capture_id)
            if expected is not _ANY and (c.note or "") != (expected or "") and c.note != clean:
                raise NoteChanged(capture_id, c.note or "")
            if c.note != clean:
                old = c.note
                c.note = clean
                self._event(s, "note_edited", capture_id=c.id, purchase_id=c.purchase_id, old=old, new=clean)
                self._reindex(s, c)
            return _record_capture(c)

    def trash(self, ids: Iterable[int]) -> list[CaptureRecord]:
        """Move captures to the Trash (kept, with their blobs, until the Trash is emptied)."""
        with self._tx() as s:
            rows = self._rows(s, ids)
            for c in rows:
                if c.deleted_at is not None:
                    raise InvalidInput(f"capture {c.id} is already in the Trash")
            now = now_utc()
            for c in rows:
                c.deleted_at = now
                self._event(s, "deleted", capture_id=c.id, purchase_id=c.purchase_id, sha256=c.sha256)
            return [_record_capture(c) for c in rows]

    def restore(self, ids: Iterable[int]) -> list[CaptureRecord]:
        with self._tx() as s:
            rows = self._rows(s, ids)
            for c in rows:
                if c.deleted_at is None:
                    raise InvalidInput(f"capture {c.id} is not in the Trash")
            for c in rows:
                c.deleted_at = None
                self._event(s, "restored", capture_id=c.id, purchase_id=c.purchase_id, sha256=c.sha256)
            return [_record_capture(c) for c in rows]

    def empty_trash(self) -> list[int]:
        """Delete the captures in the Trash for good: rows, index entries and blobs no
        other capture uses. The custody log keeps a 'purged' event for each."""
        doomed: list[str] = []
        with self._tx() as s:
            rows = list(s.scalars(select(Capture).where(Capture.deleted_at.is_not(None))))
            ids = [c.id for c in rows]
            for c in rows:
                self._event(s, "purged", capture_id=c.id, purchase_id=c.purchase_id, sha256=c.sha256)
                search_mod.index_document(s.connection(), c.id, None)
                s.delete(c)
                doomed.append(c.sha256)
            s.flush()
            still_used = set(s.scalars(select(Capture.sha256).where(Capture.sha256.in_(doomed))))
        for sha in set(doomed) - still_used:
            self.blobs.remove(sha)
        return ids

    # ------------------------------------------------------------------ OCR results

    def captures_needing_ocr(self, include_failed: bool = True) -> list[int]:
        statuses = ["pending", "unavailable"] + (["failed"] if include_failed else [])
        with self._ro() as s:
            return list(
                s.scalars(
                    select(Capture.id)
                    .where(Capture.ocr_status.in_(statuses), Capture.deleted_at.is_(None))
                    .order_by(Capture.id)
                )
            )

    def set_ocr_result(self, capture_id: int, ocr: OcrData) -> CaptureRecord:
        words = json.dumps(
            [[w.text, *w.box, round(w.conf, 1)] for w in ocr.words], ensure_ascii=False, separators=(",", ":")
        )
        with self._tx() as s:
            c = self._get_capture_row(s, capture_id)
            redo = c.ocr_status == "done"
            c.ocr_status = "done"
            c.ocr_text = ocr.text
            c.ocr_engine = ocr.engine
            c.ocr_version = ocr.version
            c.ocr_languages = ocr.languages
            c.ocr_confidence = ocr.confidence
            c.ocr_words = words
            c.ocr_error = None
            c.ocr_at = now_utc()
            self._event(
                s,
                "ocr_redone" if redo else "ocr_done",
                capture_id=c.id,
                purchase_id=c.purchase_id,
                engine=ocr.engine,
                version=ocr.version,
                languages=ocr.languages,
                confidence=None if ocr.confidence is None else round(ocr.confidence, 2),
                text_sha256=sha256_bytes(ocr.text.encode("utf-8")),
                characters=len(ocr.text),
                words=len(ocr.words),
            )
            self._reindex(s, c)
            return _record_capture(c)

    def set_ocr_problem(self, capture_id: int, status: str, error: str) -> CaptureRecord:
        """Mark a capture's OCR as `failed` (retryable) or `unavailable` (engine missing)."""
        if status not in ("failed", "unavailable"):
            raise InvalidInput(f"unknown OCR status {status}")
        with self._tx() as s:
            c = self._get_capture_row(s, capture_id)
            if c.ocr_status == "done":
                return _record_capture(c)  # an older text stays searchable
            changed = c.ocr_status != status or c.ocr_error != error
            c.ocr_status = status
            c.ocr_error = error[:2000]
            if changed:
                self._event(s, "ocr_" + status, capture_id=c.id, purchase_id=c.purchase_id, error=error[:500])
            return _record_capture(c)

    # ------------------------------------------------------------------ search

    def _ensure_search_index(self) -> bool:
        with self._ro() as s:
            current = self._get_setting(s, "search_normalizer")
        if current == _INDEX_VERSION:
            return False
        self.rebuild_search_index()
        return True

    def rebuild_search_index(self) -> None:
        with self._tx() as s:
            conn = s.connection()
            search_mod.clear_index(conn)
            for c in s.scalars(select(Capture)).unique():
                search_mod.index_document(conn, c.id, search_mod.build_document(_document_fields(c)))
            self._set_setting(s, "search_normalizer", _INDEX_VERSION)

    def search(
        self,
        query: str,
        *,
        purchase_id: int | None = None,
        merchant_id: int | None = None,
        status: str | None = None,
        ocr_status: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        """Captures matching every term of `query`, best first.

        `query` is literal text. `purchase_id` may be INBOX; `status` is a purchase
        status; `since`/`until` are local dates (or date-times) the user typed."""
        if not isinstance(query, str):
            raise InvalidInput("the search must be text")
        parsed = search_mod.parse_query(query)
        if parsed.empty:
            raise InvalidInput("type a word, a number or some Chinese characters to search for")
        limit = max(1, min(int(limit), 1000))
        where = ["c.deleted_at IS NULL"]
        args: dict[str, Any] = {}
        if purchase_id == INBOX:
            where.append("c.purchase_id IS NULL")
        elif purchase_id is not None:
            where.append("c.purchase_id = :pid")
            args["pid"] = purchase_id
        if merchant_id is not None:
            where.append("p.merchant_id = :mid")
            args["mid"] = merchant_id
        if status:
            where.append("p.status = :status")
            args["status"] = parse_status(status)
        if ocr_status:
            where.append("c.ocr_status = :ocr")
            args["ocr"] = ocr_status
        if since:
            where.append("c.captured_at >= :since")
            args["since"] = local_day_bound_utc(since, end=False, field="--since")
        if until:
            where.append("c.captured_at <= :until")
            args["until"] = local_day_bound_utc(until, end=True, field="--until")
        args["cand"] = max(search_mod.CANDIDATES, limit)
        narrow = purchase_id is not None and purchase_id != INBOX
        with self._ro() as s:
            plan = search_mod.plan_candidates(s.connection(), parsed, narrow=narrow)
            args.update(plan.params)
            conditions = " AND ".join([*where, *plan.checks])
            if plan.table is None:
                sql = (
                    "SELECT c.id, d.body, c.captured_at FROM captures c "
                    "JOIN search_doc d ON d.capture_id = c.id "
                    "LEFT JOIN purchases p ON p.id = c.purchase_id "
                    f"WHERE {conditions} ORDER BY c.id DESC LIMIT :cand"
                )
            else:
                sql = (
                    f"SELECT c.id, d.body, c.captured_at FROM {plan.table} f "
                    "JOIN captures c ON c.id = f.rowid "
                    "JOIN search_doc d ON d.capture_id = c.id "
                    "LEFT JOIN purchases p ON p.id = c.purchase_id "
                    f"WHERE {plan.table} MATCH :m AND {conditions} ORDER BY f.rowid DESC LIMIT :cand"
                )
            rows = s.execute(text(sql), args).all()
            scored = [(search_mod.score_document(body, parsed), at, cid) for cid, body, at in rows]
            # Best score first; among equals, newest first (two stable sorts).
            scored.sort(key=lambda t: (t[1], t[2]), reverse=True)
            scored.sort(key=lambda t: -t[0])
            top = scored[:limit]
            caps = {
                c.id: c
                for c in s.scalars(select(Capture).where(Capture.id.in_([t[2] for t in top]))).unique()
            }
            hits = []
            for score, _at, cid in top:
                c = caps[cid]
                snip, marks, field = self._snippet_for(c, parsed)
                hits.append(
                    SearchHit(
                        capture_id=c.id,
                        purchase_id=c.purchase_id,
                        purchase_title=c.purchase.title if c.purchase else None,
                        sha256=c.sha256,
                        captured_at=c.captured_at,
                        ocr_status=c.ocr_status,
                        snippet=snip,
                        highlights=marks,
                        score=score,
                        field=field,
                    )
                )
            return hits

    @staticmethod
    def _snippet_for(
        c: Capture, parsed: search_mod.ParsedQuery
    ) -> tuple[str, tuple[tuple[int, int], ...], str]:
        p = c.purchase
        m = p.merchant if p else None
        sources: list[tuple[str, str | None]] = [("ocr", c.ocr_text), ("note", c.note)]
        if p is not None:
            meta = [p.title, p.order_no, p.notes]
            if m is not None:
                meta += [getattr(m, f) for f in MERCHANT_TEXT_FIELDS]
            sources.append(("purchase", " · ".join(x for x in meta if x)))
        fallback: tuple[str, tuple[tuple[int, int], ...], str] | None = None
        for field, value in sources:
            if not value:
                continue
            snip, marks = search_mod.snippet(value, parsed)
            if marks:
                return snip, marks, field
            if fallback is None:
                fallback = (snip, (), field)
        return fallback or ("", (), "ocr")

    # ------------------------------------------------------------------ integrity

    def _scan_blobs(self, hash_check: bool) -> Iterator[Problem]:
        with self._ro() as s:
            rows = s.execute(select(Capture.id, Capture.sha256, Capture.bytes).order_by(Capture.id)).all()
        referenced = set()
        for cid, sha, size in rows:
            referenced.add(sha)
            path = self.blobs.path(sha)
            if not path.is_file():
                yield Problem(
                    "missing_blob", f"capture {cid}: its original file is missing ({path})", cid, sha
                )
                continue
            if hash_check:
                state = self.blobs.verify(sha)
            else:
                state = None if path.stat().st_size == size else "mismatch"
            if state == "mismatch":
                yield Problem(
                    "hash_mismatch",
                    f"capture {cid}: its original file no longer matches its SHA-256 ({path})",
                    cid,
                    sha,
                )
        for sha in self.blobs.iter_shas():
            if sha not in referenced:
                yield Problem(
                    "orphan_blob",
                    f"blob {sha} belongs to no capture (the app adopts it into the Inbox when it next starts)",
                    None,
                    sha,
                )

    def check(self) -> CheckReport:
        """Verify every blob against its hash, the custody chain and the search index."""
        problems = list(self._scan_blobs(hash_check=True))
        for msg in self.verify_custody():
            problems.append(Problem("custody", msg))
        with self._ro() as s:
            n_caps = int(s.scalar(select(func.count(Capture.id))) or 0)
            n_events = int(s.scalar(select(func.count(Event.id))) or 0)
            n_docs = int(s.scalar(text("SELECT count(*) FROM search_doc")) or 0)
        if n_docs != n_caps:
            problems.append(
                Problem(
                    "search_index", f"search index covers {n_docs} of {n_caps} captures; it will be rebuilt"
                )
            )
            self.rebuild_search_index()
        for path in self.journal.glob("*.json"):
            problems.append(
                Problem("journal", f"an interrupted capture is waiting to be recovered: {path.name}")
            )
        return CheckReport(n_caps, n_caps, n_events, tuple(problems))
