"""The capture overlay: selection maths, keys, signals and HiDPI / multi-screen mapping.

The frozen screens are synthetic: every pixel encodes its own (x, y), so a crop can be checked
exactly. Scenarios needing simulated screens (device pixel ratio 2, mixed layouts) run this file
as a script in a subprocess with QT_QPA_PLATFORM=offscreen:configfile=tests/data/offscreen-*.json,
because the platform is fixed when the one QApplication of the pytest process is created.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops

if __name__ == "__main__":  # the subprocess driver imports the project from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from capture.region import Rect
from capture.screen import ScreenGrab

DATA = Path(__file__).resolve().parent / "data"


# --- synthetic screens ------------------------------------------------------------------------


def pattern(width: int, height: int, x0: int = 0, y0: int = 0) -> Image.Image:
    """An RGB image whose pixel at (x, y) encodes (x0 + x, y0 + y): R = x mod 256,
    G = y mod 256, B = 16 * (x // 256) + y // 256 (unique below 4096 x 4096)."""
    nearest = Image.Resampling.NEAREST
    xs = [x0 + i for i in range(width)]
    ys = [y0 + j for j in range(height)]
    red = Image.frombytes("L", (width, 1), bytes(x & 255 for x in xs)).resize((width, height), nearest)
    green = Image.frombytes("L", (1, height), bytes(y & 255 for y in ys)).resize((width, height), nearest)
    x_high = Image.frombytes("L", (width, 1), bytes((x >> 8) << 4 for x in xs)).resize(
        (width, height), nearest
    )
    y_high = Image.frombytes("L", (1, height), bytes(y >> 8 for y in ys)).resize((width, height), nearest)
    return Image.merge("RGB", (red, green, ImageChops.add(x_high, y_high)))


def pattern_rgb(x: int, y: int) -> tuple[int, int, int]:
    return x & 255, y & 255, ((x >> 8) << 4) + (y >> 8)


def make_grab(index: int, geometry: Rect) -> ScreenGrab:
    rgb = pattern(geometry.width, geometry.height).tobytes()
    return ScreenGrab(index, geometry, rgb, time.time())


def crop_is_exact(grab: ScreenGrab, rect: Rect) -> bool:
    """grab.crop(rect) holds exactly the pattern pixels under `rect`."""
    crop = grab.crop(rect)
    expected = pattern(rect.width, rect.height, rect.x, rect.y)
    return crop.size == (rect.width, rect.height) and crop.tobytes() == expected.tobytes()


# --- in-process tests (the default offscreen screen, device pixel ratio 1) ---------------------

if __name__ != "__main__":
    import pytest
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QColor, QGuiApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QWidget

    from gui.overlay import WINDOW_TITLE, CaptureSession, _pair_grabs_with_screens

    class Recorder:
        """Every signal the session emits, with the overlays' visibility at that moment."""

        def __init__(self, session: CaptureSession) -> None:
            self.session = session
            self.selected: list[tuple[ScreenGrab, Rect, list[bool]]] = []
            self.cancelled = 0
            self.shown: list[float] = []
            session.region_selected.connect(self._on_region_selected)
            session.cancelled.connect(self._on_cancelled)
            session.overlay_shown.connect(self.shown.append)

        def _on_region_selected(self, grab: ScreenGrab, rect: Rect) -> None:
            self.selected.append((grab, rect, [o.isVisible() for o in self.session.overlays]))

        def _on_cancelled(self) -> None:
            self.cancelled += 1

        @property
        def rect(self) -> Rect:
            assert len(self.selected) == 1, self.selected
            return self.selected[0][1]

    @pytest.fixture
    def grab(qapp: Any) -> ScreenGrab:
        screen = QGuiApplication.primaryScreen()
        assert screen.devicePixelRatio() == 1.0
        g = screen.geometry()
        return make_grab(0, Rect(g.x(), g.y(), g.width(), g.height()))

    @pytest.fixture
    def session(qtbot: Any, grab: ScreenGrab) -> Iterator[tuple[CaptureSession, Recorder, QWidget]]:
        s = CaptureSession([grab])
        recorder = Recorder(s)
        s.start()
        overlay = s.overlays[0]
        qtbot.waitExposed(overlay)
        yield s, recorder, overlay
        s.close()

    def drag(widget: QWidget, start: tuple[int, int], end: tuple[int, int], release: bool = True) -> None:
        QTest.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(*start))
        mid = ((start[0] + end[0]) // 2, (start[1] + end[1]) // 2)
        QTest.mouseMove(widget, QPoint(*mid))
        QTest.mouseMove(widget, QPoint(*end))
        if release:
            QTest.mouseRelease(
                widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(*end)
            )

    def key(widget: QWidget, k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        QTest.keyClick(widget, k, mods)

    def test_overlay_window_covers_the_screen_on_top_and_has_the_focus(
        session: Any, grab: ScreenGrab
    ) -> None:
        s, recorder, overlay = session
        assert overlay.windowTitle() == WINDOW_TITLE == "Proofshot capture"
        flags = overlay.windowFlags()
        assert flags & Qt.WindowType.FramelessWindowHint
        assert flags & Qt.WindowType.WindowStaysOnTopHint
        assert overlay.isVisible()
        assert overlay.geometry() == QGuiApplication.primaryScreen().geometry()
        assert overlay.isActiveWindow() and overlay.hasFocus()
        assert recorder.selected == [] and recorder.cancelled == 0

    def test_first_paint_is_reported_once_with_a_timestamp(qtbot: Any, grab: ScreenGrab) -> None:
        s = CaptureSession([grab])
        before = time.time()
        with qtbot.waitSignal(s.overlay_shown, timeout=5000) as blocker:
            s.start()
        assert before <= blocker.args[0] <= time.time()
        recorder = Recorder(s)
        s.overlays[0].repaint()
        assert recorder.shown == []  # only the first paint counts
        s.close()

    @pytest.mark.parametrize(
        ("start", "end"),
        [((10, 20), (110, 70)), ((110, 70), (10, 20)), ((110, 20), (10, 70)), ((10, 70), (110, 20))],
        ids=["down-right", "up-left", "down-left", "up-right"],
    )
    def test_drag_in_any_direction_selects_exactly_the_dragged_pixels(
        session: Any, start: tuple[int, int], end: tuple[int, int]
    ) -> None:
        s, recorder, overlay = session
        drag(overlay, start, end)
        grab, rect, visible = recorder.selected[0]
        assert rect == Rect(10, 20, 100, 50)  # no off-by-one from QRect(p1, p2)
        assert crop_is_exact(grab, rect)
        assert visible == [False]
        assert len(recorder.selected) == 1 and recorder.cancelled == 0

    def test_overlays_are_closed_before_region_selected_is_emitted(session: Any) -> None:
        s, recorder, overlay = session
        drag(overlay, (300, 300), (420, 390))
        assert recorder.selected[0][2] == [False]
        assert not overlay.isVisible()

    def test_a_closed_overlay_lets_go_of_the_frozen_screen_at_once(session: Any) -> None:
        """The overlay and its session refer to each other: without letting go on close, their
        two full-screen pixmaps lived until Python's cyclic collector ran (ADR 012)."""
        s, recorder, overlay = session
        assert not overlay._pixmap.isNull() and not overlay._dimmed.isNull()
        drag(overlay, (300, 300), (420, 390))
        assert recorder.selected and overlay._pixmap.isNull() and overlay._dimmed.isNull()
        overlay.repaint()  # a paint after closing draws nothing and does not fail

    def test_a_tiny_drag_is_a_click_and_captures_nothing(session: Any) -> None:
        s, recorder, overlay = session
        QTest.mouseClick(overlay, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(50, 50))
        drag(overlay, (50, 50), (52, 80))  # 2 px wide
        drag(overlay, (50, 50), (90, 51))  # 1 px high
        assert recorder.selected == [] and recorder.cancelled == 0
        assert overlay.isVisible()
        drag(overlay, (50, 50), (53, 53))  # 3 x 3 is a selection
        assert recorder.rect == Rect(50, 50, 3, 3)

    def test_enter_without_a_selection_takes_the_whole_screen(session: Any, grab: ScreenGrab) -> None:
        s, recorder, overlay = session
        key(overlay, Qt.Key.Key_Return)
        key(overlay, Qt.Key.Key_Return)
        assert recorder.rect == Rect(0, 0, *grab.size)
        assert recorder.selected[0][0] is grab

    def test_double_click_takes_the_whole_screen(session: Any, grab: ScreenGrab) -> None:
        s, recorder, overlay = session
        QTest.mouseDClick(overlay, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(40, 40))
        assert recorder.rect == Rect(0, 0, *grab.size)

    @pytest.mark.parametrize("how", ["escape", "right-click", "window-closed"])
    def test_cancel_closes_the_overlay_and_is_emitted_once(session: Any, how: str) -> None:
        s, recorder, overlay = session
        if how == "escape":
            key(overlay, Qt.Key.Key_Escape)
        elif how == "right-click":
            QTest.mouseClick(
                overlay, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, QPoint(9, 9)
            )
        else:
            overlay.close()
        assert not overlay.isVisible()
        s.close()
        s.close()
        assert recorder.cancelled == 1 and recorder.selected == []

    def test_nothing_is_emitted_after_the_session_ended(session: Any) -> None:
        s, recorder, overlay = session
        key(overlay, Qt.Key.Key_Escape)
        key(overlay, Qt.Key.Key_Return)
        key(overlay, Qt.Key.Key_Escape)
        assert recorder.cancelled == 1 and recorder.selected == []

    def test_close_ends_the_session_silently(session: Any) -> None:
        s, recorder, overlay = session
        s.close()
        s.close()
        assert not overlay.isVisible()
        assert recorder.cancelled == 0 and recorder.selected == []

    def test_arrow_keys_during_a_drag_nudge_and_resize_the_selection(session: Any) -> None:
        s, recorder, overlay = session
        drag(overlay, (100, 100), (200, 150), release=False)
        key(overlay, Qt.Key.Key_Right)
        key(overlay, Qt.Key.Key_Right)
        key(overlay, Qt.Key.Key_Up)
        key(overlay, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
        key(
            overlay, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )
        assert recorder.selected == []
        QTest.mouseRelease(
            overlay, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(200, 150)
        )
        assert recorder.rect == Rect(102, 99, 110, 51)

    def test_without_capture_on_release_keys_adjust_and_enter_captures(session: Any) -> None:
        s, recorder, overlay = session
        s.capture_on_release = False
        drag(overlay, (100, 100), (200, 150))
        assert recorder.selected == []
        key(overlay, Qt.Key.Key_Left)
        key(overlay, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
        key(overlay, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
        key(overlay, Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
        key(overlay, Qt.Key.Key_Enter)
        assert recorder.rect == Rect(99, 110, 101, 40)

    def test_nudging_stops_at_the_screen_edge(session: Any, grab: ScreenGrab) -> None:
        s, recorder, overlay = session
        s.capture_on_release = False
        drag(overlay, (5, 5), (25, 25))
        for _ in range(3):
            key(overlay, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
        key(overlay, Qt.Key.Key_Return)
        assert recorder.rect == Rect(0, 5, 20, 20)

    def test_paint_shows_the_frozen_pixels_undimmed_only_inside_the_selection(session: Any) -> None:
        s, recorder, overlay = session
        drag(overlay, (100, 100), (300, 250), release=False)
        image = overlay.grab().toImage()
        assert image.size() == overlay.size()
        assert image.pixelColor(150, 120) == QColor(*pattern_rgb(150, 120))
        outside = image.pixelColor(600, 700)
        original = QColor(*pattern_rgb(600, 700))
        assert outside.value() < original.value()
        assert image.pixelColor(100, 180) != QColor(*pattern_rgb(100, 180))  # the border

    @pytest.mark.parametrize("corner", [(0, 0), (799, 799), (799, 0), (0, 799), (400, 3)])
    def test_magnifier_and_labels_paint_anywhere_on_the_screen(session: Any, corner: tuple[int, int]) -> None:
        s, recorder, overlay = session
        QTest.mouseMove(overlay, QPoint(*corner))
        assert not overlay.grab().toImage().isNull()
        drag(overlay, corner, (400, 400), release=False)
        assert not overlay.grab().toImage().isNull()

    def test_a_preselected_region_is_shown_and_enter_keeps_exactly_it(qtbot: Any, grab: ScreenGrab) -> None:
        s = CaptureSession([grab], preselect=Rect(40, 30, 200, 100))
        recorder = Recorder(s)
        s.start()
        overlay = s.overlays[0]
        qtbot.waitExposed(overlay)
        assert overlay.selection == Rect(40, 30, 200, 100)
        qtbot.waitUntil(overlay.isActiveWindow, timeout=5000)
        assert recorder.selected == []  # nothing is kept until the user says so
        key(overlay, Qt.Key.Key_Return)
        assert recorder.rect == Rect(40, 30, 200, 100) and crop_is_exact(grab, recorder.rect)

    def test_a_preselected_region_can_be_nudged_or_replaced_by_a_drag(qtbot: Any, grab: ScreenGrab) -> None:
        s = CaptureSession([grab], preselect=Rect(40, 30, 200, 100))
        recorder = Recorder(s)
        s.start()
        overlay = s.overlays[0]
        qtbot.waitExposed(overlay)
        key(overlay, Qt.Key.Key_Right)
        key(overlay, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
        assert overlay.selection == Rect(41, 30, 200, 101)
        drag(overlay, (300, 300), (350, 320))
        assert recorder.rect == Rect(300, 300, 50, 20)

    def test_a_preselected_region_off_every_screen_is_ignored(qtbot: Any, grab: ScreenGrab) -> None:
        s = CaptureSession([grab], preselect=Rect(90000, 90000, 20, 20))
        s.start()
        qtbot.waitExposed(s.overlays[0])
        assert s.overlays[0].selection is None
        s.close()

    def test_visible_strings_are_translatable() -> None:
        source = (Path(__file__).resolve().parent.parent / "gui" / "overlay.py").read_text("utf-8")
        assert 'self.tr("Drag to capture · Enter: whole screen · Esc: cancel")' in source
        assert 'self.tr("{width} × {height}")' in source

    class FakeScreen:
        def __init__(self, name: str, x: int, y: int) -> None:
            self._name, self._x, self._y = name, x, y

        def geometry(self) -> Any:
            from PySide6.QtCore import QRect

            return QRect(self._x, self._y, 100, 100)

        def name(self) -> str:
            return self._name

    def test_grabs_pair_with_screens_by_position_not_by_list_order() -> None:
        grabs = [
            make_grab(0, Rect(2560, 0, 8, 8)),
            make_grab(1, Rect(0, 0, 8, 8)),
            make_grab(2, Rect(0, 1600, 8, 8)),
        ]
        screens = [FakeScreen("right", 1280, 0), FakeScreen("below", 0, 800), FakeScreen("left", 0, 0)]
        pairs = _pair_grabs_with_screens(grabs, screens)  # type: ignore[arg-type]
        assert {g.index: s.name() for g, s in pairs} == {0: "right", 1: "left", 2: "below"}

    def test_grabs_pair_by_index_when_the_counts_differ(caplog: Any) -> None:
        grabs = [make_grab(0, Rect(1280, 0, 8, 8)), make_grab(1, Rect(0, 0, 8, 8))]
        pairs = _pair_grabs_with_screens(grabs, [FakeScreen("only", 0, 0)])  # type: ignore[arg-type]
        assert [(g.index, s.name()) for g, s in pairs] == [(0, "only")]
        assert "pairing them by index" in caplog.text

    # --- simulated screens, in a subprocess -----------------------------------------------------

    def run_driver(config: str) -> dict[str, Any]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
        env["QT_QPA_PLATFORM"] = f"offscreen:configfile={DATA / config}"
        proc = subprocess.run(
            [sys.executable, __file__, config],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    def test_on_a_2x_screen_a_logical_drag_captures_exactly_twice_the_pixels() -> None:
        result = run_driver("offscreen-hidpi.json")
        screen, drag_case, whole = result["screens"][0], result["drags"][0], result["whole_screens"][0]
        assert screen["dpr"] == 2.0 and screen["logical"] == [0, 0, 1280, 800]
        assert drag_case["overlay_geometry"] == [0, 0, 1280, 800]
        assert drag_case["overlay_dpr"] == 2.0
        assert drag_case["rect"] == [200, 200, 200, 100]  # logical (100, 100) -> (200, 150)
        assert drag_case["crop_exact"] and drag_case["painted_1to1"] and drag_case["closed_first"]
        assert whole["rect"] == [0, 0, 2560, 1600] and whole["crop_exact"]

    def test_capture_again_keeps_the_exact_region_on_every_ratio() -> None:
        result = run_driver("offscreen-mixed.json")
        assert len(result["again"]) == 3
        for case in result["again"]:
            assert case["desktop_rect"] == case["expected"]

    def test_on_a_mixed_layout_each_screen_uses_its_own_ratio() -> None:
        result = run_driver("offscreen-mixed.json")
        ratios = {s["name"]: s["dpr"] for s in result["screens"]}
        assert ratios == {"left-1x": 1.0, "middle-2x": 2.0, "right-1.5x": 1.5}
        cases = {c["screen"]: c for c in result["drags"]}
        # Grabs were handed over in reverse order; each must still land on its own screen.
        assert cases["left-1x"]["grab_index"] == 0
        assert cases["middle-2x"]["grab_index"] == 1
        assert cases["right-1.5x"]["grab_index"] == 2
        assert cases["left-1x"]["rect"] == [100, 100, 100, 50]
        assert cases["middle-2x"]["rect"] == [200, 200, 200, 100]
        assert cases["right-1.5x"]["rect"] == [150, 150, 150, 75]
        for case in cases.values():
            assert case["crop_exact"] and case["closed_first"] and case["overlay_geometry"] == case["logical"]
            assert case["others_cleared"]
        assert cases["left-1x"]["painted_1to1"] and cases["middle-2x"]["painted_1to1"]
        assert cases["right-1.5x"]["painted_1to1"]
        wholes = {c["screen"]: c["rect"] for c in result["whole_screens"]}
        assert wholes == {
            "left-1x": [0, 0, 1280, 800],
            "middle-2x": [0, 0, 2560, 1600],
            "right-1.5x": [0, 0, 1920, 1200],
        }


# --- the subprocess driver --------------------------------------------------------------------


def _drive(config: str) -> dict[str, Any]:
    """Run drags on every simulated screen of `config` and report what came out."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QColor, QGuiApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from gui.overlay import CaptureSession

    app = QApplication([])
    screens = sorted(QGuiApplication.screens(), key=lambda s: s.geometry().x())
    # What a physical grab of each screen looks like (mss reports native pixels).
    grabs = []
    native_x = 0
    for i, screen in enumerate(screens):
        g = screen.geometry()
        ratio = screen.devicePixelRatio()
        width, height = round(g.width() * ratio), round(g.height() * ratio)
        grabs.append(make_grab(i, Rect(native_x, 0, width, height)))
        native_x += width
    report: dict[str, Any] = {
        "screens": [
            {
                "name": s.name(),
                "dpr": s.devicePixelRatio(),
                "logical": [s.geometry().x(), s.geometry().y(), s.geometry().width(), s.geometry().height()],
            }
            for s in screens
        ],
        "drags": [],
        "whole_screens": [],
    }

    def run(screen_index: int, whole_screen: bool) -> dict[str, Any]:
        session = CaptureSession(list(reversed(grabs)))
        session.start()
        overlays = session.overlays
        target = next(o for o in overlays if o.screen_ is screens[screen_index])
        for overlay in overlays:
            QTest.qWaitForWindowExposed(overlay)
        result: dict[str, Any] = {"screen": screens[screen_index].name()}
        emitted: list[tuple[ScreenGrab, Rect, bool]] = []
        session.region_selected.connect(
            lambda g, r: emitted.append((g, r, not any(o.isVisible() for o in overlays)))
        )
        if whole_screen:
            QTest.mouseMove(target, QPoint(300, 300))
            # Sent to another overlay: Enter means the screen the pointer is on.
            QTest.keyClick(next((o for o in overlays if o is not target), target), Qt.Key.Key_Return)
        else:
            other = next((o for o in overlays if o is not target), None)
            if other is not None:  # a selection elsewhere must go when a drag starts here
                QTest.mousePress(
                    other, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(10, 10)
                )
                QTest.mouseMove(other, QPoint(60, 60))
            QTest.mousePress(
                target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(100, 100)
            )
            QTest.mouseMove(target, QPoint(150, 125))
            QTest.mouseMove(target, QPoint(200, 150))
            result["others_cleared"] = all(o.selection is None for o in overlays if o is not target)
            image = target.grab().toImage()
            ratio = target.devicePixelRatioF()
            px, py = round(110 * ratio), round(105 * ratio)  # inside, off the border
            result["painted_1to1"] = image.width() == target.grab_.size[0] and image.pixelColor(
                px, py
            ) == QColor(*pattern_rgb(px, py))
            QTest.mouseRelease(
                target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(200, 150)
            )
        assert len(emitted) == 1, emitted
        grab, rect, closed = emitted[0]
        g = screens[screen_index].geometry()
        result.update(
            grab_index=grab.index,
            rect=list(rect.as_tuple()),
            crop_exact=crop_is_exact(grab, rect),
            closed_first=closed,
            overlay_dpr=target.devicePixelRatioF(),
            overlay_geometry=[target.x(), target.y(), target.width(), target.height()],
            logical=[g.x(), g.y(), g.width(), g.height()],
        )
        app.processEvents()
        return result

    def again(grab_index: int) -> dict[str, Any]:
        """ "Capture again" with an odd-sized region: Enter gives back exactly those pixels."""
        g = grabs[grab_index].geometry
        region = Rect(g.x + 33, g.y + 17, 151, 77)
        session = CaptureSession(list(reversed(grabs)), preselect=region)
        emitted: list[tuple[ScreenGrab, Rect]] = []
        session.region_selected.connect(lambda grab, r: emitted.append((grab, r)))
        session.start()
        target = next(o for o in session.overlays if o.grab_ is grabs[grab_index])
        QTest.qWaitForWindowExposed(target)
        QTest.keyClick(target, Qt.Key.Key_Return)
        grab, rect = emitted[0]
        app.processEvents()
        return {
            "grab_index": grab.index,
            "desktop_rect": list(rect.translated(g.x, g.y).as_tuple()),
            "expected": list(region.as_tuple()),
        }

    for i in range(len(screens)):
        report["drags"].append(run(i, whole_screen=False))
        report["whole_screens"].append(run(i, whole_screen=True))
    report["again"] = [again(i) for i in range(len(grabs))]
    return report


if __name__ == "__main__":
    print(json.dumps(_drive(sys.argv[1])))
