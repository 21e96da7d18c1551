"""Long capture in the GUI (offscreen Qt): the session that watches a region while it is
scrolled, its window beside the region, and the controller's wiring (tray, overlay key S,
requests from other processes), fed synthetic chat frames through a fake grabber."""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtTest import QTest

from capture.region import Rect
from capture.screen import ScreenGrab
from capture.stitch import Recipe, render
from gui.controller import Controller
from gui.long_capture import WINDOW_TITLE, LongCaptureResult, LongCaptureSession, place_beside
from gui.tray import TrayMenu
from gui.workers import CaptureWriter, OcrWorker
from storage.library import Library
from storage.settings import AppSettings

from .test_stitch import Chat, W, make_chat

SCREEN = (800, 800)  # the offscreen platform's screen: logical and physical pixels agree
AT = (30, 40)  # where the chat's frame sits on the fake screen


class ScrollingScreen:
    """A fake screen showing `chat` at `scroll`; grabs it as the controller's grabber would."""

    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.scroll = 0

    @property
    def region(self) -> Rect:
        return Rect(AT[0], AT[1], W, self.chat.frame_height)

    def frame(self) -> Image.Image:
        return Image.frombytes("RGB", (W, self.chat.frame_height), self.chat.frame(self.scroll))

    def grab(self) -> ScreenGrab:
        screen = Image.new("RGB", SCREEN, (90, 90, 90))
        screen.paste(self.frame(), AT)
        return ScreenGrab(0, Rect(0, 0, *SCREEN), screen.tobytes(), time.time())

    def grabber(self, screens: object) -> list[ScreenGrab]:
        return [self.grab()]


def _expected(chat: Chat, lo: int, hi: int) -> bytes:
    return chat.expected(lo, hi)


def _rendered(result: LongCaptureResult) -> bytes:
    frames = {hashlib.sha256(png).hexdigest(): Image.open(io.BytesIO(png)) for png in result.frames}
    return render(result.recipe, frames).tobytes()


def _scroll_to(qtbot: Any, screen: ScrollingScreen, session: LongCaptureSession, scroll: int) -> None:
    """Scroll, and wait until the session has stitched the new frame."""
    kept = session.kept
    screen.scroll = scroll
    qtbot.waitUntil(lambda: session.kept > kept, timeout=10000)


@pytest.fixture
def chat() -> Chat:
    return make_chat(3, messages=30, region=120)


# ---------------------------------------------------------------------------- placement


def test_the_window_goes_beside_the_region_never_over_it() -> None:
    size = QSize(220, 400)
    screen = QRect(0, 0, 1280, 800)
    # Room on the right.
    p = place_beside(QRect(100, 100, 500, 600), size, [screen])
    assert p is not None and not QRect(p, size).intersects(QRect(100, 100, 500, 600))
    assert p.x() > 600 and screen.contains(QRect(p, size))
    # The chat at the right edge: on its left.
    p = place_beside(QRect(900, 50, 380, 700), size, [screen])
    assert p is not None and QRect(p, size).right() < 900
    # The region fills the screen: another screen.
    second = QRect(1280, 0, 1024, 768)
    p = place_beside(QRect(0, 0, 1280, 800), size, [screen, second])
    assert p is not None and second.contains(QRect(p, size))
    # No room anywhere: no place (the window is never put over the region).
    assert place_beside(QRect(0, 0, 1280, 800), size, [screen]) is None


# ---------------------------------------------------------------------------- the session alone


def _session(screen: ScrollingScreen) -> LongCaptureSession:
    r = screen.region
    return LongCaptureSession(r, QRect(r.x, r.y, r.width, r.height), screen.frame, interval_ms=30)


def test_scrolling_down_then_done_gives_the_whole_chat_and_its_frames(qtbot, chat: Chat) -> None:  # type: ignore[no-untyped-def]
    screen = ScrollingScreen(chat)
    session = _session(screen)
    assert session.start()
    window = session.window
    assert window.isVisible() and window.windowTitle() == WINDOW_TITLE
    # Outside the region, always.
    assert not window.frameGeometry().intersects(session.logical)
    qtbot.waitUntil(lambda: session.kept == 1, timeout=10000)
    scrolls = list(range(0, chat.max_scroll, 70)) + [chat.max_scroll]
    for y in scrolls[1:]:
        _scroll_to(qtbot, screen, session, y)
    assert window.count.text() == f"{len(scrolls)} frame(s)"
    qtbot.waitUntil(lambda: session.grabs > session.offered, timeout=10000)  # identical grabs dropped
    with qtbot.waitSignal(session.finished, timeout=10000) as done:
        window.done_button.click()
    result: LongCaptureResult = done.args[0]
    assert not session.active
    assert _rendered(result) == _expected(chat, 0, chat.max_scroll)
    assert Recipe.from_json(result.recipe_json) == result.recipe
    assert [hashlib.sha256(png).hexdigest() for png in result.frames] == [
        f.sha256 for f in result.recipe.frames
    ]


def test_scrolling_back_up_gives_the_same_image(qtbot, chat: Chat) -> None:  # type: ignore[no-untyped-def]
    screen = ScrollingScreen(chat)
    screen.scroll = 200
    session = _session(screen)
    assert session.start()
    qtbot.waitUntil(lambda: session.kept == 1, timeout=10000)
    for y in (270, 340, 260, 180, 110, 40, 0):
        _scroll_to(qtbot, screen, session, y)
    with qtbot.waitSignal(session.finished, timeout=10000) as done:
        QTest.keyClick(session.window, Qt.Key.Key_Return)
    assert _rendered(done.args[0]) == _expected(chat, 0, 340)


def test_too_fast_a_scroll_is_said_at_once_and_scrolling_back_continues(qtbot, chat: Chat) -> None:  # type: ignore[no-untyped-def]
    screen = ScrollingScreen(chat)
    session = _session(screen)
    assert session.start()
    qtbot.waitUntil(lambda: session.kept == 1, timeout=10000)
    screen.scroll = 300  # far beyond the 120 rows shown: no overlap
    qtbot.waitUntil(lambda: session.last_kind == "gap", timeout=10000)
    assert session.window.message.text() == "Scrolled too fast — scroll back a little"
    assert session.status()["message"] == "Scrolled too fast — scroll back a little"
    assert session.status()["gaps"] >= 1
    _scroll_to(qtbot, screen, session, 60)
    assert session.window.message.text() != "Scrolled too fast — scroll back a little"
    with qtbot.waitSignal(session.cancelled, timeout=5000):
        QTest.keyClick(session.window, Qt.Key.Key_Escape)
    assert not session.active


def test_a_run_of_identical_bubbles_it_cannot_place_is_said(qtbot) -> None:  # type: ignore[no-untyped-def]
    chat = make_chat(3, messages=30, region=120, repeats=(10,))
    screen = ScrollingScreen(chat)
    session = _session(screen)
    assert session.start()
    qtbot.waitUntil(lambda: session.kept == 1, timeout=10000)
    for y in range(40, chat.max_scroll, 40):
        offered = session.offered
        screen.scroll = y
        qtbot.waitUntil(lambda: session.offered > offered, timeout=10000)  # noqa: B023
        if session.last_kind == "ambiguous":
            break
    assert session.window.message.text() == "Too many identical lines to tell apart — scroll a little less"
    session.cancel()


# ---------------------------------------------------------------------------- with the controller


@pytest.fixture
def parts(
    qtbot, tmp_path: Path, monkeypatch, chat: Chat
) -> Iterator[tuple[Controller, Library, ScrollingScreen]]:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "config"))
    lib = Library.open(tmp_path / "lib")
    screen = ScrollingScreen(chat)
    tray = TrayMenu(lambda: [])
    writer = CaptureWriter(lib)
    ocr = OcrWorker(lib, lambda: pytest.fail("no OCR in these tests"))
    ocr.enqueue = lambda ids: None  # type: ignore[method-assign]
    controller = Controller(
        lib, AppSettings(), tray, writer, ocr, grabber=screen.grabber, tray_available=lambda: True
    )
    controller.start()
    yield controller, lib, screen
    controller.shutdown()
    lib.close()


def _long(controller: Controller) -> LongCaptureSession:
    session = controller.long_capture
    assert session is not None
    return session


def _requests(controller: Controller, request: dict[str, Any]) -> list[dict[str, Any]]:
    replies: list[dict[str, Any]] = []
    controller.handle_request(request, replies.append)
    return replies


def test_tray_long_capture_then_done_files_one_long_capture(qtbot, parts, chat: Chat) -> None:  # type: ignore[no-untyped-def]
    controller, lib, screen = parts
    assert controller.tray.action_long.text() == "Long capture"
    with qtbot.waitSignal(controller.overlay_opened, timeout=5000):
        controller.tray.action_long.trigger()
    session = controller._session
    assert session is not None and session.long_capture
    r = screen.region
    overlay = session._overlays[0]
    session._on_region_chosen(overlay, overlay._logical(r))  # a drag over the chat, as released
    assert controller._session is None
    long = _long(controller)
    assert not long.window.frameGeometry().intersects(long.logical)
    qtbot.waitUntil(lambda: long.kept == 1, timeout=10000)
    for y in (60, 120, 180):
        _scroll_to(qtbot, screen, long, y)
    status = _requests(controller, {"cmd": "status"})[0]["long_capture"]
    assert status["frames"] == 4 and status["active"] and status["region"] == list(r.as_tuple())
    with qtbot.waitSignal(controller.capture_saved, timeout=20000) as saved:
        long.window.done_button.click()
    rec = saved.args[0]
    assert rec.source == "long" and (rec.width, rec.height) == (W, chat.frame_height + 180)
    assert controller.long_capture is None
    image = Image.open(io.BytesIO(lib.read_capture_bytes(rec.id)))
    assert image.convert("RGB").tobytes() == chat.expected(0, 180)
    assert len(lib.long_capture_frames(rec.id)) == 4
    assert "Saved to" in controller.toast._title.text()
    assert _requests(controller, {"cmd": "status"})[0]["long_capture"] is None


def test_key_s_on_a_selection_starts_a_long_capture_and_esc_files_nothing(qtbot, parts) -> None:  # type: ignore[no-untyped-def]
    controller, lib, screen = parts
    with qtbot.waitSignal(controller.overlay_opened, timeout=5000):
        controller.capture_region(preselect=screen.region)
    overlay = controller._session.overlays[0]
    qtbot.waitExposed(overlay)
    QTest.keyClick(overlay, Qt.Key.Key_S)
    long = _long(controller)
    qtbot.waitUntil(lambda: long.kept == 1, timeout=10000)
    _scroll_to(qtbot, screen, long, 50)
    with qtbot.waitSignal(long.cancelled, timeout=5000):
        QTest.keyClick(long.window, Qt.Key.Key_Escape)
    assert controller.long_capture is None
    assert lib.list_captures() == []


def test_requests_start_finish_and_cancel_a_long_capture(qtbot, parts, chat: Chat) -> None:  # type: ignore[no-untyped-def]
    controller, lib, screen = parts
    assert _requests(controller, {"cmd": "capture", "done": True}) == [
        {"ok": False, "error": "no long capture is running"}
    ]
    r = screen.region
    started = _requests(controller, {"cmd": "capture", "long": True, "region": list(r.as_tuple())})
    assert started == [{"ok": True, "started": True, "region": list(r.as_tuple())}]
    long = _long(controller)
    # A second one, or an ordinary capture meanwhile, is refused.
    again = _requests(controller, {"cmd": "capture", "long": True, "region": list(r.as_tuple())})
    assert again[0]["ok"] is False
    qtbot.waitUntil(lambda: long.kept == 1, timeout=10000)
    _scroll_to(qtbot, screen, long, 80)
    replies: list[dict[str, Any]] = []
    with qtbot.waitSignal(controller.capture_saved, timeout=20000):
        controller.handle_request({"cmd": "capture", "done": True}, replies.append)
    assert replies[0]["ok"] and replies[0]["capture"]["source"] == "long"
    assert replies[0]["capture"]["height"] == chat.frame_height + 80
    # Cancel: nothing filed.
    _requests(controller, {"cmd": "capture", "long": True, "region": list(r.as_tuple())})
    long = _long(controller)
    qtbot.waitUntil(lambda: long.kept == 1, timeout=10000)
    assert _requests(controller, {"cmd": "capture", "cancel": True}) == [{"ok": True, "cancelled": True}]
    assert controller.long_capture is None
    assert len(lib.list_captures()) == 1


def test_no_long_capture_starts_while_the_overlay_is_open(qtbot, parts) -> None:  # type: ignore[no-untyped-def]
    controller, lib, screen = parts
    with qtbot.waitSignal(controller.overlay_opened, timeout=5000):
        controller.capture_region()
    replies = _requests(
        controller, {"cmd": "capture", "long": True, "region": list(screen.region.as_tuple())}
    )
    assert replies[0]["ok"] is False and controller.long_capture is None
    assert _requests(controller, {"cmd": "capture", "long": True}) == [{"ok": True, "opened": False}]


def test_a_region_with_no_room_beside_it_is_explained(qtbot, parts) -> None:  # type: ignore[no-untyped-def]
    controller, lib, screen = parts
    from PySide6.QtGui import QGuiApplication

    whole = QGuiApplication.primaryScreen().geometry()
    assert (whole.width(), whole.height()) == SCREEN
    replies = _requests(controller, {"cmd": "capture", "long": True, "region": [0, 0, *SCREEN]})
    assert replies[0]["ok"] is False and "no room beside the region" in replies[0]["error"]
    assert controller.long_capture is None
