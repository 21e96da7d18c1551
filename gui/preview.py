"""The library window's preview of one capture: the image with zoom and the search's
matches boxed on it (gui.image_view), the text that was read (matches highlighted), the note, and the
details that make a screenshot evidence (SHA-256, capture time, source, warnings).

The pane only shows and edits. It never touches the library: the window decodes the
image off the GUI thread, hands over a `CaptureRecord` (loaded with its OCR words) and a
`QImage`, and listens to `note_saved` and `ocr_rerun_requested`.

A note the user edited is never lost: showing another capture (or clearing the pane)
first emits `note_saved` for the capture being left, as polished apps save on switch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

from PySide6.QtCore import QLocale, QSize, Qt, Signal, Slot
from PySide6.QtGui import (
    QFontDatabase,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPalette,
    QShortcut,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from storage.highlight import matching_spans, matching_word_boxes
from storage.records import CaptureRecord

from .document_view import (
    DocumentContext,
    EmailView,
    XmlView,
    boxes_by_page,
    facts_rows,
    is_paged,
    kind_text,
)
from .image_view import ZOOM_STEP, ImageView
from .style import MATCH_TEXT_BACKGROUND, MATCH_TEXT_FOREGROUND
from .vocabulary import utc_offset_text

log = logging.getLogger(__name__)


def format_capture_time(captured_at: str, utc_offset_min: int | None) -> tuple[str, str]:
    """'2026-10-27T06:39:05.000000Z', 480 -> ('2026-10-27 14:39:05 (UTC+08:00)',
    '2026-10-27 06:39:05 UTC'): local time in the offset the capture was taken in (this
    machine's when unknown), and UTC. An unreadable value is shown as stored."""
    try:
        dt = datetime.strptime(captured_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        local = (
            dt.astimezone(timezone(timedelta(minutes=utc_offset_min)))
            if utc_offset_min is not None
            else dt.astimezone()
        )
    except (ValueError, OverflowError):
        return captured_at, captured_at
    offset = utc_offset_text(int((local.utcoffset() or timedelta(0)).total_seconds() // 60))
    return f"{local:%Y-%m-%d %H:%M:%S} ({offset})", f"{dt:%Y-%m-%d %H:%M:%S} UTC"


def _sentence(text: str) -> str:
    """A message from storage ("the PDF is password-protected; …") as a sentence of its own."""
    return text[:1].upper() + text[1:] if text else text


def _utf16_offsets(text: str) -> list[int] | None:
    """For text with characters outside the BMP, the QTextDocument position (UTF-16 code
    units) of every Python string offset; None when they are the same."""
    if all(ord(ch) <= 0xFFFF for ch in text):
        return None
    out = [0]
    for ch in text:
        out.append(out[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return out


class PreviewPane(QWidget):
    """Right-hand side of the library window: one capture, looked at closely."""

    # capture id, new note, and the note it replaces as the editor last read it (the
    # window saves with lib.set_note(..., expected=...), so a newer note is never overwritten)
    note_saved = Signal(int, str, str)
    ocr_rerun_requested = Signal(int)  # capture id
    # A document's page is wanted (capture id, 0-based page): the window loads its picture
    # off the GUI thread and hands it to show_page.
    page_requested = Signal(int, int)
    # Another capture should be shown (an e-mail's attachment, an attachment's e-mail).
    capture_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._record: CaptureRecord | None = None
        self._image_loaded = False
        self._query = ""
        self._saved_note = ""
        self._newer_note: str | None = None  # stored meanwhile by someone else, while editing
        self._rerun_requested = False
        self.image_boxes: list[tuple[int, int, int, int]] = []
        self.text_spans: list[tuple[int, int]] = []
        # A PDF/OFD: the page on show (0-based), the one asked for, and every page's matches.
        self._page = 0
        self._wanted_page: int | None = None
        self._page_boxes: dict[int, list[tuple[int, int, int, int]]] = {}
        self._document = DocumentContext()

        self._pages = QStackedWidget()
        self.message_label = QLabel()
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setWordWrap(True)
        self.message_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.message_label.setMargin(24)
        self._pages.addWidget(self.message_label)
        self._pages.addWidget(self._build_content())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._pages)

        self._shortcut(QKeySequence.StandardKey.ZoomIn, self.zoom_in)
        self._shortcut(QKeySequence("Ctrl+="), self.zoom_in)
        self._shortcut(QKeySequence.StandardKey.ZoomOut, self.zoom_out)
        self._shortcut(QKeySequence("Ctrl+0"), self.zoom_fit)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            save = QShortcut(QKeySequence(keys), self.note_edit)
            save.setContext(Qt.ShortcutContext.WidgetShortcut)
            save.activated.connect(self.save_note)
        self.clear()

    # ================================================================ building

    def _shortcut(self, keys: QKeySequence | QKeySequence.StandardKey, slot: Callable[[], object]) -> None:
        shortcut = QShortcut(keys, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)

    def _build_content(self) -> QWidget:
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)

        self.title_label = QLabel()
        font = self.title_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.title_label.setFont(font)
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle_label = QLabel()
        self.subtitle_label.setWordWrap(True)
        self.subtitle_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(self.title_label)
        layout.addWidget(self.subtitle_label)
        layout.addWidget(self._build_warning())
        layout.addWidget(self._build_from_email())

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_image_area())
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_text_tab(), self.tr("Text"))
        self.tabs.addTab(self._build_note_tab(), self.tr("Note"))
        self.tabs.addTab(self._build_details_tab(), self.tr("Details"))
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 360])  # scaled to the real height when shown: the picture first
        self.splitter = splitter
        layout.addWidget(splitter, 1)
        return content

    def _build_warning(self) -> QFrame:
        self.warning_frame = QFrame()
        self.warning_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.warning_frame.setAutoFillBackground(True)
        self.warning_frame.setBackgroundRole(QPalette.ColorRole.ToolTipBase)
        row = QHBoxLayout(self.warning_frame)
        row.setContentsMargins(8, 6, 8, 6)
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size, size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setForegroundRole(QPalette.ColorRole.ToolTipText)
        row.addWidget(icon)
        row.addWidget(self.warning_label, 1)
        self.warning_frame.hide()
        return self.warning_frame

    def _build_from_email(self) -> QFrame:
        """For a file found in an e-mail: which one, and a button to show it."""
        self.from_email_frame = QFrame()
        self.from_email_frame.setObjectName("fromEmail")
        self.from_email_frame.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(self.from_email_frame)
        row.setContentsMargins(8, 4, 8, 4)
        self.from_email_label = QLabel()
        self.from_email_label.setTextFormat(Qt.TextFormat.PlainText)
        self.from_email_label.setWordWrap(True)
        self.from_email_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.open_email_button = QPushButton(self.tr("Open the e-mail"))
        self.open_email_button.clicked.connect(self._on_open_email_clicked)
        row.addWidget(self.from_email_label, 1)
        row.addWidget(self.open_email_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.from_email_frame.hide()
        return self.from_email_frame

    def _build_image_area(self) -> QWidget:
        area = QWidget()
        column = QVBoxLayout(area)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)

        bar = QHBoxLayout()
        bar.setSpacing(2)
        self.match_label = QLabel()
        self.match_label.setWordWrap(True)
        self.match_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar.addWidget(self.match_label, 1)
        self.previous_page_button = self._tool_button(
            "‹", self.tr("Previous page (Page Up)"), self.previous_page
        )
        self.page_label = QLabel()
        self.page_label.setObjectName("pageLabel")
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_page_button = self._tool_button("›", self.tr("Next page (Page Down)"), self.next_page)
        for widget in (self.previous_page_button, self.page_label, self.next_page_button):
            bar.addWidget(widget)
            widget.hide()
        self.zoom_out_button = self._tool_button("−", self.tr("Zoom out (Ctrl+-)"), self.zoom_out)
        self.zoom_label = QLabel()
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("8888%"))
        self.zoom_in_button = self._tool_button("+", self.tr("Zoom in (Ctrl++)"), self.zoom_in)
        self.fit_button = self._tool_button(
            self.tr("Fit"), self.tr("Fit the picture to the width of the pane (Ctrl+0)"), self.zoom_fit
        )
        self.fit_button.setCheckable(True)
        self.actual_button = self._tool_button(
            "100%", self.tr("Show the picture at its real size"), self.zoom_actual
        )
        for widget in (
            self.zoom_out_button,
            self.zoom_label,
            self.zoom_in_button,
            self.fit_button,
            self.actual_button,
        ):
            bar.addWidget(widget)
        column.addLayout(bar)

        self._image_stack = QStackedWidget()
        self.image_view = ImageView()
        self.image_view.zoom_changed.connect(self._on_zoom_changed)
        self.image_message = QLabel()
        self.image_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_message.setWordWrap(True)
        self.image_message.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._image_stack.addWidget(self.image_view)
        self._image_stack.addWidget(self.image_message)
        self.email_view = EmailView()
        self.email_view.capture_requested.connect(self.capture_requested)
        self._image_stack.addWidget(self.email_view)
        self.xml_view = XmlView()
        self._image_stack.addWidget(self.xml_view)
        self._image_stack.setMinimumHeight(120)
        column.addWidget(self._image_stack, 1)
        # Page Down/Up turn a document's pages where the page is shown (the text and the
        # note keep theirs for scrolling); only while a document with pages is on show.
        self._page_shortcuts: list[QShortcut] = []
        for key, slot in ((Qt.Key.Key_PageDown, self.next_page), (Qt.Key.Key_PageUp, self.previous_page)):
            shortcut = QShortcut(QKeySequence(key), area)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            shortcut.setEnabled(False)
            self._page_shortcuts.append(shortcut)
        return area

    def _tool_button(self, text: str, tip: str, slot: Callable[[], object]) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def _build_text_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        column.setContentsMargins(0, 6, 0, 0)
        row = QHBoxLayout()
        self.ocr_status_label = QLabel()
        self.ocr_status_label.setWordWrap(True)
        self.ocr_status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.ocr_status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.rerun_button = QPushButton(self.tr("Read text again"))
        self.rerun_button.setToolTip(self.tr("Run text recognition on this picture again"))
        self.rerun_button.clicked.connect(self._on_rerun_clicked)
        row.addWidget(self.ocr_status_label, 1)
        row.addWidget(self.rerun_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(row)

        self.ocr_text = QPlainTextEdit()
        self.ocr_text.setReadOnly(True)
        self.ocr_text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.ocr_text.setPlaceholderText(self.tr("No text was read from this picture."))
        column.addWidget(self.ocr_text, 1)

        row = QHBoxLayout()
        row.addStretch(1)
        self.copy_text_button = QPushButton(self.tr("Copy text"))
        self.copy_text_button.clicked.connect(self._on_copy_text_clicked)
        row.addWidget(self.copy_text_button)
        column.addLayout(row)
        return tab

    def _build_note_tab(self) -> QWidget:
        tab = QWidget()
        column = QVBoxLayout(tab)
        column.setContentsMargins(0, 6, 0, 0)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setPlaceholderText(
            self.tr("Add a note: what this screenshot shows, who said it, why it matters…")
        )
        self.note_edit.textChanged.connect(self._on_note_changed)
        column.addWidget(self.note_edit, 1)
        self.note_conflict_label = QLabel()
        self.note_conflict_label.setObjectName("noteConflict")
        self.note_conflict_label.setWordWrap(True)
        self.note_conflict_label.setText(
            self.tr(
                "This note was changed elsewhere while you were typing. "
                "When you save, your text is added after the newer note: nothing is lost."
            )
        )
        self.note_conflict_label.hide()
        column.addWidget(self.note_conflict_label)
        row = QHBoxLayout()
        self.note_hint = QLabel(self.tr("Ctrl+Enter saves. Switching to another capture saves too."))
        self.note_hint.setWordWrap(True)
        self.note_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.note_hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.save_note_button = QPushButton(self.tr("Save note"))
        self.save_note_button.setEnabled(False)
        self.save_note_button.clicked.connect(self.save_note)
        row.addWidget(self.note_hint, 1)
        row.addWidget(self.save_note_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(row)
        return tab

    def _build_details_tab(self) -> QWidget:
        inner = QWidget()
        form = QFormLayout(inner)
        form.setContentsMargins(4, 8, 4, 4)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        def value() -> QLabel:
            label = QLabel()
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            return label

        self.local_time_label = value()
        self.utc_time_label = value()
        self.source_label = value()
        self.filed_label = value()
        self.size_label = value()
        # Where the pixels came from (shown for screenshots; "not recorded" when unknown).
        self.window_label = value()
        self.app_label = value()
        self.screen_label = value()
        self.backend_label = value()
        # A long capture's frames (hidden for other captures).
        self.frames_label = value()
        # A document's kind and pages, and the invoice facts read from it (hidden for pictures).
        self.document_label = value()
        self.facts_label = value()
        self.facts_label.setTextFormat(Qt.TextFormat.PlainText)
        self.sha_edit = QLineEdit()
        self.sha_edit.setReadOnly(True)
        self.sha_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.sha_edit.setToolTip(
            self.tr("The picture's fingerprint: any change to the file, however small, changes it.")
        )
        self.sha_edit.setMinimumWidth(80)
        self.copy_sha_button = QPushButton(self.tr("Copy"))
        self.copy_sha_button.clicked.connect(self._on_copy_sha_clicked)
        sha_row = QHBoxLayout()
        sha_row.addWidget(self.sha_edit, 1)
        sha_row.addWidget(self.copy_sha_button)

        form.addRow(self.tr("Captured"), self.local_time_label)
        form.addRow(self.tr("In UTC"), self.utc_time_label)
        form.addRow(self.tr("Source"), self.source_label)
        form.addRow(self.tr("Window"), self.window_label)
        form.addRow(self.tr("Application"), self.app_label)
        form.addRow(self.tr("Screen"), self.screen_label)
        form.addRow(self.tr("Captured with"), self.backend_label)
        self._details_form = form
        form.addRow(self.tr("Filed under"), self.filed_label)
        form.addRow(self.tr("Size"), self.size_label)
        form.addRow(self.tr("SHA-256"), sha_row)
        form.addRow(self.tr("Frames"), self.frames_label)
        form.addRow(self.tr("Document"), self.document_label)
        form.addRow(self.tr("Invoice"), self.facts_label)
        # Trusted time (gui/timestamp_worker.py): shown when the capture was stamped or queued.
        self.trusted_time_label = value()
        self.trusted_time_status: Callable[[int], str | None] | None = None
        form.addRow(self.tr("Trusted time"), self.trusted_time_label)
        form.setRowVisible(self.trusted_time_label, False)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        return scroll

    # ================================================================ public API

    @property
    def record(self) -> CaptureRecord | None:
        return self._record

    @property
    def query(self) -> str:
        return self._query

    def show_capture(
        self, record: CaptureRecord, image: QImage, query: str = "", document: DocumentContext | None = None
    ) -> None:
        """Show `record` (loaded with its OCR words) and its decoded `image`, with the
        matches of `query` highlighted. An edited note of another capture is saved first.
        Showing the capture already on show again (after an edit) keeps its zoom and scroll.

        For a document, `document` says what the window loaded (gui.document_view): a
        PDF/OFD's `image` is its page `document.page`; an e-mail or XML has no picture."""
        if record.is_document:
            self._show_document(record, image, query, document or DocumentContext())
            return
        again = self._showing(record) and self._image_loaded
        new_query = query != self._query
        self._show_record(record)
        self._query = query
        self._document = DocumentContext()
        self.from_email_frame.hide()
        self._update_page_bar()
        self._set_zoom_visible(True)
        if image.isNull():
            self._show_image_message(self.tr("This picture could not be shown."))
        else:
            self.image_view.set_image(image, QSize(record.width, record.height), keep_view=again)
            self._image_stack.setCurrentWidget(self.image_view)
            self._image_loaded = True
        self._set_zoom_enabled(self._image_loaded)
        self._apply_query()
        if not again or new_query:
            self.image_view.show_first_match()

    def _show_document(
        self, record: CaptureRecord, image: QImage, query: str, document: DocumentContext
    ) -> None:
        again = self._showing(record) and self._image_loaded and document.page == self._page
        new_query = query != self._query
        self._show_record(record)
        self._query = query
        self._document = document
        self._show_parent(document)
        self._show_document_details(record)  # with the facts the window read, if not stored yet
        if record.doc_problem:
            self._show_image_message(_sentence(record.doc_problem))
        elif is_paged(record):
            self._page = max(0, min(document.page, record.page_count - 1))
            self._wanted_page = None
            self._set_page(image, document.page_error, keep_view=again)
        elif record.doc_kind == "email" and document.email is not None:
            self.email_view.show_email(document.email, document.links)
            self._image_stack.setCurrentWidget(self.email_view)
            self._image_loaded = False
        elif record.doc_kind == "xml":
            self.xml_view.show_xml(record, document.text or record.ocr_text, document.facts or record.facts)
            self._image_stack.setCurrentWidget(self.xml_view)
            self._image_loaded = False
        else:
            self._show_image_message(self.tr("This document could not be shown."))
        self._update_page_bar()
        self._set_zoom_enabled(self._image_loaded)
        self._set_zoom_visible(self._image_stack.currentWidget() not in (self.email_view, self.xml_view))
        self._apply_query()
        if not again or new_query:
            self.image_view.show_first_match()

    def _set_page(self, image: QImage, error: str | None, keep_view: bool = False) -> None:
        """Show the picture of page self._page (or why it could not be drawn)."""
        record = self._record
        if record is None:
            return
        if image.isNull():
            self._show_image_message(
                self.tr("Page {page} could not be shown: {error}").format(
                    page=self._page + 1, error=error or self.tr("unknown error")
                )
            )
        else:
            self.image_view.set_image(image, self._page_size(record, image), keep_view=keep_view)
            self._image_stack.setCurrentWidget(self.image_view)
            self._image_loaded = True
        self._set_zoom_enabled(self._image_loaded)

    def _page_size(self, record: CaptureRecord, image: QImage) -> QSize:
        """The size of page self._page in the pixels its word boxes use (a page drawn
        smaller, to stay under the pixel limit, is laid out at this size)."""
        sizes = (record.doc_info or {}).get("page_sizes")
        if isinstance(sizes, list) and 0 <= self._page < len(sizes):
            size = sizes[self._page]
            if isinstance(size, list | tuple) and len(size) == 2 and all(isinstance(v, int) for v in size):
                return QSize(size[0], size[1])
        return image.size()

    @property
    def page(self) -> int:
        """The page shown (0-based) of a PDF/OFD."""
        return self._page

    @property
    def page_count(self) -> int:
        return self._record.page_count if is_paged(self._record) and self._record is not None else 0

    def show_page(self, capture_id: int, page: int, image: QImage, error: str | None = None) -> None:
        """The picture of a page asked for with page_requested (or why it could not be
        drawn). An answer for another capture, or a page no longer wanted, is ignored."""
        record = self._record
        if record is None or record.id != capture_id or page != self._wanted_page:
            return
        self._wanted_page = None
        self._page = page
        self._set_page(image, error)
        self._update_page_bar()
        self._apply_query()
        self.image_view.show_first_match()

    def go_to_page(self, page: int) -> None:
        """Ask for page `page` (0-based) of the PDF/OFD on show; it appears with show_page."""
        record = self._record
        if record is None or not is_paged(record):
            return
        page = max(0, min(page, record.page_count - 1))
        current = self._wanted_page if self._wanted_page is not None else self._page
        if page == current:
            return
        self._wanted_page = page
        self._update_page_bar()
        self.page_requested.emit(record.id, page)

    def next_page(self) -> None:
        self.go_to_page((self._wanted_page if self._wanted_page is not None else self._page) + 1)

    def previous_page(self) -> None:
        self.go_to_page((self._wanted_page if self._wanted_page is not None else self._page) - 1)

    def _update_page_bar(self) -> None:
        count = self.page_count
        shown = count > 0 and self._image_stack.currentWidget() in (self.image_view, self.image_message)
        page = self._wanted_page if self._wanted_page is not None else self._page
        if shown:
            text = self.tr("Page {page} of {count}").format(page=page + 1, count=count)
            if self._wanted_page is not None:
                text = self.tr("{page} (loading…)").format(page=text)
            self.page_label.setText(text)
            self.previous_page_button.setEnabled(page > 0)
            self.next_page_button.setEnabled(page < count - 1)
        for widget in (self.previous_page_button, self.page_label, self.next_page_button):
            widget.setVisible(shown)
        for shortcut in self._page_shortcuts:
            shortcut.setEnabled(shown)

    def _show_parent(self, document: DocumentContext) -> None:
        if document.parent is None:
            self.from_email_frame.hide()
            return
        subject = document.parent[1] or self.tr("(no subject)")
        self.from_email_label.setText(self.tr("From the e-mail “{subject}”").format(subject=subject))
        self.from_email_frame.show()

    @Slot()
    def _on_open_email_clicked(self) -> None:
        if self._document.parent is not None:
            self.capture_requested.emit(self._document.parent[0])

    def show_loading(self, record: CaptureRecord) -> None:
        """Show `record`'s details at once while the window decodes its picture. For the
        capture already on show, its current picture stays until the new one arrives."""
        again = self._showing(record) and (self._image_loaded or record.is_document)
        self._show_record(record)
        if not again:
            self._show_image_message(self.tr("Loading…"))
            self._document = DocumentContext()
            self.from_email_frame.hide()
            self._page, self._wanted_page = 0, None
            self._update_page_bar()
        self._apply_query()

    def _showing(self, record: CaptureRecord) -> bool:
        return self._record is not None and self._record.id == record.id

    def update_record(self, record: CaptureRecord) -> None:
        """Refresh the details, text and OCR status of the capture on show (e.g. after
        its text was read again) without reloading its picture. A note being edited is
        kept. Another capture's record is ignored."""
        if self._record is None or record.id != self._record.id:
            return
        self._show_record(record)
        self._apply_query()

    def clear(self, message: str = "") -> None:
        """Show no capture, only `message` ("No results"...). An edited note is saved first."""
        self.commit_note()
        self._record = None
        self._image_loaded = False
        self._saved_note = ""
        self._newer_note = None
        self.note_edit.blockSignals(True)
        self.note_edit.setPlainText("")
        self.note_edit.blockSignals(False)
        self._on_note_changed()
        self.image_view.clear_image()
        self.image_boxes, self.text_spans = [], []
        self._page, self._wanted_page, self._page_boxes = 0, None, {}
        self._document = DocumentContext()
        self.from_email_frame.hide()
        self.email_view.clear()
        self._update_page_bar()
        self.ocr_text.setPlainText("")
        self.message_label.setText(message or self.tr("Select a capture to see it here"))
        self._pages.setCurrentWidget(self.message_label)

    def set_query(self, query: str) -> None:
        """Highlight the matches of a new search without reloading the picture. A
        document turns to the first page with a match when the page shown has none."""
        self._query = query
        self._apply_query()
        if self._page_boxes and self._page not in self._page_boxes and self._wanted_page is None:
            self.go_to_page(min(self._page_boxes))
        self.image_view.show_first_match()

    def zoom_in(self) -> None:
        self.image_view.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.image_view.zoom_by(1 / ZOOM_STEP)

    def zoom_fit(self) -> None:
        self.image_view.fit()

    def zoom_actual(self) -> None:
        self.image_view.set_zoom(1.0)

    def has_unsaved_note(self) -> bool:
        return self._record is not None and self.note_edit.toPlainText() != self._saved_note

    @Slot()
    def save_note(self) -> None:
        """Emit note_saved for the note as edited (Save note, Ctrl+Enter)."""
        if not self.has_unsaved_note() or self._record is None:
            return
        note = self.note_edit.toPlainText()
        base = self._saved_note
        self._saved_note = note
        self._newer_note = None
        log.debug("note of capture %s saved (%d characters)", self._record.id, len(note))
        self.note_saved.emit(self._record.id, note, base)
        self._on_note_changed()

    def commit_note(self) -> bool:
        """Save an edited note now (the window calls this before closing). True if it did."""
        if not self.has_unsaved_note():
            return False
        self.save_note()
        return True

    # ================================================================ filling in

    def _show_record(self, record: CaptureRecord) -> None:
        same = self._record is not None and self._record.id == record.id
        if not same:
            self.commit_note()
            self._newer_note = None
            self._image_loaded = False
            self._rerun_requested = False
        elif record.ocr_status != "pending":
            self._rerun_requested = False
        self._record = record
        self._pages.setCurrentIndex(1)

        local, utc = format_capture_time(record.captured_at, record.utc_offset_min)
        source = self._source_text(record)
        filed = record.purchase_title or self.tr("Inbox")
        self.title_label.setText(local)
        self.subtitle_label.setText(
            self.tr("{source} · filed under {filed}").format(source=source, filed=filed)
        )
        self.local_time_label.setText(local)
        self.utc_time_label.setText(utc)
        self.source_label.setText(source)
        self._show_origin(record)
        self.filed_label.setText(filed)
        self.size_label.setText(self._size_text(record))
        self.sha_edit.setText(record.sha256)
        self.sha_edit.setCursorPosition(0)
        self._show_frames(record)
        self._show_document_details(record)
        stamp = self.trusted_time_status(record.id) if self.trusted_time_status else None
        self.trusted_time_label.setText(stamp or "")
        self._details_form.setRowVisible(self.trusted_time_label, bool(stamp))
        warnings = self._warnings(record)
        self.warning_label.setText("\n".join(warnings))
        self.warning_frame.setVisible(bool(warnings))

        if (record.ocr_text or "") != self.ocr_text.toPlainText():
            self.ocr_text.setPlainText(record.ocr_text or "")
        self._update_ocr_status()

        # The stored note replaces the editor's text unless the user is editing this one.
        # Then the editor keeps the note it started from (saving sends it along, so the
        # window can tell that the stored one is newer) and says that it changed.
        note = record.note or ""
        if not (same and self.has_unsaved_note()):
            self._saved_note = note
            self._newer_note = None
            if self.note_edit.toPlainText() != note:
                self.note_edit.blockSignals(True)
                self.note_edit.setPlainText(note)
                self.note_edit.blockSignals(False)
        elif note != self._saved_note:
            self._newer_note = note
        self._on_note_changed()

    def _show_image_message(self, message: str) -> None:
        self.image_view.clear_image()
        self._image_loaded = False
        self.image_message.setText(message)
        self._image_stack.setCurrentWidget(self.image_message)
        self._set_zoom_enabled(False)

    def _set_zoom_visible(self, visible: bool) -> None:
        for widget in (self.zoom_out_button, self.zoom_in_button, self.fit_button, self.actual_button):
            widget.setVisible(visible)

    def _set_zoom_enabled(self, enabled: bool) -> None:
        for widget in (self.zoom_out_button, self.zoom_in_button, self.fit_button, self.actual_button):
            widget.setEnabled(enabled)
        self.zoom_label.setVisible(enabled)

    def _source_text(self, record: CaptureRecord) -> str:
        if record.source == "region":
            return self.tr("Screen region")
        if record.source == "fullscreen":
            return self.tr("Full screen")
        if record.source == "import":
            if record.source_name:
                return self.tr("Imported file ({name})").format(name=record.source_name)
            return self.tr("Imported file")
        if record.source == "clipboard":
            return self.tr("Clipboard")
        if record.source == "attachment":
            if record.source_name:
                return self.tr("Attachment of an e-mail ({name})").format(name=record.source_name)
            return self.tr("Attachment of an e-mail")
        if record.source == "recovered":
            return self.tr("Recovered after an interruption")
        if record.source == "long":
            return self.tr("Long capture")
        return record.source

    def _show_document_details(self, record: CaptureRecord) -> None:
        """A document's kind and pages, and the invoice facts read from it."""
        self._details_form.setRowVisible(self.document_label, record.is_document)
        rows = facts_rows(record.facts or (self._document.facts if self._showing(record) else None))
        self._details_form.setRowVisible(self.facts_label, bool(rows))
        self.facts_label.setText("\n".join(f"{label}: {value}" for label, value in rows))
        if not record.is_document:
            self.document_label.clear()
            return
        kind = kind_text(record.doc_kind, record.facts)
        if record.doc_kind in ("pdf", "ofd") and record.page_count:
            kind = self.tr("{kind}, {n} page(s)").format(kind=kind, n=record.page_count)
        if record.doc_problem:
            kind = self.tr("{kind} — cannot be read").format(kind=kind)
        self.document_label.setText(kind)

    def _show_frames(self, record: CaptureRecord) -> None:
        """A long capture's frames: how many, and each one's SHA-256 (shortened), in order."""
        self._details_form.setRowVisible(self.frames_label, record.is_long)
        if not record.is_long:
            self.frames_label.clear()
            return
        text = self.tr("{n} frames, each kept as an original; the image is stitched from them").format(
            n=record.frames
        )
        lines = [
            self.tr("{n}. {sha}…").format(n=n, sha=sha[:12])
            for n, sha in enumerate(record.frame_hashes, start=1)
        ]
        self.frames_label.setText("\n".join([text, *lines]))

    def _show_origin(self, record: CaptureRecord) -> None:
        """The window, application, screen and grab backend a screenshot came from; each
        "not recorded" when the app did not record it (never guessed). Imported and pasted
        images were not grabbed from a screen: the rows are hidden unless something was recorded."""
        origin = record.origin
        missing = self.tr("not recorded")
        app = origin.app
        if app and origin.window_class and origin.window_class != app:
            app = self.tr("{app} (window class {window_class})").format(
                app=app, window_class=origin.window_class
            )
        area = None
        if origin.rect is not None:
            x, y, width, height = origin.rect
            area = self.tr("{width} × {height} at {x}, {y}").format(width=width, height=height, x=x, y=y)
        screen = ", ".join(p for p in (origin.output, area) if p)
        self.window_label.setText(origin.title or missing)
        self.app_label.setText(app or missing)
        self.screen_label.setText(screen or missing)
        self.backend_label.setText(origin.backend or missing)
        shown = record.source not in ("import", "clipboard") or not origin.empty
        for label in (self.window_label, self.app_label, self.screen_label, self.backend_label):
            self._details_form.setRowVisible(label, shown)

    def _size_text(self, record: CaptureRecord) -> str:
        locale = QLocale()
        if record.is_document:
            return self.tr("{size} ({bytes} bytes)").format(
                size=locale.formattedDataSize(
                    record.bytes, 2, QLocale.DataSizeFormat.DataSizeTraditionalFormat
                ),
                bytes=locale.toString(record.bytes),
            )
        return self.tr("{width} × {height} px, {size} ({bytes} bytes)").format(
            width=record.width,
            height=record.height,
            size=locale.formattedDataSize(record.bytes, 2, QLocale.DataSizeFormat.DataSizeTraditionalFormat),
            bytes=locale.toString(record.bytes),
        )

    def _warnings(self, record: CaptureRecord) -> list[str]:
        out: list[str] = []
        if record.in_trash:
            out.append(self.tr("In the Trash: restore it to keep it."))
        if record.doc_problem:
            out.append(_sentence(record.doc_problem))
        for flag in record.flags:
            if flag == "uniform":
                out.append(self.tr("Almost entirely one colour — the window may block screenshots."))
            elif flag == "recovered":
                if record.source != "recovered":
                    out.append(
                        self.tr("Recovered after an interruption — check that the picture is complete.")
                    )
            else:
                out.append(flag)
        return out

    def _ocr_status_text(self, record: CaptureRecord) -> str:
        if self._rerun_requested or record.ocr_status == "pending":
            return self.tr("Reading the text…")
        if record.ocr_status == "done" and record.is_document:
            engine = record.ocr_engine or ""
            if "+" in engine:
                return self.tr(
                    "Text taken from the document; its scanned pages were read by this computer and can contain mistakes."
                )
            return self.tr("Text taken from the document itself.")
        if record.doc_problem:
            return self.tr("No text can be read from this document.")
        if record.ocr_status == "done":
            languages = self._languages_text(record.ocr_languages)
            if languages:
                return self.tr(
                    "Text read by this computer ({languages}). It can contain mistakes: the picture is what counts."
                ).format(languages=languages)
            return self.tr("Text read by this computer. It can contain mistakes: the picture is what counts.")
        if record.ocr_status == "failed":
            return self.tr("Could not read the text: {error}").format(
                error=record.ocr_error or self.tr("unknown error")
            )
        if record.ocr_status == "unavailable":
            return self.tr("Text recognition is not installed")
        return record.ocr_status

    def _languages_text(self, codes: str | None) -> str:
        """ "chi_sim+eng" (tesseract) or "ch" (PP-OCR, which reads both) in plain words."""
        parts = set((codes or "").replace(",", "+").split("+")) - {""}
        chinese = bool(parts & {"ch", "chi_sim", "chi_tra", "zh"})
        english = "ch" in parts or bool(parts & {"eng", "en"})
        if chinese and english:
            return self.tr("Chinese and English")
        if chinese:
            return self.tr("Chinese")
        if english:
            return self.tr("English")
        return codes or ""

    def _ocr_details(self, record: CaptureRecord) -> str:
        """The technical details, for the tooltip: which engine, version and languages."""
        if record.ocr_status == "failed" and record.ocr_error:
            return record.ocr_error
        if record.ocr_status != "done":
            return ""
        names = {"ppocr": "PP-OCR", "tesseract": "Tesseract"}
        engine = names.get(record.ocr_engine or "", record.ocr_engine or "")
        details = " ".join(p for p in (engine, record.ocr_version) if p)
        return self.tr("Text recognition: {engine}; languages: {languages}").format(
            engine=details or self.tr("unknown"), languages=record.ocr_languages or self.tr("unknown")
        )

    def _update_ocr_status(self) -> None:
        record = self._record
        if record is None:
            return
        self.ocr_status_label.setText(self._ocr_status_text(record))
        self.ocr_status_label.setToolTip(self._ocr_details(record))
        busy = self._rerun_requested or record.ocr_status == "pending"
        self.rerun_button.setEnabled(not busy and not record.in_trash and not record.doc_problem)
        self.copy_text_button.setEnabled(bool(record.ocr_text))

    def _apply_query(self) -> None:
        record = self._record
        if record is None:
            return
        if is_paged(record):
            self._page_boxes = boxes_by_page(record.words, self._query)
            self.image_boxes = self._page_boxes.get(self._page, [])
        else:
            self._page_boxes = {}
            self.image_boxes = matching_word_boxes(record.words, self._query) if self._query else []
        self.text_spans = matching_spans(record.ocr_text or "", self._query) if self._query else []
        if self._image_loaded:
            self.image_view.set_boxes(self.image_boxes)
        self._highlight_text()
        if not self._query.strip() or (not self.image_boxes and not self.text_spans and not record.ocr_text):
            self.match_label.setText("")
        elif self._page_boxes and (len(self._page_boxes) > 1 or self._page not in self._page_boxes):
            pages = ", ".join(str(p + 1) for p in sorted(self._page_boxes))
            self.match_label.setText(
                self.tr("Matches in the text: {count}; on pages {pages}").format(
                    count=len(self.text_spans), pages=pages
                )
            )
        elif self.text_spans:
            self.match_label.setText(
                self.tr("Matches in the text: {count}").format(count=len(self.text_spans))
            )
        else:
            self.match_label.setText(self.tr("Not in the text: the search matched the note or purchase"))

    def _highlight_text(self) -> None:
        fmt = QTextCharFormat()
        fmt.setBackground(MATCH_TEXT_BACKGROUND)
        fmt.setForeground(MATCH_TEXT_FOREGROUND)
        text = (self._record.ocr_text or "") if self._record is not None else ""
        offsets = _utf16_offsets(text)
        selections: list[QTextEdit.ExtraSelection] = []
        for start, end in self.text_spans:
            if offsets is not None:
                start, end = offsets[start], offsets[end]
            cursor = QTextCursor(self.ocr_text.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.ocr_text.setExtraSelections(selections)
        if selections:
            # Scroll the first match into view without disturbing a selection the user made.
            first = QTextCursor(selections[0].cursor)
            first.clearSelection()
            self.ocr_text.setTextCursor(first)
            self.ocr_text.centerCursor()

    # ================================================================ slots

    @Slot(float)
    def _on_zoom_changed(self, scale: float) -> None:
        self.zoom_label.setText(f"{round(scale * 100)}%")
        self.fit_button.setChecked(self.image_view.fitting)

    @Slot()
    def _on_note_changed(self) -> None:
        dirty = self.has_unsaved_note()
        self.save_note_button.setEnabled(dirty)
        self.note_conflict_label.setVisible(dirty and self._newer_note is not None)
        self.tabs.setTabText(1, self.tr("Note") + (" •" if dirty else ""))

    @Slot()
    def _on_rerun_clicked(self) -> None:
        if self._record is None:
            return
        self._rerun_requested = True
        self._update_ocr_status()
        self.ocr_rerun_requested.emit(self._record.id)

    @Slot()
    def _on_copy_sha_clicked(self) -> None:
        if self._record is not None:
            QGuiApplication.clipboard().setText(self._record.sha256)

    @Slot()
    def _on_copy_text_clicked(self) -> None:
        selected = self.ocr_text.textCursor().selectedText().replace("\u2029", "\n")
        QGuiApplication.clipboard().setText(selected or self.ocr_text.toPlainText())


__all__ = ["PreviewPane", "format_capture_time"]
