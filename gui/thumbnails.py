"""Thumbnails of captures: made with Pillow in worker threads, cached on disk and in memory.

The disk cache (`<library>/thumbs/<sha[:2]>/<sha>_<size>.png`) may be deleted at any time;
a missing file is simply made again from the original. Workers produce `QImage`s (safe
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

from PIL import Image, ImageOps
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRectF, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPalette, QPen, QPixmap

from storage.blobs import write_atomic
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


def make_thumbnail(blob: Path, dest: Path, size: int) -> QImage | None:
    """Read the cached thumbnail at `dest`, or make it from the original `blob` and cache
    it. None when the original is missing or not a readable image. Safe in any thread."""
    if dest.is_file():
        cached = QImage(str(dest))
        if not cached.isNull():
            return cached
        log.debug("cached thumbnail %s is unreadable; making it again", dest.name)
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
    except Exception as exc:  # a damaged original must never break the library window
        log.warning("cannot make a thumbnail of %s: %s", blob.name, exc)
        return None
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
