"""The library window with a real library (offscreen Qt): browsing, search as you type,
moving, trash, importing by drag and drop, and errors."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QMessageBox

from gui.library_models import CAPTURE_IDS_MIME, KIND_ROLE
from gui.library_window import LibraryWindow
from storage.library import Library
from storage.records import OcrData


@pytest.fixture
def window(qtbot, lib: Library, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "config"))
    w = LibraryWindow(lib)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.runner.wait()
    w.thumbnails.shutdown()


def _add(lib: Library, make_png, seed: int, text: str, purchase_id: int | None = None) -> int:
    c = lib.add_capture(make_png(seed), source="region", purchase_id=purchase_id)
    lib.set_ocr_result(c.id, OcrData(text, "tesseract", "5.3.0", "chi_sim+eng"))
    return c.id


def drop_files(window: LibraryWindow, paths: list[Path]) -> None:
    """Drop local files on the window as a file manager would."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)


def _shown_ids(w: LibraryWindow) -> list[int]:
    return [w.captures.record(i).id for i in range(w.captures.rowCount())]  # type: ignore[union-attr]


def _wait_loaded(qtbot, w: LibraryWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not w.runner.pending("load") and not w._search_timer.isActive(), timeout=10000)


def test_opens_on_all_captures_newest_first_with_purchase_groups(qtbot, window, lib, make_png) -> None:
    p = lib.add_purchase({"title": "二手相机", "status": "disputed"})
    a = _add(lib, make_png, 1, "退款已原路返回", p.id)
    b = _add(lib, make_png, 2, "发货了")
    window.refresh_purchases()
    window.reload()
    _wait_loaded(qtbot, window)
    assert _shown_ids(window) == [b, a]
    kinds = []
    model = window.purchases
    for row in range(model.rowCount()):
        kinds.append(model.index(row, 0).data(KIND_ROLE))
    assert kinds[0] == "all" and "inbox" in kinds and kinds[-1] == "trash"
    window.tree.setCurrentIndex(model.index_for("purchase", p.id))
    _wait_loaded(qtbot, window)
    assert _shown_ids(window) == [a]
    window.tree.setCurrentIndex(model.index_for("inbox"))
    _wait_loaded(qtbot, window)
    assert _shown_ids(window) == [b]


def test_search_as_you_type_is_debounced_and_stale_results_never_win(qtbot, window, lib, make_png) -> None:
    a = _add(lib, make_png, 1, "Seller promised a refund within seven days")
    b = _add(lib, make_png, 2, "Parcel delivered and signed for")
    window.reload()
    _wait_loaded(qtbot, window)
    calls: list[str] = []
    real_search = lib.search
    gate = threading.Event()

    def slow_search(q, **kw):  # type: ignore[no-untyped-def]
        calls.append(q)
        if q == "parcel":
            gate.wait(10)  # this older search finishes last
        return real_search(q, **kw)

    lib.search = slow_search  # type: ignore[method-assign]
    # Typing several characters quickly runs one search, after the pause.
    qtbot.keyClicks(window.search_box, "refund")
    assert calls == []
    qtbot.waitUntil(lambda: calls == ["refund"], timeout=5000)
    qtbot.waitUntil(lambda: _shown_ids(window) == [a], timeout=5000)
    # An older, slow search whose result arrives after a newer one is dropped.
    window.search_box.setText("parcel")
    window.reload()
    qtbot.waitUntil(lambda: "parcel" in calls, timeout=5000)
    window.search_box.setText("refund")
    window.reload()
    qtbot.waitUntil(lambda: calls.count("refund") == 2, timeout=5000)
    qtbot.wait(200)
    gate.set()
    window.runner.wait()
    qtbot.wait(200)
    assert _shown_ids(window) == [a]
    assert b not in _shown_ids(window)
    # No results: a clear message.
    window.search_box.setText("没有这个词")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.empty_label, timeout=5000)
    assert "没有这个词" in window.empty_label.text()


def test_dropping_captures_on_a_purchase_moves_them(qtbot, window, lib, make_png) -> None:
    p = lib.add_purchase({"title": "Sofa"})
    c = _add(lib, make_png, 1, "text")
    window.refresh_purchases()
    mime = QMimeData()
    mime.setData(CAPTURE_IDS_MIME, json.dumps([c]).encode())
    index = window.purchases.index_for("purchase", p.id)
    assert window.purchases.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, index)
    assert lib.get_capture(c).purchase_id == p.id
    assert [e.kind for e in lib.events(capture_id=c)][-1] == "moved"


def test_trash_restore_and_empty_with_confirmation(qtbot, window, lib, make_png, monkeypatch) -> None:
    c = _add(lib, make_png, 1, "text")
    window.reload()
    _wait_loaded(qtbot, window)
    window.current_view().setCurrentIndex(window.captures.index(0, 0))
    window.act_trash.trigger()
    assert lib.get_capture(c).in_trash
    window.tree.setCurrentIndex(window.purchases.index_for("trash"))
    _wait_loaded(qtbot, window)
    assert _shown_ids(window) == [c]
    window.current_view().setCurrentIndex(window.captures.index(0, 0))
    window.act_restore.trigger()
    assert not lib.get_capture(c).in_trash
    _wait_loaded(qtbot, window)
    assert not window.act_empty.isEnabled()  # nothing in the Trash: nothing to empty
    lib.trash([c])
    window.reload()
    _wait_loaded(qtbot, window)
    assert window.act_empty.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    window.empty_trash()
    assert lib.get_capture(c).in_trash  # cancelled: nothing deleted
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.empty_trash()
    assert lib.count_captures()["trash"] == 0
    assert "purged" in [e.kind for e in lib.events()]


def test_dropping_files_imports_good_ones_and_explains_bad_ones(
    qtbot, window, lib, make_png, tmp_path, monkeypatch
):  # type: ignore[no-untyped-def]
    good = tmp_path / "chat.png"
    good.write_bytes(make_png(5))
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    imported: list[list[int]] = []
    window.captures_imported.connect(imported.append)
    drop_files(window, [good, bad])
    qtbot.waitUntil(lambda: bool(warnings), timeout=10000)
    assert "broken.png" in warnings[0] and "chat.png" not in warnings[0]
    assert len(imported) == 1 and lib.get_capture(imported[0][0]).source_name == "chat.png"
    assert [c.source_name for c in lib.list_captures()] == ["chat.png"]


def test_paste_keeps_the_clipboard_image_in_the_selected_purchase(qtbot, window, lib) -> None:
    p = lib.add_purchase({"title": "Sofa"})
    window.refresh_purchases()
    window.tree.setCurrentIndex(window.purchases.index_for("purchase", p.id))
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(0x123456)
    QGuiApplication.clipboard().setImage(image)
    window.act_paste.trigger()
    qtbot.waitUntil(lambda: len(lib.list_captures(purchase_id=p.id)) == 1, timeout=10000)
    assert lib.list_captures(purchase_id=p.id)[0].source == "clipboard"


def test_keyboard_shortcuts(qtbot, window, lib, make_png) -> None:
    _add(lib, make_png, 1, "text")
    window.reload()
    _wait_loaded(qtbot, window)
    window.activateWindow()
    window.act_find.trigger()
    assert window.search_box.hasFocus() or QGuiApplication.focusObject() is window.search_box
    assert window.act_trash.shortcut().matches(Qt.Key.Key_Delete)
    assert window.act_find.shortcut().toString() == "Ctrl+F"


def test_geometry_is_remembered(qtbot, lib, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "cfg"))
    w = LibraryWindow(lib)
    w.show()
    w.resize(700, 520)
    w.move(QPoint(30, 40))
    w.close()
    w.thumbnails.shutdown()
    again = LibraryWindow(lib)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (700, 520)
    again.thumbnails.shutdown()


def test_export_dialog_exports_checks_and_offers_the_folder(
    qtbot, lib, make_png, tmp_path, monkeypatch
) -> None:
    from gui.export_dialog import ExportDialog
    from storage.verify import verify_path

    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "cfg"))
    p = lib.add_purchase({"title": "二手相机"}, {"display_name": "老王数码"})
    _add(lib, make_png, 1, "退款", p.id)
    dialog = ExportDialog(lib, p.id)
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(tmp_path / "out"))
    dialog.pdf.setChecked(True)
    with qtbot.waitSignal(dialog.export_finished, timeout=60000) as done:
        dialog.export_button.click()
    result = done.args[0]
    assert result.folder.is_dir() and (result.folder / "report.pdf").is_file()
    assert all(r.ok for r in verify_path(result.folder))
    assert not dialog.show_button.isHidden() and "checked" in dialog.status.text()
    assert "exported" in [e.kind for e in lib.events(purchase_id=p.id)]


def test_export_dialog_explains_a_bad_destination(qtbot, lib, make_png, tmp_path, monkeypatch) -> None:
    from gui.export_dialog import ExportDialog

    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "cfg"))
    p = lib.add_purchase({"title": "T"})
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    dialog = ExportDialog(lib, p.id)
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(blocker))
    dialog.pdf.setChecked(False)
    dialog.export_button.click()
    dialog.wait()
    qtbot.waitUntil(lambda: "not made" in dialog.status.text(), timeout=10000)
    assert dialog.export_button.isEnabled() and dialog.show_button.isHidden()


def test_a_new_window_shows_the_captures_without_being_asked(
    qtbot, lib, make_png, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "cfg"))
    c = _add(lib, make_png, 1, "text")
    w = LibraryWindow(lib)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.captures.rowCount() == 1, timeout=10000)
    assert _shown_ids(w) == [c]
    w.runner.wait()
    w.thumbnails.shutdown()


def test_a_new_capture_appears_on_top_without_a_reload(qtbot, window, lib, make_png) -> None:
    p = lib.add_purchase({"title": "Sofa"})
    a = _add(lib, make_png, 1, "first")
    window.reload()
    _wait_loaded(qtbot, window)
    loads: list[str] = []
    real_list = lib.list_captures
    lib.list_captures = lambda **kw: loads.append("list") or real_list(**kw)  # type: ignore[method-assign]
    b = _add(lib, make_png, 2, "second")
    window.capture_changed(b)
    assert _shown_ids(window) == [b, a] and loads == []
    elsewhere = _add(lib, make_png, 3, "filed elsewhere", p.id)
    window.tree.setCurrentIndex(window.purchases.index_for("inbox"))
    _wait_loaded(qtbot, window)
    loads.clear()
    window.capture_changed(elsewhere)  # not in the Inbox: the list stays as it is
    assert _shown_ids(window) == [b, a] and loads == []
