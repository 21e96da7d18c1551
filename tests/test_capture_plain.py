"""Plain-Python capture pieces: region maths, hotkey text, cropping and encoding."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from capture.hotkey import canonical, hotkey_problem, to_pynput
from capture.region import Rect, from_drag, nudge, parse_region, to_physical
from capture.screen import ScreenGrab, encode_png, is_mostly_uniform


@pytest.mark.parametrize(
    "drag",
    [(100, 100, 400, 300), (400, 300, 100, 100), (400, 100, 100, 300), (100, 300, 400, 100)],
)
def test_a_drag_in_any_direction_covers_the_distance_dragged(drag) -> None:
    assert from_drag(*drag) == Rect(100, 100, 300, 200)


def test_a_click_without_moving_selects_nothing() -> None:
    assert from_drag(50, 60, 50, 60).empty


def test_nudge_moves_and_resizes_within_bounds() -> None:
    bounds = Rect(0, 0, 100, 100)
    assert nudge(Rect(10, 10, 20, 20), 5, -3, bounds) == Rect(15, 7, 20, 20)
    assert nudge(Rect(90, 90, 10, 10), 5, 5, bounds) == Rect(90, 90, 10, 10)
    assert nudge(Rect(10, 10, 20, 20), 5, 1, bounds, resize=True) == Rect(10, 10, 25, 21)
    assert nudge(Rect(10, 10, 1, 1), -5, -5, bounds, resize=True) == Rect(10, 10, 1, 1)


@pytest.mark.parametrize(
    "sel, logical, physical, expected",
    [
        (Rect(10, 20, 100, 50), Rect(0, 0, 1280, 800), (1280, 800), Rect(10, 20, 100, 50)),
        (Rect(10, 20, 100, 50), Rect(0, 0, 1280, 800), (2560, 1600), Rect(20, 40, 200, 100)),
        (Rect(0, 0, 1280, 800), Rect(0, 0, 1280, 800), (1920, 1200), Rect(0, 0, 1920, 1200)),
        (Rect(1, 1, 3, 3), Rect(0, 0, 1280, 800), (1600, 1000), Rect(1, 1, 4, 4)),  # 1.25x rounds edges
    ],
)
def test_logical_selection_maps_to_physical_pixels(sel, logical, physical, expected) -> None:
    assert to_physical(sel, logical, physical) == expected


def test_parse_region_explains_mistakes() -> None:
    assert parse_region("1, 2, 30, 40") == Rect(1, 2, 30, 40)
    for bad in ("1,2,3", "a,b,c,d", "0,0,0,10", "0,0,-5,10"):
        with pytest.raises(ValueError, match="region"):
            parse_region(bad)


def test_hotkey_text_forms() -> None:
    assert canonical("alt + ctrl + p") == "Ctrl+Alt+P"
    assert to_pynput("Ctrl+Alt+P") == "<ctrl>+<alt>+p"
    assert to_pynput("Ctrl+Shift+F9") == "<ctrl>+<shift>+<f9>"
    assert hotkey_problem("Ctrl+Alt+P") is None
    assert hotkey_problem("F9") is None
    assert "already used" in (hotkey_problem("ctrl+c") or "")
    assert "WeChat" in (hotkey_problem("Alt+A") or "")
    assert "while you type" in (hotkey_problem("p") or "")
    assert "one key" in (hotkey_problem("Ctrl+Alt") or "")


def _grab(w: int, h: int) -> ScreenGrab:
    data = bytearray()
    for y in range(h):
        for x in range(w):
            data += bytes((x % 256, y % 256, (x * y) % 256))
    return ScreenGrab(0, Rect(0, 0, w, h), bytes(data), 0.0)


def test_crop_takes_exactly_the_pixels_and_png_keeps_them() -> None:
    grab = _grab(64, 40)
    img = grab.crop(Rect(5, 7, 20, 10))
    assert img.size == (20, 10)
    assert img.getpixel((0, 0)) == (5, 7, 35) and img.getpixel((19, 9)) == (24, 16, (24 * 16) % 256)
    back = Image.open(io.BytesIO(encode_png(img)))
    assert back.size == (20, 10) and back.convert("RGB").tobytes() == img.tobytes()


def test_mostly_one_colour_is_flagged() -> None:
    assert is_mostly_uniform(Image.new("RGB", (800, 600), (0, 0, 0)))
    assert not is_mostly_uniform(_grab(64, 40).image())
