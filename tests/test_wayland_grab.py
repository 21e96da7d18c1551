"""The screen-grab backends (capture/grabbers.py) under a real headless sway: grim and the
screenshot portal return exactly the pixels shown on every output, each at its own scale,
ScreenGrabbers picks grim and falls back to the portal without it, the portal's file is not
left behind, and a portal that never answers is reported within the timeout.

The grabbers read the process environment (WAYLAND_DISPLAY, PATH, the session bus), so each
test points this process's environment at its sway with monkeypatch."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from capture.grabbers import GrabFailed, GrimGrabber, PortalGrabber, ScreenGrabbers, ScreenInfo
from capture.region import Rect

from .conftest import EVALSET
from .wayland import WLR_PORTAL_FILE, WaylandSession, portal_file_lock

pytestmark = pytest.mark.wayland

FIRST = EVALSET / "0002.png"  # 920x680
SECOND = EVALSET / "0001.png"


def _use(w: WaylandSession, monkeypatch: pytest.MonkeyPatch, hide: tuple[str, ...] = ()) -> None:
    """Make this process a client of the session (what the app would see there)."""
    env = w.env(hide=hide)
    for key in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS"):
        if key not in env:
            monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)


def _screens(w: WaylandSession) -> list[ScreenInfo]:
    return [ScreenInfo(o.name, Rect(o.x, o.y, o.width, o.height), o.scale) for o in w.outputs()]


def _two_outputs(w: WaylandSession) -> tuple[Image.Image, Image.Image]:
    second = w.add_output(scale=2)
    left = w.show_picture(FIRST, "HEADLESS-1")
    right = w.show_picture(SECOND, second.name)
    return left.expected(), right.expected()


def test_grim_grabs_every_output_at_its_own_scale(
    wayland_session: WaylandSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = wayland_session
    left, right = _two_outputs(w)
    _use(w, monkeypatch)
    grabber = GrimGrabber()
    assert grabber.unavailable_reason() is None
    first, second = grabber.grab(_screens(w))
    assert (first.name, first.geometry, first.scale, first.size) == (
        "HEADLESS-1",
        Rect(0, 0, 1280, 720),
        1.0,
        (1280, 720),
    )
    assert (second.name, second.geometry, second.scale, second.size) == (
        "HEADLESS-2",
        Rect(1280, 0, 960, 540),
        2.0,
        (1920, 1080),
    )
    assert first.backend == second.backend == "grim"
    assert first.image().tobytes() == left.tobytes()
    assert second.image().tobytes() == right.tobytes()
    # A selection in desktop (logical) coordinates maps to the scaled pixels exactly.
    assert second.to_desktop(Rect(100, 120, 400, 300)) == Rect(1280 + 50, 60, 200, 150)


def test_the_portal_grabs_the_layout_and_leaves_no_file(
    wayland_session: WaylandSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = wayland_session
    left, right = _two_outputs(w)
    w.start_portal()
    _use(w, monkeypatch, hide=("grim",))
    grabber = PortalGrabber(timeout_s=20)
    assert grabber.unavailable_reason() is None
    with portal_file_lock():
        first, second = grabber.grab(_screens(w))
        assert not WLR_PORTAL_FILE.exists()
    assert grabber.last_file_sha256
    assert first.backend == second.backend == "portal"
    # The portal shoots the whole layout at the highest scale (2): the scale-2 output comes
    # pixel for pixel, the scale-1 one enlarged to twice its size.
    assert (second.geometry, second.size, second.scale) == (Rect(1280, 0, 960, 540), (1920, 1080), 2.0)
    assert second.image().tobytes() == right.tobytes()
    assert (first.geometry, first.size) == (Rect(0, 0, 1280, 720), (2560, 1440))
    shrunk = first.image().resize((1280, 720), Image.Resampling.BOX)
    assert max(ImageStat.Stat(ImageChops.difference(shrunk, left)).mean) < 4  # filtered, not exact


def test_the_portal_on_one_output_is_pixel_exact(
    wayland_session: WaylandSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = wayland_session
    picture = w.show_picture(FIRST)
    w.start_portal()
    _use(w, monkeypatch, hide=("grim",))
    with portal_file_lock():
        [grab] = PortalGrabber(timeout_s=20).grab(_screens(w))
        assert not WLR_PORTAL_FILE.exists()
    assert (grab.geometry, grab.scale, grab.size) == (Rect(0, 0, 1280, 720), 1.0, (1280, 720))
    assert grab.image().tobytes() == picture.expected().tobytes()


def test_screen_grabbers_choose_grim_and_fall_back_to_the_portal_without_it(
    wayland_session: WaylandSession, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    w = wayland_session
    picture = w.show_picture(FIRST)
    w.start_portal()
    memory = tmp_path / "config" / "screen-grabber"

    _use(w, monkeypatch)
    grabbers = ScreenGrabbers(memory=memory)
    assert grabbers.session == "wayland"
    [grab] = grabbers.grab(_screens(w))
    assert grab.backend == "grim" and grab.image().tobytes() == picture.expected().tobytes()
    assert grabbers.status().name == "grim"
    assert memory.read_text() == "grim"

    _use(w, monkeypatch, hide=("grim",))
    grabbers = ScreenGrabbers(memory=memory)
    with portal_file_lock():
        [grab] = grabbers.grab(_screens(w))
    assert grab.backend == "portal" and grab.image().tobytes() == picture.expected().tobytes()
    status = grabbers.status()
    assert status.name == "portal" and ("grim", "not_installed") in status.skipped
    assert memory.read_text() == "portal"


def test_no_bus_means_no_portal(wayland_session: WaylandSession, monkeypatch: pytest.MonkeyPatch) -> None:
    _use(wayland_session, monkeypatch, hide=("grim",))
    assert PortalGrabber().unavailable_reason() == "no_portal"
    with pytest.raises(GrabFailed) as failed:
        ScreenGrabbers().grab(_screens(wayland_session))
    assert failed.value.code in ("no_portal", "failed")


def test_a_portal_that_never_answers_is_reported_within_the_timeout(
    wayland_session: WaylandSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = wayland_session
    w.show_picture(FIRST)
    w.start_portal()
    _use(w, monkeypatch, hide=("grim",))
    portal = w.process("xdg-desktop-portal")
    portal.send_signal(signal.SIGSTOP)  # on the bus, but silent
    try:
        start = time.monotonic()
        with pytest.raises(GrabFailed) as failed:
            PortalGrabber(timeout_s=2).grab(_screens(w))
        took = time.monotonic() - start
    finally:
        # Killed, not resumed: resumed, it would still take the screenshot and leave its file
        # in the temporary folder, outside any test's portal_file_lock().
        portal.send_signal(signal.SIGKILL)
    assert failed.value.code == "no_answer"
    assert 1.5 < took < 30  # the 2 s timeout; the bound only tells a wait from a hang
