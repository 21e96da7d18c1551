"""How one capture is drawn in the library window's thumbnail grid.

Qt's own icon-mode drawing sizes each item by its picture, so a tall phone screenshot
(a 72 x 160 thumbnail) pushed its caption out of the cell and the selection only covered
the text. Here every tile has the same layout: the thumbnail centred in a square box,
then up to three caption lines (time, purchase, note or search snippet), each elided to
the tile's width, and the selection drawn behind the whole tile.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

CAPTION_LINES = 3
PADDING = 6


@dataclass(frozen=True)
class TileLayout:
    """Where the parts of a tile go, inside `cell`."""

    cell: QRect
    picture_box: QRect
    lines: tuple[QRect, ...]


def tile_size(icon: int, metrics: QFontMetrics) -> QSize:
    """The size of every tile: a square picture box and three caption lines."""
    width = icon + 2 * PADDING
    return QSize(width, PADDING + icon + PADDING + CAPTION_LINES * metrics.lineSpacing() + PADDING)


def tile_layout(cell: QRect, icon: int, metrics: QFontMetrics) -> TileLayout:
    box = QRect(cell.left() + (cell.width() - icon) // 2, cell.top() + PADDING, icon, icon)
    top = box.bottom() + 1 + PADDING
    line_height = metrics.lineSpacing()
    lines = tuple(
        QRect(cell.left() + PADDING, top + i * line_height, cell.width() - 2 * PADDING, line_height)
        for i in range(CAPTION_LINES)
    )
    return TileLayout(cell, box, lines)


def picture_rect(box: QRect, picture: QSize) -> QRect:
    """The picture scaled down (never up) to fit `box`, centred in it."""
    size = (
        picture.scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
        if (picture.width() > box.width() or picture.height() > box.height())
        else picture
    )
    return QRect(
        box.left() + (box.width() - size.width()) // 2,
        box.top() + (box.height() - size.height()) // 2,
        size.width(),
        size.height(),
    )


class CaptureTileDelegate(QStyledItemDelegate):
    """Draws grid tiles of a CaptureListModel: DecorationRole is the thumbnail,
    DisplayRole the caption lines separated by newlines."""

    def __init__(self, icon: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icon = icon

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        return tile_size(self.icon, option.fontMetrics)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        painter.save()
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        layout = tile_layout(option.rect, self.icon, option.fontMetrics)
        cell = option.rect.adjusted(1, 1, -1, -1)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(cell, 6, 6)
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Midlight))
            painter.drawRoundedRect(cell, 6, 6)
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            ratio = pixmap.devicePixelRatio() or 1.0
            size = QSize(round(pixmap.width() / ratio), round(pixmap.height() / ratio))
            painter.drawPixmap(picture_rect(layout.picture_box, size), pixmap)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(role))
        painter.setFont(option.font)
        metrics = option.fontMetrics
        for rect, line in zip(layout.lines, text.split("\n"), strict=False):
            elided = metrics.elidedText(line, Qt.TextElideMode.ElideRight, rect.width())
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter), elided)
        if option.state & QStyle.StateFlag.State_HasFocus and not selected:
            painter.setPen(palette.color(QPalette.ColorRole.Highlight))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(cell, 6, 6)
        painter.restore()
