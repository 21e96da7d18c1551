"""The real app on a real Wayland compositor: each test runs its own headless sway
(tests/wayland.py) with a known chat screenshot shown full-screen, starts the app on a
temporary library with Qt's wayland platform, triggers a capture the way a Wayland user does
(a desktop shortcut bound to `main.py capture`, or the command itself), drags with a virtual
pointer, and checks the pixels and text that landed in the library through the command line.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from .conftest import EVALSET, MAIN, ROOT
from .wayland import WaylandSession, portal_file_lock

pytestmark = [pytest.mark.e2e, pytest.mark.wayland]

SCREEN_IMAGE = EVALSET / "0002.png"  # a 920x680 Chinese chat with an order number in it
SECOND_IMAGE = EVALSET / "0003.png"
OVERLAY = "Proofshot capture"
PORTAL_FILE = Path("/tmp/out.png")  # where xdg-desktop-portal-wlr 0.7 writes its screenshot


def _portal_file_written_since(start: float) -> bool:
    """Whether a portal screenshot file was left in the temporary folder after `start`
    (time.time()); one left by something else before the test doesn't count."""
    try:
        return PORTAL_FILE.stat().st_mtime >= start - 1
    except FileNotFoundError:
        return False


class WaylandApp:
    """The app and the command line as a user of the session runs them."""

    def __init__(self, session: WaylandSession, tmp: Path, hide: tuple[str, ...] = ()) -> None:
        self.session = session
        self.library = tmp / "library"
        self.app_log = tmp / "app.log"
        self.app: subprocess.Popen[str] | None = None
        self.env = {
            **session.env(hide=hide),
            "PROOFSHOT_CONFIG_DIR": str(tmp / "config"),
            "PROOFSHOT_TRAY_WAIT_S": "0",
            "PROOFSHOT_PORTAL_TIMEOUT_S": "4",
            "PYTHONPATH": str(ROOT),
        }

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
        app = self.app_log.read_text(errors="replace") if self.app_log.exists() else ""
        return f"--- app ---\n{app[-6000:]}\n{self.session.logs(2000)}"

    def start(self) -> None:
        with open(self.app_log, "a") as log:
            self.app = subprocess.Popen(
                [sys.executable, str(MAIN), "-v", "--library", str(self.library), "--no-welcome"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
                cwd=ROOT,
            )
        self.wait_until(lambda: self.cli("status", check=False).returncode == 0, "the app to start", 60)

    def stop(self) -> None:
        if self.app is not None and self.app.poll() is None:
            self.app.send_signal(signal.SIGTERM)
            try:
                self.app.wait(20)
            except subprocess.TimeoutExpired:
                self.app.kill()
                self.app.wait()

    def wait_until(self, predicate: Callable[[], bool], what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.app is not None and self.app.poll() is not None:
                raise AssertionError(
                    f"the app exited with {self.app.returncode} waiting for {what}:\n{self.log()}"
                )
            if predicate():
                return
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}:\n{self.log()}")

    def overlays(self) -> list[dict]:
        return [w for w in self.session.windows() if w.get("name") == OVERLAY]

    def wait_overlays(self) -> None:
        """One full-screen overlay per output, painted."""
        outputs = len(self.session.outputs())

        def shown() -> bool:
            windows = self.overlays()
            return (
                len(windows) == outputs
                and all(w.get("fullscreen_mode") == 1 for w in windows)
                and self.log().count("overlay_visible_at") > self.overlays_seen
            )

        self.wait_until(shown, "the capture overlays")
        self.overlays_seen = self.log().count("overlay_visible_at")

    overlays_seen = 0

    def wait_no_overlay(self) -> None:
        self.wait_until(lambda: not self.overlays(), "the overlays to close")

    def captures(self) -> list[dict]:
        return self.json("captures", "list")  # type: ignore[return-value]

    def wait_captures(self, n: int, timeout: float = 30) -> list[dict]:
        found: list[dict] = []

        def enough() -> bool:
            found[:] = self.captures()
            return len(found) >= n

        self.wait_until(enough, f"{n} capture(s)", timeout)
        return found

    def original(self, capture_id: int) -> tuple[dict, Image.Image]:
        shown: dict = self.json("captures", "show", str(capture_id))  # type: ignore[assignment]
        return shown, Image.open(shown["path"]).convert("RGB")

    def wait_ocr(self, capture_id: int, timeout: float = 120) -> dict:
        shown: dict = {}

        def done() -> bool:
            shown.update(self.json("captures", "show", str(capture_id)))  # type: ignore[arg-type]
            return shown["ocr_status"] != "pending"

        self.wait_until(done, f"the text of capture {capture_id}", timeout)
        return shown


@pytest.fixture
def wayland_app(wayland_session: WaylandSession, tmp_path: Path) -> Iterator[Callable[..., WaylandApp]]:
    apps: list[WaylandApp] = []

    def make(hide: tuple[str, ...] = ()) -> WaylandApp:
        app = WaylandApp(wayland_session, tmp_path, hide)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.stop()


def _picture_pixels(image: Path, box: tuple[int, int, int, int]) -> bytes:
    x, y, w, h = box
    return Image.open(image).convert("RGB").crop((x, y, x + w, y + h)).tobytes()


def test_grim_the_desktop_shortcut_opens_the_overlay_and_a_drag_files_exact_searchable_pixels(
    wayland_session: WaylandSession, wayland_app: Callable[..., WaylandApp]
) -> None:
    w = wayland_session
    w.show_picture(SCREEN_IMAGE)
    # grim's own picture of the region, before any window of the app is on the screen (the
    # app's small window comes back after a capture where there is no tray, as here).
    reference = w.grim(region=(10, 20, 900, 640)).tobytes()
    app = wayland_app()
    app.start()
    binding = w.bind(
        "Ctrl+Alt+p", [sys.executable, str(MAIN), "--library", str(app.library), "capture"], env=app.env
    )
    w.press_keys("Ctrl+Alt+p")
    binding.wait_run()
    app.wait_overlays()
    w.drag(10, 20, 910, 660)
    app.wait_no_overlay()
    [cap] = app.wait_captures(1)
    assert (cap["width"], cap["height"], cap["source"]) == (900, 640, "region")
    shown, saved = app.original(cap["id"])
    # The same pixels as grim's own picture of that region, and as the picture shown.
    assert saved.tobytes() == reference
    assert saved.tobytes() == _picture_pixels(SCREEN_IMAGE, (10, 20, 900, 640))
    assert "via grim" in shown["screen_geometry"] and "HEADLESS-1" in shown["screen_geometry"]
    assert app.wait_ocr(cap["id"])["ocr_status"] == "done"
    hits = app.json("search", "2026041236099765")
    assert [h["capture_id"] for h in hits] == [cap["id"]]  # type: ignore[index]
    # Settings' "how capture works here" comes from what was used: grim, remembered.
    assert (Path(app.env["PROOFSHOT_CONFIG_DIR"]) / "screen-grabber").read_text() == "grim"


def test_the_portal_when_grim_is_missing_files_the_same_pixels_and_leaves_no_file_behind(
    wayland_session: WaylandSession, wayland_app: Callable[..., WaylandApp]
) -> None:
    w = wayland_session
    w.start_portal()
    w.show_picture(SCREEN_IMAGE)
    reference = w.grim(region=(100, 200, 500, 300)).tobytes()
    app = wayland_app(hide=("grim",))
    app.start()
    with portal_file_lock():
        start = time.time()
        assert "Drag over the screen" in app.cli("capture").stdout
        app.wait_overlays()
        assert not _portal_file_written_since(start)  # read and deleted as soon as it was written
    w.drag(100, 200, 600, 500)
    app.wait_no_overlay()
    [cap] = app.wait_captures(1)
    shown, saved = app.original(cap["id"])
    assert saved.size == (500, 300)
    assert saved.tobytes() == reference
    assert saved.tobytes() == _picture_pixels(SCREEN_IMAGE, (100, 200, 500, 300))
    assert "via portal" in shown["screen_geometry"]


def test_two_outputs_one_at_scale_2_each_selection_is_pixel_exact(
    wayland_session: WaylandSession, wayland_app: Callable[..., WaylandApp]
) -> None:
    w = wayland_session
    second = w.add_output(1920, 1080, scale=2)  # logical 960x540 at x=1280
    w.show_picture(SCREEN_IMAGE, "HEADLESS-1")
    w.show_picture(SECOND_IMAGE, second.name)
    reference = w.grim(output=second.name).crop((100, 120, 500, 420)).tobytes()
    app = wayland_app()
    app.start()
    app.cli("capture")
    app.wait_overlays()
    w.drag(30, 40, 330, 240)  # on HEADLESS-1, scale 1
    app.wait_no_overlay()
    app.wait_captures(1)
    app.cli("capture")
    app.wait_overlays()
    w.drag(second.x + 50, 60, second.x + 250, 210)  # on the scale-2 output: 200x150 logical
    app.wait_no_overlay()
    caps = sorted(app.wait_captures(2), key=lambda c: c["id"])
    _, first = app.original(caps[0]["id"])
    assert first.tobytes() == _picture_pixels(SCREEN_IMAGE, (30, 40, 300, 200))
    shown, hidpi = app.original(caps[1]["id"])
    assert hidpi.size == (400, 300)  # every physical pixel of the selection
    assert hidpi.tobytes() == _picture_pixels(SECOND_IMAGE, (100, 120, 400, 300))
    assert hidpi.tobytes() == reference
    assert "scale 2" in shown["screen_geometry"] and second.name in shown["screen_geometry"]


def test_an_unanswered_portal_is_explained_within_the_timeout_and_nothing_is_kept(
    wayland_session: WaylandSession, wayland_app: Callable[..., WaylandApp]
) -> None:
    w = wayland_session
    w.start_portal()
    app = wayland_app(hide=("grim",))
    app.start()
    # The portal's screenshot backend hangs (stopped): the request is never answered.
    stopped = [w.process("xdg-desktop-portal-wlr").pid]
    for pid in stopped:
        os.kill(pid, signal.SIGSTOP)
    try:
        with portal_file_lock():
            start = time.time()
            started = time.monotonic()
            assert "Drag over the screen" in app.cli("capture").stdout
            app.wait_until(lambda: "could not be captured (no_answer)" in app.log(), "the message", 30)
            assert time.monotonic() - started < 30  # the 4 s timeout; the bound tells a wait from a hang
            # The app still answers, and a direct request gets the same plain reason.
            assert app.cli("status", timeout=20).returncode == 0
            reply = app.cli("capture", "--region", "0,0,100,100", check=False, timeout=60)
            assert reply.returncode != 0 and "did not answer" in reply.stderr
            assert not _portal_file_written_since(start)
        assert app.captures() == [] and app.overlays() == []
    finally:
        # Killed, not resumed: resumed, it would still take the screenshot and leave its file
        # in the temporary folder, outside any test's portal_file_lock().
        for pid in stopped:
            os.kill(pid, signal.SIGKILL)


def test_capture_region_without_a_running_app_works_on_wayland(
    wayland_session: WaylandSession, wayland_app: Callable[..., WaylandApp]
) -> None:
    w = wayland_session
    w.show_picture(SCREEN_IMAGE)
    app = wayland_app()
    cap = app.json("capture", "--region", "10,20,900,640", "--no-ocr")
    _, saved = app.original(cap["id"])  # type: ignore[index]
    assert saved.tobytes() == _picture_pixels(SCREEN_IMAGE, (10, 20, 900, 640))


def test_a_refusing_portal_is_explained_at_once_and_nothing_is_kept(
    wayland_session: WaylandSession, wayland_app: Callable[..., WaylandApp]
) -> None:
    w = wayland_session
    w.start_portal(hide=("grim",))  # its screenshot backend cannot take one: it says no
    app = wayland_app(hide=("grim",))
    app.start()
    with portal_file_lock():
        start = time.time()
        assert "Drag over the screen" in app.cli("capture").stdout
        app.wait_until(lambda: "could not be captured (refused)" in app.log(), "the message", 30)
        reply = app.cli("capture", "--region", "0,0,100,100", check=False, timeout=60)
        assert reply.returncode != 0 and "did not allow" in reply.stderr
        assert not _portal_file_written_since(start)
    assert app.captures() == [] and app.overlays() == []
    assert app.cli("status", timeout=20).returncode == 0
