"""The library window: find any capture, keep purchases and merchants in order.

Left: purchases grouped by status, the Inbox and the Trash. Centre: the captures of the
selection (or the search results) as a thumbnail grid or a list. Right: the selected
capture, full size, with its text and details. Every database call and image decode
runs in the background (gui.tasks); results of an older request never replace newer
ones.

Its parts: the commands on the selected captures (gui.capture_actions, mixed into the
window), the import of files and pasted images (gui.library_import), the item models
(gui.library_models) and the preview (gui.preview).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QByteArray,
    QModelIndex,
    QPoint,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QHideEvent,
    QImage,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from storage.changes import CONTENT_KINDS, SILENT_KINDS, Change
from storage.errors import KnownStorageError
from storage.records import PURCHASE_STATUSES, CaptureRecord, SearchHit
from storage.settings import config_dir
from storage.targets import INBOX

from .capture_actions import CaptureActions
from .capture_tile import CaptureTileDelegate, tile_size
from .document_view import DocumentContext, load_document, load_page
from .library_import import (
    ImportResult,
    clipboard_files,
    clipboard_png,
    import_files,
    importable,
    keep_clipboard_png,
    local_files,
)
from .library_models import (
    CAPTURE_IDS_MIME,
    KIND_ROLE,
    PURCHASE_ID_ROLE,
    CaptureListModel,
    PurchaseTreeModel,
)
from .preview import PreviewPane
from .tasks import TaskRunner
from .thumbnails import ThumbnailCache
from .vocabulary import purchase_status_label

if TYPE_CHECKING:
    from storage.library import Library

    from .purchase_editor import PurchaseEditorFactory  # loaded on first use

log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 200
SEARCH_LIMIT = 50
THUMBNAIL_PX = 160
#: How often the window looks for changes made elsewhere (the tray app's confirmation,
#: the command line, another window). A look costs a read of SQLite's shared memory.
WATCH_INTERVAL_MS = 300
#: New or changed captures up to this many are fetched by id at once; more reload the list.
POINT_UPDATE_LIMIT = 50
#: Events after which new rows may simply go on top of an unfiltered list.
ADDED_KINDS = frozenset({"captured", "imported", "recovered"})
#: Events that change the purchase list but no capture row (unless a search, which also
#: looks at purchases and sellers, is shown).
TREE_ONLY_KINDS = frozenset({"purchase_created", "merchant_created", "merchant_edited"})


@dataclass(frozen=True)
class Scope:
    """What the centre shows: a kind from the purchase list and, for a purchase, its id."""

    kind: str  # "all", "inbox", "purchase", "trash"
    purchase_id: int | None = None


class LibraryWindow(CaptureActions, QMainWindow):
    captures_imported = Signal(list)  # new capture ids (the app queues their OCR)
    ocr_requested = Signal(list)  # capture ids to read again
    window_closed = Signal()

    def __init__(
        self,
        library: Library,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
        thumbnails: ThumbnailCache | None = None,
        editor_factory: PurchaseEditorFactory | None = None,
        export_action: Callable[[int], None] | None = None,
        shortcut_text: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.lib = library
        self._shortcut_text = shortcut_text
        self.setObjectName("ProofshotLibraryWindow")
        self.setWindowTitle(self.tr("Proofshot library"))
        self.setAcceptDrops(True)
        self.runner = runner or TaskRunner(self)
        self.thumbnails = thumbnails or ThumbnailCache(library, parent=self)
        self._editor_factory = editor_factory
        self._export_action = export_action or self.open_export_dialog
        self.scope = Scope("all")
        self._records: list[CaptureRecord] = []
        self._preview_id: int | None = None
        self._keep_view = False  # the next load comes from a change: keep selection and scroll
        self._watcher = library.watch()

        # Left: purchases.
        self.purchases = PurchaseTreeModel(self)
        self.purchases.captures_dropped.connect(self._on_captures_dropped)
        self.tree = QTreeView()
        self.tree.setObjectName("purchaseTree")
        self.tree.setModel(self.purchases)
        self.tree.setHeaderHidden(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._on_tree_menu)
        self.tree.selectionModel().currentChanged.connect(self._on_scope_changed)
        self.tree.doubleClicked.connect(self._on_tree_double_clicked)
        new_purchase = QPushButton(self.tr("New purchase…"))
        new_purchase.clicked.connect(lambda: self.edit_purchase(None))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tree)
        left_layout.addWidget(new_purchase)

        # Centre: search, filters, captures.
        self.search_box = QLineEdit()
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText(self.tr("Search text, notes, sellers, order numbers, phones…"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self._on_search_edited)
        self.status_filter = QComboBox()
        self.status_filter.addItem(self.tr("Any status"), None)
        for status in PURCHASE_STATUSES:
            self.status_filter.addItem(purchase_status_label(status), status)
        self.status_filter.currentIndexChanged.connect(self.reload)
        self.date_filter = QComboBox()
        for label, days in (
            (self.tr("Any time"), None),
            (self.tr("Last 7 days"), 7),
            (self.tr("Last 30 days"), 30),
            (self.tr("Last 365 days"), 365),
        ):
            self.date_filter.addItem(label, days)
        self.date_filter.currentIndexChanged.connect(self.reload)
        self.view_toggle = QComboBox()
        self.view_toggle.addItem(self.tr("Thumbnails"), "grid")
        self.view_toggle.addItem(self.tr("List"), "list")
        self.view_toggle.currentIndexChanged.connect(self._on_view_mode_changed)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search_box, 1)
        search_row.addWidget(self.status_filter)
        search_row.addWidget(self.date_filter)
        search_row.addWidget(self.view_toggle)

        self.captures = CaptureListModel(self.thumbnails, self)
        self.grid = self._make_view(grid=True)
        self.list = self._make_view(grid=False)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("emptyLabel")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.empty_label)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addLayout(search_row)
        centre_layout.addWidget(self.stack, 1)

        # Right: preview.
        self.preview = PreviewPane()
        self.preview.note_saved.connect(self._on_note_saved)
        self.preview.ocr_rerun_requested.connect(lambda cid: self.ocr_requested.emit([cid]))
        self.preview.page_requested.connect(self._on_page_requested)
        self.preview.capture_requested.connect(self.show_capture)
        self.preview.clear(self.tr("Select a capture to see it here."))
        from .timestamp_worker import status_source  # trusted time: status in details and tooltips

        self.preview.trusted_time_status = self.captures.stamp_status = status_source(library)

        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([230, 520, 520])
        self.setCentralWidget(self.splitter)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.reload)

        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(WATCH_INTERVAL_MS)
        self._watch_timer.timeout.connect(self.sync)

        self._build_actions()
        self._settings = QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)
        geometry = self._settings.value("library/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        if self._settings.value("library/view") == "list":
            self.view_toggle.setCurrentIndex(1)
        self.refresh_purchases()
        self.tree.setCurrentIndex(self.purchases.index_for("all"))
        self.reload()  # selecting "All captures" again above does not emit currentChanged

    # ------------------------------------------------------------------ building

    def _make_view(self, grid: bool) -> QListView:
        view = QListView()
        view.setObjectName("captureGrid" if grid else "captureList")
        view.setModel(self.captures)
        view.setUniformItemSizes(True)
        view.setLayoutMode(QListView.LayoutMode.Batched)
        view.setBatchSize(200)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setDragEnabled(True)
        view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._on_capture_menu)
        view.activated.connect(lambda _i: self.open_original())
        if grid:
            view.setViewMode(QListView.ViewMode.IconMode)
            view.setResizeMode(QListView.ResizeMode.Adjust)
            view.setMovement(QListView.Movement.Static)
            view.setIconSize(QSize(THUMBNAIL_PX, THUMBNAIL_PX))
            # Every tile alike, whatever the picture's shape (gui.capture_tile).
            view.setItemDelegate(CaptureTileDelegate(THUMBNAIL_PX, view))
            tile = tile_size(THUMBNAIL_PX, view.fontMetrics())
            view.setGridSize(tile + QSize(8, 8))
            view.setSpacing(4)
        else:
            view.setViewMode(QListView.ViewMode.ListMode)
            view.setIconSize(QSize(48, 48))
            view.setAlternatingRowColors(True)
        view.selectionModel().currentChanged.connect(self._on_current_capture_changed)
        return view

    def _build_actions(self) -> None:
        def action(
            text: str,
            slot: Callable[[], object],
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        ) -> QAction:
            a = QAction(text, self)
            a.triggered.connect(lambda _=False: slot())
            if shortcut is not None:
                a.setShortcut(QKeySequence(shortcut))
                a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(a)
            return a

        self.act_find = action(self.tr("Find"), self.focus_search, QKeySequence.StandardKey.Find)
        self.act_import = action(self.tr("Import files…"), self.import_dialog, QKeySequence.StandardKey.Open)
        self.act_paste = action(self.tr("Paste"), self.paste_image, QKeySequence.StandardKey.Paste)
        self.act_move = action(self.tr("Move to purchase…"), self.move_dialog)
        self.act_note = action(self.tr("Edit note"), self.edit_note)
        self.act_copy = action(self.tr("Copy image"), self.copy_image, QKeySequence.StandardKey.Copy)
        self.act_open = action(self.tr("Open original"), self.open_original)
        self.act_folder = action(self.tr("Show in folder"), self.show_in_folder)
        self.act_trash = action(
            self.tr("Move to Trash"), self.trash_selected, QKeySequence.StandardKey.Delete
        )
        self.act_restore = action(self.tr("Restore"), self.restore_selected)
        self.act_empty = action(self.tr("Empty Trash…"), self.empty_trash)
        self.act_ocr = action(self.tr("Read text again"), self.rerun_ocr)
        self.act_new_purchase = action(self.tr("New purchase…"), lambda: self.edit_purchase(None))
        toolbar = QToolBar(self.tr("Actions"))
        toolbar.setObjectName("libraryToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for a in (
            self.act_import,
            self.act_move,
            self.act_note,
            self.act_trash,
            self.act_restore,
            self.act_empty,
        ):
            toolbar.addAction(a)
        if self._export_action is not None:
            self.act_export = action(self.tr("Export evidence…"), self.export_selected_purchase)
            toolbar.addSeparator()
            toolbar.addAction(self.act_export)
        self.addToolBar(toolbar)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.statusBar().addPermanentWidget(self.count_label)
        self._update_actions()

    # ------------------------------------------------------------------ loading

    def refresh_purchases(self) -> None:
        """Reload the purchase list (counts, names, the active mark), keeping the selection."""
        scope = self.scope
        purchases = self.lib.list_purchases()
        counts = self.lib.count_captures()
        blocker = self.tree.selectionModel().blockSignals(True)
        self.purchases.refresh(purchases, counts)
        self.tree.expandAll()
        index = self.purchases.index_for(scope.kind, scope.purchase_id)
        if not index.isValid():
            index = self.purchases.index_for("all")
            self.scope = Scope("all")
        self.tree.setCurrentIndex(index)
        self.tree.selectionModel().blockSignals(blocker)

    def _on_scope_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        kind = current.data(KIND_ROLE)
        if kind in (None, "group"):
            return
        self.scope = Scope(kind, current.data(PURCHASE_ID_ROLE))
        self._update_actions()
        self.reload()

    def _on_search_edited(self, _text: str) -> None:
        self._search_timer.start()

    def query(self) -> str:
        return self.search_box.text().strip()

    def reload(self) -> None:
        """Load what the centre shows, in the background. The load sees every change
        committed so far, so the watcher's news of them is taken here (and the purchase
        list refreshed) rather than answered with a second load."""
        self._search_timer.stop()
        if self._watcher.poll() is not None:
            self.refresh_purchases()
        scope = self.scope
        query = self.query()
        status = self.status_filter.currentData()
        days = self.date_filter.currentData()
        lib = self.lib

        def load() -> tuple[list[CaptureRecord], dict[int, SearchHit], str]:
            from datetime import date, timedelta

            since = (date.today() - timedelta(days=days)).isoformat() if days else None
            pid: int | None = None
            if scope.kind == "inbox":
                pid = INBOX
            elif scope.kind == "purchase":
                pid = scope.purchase_id
            if query and scope.kind != "trash":
                try:
                    hits = lib.search(query, purchase_id=pid, status=status, since=since, limit=SEARCH_LIMIT)
                except KnownStorageError:
                    hits = []
                records = lib.get_captures([h.capture_id for h in hits])
                return records, {h.capture_id: h for h in hits}, query
            records = lib.list_captures(purchase_id=pid, trash=scope.kind == "trash")
            if status:
                keep = {p.id for p in lib.list_purchases(status)}
                records = [r for r in records if r.purchase_id in keep]
            if since:
                records = [r for r in records if r.captured_at[:10] >= since]
            return records, {}, query

        self.runner.run("load", load, self._on_loaded, self._on_load_failed)

    def _on_loaded(self, result: tuple[list[CaptureRecord], dict[int, SearchHit], str]) -> None:
        records, hits, query = result
        if query != self.query():
            return  # the user typed on meanwhile; the newer search is on its way
        keep_view, self._keep_view = self._keep_view, False
        if keep_view and records and [r.id for r in records] == [r.id for r in self._records]:
            # The same captures in the same order: update the rows, touch nothing else.
            old = self._records
            self._records = records
            self.captures.set_hits(hits)
            for before, record in zip(old, records, strict=True):
                if before != record:
                    self.captures.update_record(record)
            self._refresh_preview_record()
            self._show_counts(len(records), query)
            return
        keep = self._preview_id
        view = self.current_view()
        scroll = view.verticalScrollBar().value()
        selected = {r.id for r in self.selected_records()} if keep_view else set()
        old_row = self.captures.row_of(keep) if keep is not None else None
        self._records = records
        self.captures.set_records(records, hits or None)
        if not records:
            if query:
                text = self.tr("No captures match “{query}”.").format(query=query)
            elif self.scope.kind == "trash":
                text = self.tr("The Trash is empty.")
            else:
                text = self._empty_text()
            self.empty_label.setText(text)
            self.stack.setCurrentWidget(self.empty_label)
            self.preview.clear(text)
            self._preview_id = None
        else:
            self.stack.setCurrentWidget(view)
            row = self.captures.row_of(keep) if keep is not None else None
            if row is None and keep_view and old_row is not None:
                row = min(old_row, len(records) - 1)  # the shown capture left: its neighbour
            view.setCurrentIndex(self.captures.index(row if row is not None else 0, 0))
            if keep_view:
                selection = view.selectionModel()
                for cid in selected:
                    r = self.captures.row_of(cid)
                    if r is not None:
                        selection.select(self.captures.index(r, 0), selection.SelectionFlag.Select)
                view.verticalScrollBar().setValue(scroll)
        self._show_counts(len(records), query)
        self.preview.set_query(query)
        self._update_actions()

    def _empty_text(self) -> str:
        if self._shortcut_text:
            return self.tr(
                "No captures here yet. Press {shortcut} anywhere to capture the screen, or drop pictures, invoices or e-mails here."
            ).format(shortcut=self._shortcut_text)
        return self.tr(
            "No captures here yet. Press the capture shortcut, or drop pictures, invoices or e-mails here."
        )

    def set_shortcut_text(self, text: str | None) -> None:
        """The capture shortcut as the user presses it, for the empty library's hint."""
        self._shortcut_text = text
        if self.stack.currentWidget() is self.empty_label and not self.query() and self.scope.kind != "trash":
            self.empty_label.setText(self._empty_text())

    def _show_counts(self, n: int, query: str) -> None:
        if query:
            more = self.tr(" (showing the best {n})").format(n=SEARCH_LIMIT) if n >= SEARCH_LIMIT else ""
            self.count_label.setText(self.tr("{n} captures match").format(n=n) + more)
        else:
            self.count_label.setText(self.tr("{n} captures").format(n=n))

    def _on_load_failed(self, exc: Exception) -> None:
        self.statusBar().showMessage(self.tr("Could not load the captures: {error}").format(error=exc))

    def current_view(self) -> QListView:
        return self.list if self.view_toggle.currentData() == "list" else self.grid

    def _on_view_mode_changed(self) -> None:
        view = self.current_view()
        if self.stack.currentWidget() is not self.empty_label:
            self.stack.setCurrentWidget(view)
        if self._preview_id is not None:
            row = self.captures.row_of(self._preview_id)
            if row is not None:
                view.setCurrentIndex(self.captures.index(row, 0))
        self._settings.setValue("library/view", self.view_toggle.currentData())

    # ------------------------------------------------------------------ preview

    def _on_current_capture_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        record = self.captures.record(current.row()) if current.isValid() else None
        self._update_actions()
        if record is None:
            return
        shown = self.preview.record
        if shown is not None and shown.id == record.id and self._preview_id == record.id:
            self._refresh_preview_record()  # the list was reloaded around it: same capture
            return
        self._show_preview(record.id)

    def _show_preview(self, capture_id: int) -> None:
        self._preview_id = capture_id
        lib = self.lib

        query = self.query()

        def load() -> tuple[CaptureRecord, QImage, DocumentContext | None, str]:
            rec = lib.get_capture(capture_id, with_words=True)
            if rec.is_document:
                # A PDF/OFD's page (drawn once, then cached), an e-mail's text and attachments.
                image, document = load_document(lib, rec, query)
                return rec, image, document, query
            image = QImage()
            image.loadFromData(lib.blobs.read(rec.sha256))
            return rec, image, None, query

        rec = next((r for r in self._records if r.id == capture_id), None)
        if rec is not None:
            self.preview.show_loading(rec)
        self.runner.run("preview", load, self._on_preview_loaded, self._on_preview_failed)

    def _on_preview_loaded(self, result: tuple[CaptureRecord, QImage, DocumentContext | None, str]) -> None:
        record, image, document, query = result
        if record.id == self._preview_id:
            self.preview.show_capture(record, image, query, document)
            if query != self.query():
                self.preview.set_query(self.query())

    def _on_page_requested(self, capture_id: int, page: int) -> None:
        """The preview turned a document's page: draw it (or take it from the page cache)
        in the background."""
        lib = self.lib

        def load() -> tuple[int, int, QImage, str | None]:
            try:
                return capture_id, page, load_page(lib, capture_id, page), None
            except KnownStorageError as exc:
                return capture_id, page, QImage(), str(exc)

        self.runner.run(
            "page",
            load,
            lambda r: self.preview.show_page(*r),
            lambda exc: self.preview.show_page(capture_id, page, QImage(), str(exc)),
        )

    def show_capture(self, capture_id: int) -> None:
        """Select and show capture `capture_id` (an e-mail's attachment, an attachment's
        e-mail): in the list shown if it is there, else under All captures, the search cleared."""
        row = self.captures.row_of(capture_id)
        if row is not None:
            view = self.current_view()
            view.setCurrentIndex(self.captures.index(row, 0))
            view.scrollTo(self.captures.index(row, 0))
            return
        self._preview_id = capture_id
        self._show_preview(capture_id)
        blocker = self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(blocker)
        self.scope = Scope("all")
        tree_blocker = self.tree.selectionModel().blockSignals(True)
        self.tree.setCurrentIndex(self.purchases.index_for("all"))
        self.tree.selectionModel().blockSignals(tree_blocker)
        self._update_actions()
        self.reload()

    def _on_preview_failed(self, exc: Exception) -> None:
        self.preview.clear(self.tr("This capture's original could not be read: {error}").format(error=exc))

    def selected_records(self) -> list[CaptureRecord]:
        view = self.current_view()
        rows = sorted({i.row() for i in view.selectionModel().selectedIndexes()})
        records = [r for r in (self.captures.record(row) for row in rows) if r is not None]
        if not records and view.currentIndex().isValid():
            r = self.captures.record(view.currentIndex().row())
            records = [r] if r is not None else []
        return records

    def _update_actions(self) -> None:
        records = self.selected_records() if hasattr(self, "grid") else []
        selected = bool(records)
        in_trash = self.scope.kind == "trash"
        for a in (self.act_move, self.act_note, self.act_copy, self.act_open, self.act_folder, self.act_ocr):
            a.setEnabled(selected and not in_trash)
        if any(r.is_document for r in records):
            self.act_copy.setEnabled(False)  # a document is no image to copy
        if any(r.doc_kind == "email" for r in records):
            self.act_open.setEnabled(False)  # never handed to a mail program (remote content)
        self.act_trash.setEnabled(selected and not in_trash)
        self.act_restore.setEnabled(selected and in_trash)
        self.act_restore.setVisible(in_trash)
        self.act_empty.setVisible(in_trash)
        self.act_empty.setEnabled(in_trash and bool(self._records))
        self.act_trash.setVisible(not in_trash)
        if hasattr(self, "act_export"):
            self.act_export.setEnabled(self.scope.kind == "purchase")

    # ------------------------------------------------------------------ changes

    def _after_change(self, message: str) -> None:
        """After a change made here: say what was done; the views follow the library
        through the same path as for changes made elsewhere (sync)."""
        self.statusBar().showMessage(message, 6000)
        self.sync()

    def _report(self, exc: Exception) -> None:
        QMessageBox.warning(self, self.tr("Proofshot"), str(exc))

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    # ------------------------------------------------------------------ purchases

    def _target_purchase(self) -> int | None:
        return self.scope.purchase_id if self.scope.kind == "purchase" else None

    def edit_purchase(self, purchase_id: int | None) -> None:
        if self._editor_factory is None:
            from .purchase_editor import PurchaseEditor

            factory: PurchaseEditorFactory = PurchaseEditor
        else:
            factory = self._editor_factory
        try:
            editor = factory(self.lib, purchase_id, self)
        except KnownStorageError as exc:
            self._report(exc)
            self.refresh_purchases()
            return
        editor.purchase_saved.connect(lambda p: self._on_purchase_saved(p.id))
        editor.exec()

    def _on_purchase_saved(self, purchase_id: int) -> None:
        self.scope = Scope("purchase", purchase_id)
        self._after_change(self.tr("Purchase saved"))

    def _on_tree_double_clicked(self, index: QModelIndex) -> None:
        if index.data(KIND_ROLE) == "purchase":
            self.edit_purchase(index.data(PURCHASE_ID_ROLE))

    def _on_tree_menu(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        menu = QMenu(self)
        if index.data(KIND_ROLE) == "purchase":
            pid = index.data(PURCHASE_ID_ROLE)
            menu.addAction(self.tr("Edit purchase and seller…")).triggered.connect(
                lambda _=False: self.edit_purchase(pid)
            )
            menu.addAction(self.tr("File new captures here (active purchase)")).triggered.connect(
                lambda _=False: self.set_active(pid)
            )
            if self._export_action is not None:
                menu.addAction(self.tr("Export evidence…")).triggered.connect(
                    lambda _=False: self._export_action(pid)
                )
        elif index.data(KIND_ROLE) == "inbox":
            menu.addAction(self.tr("File new captures in the Inbox")).triggered.connect(
                lambda _=False: self.set_active(None)
            )
        elif index.data(KIND_ROLE) == "trash":
            menu.addAction(self.act_empty)
        menu.addSeparator()
        menu.addAction(self.act_new_purchase)
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    def set_active(self, purchase_id: int | None) -> None:
        try:
            self.lib.set_active_purchase(purchase_id)
        except KnownStorageError as exc:
            self._report(exc)
            return
        self.refresh_purchases()

    def open_export_dialog(self, purchase_id: int) -> None:
        from .export_dialog import ExportDialog

        try:
            dialog = ExportDialog(self.lib, purchase_id, self)
        except KnownStorageError as exc:
            self._report(exc)
            return
        dialog.export_finished.connect(
            lambda _r: self.statusBar().showMessage(self.tr("Export finished"), 6000)
        )
        dialog.exec()

    def export_selected_purchase(self) -> None:
        if self._export_action is not None and self.scope.kind == "purchase" and self.scope.purchase_id:
            self._export_action(self.scope.purchase_id)

    # ------------------------------------------------------------------ importing

    def import_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("Import screenshots and documents"),
            "",
            self.tr("Images and documents (*.png *.jpg *.jpeg *.webp *.bmp *.pdf *.ofd *.xml *.eml)")
            + ";;"
            + self.tr("All files (*)"),
        )
        if files:
            self.import_files([Path(f) for f in files])

    def import_files(self, paths: list[Path]) -> None:
        """Keep pictures and documents as captures of the selected purchase (else the
        Inbox), with an e-mail's attachments, in the background; bad files are listed,
        good ones kept."""
        target = self._target_purchase()
        lib = self.lib
        self.statusBar().showMessage(self.tr("Importing {n} file(s)…").format(n=len(paths)))
        self.runner.run("import", lambda: import_files(lib, paths, target), self._on_imported, self._report)

    def _on_imported(self, result: ImportResult) -> None:
        ids, problems = result
        if ids:
            self.captures_imported.emit(ids)
        self._after_change(self.tr("Imported {n} file(s)").format(n=len(ids)))
        if problems:
            QMessageBox.warning(
                self,
                self.tr("Some files were not imported"),
                self.tr("These files were not imported:") + "\n\n" + "\n".join(problems),
            )

    def paste_image(self) -> None:
        """Ctrl+V: import the files on the clipboard (copied in a file manager), else keep
        the clipboard's image, in the selected purchase (else the Inbox)."""
        paths = clipboard_files()
        if paths:
            self.import_files(paths)
            return
        data = clipboard_png()
        if data is None:
            self.statusBar().showMessage(self.tr("There is no image or file on the clipboard."), 5000)
            return
        target = self._target_purchase()
        lib = self.lib
        self.runner.run(
            "import", lambda: keep_clipboard_png(lib, data, target), self._on_imported, self._report
        )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if importable(local_files(event.mimeData())):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = local_files(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    # ------------------------------------------------------------------ outside changes

    def capture_changed(self, _capture_id: int) -> None:
        """The app saw a capture added or changed (a new capture, OCR finished): look at
        once rather than at the next tick."""
        self.sync()

    def sync(self) -> None:
        """Show the library as it is now, whoever changed it: this window, the tray app's
        confirmation (Undo, Change purchase, Add note), the command line or another window.
        The selection, the scroll position and a note being typed are kept."""
        change = self._watcher.poll()
        if change is None or change.silent:
            return
        log.debug("library changed: %s", sorted(change.kinds))
        if not change.kinds or not change.kinds <= CONTENT_KINDS:
            self.refresh_purchases()  # text and notes read meanwhile do not show there
        query = self.query()
        kinds = change.kinds - SILENT_KINDS - (frozenset() if query else TREE_ONLY_KINDS)
        reloading = False
        if not kinds:
            pass  # the purchase list (refreshed above) is all that shows it
        elif kinds <= CONTENT_KINDS and not query and len(change.capture_ids) <= POINT_UPDATE_LIMIT:
            self._update_rows(change)
        elif (
            kinds & ADDED_KINDS
            and kinds <= ADDED_KINDS | CONTENT_KINDS
            and not query
            and self._unfiltered()
            and self.stack.currentWidget() is not self.empty_label
            and len(change.capture_ids) <= POINT_UPDATE_LIMIT
        ):
            self._add_rows(change)
        else:
            self._reload_keeping_view()
            reloading = True
        # A reload brings the shown capture's record up to date itself (_on_loaded).
        if (
            not reloading
            and self._preview_id is not None
            and (self._preview_id in change.capture_ids or self._preview_purchase() in change.purchase_ids)
        ):
            self._refresh_preview_record()

    def _unfiltered(self) -> bool:
        return self.status_filter.currentData() is None and self.date_filter.currentData() is None

    def _preview_purchase(self) -> int | None:
        record = self.preview.record
        return record.purchase_id if record is not None else None

    def _reload_keeping_view(self) -> None:
        self._keep_view = True
        self.reload()

    def _update_rows(self, change: Change) -> None:
        """Text or notes of captures changed: update the rows shown, in place."""
        ids = [i for i in change.capture_ids if self.captures.row_of(i) is not None]
        for record in self.lib.get_captures(ids) if ids else []:
            self._replace_record(record)

    def _add_rows(self, change: Change) -> None:
        """New captures (the newest) go on top of an unfiltered list, if they belong in it,
        instead of reloading every row; captures already shown are updated."""
        records = self.lib.get_captures(sorted(change.capture_ids))
        new = [r for r in records if self.captures.row_of(r.id) is None and self._in_scope(r)]
        for record in records:
            if self.captures.row_of(record.id) is not None:
                self._replace_record(record)
        if new:
            new.sort(key=lambda r: (r.captured_at, r.id), reverse=True)
            self._records[0:0] = new
            self.captures.prepend_records(new)
            self._show_counts(len(self._records), self.query())
            self._update_actions()

    def _replace_record(self, record: CaptureRecord) -> None:
        row = self.captures.row_of(record.id)
        if row is None:
            return
        self.captures.update_record(record)
        for i, r in enumerate(self._records):
            if r.id == record.id:
                self._records[i] = record
                break

    def _refresh_preview_record(self) -> None:
        """Load the shown capture's record again (with its word boxes) and update the
        preview without reloading its picture. A note being typed is kept."""
        capture_id = self._preview_id
        if capture_id is None:
            return
        lib = self.lib

        def load() -> CaptureRecord | None:
            try:
                return lib.get_capture(capture_id, with_words=True)
            except KnownStorageError:
                return None  # purged meanwhile; the list reload shows another one

        def done(record: CaptureRecord | None) -> None:
            if record is not None and record.id == self._preview_id:
                self.preview.update_record(record)

        self.runner.run("preview-record", load, done)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.sync()
        self._watch_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._watch_timer.stop()
        super().hideEvent(event)

    def _in_scope(self, record: CaptureRecord) -> bool:
        """Whether the selected purchase-list item shows `record`."""
        if record.in_trash:
            return self.scope.kind == "trash"
        if self.scope.kind == "inbox":
            return record.purchase_id is None
        if self.scope.kind == "purchase":
            return record.purchase_id == self.scope.purchase_id
        return self.scope.kind == "all"

    def closeEvent(self, event: QCloseEvent) -> None:
        self.preview.commit_note()
        self._watch_timer.stop()
        self._settings.setValue("library/geometry", self.saveGeometry())
        self._settings.sync()
        self.window_closed.emit()
        super().closeEvent(event)


__all__ = ["CAPTURE_IDS_MIME", "LibraryWindow", "Scope"]
