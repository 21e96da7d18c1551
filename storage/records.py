"""Frozen records that storage hands out: plain data, safe to pass across threads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from .vocabulary import CaptureSource, OcrStatus, Platform, PurchaseStatus

# The stored words as plain strings, in their order of display (storage.vocabulary).
PURCHASE_STATUSES: tuple[str, ...] = tuple(s.value for s in PurchaseStatus)
PLATFORMS: tuple[str, ...] = tuple(p.value for p in Platform)
SOURCES: tuple[str, ...] = tuple(s.value for s in CaptureSource)
OCR_STATUSES: tuple[str, ...] = tuple(s.value for s in OcrStatus)

MERCHANT_FIELDS = (
    "display_name",
    "platform",
    "account_id",
    "phone",
    "real_name",
    "company",
    "credit_code",
    "shop_url",
    "address",
    "notes",
)
#: The fields that identify a seller; a purchase's "completeness" counts these.
MERCHANT_IDENTITY_FIELDS = (
    "account_id",
    "phone",
    "real_name",
    "company",
    "credit_code",
    "shop_url",
    "address",
)
#: The seller's name and identifying fields: what search finds a capture by, and the
#: seller's one-line text fields in the purchase editor.
MERCHANT_TEXT_FIELDS = ("display_name", *MERCHANT_IDENTITY_FIELDS)


@dataclass(frozen=True)
class MerchantRecord:
    id: int
    display_name: str
    platform: str | None = None
    account_id: str | None = None
    phone: str | None = None
    real_name: str | None = None
    company: str | None = None
    credit_code: str | None = None
    shop_url: str | None = None
    address: str | None = None
    notes: str | None = None

    @property
    def missing_identity(self) -> tuple[str, ...]:
        return tuple(f for f in MERCHANT_IDENTITY_FIELDS if not getattr(self, f))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["missing_identity"] = list(self.missing_identity)
        return d


@dataclass(frozen=True)
class PurchaseRecord:
    id: int
    title: str
    merchant: MerchantRecord | None
    order_no: str | None
    amount_minor: int | None
    currency: str
    ordered_at: str | None
    status: str
    notes: str | None
    created_at: str
    updated_at: str
    capture_count: int = 0
    active: bool = False

    @property
    def amount(self) -> str | None:
        """The amount as a decimal string ("128.00"), or None."""
        if self.amount_minor is None:
            return None
        sign = "-" if self.amount_minor < 0 else ""
        units, cents = divmod(abs(self.amount_minor), 100)
        return f"{sign}{units}.{cents:02d}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "merchant": self.merchant.to_dict() if self.merchant else None,
            "order_no": self.order_no,
            "amount": self.amount,
            "amount_minor": self.amount_minor,
            "currency": self.currency,
            "ordered_at": self.ordered_at,
            "status": self.status,
            "notes": self.notes,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "capture_count": self.capture_count,
            "active": self.active,
        }


@dataclass(frozen=True)
class OcrWordBox:
    """One word as read: its text, its box (x0, y0, x1, y1) in the pixels of the image it
    was read from (a document's page rendered at storage.documents.RENDER_SCALE), the
    reader's confidence, and, for a document, its page (0 first; always 0 for an image)."""

    text: str
    box: tuple[int, int, int, int]
    conf: float
    page: int = 0


@dataclass(frozen=True)
class OcrData:
    """What an OCR engine read from a capture, handed to storage as plain data."""

    text: str
    engine: str
    version: str
    languages: str
    confidence: float | None = None
    words: tuple[OcrWordBox, ...] = ()
    #: Invoice facts read with the text (storage.documents.InvoiceFacts.to_dict()), or None.
    facts: Mapping[str, Any] | None = None
    #: What could not be read although the reading is done (a document's scanned pages
    #: when no OCR engine could read them), kept as the capture's ocr_error; None: all read.
    error: str | None = None


def _clean_part(value: object) -> str | None:
    """A recorded detail as kept: text without control characters, trimmed, at most
    MAX_ORIGIN_CHARS; None for nothing (never an empty string)."""
    if value is None:
        return None
    text = "".join(ch if ch.isprintable() else " " for ch in str(value)).strip()
    return text[:MAX_ORIGIN_CHARS] or None


#: Longest window title, application or output name kept (a title can be a whole web page's).
MAX_ORIGIN_CHARS = 500


@dataclass(frozen=True)
class CaptureOrigin:
    """Where a capture's pixels came from, as far as the app could tell when it grabbed
    them; every field is None when it was not recorded (never guessed).

    `app` is the window's application (X11: WM_CLASS's class, else the process name;
    sway: the app_id), `title` its title, `window_class` its X11 WM_CLASS instance and
    class as "instance.Class" (None elsewhere), `output` the screen's or output's name,
    `rect` the captured rectangle in desktop coordinates (x, y, width, height) and
    `backend` what grabbed the pixels ("mss", "grim", "portal")."""

    app: str | None = None
    title: str | None = None
    window_class: str | None = None
    output: str | None = None
    rect: tuple[int, int, int, int] | None = None
    backend: str | None = None

    def cleaned(self) -> CaptureOrigin:
        rect = None
        if self.rect is not None:
            x, y, w, h = (int(v) for v in self.rect)
            rect = (x, y, w, h) if w > 0 and h > 0 else None
        return CaptureOrigin(
            app=_clean_part(self.app),
            title=_clean_part(self.title),
            window_class=_clean_part(self.window_class),
            output=_clean_part(self.output),
            rect=rect,
            backend=_clean_part(self.backend),
        )

    @property
    def empty(self) -> bool:
        return all(
            v is None for v in (self.app, self.title, self.window_class, self.output, self.rect, self.backend)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "app": self.app,
            "title": self.title,
            "window_class": self.window_class,
            "output": self.output,
            "rect": list(self.rect) if self.rect is not None else None,
            "backend": self.backend,
        }


def rect_text(rect: tuple[int, int, int, int] | None) -> str | None:
    """A rectangle as the library keeps it: "X,Y,W,H" (None stays None)."""
    return None if rect is None else ",".join(str(int(v)) for v in rect)


def parse_rect_text(text: str | None) -> tuple[int, int, int, int] | None:
    """The "X,Y,W,H" the library keeps, back as a tuple; None when absent or unreadable."""
    if not text:
        return None
    try:
        x, y, w, h = (int(p) for p in text.split(","))
    except ValueError:
        return None
    return (x, y, w, h)


@dataclass(frozen=True)
class NewCapture:
    """One capture for `Library.bulk_add`: its bytes (PNG/JPEG/WebP/BMP), how and when it
    came in, the purchase it goes to (None: the Inbox) and, when already read, its text."""

    data: bytes = field(repr=False)
    source: str
    captured_at: str | None = None
    utc_offset_min: int | None = None
    source_name: str | None = None
    purchase_id: int | None = None
    note: str | None = None
    ocr: OcrData | None = None
    origin: CaptureOrigin | None = None


@dataclass(frozen=True)
class CaptureRecord:
    id: int
    purchase_id: int | None
    purchase_title: str | None
    sha256: str
    media_type: str
    bytes: int
    width: int
    height: int
    captured_at: str
    utc_offset_min: int
    source: str
    source_name: str | None
    screen_geometry: str | None
    note: str | None
    ocr_status: str
    ocr_text: str | None
    ocr_engine: str | None
    ocr_version: str | None
    ocr_languages: str | None
    ocr_confidence: float | None
    ocr_error: str | None
    flags: tuple[str, ...]
    deleted_at: str | None
    words: tuple[OcrWordBox, ...] = field(default=(), repr=False)
    # Where it came from (CaptureOrigin, flattened as the row keeps it); None: not recorded.
    source_app: str | None = None
    source_title: str | None = None
    source_class: str | None = None
    source_output: str | None = None
    source_rect: str | None = None  # "X,Y,W,H" in desktop coordinates
    source_backend: str | None = None
    #: A long capture's number of frames (0: not a long capture); the frames themselves
    #: are `Library.long_capture_frames(id)`.
    frames: int = 0
    #: The frames' SHA-256 in the recipe's order, when the record was read with them
    #: (`Library.get_capture`, `get_captures`; listings give only the count).
    frame_hashes: tuple[str, ...] = field(default=(), repr=False, compare=False)
    #: A document (PDF, OFD, XML e-invoice, e-mail; storage.documents): its kind ("pdf",
    #: "ofd", "xml", "email"; None for an image), its number of pages (pdf/ofd), why it
    #: cannot be read (kept all the same), its details (DocInfo.info: an e-mail's headers and
    #: attachments, a PDF's page sizes...) and the invoice facts read from it.
    doc_kind: str | None = None
    page_count: int = 0
    doc_problem: str | None = None
    doc_info: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    facts: dict[str, Any] | None = field(default=None, compare=False)
    #: The e-mail capture this one was filed from (an attachment), or None.
    parent_id: int | None = None
    #: The captures filed from this e-mail, by id (read by `Library.get_capture` and
    #: `get_captures`; listings leave it empty).
    attachment_ids: tuple[int, ...] = field(default=(), compare=False)

    @property
    def is_document(self) -> bool:
        """A document (PDF, OFD, XML, e-mail), not an image."""
        return self.doc_kind is not None

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_long(self) -> bool:
        """A long (scrolling) capture: its image was stitched from `frames` frames."""
        return self.frames > 0

    @property
    def origin(self) -> CaptureOrigin:
        return CaptureOrigin(
            app=self.source_app,
            title=self.source_title,
            window_class=self.source_class,
            output=self.source_output,
            rect=parse_rect_text(self.source_rect),
            backend=self.source_backend,
        )

    def to_dict(self, with_words: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "purchase_id": self.purchase_id,
            "purchase_title": self.purchase_title,
            "sha256": self.sha256,
            "media_type": self.media_type,
            "bytes": self.bytes,
            "width": self.width,
            "height": self.height,
            "captured_at": self.captured_at,
            "utc_offset_min": self.utc_offset_min,
            "source": self.source,
            "source_name": self.source_name,
            "origin": self.origin.to_dict(),
            "note": self.note,
            "ocr_status": self.ocr_status,
            "ocr_engine": self.ocr_engine,
            "ocr_version": self.ocr_version,
            "ocr_languages": self.ocr_languages,
            "ocr_confidence": self.ocr_confidence,
            "ocr_error": self.ocr_error,
            "ocr_text": self.ocr_text,
            "flags": list(self.flags),
            "in_trash": self.in_trash,
            "deleted_at": self.deleted_at,
            "frame_count": self.frames,
            "doc_kind": self.doc_kind,
            "page_count": self.page_count,
            "doc_problem": self.doc_problem,
            "doc_info": self.doc_info,
            "facts": self.facts,
            "parent_id": self.parent_id,
            "attachment_ids": list(self.attachment_ids),
        }
        if with_words:
            d["words"] = [[w.text, *w.box, w.conf, *((w.page,) if w.page else ())] for w in self.words]
        return d


@dataclass(frozen=True)
class FrameRecord:
    """One frame of a long capture: an original (its own blob, named by the SHA-256 of its
    PNG file), `position` its index in the recipe (0 first), `y` where its row 0 lies in the
    long image."""

    capture_id: int
    position: int
    sha256: str
    bytes: int
    width: int
    height: int
    y: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EventRecord:
    id: int
    at: str
    kind: str
    capture_id: int | None
    purchase_id: int | None
    data: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SearchHit:
    capture_id: int
    purchase_id: int | None
    purchase_title: str | None
    sha256: str
    captured_at: str
    ocr_status: str
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    score: float
    # Where the snippet comes from: "ocr", "note", "window", "document" (an e-mail's headers
    # and attachment names, an attachment's e-mail's subject) or "purchase".
    field: str

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["highlights"] = [list(h) for h in self.highlights]
        return d


@dataclass(frozen=True)
class Problem:
    kind: str  # "missing_blob", "hash_mismatch", "orphan_blob", "custody", ...
    message: str
    capture_id: int | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class OpenReport:
    """What opening the library found and did."""

    backup: str | None
    recovered: tuple[int, ...]
    problems: tuple[Problem, ...]
    reindexed: bool


@dataclass(frozen=True)
class CheckReport:
    captures: int
    blobs_checked: int
    events: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems
