"""The controller, tray menu and workers with a real library and fake screens/OCR (offscreen Qt)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication, QImage

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
        grabber=lambda: grabs["value"],
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
    assert [b.text() for b in controller.toast.buttons()] == ["Undo", "Change purchase…", "Add note…"]
    qtbot.waitUntil(lambda: lib.get_capture(rec.id).ocr_status == "done", timeout=10000)
    assert [h.capture_id for h in lib.search("七天")] == [rec.id]
    controller.toast.buttons()[0].click()  # Undo
    assert lib.get_capture(rec.id).in_trash
    assert [e.kind for e in lib.events(capture_id=rec.id)][-1] == "deleted"


def test_capture_again_takes_the_same_region(qtbot, app_parts) -> None:
    controller, lib, *_ = app_parts
    with qtbot.waitSignal(controller.capture_saved, timeout=10000):
        controller.capture_rect(Rect(5, 6, 70, 40))
    assert controller.tray.action_again.isEnabled()
    with qtbot.waitSignal(controller.capture_saved, timeout=10000) as saved:
        controller.capture_again()
    assert (saved.args[0].width, saved.args[0].height) == (70, 40)
    assert lib.read_capture_bytes(saved.args[0].id) == lib.read_capture_bytes(lib.list_captures()[1].id)


def test_fullscreen_and_a_protected_black_window_is_kept_with_a_warning(qtbot, app_parts) -> None:
    controller, lib, _e, _h, grabs = app_parts
    grabs["value"] = [_grab(200, 100, uniform=True)]
    with qtbot.waitSignal(controller.capture_saved, timeout=10000) as saved:
        controller.capture_fullscreen()
    rec = saved.args[0]
    assert (rec.width, rec.height, rec.source) == (200, 100, "fullscreen")
    assert "uniform" in rec.flags
    assert "one colour" in controller.toast._body.text()


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
