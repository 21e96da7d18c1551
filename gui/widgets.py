"""Small pieces the dialogs share: form fields with an error line under them, wrapped and
hint labels, and questions that do not block."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from .style import make_smaller, set_text_tone


def form_layout(group: QGroupBox) -> QFormLayout:
    """The form of an editor's group: labels right-aligned, fields as wide as the group."""
    form = QFormLayout(group)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setVerticalSpacing(6)
    return form


def line_edit(name: str, placeholder: str = "") -> QLineEdit:
    """A one-line field named `name` (its object name), with a clear button."""
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    return edit


def with_error(name: str, field: QWidget | QHBoxLayout, errors: dict[str, QLabel]) -> QWidget:
    """`field` with a red message line under it, hidden until there is a problem; the
    line is put in `errors` under `name`."""
    host = QWidget()
    box = QVBoxLayout(host)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(2)
    if isinstance(field, QHBoxLayout):
        box.addLayout(field)
    else:
        box.addWidget(field)
    error = QLabel()
    error.setObjectName(f"{name}_error")
    error.setWordWrap(True)
    error.setTextFormat(Qt.TextFormat.PlainText)
    set_text_tone(error, "error")
    error.hide()
    box.addWidget(error)
    errors[name] = error
    return host


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


@runtime_checkable
class _AsksQuestions(Protocol):
    """A window that keeps its open question in `question` (for tests to answer)."""

    question: QMessageBox | None


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
        if isinstance(parent, _AsksQuestions) and parent.question is box:
            parent.question = None
        box.deleteLater()

    box.finished.connect(answered)
    return box


def find_button(box: QMessageBox, text: str) -> QAbstractButton:
    """The button of `box` whose text is `text`."""
    for button in box.buttons():
        if button.text() == text:
            return button
    raise LookupError(f"the question has no button {text!r}")


__all__ = ["find_button", "form_layout", "line_edit", "muted", "question", "with_error", "wrapped"]
