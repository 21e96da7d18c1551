"""Small pieces the dialogs share: wrapped and hint labels, and questions that do not block."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractButton, QLabel, QMessageBox, QWidget

from .style import make_smaller


def wrapped(text: str = "") -> QLabel:
    """A plain-text label that wraps its lines."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def muted(label: QLabel) -> QLabel:
    """A smaller, greyer label for explanations; the theme's placeholder colour, so it
    follows light and dark themes by itself."""
    make_smaller(label)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def question(parent: QWidget, title: str, text: str, informative: str = "") -> QMessageBox:
    """A question shown over `parent` with open(), so no nested event loop waits for
    the answer; buttons are added by the caller."""
    box = QMessageBox(parent)
    box.setObjectName("question")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if informative:
        box.setInformativeText(informative)
    box.setWindowModality(Qt.WindowModality.WindowModal)

    def answered() -> None:
        if getattr(parent, "question", None) is box:
            parent.question = None  # type: ignore[attr-defined]
        box.deleteLater()

    box.finished.connect(answered)
    return box


def find_button(box: QMessageBox, text: str) -> QAbstractButton:
    """The button of `box` whose text is `text`."""
    for button in box.buttons():
        if button.text() == text:
            return button
    raise LookupError(f"the question has no button {text!r}")


__all__ = ["find_button", "muted", "question", "wrapped"]
