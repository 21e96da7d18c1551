"""Show an image full-screen on one Wayland output, one image pixel per device pixel, and
report the pointer events the window gets (for the Wayland test harness, tests/wayland.py).

python tests/wayland_picture.py IMAGE OUTPUT TITLE

The window (title TITLE) goes full-screen on the QScreen named OUTPUT; the image is painted
at its top-left corner at the screen's device pixel ratio (so on a scale-2 output a 100 px
wide image covers 50 logical pixels) over black. Each line on stdout is a JSON object:
{"event": "ready", "screen": ..., "geometry": [x, y, w, h], "dpr": ...} once shown, then
{"event": "press"|"move"|"release", "x", "y" (logical, in the window), "gx", "gy"
(logical, global), "button"} for every mouse press, move while pressed and release, and
{"event": "key", "key": ..., "text": ...} for key presses, and {"event": "enter", "x", "y"} and
{"event": "leave"} when the pointer comes in or goes.
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QColor, QEnterEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QApplication, QWidget


def say(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


class Picture(QWidget):
    def __init__(self, pixmap: QPixmap) -> None:
        super().__init__()
        self._pixmap = pixmap

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0))
        painter.drawPixmap(0, 0, self._pixmap)
        painter.end()

    def _mouse(self, kind: str, event: QMouseEvent) -> None:
        local, glob = event.position(), event.globalPosition()
        say(event=kind, x=local.x(), y=local.y(), gx=glob.x(), gy=glob.y(), button=event.button().value)

    def enterEvent(self, event: QEnterEvent) -> None:  # noqa: N802
        say(event="enter", x=event.position().x(), y=event.position().y())

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802
        say(event="leave")

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._mouse("press", event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._mouse("move", event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._mouse("release", event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        say(event="key", key=event.key(), text=event.text())


def main() -> int:
    image, output, title = sys.argv[1:4]
    app = QApplication(sys.argv[:1])
    screens = {s.name(): s for s in app.screens()}
    if output not in screens:
        print(f"no screen {output!r} among {sorted(screens)}", file=sys.stderr)
        return 2
    screen = screens[output]
    pixmap = QPixmap(image)
    if pixmap.isNull():
        print(f"cannot read {image}", file=sys.stderr)
        return 2
    pixmap.setDevicePixelRatio(screen.devicePixelRatio())
    window = Picture(pixmap)
    window.setWindowTitle(title)
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint)
    window.setScreen(screen)
    window.setGeometry(screen.geometry())
    window.showFullScreen()
    g = screen.geometry()
    QTimer.singleShot(
        0,
        lambda: say(
            event="ready",
            screen=screen.name(),
            geometry=[g.x(), g.y(), g.width(), g.height()],
            dpr=screen.devicePixelRatio(),
        ),
    )
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
