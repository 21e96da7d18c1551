"""Window snapping (issue 12): the overlay highlights the top-most window under the pointer, a
click takes exactly that window's rectangle (clipped to the screen), a drag still selects
freely, and the keyboard works as before. The window lists are fake (capture.windows'
WindowInfo in desktop coordinates); capture.windows' own parsing is tested here too."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from capture.region import Rect
from capture.screen import ScreenGrab
from capture.windows import (
    OVERLAY_TITLE,
    WindowInfo,
    top_level_windows,
    window_at,
    window_for_region,
    windows_from_sway_tree,
)
from gui.overlay import CaptureSession

from .test_overlay import crop_is_exact, make_grab, pattern_rgb

CHAT = WindowInfo(Rect(100, 80, 400, 300), "微信 - 乐活健身", "WeChat", "wechat.WeChat", 42, 7)
ON_TOP = WindowInfo(Rect(350, 300, 300, 200), "Other window", "Firefox", "Navigator.Firefox", 43, 8)
# Sticks out past the screen's right and bottom edges.
EDGE = WindowInfo(Rect(-50, 600, 2000, 2000), "Off the edge", "xterm", "xterm.XTerm", None, 9)
WINDOWS = [ON_TOP, CHAT, EDGE]  # top-most first


@pytest.fixture
def grab(qapp: Any) -> ScreenGrab:
    screen = QGuiApplication.primaryScreen()
    g = screen.geometry()
    return make_grab(0, Rect(g.x(), g.y(), g.width(), g.height()))


class Recorder:
    def __init__(self, session: CaptureSession) -> None:
        self.selected: list[tuple[ScreenGrab, Rect, WindowInfo | None]] = []
        session.region_selected.connect(lambda g, r: self.selected.append((g, r, session.snapped_window)))


@pytest.fixture
def snapping(qtbot: Any, grab: ScreenGrab) -> Iterator[tuple[CaptureSession, Recorder, QWidget]]:
    s = CaptureSession([grab], windows=WINDOWS)
    recorder = Recorder(s)
    s.start()
    overlay = s.overlays[0]
    qtbot.waitExposed(overlay)
    yield s, recorder, overlay
    s.close()


def hover(widget: QWidget, x: int, y: int) -> None:
    """Move the pointer to (x, y) without a button. The event is sent to the overlay itself:
    QTest.mouseMove goes through the window system, which an earlier test's window that
    still grabs the mouse can keep from the overlay."""
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    local = QPointF(x, y)
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        local,
        widget.mapToGlobal(local),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def click(widget: QWidget, x: int, y: int) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(x, y))


def test_moving_the_pointer_highlights_the_top_most_window_under_it(snapping: Any) -> None:
    s, recorder, overlay = snapping
    hover(overlay, 200, 150)
    assert overlay.hovered is not None and overlay.hovered.window is CHAT
    hover(overlay, 400, 350)  # both windows here: the one on top wins
    assert overlay.hovered.window is ON_TOP
    image = overlay.grab().toImage()
    # Inside the highlight the frozen pixels show undimmed; outside they are dimmed.
    assert image.pixelColor(600, 480) == QColor(*pattern_rgb(600, 480))
    assert image.pixelColor(150, 120).value() < QColor(*pattern_rgb(150, 120)).value()
    assert image.pixelColor(351, 400) != QColor(*pattern_rgb(351, 400))  # the outline
    hover(overlay, 700, 100)  # no window here
    assert overlay.hovered is None
    assert recorder.selected == []  # hovering captures nothing


def test_a_click_takes_exactly_the_window_under_it(snapping: Any) -> None:
    s, recorder, overlay = snapping
    QTest.mouseMove(overlay, QPoint(200, 150))
    click(overlay, 200, 150)
    [(grab, rect, window)] = recorder.selected
    assert rect == CHAT.frame and window is CHAT
    assert crop_is_exact(grab, rect)
    assert not overlay.isVisible()


def test_a_click_where_windows_overlap_takes_the_top_one(snapping: Any) -> None:
    s, recorder, overlay = snapping
    click(overlay, 400, 350)
    [(_grab, rect, window)] = recorder.selected
    assert rect == ON_TOP.frame and window is ON_TOP


def test_a_window_past_the_screen_edge_is_clipped_to_the_screen(snapping: Any, grab: ScreenGrab) -> None:
    s, recorder, overlay = snapping
    click(overlay, 10, 700)
    [(_grab, rect, window)] = recorder.selected
    width, height = grab.size
    assert rect == Rect(0, 600, width, height - 600) and window is EDGE


def test_a_click_on_no_window_still_captures_nothing(snapping: Any) -> None:
    s, recorder, overlay = snapping
    click(overlay, 700, 100)
    assert recorder.selected == [] and overlay.isVisible()


def test_a_drag_still_selects_freely_even_over_windows(snapping: Any) -> None:
    s, recorder, overlay = snapping
    QTest.mousePress(overlay, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(200, 150))
    QTest.mouseMove(overlay, QPoint(250, 180))
    QTest.mouseMove(overlay, QPoint(300, 200))
    assert overlay.hovered is None  # no highlight while dragging
    QTest.mouseRelease(overlay, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(300, 200))
    [(_grab, rect, window)] = recorder.selected
    assert rect == Rect(200, 150, 100, 50) and window is None


def test_keyboard_is_unchanged_enter_takes_the_whole_screen(snapping: Any, grab: ScreenGrab) -> None:
    s, recorder, overlay = snapping
    QTest.mouseMove(overlay, QPoint(200, 150))
    QTest.keyClick(overlay, Qt.Key.Key_Return)
    [(_grab, rect, window)] = recorder.selected
    assert rect == Rect(0, 0, *grab.size) and window is None


def test_without_capture_on_release_a_snap_waits_and_a_nudge_makes_it_a_region(
    qtbot: Any, grab: ScreenGrab
) -> None:
    s = CaptureSession([grab], windows=WINDOWS)
    s.capture_on_release = False
    recorder = Recorder(s)
    s.start()
    overlay = s.overlays[0]
    qtbot.waitExposed(overlay)
    click(overlay, 200, 150)
    assert overlay.selection == CHAT.frame and recorder.selected == []
    QTest.keyClick(overlay, Qt.Key.Key_Right)
    QTest.keyClick(overlay, Qt.Key.Key_Return)
    [(_grab, rect, window)] = recorder.selected
    assert rect == Rect(101, 80, 400, 300) and window is None  # no longer that window's rectangle


def test_windows_are_mapped_through_the_grab_geometry_and_scale(qtbot: Any, qapp: Any) -> None:
    """A grab at scale 2 (Wayland: an output at scale 2) shown on a logical screen: a click
    takes the window's rectangle in the grab's own pixels, exactly."""
    screen = QGuiApplication.primaryScreen()
    g = screen.geometry()
    # The desktop coordinates of this screen are logical; the grab has twice the pixels.
    big = make_grab(0, Rect(0, 0, g.width() * 2, g.height() * 2))
    grab = ScreenGrab(
        0,
        Rect(1000, 500, g.width(), g.height()),
        big.rgb,
        big.grabbed_at,
        scale=2.0,
        pixel_size=big.size,
        backend="grim",
        name="HEADLESS-1",
    )
    window = WindowInfo(Rect(1100, 560, 201, 99), "Chat", "chat")
    s = CaptureSession([grab], windows=[window])
    recorder = Recorder(s)
    s.start()
    overlay = s.overlays[0]
    qtbot.waitExposed(overlay)
    click(overlay, 150, 100)
    [(_grab, rect, snapped)] = recorder.selected
    assert rect == Rect(200, 120, 402, 198) and snapped is window
    assert grab.to_desktop(rect) == window.frame


# ------------------------------------------------------------------------- capture.windows


def test_window_at_and_for_region() -> None:
    assert window_at(WINDOWS, 400, 350) is ON_TOP
    assert window_at(WINDOWS, 101, 81) is CHAT
    assert window_at(WINDOWS, 500, 100) is None  # right edge is exclusive
    assert window_for_region(WINDOWS, Rect(110, 90, 100, 60)) is CHAT
    assert window_for_region([], Rect(0, 0, 10, 10)) is None


def test_sway_tree_lists_visible_windows_top_most_first() -> None:
    def con(id_: int, name: str, rect: tuple[int, int, int, int], **extra: Any) -> dict[str, Any]:
        x, y, w, h = rect
        return {
            "id": id_,
            "name": name,
            "pid": 100 + id_,
            "visible": True,
            "rect": {"x": x, "y": y, "width": w, "height": h},
            "nodes": [],
            "floating_nodes": [],
            **extra,
        }

    tree = {
        "id": 1,
        "name": "root",
        "rect": {},
        "nodes": [
            {
                "id": 2,
                "name": "HEADLESS-1",
                "nodes": [
                    {
                        "id": 3,
                        "name": "1",
                        "nodes": [
                            con(
                                10,
                                "微信 - 乐活健身",
                                (0, 0, 640, 800),
                                app_id=None,
                                window_properties={"class": "WeChat", "instance": "wechat"},
                            ),
                            con(11, "terminal", (640, 0, 640, 800), app_id="foot"),
                            con(12, "hidden tab", (640, 0, 640, 800), app_id="foot", visible=False),
                        ],
                        "floating_nodes": [
                            con(13, "first float", (100, 100, 300, 200), app_id="a"),
                            con(14, "second float", (150, 150, 300, 200), app_id="b"),
                            con(15, OVERLAY_TITLE, (0, 0, 1280, 800), app_id="proofshot"),
                        ],
                    },
                ],
                "floating_nodes": [],
            },
        ],
        "floating_nodes": [],
    }
    windows = windows_from_sway_tree(tree)
    assert [w.title for w in windows] == ["second float", "first float", "微信 - 乐活健身", "terminal"]
    chat = windows[2]
    assert (chat.app, chat.wm_class, chat.pid, chat.frame) == (
        "WeChat",
        "wechat.WeChat",
        110,
        Rect(0, 0, 640, 800),
    )
    assert windows[3].app == "foot" and windows[3].wm_class == ""


def test_listing_never_raises(caplog: Any, monkeypatch: Any) -> None:
    import capture.windows as windows_mod

    assert top_level_windows({}) == []

    def broken(display: str) -> list[WindowInfo]:
        raise ConnectionRefusedError("no X server")

    monkeypatch.setattr(windows_mod, "x11_windows", broken)
    with caplog.at_level(logging.WARNING, logger="capture.windows"):
        assert top_level_windows({"DISPLAY": ":987654"}) == []
    assert "could not be listed" in caplog.text and "no X server" in caplog.text
