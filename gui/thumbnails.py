"""Thumbnails of captures: made with Pillow in worker threads, cached on disk and in memory.

The disk cache (`<library>/thumbs/<sha[:2]>/<sha>_<size>.png`) may be deleted at any time;
a missing file is simply made again from the original. Documents are told apart by their
bytes (storage.documents.sniff): a PDF or OFD shows its first page; an e-mail or XML gets
a drawn card (an envelope or an invoice mark, its kind in words, its subject or invoice
number), cached per interface language (`<sha>_<size>_card_<lang>.png`), as is the card
of a document that cannot be read. Workers produce `QImage`s (safe
across threads); the GUI thread turns them into `QPixmap`s, keeps the most recent few
hundred, and announces each with `thumbnail_ready`. The newest request is served first,
so when the user scrolls fast the screen they are looking at fills in before the rows
they scrolled past.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageOps, UnidentifiedImageError
from PySide6.QtCore import (
    QBuffer,
    QCoreApplication,
    QEvent,
    QIODevice,
    QLocale,
    QObject,
    QPointF,
    QRectF,
    QRunnable,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QTextLayout,
    QTextOption,
)

from storage import documents
from storage.blobs import write_atomic
from storage.errors import KnownStorageError

from .vocabulary import document_kind_label

if TYPE_CHECKING:
    from storage.library import Library

log = logging.getLogger(__name__)
timing = logging.getLogger("proofshot.timing")

_SHA = re.compile(r"[0-9a-f]{64}")
# How many requests the user is waiting for may queue up; older ones (rows scrolled past
# long ago) are dropped and asked for again if they come back into view.
MAX_URGENT = 256
# Pixmaps kept in memory (a 160 px tile is about 100 kB).
MEMORY_ITEMS = 400


class _Queue:
    """The pending requests, shared with the worker threads: newest first, those the user
    is waiting for before prefetches. Also counts the workers draining it, so that a new
    worker is started exactly when one is needed."""

    def __init__(self, max_workers: int) -> None:
        self._lock = threading.Lock()
        self._urgent: OrderedDict[str, None] = OrderedDict()
        self._low: OrderedDict[str, None] = OrderedDict()
        self._workers = 0
        self._max_workers = max_workers
        self.stopped = False

    def push(self, sha: str, urgent: bool) -> tuple[bool, list[str]]:
        """Queue `sha` (or move it to the front). Returns whether a worker must be started
        and the requests dropped to keep the queue short."""
        dropped: list[str] = []
        with self._lock:
            if self.stopped:
                return False, dropped
            if urgent:
                self._low.pop(sha, None)
                self._urgent[sha] = None
                self._urgent.move_to_end(sha)
                while len(self._urgent) > MAX_URGENT:
                    dropped.append(self._urgent.popitem(last=False)[0])
            elif sha not in self._urgent:
                self._low[sha] = None
                self._low.move_to_end(sha)
            start = self._workers < self._max_workers
            if start:
                self._workers += 1
            return start, dropped

    def pop(self) -> str | None:
        """The next request, or None, in which case the calling worker must exit: it is
        no longer counted (done under the lock so a push never finds it half-gone)."""
        with self._lock:
            if not self.stopped:
                if self._urgent:
                    return self._urgent.popitem(last=True)[0]
                if self._low:
                    return self._low.popitem(last=True)[0]
            self._workers -= 1
            return None

    def queued(self, sha: str) -> bool:
        with self._lock:
            return sha in self._urgent or sha in self._low

    def stop(self) -> list[str]:
        with self._lock:
            self.stopped = True
            dropped = [*self._urgent, *self._low]
            self._urgent.clear()
            self._low.clear()
            return dropped


class _Relay(QObject):
    """Lives in the GUI thread; signals emitted from workers are queued to it."""

    finished = Signal(str, object)  # sha256, QImage or None when the original is unusable


def cache_path(thumbs: Path, sha256: str, size: int) -> Path:
    return thumbs / sha256[:2] / f"{sha256}_{size}.png"


def card_path(dest: Path) -> Path:
    """Where the drawn card of a document is cached: beside its thumbnail, per language."""
    return dest.with_name(f"{dest.stem}_card_{QLocale().name()}.png")


def make_thumbnail(blob: Path, dest: Path, size: int) -> QImage | None:
    """Read the cached thumbnail at `dest`, or make it from the original `blob` and cache
    it. None when the original is missing or neither a readable image nor a document.
    Safe in any thread."""
    for path in (dest, card_path(dest)):
        if path.is_file():
            cached = QImage(str(path))
            if not cached.isNull():
                return cached
            log.debug("cached thumbnail %s is unreadable; making it again", path.name)
    started = time.perf_counter()
    try:
        with Image.open(blob) as original:
            img: Image.Image = original
            if img.format == "JPEG":
                img.draft("RGB", (size, size))
            img.thumbnail((size, size))
            img = ImageOps.exif_transpose(img)
            if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
                rgba = img.convert("RGBA")
                img = Image.new("RGB", rgba.size, (255, 255, 255))
                img.paste(rgba, mask=rgba.getchannel("A"))
            else:
                img = img.convert("RGB")
    except FileNotFoundError:
        log.warning("the original of capture image %s is missing", blob.name)
        return None
    except UnidentifiedImageError:
        return _document_thumbnail(blob, dest, size, started)
    except Exception as exc:  # a damaged original must never break the library window
        log.warning("cannot make a thumbnail of %s: %s", blob.name, exc)
        return None
    return _save(img, dest, blob, started)


def _save(img: Image.Image, dest: Path, blob: Path, started: float) -> QImage | None:
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=1)
    data = buf.getvalue()
    try:
        dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(dest, data)
    except OSError as exc:  # a read-only or full disk only costs us the cache
        log.warning("cannot cache the thumbnail %s: %s", dest.name, exc)
    # The stubs want the format as bytes, but PySide6 takes only a str here (bytes raise ValueError).
    image = QImage.fromData(data, "PNG")  # type: ignore[arg-type]
    timing.debug("thumbnail %s made in %.1f ms", blob.name[:12], (time.perf_counter() - started) * 1000)
    return None if image.isNull() else image


def _document_thumbnail(blob: Path, dest: Path, size: int, started: float) -> QImage | None:
    """A PDF's or OFD's first page; a card for an e-mail, an XML, or a document whose
    pages cannot be drawn. None when the original is not a document either."""
    try:
        data = blob.read_bytes()
        kind = documents.sniff(data)
    except Exception as exc:  # a damaged original must never break the library window
        log.warning("cannot make a thumbnail of %s: %s", blob.name, exc)
        return None
    if kind is None:
        log.warning("cannot make a thumbnail of %s: neither a picture nor a document", blob.name)
        return None
    subtitle = ""
    if kind in ("pdf", "ofd"):
        try:
            # About twice the tile's height for an A4 page (842 points), never huge.
            page = documents.render_page(
                data, documents.MEDIA_TYPES[kind], 0, scale=2 * size / 842, max_pixels=(4 * size) ** 2
            )
            page.thumbnail((size, size))
            return _save(page.convert("RGB"), dest, blob, started)
        except KnownStorageError as exc:
            log.info("the first page of %s cannot be drawn: %s", blob.name[:12], exc)
            subtitle = QCoreApplication.translate("ThumbnailCache", "Cannot be read")
        except Exception as exc:  # a reader's bug must never break the library window
            log.warning("cannot draw the first page of %s: %s", blob.name[:12], exc)
            subtitle = QCoreApplication.translate("ThumbnailCache", "Cannot be read")
    try:
        card = _card(data, kind, subtitle, size)
    except Exception as exc:  # a reader's bug must never break the library window
        log.warning("cannot draw the card of %s: %s", blob.name[:12], exc)
        card = _draw_card(size, kind, document_kind_label(kind), subtitle)
    path = card_path(dest)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        buf = QBuffer()
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        card.save(buf, "PNG")  # type: ignore[call-overload]  # PySide6 takes only a str here
        write_atomic(path, bytes(buf.data().data()))
    except OSError as exc:  # a read-only or full disk only costs us the cache
        log.warning("cannot cache the card %s: %s", path.name, exc)
    timing.debug("card %s made in %.1f ms", blob.name[:12], (time.perf_counter() - started) * 1000)
    return card


def _card(data: bytes, kind: str, subtitle: str, size: int) -> QImage:
    """The card of an e-mail (its subject) or an XML (its invoice number)."""
    invoice = False
    if not subtitle and kind == "email":
        subtitle = documents.read_email(data).headers.get("subject", "") or QCoreApplication.translate(
            "ThumbnailCache", "(no subject)"
        )
    elif not subtitle and kind == "xml":
        facts = documents.facts_from_xml(data)
        if facts is not None and facts.invoice_number:
            invoice = True
            subtitle = QCoreApplication.translate("ThumbnailCache", "No. {number}").format(
                number=facts.invoice_number
            )
    return _draw_card(
        size, kind, document_kind_label(kind, {"invoice_number": "-"} if invoice else None), subtitle
    )


_PAPER = QColor(255, 255, 255)
_INK = QColor(60, 64, 72)
_FAINT = QColor(120, 126, 136)
_EDGE = QColor(200, 204, 210)
_MARK = QColor(198, 40, 40)  # an invoice's red seal
_ENVELOPE = QColor(25, 118, 210)


def _draw_card(size: int, kind: str, title: str, subtitle: str) -> QImage:
    """A paper card: an envelope (e-mail) or an invoice mark (others) at the top, the
    kind in words, then the subject or number on up to three lines. Any thread."""
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(_PAPER)
    s = size / 160
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(_EDGE, 1))
    painter.drawRect(QRectF(0.5, 0.5, size - 1, size - 1))
    icon = QRectF(size / 2 - 24 * s, 14 * s, 48 * s, 34 * s)
    if kind == "email":
        painter.setPen(QPen(_ENVELOPE, max(1.5, 3 * s)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(icon, 3 * s, 3 * s)
        flap = QPainterPath()
        flap.moveTo(icon.topLeft() + QPointF(2 * s, 2 * s))
        flap.lineTo(icon.center().x(), icon.top() + 20 * s)
        flap.lineTo(icon.topRight() + QPointF(-2 * s, 2 * s))
        painter.drawPath(flap)
    else:
        sheet = QRectF(size / 2 - 16 * s, 8 * s, 32 * s, 42 * s)
        painter.setPen(QPen(_FAINT, max(1.0, 2 * s)))
        painter.setBrush(_PAPER)
        painter.drawRect(sheet)
        for i in range(4):
            y = sheet.top() + (9 + 7 * i) * s
            painter.drawLine(QPointF(sheet.left() + 5 * s, y), QPointF(sheet.right() - 5 * s, y))
        painter.setPen(QPen(_MARK, max(1.5, 2.5 * s)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QRectF(sheet.right() - 14 * s, sheet.bottom() - 16 * s, 20 * s, 14 * s))
    font = QFont()
    font.setPixelSize(max(8, round(14 * s)))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(_INK)
    top = 58 * s
    width = size - 16 * s
    metrics = QFontMetricsF(font)
    painter.drawText(
        QRectF(8 * s, top, width, metrics.height()),
        Qt.AlignmentFlag.AlignHCenter,
        metrics.elidedText(title, Qt.TextElideMode.ElideRight, width),
    )
    top += metrics.height() + 6 * s
    if subtitle:
        font.setBold(False)
        font.setPixelSize(max(8, round(12 * s)))
        painter.setFont(font)
        painter.setPen(_FAINT)
        _draw_lines(painter, font, subtitle, QRectF(8 * s, top, width, size - top - 6 * s), 3)
    painter.end()
    return image


def _draw_lines(painter: QPainter, font: QFont, text: str, rect: QRectF, most: int) -> None:
    """`text` wrapped in `rect` on at most `most` lines, the last elided."""
    metrics = QFontMetricsF(font)
    layout = QTextLayout(" ".join(text.split()), font)
    option = QTextOption(Qt.AlignmentFlag.AlignHCenter)
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)  # long numbers too
    layout.setTextOption(option)
    layout.beginLayout()
    lines: list[tuple[int, int]] = []
    while len(lines) < most:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(rect.width())
        lines.append((line.textStart(), line.textLength()))
    layout.endLayout()
    full = layout.text()
    y = rect.top()
    for i, (start, length) in enumerate(lines):
        if y + metrics.height() > rect.bottom() + 1:
            break
        piece = full[start : start + length]
        if i == len(lines) - 1 and start + length < len(full):
            piece = metrics.elidedText(full[start:], Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(
            QRectF(rect.left(), y, rect.width(), metrics.height()), Qt.AlignmentFlag.AlignHCenter, piece
        )
        y += metrics.height()


class _Drain(QRunnable):
    """One worker: makes thumbnails until the queue is empty."""

    def __init__(self, queue: _Queue, relay: _Relay, blobs: Path, thumbs: Path, size: int) -> None:
        super().__init__()
        self._queue, self._relay = queue, relay
        self._blobs, self._thumbs, self._size = blobs, thumbs, size

    def run(self) -> None:
        while (sha := self._queue.pop()) is not None:
            try:
                image = make_thumbnail(
                    self._blobs / sha[:2] / sha, cache_path(self._thumbs, sha, self._size), self._size
                )
            except Exception:  # never lose a worker (and its queue) to a bug
                log.exception("making the thumbnail of %s failed", sha[:12])
                image = None
            self._relay.finished.emit(sha, image)


class ThumbnailCache(QObject):
    """Thumbnails of one library at one size, for item views.

    `get()` answers from memory at once; otherwise it returns None, queues the work once,
    and `thumbnail_ready(sha)` follows when the pixmap can be had from `get()`.
    """

    thumbnail_ready = Signal(str)

    def __init__(
        self,
        library: Library,
        size: int = 160,
        parent: QObject | None = None,
        max_threads: int = 2,
        memory_items: int = MEMORY_ITEMS,
    ) -> None:
        super().__init__(parent)
        self.size = size
        self._blobs = library.blobs.root
        self._thumbs = library.thumbs
        self._memory: OrderedDict[str, QPixmap] = OrderedDict()
        self._memory_items = memory_items
        self._missing: set[str] = set()
        self._requested: dict[str, bool] = {}  # queued or being made -> wanted on screen
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._queue = _Queue(max_threads)
        self._relay = _Relay()
        self._relay.finished.connect(self._on_finished)
        self._tiles: dict[tuple[str, int], QPixmap] = {}

    # ------------------------------------------------------------------ public

    def get(self, sha256: str) -> QPixmap | None:
        """The thumbnail if it is in memory (the "missing" tile for an unusable original);
        otherwise None, and it is made or read from disk in the background."""
        pixmap = self._memory.get(sha256)
        if pixmap is not None:
            self._memory.move_to_end(sha256)
            return pixmap
        if sha256 in self._missing:
            return self.missing_tile()
        self._request(sha256, urgent=True)
        return self.missing_tile() if sha256 in self._missing else None

    def prefetch(self, shas: list[str]) -> None:
        """Make thumbnails likely to be needed soon, after everything on screen; the first
        of `shas` is served first."""
        for sha in reversed(shas):
            if sha not in self._memory and sha not in self._missing and sha not in self._requested:
                self._request(sha, urgent=False)

    def is_missing(self, sha256: str) -> bool:
        """Whether the original was found missing or unreadable."""
        return sha256 in self._missing

    def placeholder(self) -> QPixmap:
        """A neutral rounded tile, shown until the thumbnail is ready."""
        return self._tile("placeholder")

    def missing_tile(self) -> QPixmap:
        """The tile shown when the original image is missing or damaged."""
        return self._tile("missing")

    def wait(self, msecs: int = 30000) -> bool:
        """Wait until every queued thumbnail is made, then deliver the results (so
        `thumbnail_ready` has been emitted for them when this returns True)."""
        done = self.pool.waitForDone(msecs)
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        return done

    def shutdown(self) -> None:
        """Accept no more work, forget what is queued and wait for the running jobs."""
        for sha in self._queue.stop():
            self._requested.pop(sha, None)
        self.pool.waitForDone()

    # ------------------------------------------------------------------ internals

    def _request(self, sha: str, urgent: bool) -> None:
        if not _SHA.fullmatch(sha):
            log.warning("not a capture hash: %r", sha[:80])
            self._missing.add(sha)
            return
        if self._queue.stopped:
            return
        wanted = self._requested.get(sha)
        if wanted is not None:  # already queued or being made: never twice
            if urgent:
                self._requested[sha] = True
                if self._queue.queued(sha):
                    self._push(sha, urgent=True)  # to the front: it is on screen again
            return
        self._requested[sha] = urgent
        self._push(sha, urgent)

    def _push(self, sha: str, urgent: bool) -> None:
        start, dropped = self._queue.push(sha, urgent)
        for old in dropped:
            self._requested.pop(old, None)
        if start:
            self.pool.start(_Drain(self._queue, self._relay, self._blobs, self._thumbs, self.size))

    def _on_finished(self, sha: str, image: QImage | None) -> None:
        urgent = self._requested.pop(sha, None)
        if self._queue.stopped or urgent is None:
            return
        if image is None:
            self._missing.add(sha)
        elif urgent or len(self._memory) < self._memory_items:
            self._memory[sha] = QPixmap.fromImage(image)
            self._memory.move_to_end(sha)
            while len(self._memory) > self._memory_items:
                self._memory.popitem(last=False)
        else:
            return  # a prefetch while memory is full: it is on disk now, which was the point
        self.thumbnail_ready.emit(sha)

    def _tile(self, kind: str) -> QPixmap:
        palette = QGuiApplication.palette()
        key = (kind, palette.cacheKey())
        tile = self._tiles.get(key)
        if tile is None:
            tile = _draw_tile(self.size, palette, missing=kind == "missing")
            self._tiles = {k: v for k, v in self._tiles.items() if k[1] == key[1]}
            self._tiles[key] = tile
        return tile


def _draw_tile(size: int, palette: QPalette, missing: bool) -> QPixmap:
    """A rounded square in the palette's colours; the "missing" one shows a crossed-out
    picture so it reads as "image unavailable" without words."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(1.5, 1.5, size - 3, size - 3)
    radius = size / 12
    base = palette.color(QPalette.ColorRole.Base)
    mid = palette.color(QPalette.ColorRole.Mid)
    fill = QColor(mid)
    fill.setAlpha(60 if not missing else 35)
    painter.setPen(QPen(mid, 1, Qt.PenStyle.DashLine if missing else Qt.PenStyle.SolidLine))
    painter.setBrush(base)
    painter.drawRoundedRect(rect, radius, radius)
    painter.setBrush(fill)
    painter.drawRoundedRect(rect, radius, radius)
    if missing:
        # A picture frame with a mountain, struck through.
        s = size / 160
        frame = QRectF(size / 2 - 28 * s, size / 2 - 22 * s, 56 * s, 44 * s)
        ink = palette.color(QPalette.ColorRole.PlaceholderText)
        painter.setPen(QPen(ink, max(1.5, 3 * s)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(frame, 4 * s, 4 * s)
        hill = QPainterPath()
        hill.moveTo(frame.left() + 6 * s, frame.bottom() - 6 * s)
        hill.lineTo(frame.left() + 22 * s, frame.top() + 18 * s)
        hill.lineTo(frame.left() + 34 * s, frame.bottom() - 14 * s)
        hill.lineTo(frame.left() + 42 * s, frame.top() + 24 * s)
        hill.lineTo(frame.right() - 6 * s, frame.bottom() - 6 * s)
        painter.drawPath(hill)
        painter.drawLine(frame.topLeft(), frame.bottomRight())
    painter.end()
    return pixmap
