"""The commands on the captures selected in the library window.

Move to a purchase (also by dragging onto one in the purchase list), edit the note, move
to the Trash, restore, empty the Trash, read the text again, copy the image, open the
original, show it in its folder; and the captures' context menu that offers them. Each
change goes through the library and is then shown the way changes made elsewhere are
(LibraryWindow.sync).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QPoint, QUrl
from PySide6.QtGui import QCursor, QDesktopServices, QGuiApplication, QImage
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from storage.errors import KnownStorageError, NoteChanged
from storage.values import merge_notes

if TYPE_CHECKING:
    from PySide6.QtCore import Signal
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QListView, QMainWindow

    from storage.library import Library
    from storage.records import CaptureRecord

    from .library_window import Scope

    class _Window(QMainWindow):
        """What the mixin uses of the window it is mixed into (LibraryWindow). For the type
        checker only: at run time the mixin is a plain class, and QMainWindow comes after
        it in LibraryWindow's bases."""

        lib: Library
        scope: Scope
        _preview_id: int | None
        ocr_requested: ClassVar[Signal]
        act_move: QAction
        act_note: QAction
        act_copy: QAction
        act_open: QAction
        act_folder: QAction
        act_ocr: QAction
        act_trash: QAction
        act_restore: QAction
        act_empty: QAction

        def selected_records(self) -> list[CaptureRecord]: ...
        def current_view(self) -> QListView: ...
        def _after_change(self, message: str) -> None: ...
        def _report(self, exc: Exception) -> None: ...
        def _replace_record(self, record: CaptureRecord) -> None: ...
        def _refresh_preview_record(self) -> None: ...

else:
    _Window = object


class CaptureActions(_Window):
    """A part of LibraryWindow, mixed into it and never used alone.

    It works with what the window has: its library (`lib`), what it shows (`scope`,
    `selected_records()`, `current_view()`, the preview), its actions (`act_*`), and its
    ways of reporting (`_after_change`, `_report`, the status bar).
    """

    def move_to(self, capture_ids: list[int], purchase_id: int | None) -> bool:
        try:
            records = self.lib.move_captures(capture_ids, purchase_id)
        except KnownStorageError as exc:
            self._report(exc)
            return False
        where = records[0].purchase_title if records and records[0].purchase_title else self.tr("Inbox")
        self._after_change(self.tr("Moved {n} capture(s) to {where}").format(n=len(records), where=where))
        return True

    def _on_captures_dropped(self, ids: list[int], purchase_id: object) -> None:
        self.move_to([int(i) for i in ids], purchase_id if isinstance(purchase_id, int) else None)

    def move_dialog(self) -> None:
        records = self.selected_records()
        if not records:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("Inbox (no purchase)")).triggered.connect(
            lambda _=False: self.move_to([r.id for r in records], None)
        )
        for p in self.lib.list_purchases():
            menu.addAction(f"#{p.id}  {p.title}").triggered.connect(
                lambda _=False, pid=p.id: self.move_to([r.id for r in records], pid)
            )
        menu.exec(QCursor.pos())

    def edit_note(self) -> None:
        records = self.selected_records()
        if len(records) != 1:
            return
        try:
            base = self.lib.get_capture(records[0].id).note or ""
        except KnownStorageError as exc:
            self._report(exc)
            return
        text, ok = QInputDialog.getMultiLineText(
            self, self.tr("Note"), self.tr("What does this capture show?"), base
        )
        if ok:
            self._on_note_saved(records[0].id, text, base)

    def _on_note_saved(self, capture_id: int, text: str, base: str) -> None:
        """Save a note typed here over `base`, the note as it was when typing started. If
        someone else changed it meanwhile, both are kept: the newer note, then this text."""
        message = self.tr("Note saved")
        try:
            try:
                record = self.lib.set_note(capture_id, text, expected=base)
            except NoteChanged as conflict:
                record = self.lib.set_note(
                    capture_id, merge_notes(conflict.current, text), expected=conflict.current
                )
                message = self.tr(
                    "The note was changed elsewhere in the meantime. Your text was added after it; nothing was lost."
                )
        except KnownStorageError as exc:
            self._report(exc)
            return
        self._replace_record(record)
        self.statusBar().showMessage(message, 8000)
        if record.id == self._preview_id:
            self._refresh_preview_record()

    def trash_selected(self) -> None:
        records = self.selected_records()
        if not records or self.scope.kind == "trash":
            return
        try:
            self.lib.trash([r.id for r in records])
        except KnownStorageError as exc:
            self._report(exc)
            return
        self._after_change(
            self.tr("Moved {n} capture(s) to the Trash. They stay there until you empty it.").format(
                n=len(records)
            )
        )

    def restore_selected(self) -> None:
        records = self.selected_records()
        if not records:
            return
        try:
            self.lib.restore([r.id for r in records])
        except KnownStorageError as exc:
            self._report(exc)
            return
        self._after_change(self.tr("Restored {n} capture(s)").format(n=len(records)))

    def empty_trash(self, confirm: bool = True) -> None:
        n = self.lib.count_captures()["trash"]
        if n == 0:
            return
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Empty the Trash?"),
                self.tr(
                    "{n} capture(s) will be deleted for good, with their original files. "
                    "This cannot be undone. The custody log keeps a record that they were deleted."
                ).format(n=n),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        ids = self.lib.empty_trash()
        self._after_change(self.tr("Deleted {n} capture(s) for good").format(n=len(ids)))

    def rerun_ocr(self) -> None:
        ids = [r.id for r in self.selected_records()]
        if ids:
            self.ocr_requested.emit(ids)
            self.statusBar().showMessage(self.tr("Reading the text again…"), 4000)

    def copy_image(self) -> None:
        records = self.selected_records()
        if len(records) != 1:
            return
        image = QImage()
        image.loadFromData(self.lib.blobs.read(records[0].sha256))
        QGuiApplication.clipboard().setImage(image)
        self.statusBar().showMessage(self.tr("Image copied"), 3000)

    def open_original(self) -> None:
        """Open the selected capture's original in the desktop's viewer. A document is opened
        through a link named with its extension (originals are stored by hash alone, and a
        viewer needs ".pdf" to know it). An e-mail is never handed to a mail program, which
        could load what it points to: the preview shows it as text."""
        records = self.selected_records()
        if not records:
            return
        rec = records[0]
        if rec.doc_kind == "email":
            self.statusBar().showMessage(
                self.tr(
                    "E-mails are shown here as text only, so that nothing they point to is loaded; "
                    "the original file is kept unchanged and is in the export."
                ),
                8000,
            )
            return
        path = self.lib.blob_path(rec.sha256)
        if rec.is_document:
            path = _named_link(self.lib.thumbs / "open", path, rec.media_type)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def show_in_folder(self) -> None:
        records = self.selected_records()
        if records:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.lib.blob_path(records[0].sha256).parent)))

    def _on_capture_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        if self.scope.kind == "trash":
            menu.addAction(self.act_restore)
            menu.addAction(self.act_empty)
        else:
            for a in (
                self.act_move,
                self.act_note,
                self.act_copy,
                self.act_open,
                self.act_folder,
                self.act_ocr,
            ):
                menu.addAction(a)
            menu.addSeparator()
            menu.addAction(self.act_trash)
        menu.exec(self.current_view().viewport().mapToGlobal(pos))


__all__ = ["CaptureActions"]


def _named_link(folder: Path, blob: Path, media_type: str) -> Path:
    """A symbolic link to `blob` named with the extension of its media type, in `folder`
    (a cache: deleting it loses nothing); the blob itself when no link can be made."""
    from storage.documents import EXTENSIONS

    ext = EXTENSIONS.get(media_type)
    if ext is None:
        return blob
    link = folder / f"{blob.name}.{ext}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not link.is_symlink():
            link.symlink_to(blob)
    except OSError:
        return blob
    return link
