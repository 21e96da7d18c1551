"""The purchase editor's list of details found in the purchase's screenshots.

One row a suggestion: what was found ("Phone: 138 0013 8000"), the screenshot it was read
from (its time and a thumbnail, as the library window shows it) and a Use button. The panel
only shows them: Use emits `use_requested`, and the editor decides what goes where.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTime, Signal, Slot
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from capture.suggestions import Suggestion
from storage.records import CaptureRecord

from .thumbnails import ThumbnailCache
from .widgets import muted, wrapped

if TYPE_CHECKING:
    from storage.library import Library

_SUGGESTION_ROWS_VISIBLE = 6
_LONGEST_SHOWN = 48
# The thumbnail beside a suggestion (logical pixels); made at the library window's size,
# so both share the thumbnails cached on disk.
_SUGGESTION_THUMB = 44
_THUMBNAIL_SIZE = 160


def capture_time_text(captured_at: str, utc_offset_min: int | None, now: datetime | None = None) -> str:
    """When a capture was taken, as its day and minute where it was taken, in the UI
    language: "12 Dec 14:03" ("12月12日 14:03"), with the year when it is not this year.
    An unreadable time is shown as stored."""
    try:
        at = datetime.strptime(captured_at, "%Y-%m-%dT%H:%M:%S.%fZ")
        at += timedelta(minutes=utc_offset_min or 0)
    except (ValueError, OverflowError):
        return captured_at
    locale = QLocale()
    this_year = at.year == (now or datetime.now()).year
    if locale.language() == QLocale.Language.Chinese:
        pattern = "M月d日 HH:mm" if this_year else "yyyy年M月d日 HH:mm"
    else:
        pattern = "d MMM HH:mm" if this_year else "d MMM yyyy HH:mm"
    moment = QDateTime(QDate(at.year, at.month, at.day), QTime(at.hour, at.minute))
    return locale.toString(moment, pattern)


class SuggestionsPanel(QGroupBox):
    """Suggestions with a Use button each; hidden while there are none.

    Thumbnails come from `thumbnails` (the library window's) when given, else from a
    cache made on first use and stopped by `stop_thumbnails`.
    """

    # The Suggestion, and a function to call once it is in the form (it dims the row).
    use_requested = Signal(object, object)

    def __init__(
        self, library: Library, thumbnails: ThumbnailCache | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Found in this purchase's screenshots"), parent)
        self._lib = library
        self.suggestions: list[Suggestion] = []
        self.buttons: list[QPushButton] = []
        self._captures: dict[int, CaptureRecord] = {}
        self.thumbnails = thumbnails
        self._own_thumbnails = False
        self._thumbnails_connected = False
        self._thumb_labels: dict[str, list[QLabel]] = {}

        self.setObjectName("suggestions")
        box = QVBoxLayout(self)
        box.setSpacing(6)
        box.addWidget(
            muted(
                wrapped(
                    self.tr("Check each one against the screenshot, then press Use to copy it into the form.")
                )
            )
        )
        self._suggestion_host = QWidget()
        self._suggestion_rows = QVBoxLayout(self._suggestion_host)
        self._suggestion_rows.setContentsMargins(0, 0, 0, 0)
        self._suggestion_rows.setSpacing(4)
        self._suggestion_scroll = QScrollArea()
        self._suggestion_scroll.setWidget(self._suggestion_host)
        self._suggestion_scroll.setWidgetResizable(True)
        self._suggestion_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._suggestion_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Transparent, so the list sits on the group's own background.
        self._suggestion_scroll.viewport().setAutoFillBackground(False)
        self._suggestion_host.setAutoFillBackground(False)
        box.addWidget(self._suggestion_scroll)
        self.hide()

    # ------------------------------------------------------------------ contents

    def show_suggestions(self, suggestions: list[Suggestion], captures: dict[int, CaptureRecord]) -> None:
        """List `suggestions` (replacing any listed before), read from `captures` (by id)."""
        while self._suggestion_rows.count():
            item = self._suggestion_rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self._captures = dict(captures)
        self._thumb_labels = {}
        self.suggestions = list(suggestions)
        self.buttons = []
        for suggestion in self.suggestions:
            self._suggestion_rows.addWidget(self._suggestion_row(suggestion))
        self.setVisible(bool(self.suggestions))
        self.fit_rows()

    def fit_rows(self) -> None:
        """Show up to _SUGGESTION_ROWS_VISIBLE rows in full at the list's current width;
        more scroll. Wrapped labels change height with width, so the editor calls this
        when it is resized too."""
        if not self.suggestions:
            return
        width = self._suggestion_scroll.viewport().width()
        rows = self._suggestion_rows
        height = 0
        for i in range(min(rows.count(), _SUGGESTION_ROWS_VISIBLE)):
            item = rows.itemAt(i)
            row = item.widget() if item is not None else None
            if row is None:
                continue
            hint = row.heightForWidth(width) if row.hasHeightForWidth() else -1
            height += (hint if hint > 0 else row.sizeHint().height()) + (rows.spacing() if i else 0)
        self._suggestion_scroll.setFixedHeight(height + 2)

    def _kind_name(self, suggestion: Suggestion) -> str:
        if suggestion.kind == "amount" and suggestion.total >= 3:
            return self.tr("Amount paid")
        if suggestion.kind == "amount" and suggestion.total:
            return self.tr("Order total")
        names = {
            "phone": self.tr("Phone"),
            "wechat_id": self.tr("WeChat ID"),
            "order_no": self.tr("Order number"),
            "amount": self.tr("Amount"),
            "url": self.tr("Link"),
            "email": self.tr("E-mail"),
            "company": self.tr("Seller's company (invoice)"),
            "credit_code": self.tr("Seller's credit code (invoice)"),
            "invoice_date": self.tr("Invoice date"),
            "invoice_no": self.tr("Invoice number"),
        }
        return names.get(suggestion.kind, suggestion.kind)

    def _suggestion_text(self, suggestion: Suggestion) -> str:
        value = suggestion.value
        if len(value) > _LONGEST_SHOWN:
            # A long link has no place to wrap and would widen the whole dialog.
            value = value[: _LONGEST_SHOWN - 1] + "…"
        if suggestion.kind == "amount" and suggestion.currency:
            value = f"{value} {suggestion.currency}"
        return self.tr("{kind}: {value}").format(kind=self._kind_name(suggestion), value=value)

    def suggestion_source(self, suggestion: Suggestion) -> str:
        """Where a suggestion was read, as the library window names a capture: its time."""
        capture = self._captures.get(suggestion.capture_id)
        if capture is None:
            return self.tr("In one of this purchase's screenshots")
        time = capture_time_text(capture.captured_at, capture.utc_offset_min)
        if capture.is_document:
            name = capture.source_name or ""
            if name:
                return self.tr("In the document {name} ({time})").format(name=name, time=time)
            return self.tr("In the document of {time}").format(time=time)
        return self.tr("In the screenshot of {time}").format(time=time)

    def _suggestion_row(self, suggestion: Suggestion) -> QWidget:
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        thumb = QLabel()
        thumb.setObjectName("suggestionThumbnail")
        thumb.setFixedSize(_SUGGESTION_THUMB, _SUGGESTION_THUMB)
        thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        source = self.suggestion_source(suggestion)
        thumb.setToolTip(source)
        capture = self._captures.get(suggestion.capture_id)
        if capture is not None:
            self._thumb_labels.setdefault(capture.sha256, []).append(thumb)
            self._show_thumbnail(thumb, capture.sha256)
        else:
            thumb.hide()
        texts = QVBoxLayout()
        texts.setSpacing(0)
        label = wrapped(self._suggestion_text(suggestion))
        label.setObjectName("suggestionText")
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setToolTip(
            self.tr("{value}\nAs read in the screenshot: {raw}").format(
                value=suggestion.value, raw=suggestion.raw
            )
        )
        where = muted(wrapped(source))
        where.setObjectName("suggestionSource")
        texts.addWidget(label)
        texts.addWidget(where)
        button = QPushButton(self.tr("Use"))
        button.setObjectName(f"use_{suggestion.kind}")
        button.setAutoDefault(False)
        button.setToolTip(self.tr("Copy it into the form (nothing is saved until you press Save)."))
        button.clicked.connect(lambda: self.use_requested.emit(suggestion, lambda: row.setEnabled(False)))
        box.addWidget(thumb, 0, Qt.AlignmentFlag.AlignTop)
        box.addLayout(texts, 1)
        box.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self.buttons.append(button)
        return row

    # ------------------------------------------------------------------ thumbnails

    def _thumbnail_cache(self) -> ThumbnailCache:
        if self.thumbnails is None:
            # Thumbnails are read (or made) in worker threads, never here.
            self.thumbnails = ThumbnailCache(self._lib, _THUMBNAIL_SIZE, self, max_threads=1)
            self._own_thumbnails = True
        if not self._thumbnails_connected:
            self.thumbnails.thumbnail_ready.connect(self._on_thumbnail_ready)
            self._thumbnails_connected = True
        return self.thumbnails

    def _show_thumbnail(self, label: QLabel, sha256: str) -> None:
        cache = self._thumbnail_cache()
        pixmap = cache.get(sha256)
        self._set_thumbnail(label, pixmap if pixmap is not None else cache.placeholder())

    def _set_thumbnail(self, label: QLabel, pixmap: QPixmap) -> None:
        ratio = label.devicePixelRatioF()
        side = round(_SUGGESTION_THUMB * ratio)
        scaled = pixmap.scaled(
            side, side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        scaled.setDevicePixelRatio(ratio)
        label.setPixmap(scaled)
        label.setProperty("thumbnailReady", pixmap is not self._thumbnail_cache().placeholder())

    @Slot(str)
    def _on_thumbnail_ready(self, sha256: str) -> None:
        labels = self._thumb_labels.get(sha256)
        if not labels or self.thumbnails is None:
            return
        pixmap = self.thumbnails.get(sha256)
        if pixmap is None:
            return
        for label in labels:
            self._set_thumbnail(label, pixmap)

    def stop_thumbnails(self) -> None:
        """Stop listening for thumbnails; a cache made here stops too (the library
        window's stays)."""
        if self.thumbnails is not None and self._thumbnails_connected:
            self.thumbnails.thumbnail_ready.disconnect(self._on_thumbnail_ready)
            self._thumbnails_connected = False
        if self._own_thumbnails and self.thumbnails is not None:
            self.thumbnails.shutdown()


__all__ = ["SuggestionsPanel", "capture_time_text"]
