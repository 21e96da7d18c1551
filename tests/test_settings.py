"""The settings file (storage.settings) and the settings dialog (gui.settings_dialog)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QCoreApplication, Qt, QTranslator  # noqa: E402
from PySide6.QtGui import QKeySequence  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QWidget,
)

from capture import autostart  # noqa: E402
from capture.errors import KnownCaptureError  # noqa: E402
from storage.settings import AFTER_CAPTURE, AppSettings, load_settings, save_settings, settings_path  # noqa: E402

from .conftest import ROOT  # noqa: E402

LANGS = ["chi_sim", "eng", "jpn", "osd"]
COMMAND = ["/usr/bin/python3", "/opt/proofshot/main.py"]


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings, library and autostart folders all inside tmp_path."""
    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("PROOFSHOT_LIBRARY", str(tmp_path / "library"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return tmp_path


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, list[str]]]:
    """Record autostart.set_enabled instead of touching the system; it starts disabled."""
    seen: list[tuple[bool, list[str]]] = []
    monkeypatch.setattr(autostart, "autostart_supported", lambda: True)
    monkeypatch.setattr(autostart, "is_enabled", lambda: False)
    monkeypatch.setattr(autostart, "set_enabled", lambda enabled, command: seen.append((enabled, command)))
    return seen


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes would block the test: record their text instead."""
    shown: list[str] = []

    def fake(parent: QWidget, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", fake)
    return shown


def make(qtbot: Any, settings: AppSettings | None = None, **kwargs: Any) -> Any:
    from gui.settings_dialog import SettingsDialog

    kwargs.setdefault("languages", LANGS)
    dialog = SettingsDialog(settings or AppSettings(), **kwargs)
    qtbot.addWidget(dialog)
    return dialog


def save(qtbot: Any, dialog: Any) -> AppSettings:
    with qtbot.waitSignal(dialog.settings_saved, timeout=2000) as blocker:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    new = blocker.args[0]
    assert isinstance(new, AppSettings)
    assert dialog.result() == QDialog.DialogCode.Accepted
    return new


# --------------------------------------------------------------------------- storage.settings


def test_settings_round_trip() -> None:
    settings = AppSettings(
        hotkey="Ctrl+Shift+F9",
        ocr_languages="chi_sim+eng",
        library="/home/张伟/证据",
        start_at_login=True,
        after_capture="silent",
        ui_language="zh_CN",
    )

    save_settings(settings)

    assert load_settings() == settings
    assert json.loads(settings_path().read_text(encoding="utf-8"))["library"] == "/home/张伟/证据"


def test_no_settings_file_means_defaults() -> None:
    assert load_settings() == AppSettings()


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"\xff\xfe\x00garbage", b""])
def test_a_damaged_settings_file_falls_back_to_defaults(content: bytes) -> None:
    settings_path().parent.mkdir(parents=True)
    settings_path().write_bytes(content)

    assert load_settings() == AppSettings()


def test_values_of_the_wrong_type_or_unknown_are_ignored() -> None:
    settings_path().parent.mkdir(parents=True)
    settings_path().write_text(
        json.dumps(
            {
                "hotkey": 5,
                "start_at_login": "yes",
                "after_capture": "explode",
                "ui_language": "fr",
                "ocr_languages": "jpn",
                "no_such_setting": True,
            }
        ),
        encoding="utf-8",
    )

    assert load_settings() == AppSettings(ocr_languages="jpn")


# --------------------------------------------------------------------------- the dialog


def test_dialog_shows_the_current_values(qtbot: Any, calls: list[Any]) -> None:
    settings = AppSettings(
        hotkey="Ctrl+Shift+F9",
        ocr_languages="eng",
        library="/data/evidence",
        after_capture="note",
        ui_language="zh_CN",
    )

    dialog = make(qtbot, settings)

    assert dialog.windowTitle() == "Proofshot settings"
    assert dialog.hotkey_edit.keySequence() == QKeySequence("Ctrl+Shift+F9")
    assert dialog.chosen_radio.isChecked()
    assert {c: b.isChecked() for c, b in dialog.language_boxes.items()} == {
        "chi_sim": False,
        "eng": True,
        "jpn": False,
    }
    assert dialog.language_boxes["chi_sim"].text() == "Chinese (Simplified)"
    assert dialog.library_field.text() == "/data/evidence"
    assert dialog.after_capture_buttons["note"].isChecked()
    assert dialog.ui_language_combo.currentData() == "zh_CN"
    assert not dialog.start_at_login_box.isChecked()
    assert dialog.save_button.isEnabled()
    assert dialog.current_settings() == settings


def test_the_dialog_opens_with_focus_on_save_not_on_the_shortcut(qtbot: Any) -> None:
    dialog = make(qtbot)
    dialog.show()
    qtbot.waitExposed(dialog)

    QTest.keyClick(dialog, Qt.Key.Key_Return)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert load_settings() == AppSettings()


def test_the_default_library_is_shown_when_none_is_set(qtbot: Any, isolated: Path) -> None:
    dialog = make(qtbot)

    assert dialog.library_field.text() == str(isolated / "library")
    assert not dialog.library_default_button.isEnabled()


def test_typing_a_reserved_shortcut_shows_why_and_disables_save(qtbot: Any) -> None:
    dialog = make(qtbot)

    dialog.hotkey_edit.setFocus()
    QTest.keyClick(dialog.hotkey_edit, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)

    assert dialog.hotkey() == "Ctrl+C"
    assert "Ctrl+C is already used for copy" in dialog.hotkey_message.text()
    assert not dialog.save_button.isEnabled()


@pytest.mark.parametrize(
    ("sequence", "reason"),
    [("Alt+Tab", "switch windows"), ("P", "add Ctrl, Alt or Shift"), ("Shift+A", "types a capital")],
)
def test_bad_shortcuts_are_explained(qtbot: Any, sequence: str, reason: str) -> None:
    dialog = make(qtbot)

    dialog.hotkey_edit.setKeySequence(QKeySequence(sequence))

    assert reason in dialog.hotkey_message.text()
    assert not dialog.save_button.isEnabled()


def test_an_empty_shortcut_cannot_be_saved(qtbot: Any) -> None:
    dialog = make(qtbot)

    dialog.hotkey_edit.clear()

    assert dialog.hotkey() == ""
    assert "Ctrl+Alt+P" in dialog.hotkey_message.text()  # tells what to do
    assert not dialog.save_button.isEnabled()


def test_a_valid_typed_shortcut_is_saved_in_canonical_form(qtbot: Any) -> None:
    dialog = make(qtbot)

    dialog.hotkey_edit.setFocus()
    QTest.keyClick(
        dialog.hotkey_edit,
        Qt.Key.Key_F8,
        Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier,
    )
    assert dialog.save_button.isEnabled()
    assert "Press Ctrl+Shift+F8 anywhere" in dialog.hotkey_message.text()
    new = save(qtbot, dialog)

    assert new.hotkey == "Ctrl+Shift+F8"
    assert load_settings() == new


def test_reset_restores_the_default_shortcut(qtbot: Any) -> None:
    dialog = make(qtbot, AppSettings(hotkey="Ctrl+Shift+F9"))
    assert dialog.hotkey_reset_button.isEnabled()

    qtbot.mouseClick(dialog.hotkey_reset_button, Qt.MouseButton.LeftButton)

    assert dialog.hotkey() == "Ctrl+Alt+P"
    assert not dialog.hotkey_reset_button.isEnabled()


def test_automatic_languages(qtbot: Any) -> None:
    dialog = make(qtbot, AppSettings(ocr_languages=""))

    assert dialog.automatic_radio.isChecked()
    assert "osd" not in dialog.language_boxes
    # the boxes show what Automatic uses, and cannot be changed while it is on
    assert [c for c, b in dialog.language_boxes.items() if b.isChecked()] == ["chi_sim", "eng"]
    assert not any(b.isEnabled() for b in dialog.language_boxes.values())
    assert save(qtbot, dialog).ocr_languages == ""


def test_chosen_languages_round_trip(qtbot: Any) -> None:
    dialog = make(qtbot, AppSettings(ocr_languages="chi_sim+eng"))
    assert dialog.chosen_radio.isChecked()
    assert dialog.language_boxes["chi_sim"].isChecked()
    assert dialog.language_boxes["eng"].isChecked()

    dialog.language_boxes["eng"].setChecked(False)
    dialog.language_boxes["jpn"].setChecked(True)

    assert save(qtbot, dialog).ocr_languages == "chi_sim+jpn"


def test_switching_to_automatic_and_back(qtbot: Any) -> None:
    dialog = make(qtbot, AppSettings(ocr_languages="jpn"))

    dialog.automatic_radio.setChecked(True)
    assert dialog.ocr_languages() == ""
    dialog.chosen_radio.setChecked(True)

    assert dialog.ocr_languages() == "chi_sim+eng"  # starts from what Automatic used
    assert all(b.isEnabled() for b in dialog.language_boxes.values())


def test_no_language_chosen_cannot_be_saved(qtbot: Any) -> None:
    dialog = make(qtbot, AppSettings(ocr_languages="eng"))

    dialog.language_boxes["eng"].setChecked(False)

    assert not dialog.save_button.isEnabled()
    assert dialog.ocr_message.isVisibleTo(dialog)
    assert "at least one language" in dialog.ocr_message.text()


def test_a_saved_language_that_is_no_longer_installed_is_kept(qtbot: Any) -> None:
    dialog = make(qtbot, AppSettings(ocr_languages="eng+kor"))

    assert dialog.language_boxes["kor"].text() == "Korean (not installed)"
    assert save(qtbot, dialog).ocr_languages == "eng+kor"


def test_missing_tesseract_shows_how_to_install_it(qtbot: Any) -> None:
    dialog = make(qtbot, AppSettings(ocr_languages="chi_sim"), languages=[])

    assert dialog.language_boxes == {}
    assert dialog.ocr_missing_label is not None
    assert "not installed" in dialog.ocr_missing_label.text()
    command = dialog.findChild(QLabel, "installCommand")
    assert command is not None
    if sys.platform.startswith("linux"):
        assert command.text() == "sudo apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng"
    assert not dialog.automatic_radio.isVisibleTo(dialog)
    assert save(qtbot, dialog).ocr_languages == "chi_sim"  # the choice is kept for later


def test_languages_default_to_what_tesseract_reports(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from capture import ocr

    monkeypatch.setattr(ocr, "installed_languages", lambda: ["eng", "osd", "chi_tra"])

    dialog = make(qtbot, languages=None)

    assert list(dialog.language_boxes) == ["chi_tra", "eng"]


@pytest.mark.parametrize("value", AFTER_CAPTURE)
def test_after_capture_round_trip(qtbot: Any, value: str) -> None:
    other = next(v for v in AFTER_CAPTURE if v != value)
    dialog = make(qtbot, AppSettings(after_capture=other))

    dialog.after_capture_buttons[value].click()

    assert save(qtbot, dialog).after_capture == value
    assert load_settings().after_capture == value


@pytest.mark.parametrize("value", ["system", "en", "zh_CN"])
def test_interface_language_round_trip(qtbot: Any, value: str) -> None:
    dialog = make(qtbot)
    restarts: list[bool] = []
    dialog.restart_requested.connect(lambda: restarts.append(True))

    dialog.ui_language_combo.setCurrentIndex(dialog.ui_language_combo.findData(value))

    with qtbot.waitSignal(dialog.settings_saved, timeout=2000) as blocker:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].ui_language == value
    if value != "system":  # a new language: restart now or later?
        answer(qtbot, dialog, "Later")
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=2000)
    assert load_settings().ui_language == value and restarts == []


def answer(qtbot: Any, dialog: Any, button: str) -> None:
    """Wait for the dialog's question and press `button`."""
    qtbot.waitUntil(lambda: dialog.question is not None and dialog.question.isVisible(), timeout=2000)
    found = [b for b in dialog.question.buttons() if b.text() == button]
    assert found, [b.text() for b in dialog.question.buttons()]
    qtbot.mouseClick(found[0], Qt.MouseButton.LeftButton)


def test_a_new_language_offers_to_restart_now(qtbot: Any) -> None:
    dialog = make(qtbot, AppSettings(ui_language="en"))
    dialog.ui_language_combo.setCurrentIndex(dialog.ui_language_combo.findData("zh_CN"))

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.question is not None and dialog.question.isVisible(), timeout=2000)
    assert load_settings().ui_language == "zh_CN"  # saved before asking
    assert {b.text() for b in dialog.question.buttons()} == {"Restart now", "Later"}
    with qtbot.waitSignal(dialog.restart_requested, timeout=2000):
        answer(qtbot, dialog, "Restart now")

    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=2000)


def test_no_restart_question_when_the_language_is_unchanged(qtbot: Any) -> None:
    dialog = make(qtbot, AppSettings(ui_language="zh_CN"))
    dialog.hotkey_edit.setKeySequence(QKeySequence("Ctrl+Alt+K"))

    save(qtbot, dialog)

    assert dialog.question is None


def test_choosing_a_library_folder(qtbot: Any, monkeypatch: pytest.MonkeyPatch, isolated: Path) -> None:
    folder = isolated / "my evidence"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(folder))
    dialog = make(qtbot)

    qtbot.mouseClick(dialog.library_choose_button, Qt.MouseButton.LeftButton)

    assert dialog.library_field.text() == str(folder)
    assert dialog.library_default_button.isEnabled()
    assert save(qtbot, dialog).library == str(folder)


def test_use_default_library(qtbot: Any, isolated: Path) -> None:
    dialog = make(qtbot, AppSettings(library="/somewhere/else"))

    qtbot.mouseClick(dialog.library_default_button, Qt.MouseButton.LeftButton)

    assert dialog.library_field.text() == str(isolated / "library")
    assert save(qtbot, dialog).library == ""


def test_autostart_is_not_touched_when_unchanged(qtbot: Any, calls: list[Any]) -> None:
    dialog = make(qtbot, autostart_command=COMMAND)

    save(qtbot, dialog)

    assert calls == []


def test_autostart_is_switched_when_the_box_changes(qtbot: Any, calls: list[Any]) -> None:
    dialog = make(qtbot, autostart_command=COMMAND)

    dialog.start_at_login_box.click()
    new = save(qtbot, dialog)

    assert calls == [(True, COMMAND)]
    assert new.start_at_login is True


def test_autostart_box_shows_the_real_state(
    qtbot: Any, calls: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # switched off elsewhere (the desktop's startup settings) although our file says on
    monkeypatch.setattr(autostart, "is_enabled", lambda: False)
    dialog = make(qtbot, AppSettings(start_at_login=True), autostart_command=COMMAND)

    assert not dialog.start_at_login_box.isChecked()
    assert save(qtbot, dialog).start_at_login is False
    assert calls == []


def test_autostart_without_a_command_only_saves_the_setting(qtbot: Any, calls: list[Any]) -> None:
    dialog = make(qtbot)

    dialog.start_at_login_box.click()

    assert save(qtbot, dialog).start_at_login is True
    assert calls == []


def test_autostart_failure_is_shown_and_nothing_is_saved(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, calls: list[Any], warnings: list[str]
) -> None:
    def refuse(enabled: bool, command: list[str]) -> None:
        raise KnownCaptureError("Could not switch on starting at login: permission denied.")

    monkeypatch.setattr(autostart, "set_enabled", refuse)
    dialog = make(qtbot, autostart_command=COMMAND)
    dialog.start_at_login_box.click()

    with qtbot.assertNotEmitted(dialog.settings_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert warnings == ["Could not switch on starting at login: permission denied."]
    assert not settings_path().exists()
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_autostart_unsupported_disables_the_box(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(autostart, "autostart_supported", lambda: False)

    dialog = make(qtbot, autostart_command=COMMAND)

    assert not dialog.start_at_login_box.isEnabled()
    assert "not available" in dialog.start_at_login_box.toolTip()


def test_a_failed_save_is_shown_and_undoes_autostart(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, calls: list[Any], warnings: list[str]
) -> None:
    import gui.settings_dialog as module

    def disk_full(settings: AppSettings) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(module, "save_settings", disk_full)
    dialog = make(qtbot, autostart_command=COMMAND)
    dialog.start_at_login_box.click()

    with qtbot.assertNotEmitted(dialog.settings_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert warnings and "No space left on device" in warnings[0]
    assert calls == [(True, COMMAND), (False, COMMAND)]


def test_cancel_saves_nothing(qtbot: Any) -> None:
    dialog = make(qtbot)
    dialog.after_capture_buttons["silent"].click()

    with qtbot.assertNotEmitted(dialog.settings_saved):
        dialog.buttons.rejected.emit()

    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not settings_path().exists()


class _LongChinese(QTranslator):
    """Pseudo-translation: every string of the dialog becomes 1.5-3x longer Chinese text."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        if context != "SettingsDialog":
            return None
        return "这是一段比较长的中文翻译" * (1 + len(source) // 12)


def test_layout_holds_with_long_chinese_text(qtbot: Any) -> None:
    translator = _LongChinese()
    QCoreApplication.installTranslator(translator)
    try:
        dialog = make(qtbot)
        dialog.show()
        qtbot.waitExposed(dialog)
    finally:
        QCoreApplication.removeTranslator(translator)

    assert dialog.windowTitle().startswith("这是")
    assert dialog.width() <= 1000 and dialog.height() <= 760  # fits a 1366x768 laptop
    for widget in dialog.findChildren(QAbstractButton) + dialog.findChildren(QLabel):
        if not widget.isVisibleTo(dialog) or not widget.text():  # skip Qt's own parts (clear buttons)
            continue
        if isinstance(widget, QLabel) and widget.wordWrap():
            assert widget.height() >= widget.heightForWidth(widget.width()), widget.text()
        else:
            assert widget.width() >= widget.minimumSizeHint().width(), widget.text()


def test_screenshot_for_the_docs(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Renders the dialog; with PROOFSHOT_DOCS_SCREENSHOTS=1 it also updates docs/img/settings.png."""
    monkeypatch.setenv("PROOFSHOT_LIBRARY", "/home/you/.local/share/Proofshot")
    monkeypatch.setattr(autostart, "autostart_supported", lambda: True)
    monkeypatch.setattr(autostart, "is_enabled", lambda: True)
    dialog = make(qtbot, AppSettings(), languages=["chi_sim", "chi_tra", "eng", "jpn", "kor", "osd"])
    dialog.show()
    qtbot.waitExposed(dialog)

    image = dialog.grab().toImage()

    assert image.width() >= 520 and image.height() >= 400
    assert (
        len({image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}) > 5
    )
    out = tmp_path / "settings.png"
    assert image.save(str(out))
    if os.environ.get("PROOFSHOT_DOCS_SCREENSHOTS") == "1":
        target = ROOT / "docs" / "img" / "settings.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        assert image.save(str(target))


# --------------------------------------------------------------------------- the library in use, your own details


@pytest.fixture
def library(tmp_path: Path) -> Any:
    from storage.library import Library

    lib = Library.open(tmp_path / "running-library")
    yield lib
    lib.close()


def test_the_library_in_use_is_shown(qtbot: Any, library: Any, isolated: Path) -> None:
    # Started with --library: the saved location (the default) is not the one in use.
    dialog = make(qtbot, library=library)

    assert dialog.library_field.text() == str(isolated / "library")
    assert not dialog.library_in_use_label.isHidden()
    assert str(library.root) in dialog.library_in_use_label.text()
    assert not dialog.library_switch_note.isHidden() and "next starts" in dialog.library_switch_note.text()


def test_no_switch_note_when_the_library_in_use_is_the_saved_one(qtbot: Any, library: Any) -> None:
    dialog = make(qtbot, AppSettings(library=str(library.root)), library=library)

    assert str(library.root) in dialog.library_in_use_label.text()
    assert dialog.library_switch_note.isHidden()


def test_without_a_library_your_details_cannot_be_edited(qtbot: Any) -> None:
    dialog = make(qtbot)

    assert not dialog.own_phones_edit.isEnabled() and not dialog.own_addresses_edit.isEnabled()
    assert not dialog.own_details_unavailable.isHidden()
    assert dialog.library_in_use_label.isHidden()
    save(qtbot, dialog)  # and saving still works


def test_your_own_details_are_kept_in_the_library(qtbot: Any, library: Any) -> None:
    from storage.settings import OwnDetails

    dialog = make(qtbot, library=library)
    assert dialog.own_details_unavailable.isHidden()
    dialog.own_phones_edit.setText("138 0013 8000 / +86 10 6552 9988")
    dialog.own_names_edit.setText("张伟 / Zhang Wei")
    dialog.own_addresses_edit.setPlainText("杭州市西湖区文三路1号\n\n上海市浦东新区世纪大道100号")

    save(qtbot, dialog)

    assert library.own_details() == OwnDetails(
        ("138 0013 8000", "+86 10 6552 9988"),
        ("张伟", "Zhang Wei"),
        ("杭州市西湖区文三路1号", "上海市浦东新区世纪大道100号"),
    )
    assert library.events()[-1].kind == "own_details_changed"
    again = make(qtbot, library=library)  # shown again next time
    assert again.own_phones_edit.text() == "138 0013 8000 / +86 10 6552 9988"
    assert again.own_names_edit.text() == "张伟 / Zhang Wei"
    before = len(library.events())
    save(qtbot, again)
    assert len(library.events()) == before  # unchanged: nothing recorded


def test_a_bad_own_phone_is_shown_and_nothing_is_saved(qtbot: Any, library: Any) -> None:
    dialog = make(qtbot, library=library)
    dialog.hotkey_edit.setKeySequence(QKeySequence("Ctrl+Alt+K"))
    dialog.own_phones_edit.setText("138 0013 8000 / abcyesterday")

    assert not dialog.own_phones_message.isHidden() and "abcyesterday" in dialog.own_phones_message.text()
    assert not dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert not settings_path().exists() and library.own_details().phones == ()

    dialog.own_phones_edit.setText("138 0013 8000")
    assert dialog.own_phones_message.isHidden() and dialog.save_button.isEnabled()


def test_every_tab_holds_with_long_chinese_text(qtbot: Any, library: Any) -> None:
    translator = _LongChinese()
    QCoreApplication.installTranslator(translator)
    try:
        dialog = make(qtbot, library=library)
        dialog.show()
        qtbot.waitExposed(dialog)
    finally:
        QCoreApplication.removeTranslator(translator)

    for tab in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(tab)
        qtbot.waitUntil(lambda t=tab: dialog.tabs.widget(t).isVisible(), timeout=2000)
        assert dialog.width() <= 1000 and dialog.height() <= 760  # fits a 1366x768 laptop
        for widget in dialog.findChildren(QAbstractButton) + dialog.findChildren(QLabel):
            if not widget.isVisibleTo(dialog) or not widget.text():
                continue
            if isinstance(widget, QLabel) and widget.wordWrap():
                assert widget.height() >= widget.heightForWidth(widget.width()), widget.text()
            else:
                assert widget.width() >= widget.minimumSizeHint().width(), widget.text()


# --------------------------------------------------------------------------- how capture works here, the desktop shortcut


def _info(**changes: Any) -> Any:
    from gui.desktop_shortcut import BackendInfo

    values: dict[str, Any] = {
        "screen": "mss",
        "screen_skipped": (),
        "session": "x11",
        "hotkey": "pynput",
        "hotkey_problem": None,
        "needs_desktop_shortcut": False,
    }
    values.update(changes)
    return BackendInfo(**values)


WAYLAND_WITHOUT_SHORTCUTS = {
    "screen": "portal",
    "screen_skipped": (("grim", "not_installed"),),
    "session": "wayland",
    "hotkey": "",
    "hotkey_problem": "this desktop has no global shortcuts portal",
    "needs_desktop_shortcut": True,
}


@pytest.mark.parametrize(
    ("changes", "lines"),
    [
        ({}, ["Screen capture: mss (X11)", "Hotkey: global listener (X11)"]),
        (
            {"session": "windows"},
            ["Screen capture: mss (Windows)", "Hotkey: global listener (Windows)"],
        ),
        (
            {"session": "macos"},
            ["Screen capture: mss (macOS)", "Hotkey: global listener (macOS)"],
        ),
        (
            {"screen": "grim", "session": "wayland", "hotkey": "global-shortcuts"},
            [
                "Screen capture: grim (Wayland, wlroots desktop)",
                "Hotkey: the desktop's global-shortcuts portal",
            ],
        ),
        (
            WAYLAND_WITHOUT_SHORTCUTS,
            [
                "Screen capture: the desktop's screenshot portal (grim did not work here: not installed)",
                "Hotkey: none — bind a desktop shortcut (below)",
            ],
        ),
        (
            {"screen": "portal", "screen_skipped": (("grim", "not_wlroots"),), "session": "wayland"},
            [
                "Screen capture: the desktop's screenshot portal (grim did not work here: "
                "this desktop does not support it)",
                "Hotkey: global listener (Wayland)",
            ],
        ),
        (
            {"screen": "", "session": "wayland", "hotkey": "global-shortcuts"},
            ["Screen capture: chosen at the first capture", "Hotkey: the desktop's global-shortcuts portal"],
        ),
        (
            {
                "screen": "",
                "screen_skipped": (("grim", "no_wayland"), ("portal", "no_answer")),
                "session": "wayland",
                "hotkey": "",
                "needs_desktop_shortcut": True,
            },
            [
                "Screen capture: nothing has worked yet (grim did not work here: no Wayland display; "
                "the screenshot portal did not work here: the desktop did not answer in time)",
                "Hotkey: none — bind a desktop shortcut (below)",
            ],
        ),
        (
            {"hotkey": "", "hotkey_problem": "the global shortcut Ctrl+Alt+P could not be set up (boom)"},
            [
                "Screen capture: mss (X11)",
                "Hotkey: none (the global shortcut Ctrl+Alt+P could not be set up (boom))",
            ],
        ),
        ({"hotkey": ""}, ["Screen capture: mss (X11)", "Hotkey: none"]),
    ],
)
def test_describe_backends(changes: dict[str, Any], lines: list[str]) -> None:
    from gui.desktop_shortcut import describe_backends

    assert describe_backends(_info(**changes)) == lines


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("not_installed", "not installed"),
        ("no_wayland", "no Wayland display"),
        ("not_wlroots", "this desktop does not support it"),
        ("no_portal", "the desktop has no screenshot portal"),
        ("refused", "the desktop refused"),
        ("no_answer", "the desktop did not answer in time"),
        ("failed", "it failed"),
        ("not_wayland", "this is not a Wayland session"),
    ],
)
def test_every_skip_reason_is_said_in_plain_words(code: str, reason: str) -> None:
    from gui.desktop_shortcut import describe_backends

    line = describe_backends(_info(screen="grim", screen_skipped=(("portal", code),), session="wayland"))[0]
    assert line.endswith(f"(the screenshot portal did not work here: {reason})")


def test_the_capture_command_is_this_python_and_this_main_py(monkeypatch: pytest.MonkeyPatch) -> None:
    import shlex

    from gui.desktop_shortcut import capture_command

    command = capture_command()
    assert shlex.split(command) == [sys.executable, str(ROOT / "main.py"), "capture"]
    assert Path(shlex.split(command)[1]).is_absolute() and Path(shlex.split(command)[1]).exists()
    # A library other than the default one is named, so the shortcut reaches this app.
    other = capture_command("/tmp/my evidence")
    assert shlex.split(other) == [
        sys.executable,
        str(ROOT / "main.py"),
        "capture",
        "--library",
        "/tmp/my evidence",
    ]
    from platformdirs import user_data_dir

    default = capture_command(user_data_dir("Proofshot", appauthor=False))
    assert default == command


def test_the_sway_line() -> None:
    from gui.desktop_shortcut import sway_binding

    assert sway_binding("/usr/bin/python3 /opt/proofshot/main.py capture") == (
        "bindsym Ctrl+Alt+p exec /usr/bin/python3 /opt/proofshot/main.py capture"
    )
    assert sway_binding("cmd", "Ctrl+Shift+F9") == "bindsym Ctrl+Shift+F9 exec cmd"
    assert sway_binding("cmd", "Meta+Print") == "bindsym Mod4+Print exec cmd"


@pytest.mark.parametrize(
    ("value", "desktop"),
    [
        ("GNOME", "gnome"),
        ("ubuntu:GNOME", "gnome"),
        ("KDE", "kde"),
        ("sway", "sway"),
        ("sway:gnome", "sway"),
        ("Hyprland", ""),
        ("", ""),
    ],
)
def test_the_desktop_comes_from_xdg_current_desktop(value: str, desktop: str) -> None:
    from gui.desktop_shortcut import current_desktop

    assert current_desktop(value) == desktop


def test_the_help_copies_the_exact_command_and_opens_the_users_desktop_first(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QGuiApplication

    from gui.desktop_shortcut import DesktopShortcutHelp, capture_command

    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "KDE")
    help_ = DesktopShortcutHelp()
    qtbot.addWidget(help_)
    help_.show()
    qtbot.waitExposed(help_)

    assert help_.command_field.isReadOnly() and help_.command_field.text() == capture_command()
    QGuiApplication.clipboard().setText("something else")
    qtbot.mouseClick(help_.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == capture_command()

    assert help_.order == ["kde", "gnome", "sway"]
    assert help_.sections["kde"][0].isChecked() and help_.sections["kde"][1].isVisible()
    assert not help_.sections["gnome"][1].isVisible() and not help_.sections["sway"][1].isVisible()
    assert "System Settings → Keyboard → Shortcuts" in help_.kde_label.text()
    assert "Add New" in help_.kde_label.text() and "Command or Script" in help_.kde_label.text()
    assert "Ctrl+Alt+P" in help_.kde_label.text()

    # Another desktop's section opens on a click.
    qtbot.mouseClick(help_.sections["gnome"][0], Qt.MouseButton.LeftButton)
    assert help_.sections["gnome"][1].isVisible()
    text = help_.gnome_label.text()
    assert "Settings → Keyboard → View and Customise Shortcuts → Custom Shortcuts" in text
    assert "<b>Proofshot</b>" in text and "<b>Ctrl+Alt+P</b>" in text


def test_the_sway_section_has_its_line_and_its_own_copy_button(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QGuiApplication

    from gui.desktop_shortcut import DesktopShortcutHelp

    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "sway:gnome")
    command = "/usr/bin/python3 /opt/proofshot/main.py capture"
    help_ = DesktopShortcutHelp(command)
    qtbot.addWidget(help_)
    help_.show()
    qtbot.waitExposed(help_)

    assert help_.order[0] == "sway" and help_.sections["sway"][1].isVisible()
    line = f"bindsym Ctrl+Alt+p exec {command}"
    assert help_.sway_line() == line and help_.sway_line_field.isReadOnly()
    qtbot.mouseClick(help_.sway_copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == line
    assert "~/.config/sway/config" in help_.sway_label.text()
    assert "swaymsg reload" in help_.sway_reload_label.text()

    help_.set_hotkey("Ctrl+Shift+F9")
    assert help_.sway_line() == f"bindsym Ctrl+Shift+F9 exec {command}"
    assert "Ctrl+Shift+F9" in help_.gnome_label.text()


def test_an_unknown_desktop_shows_every_section_closed(qtbot: Any) -> None:
    from gui.desktop_shortcut import DesktopShortcutHelp

    help_ = DesktopShortcutHelp("cmd", desktop="")
    qtbot.addWidget(help_)
    help_.show()
    qtbot.waitExposed(help_)
    assert help_.order == ["gnome", "kde", "sway"]
    assert not any(body.isVisible() for _toggle, body in help_.sections.values())
    assert help_.other_label.isVisible()


def test_settings_say_how_capture_works_here(qtbot: Any) -> None:
    dialog = make(qtbot, backends=_info())

    assert dialog.backends_label is not None and not dialog.backends_label.isHidden()
    assert "Screen capture: mss (X11)" in dialog.backends_label.text()
    assert "Hotkey: global listener (X11)" in dialog.backends_label.text()
    assert dialog.desktop_shortcut_help is None
    assert "Press Ctrl+Alt+P anywhere" in dialog.hotkey_message.text()


def test_settings_without_backend_information_look_as_before(qtbot: Any) -> None:
    dialog = make(qtbot)
    assert dialog.backends_label is None and dialog.desktop_shortcut_help is None


def test_settings_show_the_desktop_shortcut_only_where_it_is_needed(
    qtbot: Any, library: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtGui import QGuiApplication

    from gui.desktop_shortcut import capture_command

    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "GNOME")
    dialog = make(
        qtbot,
        AppSettings(hotkey="Ctrl+Shift+F9"),
        library=library,
        backends=_info(**WAYLAND_WITHOUT_SHORTCUTS),
    )
    dialog.show()
    qtbot.waitExposed(dialog)

    help_ = dialog.desktop_shortcut_help
    assert help_ is not None and help_.isVisible()
    assert "Hotkey: none — bind a desktop shortcut (below)" in dialog.backends_label.text()
    # The running library is not the default one: the command names it.
    assert help_.command == capture_command(library.root) and "--library" in help_.command
    qtbot.mouseClick(help_.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == help_.command
    # The keys chosen above are the ones suggested; the editor says a desktop shortcut is needed.
    assert "desktop shortcut" in dialog.hotkey_message.text()
    assert "Ctrl+Shift+F9" in help_.gnome_label.text()
    dialog.hotkey_edit.setKeySequence(QKeySequence("Ctrl+Alt+K"))
    assert help_.sway_line().startswith("bindsym Ctrl+Alt+k exec ")
    assert dialog.height() <= 760  # fits a 1366x768 laptop: the Capture tab scrolls
    save(qtbot, dialog)  # the shortcut is still saved (and suggested next time)


def test_the_desktop_shortcut_holds_with_long_chinese_text(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    class LongChinese(_LongChinese):
        def translate(
            self, context: str, source: str, disambiguation: str | None = None, n: int = -1
        ) -> str | None:
            if context not in ("SettingsDialog", "DesktopShortcutHelp"):
                return None
            return "这是一段比较长的中文翻译" * (1 + len(source) // 12)

    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "sway")
    translator = LongChinese()
    QCoreApplication.installTranslator(translator)
    try:
        dialog = make(qtbot, backends=_info(**WAYLAND_WITHOUT_SHORTCUTS))
        dialog.show()
        qtbot.waitExposed(dialog)
    finally:
        QCoreApplication.removeTranslator(translator)

    assert dialog.width() <= 1000 and dialog.height() <= 760
    assert dialog.desktop_shortcut_help is not None
    for widget in dialog.desktop_shortcut_help.findChildren(QLabel):
        if widget.isVisibleTo(dialog) and widget.text() and widget.wordWrap():
            assert widget.height() >= widget.heightForWidth(widget.width()), widget.text()


def test_copying_each_capture_can_be_turned_on_and_is_kept(qtbot: Any) -> None:
    dialog = make(qtbot)
    assert not dialog.copy_after_capture_box.isChecked()
    dialog.copy_after_capture_box.setChecked(True)
    new = save(qtbot, dialog)
    assert new.copy_after_capture
    save_settings(new)
    assert load_settings().copy_after_capture
    assert make(qtbot, new).copy_after_capture_box.isChecked()
