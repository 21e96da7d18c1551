"""Grid tiles look alike whatever the picture's shape, and dates follow the UI language."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPalette,
    QPixmap,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from gui.capture_tile import CAPTION_LINES, CaptureTileDelegate, picture_rect, tile_layout, tile_size

from .conftest import ROOT

pytest.importorskip("pytestqt")


def test_a_tall_screenshot_keeps_its_caption_inside_the_tile(qapp) -> None:  # type: ignore[no-untyped-def]
    metrics = QFontMetrics(QFont())
    size = tile_size(160, metrics)
    cell = QRect(0, 0, size.width(), size.height())
    layout = tile_layout(cell, 160, metrics)
    tall = picture_rect(layout.picture_box, QSize(72, 160))  # a 1080 x 2400 phone screenshot
    wide = picture_rect(layout.picture_box, QSize(160, 100))
    for picture in (tall, wide):
        assert layout.picture_box.contains(picture)
    assert len(layout.lines) == CAPTION_LINES
    for line in layout.lines:
        assert cell.contains(line) and line.top() > layout.picture_box.bottom()
    # a small picture is not blown up
    assert picture_rect(layout.picture_box, QSize(40, 30)).size() == QSize(40, 30)


def _render(selected: bool, pixmap: QPixmap) -> QImage:
    model = QStandardItemModel()
    item = QStandardItem("12/2/26 9:30 AM\n二手相机\n卖家承诺七天无理由退货")
    item.setData(pixmap, Qt.ItemDataRole.DecorationRole)
    model.appendRow(item)
    delegate = CaptureTileDelegate(160)
    option = QStyleOptionViewItem()
    option.font = QFont()
    option.fontMetrics = QFontMetrics(option.font)
    size = tile_size(160, option.fontMetrics)
    option.rect = QRect(0, 0, size.width(), size.height())
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor(0, 0, 255))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
    palette.setColor(QPalette.ColorRole.Text, QColor(0, 0, 0))
    option.palette = palette
    option.state = QStyle.StateFlag.State_Enabled | (
        QStyle.StateFlag.State_Selected if selected else QStyle.StateFlag.State_None
    )
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    delegate.paint(painter, option, model.index(0, 0))
    painter.end()
    return image


def test_the_selection_covers_the_whole_tile_and_the_caption_is_drawn(qapp) -> None:  # type: ignore[no-untyped-def]
    tall = QPixmap(72, 160)
    tall.fill(QColor(0, 200, 0))
    image = _render(True, tall)
    # beside the narrow picture, at the top of the tile, the selection colour shows
    assert image.pixelColor(12, 20) == QColor(0, 0, 255)
    assert image.pixelColor(image.width() // 2, 20) == QColor(0, 200, 0)
    # the caption (white on the selection) is drawn below the picture
    caption = [image.pixelColor(x, y) for y in range(175, image.height() - 4) for x in range(image.width())]
    assert QColor(255, 255, 255) in caption
    plain = _render(False, tall)
    assert plain.pixelColor(12, 20) == QColor(255, 255, 255)
    text = [
        plain.pixelColor(x, y).lightness()
        for y in range(175, plain.height() - 4)
        for x in range(plain.width())
    ]
    assert min(text) < 100  # dark caption text on white


@pytest.mark.parametrize(
    ("language", "expected"), [("system", "12/2/26"), ("en", "12/2/26"), ("zh_CN", "2026/12/2")]
)
def test_dates_follow_the_ui_language_even_under_the_c_locale(language: str, expected: str) -> None:
    code = (
        "from PySide6.QtCore import QDate, QLocale; from gui.i18n import ui_locale; "
        f"print(ui_locale({language!r}).toString(QDate(2026, 12, 2), QLocale.FormatType.ShortFormat))"
    )
    env = {**os.environ, "LANG": "C", "LC_ALL": "C", "PYTHONPATH": str(ROOT)}
    env.pop("LANGUAGE", None)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == expected
