"""The first-start welcome window: what it says, and "Don't show this again" (offscreen Qt)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from gui.controller import Controller
from gui.tray import TrayMenu
from gui.welcome import WelcomeWindow, set_welcome_wanted, welcome_path, welcome_wanted
from gui.workers import CaptureWriter, OcrWorker
from storage.library import Library
from storage.settings import AppSettings


class _Hotkey:
    def stop(self) -> None:
        pass


def _controller(tmp_path: Path, hotkey: str = "Ctrl+Shift+F9", tray: bool = True) -> Controller:
    lib = Library.open(tmp_path / "my library")
    return Controller(
        lib,
        AppSettings(hotkey=hotkey),
        TrayMenu(lambda: []),
        CaptureWriter(lib),
        OcrWorker(lib, lambda: None),
        hotkey_starter=lambda keys, cb: _Hotkey(),
        tray_available=lambda: tray,
        tray_wait_s=0,
    )


def test_welcome_names_the_real_shortcut_the_inbox_the_purchase_menu_and_the_library(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "config"))
    controller = _controller(tmp_path)
    controller.start()
    try:
        controller.show_welcome()
        window = controller.welcome
        assert isinstance(window, WelcomeWindow) and window.isVisible() and not window.isModal()
        assert window.windowTitle() == "Welcome to Proofshot"
        assert "Ctrl+Shift+F9" in window.shortcut_label.text()
        assert "Inbox" in window.where_label.text() and "active purchase" in window.where_label.text()
        assert "tray" in window.purchase_label.text()
        assert "Active purchase → New purchase…" in window.purchase_label.text()
        assert str(tmp_path / "my library") in window.library_label.text()
        assert not window.dont_show.isChecked()
        qtbot.mouseClick(window.ok_button, Qt.MouseButton.LeftButton)
        assert not window.isVisible()
        assert welcome_wanted()  # not ticked: shown again next time
    finally:
        controller.shutdown()
        controller.lib.close()


def test_without_a_tray_or_a_shortcut_the_welcome_says_what_to_use_instead(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "config"))
    lib = Library.open(tmp_path / "lib")

    def no_hotkey(keys, cb):  # type: ignore[no-untyped-def]
        from capture.hotkey import HotkeyUnavailable

        raise HotkeyUnavailable("Wayland")

    controller = Controller(
        lib,
        AppSettings(),
        TrayMenu(lambda: []),
        CaptureWriter(lib),
        OcrWorker(lib, lambda: None),
        hotkey_starter=no_hotkey,
        tray_available=lambda: False,
        tray_wait_s=0,
    )
    controller.start()
    try:
        controller.show_welcome()
        assert "main.py capture" in controller.welcome.shortcut_label.text()
        assert "Proofshot window" in controller.welcome.purchase_label.text()
        controller.welcome.close()
    finally:
        controller.shutdown()
        lib.close()


def test_dont_show_again_is_remembered_in_its_own_file(qtbot, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "config"))
    assert welcome_wanted()
    window = WelcomeWindow("Ctrl+Alt+P", tmp_path, "Active purchase → New purchase…", tray=True)
    window.show()
    window.dont_show.setChecked(True)
    window.close()  # closing the window counts as well as "Got it"
    assert not welcome_wanted()
    assert welcome_path() == tmp_path / "config" / "welcome.json"
    assert not (tmp_path / "config" / "settings.json").exists()  # the app settings are not touched
    set_welcome_wanted(True)
    assert welcome_wanted()


def test_a_damaged_welcome_file_shows_the_welcome(tmp_path: Path) -> None:
    path = tmp_path / "welcome.json"
    path.write_text("{not json", encoding="utf-8")
    assert welcome_wanted(path)
    path.write_text('["show", false]', encoding="utf-8")
    assert welcome_wanted(path)
    path.write_text('{"show": false}', encoding="utf-8")
    assert not welcome_wanted(path)


def _backends(needs_desktop_shortcut: bool) -> object:
    from gui.desktop_shortcut import BackendInfo

    if needs_desktop_shortcut:
        return BackendInfo("grim", (), "wayland", "", "this desktop has no global shortcuts portal", True)
    return BackendInfo("grim", (), "wayland", "global-shortcuts", None, False)


def test_where_a_desktop_shortcut_is_needed_the_welcome_shows_how_to_add_it(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtGui import QGuiApplication

    from gui.desktop_shortcut import capture_command

    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "sway")
    window = WelcomeWindow(
        "the desktop shortcut you bind to “main.py capture”",
        tmp_path / "lib",
        "Active purchase → New purchase…",
        tray=True,
        backends=_backends(True),
        hotkey="Ctrl+Shift+F9",
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    help_ = window.desktop_shortcut_help
    assert help_ is not None and help_.isVisible()
    assert (
        "Press" not in window.shortcut_label.text()
        and "press your capture shortcut" in window.shortcut_label.text()
    )
    assert help_.command == capture_command(tmp_path / "lib")
    qtbot.mouseClick(help_.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == help_.command
    assert help_.order[0] == "sway" and help_.sway_line() == f"bindsym Ctrl+Shift+F9 exec {help_.command}"
    for label in window.findChildren(QLabel):  # nothing cut off
        if label.isVisibleTo(window) and label.text() and label.wordWrap():
            assert label.height() >= label.heightForWidth(label.width()), label.text()
    window.close()


def test_where_the_shortcut_works_the_welcome_names_it(qtbot, tmp_path: Path) -> None:
    window = WelcomeWindow(
        "Ctrl+Alt+P", tmp_path, "Active purchase → New purchase…", tray=True, backends=_backends(False)
    )
    qtbot.addWidget(window)
    assert window.desktop_shortcut_help is None
    assert "Ctrl+Alt+P" in window.shortcut_label.text()
    plain = WelcomeWindow("Ctrl+Alt+P", tmp_path, "Active purchase → New purchase…", tray=True)
    qtbot.addWidget(plain)
    assert plain.desktop_shortcut_help is None
