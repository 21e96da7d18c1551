"""The tray icon and its menu, and the small window shown when there is no tray.

Both only emit requests (past-tense signals); the controller decides what happens.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QLabel, QMenu, QPushButton, QSystemTrayIcon, QVBoxLayout, QWidget

from .resources import icon_path

# (purchase id, title, is active) for the "Active purchase" menu.
PurchaseChoice = tuple[int, str, bool]


class TrayMenu(QObject):
    """The tray icon with its menu. Left click captures a region."""

    capture_region_requested = Signal()
    capture_fullscreen_requested = Signal()
    capture_again_requested = Signal()
    long_capture_requested = Signal()
    clipboard_requested = Signal()
    purchase_chosen = Signal(object)  # purchase id, or None for the Inbox
    new_purchase_requested = Signal()
    open_library_requested = Signal()
    settings_requested = Signal()
    quit_requested = Signal()

    def __init__(self, purchases: Callable[[], list[PurchaseChoice]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._purchases = purchases
        self._idle_tooltip = "Proofshot"
        self._working = False
        self._idle_icon = QIcon(icon_path("proofshot"))
        self._working_icon = QIcon(icon_path("proofshot-working"))
        self.menu = QMenu()
        self.menu.setObjectName("ProofshotTrayMenu")
        self._region_label = self.tr("Capture region")
        self.action_region = self._add(self._region_label, self.capture_region_requested)
        self.action_fullscreen = self._add(self.tr("Capture full screen"), self.capture_fullscreen_requested)
        self.action_again = self._add(self.tr("Capture again (same region)"), self.capture_again_requested)
        self.action_again.setEnabled(False)
        self.action_long = self._add(self.tr("Long capture"), self.long_capture_requested)
        self.action_clipboard = self._add(self.tr("Save clipboard image"), self.clipboard_requested)
        self.menu.addSeparator()
        self.new_purchase_label = self.tr("New purchase…")
        self.purchase_menu = QMenu(self.tr("Active purchase"), self.menu)
        self.purchase_menu.aboutToShow.connect(self._fill_purchases)
        self.menu.addMenu(self.purchase_menu)
        self.menu.addSeparator()
        self.action_library = self._add(self.tr("Open library"), self.open_library_requested)
        self.action_settings = self._add(self.tr("Settings…"), self.settings_requested)
        self.menu.addSeparator()
        self.action_quit = self._add(self.tr("Quit Proofshot"), self.quit_requested)
        self._fill_purchases()

        self.icon = QSystemTrayIcon(self._idle_icon, self)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_activated)
        self.set_working(False, "")

    def _add(self, text: str, signal: SignalInstance) -> QAction:
        action = QAction(text, self.menu)
        action.triggered.connect(lambda _=False: signal.emit())
        self.menu.addAction(action)
        return action

    def _fill_purchases(self) -> None:
        self.purchase_menu.clear()
        choices = self._purchases()
        inbox = QAction(self.tr("Inbox (no purchase)"), self.purchase_menu)
        inbox.setCheckable(True)
        inbox.setChecked(not any(active for _, _, active in choices))
        inbox.triggered.connect(lambda _=False: self.purchase_chosen.emit(None))
        self.purchase_menu.addAction(inbox)
        if choices:
            self.purchase_menu.addSeparator()
        for pid, title, active in choices:
            label = title if len(title) <= 40 else title[:39] + "…"
            action = QAction(f"#{pid}  {label}", self.purchase_menu)
            action.setCheckable(True)
            action.setChecked(active)
            action.triggered.connect(lambda _=False, p=pid: self.purchase_chosen.emit(p))
            self.purchase_menu.addAction(action)
        self.purchase_menu.addSeparator()
        new = QAction(self.new_purchase_label, self.purchase_menu)
        new.triggered.connect(lambda _=False: self.new_purchase_requested.emit())
        self.purchase_menu.addAction(new)

    def set_purchase_source(self, purchases: Callable[[], list[PurchaseChoice]]) -> None:
        self._purchases = purchases
        self._fill_purchases()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def set_working(self, working: bool, tooltip: str) -> None:
        """The busy icon and `tooltip` while working; when idle, the tooltip says how to capture."""
        self._working = working
        self.icon.setIcon(self._working_icon if working else self._idle_icon)
        self.icon.setToolTip(tooltip if working and tooltip else self._idle_tooltip)

    def set_hotkey_text(self, keys: str | None) -> None:
        """Show the global capture shortcut (e.g. "Ctrl+Alt+P") beside "Capture region" and in
        the tooltip; None when no global shortcut works."""
        # A tab puts the keys in the menu's shortcut column; the keys are not a QAction shortcut,
        # which would only work while the menu itself has the focus.
        self.action_region.setText(f"{self._region_label}\t{keys}" if keys else self._region_label)
        self._idle_tooltip = (
            self.tr("Proofshot: press {shortcut} to capture").format(shortcut=keys) if keys else "Proofshot"
        )
        if not self._working:
            self.icon.setToolTip(self._idle_tooltip)

    def set_capture_again_enabled(self, enabled: bool) -> None:
        self.action_again.setEnabled(enabled)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.capture_region_requested.emit()


class ControlWindow(QWidget):
    """Shown instead of the tray icon when the desktop has no tray: the same actions
    as buttons, and how to capture without it."""

    def __init__(self, tray: TrayMenu, hotkey_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Proofshot")
        self.setWindowIcon(QIcon(icon_path("proofshot")))
        layout = QVBoxLayout(self)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)
        self.set_hotkey_text(hotkey_text)
        for action in (
            tray.action_region,
            tray.action_fullscreen,
            tray.action_again,
            tray.action_long,
            tray.action_clipboard,
        ):
            button = QPushButton(action.text().split("\t")[0])
            button.clicked.connect(action.trigger)
            action.enabledChanged.connect(button.setEnabled)
            button.setEnabled(action.isEnabled())
            button.setVisible(action.isVisible())
            layout.addWidget(button)
        purchases = QPushButton(tray.purchase_menu.title())
        purchases.setMenu(tray.purchase_menu)
        layout.addWidget(purchases)
        for action in (tray.action_library, tray.action_settings, tray.action_quit):
            button = QPushButton(action.text())
            button.clicked.connect(action.trigger)
            layout.addWidget(button)
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, False)
        self.setMinimumWidth(320)

    def set_hotkey_text(self, hotkey_text: str) -> None:
        self.explanation.setText(
            self.tr(
                "Your desktop has no system tray, so Proofshot lives in this window. "
                "Press {hotkey} anywhere to capture, or use the buttons below."
            ).format(hotkey=hotkey_text)
        )
