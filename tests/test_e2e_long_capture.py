"""Long capture end to end: the real app under Xvfb watches a chat window (tests/show_scroll.py)
while xdotool scrolls it with the mouse wheel (down, back up a little, down again), driven by
`main.py capture --long --region`, `--done` and `--cancel`. Each step waits until the app has seen the new frame (its status
request), never for a fixed time."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from gui.instance_client import send_request

from .conftest import ROOT
from .show_scroll import make_chat
from .test_e2e import Desktop
from .xdisplay import xdotool, xvfb

pytestmark = pytest.mark.e2e

SHOW_SCROLL = ROOT / "tests" / "show_scroll.py"
LONG_WINDOW = "Proofshot long capture"


class ChatWindow:
    """tests/show_scroll.py, and what it says on its stdout."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.parts = make_chat(folder)
        self.proc = subprocess.Popen(
            [sys.executable, str(SHOW_SCROLL), str(folder)],
            env={**env, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.lines: list[dict[str, Any]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        _wait(lambda: any("region" in line for line in self.lines), "the chat window", 60)
        info = next(line for line in self.lines if "region" in line)
        self.region: list[int] = info["region"]
        self.viewport: list[int] = info["viewport"]
        self.max_scroll: int = info["max_scroll"]

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(json.loads(line))

    @property
    def scroll(self) -> int:
        values = [line["scroll"] for line in self.lines if "scroll" in line]
        return values[-1] if values else 0

    def wheel_down(self, clicks: int, button: str = "5") -> None:
        x, y, w, h = self.viewport
        xdotool(self.env, "mousemove", str(x + w // 2), str(y + h // 2))
        xdotool(self.env, "click", "--repeat", str(clicks), "--delay", "1", button)

    def wheel_up(self, clicks: int) -> None:
        self.wheel_down(clicks, button="4")

    def expected(self, bottom: int) -> bytes:
        """The long image of the chat scrolled from the top to `bottom`."""
        title, body, inp = (Image.open(p).convert("RGB") for p in self.parts)
        shown = body.crop((0, 0, body.width, bottom + self.viewport[3]))
        out = Image.new("RGB", (title.width, title.height + shown.height + inp.height))
        out.paste(title, (0, 0))
        out.paste(shown, (0, title.height))
        out.paste(inp, (0, title.height + shown.height))
        return out.tobytes()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        self._reader.join(10)  # it ends at the end of the output
        assert self.proc.stdout is not None
        self.proc.stdout.close()


def _wait(predicate, what: str, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class LongDesktop(Desktop):
    def long_status(self) -> dict[str, Any]:
        reply = send_request(self.library, {"cmd": "status"}, 10.0) or {}
        return reply.get("long_capture") or {}

    def wait_long(self, predicate, what: str, timeout: float = 30) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        got: dict[str, Any] = {}

        def check() -> bool:
            got.clear()
            got.update(self.long_status())
            return bool(got) and bool(predicate(got))

        try:
            _wait(check, what, timeout)
        except AssertionError:
            raise AssertionError(f"timed out waiting for {what} (last status {got}):\n{self.log()}") from None
        return got

    def settled(self) -> dict[str, Any]:
        """Wait until the app has taken what is on the screen now: two grabs in a row that
        brought nothing new."""
        ref = self.long_status()
        while True:
            now = self.wait_long(
                lambda s, ref=ref: s["grabs"] >= ref["grabs"] + 2 or s["offered"] != ref["offered"],
                "the next grabs",
            )
            if now["offered"] == ref["offered"]:
                return now
            ref = now


@pytest.fixture
def scene(tmp_path: Path) -> Iterator[tuple[LongDesktop, ChatWindow]]:
    with xvfb(1280, 800) as env:
        chat = ChatWindow(env, tmp_path)
        d = LongDesktop(env, tmp_path)
        try:
            yield d, chat
        finally:
            d.stop_app()
            chat.stop()


def _region(chat: ChatWindow) -> str:
    return ",".join(str(v) for v in chat.region)


def test_scrolling_a_chat_gives_its_whole_content_once_with_its_frames(scene) -> None:  # type: ignore[no-untyped-def]
    desktop, chat = scene
    desktop.start_app()
    started = desktop.json("capture", "--long", "--region", _region(chat))
    assert started == {"started": True, "region": chat.region}
    desktop.wait_long(lambda s: s["frames"] == 1, "the first frame")
    steps = 0
    while chat.scroll < chat.max_scroll:
        before = chat.scroll
        if steps in (4, 5):
            chat.wheel_up(2)  # back up a little: nothing new, nothing doubled
        else:
            chat.wheel_down(2)  # 240 of the viewport's 480 rows
        _wait(lambda: chat.scroll != before, "the chat to scroll", 10)  # noqa: B023
        status = desktop.settled()
        assert status["last"] == "stitched", status
        steps += 1
    assert steps >= 8 and status["gaps"] == 0
    capture = desktop.json("capture", "--done")
    assert capture["source"] == "long"  # type: ignore[index]
    shown = desktop.json("captures", "show", str(capture["id"]))  # type: ignore[index]
    image = Image.open(shown["path"]).convert("RGB")  # type: ignore[index]
    assert image.size == (chat.region[2], chat.region[3] + chat.max_scroll)
    # The title bar with the seller's name and the input box once, the messages between them.
    assert image.tobytes() == chat.expected(chat.max_scroll)
    assert desktop.long_status() == {}
    assert "long capture done" in desktop.log()
    desktop.stop_app()
    from storage.library import Library

    lib = Library.open(desktop.library)
    try:
        frames = lib.long_capture_frames(capture["id"])  # type: ignore[index]
        assert len(frames) == status["frames"]
        check = desktop.json("check")
        assert check["ok"], check  # type: ignore[index]
    finally:
        lib.close()


def test_too_fast_a_scroll_is_reported_and_cancel_files_nothing(scene) -> None:  # type: ignore[no-untyped-def]
    desktop, chat = scene
    desktop.start_app()
    desktop.json("capture", "--long", "--region", _region(chat))
    desktop.wait_long(lambda s: s["frames"] == 1, "the first frame")
    # One ordinary step first: until two frames are stitched the stitcher does not know the
    # fixed title bar and input box, and takes a frame that only they match for a change.
    chat.wheel_down(2)
    _wait(lambda: chat.scroll > 0, "the chat to scroll", 10)
    assert desktop.settled()["frames"] == 2
    chat.wheel_down(12)  # 1440 rows at once: three viewports
    status = desktop.wait_long(lambda s: s["gaps"] >= 1, "the gap to be reported")
    assert status["message"] == "Scrolled too fast — scroll back a little"
    assert "Scrolled too fast" in desktop.log()
    assert desktop.json("capture", "--cancel") == {"cancelled": True}
    assert desktop.long_status() == {}
    assert desktop.json("captures", "list") == []
    gone = desktop.cli("capture", "--done", check=False)
    assert gone.returncode == 1 and "no long capture is running" in gone.stderr
