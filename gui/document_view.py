"""Documents in the library window's preview: what is loaded for them (off the GUI thread)
and the widgets that show an e-mail and an XML e-invoice.

PDF and OFD pages are pictures (Library.page_png, rendered once and cached), shown one at a
time in the preview's image view. An e-mail is shown as plain text only: its headers, its
text and its attachments, each filed attachment a button that opens its capture. Nothing of
the mail is ever rendered as HTML and nothing is fetched: the text is what
storage.documents made of it (remote images counted, never loaded). An XML e-invoice shows
the facts read from it and its text.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QLocale, Qt, Signal
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from storage import documents
from storage.errors import KnownStorageError
from storage.highlight import matching_word_boxes_by_page
from storage.records import CaptureRecord, OcrWordBox

from .vocabulary import document_kind_label as kind_text

if TYPE_CHECKING:
    from storage.library import Library

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EmailContent:
    """An e-mail as the preview shows it (decoded by storage.documents.read_email)."""

    headers: Mapping[str, str]
    text: str
    attachments: tuple[Mapping[str, Any], ...]  # as DocInfo.info["attachments"]
    remote_content: int = 0


@dataclass(frozen=True)
class DocumentContext:
    """What the window loads for a document besides its record: the page shown (with its
    picture, passed beside), why it could not be drawn, the e-mail it came from, and for an
    e-mail its content and the captures its attachments were filed as."""

    page: int = 0
    page_error: str | None = None
    parent: tuple[int, str] | None = None  # the e-mail's capture id and subject
    links: Mapping[str, int] = field(default_factory=dict)  # attachment sha256 -> capture id
    email: EmailContent | None = None
    text: str | None = None  # an XML document's text (its record's may not be read yet)
    facts: Mapping[str, Any] | None = None


PAGED_KINDS = frozenset({"pdf", "ofd"})


def is_paged(record: CaptureRecord | None) -> bool:
    """A PDF or OFD with pages to show."""
    return (
        record is not None
        and record.doc_kind in PAGED_KINDS
        and not record.doc_problem
        and record.page_count > 0
    )


def boxes_by_page(words: tuple[OcrWordBox, ...], query: str) -> dict[int, list[tuple[int, int, int, int]]]:
    if not query.strip():
        return {}
    return {page: list(boxes) for page, boxes in matching_word_boxes_by_page(words, query).items() if boxes}


def first_match_page(record: CaptureRecord, query: str) -> int:
    """The first page with a match of `query` (0 when none)."""
    pages = boxes_by_page(record.words, query)
    page = min(pages) if pages else 0
    return page if 0 <= page < max(1, record.page_count) else 0


def load_page(lib: Library, capture_id: int, page: int) -> QImage:
    """Page `page` of a PDF/OFD capture as a picture (rendered once, then cached). Any
    thread. Raises KnownStorageError (a bad page, an unreadable document)."""
    image = QImage(str(lib.page_png(capture_id, page)))
    if image.isNull():
        raise KnownStorageError(f"page {page + 1} could not be drawn")
    return image


def load_document(lib: Library, record: CaptureRecord, query: str) -> tuple[QImage, DocumentContext]:
    """Everything the preview needs for a document, loaded off the GUI thread: the first
    page with a match of `query` (PDF/OFD), the e-mail's content and its attachments'
    captures, an XML's text and facts, and the e-mail an attachment came from."""
    parent: tuple[int, str] | None = None
    if record.parent_id is not None:
        try:
            mail = lib.get_capture(record.parent_id)
        except KnownStorageError:
            mail = None
        if mail is not None:
            subject = str((mail.doc_info or {}).get("subject") or mail.source_name or "")
            parent = (mail.id, subject)
    image = QImage()
    if is_paged(record):
        page = first_match_page(record, query)
        try:
            image = load_page(lib, record.id, page)
        except KnownStorageError as exc:
            return image, DocumentContext(page=page, page_error=str(exc), parent=parent)
        return image, DocumentContext(page=page, parent=parent)
    if record.doc_problem:
        return image, DocumentContext(parent=parent)
    if record.doc_kind == "email":
        return image, _email_context(lib, record, parent)
    if record.doc_kind == "xml":
        text, facts = record.ocr_text, record.facts
        if not text or facts is None:
            try:
                doc = documents.read_text(lib.read_capture_bytes(record.id), record.media_type)
            except KnownStorageError as exc:
                log.warning("cannot read the XML of capture %s: %s", record.id, exc)
            else:
                text = text or doc.text
                if facts is None and doc.facts is not None and not doc.facts.empty:
                    facts = doc.facts.to_dict()
        return image, DocumentContext(parent=parent, text=text, facts=facts)
    return image, DocumentContext(parent=parent)


def _email_context(lib: Library, record: CaptureRecord, parent: tuple[int, str] | None) -> DocumentContext:
    info = record.doc_info or {}
    attachments = tuple(a for a in info.get("attachments") or () if isinstance(a, Mapping))
    headers: dict[str, str] = {k: str(info.get(k) or "") for k in ("from", "to", "cc", "date", "subject")}
    text = ""
    try:
        mail = documents.read_email(lib.read_capture_bytes(record.id))
    except KnownStorageError as exc:
        log.warning("cannot read the e-mail of capture %s: %s", record.id, exc)
        text = record.ocr_text or ""
    else:
        text = mail.text
        headers.update({k: v for k, v in mail.headers.items() if v})
        if not attachments:
            attachments = tuple(
                {"name": a.name, "media_type": a.media_type, "bytes": a.size, "kind": a.kind, "filed": False}
                for a in mail.attachments
            )
    links: dict[str, int] = {}
    filed = (
        {r.sha256: r.id for r in lib.get_captures(list(record.attachment_ids))}
        if record.attachment_ids
        else {}
    )
    for attachment in attachments:
        sha = attachment.get("sha256")
        if not isinstance(sha, str) or not sha:
            continue
        if sha in filed:
            links[sha] = filed[sha]
        else:
            found = lib.find_by_sha(sha)
            if found is not None:
                links[sha] = found.id
    email = EmailContent(headers, text, attachments, int(info.get("remote_content") or 0))
    return DocumentContext(parent=parent, links=links, email=email)


# ---------------------------------------------------------------------- words


def facts_rows(facts: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """The invoice facts worth showing, labelled in plain words, in the invoice's order."""
    if not facts:
        return []
    rows: list[tuple[str, str]] = []

    def add(label: str, *keys: str) -> None:
        values = [str(facts.get(k)) for k in keys if facts.get(k)]
        if values:
            rows.append((label, " · ".join(values)))

    add(QCoreApplication.translate("DocumentView", "Invoice number"), "invoice_number")
    add(QCoreApplication.translate("DocumentView", "Invoice date"), "issued_on")
    add(QCoreApplication.translate("DocumentView", "Seller"), "seller_name")
    add(QCoreApplication.translate("DocumentView", "Seller's tax ID"), "seller_tax_id")
    add(QCoreApplication.translate("DocumentView", "Buyer"), "buyer_name")
    total = facts.get("total")
    if total:
        currency = facts.get("currency") or ""
        rows.append(
            (QCoreApplication.translate("DocumentView", "Total with tax"), f"{total} {currency}".strip())
        )
    return rows


def _value_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # never rich text: these are the sender's words
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def _plain_text_view() -> QPlainTextEdit:
    view = QPlainTextEdit()
    view.setReadOnly(True)
    view.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    return view


class EmailView(QWidget):
    """An e-mail, read-only and in plain text: From, To, Cc, Date, Subject, the note on
    remote content left out, the text, and the attachments. Each filed attachment has a
    button that asks (capture_requested) for its capture to be shown."""

    capture_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.header_labels: dict[str, QLabel] = {}
        for key, label in (
            ("from", self.tr("From")),
            ("to", self.tr("To")),
            ("cc", self.tr("Cc")),
            ("date", self.tr("Date")),
            ("subject", self.tr("Subject")),
        ):
            value = _value_label()
            value.setObjectName(f"email_{key}")
            self.header_labels[key] = value
            form.addRow(label, value)
        self._form = form
        column.addLayout(form)
        self.remote_label = QLabel()
        self.remote_label.setObjectName("emailRemoteNote")
        self.remote_label.setWordWrap(True)
        self.remote_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        column.addWidget(self.remote_label)
        self.body = _plain_text_view()
        self.body.setObjectName("emailBody")
        self.body.setPlaceholderText(self.tr("This e-mail has no text."))
        column.addWidget(self.body, 1)
        self.attachments_title = QLabel(self.tr("Attachments"))
        font = self.attachments_title.font()
        font.setBold(True)
        self.attachments_title.setFont(font)
        column.addWidget(self.attachments_title)
        self._attachment_host = QWidget()
        self._attachment_rows = QVBoxLayout(self._attachment_host)
        self._attachment_rows.setContentsMargins(0, 0, 0, 0)
        self._attachment_rows.setSpacing(2)
        column.addWidget(self._attachment_host)
        self.attachment_buttons: list[QPushButton] = []

    def show_email(self, email: EmailContent, links: Mapping[str, int]) -> None:
        for key, label in self.header_labels.items():
            value = email.headers.get(key, "")
            label.setText(value)
            self._form.setRowVisible(label, bool(value) or key in ("from", "subject"))
        if email.remote_content:
            self.remote_label.setText(
                self.tr(
                    "{n} remote images were not loaded: Proofshot never fetches anything an e-mail points to."
                ).format(n=email.remote_content)
            )
        self.remote_label.setVisible(bool(email.remote_content))
        self.body.setPlainText(email.text)
        self._show_attachments(email.attachments, links)

    def clear(self) -> None:
        for label in self.header_labels.values():
            label.clear()
        self.body.setPlainText("")
        self._show_attachments((), {})

    def _show_attachments(self, attachments: tuple[Mapping[str, Any], ...], links: Mapping[str, int]) -> None:
        while self._attachment_rows.count():
            item = self._attachment_rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.attachment_buttons = []
        locale = QLocale()
        for attachment in attachments:
            name = str(attachment.get("name") or self.tr("(no name)"))
            size = int(attachment.get("bytes") or 0)
            row = QWidget()
            box = QHBoxLayout(row)
            box.setContentsMargins(0, 0, 0, 0)
            label = _value_label()
            text = self.tr("{name} ({size})").format(
                name=name,
                size=locale.formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeTraditionalFormat),
            )
            sha = attachment.get("sha256")
            capture_id = links.get(sha) if isinstance(sha, str) else None
            if capture_id is None:
                reason = attachment.get("reason")
                text += "\n" + (
                    self.tr("Kept inside the e-mail: {reason}").format(reason=reason)
                    if reason
                    else self.tr("Kept inside the e-mail")
                )
            label.setText(text)
            box.addWidget(label, 1)
            if capture_id is not None:
                button = QPushButton(self.tr("Open"))
                button.setObjectName("emailAttachment")
                button.setToolTip(self.tr("Show {name}, filed as its own capture").format(name=name))
                button.setProperty("captureId", capture_id)
                button.clicked.connect(lambda _=False, cid=capture_id: self.capture_requested.emit(cid))
                box.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
                self.attachment_buttons.append(button)
            self._attachment_rows.addWidget(row)
        self.attachments_title.setVisible(bool(attachments))
        self._attachment_host.setVisible(bool(attachments))


class XmlView(QWidget):
    """An XML document: the invoice facts read from it (if it is an e-invoice) and its text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        self.title_label = QLabel()
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        column.addWidget(self.title_label)
        self._facts_host = QFrame()
        self._facts_host.setFrameShape(QFrame.Shape.StyledPanel)
        self._facts = QFormLayout(self._facts_host)
        self._facts.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        column.addWidget(self._facts_host)
        self.text = _plain_text_view()
        self.text.setObjectName("xmlText")
        column.addWidget(self.text, 1)
        self.fact_labels: dict[str, str] = {}

    def show_xml(self, record: CaptureRecord, text: str | None, facts: Mapping[str, Any] | None) -> None:
        self.title_label.setText(kind_text(record.doc_kind, facts))
        while self._facts.rowCount():
            self._facts.removeRow(0)
        rows = facts_rows(facts)
        self.fact_labels = dict(rows)
        for label, value in rows:
            field_label = _value_label()
            field_label.setText(value)
            self._facts.addRow(label, field_label)
        self._facts_host.setVisible(bool(rows))
        self.text.setPlainText(text or "")


__all__ = [
    "PAGED_KINDS",
    "DocumentContext",
    "EmailContent",
    "EmailView",
    "XmlView",
    "boxes_by_page",
    "facts_rows",
    "first_match_page",
    "is_paged",
    "kind_text",
    "load_document",
    "load_page",
]
