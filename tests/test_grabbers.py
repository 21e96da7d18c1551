"""The screen-grab interface without a display: choosing and remembering a backend, cutting a
portal screenshot into screens, reading the portal's file safely, desktop coordinates."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from PIL import Image

from capture.grabbers import (
    GrabFailed,
    ScreenGrabbers,
    ScreenInfo,
    read_and_remove,
    split_layout,
)
from capture.region import Rect
from capture.screen import ScreenGrab, geometry_note, grab_region
from capture.session import session_kind


class Fake:
    def __init__(self, name: str, fail: str | None = None, reason: str | None = None) -> None:
        self.name = name
        self.fail = fail
        self.reason = reason
        self.calls = 0

    def unavailable_reason(self) -> str | None:
        return self.reason

    def grab(self, screens: Sequence[ScreenInfo]) -> list[ScreenGrab]:
        self.calls += 1
        if self.fail:
            raise GrabFailed(self.fail, f"{self.name} failed")
        return [ScreenGrab(0, Rect(0, 0, 2, 1), b"\x00" * 6, time.time(), backend=self.name)]


def test_the_first_backend_that_works_is_used_and_remembered_across_restarts(tmp_path: Path) -> None:
    memory = tmp_path / "screen-grabber"
    grim, portal = Fake("grim", fail="not_wlroots"), Fake("portal")
    grabbers = ScreenGrabbers("wayland", [grim, portal], memory)
    assert grabbers.status().name == ""
    assert grabbers.grab([])[0].backend == "portal"
    status = grabbers.status()
    assert (status.name, status.remembered, status.skipped) == ("portal", False, (("grim", "not_wlroots"),))
    assert memory.read_text() == "portal"
    # Next start: the portal first, grim not tried at all.
    grim2, portal2 = Fake("grim", fail="not_wlroots"), Fake("portal")
    again = ScreenGrabbers("wayland", [grim2, portal2], memory)
    assert again.status().name == "portal" and again.status().remembered
    again.grab([])
    assert (grim2.calls, portal2.calls) == (0, 1)


def test_a_remembered_backend_that_stops_working_gives_way_to_the_next(tmp_path: Path) -> None:
    memory = tmp_path / "screen-grabber"
    memory.write_text("grim")
    grim, portal = Fake("grim", fail="failed"), Fake("portal")
    grabbers = ScreenGrabbers("wayland", [grim, portal], memory)
    assert grabbers.grab([])[0].backend == "portal"
    assert memory.read_text() == "portal"


def test_a_refused_or_unanswered_portal_is_reported_at_once(tmp_path: Path) -> None:
    for code in ("refused", "no_answer"):
        later = Fake("later")
        grabbers = ScreenGrabbers(
            "wayland", [Fake("grim", reason="not_installed"), Fake("portal", fail=code), later]
        )
        with pytest.raises(GrabFailed) as err:
            grabbers.grab([])
        assert err.value.code == code and later.calls == 0
        assert grabbers.status().skipped == (("grim", "not_installed"), ("portal", code))


def test_when_nothing_works_the_last_reason_is_raised() -> None:
    grabbers = ScreenGrabbers(
        "wayland", [Fake("grim", reason="not_installed"), Fake("portal", reason="no_portal")]
    )
    with pytest.raises(GrabFailed, match="grim: not_installed, portal: no_portal"):
        grabbers.grab([])


def test_session_kind() -> None:
    assert session_kind({"WAYLAND_DISPLAY": "wayland-0"}, "linux") == "wayland"
    assert session_kind({"XDG_SESSION_TYPE": "wayland"}, "linux") == "wayland"
    assert session_kind({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, "linux") == "x11"
    assert session_kind({"WAYLAND_DISPLAY": "w"}, "win32") == "windows"
    assert session_kind({}, "darwin") == "macos"


def _layout_image() -> Image.Image:
    """A 2x screenshot of a 100x50 screen at (0,0) and a 60x40 one at (100,0): each pixel
    says where it is."""
    img = Image.new("RGB", (320, 100))
    img.putdata([(x % 256, y, 7) for y in range(100) for x in range(320)])
    return img


def test_a_portal_screenshot_is_cut_into_screens_at_its_scale() -> None:
    screens = [ScreenInfo("A", Rect(0, 0, 100, 50), 1.0), ScreenInfo("B", Rect(100, 0, 60, 40), 2.0)]
    a, b = split_layout(_layout_image(), screens, 0.0, "portal")
    assert (a.name, a.size, a.scale, b.name, b.size, b.scale) == ("A", (200, 100), 2.0, "B", (120, 80), 2.0)
    assert b.image().getpixel((0, 0)) == (200, 0, 7)
    # A region in desktop coordinates maps to the same pixels of what the portal returned.
    image, grab = grab_region(Rect(110, 5, 20, 10), [a, b])
    assert grab is b and image.size == (40, 20) and image.getpixel((0, 0)) == (220, 10, 7)
    assert b.to_desktop(Rect(20, 10, 40, 20)) == Rect(110, 5, 20, 10)
    assert "via portal" in geometry_note(b) and "(B)" in geometry_note(b)


def test_a_screenshot_that_does_not_match_the_layout_is_refused() -> None:
    screens = [ScreenInfo("A", Rect(0, 0, 100, 100), 1.0)]
    with pytest.raises(GrabFailed, match="does not match"):
        split_layout(_layout_image(), screens, 0.0, "portal")


def test_odd_scales_round_outwards_to_whole_desktop_units() -> None:
    grab = ScreenGrab(0, Rect(1280, 0, 1536, 864), b"", 0.0, scale=1.25, pixel_size=(1920, 1080))
    assert grab.to_desktop(Rect(1, 1, 3, 3)) == Rect(1280, 0, 4, 4)
    assert grab.from_desktop(Rect(1280 + 8, 8, 8, 8)) == Rect(10, 10, 10, 10)


def test_the_portal_file_is_read_and_deleted(tmp_path: Path) -> None:
    f = tmp_path / "out.png"
    f.write_bytes(b"pixels")
    assert read_and_remove(f, time.time() - 1) == b"pixels"
    assert not f.exists()


def test_a_link_or_an_old_file_is_neither_read_nor_deleted(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_bytes(b"not a screenshot")
    link = tmp_path / "out.png"
    link.symlink_to(secret)
    with pytest.raises(GrabFailed):
        read_and_remove(link, time.time() - 1)
    assert secret.exists() and link.is_symlink()
    old = tmp_path / "old.png"
    old.write_bytes(b"old")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    with pytest.raises(GrabFailed, match="older file"):
        read_and_remove(old, time.time())
    assert old.exists()
    with pytest.raises(GrabFailed, match="could not be opened"):
        read_and_remove(tmp_path / "missing.png", time.time())
