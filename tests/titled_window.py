"""A managed, titled test window (for the window-snapping end-to-end test).

python tests/titled_window.py TITLE X Y WIDTH HEIGHT RGBHEX

Shows a normal top-level window (the window manager frames it, with TITLE in its title bar)
at X,Y of WIDTHxHEIGHT, filled with a colour and a pattern of stripes so that a capture of the
wrong rectangle cannot match. Its WM_CLASS is ("proofshot-test", "ProofshotTest")."""

from __future__ import annotations

import sys

from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QWidget


class _Window(QWidget):
    def __init__(self, color: QColor) -> None:
        super().__init__()
        self._color = color

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), self._color)
        for i, x in enumerate(range(0, self.width(), 23)):
            p.fillRect(x, 0, 7, self.height(), QColor((i * 40) % 256, 255 - (i * 30) % 256, (i * 70) % 256))
        p.end()


def main() -> int:
    title, x, y, w, h, rgb = sys.argv[1:7]
    app = QApplication(["proofshot-test"])
    app.setApplicationName("ProofshotTest")
    window = _Window(QColor("#" + rgb))
    window.setWindowTitle(title)
    window.setGeometry(int(x), int(y), int(w), int(h))
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
