"""The controller, tray menu and workers with a real library and fake screens/OCR (offscreen Qt)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QMainWindow

from capture.hotkey import HotkeyUnavailable
from capture.ocr import OcrResult, OcrWord
from capture.region import Rect
from capture.screen import ScreenGrab
from gui.controller import Controller
from gui.tray import TrayMenu
from gui.workers import CaptureWriter, OcrWorker
from storage.library import Library
from storage.settings import AppSettings


def _grab(w: int = 320, h: int = 200, uniform: bool = False) -> ScreenGrab:
    data = bytearray()
    for y in range(h):
        for x in range(w):
            data += b"\x00\x00\x00" if uniform else bytes((x % 256, y % 256, (x + y) % 256))
    return ScreenGrab(0, Rect(0, 0, w, h), bytes(data), time.time())


class FakeEngine:
    name = "fake"

    def __init__(self) -> None:
        self.calls = 0

    def recognize(self, image) -> OcrResult:  # type: ignore[no-untyped-def]
        self.calls += 1
        return OcrResult(
            "卖家承诺七天无理由退货",
            (OcrWord("七天", (1, 2, 30, 20), 90.0),),
            "fake",
            "1",
            "chi_sim",
            90.0,
            0.01,
        )


class FakeHotkey:
    name = "fake"

    def __init__(self) -> None:
        self.callback = None
        self.stopped = False

    def start(self, hotkey, callback):  # type: ignore[no-untyped-def]
        self.callback = callback
        return self

    def stop(self) -> None:
        self.stopped = True


@pytest.fixture
def app_parts(qtbot, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "config"))
    lib = Library.open(tmp_path / "lib")
    engine = FakeEngine()
    hotkey = FakeHotkey()
    grabs = {"value": [_grab()]}
    tray = TrayMenu(lambda: [])
    writer = CaptureWriter(lib)
    ocr = OcrWorker(lib, lambda: engine)
    controller = Controller(
        lib,
        AppSettings(),
        tray,
        writer,
        ocr,
        hotkey_starter=lambda keys, cb: hotkey.start(keys, cb),
        grabber=lambda screens: grabs["value"],
        tray_available=lambda: True,
    )
    tray.set_purchase_source(controller.purchase_choices)
    controller.start()
    yield controller, lib, engine, hotkey, grabs
    controller.shutdown()
    lib.close()


def _saved(qtbot, controller):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(controller.capture_saved, timeout=10000) as blocker:
        pass
    return blocker.args[0]


def test_hotkey_opens_the_overlay_and_a_selection_is_filed_under_the_active_purchase(
    qtbot, app_parts
) -> None:
    controller, lib, engine, hotkey, grabs = app_parts
    p = lib.add_purchase({"title": "加湿器"})
    lib.set_active_purchase(p.id)
    with qtbot.waitSignal(controller.overlay_opened, timeout=5000):
        hotkey.callback()  # as pynput would, from its own thread
    session = controller._session
    assert session is not None and all(o.windowTitle() == "Proofshot capture" for o in session.overlays)
    with qtbot.waitSignal(controller.capture_saved, timeout=10000) as saved:
        session.region_selected.emit(grabs["value"][0], Rect(10, 20, 100, 50))
    rec = saved.args[0]
    assert (rec.width, rec.height, rec.purchase_id, rec.source) == (100, 50, p.id, "region")
    assert controller._session is None
    # Confirmation with Undo / Change purchase / Add note.
    assert controller.toast.isVisible()
    assert "加湿器" in controller.toast._title.text()
    assert [b.text() for b in controller.toast.buttons()] == ["Undo", "Change purchase…", "Add note…", "Copy"]
    qtbot.waitUntil(lambda: lib.get_capture(rec.id).ocr_status == "done", timeout=10000)
    assert [h.capture_id for h in lib.search("七天")] == [rec.id]
    controller.toast.buttons()[0].click()  # Undo
    assert lib.get_capture(rec.id).in_trash
    assert [e.kind for e in lib.events(capture_id=rec.id)][-1] == "deleted"


def _enter(widget) -> None:  # type: ignore[no-untyped-def]
    QTest.keyClick(widget, Qt.Key.Key_Return)


def test_capture_again_shows_the_last_region_selected_and_enter_keeps_it(qtbot, app_parts) -> None:
    controller, lib, *_ = app_parts
    with qtbot.waitSignal(controller.capture_saved, timeout=10000) as first:
        controller.capture_rect(Rect(5, 6, 70, 40))
    assert "Saved to" in controller.toast._title.text()
    assert controller.tray.action_again.isEnabled()
    with qtbot.waitSignal(controller.overlay_opened, timeout=5000):
        controller.tray.action_again.trigger()
    overlay = controller._session.overlays[0]
    qtbot.waitExposed(overlay)
    assert overlay.selection is not None  # shown, not saved blind
    assert overlay.physical(overlay.selection) == Rect(5, 6, 70, 40)
    assert len(lib.list_captures()) == 1
    with qtbot.waitSignal(controller.capture_saved, timeout=10000) as saved:
        _enter(overlay)
    rec = saved.args[0]
    assert (rec.width, rec.height) == (70, 40)
    assert lib.read_capture_bytes(rec.id) == lib.read_capture_bytes(first.args[0].id)
    # Nothing changed on screen: the confirmation says so instead of pretending.
    assert controller.toast._title.text() == "Same as the previous capture — nothing new on screen"
    assert [b.text() for b in controller.toast.buttons()][0] == "Undo"


def test_capture_again_can_be_cancelled_or_replaced_by_a_new_drag(qtbot, app_parts) -> None:
    controller, lib, *_ = app_parts
    with qtbot.waitSignal(controller.capture_saved, timeout=10000):
        controller.capture_rect(Rect(5, 6, 70, 40))
    controller.capture_again()
    overlay = controller._session.overlays[0]
    qtbot.waitExposed(overlay)
    QTest.keyClick(overlay, Qt.Key.Key_Escape)
    assert controller._session is None and len(lib.list_captures()) == 1
    controller.capture_again()
    overlay = controller._session.overlays[0]
    qtbot.waitExposed(overlay)
    with qtbot.waitSignal(controller.capture_saved, timeout=10000) as saved:
        QTest.mousePress(overlay, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(100, 50))
        QTest.mouseMove(overlay, QPoint(150, 80))
        QTest.mouseRelease(
            overlay, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(200, 110)
        )
    expected = overlay.physical(Rect(100, 50, 100, 60))
    assert (saved.args[0].width, saved.args[0].height) == (expected.width, expected.height)
    assert "Saved to" in controller.toast._title.text()  # a different capture: no "same as"


def test_an_identical_capture_through_the_command_line_is_reported(qtbot, app_parts) -> None:
    controller, *_ = app_parts
    replies: list[dict] = []
    for _ in range(2):
        controller.handle_request({"cmd": "capture", "region": [0, 0, 40, 30]}, replies.append)
    qtbot.waitUntil(lambda: len(replies) == 2, timeout=10000)
    assert replies[0]["same_as_previous"] is None
    assert replies[1]["same_as_previous"] == replies[0]["capture"]["id"]


def test_fullscreen_and_a_protected_black_window_is_kept_with_a_warning(qtbot, app_parts) -> None:
    controller, lib, _e, _h, grabs = app_parts
    grabs["value"] = [_grab(200, 100, uniform=True)]
    with qtbot.waitSignal(controller.capture_saved, timeout=10000) as saved:
        controller.capture_fullscreen()
    rec = saved.args[0]
    assert (rec.width, rec.height, rec.source) == (200, 100, "fullscreen")
    assert "uniform" in rec.flags
    assert "one colour" in controller.toast._body.text()
    # The frozen screens are let go once the pixels went to the writer (ADR 012).
    assert controller._grabbed == [] and controller._grab_windows == []


def test_a_region_from_the_command_line_lets_go_of_the_frozen_screens(qtbot, app_parts) -> None:
    controller, *_ = app_parts
    with qtbot.waitSignal(controller.capture_saved, timeout=10000):
        controller.capture_rect(Rect(5, 6, 70, 40))
    assert controller._grabbed == [] and controller._grab_windows == []


def test_clipboard_image_is_saved_and_an_empty_clipboard_is_explained(qtbot, app_parts) -> None:
    controller, lib, *_ = app_parts
    QGuiApplication.clipboard().clear()
    controller.save_clipboard()
    assert "No image on the clipboard" in controller.toast._title.text()
    img = QImage(64, 32, QImage.Format.Format_RGB32)
    img.fill(0x336699)
    QGuiApplication.clipboard().setImage(img)
    with qtbot.waitSignal(controller.capture_saved, timeout=10000) as saved:
        controller.save_clipboard()
    assert (saved.args[0].source, saved.args[0].width, saved.args[0].height) == ("clipboard", 64, 32)


def test_tray_menu_lists_purchases_and_sets_the_active_one(qtbot, app_parts) -> None:
    controller, lib, *_ = app_parts
    a = lib.add_purchase({"title": "Sofa"})
    b = lib.add_purchase({"title": "二手相机", "status": "closed"})
    controller.tray._fill_purchases()
    labels = [act.text() for act in controller.tray.purchase_menu.actions() if act.text()]
    assert labels[0] == "Inbox (no purchase)" and labels[-1] == "New purchase…"
    assert labels.index(f"#{a.id}  Sofa") < labels.index(f"#{b.id}  二手相机")  # open ones first
    next(act for act in controller.tray.purchase_menu.actions() if act.text() == f"#{a.id}  Sofa").trigger()
    assert lib.active_purchase().id == a.id  # type: ignore[union-attr]
    controller.tray._fill_purchases()
    checked = [act.text() for act in controller.tray.purchase_menu.actions() if act.isChecked()]
    assert checked == [f"#{a.id}  Sofa"]


def test_pending_ocr_from_before_a_restart_is_resumed(qtbot, tmp_path: Path, make_png) -> None:
    lib = Library.open(tmp_path / "lib2")
    rec = lib.add_capture(make_png(1), source="region", purchase_id=None)
    engine = FakeEngine()
    tray = TrayMenu(lambda: [])
    controller = Controller(lib, AppSettings(), tray, CaptureWriter(lib), OcrWorker(lib, lambda: engine))
    controller.start()
    try:
        qtbot.waitUntil(lambda: lib.get_capture(rec.id).ocr_status == "done", timeout=10000)
        assert engine.calls == 1
    finally:
        controller.shutdown()


def test_requests_from_other_processes(qtbot, app_parts) -> None:
    controller, lib, *_ = app_parts
    replies: list[dict] = []
    controller.handle_request({"cmd": "status"}, replies.append)
    assert replies[-1]["ok"] and replies[-1]["library"] == str(lib.root)
    controller.handle_request(
        {"cmd": "capture", "region": [0, 0, 40, 30], "note": "转账记录"}, replies.append
    )
    qtbot.waitUntil(lambda: len(replies) == 2, timeout=10000)
    assert replies[-1]["capture"]["note"] == "转账记录" and replies[-1]["capture"]["width"] == 40
    controller.handle_request({"cmd": "capture", "purchase_id": 999}, replies.append)
    assert not replies[-1]["ok"] and "no purchase 999" in replies[-1]["error"]
    controller.handle_request({"cmd": "capture", "region": [5000, 5000, 10, 10]}, replies.append)
    assert not replies[-1]["ok"] and "not on any screen" in replies[-1]["error"]
    controller.handle_request({"cmd": "nonsense"}, replies.append)
    assert not replies[-1]["ok"]


def test_capture_purchase_inbox_files_in_the_inbox_even_with_an_active_purchase(qtbot, app_parts) -> None:
    """`main.py capture --purchase inbox --region …` sends inbox: true; without it the
    capture goes under the active purchase."""
    controller, lib, *_ = app_parts
    active = lib.add_purchase({"title": "二手相机"})
    lib.set_active_purchase(active.id)
    replies: list[dict] = []
    controller.handle_request(
        {"cmd": "capture", "region": [0, 0, 40, 30], "purchase_id": None, "inbox": True}, replies.append
    )
    qtbot.waitUntil(lambda: len(replies) == 1, timeout=10000)
    assert replies[0]["ok"] and replies[0]["capture"]["purchase_id"] is None
    controller.handle_request(
        {"cmd": "capture", "region": [0, 0, 41, 30], "purchase_id": None}, replies.append
    )
    qtbot.waitUntil(lambda: len(replies) == 2, timeout=10000)
    assert replies[1]["capture"]["purchase_id"] == active.id


def test_without_a_tray_or_a_hotkey_the_app_says_how_to_reach_it(qtbot, tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib3")

    def no_hotkey(keys, cb):  # type: ignore[no-untyped-def]
        raise HotkeyUnavailable(
            "Wayland does not let apps listen for global keys. Bind main.py capture instead"
        )

    tray = TrayMenu(lambda: [])
    controller = Controller(
        lib,
        AppSettings(),
        tray,
        CaptureWriter(lib),
        OcrWorker(lib, FakeEngine),
        hotkey_starter=no_hotkey,
        tray_available=lambda: False,
        tray_wait_s=0,
    )
    controller.start()
    try:
        assert controller.control_window is not None and controller.control_window.isVisible()
        text = controller.control_window.explanation.text()
        assert "no system tray" in text and "main.py capture" in text
        assert "Wayland" in controller.toast._body.text()
        assert controller.hotkey_problem
    finally:
        controller.shutdown()
        QCoreApplication.processEvents()
        assert controller.tray.action_region.text() == "Capture region"  # no shortcut to show


def test_the_tray_menu_and_tooltip_show_the_real_shortcut(qtbot, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "config"))
    lib = Library.open(tmp_path / "lib4")
    hotkey = FakeHotkey()
    tray = TrayMenu(lambda: [])
    controller = Controller(
        lib,
        AppSettings(hotkey="Ctrl+Shift+F9"),
        tray,
        CaptureWriter(lib),
        OcrWorker(lib, FakeEngine),
        hotkey_starter=lambda keys, cb: hotkey.start(keys, cb),
        tray_available=lambda: True,
    )
    controller.start()
    try:
        assert tray.action_region.text() == "Capture region\tCtrl+Shift+F9"
        assert "Ctrl+Shift+F9" in tray.icon.toolTip()
        tray.set_working(True, "Reading the text of your captures…")
        tray.set_working(False, "")
        assert "Ctrl+Shift+F9" in tray.icon.toolTip()
        controller.apply_settings(AppSettings(hotkey="Ctrl+Alt+S"))
        assert tray.action_region.text() == "Capture region\tCtrl+Alt+S"
    finally:
        controller.shutdown()
        lib.close()


def test_a_tray_that_starts_later_replaces_the_window(qtbot, tmp_path: Path) -> None:
    """At login the tray host may come up after Proofshot: wait for it, show the window
    only when it does not come, and switch to the tray icon once it does."""
    lib = Library.open(tmp_path / "lib5")
    tray_up = {"value": False}
    tray = TrayMenu(lambda: [])
    controller = Controller(
        lib,
        AppSettings(),
        tray,
        CaptureWriter(lib),
        OcrWorker(lib, FakeEngine),
        tray_available=lambda: tray_up["value"],
        tray_wait_s=0.6,
    )
    started = time.monotonic()
    controller.start()
    try:
        assert controller.control_window is None and not controller.tray_shown  # still waiting
        qtbot.waitUntil(lambda: controller.control_window is not None, timeout=10000)
        assert time.monotonic() - started >= 0.6
        window = controller.control_window
        assert window is not None and window.isVisible()
        tray_up["value"] = True
        qtbot.waitUntil(lambda: controller.tray_shown, timeout=10000)
        assert controller.control_window is None
        assert not shiboken6.isValid(window) or not window.isVisible()
        replies: list[dict] = []
        controller.handle_request({"cmd": "status"}, replies.append)
        assert replies[-1]["tray"] and not replies[-1]["window"]
    finally:
        controller.shutdown()
        lib.close()


def test_a_tray_that_is_there_at_once_means_no_window(qtbot, app_parts) -> None:
    controller, *_ = app_parts
    assert controller.tray_shown and controller.control_window is None


class FakeLibraryWindow(QMainWindow):
    captures_imported = Signal(list)
    ocr_requested = Signal(list)

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Proofshot library")
        self.changed: list[int] = []
        self.shortcut: list[str | None] = []

    def capture_changed(self, capture_id: int) -> None:
        self.changed.append(capture_id)

    def set_shortcut_text(self, keys: str | None) -> None:
        self.shortcut.append(keys)


def test_own_windows_are_off_the_screen_while_it_is_grabbed_and_come_back(qtbot, tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib6")
    seen: list[dict[str, bool]] = []
    windows: dict[str, object] = {}

    def grabber(screens: object) -> list[ScreenGrab]:
        seen.append({name: w.isVisible() for name, w in windows.items()})  # type: ignore[attr-defined]
        return [_grab()]

    library_window = FakeLibraryWindow()
    tray = TrayMenu(lambda: [])
    controller = Controller(
        lib,
        AppSettings(),
        tray,
        CaptureWriter(lib),
        OcrWorker(lib, FakeEngine),
        grabber=grabber,
        tray_available=lambda: False,
        tray_wait_s=0,
        library_window_factory=lambda _lib: library_window,
    )
    controller.start()
    try:
        controller.open_library()
        controller.toast.show_message("Moved to the Trash", timeout_ms=60000)
        dialog = QDialog()
        dialog.setWindowTitle("Welcome to Proofshot")
        dialog.show()
        windows.update(
            control=controller.control_window, toast=controller.toast, library=library_window, dialog=dialog
        )
        assert all(w.isVisible() for w in windows.values())  # type: ignore[attr-defined]

        with qtbot.waitSignal(controller.overlay_opened, timeout=5000):
            controller.capture_region()
        assert seen[-1] == dict.fromkeys(windows, False)
        assert not any(w.isVisible() for w in windows.values())  # type: ignore[attr-defined]
        with qtbot.waitSignal(controller.capture_saved, timeout=10000):
            _enter(controller._session.overlays[0])
        assert all(w.isVisible() for w in windows.values())  # type: ignore[attr-defined]

        with qtbot.waitSignal(controller.capture_saved, timeout=10000):
            controller.capture_rect(Rect(0, 0, 30, 30))
        assert seen[-1] == dict.fromkeys(windows, False)
        assert controller.control_window.isVisible() and library_window.isVisible()  # type: ignore[union-attr]

        controller.capture_region()
        QTest.keyClick(controller._session.overlays[0], Qt.Key.Key_Escape)
        assert controller.control_window.isVisible() and dialog.isVisible()  # type: ignore[union-attr]
    finally:
        controller.shutdown()
        dialog.close()
        library_window.close()
        lib.close()


def test_a_minimised_library_window_comes_back(qtbot, app_parts) -> None:
    controller, *_ = app_parts
    window = FakeLibraryWindow()
    controller._library_window_factory = lambda _lib: window
    controller.tray.action_library.trigger()
    qtbot.waitExposed(window)
    assert window.shortcut == ["Ctrl+Alt+P"]  # the empty state can say how to capture
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized, timeout=5000)
    controller.handle_request({"cmd": "show", "library_window": True}, lambda _reply: None)  # --show-library
    assert not window.isMinimized() and window.isVisible()
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized, timeout=5000)
    controller.tray.action_library.trigger()
    assert not window.isMinimized() and window.isVisible()
    window.close()


def test_new_purchase_from_the_tray_opens_the_full_editor_and_activates_it(qtbot, app_parts) -> None:
    from gui.purchase_editor import PurchaseEditor

    controller, lib, *_ = app_parts
    new = next(a for a in controller.tray.purchase_menu.actions() if a.text() == "New purchase…")
    new.trigger()
    editor = controller.purchase_editor
    assert isinstance(editor, PurchaseEditor) and editor.isVisible()
    assert not editor.isModal()  # the order page can still be captured meanwhile
    new.trigger()
    assert controller.purchase_editor is editor  # one at a time
    editor.title_edit.setText("空气炸锅")
    editor.order_no_edit.setText("4102938475")
    with qtbot.waitSignal(editor.purchase_saved, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    active = lib.active_purchase()
    assert active is not None and active.title == "空气炸锅" and active.order_no == "4102938475"
    assert "空气炸锅" in controller.toast._title.text()
    qtbot.waitUntil(lambda: controller.purchase_editor is None, timeout=5000)


class FakeSettingsDialog(QObject):
    settings_saved = Signal(object)
    restart_requested = Signal()

    def __init__(self, settings, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.kwargs = kwargs

    def exec(self) -> int:
        self.restart_requested.emit()  # the user changed the language and chose "Restart now"
        return 1


def test_settings_get_the_open_library_and_restart_now_quits_to_start_again(
    qtbot, app_parts, monkeypatch
) -> None:
    controller, lib, *_ = app_parts
    dialogs: list[FakeSettingsDialog] = []

    def factory(settings, **kwargs):  # type: ignore[no-untyped-def]
        dialogs.append(FakeSettingsDialog(settings, **kwargs))
        return dialogs[-1]

    quits: list[bool] = []
    monkeypatch.setattr(controller, "quit", lambda: quits.append(True))
    controller._settings_dialog_factory = factory
    controller.tray.action_settings.trigger()
    assert dialogs[0].kwargs["library"] is lib
    assert controller.restart_wanted and quits == [True]


def test_the_empty_library_window_names_the_real_shortcut(qtbot, app_parts) -> None:
    from gui.library_window import LibraryWindow

    controller, *_ = app_parts
    controller._library_window_factory = LibraryWindow
    controller.open_library()
    window = controller.library_window
    qtbot.waitUntil(lambda: "Ctrl+Alt+P" in window.empty_label.text(), timeout=10000)
    window.close()


def _threaded_controller(tmp_path: Path, grabber):  # type: ignore[no-untyped-def]
    lib = Library.open(tmp_path / "lib-threaded")
    tray = TrayMenu(lambda: [])
    controller = Controller(
        lib,
        AppSettings(),
        tray,
        CaptureWriter(lib),
        OcrWorker(lib, FakeEngine),
        grabber=grabber,
        grab_in_thread=True,
        tray_available=lambda: True,
    )
    controller.start()
    return controller, lib


def test_a_slow_grab_runs_off_the_gui_thread_and_the_overlay_opens_when_it_is_done(
    qtbot, tmp_path: Path
) -> None:
    """Wayland: the portal may take its time (a permission dialog); the app keeps working."""
    import threading

    release = threading.Event()
    grabbed_on: list[str] = []

    def slow_grabber(screens: object) -> list[ScreenGrab]:
        grabbed_on.append(threading.current_thread().name)
        assert release.wait(10)
        return [_grab()]

    controller, lib = _threaded_controller(tmp_path, slow_grabber)
    try:
        assert controller.capture_region() is True
        qtbot.waitUntil(lambda: grabbed_on != [])
        assert grabbed_on == ["screen-grab"]
        assert controller.grabbing and controller._session is None
        # The GUI thread is free meanwhile: a queued call runs, a second press is ignored.
        ran: list[bool] = []
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: ran.append(True))
        qtbot.waitUntil(lambda: ran == [True])
        assert controller.capture_region() is False
        with qtbot.waitSignal(controller.overlay_opened, timeout=5000):
            release.set()
        assert controller._session is not None and not controller.grabbing
        with qtbot.waitSignal(controller.capture_saved, timeout=10000) as saved:
            controller._session.region_selected.emit(controller._session._grabs[0], Rect(0, 0, 40, 30))
        assert (saved.args[0].width, saved.args[0].height) == (40, 30)
    finally:
        release.set()
        controller.shutdown()
        lib.close()


@pytest.mark.parametrize(
    ("code", "words"),
    [("refused", "did not allow"), ("no_answer", "did not answer"), ("no_portal", "Install grim")],
)
def test_a_refused_or_unanswered_portal_is_explained_and_nothing_is_kept(
    qtbot, tmp_path: Path, code: str, words: str
) -> None:
    from capture.grabbers import GrabFailed

    def failing(screens: object) -> list[ScreenGrab]:
        raise GrabFailed(code, "english detail")

    controller, lib = _threaded_controller(tmp_path, failing)
    try:
        assert controller.capture_region() is True
        qtbot.waitUntil(lambda: controller.toast.isVisible() and not controller.grabbing, timeout=5000)
        assert controller.toast._title.text() == "The screen could not be captured"
        assert words in controller.toast._body.text()
        assert controller._session is None and lib.list_captures() == []
        # The same through the command line's forwarded request: an error reply, no capture.
        replies: list[dict[str, object]] = []
        controller.capture_rect(Rect(0, 0, 10, 10), token=replies.append)
        qtbot.waitUntil(lambda: replies != [], timeout=5000)
        assert words in str(replies[0]) and lib.list_captures() == []
    finally:
        controller.shutdown()
        lib.close()


def test_on_wayland_without_a_shortcut_portal_settings_show_how_to_bind_one(qtbot, tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib-wl")

    def no_hotkey(keys, cb):  # type: ignore[no-untyped-def]
        raise HotkeyUnavailable("no portal", code="no_portal", needs_desktop_shortcut=True)

    controller = Controller(
        lib,
        AppSettings(),
        TrayMenu(lambda: []),
        CaptureWriter(lib),
        OcrWorker(lib, FakeEngine),
        hotkey_starter=no_hotkey,
        grabber=lambda screens: [_grab()],
        tray_available=lambda: True,
    )
    dialogs: list[FakeSettingsDialog] = []

    def factory(settings, **kwargs):  # type: ignore[no-untyped-def]
        dialogs.append(FakeSettingsDialog(settings, **kwargs))
        return dialogs[-1]

    controller._settings_dialog_factory = factory
    controller.start()
    try:
        assert "Settings show how" in controller.toast._body.text()
        controller.open_settings()
        info = dialogs[0].kwargs["backends"]
        assert info.needs_desktop_shortcut and info.hotkey == "" and info.hotkey_problem == "no portal"
        assert info.session == controller.grabbers.session
    finally:
        controller.shutdown()
        lib.close()


def test_copy_puts_the_original_bytes_and_the_image_on_the_clipboard_and_can_be_automatic(
    qtbot, app_parts
) -> None:
    controller, lib, engine, hotkey, grabs = app_parts
    QGuiApplication.clipboard().clear()
    controller.capture_rect(Rect(0, 0, 60, 40))
    rec = _saved(qtbot, controller)
    assert "copied" not in controller.toast._body.text()
    copy = [b for b in controller.toast.buttons() if b.text() == "Copy"][0]
    copy.click()
    mime = QGuiApplication.clipboard().mimeData()
    assert bytes(mime.data("image/png").data()) == lib.read_capture_bytes(rec.id)
    assert QGuiApplication.clipboard().image().size().toTuple() == (60, 40)
    assert controller.toast._title.text() == "Copied to the clipboard"
    # With the setting on, every new capture is copied at once and the confirmation says so.
    from dataclasses import replace

    QGuiApplication.clipboard().clear()
    controller.settings = replace(controller.settings, copy_after_capture=True)
    controller.capture_rect(Rect(0, 0, 50, 30))
    second = _saved(qtbot, controller)
    assert bytes(QGuiApplication.clipboard().mimeData().data("image/png").data()) == lib.read_capture_bytes(
        second.id
    )
    assert "copied to the clipboard" in controller.toast._body.text()


def test_when_ocr_goes_idle_the_source_lines_read_by_imports_are_let_go(qtbot, app_parts) -> None:
    """PySide6's import hook reads every imported module's source into linecache (MBs); the
    app empties it when no thread can be importing: OCR idle and no capture in flight."""
    import linecache

    controller = app_parts[0]
    linecache.getlines(__file__)
    controller.writer.gate.enter()  # a capture is being kept: not now
    try:
        controller.ocr.queue_emptied.emit()
        assert __file__ in linecache.cache
    finally:
        controller.writer.gate.leave()
    controller.ocr.queue_emptied.emit()
    assert __file__ not in linecache.cache


def test_with_the_storage_helper_captures_are_kept_and_the_library_window_opens_off_the_gui_thread(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    """The app's own arrangement (ADR 012): the tray's library is a RemoteLibrary; captures,
    OCR and the confirmation's actions go through the storage helper, and the library window
    gets the library opened in this process, loaded on a thread while the tray stays live."""
    from storage.remote import RemoteLibrary

    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "config"))
    lib = RemoteLibrary.open(tmp_path / "lib", scan=True)
    engine = FakeEngine()
    window = FakeLibraryWindow()
    given: list[object] = []

    def factory(library: object) -> FakeLibraryWindow:
        given.append(library)
        return window

    tray = TrayMenu(lambda: [])
    writer = CaptureWriter(lib)
    controller = Controller(
        lib,
        AppSettings(),
        tray,
        writer,
        OcrWorker(lib, lambda: engine, gate=writer.gate),
        grabber=lambda screens: [_grab()],
        tray_available=lambda: True,
        library_window_factory=factory,
    )
    controller.start()
    try:
        with qtbot.waitSignal(controller.capture_saved, timeout=20000) as saved:
            controller.capture_rect(Rect(5, 6, 70, 40))
        rec = saved.args[0]
        assert lib.helper_pid is not None and not lib.local_ready()
        qtbot.waitUntil(lambda: lib.get_capture(rec.id).ocr_status == "done", timeout=20000)
        controller.open_library()
        assert controller.library_window is None  # not yet: it is being opened on a thread
        controller.open_library()  # a second click while it opens starts nothing more
        qtbot.waitUntil(lambda: controller.library_window is window, timeout=30000)
        qtbot.waitExposed(window)
        assert len(given) == 1 and given[0] is lib and lib.local_ready()
        assert lib.get_capture(rec.id).id == rec.id  # now answered in this process
    finally:
        controller.shutdown()
        window.close()
        lib.close()
