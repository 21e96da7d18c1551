"""Long (scrolling) capture: watching one region while the user scrolls, and its window.

A `LongCaptureSession` grabs the selected region a few times a second while the user
scrolls the chat at their own pace. Every grab runs on a worker thread of its own (the GUI
thread only starts grabs and draws): a grab identical to the one before is dropped at once,
the others are encoded as PNG (their SHA-256 names them in the recipe) and offered to a
`capture.stitch.Stitcher`. The stitched frames' PNGs are kept for the library; frames the
stitcher turned down (a gap, a change, an ambiguous offset) are not part of the evidence.

A small always-on-top window beside the region (never over it: it must never be in the
frames) shows a scaled live preview of the growing image, the number of frames, what the
stitcher says in plain words, and Done / Cancel (Enter / Esc while it has the keyboard).
Done makes one last grab and then `finished` carries the recipe and the frames' PNGs (the
capture writer renders, encodes and files them); Cancel files nothing.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image
from PySide6.QtCore import QObject, QPoint, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QGuiApplication, QImage, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from capture.region import Rect
from capture.screen import encode_png
from capture.stitch import FrameResult, Recipe, Stitcher

log = logging.getLogger(__name__)

# Fixed, untranslated: end-to-end tests and window rules find the window by this title.
WINDOW_TITLE = "Proofshot long capture"
#: How often the region is grabbed while the user scrolls (a grab still under way is not doubled).
GRAB_INTERVAL_MS = 200
#: The preview's size (logical pixels).
PREVIEW_WIDTH = 200
PREVIEW_HEIGHT = 300
#: Room kept between the region and the window.
MARGIN = 12

#: Grabs the region now (on the worker thread), as an RGB image of the region's size.
FrameGrabber = Callable[[], Image.Image]


@dataclass(frozen=True)
class LongCaptureResult:
    """What a finished long capture hands over: the recipe and the PNG of every frame it
    names (in the recipe's order, each once)."""

    recipe: Recipe
    frames: list[bytes]

    @property
    def recipe_json(self) -> str:
        return self.recipe.to_json()


def place_beside(region: QRect, size: QSize, screens: Sequence[QRect]) -> QPoint | None:
    """Where a window of `size` goes so that it does not cover `region` (all logical
    desktop coordinates; `screens`: the screens' available areas, the region's own first
    is not required): right of the region, left, below, above on the screen holding it,
    else on another screen, else in a corner of the region's screen clear of it. None when
    there is no such place."""
    w, h = size.width(), size.height()
    home = next((s for s in screens if s.contains(region.center())), None)

    def fits(p: QPoint, screen: QRect) -> bool:
        box = QRect(p, size)
        return screen.contains(box) and not box.intersects(region)

    if home is not None:
        cy = min(max(region.top(), home.top()), home.bottom() - h + 1)
        cx = min(max(region.left(), home.left()), home.right() - w + 1)
        for p in (
            QPoint(region.right() + 1 + MARGIN, cy),
            QPoint(region.left() - MARGIN - w, cy),
            QPoint(cx, region.bottom() + 1 + MARGIN),
            QPoint(cx, region.top() - MARGIN - h),
        ):
            if fits(p, home):
                return p
    for screen in screens:
        if screen == home:
            continue
        p = QPoint(screen.right() - w - MARGIN + 1, screen.top() + MARGIN)
        if fits(p, screen):
            return p
    if home is not None:
        for p in (
            QPoint(home.right() - w + 1, home.bottom() - h + 1),
            QPoint(home.left(), home.bottom() - h + 1),
            QPoint(home.right() - w + 1, home.top()),
            home.topLeft(),
        ):
            if fits(p, home):
                return p
    return None


class _Preview(QWidget):
    """The growing long image, scaled to the preview's width; follows the newest frame."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(PREVIEW_WIDTH, PREVIEW_HEIGHT)
        self._frames: list[tuple[int, QImage]] = []  # (position, thumbnail), in stitch order
        self._top = 0
        self._bottom = 0
        self._frame_height = 1
        self._focus = 0  # content row (from the top of the long image) to keep in view

    def add(self, position: int, thumb: QImage, frame_height: int, top: int, bottom: int) -> None:
        self._frames.append((position, thumb))
        self._frame_height = frame_height
        self._top, self._bottom = top, bottom
        lo = min(p for p, _ in self._frames)
        self._focus = position - lo + frame_height // 2
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(40, 40, 44))
        if not self._frames:
            painter.end()
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        h = self._frame_height
        first = self._frames[0][1]
        # Content rows to preview pixels: the thumbnails are as wide as the preview.
        scale = self.width() / max(1, first.width()) * (first.height() / h)
        lo = min(p for p, _ in self._frames)
        hi = max(p for p, _ in self._frames) + h
        total = (hi - lo) * scale
        view = min(max(0.0, self._focus * scale - self.height() / 2), max(0.0, total - self.height()))
        width = float(self.width())

        def draw(thumb: QImage, y_content: float, r0: int, r1: int) -> None:
            if r1 <= r0:
                return
            ty = thumb.height() / h
            target = QRectF(0, y_content * scale - view, width, (r1 - r0) * scale)
            source = QRectF(0, r0 * ty, thumb.width(), (r1 - r0) * ty)
            painter.drawImage(target, thumb, source)

        for position, thumb in self._frames:
            y = position - lo
            draw(thumb, y + self._top, self._top, h - self._bottom)
        draw(first, 0, 0, self._top)
        draw(first, hi - lo - self._bottom, h - self._bottom, h)
        painter.end()


class LongCaptureWindow(QFrame):
    """The small window beside the region: preview, frame count, messages, Done / Cancel.
    Frameless, so that a window manager's decoration cannot reach over the region."""

    done_requested = Signal()
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(WINDOW_TITLE)
        self.setWindowFlags(
            Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
        )
        self.setObjectName("ProofshotLongCapture")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#ProofshotLongCapture { background: palette(window); border: 1px solid palette(mid); "
            "border-radius: 6px; }"
        )
        # The user keeps scrolling the chat with the keyboard: showing this takes no focus.
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.preview = _Preview()
        layout.addWidget(self.preview)
        self.count = QLabel()
        layout.addWidget(self.count)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setFixedWidth(PREVIEW_WIDTH)
        self.message.setMinimumHeight(self.message.fontMetrics().height() * 3)
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.done_button = QPushButton(self.tr("Done"))
        self.done_button.setDefault(True)
        self.cancel_button.clicked.connect(self.cancel_requested.emit)
        self.done_button.clicked.connect(self.done_requested.emit)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.done_button)
        layout.addLayout(buttons)
        self._closing = False
        self.set_count(0)
        self.set_message(self.tr("Scroll the chat slowly; press Done when you reach the end."))

    def set_count(self, frames: int) -> None:
        self.count.setText(self.tr("{n} frame(s)").format(n=frames))

    def set_message(self, text: str, warning: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c0392b; font-weight: 600;" if warning else "")

    def show_busy(self) -> None:
        self.set_message(self.tr("Putting the long image together…"))
        self.done_button.setEnabled(False)
        self.cancel_button.setEnabled(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.cancel_requested.emit()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.done_requested.emit()
        else:
            super().keyPressEvent(event)

    def close_quietly(self) -> None:
        self._closing = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing:  # closed from outside (a window manager's close): a cancel
            self.cancel_requested.emit()
        super().closeEvent(event)


class _Stop:
    pass


class LongCaptureSession(QObject):
    """One long capture of `region` (desktop coordinates; `logical`: the same region in Qt's
    logical coordinates, for placing the window). `grab_frame` grabs it, on the worker thread."""

    finished = Signal(object)  # LongCaptureResult
    cancelled = Signal()
    failed = Signal(str)  # why the long capture ended without a result
    frame_processed = Signal(object)  # FrameResult of each grab that differed from the last
    # From the worker thread: (FrameResult | None for an identical grab, thumbnail, error).
    _processed = Signal(object, object, object)
    _completed = Signal(object, object)  # (LongCaptureResult | None, error message | None)

    def __init__(
        self,
        region: Rect,
        logical: QRect,
        grab_frame: FrameGrabber,
        parent: QObject | None = None,
        *,
        interval_ms: int = GRAB_INTERVAL_MS,
        close_grabber: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.region = region
        self.logical = logical
        self._grab_frame = grab_frame
        self._close_grabber = close_grabber
        self._stitcher = Stitcher(region.width, region.height)
        self._pngs: dict[str, bytes] = {}
        self._last_rgb: bytes | None = None
        self._jobs: queue.Queue[str | _Stop] = queue.Queue()
        self._busy = False
        self._ended = False
        self._finishing = False
        self._thread: threading.Thread | None = None
        self.window = LongCaptureWindow()
        self.window.done_requested.connect(self.finish)
        self.window.cancel_requested.connect(self.cancel)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._processed.connect(self._on_processed)
        self._completed.connect(self._on_completed)
        # What the status request reports (and tests wait on).
        self.grabs = 0  # grabs done
        self.offered = 0  # grabs that differed from the one before, offered to the stitcher
        self.kept = 0  # frames stitched
        self.gaps = 0
        self.last_kind = ""
        self.last_message = ""

    # -- starting and ending ---------------------------------------------------------------

    def start(self) -> bool:
        """Show the window beside the region and start grabbing. False (nothing started)
        when there is no room for the window outside the region."""
        self.window.adjustSize()
        size = self.window.sizeHint().expandedTo(self.window.minimumSizeHint())
        screens = [s.availableGeometry() for s in QGuiApplication.screens()]
        where = place_beside(self.logical, size, screens)
        if where is None:
            return False
        self.window.move(where)
        self.window.show()
        self._thread = threading.Thread(target=self._work, name="long-capture", daemon=True)
        self._thread.start()
        self._timer.start()
        self._tick()
        return True

    @property
    def active(self) -> bool:
        return not self._ended

    def finish(self) -> None:
        """Done: one last grab, then the result (`finished`), or `failed` without frames."""
        if self._ended or self._finishing:
            return
        self._finishing = True
        self._timer.stop()
        self.window.show_busy()
        self._jobs.put("grab")
        self._jobs.put("finish")

    def cancel(self) -> None:
        """Esc or Cancel: stop, nothing kept."""
        if self._ended:
            return
        log.info("long capture cancelled after %d frame(s)", self.kept)
        self._end()
        self.cancelled.emit()

    def _end(self) -> None:
        self._ended = True
        self._timer.stop()
        self._jobs.put(_Stop())
        self.window.close_quietly()
        self.window.deleteLater()

    def status(self) -> dict[str, Any]:
        return {
            "active": not self._ended,
            "region": list(self.region.as_tuple()),
            "grabs": self.grabs,
            "offered": self.offered,
            "frames": self.kept,
            "gaps": self.gaps,
            "last": self.last_kind,
            "message": self.last_message,
        }

    # -- the GUI thread ----------------------------------------------------------------------

    def _tick(self) -> None:
        if self._busy or self._ended or self._finishing:
            return
        self._busy = True
        self._jobs.put("grab")

    def _on_processed(self, result: FrameResult | None, thumb: Image.Image | None, error: str | None) -> None:
        self._busy = False
        if self._ended:
            return
        self.grabs += 1
        if error is not None:
            log.warning("a long capture frame could not be grabbed: %s", error)
            self.window.set_message(
                self.tr("The screen could not be read: {error}").format(error=error), True
            )
            return
        if result is None:
            return
        self.offered += 1
        self.last_kind = result.kind
        log.info("long capture frame %d: %s (%s)", result.index, result.kind, result.message)
        if result.stitched and thumb is not None and result.position is not None:
            self.kept += 1
            self.window.preview.add(
                result.position,
                _qimage(thumb),
                self.region.height,
                result.static_top,
                result.static_bottom,
            )
            self.window.set_count(self.kept)
            if not self._finishing:
                self.window.set_message(self.tr("Keep scrolling; press Done when you reach the end."))
            self.last_message = ""
        elif result.kind != "unchanged":
            text = self._explain(result)
            if result.kind == "gap":
                self.gaps += 1
            self.last_message = text
            if not self._finishing:
                self.window.set_message(text, warning=True)
            log.info("long capture: %s", text)
        self.frame_processed.emit(result)

    def _explain(self, result: FrameResult) -> str:
        if result.kind == "gap":
            return self.tr("Scrolled too fast — scroll back a little")
        if result.kind == "changed":
            return self.tr(
                "Something changed in the chat — this part was not added; scroll back a little and go on"
            )
        if result.kind == "ambiguous":
            return self.tr("Too many identical lines to tell apart — scroll a little less")
        return result.message

    def _on_completed(self, result: LongCaptureResult | None, error: str | None) -> None:
        if self._ended:
            return
        self._end()
        if result is None:
            self.failed.emit(error or self.tr("Nothing was captured."))
        else:
            log.info("long capture done: %d frame(s), %d rows", len(result.frames), result.recipe.height)
            self.finished.emit(result)

    # -- the worker thread -------------------------------------------------------------------

    def _work(self) -> None:
        try:
            while True:
                job = self._jobs.get()
                if isinstance(job, _Stop):
                    return
                if job == "grab":
                    self._grab_one()
                elif job == "finish":
                    self._complete()
                    return
        finally:
            if self._close_grabber is not None:
                try:
                    self._close_grabber()
                except Exception:
                    log.debug("closing the long capture's grabber failed", exc_info=True)

    def _grab_one(self) -> None:
        try:
            image = self._grab_frame()
            if image.mode != "RGB":
                image = image.convert("RGB")
            if image.size != (self.region.width, self.region.height):
                raise ValueError(f"the region came back as {image.size[0]}x{image.size[1]} pixels")
            rgb = image.tobytes()
            if rgb == self._last_rgb:
                self._processed.emit(None, None, None)
                return
            self._last_rgb = rgb
            png = encode_png(image)
            sha = hashlib.sha256(png).hexdigest()
            result = self._stitcher.add(rgb, sha256=sha)
            thumb = None
            if result.stitched:
                self._pngs[sha] = png
                height = max(1, round(image.height * PREVIEW_WIDTH / image.width))
                thumb = image.resize((PREVIEW_WIDTH, height), Image.Resampling.BILINEAR)
            self._processed.emit(result, thumb, None)
        except Exception as exc:  # a grab that failed: said in the window, the session goes on
            log.debug("long capture grab failed", exc_info=True)
            self._processed.emit(None, None, str(exc))

    def _complete(self) -> None:
        try:
            if self._stitcher.frames_kept == 0:
                self._completed.emit(None, None)
                return
            recipe = self._stitcher.recipe()
            seen: set[str] = set()
            frames = []
            for f in recipe.frames:
                if f.sha256 not in seen:
                    seen.add(f.sha256)
                    frames.append(self._pngs[f.sha256])
            self._completed.emit(LongCaptureResult(recipe, frames), None)
        except Exception as exc:
            log.exception("finishing the long capture failed")
            self._completed.emit(None, str(exc))


def _qimage(image: Image.Image) -> QImage:
    data = image.tobytes()
    return QImage(data, image.width, image.height, image.width * 3, QImage.Format.Format_RGB888).copy()


class MssRegionGrabber:
    """Grabs one region with mss (X11, Windows, macOS), much quicker than a whole screen.
    mss contexts belong to one thread: made on first use by the thread that grabs."""

    def __init__(self, region: Rect) -> None:
        self._region = region
        self._sct: Any = None

    def __call__(self) -> Image.Image:
        import mss

        if self._sct is None:
            self._sct = mss.MSS()
        r = self._region
        shot = self._sct.grab({"left": r.x, "top": r.y, "width": r.width, "height": r.height})
        return Image.frombytes("RGB", (shot.width, shot.height), bytes(shot.rgb))

    def close(self) -> None:
        if self._sct is not None:
            self._sct.close()
            self._sct = None
