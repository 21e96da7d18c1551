"""The library window shows the library as it is now, whoever changed it.

Changes come from this process (the tray app's confirmation: Undo, Change purchase,
Add note) and from other processes (the command line in a subprocess). The window
learns of all of them through one mechanism (storage.changes.ChangeWatcher) and keeps
the selection, the scroll position and a note being typed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gui.library_models import KIND_ROLE, PURCHASE_ID_ROLE
from gui.library_window import LibraryWindow
from storage.changes import ChangeWatcher
from storage.errors import NoteChanged
from storage.library import Library
from storage.records import OcrData
from storage.values import merge_notes

from .conftest import Cli

WAIT_MS = 10000  # generous: the machine may be busy; the window looks every 300 ms


@pytest.fixture
def window(qtbot, lib: Library, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "config"))
    w = LibraryWindow(lib)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.runner.wait()
    w.thumbnails.shutdown()


def _add(lib: Library, make_png, seed: int, text: str, purchase_id: int | None = None) -> int:  # type: ignore[no-untyped-def]
    c = lib.add_capture(make_png(seed), source="region", purchase_id=purchase_id)
    lib.set_ocr_result(c.id, OcrData(text, "tesseract", "5.3.0", "chi_sim+eng"))
    return c.id


def _shown_ids(w: LibraryWindow) -> list[int]:
    return [r.id for r in w.captures.records()]


def _tree_texts(w: LibraryWindow) -> dict[tuple[str, int | None], str]:
    """Every item of the purchase list by (kind, purchase id), with its text."""
    out: dict[tuple[str, int | None], str] = {}
    model = w.purchases

    def walk(parent) -> None:  # type: ignore[no-untyped-def]
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            kind = index.data(KIND_ROLE)
            if kind and kind != "group":
                out[(kind, index.data(PURCHASE_ID_ROLE))] = index.data()
            walk(index)

    from PySide6.QtCore import QModelIndex

    walk(QModelIndex())
    return out


def _select(qtbot, w: LibraryWindow, capture_id: int) -> None:  # type: ignore[no-untyped-def]
    row = w.captures.row_of(capture_id)
    assert row is not None
    w.current_view().setCurrentIndex(w.captures.index(row, 0))
    qtbot.waitUntil(
        lambda: w.preview.record is not None and w.preview.record.id == capture_id, timeout=WAIT_MS
    )


def _open_purchase(qtbot, w: LibraryWindow, purchase_id: int, count: int) -> None:  # type: ignore[no-untyped-def]
    # the purchase list learns of a purchase made after the window opened by itself too
    qtbot.waitUntil(lambda: w.purchases.index_for("purchase", purchase_id).isValid(), timeout=WAIT_MS)
    w.tree.setCurrentIndex(w.purchases.index_for("purchase", purchase_id))
    assert w.scope.purchase_id == purchase_id
    qtbot.waitUntil(lambda: w.captures.rowCount() == count and not w.runner.pending("load"), timeout=WAIT_MS)


# ------------------------------------------------------------------ storage: the watcher


def test_the_watcher_sees_commits_of_this_and_other_connections(
    lib: Library, make_png, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    watcher = lib.watch()
    assert watcher.poll() is None
    cid = _add(lib, make_png, 1, "hello")
    change = watcher.poll()
    assert change is not None and change.capture_ids == {cid} and {"captured", "ocr_done"} <= change.kinds
    assert watcher.poll() is None  # reported once
    lib.set_active_purchase(lib.add_purchase({"title": "x"}).id)
    watcher.poll()
    lib.set_active_purchase(None)  # a setting: no custody event, still a change
    change = watcher.poll()
    assert change is not None and change.kinds == frozenset() and change.only_content
    other = Library.open(lib.root)
    try:
        other.set_note(cid, "from another connection")
    finally:
        other.close()
    change = watcher.poll()
    assert change is not None and change.kinds == {"note_edited"} and change.only_content
    lib.record_event("exported", purchase_id=None)
    change = watcher.poll()
    assert change is not None and change.silent
    watcher.close()
    assert watcher.poll() is None


def test_the_watcher_never_writes(lib: Library, make_png) -> None:  # type: ignore[no-untyped-def]
    watcher = ChangeWatcher(lib.db_path)
    assert watcher._conn is not None
    with pytest.raises(sqlite3.OperationalError):
        watcher._conn.execute("DELETE FROM events")
    watcher.close()


def test_a_note_is_not_written_over_a_newer_one(lib: Library, make_png) -> None:  # type: ignore[no-untyped-def]
    cid = _add(lib, make_png, 1, "text")
    lib.set_note(cid, "first")
    lib.set_note(cid, "newer, from the tray app")
    with pytest.raises(NoteChanged) as raised:
        lib.set_note(cid, "typed over the first", expected="first")
    assert raised.value.current == "newer, from the tray app"
    assert lib.get_capture(cid).note == "newer, from the tray app"
    # the same text as stored is no conflict, and an up-to-date base saves
    lib.set_note(cid, "newer, from the tray app", expected="first")
    assert lib.set_note(cid, "edited", expected="newer, from the tray app").note == "edited"


def test_merging_notes_keeps_both_once() -> None:
    assert merge_notes("newer", "mine") == "newer\n\nmine"
    assert merge_notes("", "mine") == "mine"
    assert merge_notes("newer", "") == "newer"
    assert merge_notes("same", "same") == "same"
    assert merge_notes("newer", "newer and more") == "newer and more"


# ------------------------------------------------------------------ the window


def test_changes_from_the_command_line_show_up_without_a_restart(qtbot, window, lib, make_png) -> None:  # type: ignore[no-untyped-def]
    camera = lib.add_purchase({"title": "二手相机"})
    other = lib.add_purchase({"title": "Sofa"})
    ids = [_add(lib, make_png, seed, f"消息 {seed}", camera.id) for seed in range(1, 6)]
    _open_purchase(qtbot, window, camera.id, 5)
    _select(qtbot, window, ids[2])
    cli = Cli(lib.root)

    cli.run("captures", "move", str(ids[0]), "--to", str(other.id))
    qtbot.waitUntil(lambda: len(_shown_ids(window)) == 4, timeout=WAIT_MS)
    assert ids[0] not in _shown_ids(window)
    qtbot.waitUntil(lambda: "(4)" in _tree_texts(window)[("purchase", camera.id)], timeout=WAIT_MS)
    assert "(1)" in _tree_texts(window)[("purchase", other.id)]
    assert window.preview.record.id == ids[2]  # the selection stayed where it was
    assert window.count_label.text() == "4 captures"

    cli.run("captures", "delete", str(ids[1]))
    qtbot.waitUntil(lambda: "(1)" in _tree_texts(window)[("trash", None)], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: ids[1] not in _shown_ids(window), timeout=WAIT_MS)
    assert "(3)" in _tree_texts(window)[("purchase", camera.id)]

    cli.run("captures", "note", str(ids[2]), "卖家说七天包退")
    qtbot.waitUntil(lambda: window.preview.note_edit.toPlainText() == "卖家说七天包退", timeout=WAIT_MS)
    assert not window.preview.has_unsaved_note()

    cli.run("purchases", "edit", str(camera.id), "--title", "二手相机 (退货中)")
    qtbot.waitUntil(lambda: "退货中" in window.preview.subtitle_label.text(), timeout=WAIT_MS)
    assert "退货中" in _tree_texts(window)[("purchase", camera.id)]

    image = lib.root.parent / "new.png"
    image.write_bytes(make_png(40))
    cli.run("import", str(image), "--purchase", str(camera.id), "--no-ocr")
    qtbot.waitUntil(lambda: len(_shown_ids(window)) == 4, timeout=WAIT_MS)
    assert window.count_label.text() == "4 captures"
    assert window.preview.record.id == ids[2]


def test_changes_made_in_this_process_show_up_too(qtbot, window, lib, make_png) -> None:  # type: ignore[no-untyped-def]
    """What the capture confirmation does (Undo, Change purchase…, Add note…) goes through
    the same library object as the window, never through the window."""
    camera = lib.add_purchase({"title": "二手相机"})
    other = lib.add_purchase({"title": "Sofa"})
    a = _add(lib, make_png, 1, "一", camera.id)
    b = _add(lib, make_png, 2, "二", camera.id)
    _open_purchase(qtbot, window, camera.id, 2)
    _select(qtbot, window, b)

    lib.trash([a])  # Undo
    qtbot.waitUntil(lambda: _shown_ids(window) == [b], timeout=WAIT_MS)
    texts = _tree_texts(window)
    assert "(1)" in texts[("purchase", camera.id)] and "(1)" in texts[("trash", None)]
    assert window.count_label.text() == "1 captures"

    lib.set_note(b, "后补的备注")  # Add note…
    qtbot.waitUntil(lambda: window.preview.note_edit.toPlainText() == "后补的备注", timeout=WAIT_MS)

    lib.move_captures([b], other.id)  # Change purchase…
    qtbot.waitUntil(lambda: _shown_ids(window) == [], timeout=WAIT_MS)
    assert "(1)" in _tree_texts(window)[("purchase", other.id)]


def test_a_note_being_typed_is_never_lost_nor_written_over_a_newer_one(qtbot, window, lib, make_png) -> None:  # type: ignore[no-untyped-def]
    a = _add(lib, make_png, 1, "一")
    b = _add(lib, make_png, 2, "二")
    qtbot.waitUntil(lambda: len(_shown_ids(window)) == 2, timeout=WAIT_MS)
    _select(qtbot, window, a)
    window.preview.note_edit.setPlainText("我正在写的备注")
    Cli(lib.root).run("captures", "note", str(a), "tray app note")
    qtbot.waitUntil(lambda: not window.preview.note_conflict_label.isHidden(), timeout=WAIT_MS)
    assert window.preview.note_edit.toPlainText() == "我正在写的备注"  # the typing is kept
    assert lib.get_capture(a).note == "tray app note"  # and nothing was written yet
    _select(qtbot, window, b)  # switching saves: both notes are kept, newer first
    qtbot.waitUntil(lambda: lib.get_capture(a).note == "tray app note\n\n我正在写的备注", timeout=WAIT_MS)
    assert "nothing was lost" in window.statusBar().currentMessage()
    _select(qtbot, window, a)
    assert window.preview.note_edit.toPlainText() == "tray app note\n\n我正在写的备注"
    assert not window.preview.has_unsaved_note()


def test_the_view_keeps_its_scroll_position_and_selection(qtbot, window, lib, make_png) -> None:  # type: ignore[no-untyped-def]
    p = lib.add_purchase({"title": "many"})
    ids = [_add(lib, make_png, seed, f"row {seed}", p.id) for seed in range(1, 61)]
    window.view_toggle.setCurrentIndex(1)  # the list: one row each
    window.resize(1000, 400)
    _open_purchase(qtbot, window, p.id, 60)
    view = window.current_view()
    middle = ids[30]
    _select(qtbot, window, middle)
    view.scrollTo(window.captures.index(window.captures.row_of(middle) or 0, 0))
    scroll = view.verticalScrollBar().value()
    assert scroll > 0
    lib.trash([ids[0]])  # the oldest, at the bottom of the list
    qtbot.waitUntil(lambda: len(_shown_ids(window)) == 59, timeout=WAIT_MS)
    assert window.preview.record.id == middle
    assert view.currentIndex().row() == window.captures.row_of(middle)
    assert view.verticalScrollBar().value() == scroll


def test_the_watcher_stops_while_the_window_is_hidden(qtbot, window, lib, make_png) -> None:  # type: ignore[no-untyped-def]
    window.hide()
    assert not window._watch_timer.isActive()
    _add(lib, make_png, 1, "while hidden")
    window.show()  # looks at once, then keeps looking
    assert window._watch_timer.isActive()
    qtbot.waitUntil(lambda: len(_shown_ids(window)) == 1, timeout=WAIT_MS)


def test_the_empty_library_names_the_capture_shortcut(qtbot, lib, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "config"))
    w = LibraryWindow(lib, shortcut_text="Ctrl+Alt+P")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: "Ctrl+Alt+P" in w.empty_label.text(), timeout=WAIT_MS)
    w.set_shortcut_text("Ctrl+Shift+S")
    assert "Ctrl+Shift+S" in w.empty_label.text()
    w.runner.wait()
    w.thumbnails.shutdown()


def test_the_confirmations_actions_show_in_an_open_library_window(
    qtbot, tmp_path, monkeypatch, make_png
) -> None:  # type: ignore[no-untyped-def]
    """Undo, Change purchase… and Add note… of the capture confirmation, run by the real
    controller, with the real library window open (the issue's first complaint)."""
    from PySide6.QtWidgets import QInputDialog

    from gui.controller import Controller
    from gui.tray import TrayMenu
    from gui.workers import CaptureWriter, OcrWorker
    from storage.settings import AppSettings

    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "config"))
    lib = Library.open(tmp_path / "lib")
    tray = TrayMenu(lambda: [])
    controller = Controller(
        lib,
        AppSettings(),
        tray,
        CaptureWriter(lib),
        OcrWorker(lib, lambda: None),
        tray_available=lambda: True,
        library_window_factory=lambda library: LibraryWindow(library),
    )
    try:
        camera = lib.add_purchase({"title": "二手相机"})
        sofa = lib.add_purchase({"title": "Sofa"})
        a = _add(lib, make_png, 1, "一", camera.id)
        b = _add(lib, make_png, 2, "二", camera.id)
        controller.open_library()
        window = controller.library_window
        assert isinstance(window, LibraryWindow)
        _open_purchase(qtbot, window, camera.id, 2)
        _select(qtbot, window, b)

        controller.undo(a)
        qtbot.waitUntil(lambda: _shown_ids(window) == [b], timeout=WAIT_MS)
        texts = _tree_texts(window)
        assert "(1)" in texts[("purchase", camera.id)] and "(1)" in texts[("trash", None)]
        assert window.count_label.text() == "1 captures"

        monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *args: ("卖家同意退款", True))
        controller.add_note(b)
        qtbot.waitUntil(lambda: window.preview.note_edit.toPlainText() == "卖家同意退款", timeout=WAIT_MS)
        assert not window.preview.has_unsaved_note()

        # A note written elsewhere while the Add note dialog is open is not overwritten.
        def dialog_while_the_cli_writes(*args):  # type: ignore[no-untyped-def]
            Cli(lib.root).run("captures", "note", str(b), "命令行写的")
            return ("对话框里写的", True)

        monkeypatch.setattr(QInputDialog, "getMultiLineText", dialog_while_the_cli_writes)
        controller.add_note(b)
        assert lib.get_capture(b).note == "命令行写的\n\n对话框里写的"
        qtbot.waitUntil(
            lambda: window.preview.note_edit.toPlainText() == "命令行写的\n\n对话框里写的", timeout=WAIT_MS
        )

        controller._move(b, sofa.id)  # what Change purchase… does with the purchase chosen
        qtbot.waitUntil(lambda: _shown_ids(window) == [], timeout=WAIT_MS)
        assert "(1)" in _tree_texts(window)[("purchase", sofa.id)]
        assert "(0)" in _tree_texts(window)[("purchase", camera.id)]
        window.runner.wait()
        window.thumbnails.shutdown()
        window.close()
    finally:
        controller.shutdown()
        lib.close()
