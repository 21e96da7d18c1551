"""The welcome window of the first start: the one thing to know (the capture shortcut),
where captures go, how to start a purchase, and where the library is.

Whether to show it again is kept in a small file of its own in the config folder
(`welcome.json`, written atomically), not in the app settings.
"""

from __future__ import annotations

import html
import json
import logging
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from storage.files import write_atomic
from storage.settings import AppSettings, config_dir

from .desktop_shortcut import BackendInfo, DesktopShortcutHelp, capture_command
from .resources import icon_path

log = logging.getLogger(__name__)

WELCOME_FILE = "welcome.json"


def welcome_path() -> Path:
    return config_dir() / WELCOME_FILE


def welcome_wanted(path: Path | None = None) -> bool:
    """True unless the user ticked "Don't show this again" (a damaged file counts as not)."""
    path = path or welcome_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return True
    except (OSError, ValueError) as exc:
        log.warning("%s is unreadable (%s); showing the welcome", path, exc)
        return True
    return not (isinstance(raw, dict) and raw.get("show") is False)


def set_welcome_wanted(show: bool, path: Path | None = None) -> None:
    path = path or welcome_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomic(path, json.dumps({"show": show}).encode("utf-8"))


class WelcomeWindow(QDialog):
    """Not modal: Proofshot works while it is open (the shortcut can be tried at once)."""

    def __init__(
        self,
        shortcut: str,
        library: Path,
        new_purchase_path: str,
        tray: bool,
        parent: QWidget | None = None,
        *,
        settings_file: Path | None = None,
        backends: BackendInfo | None = None,
        hotkey: str | None = None,
    ) -> None:
        """`shortcut` is the capture shortcut as the user reads it; `hotkey` the one in the
        settings ("Ctrl+Alt+P"), suggested for a desktop shortcut where `backends` says one is
        needed (Wayland without a shortcuts portal)."""
        super().__init__(parent)
        self._file = settings_file
        self._library = Path(library)
        self.setObjectName("welcomeWindow")
        self.setWindowTitle(self.tr("Welcome to Proofshot"))
        self.setWindowIcon(QIcon(icon_path("proofshot")))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(12)
        heading = QLabel(self.tr("Welcome to Proofshot"))
        heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        layout.addWidget(heading)

        def paragraph(text: str, name: str) -> QLabel:
            label = QLabel(text)
            label.setObjectName(name)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
            return label

        def strong(text: str) -> str:
            return f"<b>{html.escape(text)}</b>"

        self.desktop_shortcut_help: DesktopShortcutHelp | None = None
        if backends is not None and backends.needs_desktop_shortcut:
            self.shortcut_label = paragraph(
                self.tr(
                    "To capture, press your capture shortcut anywhere, then drag over the part of the "
                    "screen you want to keep. It is saved the moment you let go of the mouse."
                ),
                "welcomeShortcut",
            )
            self.desktop_shortcut_help = DesktopShortcutHelp(
                capture_command(self._library), hotkey or AppSettings.hotkey
            )
            layout.addWidget(self.desktop_shortcut_help)
        else:
            self.shortcut_label = paragraph(
                self.tr(
                    "To capture, press {shortcut} anywhere, then drag over the part of the screen "
                    "you want to keep. It is saved the moment you let go of the mouse."
                ).format(shortcut=strong(shortcut)),
                "welcomeShortcut",
            )
        self.where_label = paragraph(
            self.tr("Each capture goes to the active purchase, or to the Inbox when no purchase is active."),
            "welcomeWhere",
        )
        if tray:
            purchase = self.tr(
                "To start a purchase, choose {menu} in the menu of the Proofshot icon in the tray "
                "(click the icon with the right mouse button)."
            )
        else:
            purchase = self.tr("To start a purchase, choose {menu} in the Proofshot window.")
        self.purchase_label = paragraph(purchase.format(menu=strong(new_purchase_path)), "welcomePurchase")
        self.library_label = paragraph(
            self.tr("Your screenshots and their records are kept in {folder}").format(
                folder=strong(str(self._library))
            ),
            "welcomeLibrary",
        )

        self.dont_show = QCheckBox(self.tr("Don't show this again"))
        self.dont_show.setObjectName("welcomeDontShow")
        buttons = QDialogButtonBox()
        self.open_folder_button = QPushButton(self.tr("Open the library folder"))
        self.open_folder_button.setAutoDefault(False)
        self.open_folder_button.clicked.connect(self._open_folder)
        buttons.addButton(self.open_folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.ok_button = buttons.addButton(self.tr("Got it"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.dont_show)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.setMinimumWidth(460 if self.desktop_shortcut_help is None else 580)
        if self.desktop_shortcut_help is not None:
            # Word-wrapped labels make the plain size hint too narrow and too tall.
            self.resize(self.minimumWidth(), layout.totalHeightForWidth(self.minimumWidth()))
        self.finished.connect(self._remember)

    def _open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._library)))

    def _remember(self, _result: int) -> None:
        if not self.dont_show.isChecked():
            return
        try:
            set_welcome_wanted(False, self._file)
        except OSError as exc:
            log.warning("could not remember to skip the welcome: %s", exc)
