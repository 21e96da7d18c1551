"""A small confirmation near the corner of the screen, with action buttons.

The system tray's own balloon cannot carry buttons, and "Undo" must be one click
away right after a capture, so Proofshot shows its own: frameless, on top, never
taking focus from the chat the user is in, gone after a few seconds unless hovered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

DEFAULT_MS = 7000
#: What a button of the message does when clicked; whatever it returns is not used.
ToastAction = Callable[[], object]


class Toast(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlags(
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowDoesNotAcceptFocus
        )
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setObjectName("ProofshotToast")
        self.setWindowTitle("Proofshot")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#ProofshotToast { background: palette(window); border: 1px solid palette(mid); border-radius: 8px; }"
        )
        self._title = QLabel()
        self._title.setStyleSheet("font-weight: 600;")
        self._body = QLabel()
        self._body.setWordWrap(True)
        self._buttons = QHBoxLayout()
        self._buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 10)
        layout.addWidget(self._title)
        layout.addWidget(self._body)
        layout.addLayout(self._buttons)
        self.setMinimumWidth(340)
        self.setMaximumWidth(460)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.installEventFilter(self)

    def show_message(
        self,
        title: str,
        body: str = "",
        actions: Sequence[tuple[str, ToastAction]] | None = None,
        timeout_ms: int = DEFAULT_MS,
    ) -> None:
        self._title.setText(title)
        self._body.setText(body)
        self._body.setVisible(bool(body))
        while self._buttons.count() > 1:
            item = self._buttons.takeAt(1)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for label, callback in actions or []:
            button = QPushButton(label)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, cb=callback: self._run(cb))
            self._buttons.addWidget(button)
        self.adjustSize()
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.move(area.right() - self.width() - 16, area.bottom() - self.height() - 16)
        self.show()
        self.raise_()
        self._timer.start(timeout_ms)

    def _run(self, action: ToastAction) -> None:
        """A button's action: the message goes away first."""
        self.hide()
        action()

    def still_due(self) -> bool:
        """The message's time is not up yet (it is shown, or was hidden only for a capture)."""
        return self._timer.isActive()

    def buttons(self) -> list[QPushButton]:
        return [b for b in self.findChildren(QPushButton) if not b.isHidden()]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self and event.type() == QEvent.Type.Enter:
            self._timer.stop()
        elif watched is self and event.type() == QEvent.Type.Leave:
            self._timer.start(3000)
        return False
