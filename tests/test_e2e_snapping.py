"""Window snapping and the capture's source under a real X server with a window manager
(openbox): two overlapping framed windows, the overlay opened by the hotkey, one click on the
top window. The capture is exactly that window's frame (title bar included), its source
title and class are recorded, and `search 乐活健身` finds it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from .conftest import ROOT
from .test_e2e import OVERLAY, Desktop
from .xdisplay import wait_for_no_window, wait_for_window, xdotool, xvfb

pytestmark = pytest.mark.e2e

TITLED_WINDOW = Path(__file__).with_name("titled_window.py")
CHAT = "微信 - 乐活健身"
OTHER = "Order page"


def _wait(predicate, what: str, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _wm_running(env: dict[str, str]) -> bool:
    from Xlib import display

    d = display.Display(env["DISPLAY"])
    try:
        owner = d.get_selection_owner(d.intern_atom("WM_S0"))
        return bool(getattr(owner, "id", owner))
    finally:
        d.close()


def _frame(env: dict[str, str], window_id: str) -> tuple[int, int, int, int]:
    """The window manager's frame around a client window: its ancestor under the root,
    border included, in screen coordinates."""
    from Xlib import display

    d = display.Display(env["DISPLAY"])
    try:
        root = d.screen().root.id
        w = d.create_resource_object("window", int(window_id))
        while True:
            parent = w.query_tree().parent
            if parent.id == root:
                break
            w = parent
        g = w.get_geometry()
        return g.x, g.y, g.width + 2 * g.border_width, g.height + 2 * g.border_width
    finally:
        d.close()


def _screen(env: dict[str, str], rect: tuple[int, int, int, int]) -> bytes:
    """The screen's pixels of `rect` as RGB, read by mss in a process of its own."""
    x, y, w, h = rect
    code = (
        "import mss, sys; s = mss.MSS(); "
        f"shot = s.grab({{'left': {x}, 'top': {y}, 'width': {w}, 'height': {h}}}); "
        "sys.stdout.buffer.write(bytes(shot.rgb))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, timeout=30, check=True
    ).stdout


def _chat_on_top(env: dict[str, str]) -> bool:
    from capture.windows import x11_windows

    ours = [w.title for w in x11_windows(env["DISPLAY"]) if w.title in (CHAT, OTHER)]
    return ours == [CHAT, OTHER]


@pytest.fixture
def managed_desktop(tmp_path: Path) -> Iterator[tuple[Desktop, dict[str, str]]]:
    if shutil.which("openbox") is None:
        pytest.fail("openbox is not installed; run ./setup.sh --dev")
    with xvfb(1280, 800) as env:
        procs = [
            subprocess.Popen(
                ["openbox", "--sm-disable"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        ]
        try:
            _wait(lambda: _wm_running(env), "openbox to manage the screen")
            shown = {**env, "PYTHONPATH": str(ROOT)}
            # The other window first, the chat afterwards: on top, overlapping its left part.
            for title, x, y, w, h, rgb in (
                (OTHER, 420, 250, 600, 400, "aa6633"),
                (CHAT, 100, 120, 500, 400, "3366aa"),
            ):
                procs.append(
                    subprocess.Popen(
                        [sys.executable, str(TITLED_WINDOW), title, str(x), str(y), str(w), str(h), rgb],
                        env=shown,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
                wait_for_window(env, title, timeout=60)
            _wait(lambda: _chat_on_top(env), "the chat window on top of the other one")
            d = Desktop(env, tmp_path)
            yield d, env
            d.stop_app()
        finally:
            for p in reversed(procs):
                p.terminate()
                p.wait(10)


def test_a_click_takes_exactly_the_top_windows_frame_and_records_its_source(
    managed_desktop: tuple[Desktop, dict[str, str]],
) -> None:
    desktop, env = managed_desktop
    [chat_id] = wait_for_window(env, CHAT)
    [other_id] = wait_for_window(env, OTHER)
    frame = _frame(env, chat_id)
    other = _frame(env, other_id)
    x, y, w, h = frame
    assert y < 120 <= y + h  # the frame holds the title bar above the client's area
    # A point inside both windows: the chat is on top there.
    px, py = 500, 300
    assert other[0] <= px < other[0] + other[2] and other[1] <= py < other[1] + other[3]
    expected = _screen(env, frame)  # what the screen shows there, before anything of ours

    desktop.start_app()
    xdotool(env, "mousemove", str(px), str(py))
    xdotool(env, "key", "ctrl+alt+p")
    wait_for_window(env, OVERLAY)
    xdotool(env, "mousemove", str(px + 1), str(py))  # a move without a button: the highlight
    xdotool(env, "click", "1")
    wait_for_no_window(env, OVERLAY)
    [cap] = desktop.wait_captures(1)
    assert (cap["width"], cap["height"]) == (w, h)
    shown = desktop.json("captures", "show", str(cap["id"]))
    saved = Image.open(shown["path"]).convert("RGB")  # type: ignore[index]
    assert saved.tobytes() == expected
    origin = shown["origin"]  # type: ignore[index]
    assert origin["title"] == CHAT
    assert origin["app"] == "ProofshotTest" and origin["window_class"] == "proofshot-test.ProofshotTest"
    assert origin["rect"] == list(frame) and origin["backend"] == "mss"
    hits = desktop.json("search", "乐活健身")
    assert [h["capture_id"] for h in hits] == [cap["id"]]  # type: ignore[index]
    text = desktop.cli("captures", "show", str(cap["id"])).stdout
    assert f"window        {CHAT}" in text
