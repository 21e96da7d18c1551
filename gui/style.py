"""The few colours not taken from the theme's palette, and the smaller text of hints.

The search's matches are marked in one yellow on every theme. The tones ("error", "done",
"todo") have a light-theme and a dark-theme shade, picked by the window colour's lightness.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QLabel, QWidget

# A marker yellow reads as "found" on light and dark themes alike, and on any screenshot.
# Text on it is always dark.
MATCH_FILL = QColor(255, 193, 7, 90)
MATCH_OUTLINE = QColor(245, 124, 0)
MATCH_TEXT_BACKGROUND = QColor(255, 213, 79)
MATCH_TEXT_FOREGROUND = QColor(0, 0, 0)

# (light theme, dark theme) colours of each tone.
TONES = {
    "error": ("#c0262d", "#ff7b7b"),
    "done": ("#1e7b34", "#7ad894"),
    "todo": ("#8a5300", "#f2b862"),
}


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def tone_color(tone: str, palette: QPalette | None = None) -> QColor:
    """The colour of `tone` ("error", "done", "todo") that reads well on `palette`
    (the application's by default)."""
    light, dark = TONES[tone]
    return QColor(dark if is_dark(palette or QGuiApplication.palette()) else light)


def set_text_tone(label: QLabel, tone: str, theme: QPalette | None = None) -> None:
    """Colour a label's text in `tone` ("error", "done", "todo") for the `theme` palette
    (the application's by default)."""
    palette = label.palette()  # only WindowText is set here; the rest follows the theme
    palette.setColor(QPalette.ColorRole.WindowText, tone_color(tone, theme))
    label.setPalette(palette)


def blend(a: QColor, b: QColor, share_of_b: float) -> QColor:
    keep = 1.0 - share_of_b
    return QColor(
        round(a.red() * keep + b.red() * share_of_b),
        round(a.green() * keep + b.green() * share_of_b),
        round(a.blue() * keep + b.blue() * share_of_b),
    )


def make_smaller(widget: QWidget) -> None:
    """A little smaller than the text around it, for explanations and hints."""
    font = widget.font()
    font.setPointSizeF(max(font.pointSizeF() * 0.92, 7.0))
    widget.setFont(font)


__all__ = [
    "MATCH_FILL",
    "MATCH_OUTLINE",
    "MATCH_TEXT_BACKGROUND",
    "MATCH_TEXT_FOREGROUND",
    "TONES",
    "blend",
    "is_dark",
    "make_smaller",
    "set_text_tone",
    "tone_color",
]
