"""The Wayland test harness (tests/wayland.py) does what the Wayland tests rely on: grim sees a
shown picture pixel for pixel, a drag reaches a Qt window at the right logical positions on a
scale-2 output, the screenshot portal answers with a file, a bound key runs its command as the
test's user, and closing the session leaves no process or folder behind."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PIL import Image

from .conftest import EVALSET
from .wayland import WLR_PORTAL_FILE, HarnessError, WaylandSession, _marked_pids, session_or_skip

pytestmark = pytest.mark.wayland

PICTURE = EVALSET / "0002.png"  # 920x680, fits the 1280x720 first output


def _picture() -> Image.Image:
    return Image.open(PICTURE).convert("RGB")


def test_grim_sees_the_shown_picture_pixel_for_pixel(wayland_session: WaylandSession) -> None:
    w = wayland_session
    [first] = w.outputs()
    assert (first.name, first.rect, first.scale) == ("HEADLESS-1", (0, 0, 1280, 720), 1.0)
    picture = w.show_picture(PICTURE)
    shot = w.grim()
    assert shot.size == (1280, 720)
    assert shot.tobytes() == picture.expected().tobytes()
    assert shot.crop((0, 0, 920, 680)).tobytes() == _picture().tobytes()
    region = w.grim(region=(10, 20, 300, 200))
    assert region.tobytes() == _picture().crop((10, 20, 310, 220)).tobytes()


def test_a_scale_2_output_shows_the_picture_at_its_own_pixels(wayland_session: WaylandSession) -> None:
    w = wayland_session
    second = w.add_output(scale=2)
    assert (second.name, second.rect, second.scale) == ("HEADLESS-2", (1280, 0, 960, 540), 2.0)
    assert (second.pixel_width, second.pixel_height) == (1920, 1080)
    picture = w.show_picture(PICTURE, second.name)
    own = w.grim(output=second.name)
    assert own.size == (1920, 1080)
    assert own.crop((0, 0, 920, 680)).tobytes() == _picture().tobytes()
    # All outputs at the highest scale (2): the second output's part is its own pixels.
    layout = w.grim()
    assert layout.size == (2 * 1280 + 1920, 1440)
    assert layout.crop((2560, 0, 2560 + 1920, 1080)).tobytes() == picture.expected().tobytes()
    # A region on it, in layout coordinates, comes at scale 2.
    region = w.grim(region=(1280 + 5, 10, 100, 50))
    assert region.size == (200, 100)
    assert region.tobytes() == _picture().crop((10, 20, 210, 120)).tobytes()


def test_a_drag_reaches_qt_windows_at_logical_positions_on_both_outputs(
    wayland_session: WaylandSession,
) -> None:
    w = wayland_session
    second = w.add_output(scale=2)
    left = w.show_picture(PICTURE, "HEADLESS-1")
    right = w.show_picture(PICTURE, second.name)

    w.drag(1280 + 100, 50, 1280 + 400.5, 300, steps=5)
    try:
        events = right.wait_events(lambda ev: any(e["event"] == "release" for e in ev), "release")
    except HarnessError as e:
        raise AssertionError(f"{e}\nleft window's events: {left.events}\n{w.logs()}") from None
    [press] = [e for e in events if e["event"] == "press"]
    [release] = [e for e in events if e["event"] == "release"]
    assert (press["x"], press["y"]) == (100, 50)
    assert (release["x"], release["y"]) == (400.5, 300)  # half a logical pixel: one physical one
    moves = [(e["x"], e["y"]) for e in events if e["event"] == "move"]
    assert moves and moves[-1] == (400.5, 300)
    assert not left.of_kind("press", "release")

    w.drag(10, 20, 910, 660)
    events = left.wait_events(lambda ev: any(e["event"] == "release" for e in ev), "release")
    assert [(e["x"], e["y"]) for e in events if e["event"] in ("press", "release")] == [(10, 20), (910, 660)]
    # The cursor, drawn into the output's pixels while it moves, is hidden again soon after.
    w.wait_screen("HEADLESS-1", left.expected())
    w.wait_screen(second.name, right.expected())


def test_the_portal_answers_a_screenshot_with_a_file(wayland_session: WaylandSession) -> None:
    w = wayland_session
    picture = w.show_picture(PICTURE)
    address = w.start_portal()
    assert w.env()["DBUS_SESSION_BUS_ADDRESS"] == address
    assert w.env()["XDG_CURRENT_DESKTOP"] == "sway:gnome"
    shot = w.portal_screenshot()
    assert shot.uri == WLR_PORTAL_FILE.as_uri()
    assert shot.image().tobytes() == picture.expected().tobytes()


def test_a_bound_key_runs_its_command_as_the_tests_user(
    wayland_session: WaylandSession, tmp_path: Path
) -> None:
    w = wayland_session
    out = tmp_path / "ran"
    code = (
        "import os, sys; "
        "open(sys.argv[1], 'a').write(f\"{os.getuid()} {os.environ['WAYLAND_DISPLAY']} {sys.argv[2]}\\n\")"
    )
    binding = w.bind("Ctrl+Alt+p", [sys.executable, "-c", code, str(out), "hello world"])
    w.press_keys("Ctrl+Alt+p")
    assert binding.wait_run().wait(30) == 0
    w.press_keys("Ctrl+Alt+p")
    assert binding.wait_run(2).wait(30) == 0
    line = f"{os.getuid()} {w.socket} hello world"
    assert out.read_text().splitlines() == [line, line]
    w.press_keys("Ctrl+Alt+q")  # not bound: nothing runs
    w.press_keys("Ctrl+Alt+p")
    binding.wait_run(3).wait(30)
    assert len(binding.runs) == 3


def test_grim_can_be_hidden_from_a_clients_path(wayland_session: WaylandSession) -> None:
    import shutil

    env = wayland_session.env(hide=("grim",))
    assert shutil.which("grim", path=env["PATH"]) is None
    assert shutil.which("swaymsg", path=env["PATH"]) is not None
    assert shutil.which("grim", path=wayland_session.env()["PATH"]) is not None


def test_closing_the_session_stops_everything_it_started(wayland_session: WaylandSession) -> None:
    w = wayland_session
    w.show_picture(PICTURE)
    w.start_portal()
    binding = w.bind("Ctrl+Alt+s", ["sleep", "600"])
    w.press_keys("Ctrl+Alt+s")
    binding.wait_run()
    assert len(_marked_pids(w.marker)) >= 5  # sway, picture, dbus, pipewire, portal, sleep...
    w.close()
    assert _marked_pids(w.marker) == []
    assert not w.root.exists()
    assert (w.log_dir is not None) and (w.log_dir / "sway.log").exists()


def test_the_fixture_skips_without_sway_and_fails_on_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="sway is not installed"):
        next(session_or_skip(tmp_path / "logs"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="sway cannot start on CI"):
        next(session_or_skip(tmp_path / "logs"))
