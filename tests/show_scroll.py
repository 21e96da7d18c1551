"""A tall synthetic chat in a scroll area, at the top-left corner of the X screen (for the
long capture's end-to-end test).

    python tests/show_scroll.py FOLDER

`make_chat(FOLDER)` (plain PIL, importable by the test) writes title.png (a title bar with
the seller's name), body.png (more than five screens of distinct messages, with runs of
identical "好的" bubbles) and input.png (the input box). The window shows the title bar and
the input box fixed, and the body in a scroll area between them (no scroll bar: the wheel
scrolls it, 120 pixels a click). It prints one JSON line: the chat's rectangle on the screen
(`region`: title bar, viewport and input box), the viewport's (`viewport`) and the highest
scroll value (`max_scroll`); then a line `{"scroll": N}` whenever the body scrolls.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH = 600
TITLE_H = 60
VIEWPORT_H = 480
INPUT_H = 80
BODY_H = VIEWPORT_H * 6
STEP = 40  # pixels per wheel line; a click scrolls three lines
BACKGROUND = (237, 237, 237)
FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def _bubble(lines: list[str], mine: bool, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> Image.Image:
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    w = max(int(measure.textlength(line, font=font)) for line in lines) + 24
    bubble = Image.new("RGB", (w, 14 + 26 * len(lines)), (149, 236, 105) if mine else (255, 255, 255))
    draw = ImageDraw.Draw(bubble)
    for n, line in enumerate(lines):
        draw.text((12, 5 + 26 * n), line, fill=(20, 20, 20), font=font)
    return bubble


def make_chat(folder: Path) -> tuple[Path, Path, Path]:
    """Write the chat's three parts into `folder`; return their paths (title, body, input)."""
    font = _font(18)
    title = Image.new("RGB", (WIDTH, TITLE_H), (46, 46, 52))
    ImageDraw.Draw(title).text((20, 16), "乐活健身 · 卖家", fill=(255, 255, 255), font=_font(22))
    body = Image.new("RGB", (WIDTH, BODY_H), BACKGROUND)
    ok = _bubble(["好的"], True, font)
    small = _font(13)
    draw = ImageDraw.Draw(body)
    y, i = 12, 0
    while True:
        mine = i % 3 == 2
        # Messages of one to three lines, as chats have them, each line different.
        lines = [f"消息 {i:03d}: 订单 2026{i:05d} 七天无理由退货 #{i * 37 % 101}"]
        lines += [f"第 {n + 2} 行, 承诺 {i * 13 + n} 天内发货" for n in range(i * 7 % 3)]
        bubbles = [_bubble(lines, mine, font)]
        if i % 6 == 5:
            bubbles += [ok, ok, ok]  # identical bubbles, one under the other
        if y + 60 * len(bubbles) + 40 > BODY_H - 12:
            break
        if i % 4 == 0:  # a time stamp now and then
            stamp = f"2026-04-{1 + i // 8:02d} {9 + i % 12:02d}:{i * 7 % 60:02d}"
            draw.text((WIDTH // 2 - 60, y), stamp, fill=(150, 150, 150), font=small)
            y += 26
        for b in bubbles:
            x = WIDTH - 16 - b.width if b is ok or mine else 16
            body.paste(b, (x, y))
            y += b.height + 12
        i += 1
    inp = Image.new("RGB", (WIDTH, INPUT_H), (250, 250, 250))
    draw = ImageDraw.Draw(inp)
    draw.line((0, 0, WIDTH, 0), fill=(200, 200, 200))
    draw.text((16, 26), "输入消息…", fill=(150, 150, 150), font=font)
    paths = (folder / "title.png", folder / "body.png", folder / "input.png")
    for image, path in zip((title, body, inp), paths, strict=True):
        image.save(path)
    return paths


def main() -> int:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QPixmap
    from PySide6.QtWidgets import QApplication, QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

    folder = Path(sys.argv[1])
    app = QApplication(sys.argv[:1])
    window = QWidget()
    window.setWindowTitle("proofshot-test-scroll")
    window.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.X11BypassWindowManagerHint)
    layout = QVBoxLayout(window)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    labels = []
    for name in ("title", "body", "input"):
        label = QLabel()
        label.setPixmap(QPixmap(str(folder / f"{name}.png")))
        label.setContentsMargins(0, 0, 0, 0)
        label.setFixedSize(label.pixmap().size())
        labels.append(label)
    area = QScrollArea()
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(labels[1])
    area.setFixedSize(WIDTH, VIEWPORT_H)
    area.verticalScrollBar().setSingleStep(STEP)
    layout.addWidget(labels[0])
    layout.addWidget(area)
    layout.addWidget(labels[2])
    window.setGeometry(0, 0, WIDTH, TITLE_H + VIEWPORT_H + INPUT_H)
    bar = area.verticalScrollBar()
    bar.valueChanged.connect(lambda v: print(json.dumps({"scroll": v}), flush=True))
    window.show()

    def announce() -> None:
        top = window.mapToGlobal(QPoint(0, 0))
        vp = area.viewport().mapToGlobal(QPoint(0, 0))
        print(
            json.dumps(
                {
                    "region": [top.x(), top.y(), window.width(), window.height()],
                    "viewport": [vp.x(), vp.y(), area.viewport().width(), area.viewport().height()],
                    "max_scroll": bar.maximum(),
                }
            ),
            flush=True,
        )

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, announce)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
