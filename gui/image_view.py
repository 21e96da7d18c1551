"""The capture at full resolution in the library window's preview, with the search's
matches boxed on it: zoom (Ctrl+wheel, or the preview's buttons), pan by dragging, and a
fit to the width by default."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QImage,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QStyle,
    QWidget,
)

from .style import MATCH_FILL, MATCH_OUTLINE

ZOOM_STEP = 1.25
MIN_ZOOM = 0.05
MAX_ZOOM = 8.0


class ImageView(QGraphicsView):
    """The capture at full resolution. The scene is in image pixels, so the match boxes
    (also in image pixels) follow every zoom exactly. Ctrl+wheel zooms under the mouse;
    dragging pans. "Fit" (the default) keeps the image as wide as the view, never enlarged."""

    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self._pixmap_item: QGraphicsPixmapItem | None = None
        self._border: QGraphicsRectItem | None = None
        self.highlight_items: list[QGraphicsRectItem] = []
        self._scale = 1.0
        self._fit = True
        self._apply_palette()

    # ---------------------------------------------------------------- content

    def set_image(self, image: QImage, size: QSize | None = None, keep_view: bool = False) -> None:
        """Show `image`, laid out as `size` image pixels (the record's size: the word
        boxes are in those pixels even if the window passed a scaled-down image).
        `keep_view` keeps the zoom and scroll position (the same picture shown again);
        otherwise the picture starts fitted to the width."""
        fit, scale = self._fit, self._scale
        scroll = (self.horizontalScrollBar().value(), self.verticalScrollBar().value())
        self.clear_image()
        scene = self.scene()
        width = size.width() if size is not None and size.width() > 0 else image.width()
        height = size.height() if size is not None and size.height() > 0 else image.height()
        self._border = scene.addRect(QRectF(0, 0, width, height), self._border_pen())
        self._border.setZValue(-1)
        item = scene.addPixmap(QPixmap.fromImage(image))
        if image.width() > 0 and width != image.width():
            item.setScale(width / image.width())
        item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._pixmap_item = item
        scene.setSceneRect(QRectF(0, 0, width, height))
        if keep_view and not fit:
            self.set_zoom(scale)
        else:
            self.fit()
        if keep_view:
            self.horizontalScrollBar().setValue(scroll[0])
            self.verticalScrollBar().setValue(scroll[1])

    def clear_image(self) -> None:
        self.scene().clear()
        self.highlight_items = []
        self._pixmap_item = None
        self._border = None

    def set_boxes(self, boxes: Sequence[tuple[int, int, int, int]]) -> None:
        """Draw the match rectangles (image pixels), replacing the previous ones."""
        scene = self.scene()
        for item in self.highlight_items:
            scene.removeItem(item)
        self.highlight_items = []
        pen = QPen(MATCH_OUTLINE, 2)
        pen.setCosmetic(True)  # as thick at every zoom
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        for x0, y0, x1, y1 in boxes:
            item = scene.addRect(QRectF(x0, y0, x1 - x0, y1 - y0), pen, QBrush(MATCH_FILL))
            item.setZValue(1)
            self.highlight_items.append(item)

    def show_first_match(self) -> None:
        if self.highlight_items:
            self.ensureVisible(self.highlight_items[0].rect(), 40, 40)

    # ---------------------------------------------------------------- zoom

    @property
    def zoom(self) -> float:
        return self._scale

    @property
    def fitting(self) -> bool:
        return self._fit

    def set_zoom(self, scale: float) -> None:
        self._fit = False
        self._set_scale(scale)

    def zoom_by(self, factor: float) -> None:
        self.set_zoom(self._scale * factor)

    def fit(self) -> None:
        self._fit = True
        self._refit()

    def fit_scale(self) -> float:
        """The scale at which the image fills the view's width (at most 100%)."""
        rect = self.sceneRect()
        if rect.width() <= 0:
            return 1.0
        bar = self.verticalScrollBar()
        available = self.viewport().width() + (bar.width() if bar.isVisible() else 0) - 2
        scale = available / rect.width()
        if rect.height() * scale > self.viewport().height():
            # A vertical scroll bar will be needed: leave it room now, so the fit is stable.
            scale = (
                available - self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
            ) / rect.width()
        return max(MIN_ZOOM, min(1.0, scale))

    def _refit(self) -> None:
        if self._fit:
            self._set_scale(self.fit_scale())

    def _set_scale(self, scale: float) -> None:
        scale = max(MIN_ZOOM, min(MAX_ZOOM, scale))
        self._scale = scale
        self.setTransform(QTransform.fromScale(scale, scale))
        if self._pixmap_item is not None:
            # Smooth when shrinking; sharp pixels when looking closely at a zoomed-in detail.
            mode = (
                Qt.TransformationMode.FastTransformation
                if scale >= 2.0
                else Qt.TransformationMode.SmoothTransformation
            )
            self._pixmap_item.setTransformationMode(mode)
        self.zoom_changed.emit(scale)

    # ---------------------------------------------------------------- events

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.zoom_by(ZOOM_STEP**steps)
            event.accept()
            return
        super().wheelEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)

    def _border_pen(self) -> QPen:
        pen = QPen(self.palette().color(QPalette.ColorRole.Mid), 1)
        pen.setCosmetic(True)
        return pen

    def _apply_palette(self) -> None:
        """A backdrop a shade off the window colour, so white (or black) screenshots keep
        their edges on light (or dark) themes."""
        window = self.palette().color(QPalette.ColorRole.Window)
        backdrop = window.darker(112) if window.lightness() > 128 else window.lighter(135)
        self.setBackgroundBrush(QBrush(backdrop))
        if self._border is not None:
            self._border.setPen(self._border_pen())


__all__ = ["MAX_ZOOM", "MIN_ZOOM", "ZOOM_STEP", "ImageView"]
