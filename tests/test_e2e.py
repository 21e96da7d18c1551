"""The real app under a real X server: hotkey, overlay, drag, and what lands in the library.

Each test starts its own Xvfb (with trayer as tray host, ready before the app starts,
except where a test starts it later), a window showing a known chat screenshot at the
top-left corner, and the app on a temporary library; it drives them with xdotool and
checks the results through the command line.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from .conftest import EVALSET, MAIN, ROOT
from .wayland import alive
from .xdisplay import (
    SHOW_IMAGE,
    drag,
    keep_contents,
    tray_host,
    wait_for_no_window,
    wait_for_window,
    window_geometry,
    xdotool,
    xvfb,
)

pytestmark = pytest.mark.e2e

SCREEN_IMAGE = EVALSET / "0002.png"  # a 920x680 Chinese chat with an order number in it
OVERLAY = "Proofshot capture"
CONTROL_WINDOW = "Proofshot"  # shown when there is no tray
WELCOME = "Welcome to Proofshot"


class Desktop:
    def __init__(self, env: dict[str, str], tmp: Path) -> None:
        self.env = {**env, "PROOFSHOT_CONFIG_DIR": str(tmp / "config"), "PYTHONPATH": str(ROOT)}
        self.library = tmp / "library"
        self.app: subprocess.Popen[str] | None = None
        self.app_log = tmp / "app.log"

    def cli(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, str(MAIN), "--library", str(self.library), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"main.py {' '.join(args)} exited {proc.returncode}: {proc.stderr}\n{self.log()}"
            )
        return proc

    def json(self, *args: str) -> object:
        return json.loads(self.cli(*args, "--json").stdout)

    def log(self) -> str:
        return self.app_log.read_text(errors="replace") if self.app_log.exists() else ""

    def start_app(self, *extra: str, welcome: bool = False) -> subprocess.Popen[str]:
        flags = [] if welcome else ["--no-welcome"]
        with open(self.app_log, "a") as log:
            self.app = subprocess.Popen(
                [sys.executable, str(MAIN), "-v", "--library", str(self.library), *flags, *extra],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
                cwd=ROOT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.app.poll() is not None:
                raise AssertionError(f"the app exited with {self.app.returncode}:\n{self.log()}")
            if self.cli("status", check=False).returncode == 0:
                return self.app
            time.sleep(0.3)
        raise AssertionError("the app did not start:\n" + self.log())

    def stop_app(self) -> None:
        if self.app is not None and self.app.poll() is None:
            self.app.send_signal(signal.SIGTERM)
            try:
                self.app.wait(20)
            except subprocess.TimeoutExpired:
                self.app.kill()
                self.app.wait()

    def request(self, request: dict) -> dict:
        """Ask the running app directly (what the status command does not print)."""
        code = (
            "import json, sys; from pathlib import Path; from PySide6.QtCore import QCoreApplication; "
            "from gui.single_instance import send_request; app = QCoreApplication([]); "
            "print(json.dumps(send_request(Path(sys.argv[1]), json.loads(sys.argv[2]), 10000)))"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code, str(self.library), json.dumps(request)],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
        return json.loads(proc.stdout or "null") or {}

    def wait_until(self, predicate, what: str, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}:\n{self.log()}")

    def wait_captures(self, n: int, timeout: float = 20, **filters: str) -> list[dict]:
        deadline = time.monotonic() + timeout
        caps: list[dict] = []
        while time.monotonic() < deadline:
            caps = self.json("captures", "list")  # type: ignore[assignment]
            if len(caps) >= n:
                return caps
            time.sleep(0.3)
        raise AssertionError(f"expected {n} captures, found {len(caps)}:\n{self.log()}")

    def wait_ocr(self, capture_id: int, timeout: float = 90) -> dict:
        deadline = time.monotonic() + timeout
        shown: dict = {}
        while time.monotonic() < deadline:
            shown = self.json("captures", "show", str(capture_id))  # type: ignore[assignment]
            if shown["ocr_status"] != "pending":
                return shown
            time.sleep(0.5)
        raise AssertionError(f"OCR did not finish: {shown.get('ocr_status')}\n{self.log()}")


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[Desktop]:
    yield from _desktop(tmp_path, tray=True)


@pytest.fixture
def desktop_without_tray(tmp_path: Path) -> Iterator[Desktop]:
    yield from _desktop(tmp_path, tray=False)


def _desktop(tmp_path: Path, tray: bool) -> Iterator[Desktop]:
    with xvfb(1280, 800, tray=tray) as env:
        shower = subprocess.Popen(
            [sys.executable, str(SHOW_IMAGE), str(SCREEN_IMAGE)],
            env={**env, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            [image_window] = wait_for_window(env, "proofshot-test-image", timeout=60)
            # The X server itself puts the image back where a window of ours was: how soon
            # an app repaints what was under a window is up to that app (and a loaded CPU).
            keep_contents(env, image_window)
            d = Desktop(env, tmp_path)
            yield d
            d.stop_app()
        finally:
            shower.terminate()
            shower.wait(10)


def _screen_pixels(x: int, y: int, w: int, h: int) -> bytes:
    return Image.open(SCREEN_IMAGE).convert("RGB").crop((x, y, x + w, y + h)).tobytes()


def test_hotkey_and_drag_file_an_exact_capture_under_the_active_purchase(desktop: Desktop) -> None:
    p = desktop.json("purchases", "add", "--title", "加湿器", "--merchant", "小熊电器", "--activate")
    desktop.start_app()
    xdotool(desktop.env, "key", "ctrl+alt+p")
    wait_for_window(desktop.env, OVERLAY)
    drag(desktop.env, 10, 20, 910, 660)
    wait_for_no_window(desktop.env, OVERLAY)
    [cap] = desktop.wait_captures(1)
    assert (cap["width"], cap["height"]) == (900, 640)
    assert cap["purchase_id"] == p["id"] and cap["source"] == "region"  # type: ignore[index]
    shown = desktop.json("captures", "show", str(cap["id"]))
    saved = Image.open(shown["path"]).convert("RGB")  # type: ignore[index]
    assert saved.tobytes() == _screen_pixels(10, 20, 900, 640)
    done = desktop.wait_ocr(cap["id"])
    assert done["ocr_status"] == "done"
    hits = desktop.json("search", "2026041236099765")
    assert [h["capture_id"] for h in hits] == [cap["id"]]  # type: ignore[index]
    # Nothing of ours was on the screen, and the tray icon was not taken for a window to hide
    # (it never unmaps, so waiting for it cost 0.6 s before every overlay).
    assert "may still be on the screen" not in desktop.log()
    # The database work ran in the storage helper: the tray never loaded SQLAlchemy (ADR 012).
    assert desktop.app is not None
    assert "/sqlalchemy/" not in Path(f"/proc/{desktop.app.pid}/maps").read_text()
    assert storage_helpers(desktop.app.pid)


def test_escape_cancels_without_a_capture(desktop: Desktop) -> None:
    desktop.start_app()
    xdotool(desktop.env, "key", "ctrl+alt+p")
    wait_for_window(desktop.env, OVERLAY)
    xdotool(desktop.env, "key", "Escape")
    wait_for_no_window(desktop.env, OVERLAY)
    time.sleep(0.5)
    assert desktop.json("captures", "list") == []


def test_capture_region_is_forwarded_and_a_second_start_only_shows_the_first(desktop: Desktop) -> None:
    app = desktop.start_app()
    c = desktop.json("capture", "--region", "100,50,320,200", "--note", "from a desktop shortcut")
    assert (c["width"], c["height"], c["source"], c["note"]) == (
        320,
        200,
        "region",
        "from a desktop shortcut",
    )  # type: ignore[index]
    saved = Image.open(desktop.json("captures", "show", str(c["id"]))["path"]).convert("RGB")  # type: ignore[index]
    assert saved.tobytes() == _screen_pixels(100, 50, 320, 200)

    second = desktop.cli(check=False, timeout=60)
    assert second.returncode == 0 and "already running" in second.stdout
    assert app.poll() is None
    status = desktop.json("status")
    assert status["running"] and status["pid"] == app.pid  # type: ignore[index]


def storage_helpers(pid: int) -> list[int]:
    """The app's storage helper processes (storage.helper; ADR 012)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for kid in (task / "children").read_text().split():
            with contextlib.suppress(OSError):
                if b"storage.helper" in Path(f"/proc/{kid}/cmdline").read_bytes():
                    found.append(int(kid))
    return found


def test_killing_the_app_during_ocr_loses_nothing(desktop: Desktop) -> None:
    app = desktop.start_app()
    c = desktop.json("capture", "--region", "0,0,920,680")
    [helper] = storage_helpers(app.pid)
    os.kill(app.pid, signal.SIGKILL)  # OCR of a full chat takes a few seconds: still running
    app.wait(10)
    # The storage helper sees its pipe close and exits: nothing outlives the app.
    deadline = time.monotonic() + 60
    while alive(helper):
        assert time.monotonic() < deadline, "the storage helper outlived its app"
        time.sleep(0.05)
    assert desktop.cli("status", check=False).returncode == 3
    after_kill = desktop.json("captures", "show", str(c["id"]))
    assert after_kill["sha256"] == c["sha256"] and after_kill["ocr_status"] == "pending"  # type: ignore[index]
    desktop.start_app()  # a stale single-instance socket is replaced; pending OCR resumes
    assert desktop.wait_ocr(c["id"])["ocr_status"] == "done"  # type: ignore[index]
    assert desktop.json("search", "质量问题")[0]["capture_id"] == c["id"]  # type: ignore[index]
    assert desktop.json("check")["ok"]  # type: ignore[index]


def _saved_pixels(desktop: Desktop, capture: dict) -> bytes:
    shown = desktop.json("captures", "show", str(capture["id"]))
    return Image.open(shown["path"]).convert("RGB").tobytes()  # type: ignore[index]


def _over_the_image(geometry: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The part of a window's rectangle that lies over the chat screenshot."""
    x, y, w, h = geometry
    with Image.open(SCREEN_IMAGE) as image:
        width, height = image.size
    x1, y1 = min(x + w, width), min(y + h, height)
    assert x1 > x and y1 > y, f"the window {geometry} is not over the image"
    return x, y, x1 - x, y1 - y


def test_a_tray_that_starts_later_replaces_the_window_which_is_never_captured(
    desktop_without_tray: Desktop,
) -> None:
    """At login the tray host may start after Proofshot: the app shows its small window
    meanwhile, captures never contain it, and the tray icon takes over once a tray is there."""
    desktop = desktop_without_tray
    desktop.env["PROOFSHOT_TRAY_WAIT_S"] = "1"
    desktop.start_app()
    [window] = wait_for_window(desktop.env, CONTROL_WINDOW, timeout=30)
    x, y, w, h = _over_the_image(window_geometry(desktop.env, window))

    c = desktop.json("capture", "--region", f"{x},{y},{w},{h}")
    assert _saved_pixels(desktop, c) == _screen_pixels(x, y, w, h)  # type: ignore[arg-type]
    wait_for_window(desktop.env, CONTROL_WINDOW)  # back after the capture

    xdotool(desktop.env, "key", "ctrl+alt+p")
    wait_for_window(desktop.env, OVERLAY)
    drag(desktop.env, x, y, x + w, y + h)
    wait_for_no_window(desktop.env, OVERLAY)
    caps = desktop.wait_captures(2)
    hotkey_capture = next(cap for cap in caps if cap["id"] != c["id"])  # type: ignore[index]
    assert (hotkey_capture["width"], hotkey_capture["height"]) == (w, h)
    assert _saved_pixels(desktop, hotkey_capture) == _screen_pixels(x, y, w, h)
    wait_for_window(desktop.env, CONTROL_WINDOW)

    assert desktop.request({"cmd": "status"})["tray"] is False
    with tray_host(desktop.env):
        desktop.wait_until(lambda: desktop.request({"cmd": "status"}).get("tray"), "the tray icon")
        wait_for_no_window(desktop.env, CONTROL_WINDOW)
        assert "the tray icon replaces the Proofshot window" in desktop.log()
        desktop.stop_app()


def test_the_welcome_shows_at_first_start_and_is_never_captured(desktop: Desktop) -> None:
    desktop.start_app(welcome=True)
    [window] = wait_for_window(desktop.env, WELCOME, timeout=30)
    x, y, w, h = _over_the_image(window_geometry(desktop.env, window))
    c = desktop.json("capture", "--region", f"{x},{y},{w},{h}")
    assert _saved_pixels(desktop, c) == _screen_pixels(x, y, w, h)  # type: ignore[arg-type]
    wait_for_window(desktop.env, WELCOME)  # back where it was
    status = desktop.request({"cmd": "status"})
    assert status["tray"] and not status["window"]  # the tray was there from the start
    assert "own_windows_hidden_ms" in desktop.log()


def test_restart_closes_everything_and_starts_the_same_command_again(desktop: Desktop) -> None:
    """What "Restart now" does after a new interface language (also a request for scripts)."""
    app = desktop.start_app()
    old_pid = desktop.request({"cmd": "status"})["pid"]
    assert desktop.request({"cmd": "restart"})["ok"]
    assert app.wait(60) == 0  # the old one quit cleanly
    desktop.wait_until(
        lambda: desktop.request({"cmd": "status"}).get("pid") not in (None, old_pid), "the app to start again"
    )
    status = desktop.request({"cmd": "status"})
    assert status["library"] == str(desktop.library)
    c = desktop.json("capture", "--region", "100,50,320,200")
    assert _saved_pixels(desktop, c) == _screen_pixels(100, 50, 320, 200)  # type: ignore[arg-type]
    assert desktop.request({"cmd": "quit"})["ok"]
    desktop.wait_until(lambda: desktop.cli("status", check=False).returncode == 3, "the app to quit")
