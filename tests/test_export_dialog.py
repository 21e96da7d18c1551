"""The export dialog's finished state (offscreen Qt): the whole destination path, selectable
and wrapped, a Copy path button beside Show folder, and a plain "done and checked" message."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from storage.records import OcrData


@pytest.fixture
def finished(qtbot, lib, make_png, tmp_path, monkeypatch):
    """The dialog after exporting into a deep folder with a long name and no spaces."""
    from gui.export_dialog import ExportDialog

    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "cfg"))
    p = lib.add_purchase({"title": "二手相机"}, {"display_name": "老王数码_" + "很长的店铺名称" * 4})
    c = lib.add_capture(make_png(1), source="region", purchase_id=p.id)
    lib.set_ocr_result(c.id, OcrData("退款", "tesseract", "5", "chi_sim+eng"))
    out = tmp_path / ("evidence_for_the_consumer_association_" * 3) / "exports"
    dialog = ExportDialog(lib, p.id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.folder.setText(str(out))
    dialog.pdf.setChecked(False)
    with qtbot.waitSignal(dialog.export_finished, timeout=60000) as done:
        dialog.export_button.click()
    result = done.args[0]
    qtbot.waitUntil(lambda: dialog.path_view.isVisible())
    return dialog, result


def test_the_whole_path_is_shown_selectable_and_wrapped(qtbot, finished):
    dialog, result = finished
    view = dialog.path_view
    assert view.toPlainText() == str(result.folder)
    assert len(str(result.folder)) > 200  # longer than any line the dialog has room for
    assert view.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert view.isReadOnly()
    # wrapped inside the dialog, every line visible, nothing to scroll to
    qtbot.waitUntil(lambda: view.document().size().height() <= view.viewport().height() + 1)
    assert view.document().lineCount() >= 1 and view.document().size().width() <= view.viewport().width() + 1
    assert view.verticalScrollBar().maximum() == 0 and view.horizontalScrollBar().maximum() == 0
    assert view.geometry().right() <= dialog.width()
    # the path is not repeated inside the message, which says what was done in plain words
    assert str(result.folder) not in dialog.status.text()
    assert "checked" in dialog.status.text() and "1 capture" in dialog.status.text()


def test_copy_path_sits_next_to_show_folder(qtbot, finished):
    dialog, result = finished
    show, copy = dialog.show_button, dialog.copy_button
    assert show.isVisible() and copy.isVisible()
    assert abs(show.geometry().center().y() - copy.geometry().center().y()) <= 2
    assert show.parent() is copy.parent()
    gap = min(
        abs(copy.geometry().left() - show.geometry().right()),
        abs(show.geometry().left() - copy.geometry().right()),
    )
    assert gap < 40
    QGuiApplication.clipboard().clear()
    copy.click()
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == str(result.folder))
    assert copy.text() != dialog.tr("Copy path")  # says it was copied


def test_the_finished_dialog_drops_the_choices_it_no_longer_needs(finished):
    dialog, _ = finished
    assert dialog.export_button.isHidden()
    assert dialog.options.isHidden()
    assert dialog.close_button.text() == dialog.tr("Close")


def test_a_zip_is_shown_as_its_own_path(qtbot, lib, make_png, tmp_path, monkeypatch):
    from gui.export_dialog import ExportDialog

    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "cfg"))
    p = lib.add_purchase({"title": "T"})
    lib.add_capture(make_png(2), source="region", purchase_id=p.id)
    dialog = ExportDialog(lib, p.id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.folder.setText(str(tmp_path / "out"))
    dialog.pdf.setChecked(False)
    dialog.zip.setChecked(True)
    with qtbot.waitSignal(dialog.export_finished, timeout=60000) as done:
        dialog.export_button.click()
    result = done.args[0]
    qtbot.waitUntil(lambda: dialog.zip_view.isVisible())
    assert dialog.zip_view.toPlainText() == str(result.zip_path)
    assert Path(dialog.path_view.toPlainText()) == result.folder
