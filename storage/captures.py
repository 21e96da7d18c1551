"""Captures as rows: making one (the single place a capture row and the custody event
that says where it came from are written), filing, notes, the Trash, listings, counts
and OCR results.

Functions work in the caller's session, inside the transaction `Library` opened, and
append the custody event each change calls for; each change that alters what a capture
is found by rewrites its search document in the same transaction. The blob itself is
written by the caller before the transaction (ADR 003); this module never touches files
except to say, after emptying the Trash, which blobs nothing uses any more.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import func, select
from sqlalchemy import insert as sql_insert
from sqlalchemy.orm import Session, object_session

from . import custody_log
from . import search as search_mod
from .blobs import sha256_bytes
from .custody_log import fresh_id
from .errors import InvalidInput, NoteChanged, NotFound
from .images import ImageInfo, probe_image
from .models import Capture, CaptureFrame, Purchase
from .purchases import INBOX, get_purchase_row, resolve
from .records import SOURCES, CaptureOrigin, CaptureRecord, FrameRecord, OcrData, OcrWordBox, rect_text
from .values import MAX_NOTE_CHARS, clean_text, iso_utc, local_offset_minutes, now_utc
from .vocabulary import CaptureSource, OcrStatus

if TYPE_CHECKING:
    from .documents import DocInfo

#: set_note's `expected` when the caller does not care what the note was.
ANY_NOTE: Any = object()
#: The flag of a capture adopted after a crash (flags are warnings shown with a capture).
RECOVERED_FLAG = "recovered"

# ---------------------------------------------------------------------------- records and rows


def _words_from_json(raw: str | None) -> tuple[OcrWordBox, ...]:
    """Stored word boxes: [text, x0, y0, x1, y1, conf] rows, with a 7th element, the page,
    for a document's words past its first page."""
    if not raw:
        return ()
    out = []
    for w in json.loads(raw):
        page = int(w[6]) if len(w) > 6 else 0
        out.append(OcrWordBox(str(w[0]), (int(w[1]), int(w[2]), int(w[3]), int(w[4])), float(w[5]), page))
    return tuple(out)


def _json_dict(raw: str | None) -> dict[str, Any] | None:
    """A JSON object column (doc_info, facts) as a dict; None when empty or unreadable."""
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def attachment_ids(s: Session, capture_id: int) -> tuple[int, ...]:
    """The captures filed from e-mail `capture_id` (its attachments), by id."""
    return tuple(s.scalars(select(Capture.id).where(Capture.parent_id == capture_id).order_by(Capture.id)))


def record_capture(c: Capture, with_words: bool = False) -> CaptureRecord:
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
        source=str(c.source),
        source_name=c.source_name,
        screen_geometry=c.screen_geometry,
        note=c.note,
        ocr_status=str(c.ocr_status),
        ocr_text=c.ocr_text,
        ocr_engine=c.ocr_engine,
        ocr_version=c.ocr_version,
        ocr_languages=c.ocr_languages,
        ocr_confidence=c.ocr_confidence,
        ocr_error=c.ocr_error,
        flags=tuple(f for f in (c.flags or "").split(",") if f),
        deleted_at=c.deleted_at,
        words=_words_from_json(c.ocr_words) if with_words else (),
        source_app=c.source_app,
        source_title=c.source_title,
        source_class=c.source_class,
        source_output=c.source_output,
        source_rect=c.source_rect,
        source_backend=c.source_backend,
        frames=c.frame_count or 0,
        frame_hashes=tuple(f.sha256 for f in c.frame_rows) if c.frame_count else (),
        doc_kind=c.doc_kind,
        page_count=c.page_count or 0,
        doc_problem=c.doc_problem,
        doc_info=_json_dict(c.doc_info),
        facts=_json_dict(c.facts),
        parent_id=c.parent_id,
        attachment_ids=_attachments_of(c),
    )


def _attachments_of(c: Capture) -> tuple[int, ...]:
    if c.doc_kind != "email":
        return ()
    s = object_session(c)
    return attachment_ids(s, c.id) if s is not None else ()


def get_row(s: Session, capture_id: int) -> Capture:
    c = s.get(Capture, capture_id)
    if c is None:
        raise NotFound(f"there is no capture {capture_id}")
    return c


def _rows(s: Session, ids: Iterable[int]) -> list[Capture]:
    rows = [get_row(s, cid) for cid in dict.fromkeys(ids)]
    if not rows:
        raise InvalidInput("no capture ids given")
    return rows


# ---------------------------------------------------------------------------- making a capture


@dataclass(frozen=True)
class KeptFrame:
    """A long capture's frame as kept: the SHA-256 of its PNG, its size, its `y` in the
    long image (storage.long_captures checks them against the recipe)."""

    sha256: str
    bytes: int
    width: int
    height: int
    y: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "bytes": self.bytes,
            "width": self.width,
            "height": self.height,
            "y": self.y,
        }


@dataclass(frozen=True)
class LongParts:
    """What makes a capture a long one: its recipe (canonical JSON, `Recipe.to_json()`),
    the recipe's SHA-256 and the frames in the recipe's order."""

    recipe_json: str
    recipe_sha256: str
    frames: tuple[KeptFrame, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"recipe": self.recipe_json, "frames": [f.to_dict() for f in self.frames]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LongParts:
        recipe = str(data["recipe"])
        frames = tuple(
            KeptFrame(str(f["sha256"]), int(f["bytes"]), int(f["width"]), int(f["height"]), int(f["y"]))
            for f in data["frames"]
        )
        return cls(recipe, sha256_bytes(recipe.encode("utf-8")), frames)


@dataclass(frozen=True)
class Kept:
    """What is known of a capture whose bytes are (about to be) in the blob store: the
    image, how it came in, and where it should be filed."""

    sha256: str
    image: ImageInfo
    size: int
    captured_at: str
    utc_offset_min: int
    source: str
    source_name: str | None = None
    note: str | None = None
    purchase_id: int | None = None
    screen_geometry: str | None = None
    flags: Sequence[str] = ()
    #: Extra details for the custody event (an imported file's own modification time).
    details: dict[str, Any] | None = None
    #: Where the pixels came from (cleaned; None: nothing recorded).
    origin: CaptureOrigin | None = None
    #: A long capture's recipe and frames (None: an ordinary capture).
    long: LongParts | None = None
    #: A document's details (storage.documents.DocInfo; None: an image). `image` then
    #: holds the document's media type and its first page's size (0x0 when none).
    doc: DocInfo | None = None
    #: The e-mail capture an attachment was filed from (None: not an attachment).
    parent_id: int | None = None


def probe(
    data: bytes, name: str, *, file_name: str | None = None, decode: bool = True
) -> tuple[ImageInfo, DocInfo | None]:
    """What `data` is: a document (PDF, OFD, XML, e-mail; storage.documents.sniff, then
    probe_document, which raises BadDocument) or else an image (probe_image, which raises
    BadImage). `file_name` (the file's own name) helps tell an XML file from text."""
    from .documents import DOCUMENT_SUFFIXES, probe_document, sniff

    kind = sniff(data, file_name)
    suffix = ("." + file_name.rsplit(".", 1)[-1].lower()) if file_name and "." in file_name else ""
    if kind is None and suffix not in DOCUMENT_SUFFIXES:
        return probe_image(data, name, decode=decode), None
    # A document, or a file named as one that is not (probe_document says what it is not).
    doc = probe_document(data, (file_name or "the document") if name == "the image" else name)
    return ImageInfo(doc.media_type, doc.width, doc.height), doc


def prepare(
    data: bytes,
    *,
    source: str,
    purchase_id: int | None = None,
    note: str | None = None,
    captured_at: str | None = None,
    utc_offset_min: int | None = None,
    source_name: str | None = None,
    file_modified_at: str | None = None,
    screen_geometry: str | None = None,
    flags: Sequence[str] = (),
    name: str = "the image",
    decode: bool = True,
    origin: CaptureOrigin | None = None,
    parent_id: int | None = None,
) -> Kept:
    """Check and clean what a caller gives for a new capture (Library.add_capture's
    arguments) before anything is written: a known source, a complete image (`decode`:
    decoded in full, else its header only) or a complete, safe document (`probe`), a clean
    note and source name, a file time with a zone, an origin's text without control
    characters. Missing times are now and this machine's offset. Whether `parent_id` is an
    e-mail is checked in the transaction that writes the row (`check_parent`)."""
    if source not in SOURCES:
        raise InvalidInput(f"unknown capture source {source}")
    source_name = clean_text(source_name, field="source name")
    info, doc = probe(data, name, file_name=source_name, decode=decode)
    note = clean_text(note, field="note", multiline=True, limit=MAX_NOTE_CHARS)
    if parent_id is not None and source != CaptureSource.ATTACHMENT:
        raise InvalidInput("only an attachment (source attachment) is filed from an e-mail")
    details: dict[str, Any] = {}
    if file_modified_at is not None:
        try:
            mtime = datetime.fromisoformat(file_modified_at)
        except (TypeError, ValueError):
            raise InvalidInput(f"file time {file_modified_at!r} is not an ISO 8601 time") from None
        if mtime.tzinfo is None:
            raise InvalidInput(f"file time {file_modified_at!r} has no time zone")
        details["file_modified_at"] = iso_utc(mtime)
    return Kept(
        sha256=sha256_bytes(data),
        image=info,
        size=len(data),
        captured_at=captured_at or now_utc(),
        utc_offset_min=local_offset_minutes() if utc_offset_min is None else utc_offset_min,
        source=source,
        source_name=source_name,
        note=note,
        purchase_id=purchase_id,
        screen_geometry=screen_geometry,
        flags=tuple(flags),
        details=details,
        origin=_clean_origin(origin),
        doc=doc,
        parent_id=parent_id,
    )


def check_parent(s: Session, parent_id: int | None) -> None:
    """An attachment's e-mail must be a capture of this library that is an e-mail."""
    if parent_id is None:
        return
    parent = s.get(Capture, parent_id)
    if parent is None:
        raise InvalidInput(f"there is no capture {parent_id} to file an attachment from")
    if parent.doc_kind != "email":
        raise InvalidInput(
            f"capture {parent_id} is not an e-mail; only an e-mail's attachments are filed from it"
        )


def _clean_origin(origin: CaptureOrigin | None) -> CaptureOrigin | None:
    if origin is None:
        return None
    try:
        cleaned = origin.cleaned()
    except (TypeError, ValueError):
        raise InvalidInput(f"the capture's rectangle {origin.rect!r} is not four whole numbers") from None
    return None if cleaned.empty else cleaned


def _columns(capture_id: int, kept: Kept, adopted: bool) -> dict[str, Any]:
    """The new row's columns. An adopted capture goes to the Inbox, flagged."""
    return {
        "id": capture_id,
        "purchase_id": None if adopted else kept.purchase_id,
        "sha256": kept.sha256,
        "media_type": kept.image.media_type,
        "bytes": kept.size,
        "width": kept.image.width,
        "height": kept.image.height,
        "captured_at": kept.captured_at,
        "utc_offset_min": kept.utc_offset_min,
        "source": kept.source,
        "source_name": kept.source_name,
        "screen_geometry": kept.screen_geometry,
        "note": kept.note,
        "ocr_status": OcrStatus.PENDING,
        "flags": ",".join((RECOVERED_FLAG,) if adopted else kept.flags) or None,
        **_origin_columns(kept.origin),
        "recipe": kept.long.recipe_json if kept.long else None,
        "frame_count": len(kept.long.frames) if kept.long else None,
        **_doc_columns(kept),
    }


def _doc_columns(kept: Kept) -> dict[str, Any]:
    """A document's columns (all None for an image). One that cannot be read (a
    password-protected PDF) is marked failed at once, its problem as the OCR error, so
    nothing queues it for reading."""
    doc = kept.doc
    if doc is None:
        return {"parent_id": kept.parent_id}
    cols: dict[str, Any] = {
        "doc_kind": doc.kind,
        "page_count": doc.pages,
        "doc_info": _dumps(doc.info),
        "doc_problem": doc.problem,
        "parent_id": kept.parent_id,
    }
    if doc.problem:
        cols["ocr_status"] = OcrStatus.FAILED
        cols["ocr_error"] = doc.problem[:2000]
    return cols


def _doc_event_data(kept: Kept) -> dict[str, Any]:
    """A document's event says what it is (kind, pages, problem) and, for an attachment,
    which e-mail it was filed from (compatible additions: images' events have neither)."""
    out: dict[str, Any] = {}
    if kept.doc is not None:
        out["document"] = {"kind": kept.doc.kind, "pages": kept.doc.pages, "problem": kept.doc.problem}
    if kept.parent_id is not None:
        out["parent_capture_id"] = kept.parent_id
    return out


def _origin_columns(origin: CaptureOrigin | None) -> dict[str, Any]:
    o = origin or CaptureOrigin()
    return {
        "source_app": o.app,
        "source_title": o.title,
        "source_class": o.window_class,
        "source_output": o.output,
        "source_rect": rect_text(o.rect),
        "source_backend": o.backend,
    }


def _origin_event(capture_id: int, kept: Kept, adopted: bool) -> custody_log.NewEvent:
    """The custody event that says where a new capture came from.

    A capture kept now gets a `captured` (or `imported`) event that describes it in full.
    One adopted after a crash gets a `recovered` event naming the purchase it was meant
    for (`kept.purchase_id`), so the user can file it there."""
    if adopted:
        return custody_log.NewEvent(
            "recovered",
            capture_id,
            None,
            {
                "sha256": kept.sha256,
                "bytes": kept.size,
                "intended_purchase_id": kept.purchase_id,
                "captured_at": kept.captured_at,
                "source": kept.source,
                **_long_event_data(kept.long),
                **_doc_event_data(kept),
            },
        )
    return custody_log.NewEvent(
        "imported" if kept.source in (CaptureSource.IMPORT, CaptureSource.ATTACHMENT) else "captured",
        capture_id,
        kept.purchase_id,
        {
            "sha256": kept.sha256,
            "bytes": kept.size,
            "width": kept.image.width,
            "height": kept.image.height,
            "media_type": kept.image.media_type,
            "source": kept.source,
            "source_name": kept.source_name,
            "captured_at": kept.captured_at,
            "utc_offset_min": kept.utc_offset_min,
            "note": kept.note,
            **(kept.details or {}),
            # Where the pixels came from, when anything was recorded (a compatible addition:
            # events of earlier captures have no "origin").
            **({"origin": kept.origin.to_dict()} if kept.origin is not None else {}),
            **_long_event_data(kept.long),
            **_doc_event_data(kept),
        },
    )


def _long_event_data(long: LongParts | None) -> dict[str, Any]:
    """A long capture's event names its frames (their SHA-256, in the recipe's order) and
    the recipe's SHA-256 (a compatible addition: other events have neither)."""
    if long is None:
        return {}
    return {"frames": [f.sha256 for f in long.frames], "recipe_sha256": long.recipe_sha256}


def add(s: Session, kept: Kept, *, adopted: bool = False) -> Capture:
    """Write a capture's row, the custody event that says where it came from, and its
    search document: the one way a capture comes into the library, whether kept now
    (Library.add_capture) or `adopted` after a crash (its blob was written, its row never
    committed: recovery.adopt). `add_many` writes the same rows and events in bulk."""
    c = Capture(**_columns(fresh_id(s, Capture), kept, adopted))
    s.add(c)
    s.flush()
    s.refresh(c)
    if kept.long is not None:
        s.add_all(
            CaptureFrame(
                capture_id=c.id,
                position=n,
                sha256=f.sha256,
                bytes=f.bytes,
                width=f.width,
                height=f.height,
                y=f.y,
            )
            for n, f in enumerate(kept.long.frames)
        )
        s.flush()
    custody_log.append_events(s, [_origin_event(c.id, kept, adopted)])
    search_mod.reindex_capture(s, c)
    return c


def add_many(s: Session, batch: Sequence[tuple[Kept, OcrData | None]]) -> list[int]:
    """Write many new captures at once, each with its text already read (or None): the
    rows, events and documents `add` then `set_ocr_result` would write, made by the same
    functions, in three large statements instead of a transaction each (Library.bulk_add).
    Returns the new ids, in order."""
    first = fresh_id(s, Capture)
    filed: dict[int, Purchase] = {}
    rows: list[dict[str, Any]] = []
    events: list[custody_log.NewEvent] = []
    docs: list[tuple[int, str]] = []
    for n, (kept, ocr) in enumerate(batch):
        if kept.long is not None:
            raise InvalidInput("long captures are added one by one (Library.add_long_capture)")
        if kept.doc is not None:
            raise InvalidInput("documents are added one by one (Library.add_capture)")
        cid = first + n
        p = None
        if kept.purchase_id is not None:
            p = filed.get(kept.purchase_id) or get_purchase_row(s, kept.purchase_id)
            filed[p.id] = p
        row = _columns(cid, kept, adopted=False)
        events.append(_origin_event(cid, kept, adopted=False))
        if ocr is not None:
            row.update(ocr_columns(ocr, words_json(ocr)))
            events.append(custody_log.NewEvent("ocr_done", cid, kept.purchase_id, ocr_event_data(ocr)))
        rows.append(row)
        origin = kept.origin or CaptureOrigin()
        fields = search_mod.document_fields(ocr.text if ocr else None, kept.note, p, origin.title, origin.app)
        docs.append((cid, search_mod.build_document(fields)))
    if rows:
        s.execute(sql_insert(Capture), rows)
        custody_log.append_events(s, events)
        search_mod.index_documents(s.connection(), docs)
    return [first + n for n in range(len(rows))]


# ---------------------------------------------------------------------------- reading


def frames_of(s: Session, capture_id: int) -> list[FrameRecord]:
    """A long capture's frames in the recipe's order (none for an ordinary capture)."""
    get_row(s, capture_id)
    rows = s.scalars(
        select(CaptureFrame).where(CaptureFrame.capture_id == capture_id).order_by(CaptureFrame.position)
    )
    return [FrameRecord(f.capture_id, f.position, f.sha256, f.bytes, f.width, f.height, f.y) for f in rows]


def recipe_of(s: Session, capture_id: int) -> str | None:
    """A long capture's recipe JSON (None for an ordinary capture)."""
    get_row(s, capture_id)
    return s.scalar(select(Capture.recipe).where(Capture.id == capture_id))


def find_by_sha(s: Session, sha256: str, include_trash: bool = False) -> CaptureRecord | None:
    q = select(Capture).where(Capture.sha256 == sha256).order_by(Capture.id)
    if not include_trash:
        q = q.where(Capture.deleted_at.is_(None))
    c = s.scalars(q.limit(1)).first()
    return record_capture(c) if c else None


def get_captures(s: Session, ids: Sequence[int]) -> list[CaptureRecord]:
    """Several captures in one query, in the order of `ids` (unknown ids skipped)."""
    rows = {c.id: c for c in s.scalars(select(Capture).where(Capture.id.in_(list(ids)))).unique()}
    return [record_capture(rows[i]) for i in ids if i in rows]


def list_captures(
    s: Session, *, purchase_id: int | None, trash: bool, limit: int | None, offset: int
) -> list[CaptureRecord]:
    """Captures newest first: of one purchase (INBOX for the Inbox), or all; the
    Trash only with `trash`. Word boxes are not loaded (get_capture has them).

    One plain SELECT joined to the purchase title: building ORM objects for every
    row made this 2.5x slower at 10,000 captures (docs/benchmarks.md)."""
    c = Capture.__table__
    p = Purchase.__table__
    cols = [col for col in c.c if col.name not in ("ocr_words", "ocr_at", "recipe")]
    q = select(*cols, p.c.title.label("purchase_title")).select_from(
        c.outerjoin(p, c.c.purchase_id == p.c.id)
    )
    q = q.where(c.c.deleted_at.is_not(None) if trash else c.c.deleted_at.is_(None))
    if purchase_id == INBOX:
        q = q.where(c.c.purchase_id.is_(None))
    elif purchase_id is not None:
        get_purchase_row(s, purchase_id)
        q = q.where(c.c.purchase_id == purchase_id)
    q = q.order_by(c.c.captured_at.desc(), c.c.id.desc()).offset(offset)
    if limit is not None:
        q = q.limit(limit)
    out = []
    for row in s.execute(q):
        m = dict(row._mapping)
        m["flags"] = tuple(f for f in (m["flags"] or "").split(",") if f)
        m["frames"] = m.pop("frame_count") or 0
        m["page_count"] = m["page_count"] or 0
        m["facts"] = _json_dict(m["facts"])
        m["doc_info"] = _json_dict(m["doc_info"])
        out.append(CaptureRecord(**m))
    return out


def count_captures(s: Session) -> dict[str, int]:
    def count(*where: Any) -> int:
        return int(s.scalar(select(func.count(Capture.id)).where(*where)) or 0)

    return {
        "all": count(Capture.deleted_at.is_(None)),
        "inbox": count(Capture.deleted_at.is_(None), Capture.purchase_id.is_(None)),
        "trash": count(Capture.deleted_at.is_not(None)),
    }


# ---------------------------------------------------------------------------- changing


def move_captures(s: Session, ids: Iterable[int], purchase_id: int | None) -> list[CaptureRecord]:
    """File captures under `purchase_id` (None = Inbox). All or nothing: a capture in the
    Trash refuses the whole move."""
    rows = _rows(s, ids)
    target = resolve(s, purchase_id)
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
        custody_log.append(s, "moved", capture_id=c.id, purchase_id=target, **{"from": old, "to": target})
        search_mod.reindex_capture(s, c)
    return [record_capture(c) for c in rows]


def set_note(s: Session, capture_id: int, clean: str | None, expected: Any = ANY_NOTE) -> CaptureRecord:
    """Replace a capture's note with `clean` (already cleaned). With `expected` (the note
    as the editor last read it), refuse with NoteChanged when someone else changed it
    meanwhile, so that a note typed in one window never silently replaces a newer one
    written elsewhere (ADR 005)."""
    c = get_row(s, capture_id)
    if expected is not ANY_NOTE and (c.note or "") != (expected or "") and c.note != clean:
        raise NoteChanged(capture_id, c.note or "")
    if c.note != clean:
        old = c.note
        c.note = clean
        custody_log.append(s, "note_edited", capture_id=c.id, purchase_id=c.purchase_id, old=old, new=clean)
        search_mod.reindex_capture(s, c)
    return record_capture(c)


def trash(s: Session, ids: Iterable[int]) -> list[CaptureRecord]:
    """Move captures to the Trash (kept, with their blobs, until the Trash is emptied)."""
    rows = _rows(s, ids)
    for c in rows:
        if c.deleted_at is not None:
            raise InvalidInput(f"capture {c.id} is already in the Trash")
    now = now_utc()
    for c in rows:
        c.deleted_at = now
        custody_log.append(s, "deleted", capture_id=c.id, purchase_id=c.purchase_id, sha256=c.sha256)
    return [record_capture(c) for c in rows]


def restore(s: Session, ids: Iterable[int]) -> list[CaptureRecord]:
    rows = _rows(s, ids)
    for c in rows:
        if c.deleted_at is None:
            raise InvalidInput(f"capture {c.id} is not in the Trash")
    for c in rows:
        c.deleted_at = None
        custody_log.append(s, "restored", capture_id=c.id, purchase_id=c.purchase_id, sha256=c.sha256)
    return [record_capture(c) for c in rows]


def empty_trash(s: Session) -> tuple[list[int], set[str]]:
    """Delete the captures in the Trash for good: rows and index entries. The custody log
    keeps a 'purged' event for each. Returns (their ids, the blobs no capture uses any
    more), the blobs for the caller to remove once this transaction has committed."""
    rows = list(s.scalars(select(Capture).where(Capture.deleted_at.is_not(None))))
    ids = [c.id for c in rows]
    doomed: list[str] = []
    for c in rows:
        frames = list(
            s.scalars(
                select(CaptureFrame.sha256)
                .where(CaptureFrame.capture_id == c.id)
                .order_by(CaptureFrame.position)
            )
        )
        # A long capture's frames go with it; the event names them, so that a frame blob
        # left by a crash after this commit is removed, not adopted (recovery.adopt_orphans).
        extra = {"frames": frames} if frames else {}
        custody_log.append(s, "purged", capture_id=c.id, purchase_id=c.purchase_id, sha256=c.sha256, **extra)
        search_mod.index_document(s.connection(), c.id, None)
        s.execute(sql_delete(CaptureFrame).where(CaptureFrame.capture_id == c.id))
        s.delete(c)
        doomed.append(c.sha256)
        doomed.extend(frames)
    s.flush()
    still_used = set(s.scalars(select(Capture.sha256).where(Capture.sha256.in_(doomed))))
    still_used |= set(s.scalars(select(CaptureFrame.sha256).where(CaptureFrame.sha256.in_(doomed))))
    return ids, set(doomed) - still_used


# ---------------------------------------------------------------------------- OCR results


def needing_ocr(s: Session, include_failed: bool = True) -> list[int]:
    """Captures whose text is still to be read (outside the Trash), oldest first. A
    document that cannot be read (doc_problem) never is."""
    statuses = [OcrStatus.PENDING, OcrStatus.UNAVAILABLE] + ([OcrStatus.FAILED] if include_failed else [])
    return list(
        s.scalars(
            select(Capture.id)
            .where(
                Capture.ocr_status.in_(statuses), Capture.deleted_at.is_(None), Capture.doc_problem.is_(None)
            )
            .order_by(Capture.id)
        )
    )


def words_json(ocr: OcrData) -> str:
    """Word boxes as stored: [[text, x0, y0, x1, y1, conf], ...], confidence to 0.1; a
    document's word past its first page has a 7th element, its page (0 first)."""
    return json.dumps(
        [[w.text, *w.box, round(w.conf, 1), *((int(w.page),) if w.page else ())] for w in ocr.words],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def ocr_event_data(ocr: OcrData) -> dict[str, Any]:
    """What the custody log keeps of a reading: the engine and a hash of the text, not the text."""
    return {
        "engine": ocr.engine,
        "version": ocr.version,
        "languages": ocr.languages,
        "confidence": None if ocr.confidence is None else round(ocr.confidence, 2),
        "text_sha256": sha256_bytes(ocr.text.encode("utf-8")),
        "characters": len(ocr.text),
        "words": len(ocr.words),
        # Invoice facts read with the text (a compatible addition: absent when none).
        **({"facts": dict(ocr.facts)} if ocr.facts else {}),
        # What could not be read (a document's scanned pages with no engine): absent when all was.
        **({"not_read": ocr.error} if ocr.error else {}),
    }


def ocr_columns(ocr: OcrData, words: str) -> dict[str, Any]:
    """A reading (with its word boxes as `words_json` gave them) as the row keeps it."""
    return {
        "ocr_status": OcrStatus.DONE,
        "ocr_text": ocr.text,
        "ocr_engine": ocr.engine,
        "ocr_version": ocr.version,
        "ocr_languages": ocr.languages,
        "ocr_confidence": ocr.confidence,
        "ocr_words": words,
        "ocr_error": ocr.error,
        "ocr_at": now_utc(),
        "facts": _dumps(dict(ocr.facts)) if ocr.facts else None,
    }


def set_ocr_result(s: Session, capture_id: int, ocr: OcrData, words: str) -> CaptureRecord:
    """Keep what OCR read (`words` from `words_json`, made before the transaction); a
    second reading replaces the first and is logged as `ocr_redone`."""
    c = get_row(s, capture_id)
    redo = c.ocr_status == OcrStatus.DONE
    for column, value in ocr_columns(ocr, words).items():
        setattr(c, column, value)
    custody_log.append(
        s,
        "ocr_redone" if redo else "ocr_done",
        capture_id=c.id,
        purchase_id=c.purchase_id,
        **ocr_event_data(ocr),
    )
    search_mod.reindex_capture(s, c)
    return record_capture(c)


def set_ocr_problem(s: Session, capture_id: int, status: str, error: str) -> CaptureRecord:
    """Mark a capture's OCR as `failed` (retryable) or `unavailable` (engine missing).
    A capture already read keeps its text, which stays searchable."""
    c = get_row(s, capture_id)
    if c.ocr_status == OcrStatus.DONE:
        return record_capture(c)
    changed = c.ocr_status != status or c.ocr_error != error
    c.ocr_status = status
    c.ocr_error = error[:2000]
    if changed:
        custody_log.append(s, "ocr_" + status, capture_id=c.id, purchase_id=c.purchase_id, error=error[:500])
    return record_capture(c)
