"""Item models of the library window: the captures of a selection and the purchase tree.

`CaptureListModel` holds the captures (one row each, newest first) for a `QListView`,
grid or list; `CaptureTableModel` shows the same rows as columns for a `QTableView`.
`PurchaseTreeModel` is the left pane: All captures, Inbox, the purchases grouped by
status, Trash. The models only show data and report drops; they change nothing in
storage themselves.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractProxyModel,
    QDate,
    QLocale,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTime,
    Signal,
)
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from storage.records import PURCHASE_STATUSES, CaptureRecord, PurchaseRecord, SearchHit

from .thumbnails import ThumbnailCache
from .vocabulary import document_kind_label, purchase_status_label, utc_offset_text

log = logging.getLogger(__name__)

_USER = int(Qt.ItemDataRole.UserRole)
# The CaptureRecord of a capture row; the PurchaseRecord of a purchase item.
RECORD_ROLE = _USER + 1
# The SearchHit of a capture row shown as a search result, else None.
HIT_ROLE = _USER + 2
# What a purchase-tree item stands for: "all", "inbox", "group", "purchase" or "trash".
KIND_ROLE = _USER + 3
# The purchase id of a purchase item (None for every other item).
PURCHASE_ID_ROLE = _USER + 4
# Captures of an item (for a group: how many purchases it holds).
COUNT_ROLE = _USER + 5
# The purchase status of a group or purchase item ("open", "disputed", ...).
STATUS_ROLE = _USER + 6

# Drag payload of captures: a JSON list of capture ids.
CAPTURE_IDS_MIME = "application/x-proofshot-capture-ids"

_ModelIndex = QModelIndex | QPersistentModelIndex
# Longest note or snippet line put in DisplayRole (the view elides far sooner).
_LINE_CHARS = 120
# Longest note or snippet shown in a tooltip.
_TOOLTIP_CHARS = 600


def capture_ids_from_mime(data: QMimeData) -> list[int] | None:
    """The capture ids of a drag, or None if it carries none (or garbage)."""
    if not data.hasFormat(CAPTURE_IDS_MIME):
        return None
    try:
        ids = json.loads(bytes(data.data(CAPTURE_IDS_MIME).data()).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(ids, list) or not ids or not all(type(i) is int for i in ids):
        return None
    return ids


def _one_line(text: str, limit: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _local_time(record: CaptureRecord) -> tuple[QDate, QTime]:
    """Wall-clock date and time where and when the capture was taken."""
    at = datetime.fromisoformat(record.captured_at.replace("Z", "+00:00"))
    at = at + timedelta(minutes=record.utc_offset_min)
    return QDate(at.year, at.month, at.day), QTime(at.hour, at.minute, at.second)


class CaptureListModel(QAbstractListModel):
    """The captures being shown, one row each, in the order given (newest first).

    DisplayRole is three short lines (time, purchase or Inbox, note or search snippet);
    DecorationRole is the thumbnail, a placeholder until it is ready. Only rows a view
    actually paints ask for thumbnails, as long as the view uses uniform item sizes.
    """

    def __init__(self, thumbnails: ThumbnailCache, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails
        #: Trusted time: a capture's stamp status in words (set by the library window).
        self.stamp_status: Callable[[int], str | None] | None = None
        self._records: list[CaptureRecord] = []
        self._hits: dict[int, SearchHit] = {}
        self._row_by_id: dict[int, int] = {}
        self._rows_by_sha: dict[str, list[int]] = {}
        self._time_text: dict[int, str] = {}
        thumbnails.thumbnail_ready.connect(self._on_thumbnail_ready)

    # ------------------------------------------------------------------ public

    def set_records(self, records: Sequence[CaptureRecord], hits: dict[int, SearchHit] | None = None) -> None:
        """Show `records` instead of what was shown; `hits` (by capture id) when they are
        search results, so rows show the matching snippet instead of the note."""
        self.beginResetModel()
        self._records = list(records)
        self._hits = dict(hits or {})
        self._time_text.clear()
        self._reindex()
        self.endResetModel()

    def set_hits(self, hits: dict[int, SearchHit] | None) -> None:
        """New search snippets for the rows shown (the same captures, searched again)."""
        hits = dict(hits or {})
        if hits == self._hits:
            return
        self._hits = hits
        if self._records:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._records) - 1, 0), [])

    def records(self) -> list[CaptureRecord]:
        """The records shown, in row order (a copy)."""
        return list(self._records)

    def record(self, row: int) -> CaptureRecord | None:
        return self._records[row] if 0 <= row < len(self._records) else None

    def hit(self, row: int) -> SearchHit | None:
        record = self.record(row)
        return self._hits.get(record.id) if record is not None else None

    def row_of(self, capture_id: int) -> int | None:
        return self._row_by_id.get(capture_id)

    def update_record(self, record: CaptureRecord) -> None:
        """Show the new state of a capture already shown (note edited, text read, ...)."""
        row = self._row_by_id.get(record.id)
        if row is None:
            return
        old = self._records[row]
        self._records[row] = record
        self._time_text.pop(record.id, None)
        if old.sha256 != record.sha256:
            self._reindex()
        index = self.index(row, 0)
        self.dataChanged.emit(index, index, [])

    def prepend_records(self, records: Sequence[CaptureRecord]) -> None:
        """Put new captures at the top (they are the newest), keeping the rest, the
        selection and the scroll position. Ids already shown are updated instead."""
        new = [r for r in records if r.id not in self._row_by_id]
        for r in records:
            if r.id in self._row_by_id:
                self.update_record(r)
        if not new:
            return
        self.beginInsertRows(QModelIndex(), 0, len(new) - 1)
        self._records[0:0] = new
        self._reindex()
        self.endInsertRows()

    def remove_ids(self, ids: Sequence[int]) -> None:
        """Take these captures out (moved elsewhere, trashed); unknown ids are ignored."""
        rows = sorted({r for i in ids if (r := self._row_by_id.get(i)) is not None}, reverse=True)
        if not rows:
            return
        # Remove runs of adjacent rows bottom-up, so rows above a run keep their numbers.
        start = 0
        while start < len(rows):
            end = start
            while end + 1 < len(rows) and rows[end + 1] == rows[end] - 1:
                end += 1
            first, last = rows[end], rows[start]
            self.beginRemoveRows(QModelIndex(), first, last)
            for record in self._records[first : last + 1]:
                self._hits.pop(record.id, None)
                self._time_text.pop(record.id, None)
            del self._records[first : last + 1]
            self.endRemoveRows()
            start = end + 1
        self._reindex()

    # ------------------------------------------------------------------ texts

    def time_text(self, record: CaptureRecord) -> str:
        """The local capture time in the user's short date and time format."""
        text = self._time_text.get(record.id)
        if text is None:
            locale = QLocale()
            try:
                date, time = _local_time(record)
            except ValueError:
                log.warning("capture %s has an unreadable time %r", record.id, record.captured_at)
                text = record.captured_at
            else:
                short = QLocale.FormatType.ShortFormat
                text = f"{locale.toString(date, short)} {locale.toString(time, short)}"
            self._time_text[record.id] = text
        return text

    def full_time_text(self, record: CaptureRecord) -> str:
        """Date and time to the second, with the UTC offset the capture was taken at."""
        try:
            date, time = _local_time(record)
        except ValueError:
            return record.captured_at
        locale = QLocale()
        with_seconds = locale.timeFormat(QLocale.FormatType.ShortFormat).replace("mm", "mm:ss", 1)
        return self.tr("{date} {time} ({offset})").format(
            date=locale.toString(date, QLocale.FormatType.LongFormat),
            time=locale.toString(time, with_seconds),
            offset=utc_offset_text(record.utc_offset_min),
        )

    def purchase_text(self, record: CaptureRecord) -> str:
        if record.purchase_id is None:
            return self.tr("Inbox")
        return record.purchase_title or self.tr("Purchase #{id}").format(id=record.purchase_id)

    def ocr_status_text(self, status: str) -> str:
        """The state of text recognition in plain words."""
        if status == "done":
            return self.tr("Text read")
        if status == "pending":
            return self.tr("Reading…")
        if status == "failed":
            return self.tr("Could not read")
        if status == "unavailable":
            return self.tr("Text recognition not installed")
        return status

    def detail_text(self, record: CaptureRecord, limit: int = _LINE_CHARS) -> str:
        """The search snippet when showing results, else the note; one line."""
        hit = self._hits.get(record.id)
        text = hit.snippet if hit is not None else record.note
        return _one_line(text, limit) if text else ""

    def _size_line(self, record: CaptureRecord, size: str) -> str:
        """ "1920 × 1080 pixels, 1.2 MB" for a picture; a document's kind and pages instead."""
        if record.is_document:
            kind = document_kind_label(record.doc_kind, record.facts)
            if record.page_count > 0:
                return self.tr("{kind}, %n page(s), {size}", "", record.page_count).format(
                    kind=kind, size=size
                )
            return self.tr("{kind}, {size}").format(kind=kind, size=size)
        return self.tr("{width} × {height} pixels, {size}").format(
            width=record.width, height=record.height, size=size
        )

    def tooltip_text(self, record: CaptureRecord) -> str:
        """Everything about a capture in a few lines (rich text, user text escaped)."""
        locale = QLocale()
        size = locale.formattedDataSize(record.bytes, 1, QLocale.DataSizeFormat.DataSizeTraditionalFormat)
        lines = [
            f"<b>{html.escape(self.purchase_text(record))}</b>",
            html.escape(self.full_time_text(record)),
            html.escape(self._size_line(record, size)),
            html.escape(self.ocr_status_text(record.ocr_status)),
        ]
        if self.thumbnails.is_missing(record.sha256):
            lines.append(html.escape(self.tr("The original image is missing or damaged.")))
        stamp = self.stamp_status(record.id) if self.stamp_status else None
        if stamp:
            lines.append(html.escape(stamp))
        hit = self._hits.get(record.id)
        text = hit.snippet if hit is not None else record.note
        if text:
            if len(text) > _TOOLTIP_CHARS:
                text = text[: _TOOLTIP_CHARS - 1] + "…"
            body = html.escape(text).replace("\n", "<br>")
            label = self.tr("Found:") if hit is not None else self.tr("Note:")
            lines.append(f"{html.escape(label)} {body}")
        return "<qt>" + "<br>".join(lines) + "</qt>"

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        record = self._records[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            lines = [self.time_text(record), self.purchase_text(record)]
            detail = self.detail_text(record)
            if detail:
                lines.append(detail)
            return "\n".join(lines)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.thumbnails.get(record.sha256) or self.thumbnails.placeholder()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip_text(record)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return ", ".join(
                t
                for t in (
                    self.time_text(record),
                    self.purchase_text(record),
                    self.detail_text(record),
                    self.ocr_status_text(record.ocr_status),
                )
                if t
            )
        if role == RECORD_ROLE:
            return record
        if role == HIT_ROLE:
            return self._hits.get(record.id)
        return None

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.IgnoreAction

    def mimeTypes(self) -> list[str]:
        return [CAPTURE_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The dragged captures' ids, in row order, once each."""
        rows = sorted({i.row() for i in indexes if i.isValid() and 0 <= i.row() < len(self._records)})
        ids = [self._records[r].id for r in rows]
        data = QMimeData()
        data.setData(CAPTURE_IDS_MIME, json.dumps(ids).encode("utf-8"))
        return data

    # ------------------------------------------------------------------ internals

    def _reindex(self) -> None:
        self._row_by_id = {}
        self._rows_by_sha = {}
        for row, r in enumerate(self._records):
            self._row_by_id[r.id] = row
            self._rows_by_sha.setdefault(r.sha256, []).append(row)

    def _on_thumbnail_ready(self, sha256: str) -> None:
        for row in self._rows_by_sha.get(sha256, ()):
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])


class CaptureTableModel(QAbstractProxyModel):
    """The rows of a CaptureListModel as columns (Time, Purchase, Note, Text status), for
    a QTableView. Selections map to the list model with mapSelectionToSource/FromSource;
    drags carry the same capture ids."""

    TIME, PURCHASE, NOTE, STATUS = range(4)

    def __init__(self, source: CaptureListModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._src = source
        self.setSourceModel(source)
        source.modelAboutToBeReset.connect(self.beginResetModel)
        source.modelReset.connect(self.endResetModel)
        source.rowsAboutToBeInserted.connect(
            lambda _p, first, last: self.beginInsertRows(QModelIndex(), first, last)
        )
        source.rowsInserted.connect(lambda *_: self.endInsertRows())
        source.rowsAboutToBeRemoved.connect(
            lambda _p, first, last: self.beginRemoveRows(QModelIndex(), first, last)
        )
        source.rowsRemoved.connect(lambda *_: self.endRemoveRows())
        source.dataChanged.connect(self._on_source_data_changed)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == self.TIME:
            return self.tr("Time")
        if section == self.PURCHASE:
            return self.tr("Purchase")
        if section == self.NOTE:
            return self.tr("Note")
        if section == self.STATUS:
            return self.tr("Text status")
        return None

    def index(self, row: int, column: int, parent: _ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not (0 <= row < self._src.rowCount() and 0 <= column < 4):
            return QModelIndex()
        return self.createIndex(row, column)

    # A flat table: every index's parent is the invalid root. Called without an index it
    # also answers an invalid QModelIndex, not QObject.parent() as the base class does, so
    # mypy sees an incompatible override; it has always been so and stays.
    def parent(self, index: _ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        return QModelIndex()

    def sibling(self, row: int, column: int, index: _ModelIndex) -> QModelIndex:
        return self.index(row, column)

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._src.rowCount()

    def columnCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def hasChildren(self, parent: _ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._src.rowCount() > 0

    def mapToSource(self, proxy: _ModelIndex) -> QModelIndex:
        if not proxy.isValid():
            return QModelIndex()
        return self._src.index(proxy.row(), 0)

    def mapFromSource(self, source: _ModelIndex) -> QModelIndex:
        if not source.isValid():
            return QModelIndex()
        return self.index(source.row(), 0)

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        record = self._src.record(index.row()) if index.isValid() else None
        if record is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TIME:
                return self._src.time_text(record)
            if column == self.PURCHASE:
                return self._src.purchase_text(record)
            if column == self.NOTE:
                return self._src.detail_text(record)
            if column == self.STATUS:
                return self._src.ocr_status_text(record.ocr_status)
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return None  # the list has no thumbnails: scrolling it never decodes images
        return self._src.data(self._src.index(index.row(), 0), role)

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        return self._src.flags(self.mapToSource(index))

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        return self._src.mimeData([self.mapToSource(i) for i in indexes])

    def mimeTypes(self) -> list[str]:
        return self._src.mimeTypes()

    def supportedDragActions(self) -> Qt.DropAction:
        return self._src.supportedDragActions()

    def _on_source_data_changed(
        self, top_left: QModelIndex, bottom_right: QModelIndex, roles: list[int]
    ) -> None:
        if Qt.ItemDataRole.DecorationRole in roles and len(roles) == 1:
            return
        self.dataChanged.emit(self.index(top_left.row(), 0), self.index(bottom_right.row(), 3), roles)


class PurchaseTreeModel(QStandardItemModel):
    """The left pane: All captures, Inbox, purchases grouped by status, Trash.

    Groups without purchases are shown disabled (greyed), so the four statuses are
    always in the same place. Capture drops are accepted on a purchase and on the Inbox
    and reported with `captures_dropped`; the model changes nothing itself.
    """

    captures_dropped = Signal(list, object)  # capture ids, target purchase id or None (Inbox)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # (kind, None), ("group", status) or ("purchase", purchase id) -> its item
        self._items: dict[tuple[str, str | int | None], QStandardItem] = {}
        self.refresh([], {})

    def refresh(self, purchases: Sequence[PurchaseRecord], counts: dict[str, int]) -> None:
        """Rebuild every item. `counts` is Library.count_captures() ("all", "inbox",
        "trash"). Selection and expansion are the view's to restore (see index_for)."""
        self.clear()
        self._items = {}
        root = self.invisibleRootItem()
        root.setFlags(Qt.ItemFlag.NoItemFlags)

        def count_item(kind: str, label: str, count: int, droppable: bool) -> QStandardItem:
            item = self._item(kind, self.tr("{label}  ({count})").format(label=label, count=count), droppable)
            item.setData(count, COUNT_ROLE)
            item.setData(label, Qt.ItemDataRole.AccessibleTextRole)
            self._items[(kind, None)] = item
            return item

        root.appendRow(count_item("all", self.tr("All captures"), counts.get("all", 0), False))
        root.appendRow(count_item("inbox", self.tr("Inbox"), counts.get("inbox", 0), True))
        by_status: dict[str, list[PurchaseRecord]] = {s: [] for s in PURCHASE_STATUSES}
        for p in purchases:
            if p.status not in by_status:
                log.warning("purchase %s has an unknown status %r; showing it under Open", p.id, p.status)
            by_status.get(p.status, by_status["open"]).append(p)
        for status in PURCHASE_STATUSES:
            members = by_status[status]
            label = purchase_status_label(status)
            group = self._item(
                "group", self.tr("{label}  ({count})").format(label=label, count=len(members)), False
            )
            group.setData(status, STATUS_ROLE)
            group.setData(len(members), COUNT_ROLE)
            if not members:
                group.setEnabled(False)
            for p in members:
                group.appendRow(self._purchase_item(p))
            self._items[("group", status)] = group
            root.appendRow(group)
        root.appendRow(count_item("trash", self.tr("Trash"), counts.get("trash", 0), False))

    def index_for(
        self, kind: str, purchase_id: int | None = None, *, status: str | None = None
    ) -> QModelIndex:
        """The index of an item: kind "all", "inbox", "trash", "purchase" with its id, or
        "group" with its `status`. Invalid if there is no such item (e.g. purchase deleted)."""
        key = status if kind == "group" else purchase_id if kind == "purchase" else None
        item = self._items.get((kind, key))
        return item.index() if item is not None else QModelIndex()

    # ------------------------------------------------------------------ drops

    def mimeTypes(self) -> list[str]:
        return [CAPTURE_IDS_MIME]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _ModelIndex
    ) -> bool:
        return self._drop_target(data, row, column, parent) is not None

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _ModelIndex
    ) -> bool:
        if action == Qt.DropAction.IgnoreAction:
            return True
        target = self._drop_target(data, row, column, parent)
        if target is None:
            return False
        ids, purchase_id = target
        log.debug("%d captures dropped on %s", len(ids), purchase_id or "the Inbox")
        self.captures_dropped.emit(ids, purchase_id)
        # Handled, though nothing changed here: the window moves the captures and then
        # updates both models. (The dragging view then asks its model to remove the rows,
        # which CaptureListModel refuses: it has no removeRows.)
        return True

    def _drop_target(
        self, data: QMimeData, row: int, column: int, parent: _ModelIndex
    ) -> tuple[list[int], int | None] | None:
        """(capture ids, purchase id or None for the Inbox) if the drop is onto a purchase
        or the Inbox item itself (not between items), else None."""
        if row != -1 or column != -1 or not parent.isValid():
            return None
        kind = parent.data(KIND_ROLE)
        if kind not in ("purchase", "inbox"):
            return None
        ids = capture_ids_from_mime(data)
        if ids is None:
            return None
        return ids, parent.data(PURCHASE_ID_ROLE) if kind == "purchase" else None

    # ------------------------------------------------------------------ internals

    def _item(self, kind: str, text: str, droppable: bool) -> QStandardItem:
        item = QStandardItem(text)
        item.setData(kind, KIND_ROLE)
        flags = Qt.ItemFlag.ItemIsEnabled
        if kind != "group":
            flags |= Qt.ItemFlag.ItemIsSelectable
        if droppable:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        if kind != "group":
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        item.setFlags(flags)
        return item

    def _purchase_item(self, p: PurchaseRecord) -> QStandardItem:
        if p.active:
            text = self.tr("● {title}  ({count})").format(title=p.title, count=p.capture_count)
        else:
            text = self.tr("{title}  ({count})").format(title=p.title, count=p.capture_count)
        item = self._item("purchase", text, True)
        item.setData(p.id, PURCHASE_ID_ROLE)
        item.setData(p.capture_count, COUNT_ROLE)
        item.setData(p.status, STATUS_ROLE)
        item.setData(p, RECORD_ROLE)
        item.setData(p.title, Qt.ItemDataRole.AccessibleTextRole)
        lines = [f"<b>{html.escape(p.title)}</b>"]
        if p.active:
            font = QFont()
            font.setBold(True)
            item.setFont(font)
            lines.append(html.escape(self.tr("Active purchase: new captures are filed here.")))
        if p.merchant is not None:
            lines.append(html.escape(self.tr("Seller: {name}").format(name=p.merchant.display_name)))
        if p.order_no:
            lines.append(html.escape(self.tr("Order number: {number}").format(number=p.order_no)))
        if p.amount is not None:
            lines.append(html.escape(f"{p.amount} {p.currency}"))
        lines.append(html.escape(self.tr("Captures: {count}").format(count=p.capture_count)))
        item.setToolTip("<qt>" + "<br>".join(lines) + "</qt>")
        self._items[("purchase", p.id)] = item
        return item
