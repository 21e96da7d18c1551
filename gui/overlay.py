"""The capture overlay: one frozen, dimmed full-screen window per screen to drag a region on.

A `CaptureSession` takes the screens already grabbed (physical pixels, before any window of
ours appeared), shows one overlay per screen painting that frozen image, and ends with exactly
one of `region_selected(grab, physical_rect)` or `cancelled()`. Given the desktop's top-level
windows as they were at the grab (capture.windows), moving the pointer highlights the window
under it and a click takes that window's rectangle (`snapped_window` says which); a drag still
selects freely. It knows nothing about saving,
OCR or storage. Selections are kept in logical pixels (Qt's units) relative to the overlay's
screen and mapped to the grab's physical pixels only once, by `capture.region.to_physical`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QCloseEvent,
    QColor,
    QCursor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QScreen,
)
from PySide6.QtWidgets import QApplication, QWidget

from capture.region import Rect, clamp, from_drag, nudge, to_physical
from capture.screen import ScreenGrab
from capture.windows import WindowInfo

log = logging.getLogger(__name__)

# Fixed, untranslated: end-to-end tests and window rules find the overlay by this title.
WINDOW_TITLE = "Proofshot capture"

# A release whose selection is narrower or lower than this (logical px) is a click.
MIN_DRAG = 3

# The magnifier shows this many physical pixels square around the cursor ...
MAGNIFIER_PIXELS = 15
# ... each drawn this many logical pixels wide.
MAGNIFIER_ZOOM = 8

_DIM = QColor(0, 0, 0, 130)
_ACCENT = QColor(0x2D, 0x8C, 0xFF)
_LABEL_BG = QColor(20, 20, 24, 215)
_LABEL_FG = QColor(255, 255, 255)
_CROSSHAIR = QColor(255, 255, 255, 110)
# Longest window title shown on the highlight (characters).
_TITLE_CHARS = 80

_ARROWS = {
    Qt.Key.Key_Left: (-1, 0),
    Qt.Key.Key_Right: (1, 0),
    Qt.Key.Key_Up: (0, -1),
    Qt.Key.Key_Down: (0, 1),
}


def _qimage_from_grab(grab: ScreenGrab) -> QImage:
    """The grab as a QImage sharing its bytes (the caller keeps `grab.rgb` alive)."""
    width, height = grab.size
    return QImage(grab.rgb, width, height, width * 3, QImage.Format.Format_RGB888)


def _pair_grabs_with_screens(
    grabs: Sequence[ScreenGrab], screens: Sequence[QScreen]
) -> list[tuple[ScreenGrab, QScreen]]:
    """Match each grab to the QScreen showing it.

    Where the backend names its screens (Wayland outputs), names decide. Otherwise grab
    geometry is physical and QScreen geometry logical, so values can't be compared on a
    mixed-DPI desktop; the left-to-right, top-to-bottom order of the two is the same, though."""
    by_name = {screen.name(): screen for screen in screens}
    if all(grab.name and grab.name in by_name for grab in grabs) and len(set(g.name for g in grabs)) == len(
        grabs
    ):
        return [(grab, by_name[grab.name]) for grab in grabs]
    if len(grabs) != len(screens):
        log.warning("%d screens grabbed but Qt reports %d; pairing them by index", len(grabs), len(screens))
        return list(zip(grabs, screens, strict=False))
    by_position = sorted(grabs, key=lambda g: (g.geometry.x, g.geometry.y))
    screens_by_position = sorted(screens, key=lambda s: (s.geometry().x(), s.geometry().y()))
    return list(zip(by_position, screens_by_position, strict=True))


class _Snap:
    """A window as one overlay shows it: its rectangle on this screen, in the overlay's logical
    pixels and in the grab's own pixels (exact: what a click on it captures)."""

    __slots__ = ("logical", "physical", "window")

    def __init__(self, window: WindowInfo, logical: Rect, physical: Rect) -> None:
        self.window = window
        self.logical = logical
        self.physical = physical


class _Overlay(QWidget):
    """One screen's frozen image with the selection on it. Decisions go to the session."""

    def __init__(
        self, session: CaptureSession, grab: ScreenGrab, screen: QScreen, windows: Sequence[WindowInfo] = ()
    ) -> None:
        super().__init__(None)
        self._session = session
        self.grab_ = grab
        self.screen_ = screen
        geometry = screen.geometry()
        # The screen in logical pixels, relative to its own top-left corner.
        self.bounds = Rect(0, 0, geometry.width(), geometry.height())
        width, height = grab.size
        self._scale_x = width / self.bounds.width
        self._scale_y = height / self.bounds.height

        # Convert once: the QImage borrows grab.rgb (kept alive by self.grab_), the pixmaps are
        # what paintEvent blits, so painting never converts or scales the full image.
        image = _qimage_from_grab(grab)
        image.setDevicePixelRatio(self._scale_x)
        self._pixmap = QPixmap.fromImage(image)
        self._pixmap.setDevicePixelRatio(self._scale_x)
        self._dimmed = QPixmap(self._pixmap)
        painter = QPainter(self._dimmed)
        painter.fillRect(QRectF(0, 0, width, height), _DIM)
        painter.end()
        self._dimmed.setDevicePixelRatio(self._scale_x)

        self.selection: Rect | None = None
        # "Capture again": the last region, shown selected. (logical selection, the exact
        # physical rect it came from) so Enter on the untouched selection keeps every pixel.
        self.preselected: tuple[Rect, Rect] | None = None
        self._drag_origin: QPointF | None = None
        self._drag_end: QPointF | None = None
        # Keyboard nudges during a drag: (dx, dy, dwidth, dheight), re-applied as the mouse moves.
        self._adjust = (0, 0, 0, 0)
        self._cursor: QPointF | None = None
        self._show_help = True
        self._painted = False
        # The windows on this screen, top-most first; the one under the pointer (no button
        # down, nothing selected) is highlighted, and a click takes it (`snapped`).
        self.snaps = self._snaps_for(windows)
        self.hovered: _Snap | None = None
        self.snapped: _Snap | None = None

        self.setWindowTitle(WINDOW_TITLE)
        flags = Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint | Qt.WindowType.Tool
        if QGuiApplication.platformName() == "xcb":
            # Override-redirect: no window manager can shrink it to the work area (panels stay
            # covered) or animate it in; Qt still gives it the input focus on activation.
            flags |= Qt.WindowType.X11BypassWindowManagerHint
        self.setWindowFlags(flags)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setScreen(screen)
        # setGeometry, not showFullScreen: some window managers place full-screen windows on
        # the wrong screen, and without a window manager (Xvfb) full screen means nothing.
        # On Wayland a client can't place its windows: there it asks to be full screen on
        # this output (`CaptureSession.start`).
        self.setGeometry(geometry)
        cursor = self.mapFromGlobal(QCursor.pos(screen))
        if self.rect().contains(cursor):
            self._cursor = QPointF(cursor)
            self.hovered = self.snap_at(self._cursor)

    # --- geometry -------------------------------------------------------------------------

    def physical(self, rect: Rect) -> Rect:
        if self.snapped is not None and rect == self.snapped.logical:
            return self.snapped.physical
        if self.preselected is not None and rect == self.preselected[0]:
            return self.preselected[1]
        return to_physical(rect, self.bounds, self.grab_.size)

    def _logical(self, physical: Rect) -> Rect:
        """`physical` (pixels of this grab, inside it) in this overlay's logical pixels."""
        x0 = round(physical.x / self._scale_x)
        y0 = round(physical.y / self._scale_y)
        x1 = max(x0 + 1, round(physical.right / self._scale_x))
        y1 = max(y0 + 1, round(physical.bottom / self._scale_y))
        return clamp(Rect(x0, y0, x1 - x0, y1 - y0), self.bounds)

    def _snaps_for(self, windows: Sequence[WindowInfo]) -> list[_Snap]:
        """The windows (desktop coordinates) with a part on this screen, clipped to it."""
        whole = Rect(0, 0, *self.grab_.size)
        snaps = []
        for window in windows:
            physical = self.grab_.from_desktop(window.frame).intersected(whole)
            if not physical.empty:
                snaps.append(_Snap(window, self._logical(physical), physical))
        return snaps

    def snap_at(self, point: QPointF) -> _Snap | None:
        """The top-most window under `point` (logical pixels of this overlay)."""
        x, y = int(point.x()), int(point.y())
        for snap in self.snaps:
            r = snap.logical
            if r.x <= x < r.right and r.y <= y < r.bottom:
                return snap
        return None

    def snapped_window(self, logical: Rect) -> WindowInfo | None:
        """The window whose rectangle `logical` is, when it was taken by a click."""
        if self.snapped is not None and logical == self.snapped.logical:
            return self.snapped.window
        return None

    def preselect(self, physical: Rect) -> None:
        """Show `physical` (pixels of this screen's grab) as the selection."""
        physical = physical.intersected(Rect(0, 0, *self.grab_.size))
        if physical.empty:
            return
        logical = self._logical(physical)
        self.preselected = (logical, physical)
        self.selection = logical
        self.update()

    def _source_rect(self, rect: QRectF) -> QRectF:
        """Logical widget rect -> physical rect in the pixmap."""
        return QRectF(
            rect.x() * self._scale_x,
            rect.y() * self._scale_y,
            rect.width() * self._scale_x,
            rect.height() * self._scale_y,
        )

    def _drag_selection(self) -> Rect | None:
        if self._drag_origin is None or self._drag_end is None:
            return None
        o, e = self._drag_origin, self._drag_end
        rect = clamp(from_drag(o.x(), o.y(), e.x(), e.y()), self.bounds)
        dx, dy, dw, dh = self._adjust
        if dx or dy:
            rect = nudge(rect, dx, dy, self.bounds)
        if dw or dh:
            rect = nudge(rect, dw, dh, self.bounds, resize=True)
        return None if rect.empty else rect

    # --- state changes (called by the session, or by our own events) ---------------------

    def clear_selection(self) -> None:
        self.selection = None
        self.snapped = None
        self._drag_origin = self._drag_end = None
        self._adjust = (0, 0, 0, 0)
        self.update()

    def adjust_selection(self, dx: int, dy: int, resize: bool) -> None:
        if self.selection is None:
            return
        if self._drag_origin is not None:
            ax, ay, aw, ah = self._adjust
            self._adjust = (ax, ay, aw + dx, ah + dy) if resize else (ax + dx, ay + dy, aw, ah)
            self.selection = self._drag_selection()
        else:
            self.selection = nudge(self.selection, dx, dy, self.bounds, resize=resize)
        self.update()

    # --- events ---------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            self._session._on_cancel_requested()
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._session._on_pointer_moved(self)
        self._session._on_drag_started(self)
        self._show_help = False
        self._drag_origin = self._drag_end = event.position()
        self._adjust = (0, 0, 0, 0)
        self.snapped = None
        self.hovered = None
        self.selection = self._drag_selection()
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._session._on_pointer_moved(self)
        self._cursor = event.position()
        if self._drag_origin is not None:
            self._drag_end = event.position()
            self.selection = self._drag_selection()
        elif self.selection is None:
            self.hovered = self.snap_at(event.position())
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._drag_origin is None:
            return
        origin = self._drag_origin
        self._drag_end = event.position()
        rect = self._drag_selection()
        self._drag_origin = self._drag_end = None
        self._adjust = (0, 0, 0, 0)
        if rect is None or rect.width < MIN_DRAG or rect.height < MIN_DRAG:
            snap = self.snap_at(origin)
            if snap is None:
                log.debug("release after a %s selection: a click, not a capture", rect)
                self.selection = None
                self.hovered = self.snap_at(event.position())
                self.update()
                return
            log.debug("click on window %r: %s", snap.window.title, snap.logical)
            self.snapped = snap
            rect = snap.logical
        self.selection = rect
        self.update()
        if self._session.capture_on_release:
            self._session._on_region_chosen(self, rect)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._session._on_region_chosen(self, self.bounds)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._session._on_key_pressed(self, event):
            super().keyPressEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._cursor = None
        self.hovered = None
        self.update()
        super().leaveEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closed from outside (a window manager's close, Alt+F4): that is a cancel.
        self._session._on_overlay_closed(self)
        super().closeEvent(event)

    # --- painting -------------------------------------------------------------------------

    def release_images(self) -> None:
        """Drop the frozen screen's pixmaps (two full screens of RGB32: 16.6 MB at 1920×1080)
        as soon as the overlay is closed: the overlay and its session refer to each other,
        so without this they lived until Python's cyclic garbage collector ran, which an idle
        tray app rarely makes it do (measured: +15 MB after 20 captures, ADR 012)."""
        self._pixmap = QPixmap()
        self._dimmed = QPixmap()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._dimmed.isNull():
            return  # closed: nothing to paint
        painter = QPainter(self)
        whole = QRectF(self.rect())
        painter.drawPixmap(whole, self._dimmed, self._source_rect(whole))
        if self.selection is not None:
            self._paint_selection(painter, self.selection)
        elif self.hovered is not None:
            self._paint_hovered(painter, self.hovered)
        if self._cursor is not None:
            self._paint_crosshair(painter, self._cursor)
        if self._show_help and self.selection is None and self._session.long_capture:
            self._paint_help(
                painter,
                self.tr("Long capture: drag over the chat, then scroll it · Esc: cancel"),
            )
        elif self._show_help and self.selection is None:
            self._paint_help(
                painter,
                self.tr("Click a window or drag to capture · Enter: whole screen · Esc: cancel")
                if self.snaps
                else None,
            )
        elif self._show_help and self.preselected is not None and self.selection == self.preselected[0]:
            self._paint_help(
                painter,
                self.tr(
                    "Enter: capture this region again · S: long capture · Drag: a new region · Esc: cancel"
                ),
            )
        if self._cursor is not None:
            self._paint_magnifier(painter, self._cursor)
        painter.end()
        if not self._painted:
            self._painted = True
            self._session._on_overlay_painted()

    def _paint_selection(self, painter: QPainter, selection: Rect) -> None:
        target = QRectF(selection.x, selection.y, selection.width, selection.height)
        painter.drawPixmap(target, self._pixmap, self._source_rect(target))
        painter.setPen(QPen(_ACCENT, 0))  # cosmetic: one device pixel at any ratio
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(target.adjusted(0, 0, -1 / self._scale_x, -1 / self._scale_y))
        physical = self.physical(selection)
        text = self.tr("{width} × {height}").format(width=physical.width, height=physical.height)
        font = self._label_font()
        size = self._label_size(font, text)
        x = selection.x
        y = selection.y - size.height() - 6
        if y < 0:  # no room above: put it inside the top-left corner
            y = selection.y + 6
            x = selection.x + 6
        x = min(max(0, x), self.width() - size.width())
        y = min(max(0, y), self.height() - size.height())
        self._paint_label(painter, QRect(QPoint(int(x), int(y)), size), text, font)

    def _paint_hovered(self, painter: QPainter, snap: _Snap) -> None:
        """The window under the pointer: undimmed, outlined, its title on it."""
        r = snap.logical
        target = QRectF(r.x, r.y, r.width, r.height)
        painter.drawPixmap(target, self._pixmap, self._source_rect(target))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(_ACCENT, 3))
        painter.drawRect(target.adjusted(1.5, 1.5, -1.5, -1.5))
        title = snap.window.title or snap.window.app
        if not title:
            return
        if len(title) > _TITLE_CHARS:
            title = title[: _TITLE_CHARS - 1] + "…"
        physical = snap.physical
        text = self.tr("{title} · {width} × {height}").format(
            title=title, width=physical.width, height=physical.height
        )
        font = self._label_font()
        size = self._label_size(font, text)
        x = min(max(0, r.x + 8), self.width() - size.width())
        y = min(max(0, r.y + 8), self.height() - size.height())
        self._paint_label(painter, QRect(QPoint(int(x), int(y)), size), text, font)

    def _paint_crosshair(self, painter: QPainter, cursor: QPointF) -> None:
        painter.setPen(QPen(_CROSSHAIR, 0, Qt.PenStyle.DashLine))
        x, y = int(cursor.x()) + 0.5, int(cursor.y()) + 0.5
        painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        painter.drawLine(QPointF(0, y), QPointF(self.width(), y))

    def _paint_help(self, painter: QPainter, text: str | None = None) -> None:
        text = text or self.tr("Drag to capture · Enter: whole screen · Esc: cancel")
        font = self._label_font(1.25)
        size = self._label_size(font, text, padding=12)
        box = QRect(QPoint((self.width() - size.width()) // 2, 24), size)
        if self._cursor is not None and box.adjusted(-40, -40, 40, 40).contains(self._cursor.toPoint()):
            box.moveBottom(self.height() - 24)  # out of the way of the pointer
        self._paint_label(painter, box, text, font)

    def _paint_magnifier(self, painter: QPainter, cursor: QPointF) -> None:
        px = min(int(cursor.x() * self._scale_x), self.grab_.size[0] - 1)
        py = min(int(cursor.y() * self._scale_y), self.grab_.size[1] - 1)
        n, zoom = MAGNIFIER_PIXELS, MAGNIFIER_ZOOM
        half = n // 2
        side = n * zoom
        text = self.tr("{x}, {y}").format(x=px, y=py)
        font = self._label_font()
        label = self._label_size(font, text)
        total_h = side + 4 + label.height()
        x = cursor.x() + 24
        y = cursor.y() + 24
        if x + side > self.width():
            x = cursor.x() - 24 - side
        if y + total_h > self.height():
            y = cursor.y() - 24 - total_h
        x = min(max(0, x), self.width() - side)
        y = min(max(0, y), self.height() - total_h)
        box = QRectF(x, y, side, side)

        painter.fillRect(box, Qt.GlobalColor.black)
        # Only the part of the 15x15 window that is on the image; the rest stays black.
        src = QRect(px - half, py - half, n, n).intersected(QRect(QPoint(0, 0), self._pixmap.size()))
        if not src.isEmpty():
            target = QRectF(
                box.x() + (src.x() - (px - half)) * zoom,
                box.y() + (src.y() - (py - half)) * zoom,
                src.width() * zoom,
                src.height() * zoom,
            )
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            painter.drawPixmap(target, self._pixmap, QRectF(src))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(128, 128, 128, 40), 0))  # a faint grid: one cell per pixel
        for i in range(1, n):
            painter.drawLine(QPointF(box.x() + i * zoom, box.y()), QPointF(box.x() + i * zoom, box.bottom()))
            painter.drawLine(QPointF(box.x(), box.y() + i * zoom), QPointF(box.right(), box.y() + i * zoom))
        painter.setPen(QPen(QColor(255, 255, 255, 220), 0))
        painter.drawRect(QRectF(box.x() + half * zoom, box.y() + half * zoom, zoom, zoom))
        painter.setPen(QPen(_ACCENT, 0))
        painter.drawRect(box)
        label_box = QRect(QPoint(int(box.x() + (side - label.width()) / 2), int(box.bottom() + 4)), label)
        self._paint_label(painter, label_box, text, font)

    def _label_font(self, scale: float = 1.0) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(9.0, font.pointSizeF()) * scale)
        font.setBold(True)
        return font

    @staticmethod
    def _label_size(font: QFont, text: str, padding: int = 6) -> QSize:
        metrics = QFontMetrics(font)
        return QSize(metrics.horizontalAdvance(text) + 2 * padding, metrics.height() + padding)

    @staticmethod
    def _paint_label(painter: QPainter, box: QRect, text: str, font: QFont) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(_LABEL_BG))
        painter.drawRoundedRect(QRectF(box), 5, 5)
        painter.setFont(font)
        painter.setPen(_LABEL_FG)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


class CaptureSession(QObject):
    """One capture: overlays on every screen until a region is chosen or the user cancels."""

    # (the ScreenGrab, a capture.region.Rect in physical pixels relative to the grab's corner)
    region_selected = Signal(object, object)
    # The same, for a long (scrolling) capture of the region: key S after a selection, or
    # any selection in a session started for a long capture (`long_capture`).
    long_capture_selected = Signal(object, object)
    cancelled = Signal()
    # time.time() when the first overlay was painted (for latency benchmarks)
    overlay_shown = Signal(float)

    def __init__(
        self,
        grabs: list[ScreenGrab],
        parent: QObject | None = None,
        *,
        preselect: Rect | None = None,
        windows: Sequence[WindowInfo] = (),
        long_capture: bool = False,
    ) -> None:
        """`long_capture`: the region chosen starts a long capture (`long_capture_selected`).
        `preselect`: a region in desktop coordinates to show selected at the start
        ("Capture again"): Enter takes it, a drag makes a new one, Esc cancels.
        `windows`: the desktop's top-level windows at the grab, top-most first (desktop
        coordinates, capture.windows), to highlight under the pointer and snap to on a click."""
        super().__init__(parent)
        if not grabs:
            raise ValueError("a capture session needs at least one grabbed screen")
        self._grabs = list(grabs)
        self._preselect = preselect
        self._windows = list(windows)
        #: The window whose rectangle was taken by a click, set before `region_selected`
        #: (None: a dragged or keyboard selection).
        self.snapped_window: WindowInfo | None = None
        self._overlays: list[_Overlay] = []
        self._finished = False
        self._closing = False
        self._shown_emitted = False
        self._pointer_overlay: _Overlay | None = None  # the one the pointer was last seen on
        # Release of a drag captures at once (the product's default: it must feel instant).
        # When False the selection stays for arrow keys and Enter (or a double-click) captures.
        self.capture_on_release = True
        self.long_capture = long_capture

    @property
    def overlays(self) -> list[QWidget]:
        """The overlay windows, in the order of the grabs they paint (for tests and tools)."""
        return list(self._overlays)

    def start(self) -> None:
        """Show one overlay per screen, the one under the pointer active and focused."""
        if self._overlays or self._finished:
            raise RuntimeError("a capture session starts once")
        pairs = _pair_grabs_with_screens(self._grabs, QGuiApplication.screens())
        if not pairs:
            raise RuntimeError("Qt reports no screen to show the capture overlay on")
        for grab, screen in pairs:
            log.debug(
                "overlay for grab %d %s on screen %s %s (ratio %s)",
                grab.index,
                grab.geometry,
                screen.name(),
                screen.geometry(),
                screen.devicePixelRatio(),
            )
            self._overlays.append(_Overlay(self, grab, screen, self._windows))
        preselected = self._apply_preselect()
        # A dialog of ours running modally (a settings or purchase dialog) would block every
        # other window's mouse and keys: the overlays count as its own windows instead.
        modal = QApplication.activeModalWidget()
        for overlay in self._overlays:
            if modal is not None and modal.windowHandle() is not None:
                overlay.winId()
                handle = overlay.windowHandle()
                if handle is not None:
                    handle.setTransientParent(modal.windowHandle())
            if QGuiApplication.platformName() == "wayland":
                overlay.showFullScreen()
            else:
                overlay.show()
        self._pointer_overlay = preselected or self._overlay_under_cursor() or self._overlays[0]
        self._activate(self._pointer_overlay)

    def _apply_preselect(self) -> _Overlay | None:
        if self._preselect is None:
            return None
        r = self._preselect
        for overlay in self._overlays:
            if overlay.grab_.holds(r.x, r.y):
                overlay.preselect(overlay.grab_.from_desktop(r))
                return overlay if overlay.selection is not None else None
        return None

    def close(self) -> None:
        """Close every overlay; safe to call any number of times."""
        if self._closing:
            return
        self._closing = True
        self._finished = True
        for overlay in self._overlays:
            overlay.close()
            overlay.release_images()
            overlay.deleteLater()
        # Make the X server unmap them now, before anyone takes another screenshot.
        QGuiApplication.sync()

    # --- from the overlays ------------------------------------------------------------------

    def _overlay_under_cursor(self) -> _Overlay | None:
        for overlay in self._overlays:
            if overlay.screen_.geometry().contains(QCursor.pos(overlay.screen_)):
                return overlay
        return None

    @staticmethod
    def _activate(overlay: _Overlay) -> None:
        overlay.raise_()
        overlay.activateWindow()
        overlay.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def _on_pointer_moved(self, overlay: _Overlay) -> None:
        # The keyboard follows the pointer from screen to screen, so Enter means "this screen".
        if overlay is not self._pointer_overlay and not self._finished:
            self._pointer_overlay = overlay
            self._activate(overlay)

    def _key_target(self, sender: _Overlay) -> _Overlay:
        for overlay in self._overlays:
            if overlay.selection is not None:
                return overlay
        return self._pointer_overlay or sender

    def _on_key_pressed(self, sender: _Overlay, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self._on_cancel_requested()
            return True
        target = self._key_target(sender)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._on_region_chosen(target, target.selection or target.bounds)
            return True
        if key == Qt.Key.Key_S and target.selection is not None:
            self._on_region_chosen(target, target.selection, long_capture=True)
            return True
        if key in _ARROWS:
            dx, dy = _ARROWS[Qt.Key(key)]
            mods = event.modifiers()
            step = 10 if mods & Qt.KeyboardModifier.ControlModifier else 1
            target.adjust_selection(
                dx * step, dy * step, resize=bool(mods & Qt.KeyboardModifier.ShiftModifier)
            )
            return True
        return False

    def _on_drag_started(self, sender: _Overlay) -> None:
        for overlay in self._overlays:
            if overlay is not sender:
                overlay.clear_selection()

    def _on_region_chosen(self, overlay: _Overlay, logical: Rect, long_capture: bool = False) -> None:
        if self._finished:
            return
        physical = overlay.physical(logical)
        if physical.empty:
            log.warning("selection %s maps to no pixels; ignored", logical)
            return
        log.debug("selected %s logical -> %s physical on grab %d", logical, physical, overlay.grab_.index)
        self.snapped_window = overlay.snapped_window(logical)
        self.close()  # first: the overlays must never be in a later screenshot
        if long_capture or self.long_capture:
            self.long_capture_selected.emit(overlay.grab_, physical)
        else:
            self.region_selected.emit(overlay.grab_, physical)

    def _on_cancel_requested(self) -> None:
        if self._finished:
            return
        log.debug("capture cancelled")
        self.close()
        self.cancelled.emit()

    def _on_overlay_closed(self, overlay: _Overlay) -> None:
        if not self._closing:
            self._on_cancel_requested()

    def _on_overlay_painted(self) -> None:
        if not self._shown_emitted:
            self._shown_emitted = True
            self.overlay_shown.emit(time.time())
