"""The settings dialog: edits an `AppSettings`, saves it and reports the new value.

It only edits and saves; applying the new settings (re-registering the shortcut,
reopening the library...) is the job of whoever listens to `settings_saved`. A new
interface language needs a restart: the dialog offers one and emits
`restart_requested` when the user wants it now.

Given the open `library`, it shows that library as the one in use (which may not be
the saved location: `--library DIR` overrides it for one run) and edits the user's own
details kept in it (storage.settings.OwnDetails), which suggestions never offer as a
seller's. Three tabs keep it short enough for a small laptop screen.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from capture import autostart, ocr
from capture.errors import KnownCaptureError
from capture.hotkey import HotkeyIssue, canonical, hotkey_issue
from storage.errors import InvalidInput, KnownStorageError
from storage.settings import AppSettings, OwnDetails, save_settings, split_entries
from storage.values import PHONE_SEPARATOR, phone_problem

from .desktop_shortcut import BackendInfo, DesktopShortcutHelp, capture_command, describe_backends
from .style import make_smaller, set_text_tone

if TYPE_CHECKING:
    from storage.library import Library

log = logging.getLogger(__name__)

# What "Automatic" means (AppSettings.ocr_languages == "").
AUTOMATIC_LANGUAGES = ("chi_sim", "eng")
# Shown first in the language list, in this order; the rest follow by name.
_LANGUAGE_ORDER = ("chi_sim", "chi_tra", "eng")
# Language data that is not a language to read.
_NOT_LANGUAGES = {"osd"}
_MANY_LANGUAGES = 12
# "Both engines" indexes the text of PP-OCR and tesseract; docs/benchmarks.md says
# whether that finds enough more to be worth twice the time.
SHOW_BOTH_ENGINES = False
PPOCR_INSTALL_COMMAND = ".venv/bin/python -m pip install -e '.[ppocr]'"


def default_library_path() -> Path:
    """The library used when the setting is empty; the same rule as cli.common.default_library()."""
    env = os.environ.get("PROOFSHOT_LIBRARY")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("Proofshot", appauthor=False))


def sequence_to_hotkey(sequence: QKeySequence) -> str:
    """The first key combination of `sequence` in our text form ("Ctrl+Alt+P"), or ""."""
    if sequence.isEmpty():
        return ""
    first = QKeySequence(sequence[0])  # type: ignore[index]  # the stubs lack __getitem__
    return canonical(first.toString(QKeySequence.SequenceFormat.PortableText))


def hotkey_to_sequence(hotkey: str) -> QKeySequence:
    return QKeySequence.fromString(hotkey, QKeySequence.SequenceFormat.PortableText)


def _install_command(packages: list[str]) -> str:
    """The command that installs tesseract language data on this platform."""
    if sys.platform == "darwin":
        return "brew install tesseract tesseract-lang"
    if sys.platform == "win32":
        return "winget install UB-Mannheim.TesseractOCR"
    return "sudo apt-get install " + " ".join(packages)


def _apt_package(code: str) -> str:
    return "tesseract-ocr-" + code.replace("_", "-")


def _set_tone(label: QLabel, *, error: bool) -> None:
    """Grey for a hint, the error tone for a problem (a palette, so dark themes keep working)."""
    if error:
        set_text_tone(label, "error")
        return
    app_palette = QGuiApplication.palette()
    color = app_palette.color(QPalette.ColorRole.PlaceholderText)
    if color.alpha() < 255:  # Fusion's placeholder is translucent text
        text = app_palette.color(QPalette.ColorRole.WindowText)
        base = app_palette.color(QPalette.ColorRole.Window)
        color = QColor(
            (text.red() + base.red()) // 2,
            (text.green() + base.green()) // 2,
            (text.blue() + base.blue()) // 2,
        )
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, color)
    label.setPalette(palette)


class SettingsDialog(QDialog):
    """Proofshot's settings, grouped in plain words; Save writes them to disk."""

    settings_saved = Signal(object)  # the new AppSettings, after they were saved
    restart_requested = Signal()  # the user chose "Restart now" after changing the language

    def __init__(
        self,
        settings: AppSettings,
        parent: QWidget | None = None,
        *,
        languages: list[str] | None = None,
        autostart_command: list[str] | None = None,
        library: Library | None = None,
        backends: BackendInfo | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings.validated()
        self._lib = library
        self._backends = backends
        self._own = OwnDetails()
        if library is not None:
            try:
                self._own = library.own_details()
            except KnownStorageError as exc:
                log.warning("own details not read: %s", exc)
        # The question after saving a new language (tests answer it).
        self.question: QMessageBox | None = None
        self._autostart_command = list(autostart_command) if autostart_command else None
        if languages is None:
            languages = ocr.installed_languages()
        self._installed = [code for code in languages if code not in _NOT_LANGUAGES]
        self._autostart_supported = autostart.autostart_supported()
        self._autostart_initial = self._read_autostart()
        self._library = self._settings.library

        self.setWindowTitle(self.tr("Proofshot settings"))
        self.setObjectName("settingsDialog")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 18, 18, 14)
        layout.setSpacing(12)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        capture_page = self._page(
            self._build_hotkey_group(), self._build_ocr_group(), self._build_after_capture_group()
        )
        # The desktop-shortcut instructions make the page long: it scrolls on a small screen.
        self._capture_scroll: QScrollArea | None = None
        if self.desktop_shortcut_help is not None:
            self._capture_scroll = QScrollArea()
            self._capture_scroll.setObjectName("captureScroll")
            self._capture_scroll.setWidget(capture_page)
            self._capture_scroll.setWidgetResizable(True)
            self._capture_scroll.setFrameShape(QFrame.Shape.NoFrame)
            self._capture_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tabs.addTab(self._capture_scroll or capture_page, self.tr("Capture"))
        self.tabs.addTab(
            self._page(self._build_library_group(), self._build_own_details_group()), self.tr("Library")
        )
        from .trusted_time_settings import TrustedTimeGroup  # issue 14

        self.trusted_time = TrustedTimeGroup(self._settings)
        self.trusted_time.enabled_box.toggled.connect(self._update_save_button)
        self.trusted_time.url_combo.editTextChanged.connect(self._update_save_button)
        self.tabs.addTab(self._page(self._build_general_group(), self.trusted_time), self.tr("General"))
        layout.addWidget(self.tabs, 1)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)
        layout.addSpacing(4)
        layout.addWidget(self.buttons)

        self._load(self._settings)
        # Not on the shortcut box: there a key pressed by habit (Enter) would become the shortcut.
        self.save_button.setDefault(True)
        self.save_button.setFocus()
        self.setMinimumWidth(520)
        # Word-wrapped labels make the plain size hint too narrow and too tall.
        width = max(self.sizeHint().width(), 580)
        height = layout.totalHeightForWidth(width)
        if self._capture_scroll is not None:
            page_layout = capture_page.layout()
            assert page_layout is not None
            content = page_layout.totalHeightForWidth(width - 40)  # less the tab's frame
            if height < 0:  # the scroll area hides the word-wrapped labels' height-for-width
                height = self.sizeHint().height()
            height += max(0, content - self._capture_scroll.sizeHint().height())
            screen = self.screen().availableGeometry().height() if self.screen() is not None else 700
            height = min(height, screen - 80)
        self.resize(width, height)

    # ------------------------------------------------------------------ building

    def _page(self, *groups: QWidget) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(10, 12, 10, 10)
        box.setSpacing(12)
        for group in groups:
            box.addWidget(group)
        box.addStretch(1)
        return page

    def _note(self, text: str = "") -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        make_smaller(label)
        _set_tone(label, error=False)
        return label

    def _build_hotkey_group(self) -> QGroupBox:
        group = QGroupBox(self.tr("Capture shortcut"))
        box = QVBoxLayout(group)
        row = QHBoxLayout()
        self.hotkey_edit = QKeySequenceEdit()
        self.hotkey_edit.setMaximumSequenceLength(1)
        self.hotkey_edit.setClearButtonEnabled(True)
        self.hotkey_edit.setToolTip(self.tr("Click here, then press the keys you want to use."))
        self.hotkey_edit.keySequenceChanged.connect(self._on_hotkey_changed)
        self.hotkey_reset_button = QPushButton(self.tr("Reset"))
        self.hotkey_reset_button.setToolTip(
            self.tr("Use {shortcut} again").format(shortcut=AppSettings.hotkey)
        )
        self.hotkey_reset_button.clicked.connect(self._on_hotkey_reset_clicked)
        row.addWidget(self.hotkey_edit, 1)
        row.addWidget(self.hotkey_reset_button)
        box.addLayout(row)
        self.hotkey_message = QLabel()
        self.hotkey_message.setWordWrap(True)
        self.hotkey_message.setTextFormat(Qt.TextFormat.PlainText)
        box.addWidget(self.hotkey_message)
        # How capture works on this desktop, and the desktop shortcut where one is needed.
        self.backends_label: QLabel | None = None
        self.desktop_shortcut_help: DesktopShortcutHelp | None = None
        if self._backends is not None:
            self.backends_label = self._note(
                self.tr("How capture works here:") + "\n" + "\n".join(describe_backends(self._backends))
            )
            self.backends_label.setObjectName("backendsInUse")
            self.backends_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            box.addWidget(self.backends_label)
            if self._backends.needs_desktop_shortcut:
                library = self._lib.root if self._lib is not None else None
                self.desktop_shortcut_help = DesktopShortcutHelp(
                    capture_command(library), self._settings.hotkey
                )
                box.addWidget(self.desktop_shortcut_help)
        return group

    def _language_name(self, code: str) -> str:
        names = {
            "chi_sim": self.tr("Chinese (Simplified)"),
            "chi_tra": self.tr("Chinese (Traditional)"),
            "chi_sim_vert": self.tr("Chinese (Simplified, vertical)"),
            "chi_tra_vert": self.tr("Chinese (Traditional, vertical)"),
            "eng": self.tr("English"),
            "jpn": self.tr("Japanese"),
            "jpn_vert": self.tr("Japanese (vertical)"),
            "kor": self.tr("Korean"),
            "kor_vert": self.tr("Korean (vertical)"),
            "fra": self.tr("French"),
            "deu": self.tr("German"),
            "spa": self.tr("Spanish"),
            "ita": self.tr("Italian"),
            "por": self.tr("Portuguese"),
            "rus": self.tr("Russian"),
            "vie": self.tr("Vietnamese"),
            "tha": self.tr("Thai"),
            "msa": self.tr("Malay"),
            "ind": self.tr("Indonesian"),
            "ara": self.tr("Arabic"),
            "hin": self.tr("Hindi"),
            "nld": self.tr("Dutch"),
            "equ": self.tr("Math equations"),
        }
        return names.get(code, code)

    def _ordered_languages(self, codes: list[str]) -> list[str]:
        first = [c for c in _LANGUAGE_ORDER if c in codes]
        rest = sorted((c for c in codes if c not in first), key=lambda c: self._language_name(c).lower())
        return first + rest

    def _add_engine_choice(self, box: QVBoxLayout, row: QHBoxLayout) -> None:
        """The engine combo at the end of `row` (beside "Automatic", to keep the dialog short)."""
        from capture.ppocr import ppocr_available

        label = QLabel(self.tr("Engine:"))
        self.ocr_engine_combo = QComboBox()
        self.ocr_engine_combo.setAccessibleName(self.tr("Text recognition engine"))
        self.ocr_engine_combo.addItem(self.tr("Automatic"), "auto")
        self.ocr_engine_combo.addItem(self.tr("Tesseract"), "tesseract")
        self.ocr_engine_combo.addItem(self.tr("PP-OCR (best for Chinese)"), "ppocr")
        if SHOW_BOTH_ENGINES:
            self.ocr_engine_combo.addItem(self.tr("Both (slower)"), "both")
        label.setBuddy(self.ocr_engine_combo)
        label.setWordWrap(True)
        # Long translations must not widen the dialog: the combo shows what fits.
        self.ocr_engine_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.ocr_engine_combo.setMinimumContentsLength(14)
        row.addStretch(1)
        row.addWidget(label)
        row.addWidget(self.ocr_engine_combo)
        box.addLayout(row)
        self.ocr_engine_combo.setToolTip(
            self.tr(
                "Automatic uses PP-OCR when it is installed and Chinese is among the languages, "
                "otherwise Tesseract. PP-OCR runs in a separate process that stops after a few idle minutes."
            )
        )
        if not ppocr_available():
            box.addWidget(self._note(self.tr("PP-OCR is not installed. To install it, run:")))
            box.addLayout(self._command_row(PPOCR_INSTALL_COMMAND))

    def _build_ocr_group(self) -> QGroupBox:
        group = QGroupBox(self.tr("Text recognition languages"))
        box = QVBoxLayout(group)
        engine_row = QHBoxLayout()
        self.language_boxes: dict[str, QCheckBox] = {}
        self.automatic_radio = QRadioButton(self.tr("Automatic (Chinese and English)"))
        self.chosen_radio = QRadioButton(self.tr("Only these languages:"))
        self._ocr_mode = QButtonGroup(self)
        self._ocr_mode.addButton(self.automatic_radio)
        self._ocr_mode.addButton(self.chosen_radio)
        self.ocr_missing_label: QLabel | None = None
        self.ocr_message = QLabel()
        self.ocr_message.setWordWrap(True)
        self.ocr_message.setTextFormat(Qt.TextFormat.PlainText)
        _set_tone(self.ocr_message, error=True)
        self.ocr_message.hide()

        if not self._installed:
            self.ocr_missing_label = QLabel(
                self.tr(
                    "Text recognition (Tesseract) is not installed, so screenshots are kept "
                    "but their text cannot be searched. To install it, run:"
                )
            )
            self.ocr_missing_label.setWordWrap(True)
            box.addWidget(self.ocr_missing_label)
            packages = ["tesseract-ocr", *(_apt_package(c) for c in AUTOMATIC_LANGUAGES)]
            box.addLayout(self._command_row(_install_command(packages)))
            box.addWidget(self._note(self.tr("Then restart Proofshot.")))
            self.automatic_radio.hide()
            self.chosen_radio.hide()
            self._add_engine_choice(box, engine_row)
            return group

        engine_row.addWidget(self.automatic_radio)
        self._add_engine_choice(box, engine_row)
        missing = [c for c in AUTOMATIC_LANGUAGES if c not in self._installed]
        if missing:
            note = self._note(
                self.tr("Not installed: {languages}. To add, run:").format(
                    languages=", ".join(self._language_name(c) for c in missing)
                )
            )
            box.addWidget(note)
            box.addLayout(self._command_row(_install_command([_apt_package(c) for c in missing])))
        box.addWidget(self.chosen_radio)

        codes = list(self._installed)
        # Keep a saved choice that is no longer installed visible, so saving does not drop it.
        for code in self._settings.ocr_languages.split("+"):
            if code and code not in codes and code not in _NOT_LANGUAGES:
                codes.append(code)
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(22, 0, 0, 0)
        grid.setHorizontalSpacing(18)
        columns = 2 if len(codes) <= 4 else 3
        for i, code in enumerate(self._ordered_languages(codes)):
            name = self._language_name(code)
            if code not in self._installed:
                name = self.tr("{language} (not installed)").format(language=name)
            check = QCheckBox(name)
            check.setToolTip(code)
            check.toggled.connect(self._on_language_toggled)
            self.language_boxes[code] = check
            grid.addWidget(check, i // columns, i % columns)
        for col in range(columns):
            grid.setColumnStretch(col, 1)
        if len(codes) > _MANY_LANGUAGES:
            scroll = QScrollArea()
            scroll.setWidget(grid_host)
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setFixedHeight(150)
            box.addWidget(scroll)
        else:
            box.addWidget(grid_host)
        box.addWidget(self.ocr_message)
        self._ocr_mode.buttonToggled.connect(self._on_ocr_mode_toggled)
        return group

    def _command_row(self, command: str) -> QHBoxLayout:
        """A command to copy into a terminal: selectable, wrapped, with a Copy button."""
        row = QHBoxLayout()
        field = QLabel(command)
        field.setObjectName("installCommand")
        field.setTextFormat(Qt.TextFormat.PlainText)
        field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        field.setWordWrap(True)
        field.setFrameShape(QFrame.Shape.StyledPanel)
        field.setBackgroundRole(QPalette.ColorRole.Base)
        field.setAutoFillBackground(True)
        field.setMargin(5)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        field.setFont(mono)
        copy = QPushButton(self.tr("Copy"))
        copy.setToolTip(self.tr("Copy the command"))
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(command))
        row.addWidget(field, 1)
        row.addWidget(copy, 0, Qt.AlignmentFlag.AlignTop)
        return row

    def _build_library_group(self) -> QGroupBox:
        group = QGroupBox(self.tr("Library location"))
        box = QVBoxLayout(group)
        row = QHBoxLayout()
        self.library_field = QLineEdit()
        self.library_field.setReadOnly(True)
        self.library_choose_button = QPushButton(self.tr("Choose…"))
        self.library_choose_button.clicked.connect(self._on_library_choose_clicked)
        self.library_default_button = QPushButton(self.tr("Use default"))
        self.library_default_button.clicked.connect(self._on_library_default_clicked)
        row.addWidget(self.library_field, 1)
        row.addWidget(self.library_choose_button)
        row.addWidget(self.library_default_button)
        box.addLayout(row)
        box.addWidget(
            self._note(
                self.tr(
                    "Where screenshots and their records are kept. Takes effect after Proofshot restarts."
                )
            )
        )
        self.library_in_use_label = QLabel()
        self.library_in_use_label.setObjectName("libraryInUse")
        self.library_in_use_label.setWordWrap(True)
        self.library_in_use_label.setTextFormat(Qt.TextFormat.PlainText)
        self.library_in_use_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.library_switch_note = self._note()
        self.library_switch_note.setObjectName("librarySwitchNote")
        box.addWidget(self.library_in_use_label)
        box.addWidget(self.library_switch_note)
        if self._lib is None:
            self.library_in_use_label.hide()
        else:
            self.library_in_use_label.setText(self.tr("In use now: {path}").format(path=str(self._lib.root)))
        self.library_switch_note.hide()
        return group

    def _build_own_details_group(self) -> QGroupBox:
        group = QGroupBox(self.tr("About you"))
        group.setObjectName("ownDetails")
        box = QVBoxLayout(group)
        box.addWidget(
            self._note(
                self.tr(
                    "Order pages show your own phone and address beside the seller's. What you enter "
                    "here is never suggested as a seller's details. It is kept in the library."
                )
            )
        )
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        self.own_phones_edit = QLineEdit()
        self.own_phones_edit.setObjectName("ownPhones")
        self.own_phones_edit.setPlaceholderText(self.tr("e.g. 138 0013 8000 / 010 6552 9988"))
        self.own_phones_edit.setClearButtonEnabled(True)
        self.own_names_edit = QLineEdit()
        self.own_names_edit.setObjectName("ownNames")
        self.own_names_edit.setPlaceholderText(self.tr("as on your orders, e.g. 张伟 / Zhang Wei"))
        self.own_names_edit.setClearButtonEnabled(True)
        self.own_addresses_edit = QPlainTextEdit()
        self.own_addresses_edit.setObjectName("ownAddresses")
        self.own_addresses_edit.setPlaceholderText(self.tr("one address per line, as on your orders"))
        self.own_addresses_edit.setTabChangesFocus(True)
        line = self.own_addresses_edit.fontMetrics().lineSpacing()
        self.own_addresses_edit.setFixedHeight(line * 3 + 14)
        self.own_phones_message = QLabel()
        self.own_phones_message.setObjectName("ownPhonesMessage")
        self.own_phones_message.setWordWrap(True)
        self.own_phones_message.setTextFormat(Qt.TextFormat.PlainText)
        _set_tone(self.own_phones_message, error=True)
        self.own_phones_message.hide()
        rows = [
            (self.tr("Your phones:"), self.own_phones_edit),
            (self.tr("Your names:"), self.own_names_edit),
            (self.tr("Your addresses:"), self.own_addresses_edit),
        ]
        for row, (text, field) in enumerate(rows):
            label = QLabel(text)
            label.setBuddy(field)
            align = Qt.AlignmentFlag.AlignRight | (
                Qt.AlignmentFlag.AlignTop
                if field is self.own_addresses_edit
                else Qt.AlignmentFlag.AlignVCenter
            )
            grid.addWidget(label, row * 2, 0, align)
            grid.addWidget(field, row * 2, 1)
            if field is self.own_phones_edit:
                grid.addWidget(self.own_phones_message, 1, 1)
        grid.setColumnStretch(1, 1)
        box.addLayout(grid)
        self.own_details_unavailable = self._note(
            self.tr(
                "Your own details are kept in the library, so they can be changed only while "
                "Proofshot has its library open."
            )
        )
        box.addWidget(self.own_details_unavailable)
        self.own_phones_edit.textChanged.connect(self._on_own_phones_changed)
        if self._lib is None:
            for field in (self.own_phones_edit, self.own_names_edit, self.own_addresses_edit):
                field.setEnabled(False)
        else:
            self.own_details_unavailable.hide()
        return group

    def _build_after_capture_group(self) -> QGroupBox:
        group = QGroupBox(self.tr("After a capture"))
        box = QVBoxLayout(group)
        self._after_capture = QButtonGroup(self)
        self.after_capture_buttons: dict[str, QRadioButton] = {}
        labels = {
            "notify": self.tr("Show a confirmation with Undo"),
            "note": self.tr("Ask for a note"),
            "silent": self.tr("Save silently"),
        }
        for value, text in labels.items():
            radio = QRadioButton(text)
            self._after_capture.addButton(radio)
            self.after_capture_buttons[value] = radio
            box.addWidget(radio)
        self.copy_after_capture_box = QCheckBox(self.tr("Also copy each capture to the clipboard"))
        self.copy_after_capture_box.setToolTip(
            self.tr("Ready to paste into a platform's dispute form or a complaint page.")
        )
        box.addWidget(self.copy_after_capture_box)
        return group

    def _build_general_group(self) -> QGroupBox:
        group = QGroupBox(self.tr("General"))
        box = QVBoxLayout(group)
        self.start_at_login_box = QCheckBox(self.tr("Start Proofshot when I log in"))
        if not self._autostart_supported:
            self.start_at_login_box.setEnabled(False)
            self.start_at_login_box.setToolTip(self.tr("Starting at login is not available on this system."))
        box.addWidget(self.start_at_login_box)

        row = QHBoxLayout()
        label = QLabel(self.tr("Language:"))
        self.ui_language_combo = QComboBox()
        self.ui_language_combo.addItem(self.tr("Follow the system"), "system")
        # Each language is named in itself, so it can be found whatever the current language.
        self.ui_language_combo.addItem("English", "en")
        self.ui_language_combo.addItem("简体中文", "zh_CN")
        label.setBuddy(self.ui_language_combo)
        row.addWidget(label)
        row.addWidget(self.ui_language_combo)
        row.addStretch(1)
        box.addLayout(row)
        box.addWidget(
            self._note(
                self.tr(
                    "A new language takes effect after Proofshot restarts; you can restart it after saving."
                )
            )
        )
        return group

    # ------------------------------------------------------------------ values

    def _read_autostart(self) -> bool:
        """The real state when it can be read: the user may have changed it elsewhere."""
        if not self._autostart_supported:
            return self._settings.start_at_login
        try:
            return autostart.is_enabled()
        except Exception:  # noqa: BLE001 - a probe; the saved setting is a fine answer
            log.warning("could not read the start-at-login state", exc_info=True)
            return self._settings.start_at_login

    def _load(self, settings: AppSettings) -> None:
        self.hotkey_edit.setKeySequence(hotkey_to_sequence(settings.hotkey))
        chosen = [c for c in settings.ocr_languages.split("+") if c]
        if self.language_boxes:
            automatic = not chosen
            (self.automatic_radio if automatic else self.chosen_radio).setChecked(True)
            ticked = [c for c in AUTOMATIC_LANGUAGES if c in self._installed] if automatic else chosen
            for code, check in self.language_boxes.items():
                check.setChecked(code in ticked)
        self._show_library()
        self.start_at_login_box.setChecked(self._autostart_initial)
        self.after_capture_buttons[settings.after_capture].setChecked(True)
        self.copy_after_capture_box.setChecked(settings.copy_after_capture)
        self.ui_language_combo.setCurrentIndex(max(0, self.ui_language_combo.findData(settings.ui_language)))
        self.ocr_engine_combo.setCurrentIndex(max(0, self.ocr_engine_combo.findData(settings.ocr_engine)))
        self.own_phones_edit.setText(PHONE_SEPARATOR.join(self._own.phones))
        self.own_names_edit.setText(" / ".join(self._own.names))
        self.own_addresses_edit.setPlainText("\n".join(self._own.addresses))
        self._on_ocr_mode_toggled()
        self._on_hotkey_changed()

    def _show_library(self) -> None:
        if self._library:
            self.library_field.setText(self._library)
            self.library_default_button.setEnabled(True)
        else:
            self.library_field.setText(str(default_library_path()))
            self.library_default_button.setEnabled(False)
        self.library_field.setCursorPosition(0)
        self.library_field.setToolTip(self.library_field.text())
        if self._lib is not None:
            chosen = Path(self.library_field.text()).expanduser().absolute()
            differs = chosen != Path(self._lib.root).expanduser().absolute()
            self.library_switch_note.setText(
                self.tr(
                    "Proofshot is using another library now. It switches to the location above "
                    "when it next starts."
                )
            )
            self.library_switch_note.setVisible(differs)

    def own_details(self) -> OwnDetails:
        """Your own details as typed (raises storage InvalidInput for a bad phone)."""
        addresses = self.own_addresses_edit.toPlainText().split("\n")
        return OwnDetails.parse(
            [self.own_phones_edit.text()], split_entries(self.own_names_edit.text()), addresses
        )

    def hotkey(self) -> str:
        return sequence_to_hotkey(self.hotkey_edit.keySequence())

    def ocr_languages(self) -> str:
        """The languages as stored: "" for automatic, else "chi_sim+eng" style."""
        if not self.language_boxes or self.automatic_radio.isChecked():
            return self._settings.ocr_languages if not self.language_boxes else ""
        order = self._ordered_languages(list(self.language_boxes))
        return "+".join(c for c in order if self.language_boxes[c].isChecked())

    def current_settings(self) -> AppSettings:
        """The settings as the dialog shows them now (what Save would write)."""
        after = next((v for v, b in self.after_capture_buttons.items() if b.isChecked()), "notify")
        settings = replace(
            self._settings,
            hotkey=self.hotkey(),
            ocr_languages=self.ocr_languages(),
            ocr_engine=str(self.ocr_engine_combo.currentData()),
            library=self._library,
            start_at_login=self.start_at_login_box.isChecked(),
            after_capture=after,
            copy_after_capture=self.copy_after_capture_box.isChecked(),
            ui_language=str(self.ui_language_combo.currentData()),
        )
        return self.trusted_time.apply(settings)

    def problems(self) -> list[str]:
        """What stops the settings from being saved (empty when they can be)."""
        out = []
        problem = self._hotkey_problem(self.hotkey())
        if problem:
            out.append(problem)
        if self.language_boxes and self.chosen_radio.isChecked() and not self.ocr_languages():
            out.append(self.tr("Choose at least one language, or Automatic."))
        own = self._own_phones_problem()
        if own:
            out.append(own)
        tsa = self.trusted_time.problem() if hasattr(self, "trusted_time") else None
        if tsa:
            out.append(tsa)
        return out

    def _own_phones_problem(self) -> str | None:
        if self._lib is None:
            return None
        bad = phone_problem(self.own_phones_edit.text())
        if bad is None:
            return None
        return self.tr(
            "“{value}” is not a phone number: write a mobile number like 138 0013 8000 or a landline "
            "with its area code; separate several with /."
        ).format(value=bad)

    def _hotkey_problem(self, hotkey: str) -> str | None:
        """Why `hotkey` can't be used, in the user's language (None when it can)."""
        issue = hotkey_issue(hotkey)
        return None if issue is None else self._describe_hotkey_issue(issue)

    def _describe_hotkey_issue(self, issue: HotkeyIssue) -> str:
        if issue.code == "not_one_key":
            return self.tr("a shortcut is one key with modifiers, such as Ctrl+Alt+P")
        if issue.code == "unusable_key":
            return self.tr("the key '{key}' cannot be used for a global shortcut").format(key=issue.key)
        if issue.code == "needs_modifier":
            return self.tr("add Ctrl, Alt or Shift, or the shortcut would fire while you type")
        if issue.code == "shift_letter":
            return self.tr("Shift with a letter types a capital; add Ctrl or Alt")
        return self.tr("{shortcut} is already used for {purpose}").format(
            shortcut=issue.key, purpose=self._used_for_name(issue.used_for_code)
        )

    def _used_for_name(self, code: str) -> str:
        """What a taken shortcut does elsewhere (capture.hotkey.USED_FOR's codes)."""
        names = {
            "copy": self.tr("copy", "what a taken shortcut does"),
            "paste": self.tr("paste", "what a taken shortcut does"),
            "cut": self.tr("cut", "what a taken shortcut does"),
            "undo": self.tr("undo", "what a taken shortcut does"),
            "select_all": self.tr("select all", "what a taken shortcut does"),
            "save": self.tr("save", "what a taken shortcut does"),
            "find": self.tr("find", "what a taken shortcut does"),
            "close_tab": self.tr("close tab", "what a taken shortcut does"),
            "quit": self.tr("quit", "what a taken shortcut does"),
            "switch_windows": self.tr("switch windows", "what a taken shortcut does"),
            "close_window": self.tr("close window", "what a taken shortcut does"),
            "system_menu": self.tr("the system menu", "what a taken shortcut does"),
            "terminal": self.tr("open a terminal", "what a taken shortcut does"),
            "lock_screen": self.tr("lock the screen", "what a taken shortcut does"),
            "wechat_screenshot": self.tr("WeChat's own screenshot", "what a taken shortcut does"),
            "qq_screenshot": self.tr("QQ's own screenshot", "what a taken shortcut does"),
            "qq_messages": self.tr("QQ's message window", "what a taken shortcut does"),
        }
        return names.get(code, code)

    def _update_save_button(self) -> None:
        self.save_button.setEnabled(not self.problems())

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_hotkey_changed(self) -> None:
        text = self.hotkey()
        problem = self._hotkey_problem(text) if text else None
        if not text:
            self.hotkey_message.setText(
                self.tr("Click the box above and press a combination such as Ctrl+Alt+P.")
            )
            _set_tone(self.hotkey_message, error=True)
        elif problem:
            self.hotkey_message.setText(
                self.tr("This shortcut can't be used: {reason}.").format(reason=problem)
            )
            _set_tone(self.hotkey_message, error=True)
        elif self.desktop_shortcut_help is not None:
            self.hotkey_message.setText(
                self.tr(
                    "On this desktop Proofshot cannot set up {shortcut} by itself: add it as a desktop "
                    "shortcut, as shown below."
                ).format(shortcut=text)
            )
            _set_tone(self.hotkey_message, error=False)
        else:
            self.hotkey_message.setText(
                self.tr("Press {shortcut} anywhere to capture part of the screen.").format(shortcut=text)
            )
            _set_tone(self.hotkey_message, error=False)
        if self.desktop_shortcut_help is not None and text and not problem:
            self.desktop_shortcut_help.set_hotkey(text)
        self.hotkey_reset_button.setEnabled(text != AppSettings.hotkey)
        self._update_save_button()

    @Slot()
    def _on_own_phones_changed(self) -> None:
        problem = self._own_phones_problem()
        self.own_phones_message.setText(problem or "")
        self.own_phones_message.setVisible(bool(problem))
        self._update_save_button()

    @Slot()
    def _on_hotkey_reset_clicked(self) -> None:
        self.hotkey_edit.setKeySequence(hotkey_to_sequence(AppSettings.hotkey))
        self._on_hotkey_changed()

    @Slot()
    def _on_ocr_mode_toggled(self) -> None:
        if not self.language_boxes:
            self._update_save_button()
            return
        automatic = self.automatic_radio.isChecked()
        for check in self.language_boxes.values():
            check.setEnabled(not automatic)
        if automatic:
            for code, check in self.language_boxes.items():
                check.setChecked(code in AUTOMATIC_LANGUAGES)
        self._on_language_toggled()

    @Slot()
    def _on_language_toggled(self) -> None:
        if self.language_boxes:
            none = self.chosen_radio.isChecked() and not self.ocr_languages()
            self.ocr_message.setText(self.tr("Choose at least one language, or Automatic."))
            self.ocr_message.setVisible(none)
        self._update_save_button()

    @Slot()
    def _on_library_choose_clicked(self) -> None:
        start = self._library or str(default_library_path())
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose the library folder"), start)
        if not folder:
            return
        chosen = str(Path(folder))
        self._library = "" if Path(chosen) == default_library_path() else chosen
        self._show_library()

    @Slot()
    def _on_library_default_clicked(self) -> None:
        self._library = ""
        self._show_library()

    @Slot()
    def _on_save_clicked(self) -> None:
        if self.problems():
            self._update_save_button()
            return
        new = self.current_settings()
        if not self._save_own_details():
            return
        autostart_changed = (
            self._autostart_supported
            and self._autostart_command is not None
            and new.start_at_login != self._autostart_initial
        )
        if autostart_changed and not self._apply_autostart(new.start_at_login):
            return
        try:
            save_settings(new)
        except OSError as exc:
            log.warning("could not save settings: %s", exc)
            if autostart_changed:
                self._revert_autostart(new.start_at_login)
            QMessageBox.warning(
                self,
                self.tr("Settings not saved"),
                self.tr("Proofshot could not save its settings: {error}").format(error=exc.strerror or exc),
            )
            return
        log.info("settings saved")
        self.settings_saved.emit(new)
        if new.ui_language != self._settings.ui_language:
            self._offer_restart()
            return
        self.accept()

    def _save_own_details(self) -> bool:
        """Keep your own details in the library when they changed; False (with a
        message, nothing saved) when the library refuses them."""
        if self._lib is None:
            return True
        try:
            details = self.own_details()
            if details != self._own:
                self._own = self._lib.set_own_details(details)
        except InvalidInput:
            self._on_own_phones_changed()
            return False
        except KnownStorageError as exc:
            log.warning("own details not saved: %s", exc)
            QMessageBox.warning(
                self,
                self.tr("Settings not saved"),
                self.tr("Proofshot could not keep your details in the library: {error}").format(
                    error=str(exc)
                ),
            )
            return False
        return True

    def _offer_restart(self) -> None:
        """The language changed: restart now, or keep the old one until the next start."""
        box = QMessageBox(self)
        box.setObjectName("restartQuestion")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Restart Proofshot?"))
        box.setText(self.tr("The new language is used after Proofshot restarts."))
        box.setInformativeText(self.tr("Restart now? Nothing you have captured is lost."))
        now = box.addButton(self.tr("Restart now"), QMessageBox.ButtonRole.AcceptRole)
        later = box.addButton(self.tr("Later"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(later)
        box.setEscapeButton(later)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(button: QAbstractButton) -> None:
            restart = button is now
            log.info("new language: %s", "restart now" if restart else "later")
            if restart:
                self.restart_requested.emit()

        def closed() -> None:
            if self.question is box:
                self.question = None
            box.deleteLater()
            self.accept()

        box.buttonClicked.connect(answered)
        box.finished.connect(closed)
        self.question = box
        box.open()

    def _apply_autostart(self, enabled: bool) -> bool:
        assert self._autostart_command is not None
        try:
            autostart.set_enabled(enabled, self._autostart_command)
        except KnownCaptureError as exc:
            log.warning("start at login: %s", exc)
            QMessageBox.warning(self, self.tr("Start at login"), str(exc))
            return False
        return True

    def _revert_autostart(self, enabled: bool) -> None:
        assert self._autostart_command is not None
        try:
            autostart.set_enabled(not enabled, self._autostart_command)
        except KnownCaptureError:
            log.warning("could not undo the start-at-login change", exc_info=True)


__all__ = ["SettingsDialog", "default_library_path", "hotkey_to_sequence", "sequence_to_hotkey"]
