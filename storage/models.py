"""SQLAlchemy 2.0 models of the library database (ARCHITECTURE.md §3).

These rows never leave the storage package: the service in `library.py` turns them
into frozen records. The search tables are FTS5 virtual tables created by the
migrations and maintained in `search.py`, so they have no model here.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column, relationship

from .vocabulary import OcrStatus, PurchaseStatus


class Base(DeclarativeBase):
    pass


class Merchant(Base):
    __tablename__ = "merchants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    display_name: Mapped[str] = mapped_column(Text)
    platform: Mapped[str | None] = mapped_column(String(32))
    account_id: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    real_name: Mapped[str | None] = mapped_column(Text)
    company: Mapped[str | None] = mapped_column(Text)
    credit_code: Mapped[str | None] = mapped_column(Text)
    shop_url: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[str] = mapped_column(String(32))


class Purchase(Base):
    __tablename__ = "purchases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    merchant_id: Mapped[int | None] = mapped_column(ForeignKey("merchants.id", ondelete="SET NULL"))
    order_no: Mapped[str | None] = mapped_column(Text)
    amount_minor: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    ordered_at: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=PurchaseStatus.OPEN)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[str] = mapped_column(String(32))

    merchant: Mapped[Merchant | None] = relationship(lazy="joined")


class Capture(Base):
    __tablename__ = "captures"
    __table_args__ = (
        Index("ix_captures_purchase", "purchase_id", "captured_at"),
        Index("ix_captures_sha256", "sha256"),
        Index("ix_captures_captured_at", "captured_at"),
        Index("ix_captures_ocr_status", "ocr_status"),
        Index("ix_captures_parent", "parent_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    purchase_id: Mapped[int | None] = mapped_column(ForeignKey("purchases.id", ondelete="SET NULL"))
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(32))
    bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    # ISO 8601 UTC with a Z, and the local offset from UTC in minutes at capture time.
    captured_at: Mapped[str] = mapped_column(String(32))
    utc_offset_min: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(16))
    source_name: Mapped[str | None] = mapped_column(Text)
    screen_geometry: Mapped[str | None] = mapped_column(Text)
    # Where the pixels came from (migration 0003), each NULL when not recorded: the window's
    # application and title and its class (X11 WM_CLASS), the output, the rectangle in
    # desktop coordinates ("X,Y,W,H") and the grab backend ("mss", "grim", "portal").
    source_app: Mapped[str | None] = mapped_column(Text)
    source_title: Mapped[str | None] = mapped_column(Text)
    source_class: Mapped[str | None] = mapped_column(Text)
    source_output: Mapped[str | None] = mapped_column(Text)
    source_rect: Mapped[str | None] = mapped_column(Text)
    source_backend: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    ocr_status: Mapped[str] = mapped_column(String(16), default=OcrStatus.PENDING)
    ocr_text: Mapped[str | None] = mapped_column(Text)
    ocr_engine: Mapped[str | None] = mapped_column(String(32))
    ocr_version: Mapped[str | None] = mapped_column(String(32))
    ocr_languages: Mapped[str | None] = mapped_column(String(64))
    ocr_confidence: Mapped[float | None]
    # JSON [[text, x0, y0, x1, y1, conf], ...]; a 7th element is the page (documents, page > 0).
    ocr_words: Mapped[str | None] = mapped_column(Text)
    ocr_error: Mapped[str | None] = mapped_column(Text)
    ocr_at: Mapped[str | None] = mapped_column(String(32))
    flags: Mapped[str | None] = mapped_column(Text)  # comma-separated warnings, e.g. "uniform"
    deleted_at: Mapped[str | None] = mapped_column(String(32))
    # A long capture (migration 0004): its recipe (storage.stitched.Recipe JSON; loaded only
    # when asked for) and how many frames it has (rows of CaptureFrame). NULL otherwise.
    recipe: Mapped[str | None] = deferred(mapped_column(Text))
    frame_count: Mapped[int | None] = mapped_column(Integer)
    # A document (migration 0005; NULL for images): its kind ("pdf", "ofd", "xml", "email"),
    # page count, details (JSON of DocInfo.info), why it cannot be read, the invoice facts
    # read from it (JSON of InvoiceFacts.to_dict()) and, for an attachment, its e-mail's id.
    doc_kind: Mapped[str | None] = mapped_column(String(16))
    page_count: Mapped[int | None] = mapped_column(Integer)
    doc_info: Mapped[str | None] = mapped_column(Text)
    doc_problem: Mapped[str | None] = mapped_column(Text)
    facts: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(Integer)

    purchase: Mapped[Purchase | None] = relationship(lazy="joined")
    # A long capture's frames, loaded only when read (record_capture, for long captures).
    frame_rows: Mapped[list[CaptureFrame]] = relationship(
        lazy="select", order_by="CaptureFrame.position", viewonly=True
    )


class CaptureFrame(Base):
    """One frame of a long capture, an original kept as its own blob (migration 0004).
    Frames are not captures: they are listed only with the long capture they belong to."""

    __tablename__ = "capture_frames"
    __table_args__ = (Index("ix_capture_frames_sha256", "sha256"),)

    capture_id: Mapped[int] = mapped_column(ForeignKey("captures.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)  # its index in the recipe
    sha256: Mapped[str] = mapped_column(String(64))  # of the frame's PNG file
    bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    y: Mapped[int] = mapped_column(Integer)  # where its row 0 lies in the long image


class Event(Base):
    """One entry of the append-only, hash-chained custody log."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_capture", "capture_id"),
        Index("ix_events_purchase", "purchase_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    # No foreign keys on purpose: the log outlives the rows it speaks of.
    capture_id: Mapped[int | None] = mapped_column(Integer)
    purchase_id: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Setting(Base):
    """Small key/value table of library-wide state (active purchase, log head...)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
