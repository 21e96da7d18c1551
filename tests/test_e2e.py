"""The real app under a real X server: hotkey, overlay, drag, and what lands in the library.

Each test starts its own Xvfb (with trayer as tray host), a window showing a known
chat screenshot at the top-left corner, and the app on a temporary library; it
drives them with xdotool and checks the results through the command line.
"""

from __future__ import annotations

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
from .xdisplay import SHOW_IMAGE, drag, wait_for_no_window, wait_for_window, xdotool, xvfb

pytestmark = pytest.mark.e2e

SCREEN_IMAGE = EVALSET / "0002.png"  # a 920x680 Chinese chat with an order number in it
OVERLAY = "Proofshot capture"


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

    def start_app(self, *extra: str) -> subprocess.Popen[str]:
        with open(self.app_log, "a") as log:
            self.app = subprocess.Popen(
                [sys.executable, str(MAIN), "-v", "--library", str(self.library), *extra],
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
    with xvfb(1280, 800) as env:
        shower = subprocess.Popen(
            [sys.executable, str(SHOW_IMAGE), str(SCREEN_IMAGE)],
            env={**env, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_window(env, "proofshot-test-image", timeout=20)
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


def test_killing_the_app_during_ocr_loses_nothing(desktop: Desktop) -> None:
    app = desktop.start_app()
    c = desktop.json("capture", "--region", "0,0,920,680")
    os.kill(app.pid, signal.SIGKILL)  # OCR of a full chat takes a few seconds: still running
    app.wait(10)
    assert desktop.cli("status", check=False).returncode == 3
    after_kill = desktop.json("captures", "show", str(c["id"]))
    assert after_kill["sha256"] == c["sha256"] and after_kill["ocr_status"] == "pending"  # type: ignore[index]
    desktop.start_app()  # a stale single-instance socket is replaced; pending OCR resumes
    assert desktop.wait_ocr(c["id"])["ocr_status"] == "done"  # type: ignore[index]
    assert desktop.json("search", "质量问题")[0]["capture_id"] == c["id"]  # type: ignore[index]
    assert desktop.json("check")["ok"]  # type: ignore[index]
