"""A real Wayland desktop for tests: a headless sway, with outputs, pointer, keyboard,
shortcuts, pictures, grim and the screenshot portal (the Wayland twin of tests/xdisplay.py).

    with WaylandSession(log_dir=tmp_path / "wayland-logs") as w:
        second = w.add_output(scale=2)                 # HEADLESS-2, 1920x1080 at scale 2, right of HEADLESS-1
        picture = w.show_picture(IMAGE, second.name)   # returns once grim sees it on that output
        binding = w.bind("Ctrl+Alt+p", [sys.executable, "main.py", "capture"], env=app_env)
        w.press_keys("Ctrl+Alt+p"); binding.wait_run()
        w.drag(1300, 20, 1700, 300)                    # layout (logical) coordinates
        shot = w.grim(output=second.name)              # a PIL image, physical pixels
        bus = w.start_portal()                         # dbus + pipewire + xdg-desktop-portal(-wlr, -gtk)

How it runs (facts checked with sway 1.7, xdg-desktop-portal 1.16, xdg-desktop-portal-wlr 0.7):

- sway refuses to run as root, so as root it runs as nobody (65534) through `setpriv`, with a
  clean environment, a private XDG_RUNTIME_DIR owned by 65534 and a config it can read (the
  session folder is 0755). Clients (this process's children: the app, grim, Qt windows, the
  portal) run as the test's user with their own 0700 XDG_RUNTIME_DIR and WAYLAND_DISPLAY set to
  the absolute path of sway's socket; `env()` is that environment. Not as root, sway simply
  runs as the same user.
- Input: the headless seat has no pointer, so `swaymsg seat - cursor press` reaches nobody. The
  pointer is a wlroots virtual pointer (tests/wayland_pointer.py); keys are sent by `wtype`
  (a virtual keyboard), which also fires sway's key bindings.
- Key bindings: sway runs a binding's `exec` as its own user (nobody) in its own environment,
  which is not how a user's shortcut runs the app. So `bind()` binds the keys to a tiny shell
  command that writes the binding's id into a FIFO in the session folder, and a relay thread in
  this process runs the real command, as the test's user with `env()` (or the given env), for
  each id read. The effect is the user's shortcut running `main.py capture` as the user.
- The portal needs a session bus, pipewire, and XDG_CURRENT_DESKTOP=sway:gnome (the gtk
  backend supplies Access); xdg-desktop-portal-wlr then answers Screenshot(interactive=False)
  by running `grim` from the bus's PATH and writing the fixed, world-readable /tmp/out.png
  (so two portal screenshots at once, from two sessions, write the same file).
- Cleanup: every process started here is in its own process group and carries a marker
  variable (PROOFSHOT_WAYLAND_SESSION) in its environment, as does `env()`; `close()` stops the
  groups, then any process still carrying the marker (D-Bus-activated services, what sway
  exec'd, an app a test left running), unmounts the document portal's FUSE folder and removes
  the session folder, copying the logs to `log_dir` first.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlparse

from PIL import Image

from .wayland_pointer import Extents, VirtualPointer

PICTURE_SCRIPT = Path(__file__).with_name("wayland_picture.py")
MARKER = "PROOFSHOT_WAYLAND_SESSION"
NOBODY = 65534
#: Where Debian and Fedora put the portal daemon.
PORTAL_PATHS = ("/usr/libexec/xdg-desktop-portal", "/usr/lib/xdg-desktop-portal")
WLR_PORTAL_PATHS = ("/usr/libexec/xdg-desktop-portal-wlr", "/usr/lib/xdg-desktop-portal-wlr")
WLR_PORTAL = "org.freedesktop.impl.portal.desktop.wlr"
#: The file xdg-desktop-portal-wlr 0.7 writes every screenshot to, and the lock for it.
WLR_PORTAL_FILE = Path("/tmp/out.png")
PORTAL_LOCK = Path(tempfile.gettempdir()) / "proofshot-wayland-portal.lock"
#: The host's display and session variables, never passed on to clients of the test session.
HOST_VARIABLES = (
    "DISPLAY",
    "XAUTHORITY",
    "WAYLAND_DISPLAY",
    "WAYLAND_SOCKET",
    "SWAYSOCK",
    "I3SOCK",
    "DBUS_SESSION_BUS_ADDRESS",
    "XDG_CURRENT_DESKTOP",
    "XDG_SESSION_DESKTOP",
    "XDG_SESSION_TYPE",
    "DESKTOP_SESSION",
    "QT_QPA_PLATFORM",
    "GDK_BACKEND",
)
#: sway's modifier names (bindsym syntax) -> wtype's.
MODIFIERS = {
    "ctrl": "ctrl",
    "control": "ctrl",
    "alt": "alt",
    "mod1": "alt",
    "shift": "shift",
    "super": "logo",
    "logo": "logo",
    "mod4": "logo",
    "altgr": "altgr",
    "mod5": "altgr",
}


class SwayUnavailable(RuntimeError):
    """sway cannot start here at all (not installed, or it exits at once)."""


class HarnessError(RuntimeError):
    """Something in the Wayland session did not happen in time or failed (logs included)."""


@dataclass(frozen=True)
class Output:
    """An active output. x, y, width, height are logical (layout) pixels; the mode is in
    physical pixels (width * scale for integer scales)."""

    name: str
    x: int
    y: int
    width: int
    height: int
    scale: float
    pixel_width: int
    pixel_height: int

    @property
    def rect(self) -> tuple[int, int, int, int]:
        return self.x, self.y, self.width, self.height

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x < self.x + self.width and self.y <= y < self.y + self.height


@dataclass(frozen=True)
class PortalShot:
    """What the screenshot portal answered: the file's URI and its bytes (the file is gone)."""

    uri: str
    data: bytes

    def image(self) -> Image.Image:
        with Image.open(io.BytesIO(self.data)) as img:
            return img.convert("RGB")


_portal_lock_depth = 0
_portal_lock_file: IO[bytes] | None = None


@contextlib.contextmanager
def portal_file_lock() -> Iterator[None]:
    """Held while a portal can write its screenshot: xdg-desktop-portal-wlr 0.7 always writes
    /tmp/out.png, whichever session asks, so test sessions on one machine (two test runs at
    once) take turns. A session holds it from start_portal() until it is closed, so no other
    run's portal writes that file meanwhile; it nests within one process."""
    global _portal_lock_depth, _portal_lock_file
    if _portal_lock_depth == 0:
        lock = open(PORTAL_LOCK, "a+b")  # noqa: SIM115 (kept open while held)
        fcntl.flock(lock, fcntl.LOCK_EX)
        _portal_lock_file = lock
    _portal_lock_depth += 1
    try:
        yield
    finally:
        _portal_lock_depth -= 1
        if _portal_lock_depth == 0 and _portal_lock_file is not None:
            fcntl.flock(_portal_lock_file, fcntl.LOCK_UN)
            _portal_lock_file.close()
            _portal_lock_file = None


class PictureWindow:
    """A Qt window (tests/wayland_picture.py) showing an image full-screen on one output.
    `events` are the pointer and key events it reported (dicts, see the script)."""

    def __init__(self, proc: subprocess.Popen[str], title: str, output: Output, image: Image.Image) -> None:
        self.proc = proc
        self.title = title
        self.output = output
        self.image = image
        self.events: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, name=f"picture {title}", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            with self._changed:
                self.events.append(event)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_events(
        self, predicate: Callable[[list[dict[str, Any]]], bool], what: str, timeout: float = 20
    ) -> list[dict[str, Any]]:
        """Wait until predicate(events) holds; return the events."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self.events):
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    raise HarnessError(f"picture window {self.title}: no {what}; events: {self.events}")
                self._changed.wait(min(left, 0.5))
            return list(self.events)

    def of_kind(self, *kinds: str) -> list[dict[str, Any]]:
        with self._changed:
            return [e for e in self.events if e.get("event") in kinds]

    def expected(self) -> Image.Image:
        """What the output should show: the image at its top-left corner over black, in the
        output's physical pixels."""
        canvas = Image.new("RGB", (self.output.pixel_width, self.output.pixel_height), (0, 0, 0))
        canvas.paste(
            self.image.crop(
                (0, 0, min(self.image.width, canvas.width), min(self.image.height, canvas.height))
            )
        )
        return canvas

    def close(self) -> None:
        _stop_group(self.proc)
        self._reader.join(5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


class KeyBinding:
    """A sway key binding whose command the session's relay runs (see the module's doc)."""

    def __init__(
        self, ident: str, keys: str, argv: Sequence[str], env: Mapping[str, str], cwd: Path | None
    ) -> None:
        self.ident = ident
        self.keys = keys
        self.argv = list(argv)
        self.env = dict(env)
        self.cwd = cwd
        self.runs: list[subprocess.Popen[bytes]] = []
        self._changed = threading.Condition()

    def _ran(self, proc: subprocess.Popen[bytes]) -> None:
        with self._changed:
            self.runs.append(proc)
            self._changed.notify_all()

    def wait_run(self, n: int = 1, timeout: float = 20) -> subprocess.Popen[bytes]:
        """Wait until the command has been started n times; return the n-th run."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.runs) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise HarnessError(f"{self.keys} ran {self.argv} {len(self.runs)} times, expected {n}")
                self._changed.wait(left)
            return self.runs[n - 1]


class WaylandSession:
    """A headless sway with one 1280x720 output (HEADLESS-1) at 0,0; see the module's doc."""

    def __init__(
        self, width: int = 1280, height: int = 720, log_dir: Path | None = None, timeout: float = 30
    ) -> None:
        self.first_size = (width, height)
        self.log_dir = log_dir
        self.timeout = timeout
        self.marker = uuid.uuid4().hex
        self.root = Path(tempfile.mkdtemp(prefix="proofshot-wayland-"))
        self.logs_dir = self.root / "logs"
        self.sway_runtime = self.root / "sway-runtime"
        self.client_runtime = self.root / "runtime"
        self.socket = Path()
        self.sway_socket = Path()
        self.bus_address: str | None = None
        self._as_nobody = os.geteuid() == 0
        self._procs: list[tuple[str, subprocess.Popen[bytes]]] = []
        self._pictures: list[PictureWindow] = []
        self._pointer: VirtualPointer | None = None
        self._bindings: dict[str, KeyBinding] = {}
        self._relay: threading.Thread | None = None
        self._relay_fd: int | None = None
        self._relay_fifo = self.root / "bindings.fifo"
        self._closed = False
        self._portal_lock: contextlib.ExitStack | None = None  # held from start_portal() to close()

    # Life cycle ----------------------------------------------------------------------

    def __enter__(self) -> WaylandSession:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start sway; SwayUnavailable when it cannot run here at all."""
        sway = shutil.which("sway")
        if sway is None:
            raise SwayUnavailable("sway is not installed (./setup.sh --dev installs it)")
        if self._as_nobody and shutil.which("setpriv") is None:
            raise SwayUnavailable("running as root and setpriv (util-linux) is missing to drop to nobody")
        os.chmod(self.root, 0o755)
        self.logs_dir.mkdir()
        self.client_runtime.mkdir(mode=0o700)
        self.sway_runtime.mkdir(mode=0o700)
        home = self.root / "sway-home"
        home.mkdir()
        if self._as_nobody:
            os.chown(self.sway_runtime, NOBODY, NOBODY)
            os.chown(home, NOBODY, NOBODY)
        config = self.root / "sway.config"
        width, height = self.first_size
        config.write_text(
            f"output HEADLESS-1 resolution {width}x{height} position 0 0 scale 1\n"
            "default_border none\n"
            "default_floating_border none\n"
            "focus_on_window_activation focus\n"
            "xwayland disable\n"
            # A software cursor is drawn into the output's pixels, and grim sees it. Hidden
            # 1 ms after the pointer last moved, it stays out of every screenshot but those
            # taken in the midst of a drag.
            "seat * hide_cursor 1\n",
            encoding="utf-8",
        )
        config.chmod(0o644)
        env = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_RUNTIME_DIR": str(self.sway_runtime),
            "WLR_BACKENDS": "headless",
            "WLR_RENDERER": "pixman",
            "WLR_LIBINPUT_NO_DEVICES": "1",
            MARKER: self.marker,
        }
        command = [sway, "-c", str(config)]
        if self._as_nobody:
            command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
        proc = self._spawn("sway", command, env)

        def ready() -> bool:
            if proc.poll() is not None:
                raise SwayUnavailable(f"sway exited with {proc.returncode}:\n{self.log('sway')}")
            sockets = [p for p in self.sway_runtime.glob("wayland-*") if not p.name.endswith(".lock")]
            ipc = list(self.sway_runtime.glob("sway-ipc.*.sock"))
            if not (sockets and ipc):
                return False
            self.socket, self.sway_socket = sockets[0], ipc[0]
            return True

        self._wait(ready, "sway's Wayland and IPC sockets", self.timeout)
        self._wait(
            lambda: any(o.name == "HEADLESS-1" for o in self.outputs()), "output HEADLESS-1", self.timeout
        )
        # The seat has a pointer only while some pointer device exists, and a client binds
        # wl_pointer only once the seat announces one: events sent before that are lost (a
        # drag's press, under load). So the virtual pointer exists before any client does.
        self._pointer = VirtualPointer(str(self.socket))
        self._start_relay()

    def close(self) -> None:
        """Stop everything this session started and remove its folder (logs copied to log_dir)."""
        if self._closed:
            return
        self._closed = True
        if self._pointer is not None:
            self._pointer.close()
            self._pointer = None
        self._stop_relay()
        for picture in self._pictures:
            picture.close()
        for _name, proc in reversed(self._procs):
            _stop_group(proc)
        _kill_marked(self.marker)
        if self._portal_lock is not None:
            self._portal_lock.close()
            self._portal_lock = None
        if self.log_dir is not None and self.logs_dir.is_dir():
            shutil.copytree(self.logs_dir, self.log_dir, dirs_exist_ok=True)
        doc = self.client_runtime / "doc"
        if doc.exists() or os.path.lexists(doc):
            for unmount in (["fusermount3", "-u", "-z", str(doc)], ["fusermount", "-u", "-z", str(doc)]):
                if shutil.which(unmount[0]):
                    subprocess.run(unmount, capture_output=True, timeout=10)
                    break
        shutil.rmtree(self.root, ignore_errors=True)

    # Environment and logs ------------------------------------------------------------

    def env(self, hide: Sequence[str] = ()) -> dict[str, str]:
        """The environment of a client of this session, running as the test's user: the
        test's own environment without the host's display and session variables, plus
        WAYLAND_DISPLAY (absolute path), XDG_RUNTIME_DIR, SWAYSOCK, QT_QPA_PLATFORM=wayland,
        XDG_SESSION_TYPE=wayland and, once start_portal() ran, the session bus. `hide`
        names programs (e.g. "grim") left out of PATH."""
        env = {k: v for k, v in os.environ.items() if k not in HOST_VARIABLES}
        env.update(
            {
                "WAYLAND_DISPLAY": str(self.socket),
                "XDG_RUNTIME_DIR": str(self.client_runtime),
                "SWAYSOCK": str(self.sway_socket),
                "XDG_SESSION_TYPE": "wayland",
                "XDG_CURRENT_DESKTOP": "sway:gnome" if self.bus_address else "sway",
                "QT_QPA_PLATFORM": "wayland",
                "QT_WAYLAND_DISABLE_WINDOWDECORATION": "1",
                "GDK_BACKEND": "wayland",
                "NO_AT_BRIDGE": "1",
                MARKER: self.marker,
            }
        )
        if self.bus_address:
            env["DBUS_SESSION_BUS_ADDRESS"] = self.bus_address
        if hide:
            env["PATH"] = str(self._path_without(tuple(hide), env.get("PATH", "")))
        return env

    def log(self, name: str) -> str:
        path = self.logs_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self, tail: int = 4000) -> str:
        """The end of every log of the session, for failure messages."""
        parts = []
        for path in sorted(self.logs_dir.glob("*.log")) if self.logs_dir.is_dir() else []:
            text = path.read_text(errors="replace")
            parts.append(f"--- {path.name} ---\n{text[-tail:]}")
        return "\n".join(parts)

    # sway ----------------------------------------------------------------------------

    def swaymsg(self, *args: str, timeout: float = 15) -> str:
        """Run swaymsg against this sway; its stdout. Raises HarnessError if it fails."""
        return self._run(["swaymsg", *args], timeout=timeout).stdout

    def ipc(self, message_type: str, *args: str) -> Any:
        """A sway IPC query as JSON, e.g. ipc("get_tree")."""
        return json.loads(self.swaymsg("-r", "-t", message_type, *args))

    def outputs(self) -> list[Output]:
        """The active outputs, left to right."""
        found = []
        for o in self.ipc("get_outputs"):
            if not o.get("active"):
                continue
            r, mode = o["rect"], o.get("current_mode") or {}
            found.append(
                Output(
                    name=o["name"],
                    x=r["x"],
                    y=r["y"],
                    width=r["width"],
                    height=r["height"],
                    scale=float(o.get("scale", 1.0)),
                    pixel_width=int(mode.get("width", r["width"])),
                    pixel_height=int(mode.get("height", r["height"])),
                )
            )
        return sorted(found, key=lambda o: (o.x, o.y))

    def output(self, name: str) -> Output:
        for o in self.outputs():
            if o.name == name:
                return o
        raise HarnessError(f"no active output {name}")

    def add_output(self, width: int = 1920, height: int = 1080, scale: int = 1) -> Output:
        """Add a headless output right of the others (mode width x height, physical pixels;
        integer scales only: sway 1.7 and Qt draw fractional scales blurred)."""
        before = {o.name for o in self.outputs()}
        right = max(o.x + o.width for o in self.outputs())
        self.swaymsg("create_output")
        new: list[str] = []

        def appeared() -> bool:
            new[:] = sorted({o["name"] for o in self.ipc("get_outputs")} - before)
            return bool(new)

        self._wait(appeared, "a new output", self.timeout)
        name = new[0]
        self.swaymsg(
            "output",
            name,
            "resolution",
            f"{width}x{height}",
            "position",
            str(right),
            "0",
            "scale",
            str(scale),
        )
        want = (right, 0, width // scale, height // scale)
        self._wait(
            lambda: any(o.name == name and o.rect == want and o.scale == scale for o in self.outputs()),
            f"output {name} at {want}, scale {scale}",
            self.timeout,
        )
        return self.output(name)

    def extents(self) -> Extents:
        """The bounding box of all outputs (layout coordinates)."""
        outs = self.outputs()
        x0, y0 = min(o.x for o in outs), min(o.y for o in outs)
        x1, y1 = max(o.x + o.width for o in outs), max(o.y + o.height for o in outs)
        return Extents(x0, y0, x1 - x0, y1 - y0)

    def windows(self) -> list[dict[str, Any]]:
        """Every view (window) in sway's tree, with its rect, name and fullscreen_mode."""
        found: list[dict[str, Any]] = []

        def walk(node: dict[str, Any]) -> None:
            if node.get("type") in ("con", "floating_con") and node.get("pid"):
                found.append(node)
            for child in node.get("nodes", []) + node.get("floating_nodes", []):
                walk(child)

        walk(self.ipc("get_tree"))
        return found

    # Input ---------------------------------------------------------------------------

    @property
    def pointer(self) -> VirtualPointer:
        """The session's virtual pointer (it exists from the start)."""
        if self._pointer is None:
            self._pointer = VirtualPointer(str(self.socket))
        return self._pointer

    def move_to(self, x: float, y: float) -> None:
        self.pointer.move_to(x, y, self.extents())

    def click(self, x: float, y: float) -> None:
        self.pointer.click(x, y, self.extents())

    def drag(self, x0: float, y0: float, x1: float, y1: float, steps: int = 8) -> None:
        """Press the left button at (x0, y0), move to (x1, y1) and release (layout coordinates,
        i.e. logical pixels; a scale-2 output's logical pixel is 2x2 physical ones)."""
        self.pointer.drag(x0, y0, x1, y1, self.extents(), steps=steps)

    def press_keys(self, keys: str) -> None:
        """Press and release a key combination written as in sway's bindsym, e.g.
        "Ctrl+Alt+p", through wtype's virtual keyboard. sway's own bindings see every such
        press; a client (a Qt window) may miss one: each wtype run is a new keyboard with its
        own keymap, and keys sent with a keymap switch were now and then lost (about 1 in 3)."""
        *mods, key = keys.split("+")
        try:
            names = [MODIFIERS[m.lower()] for m in mods]
        except KeyError as e:
            raise ValueError(f"unknown modifier {e} in {keys!r}; known: {sorted(MODIFIERS)}") from None
        args = (
            [a for m in names for a in ("-M", m)]
            + ["-k", key]
            + [a for m in reversed(names) for a in ("-m", m)]
        )
        self._run(["wtype", *args], timeout=15)

    def bind(
        self,
        keys: str,
        argv: Sequence[str],
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> KeyBinding:
        """Bind `keys` (sway syntax, e.g. "Ctrl+Alt+p") to run `argv` as the test's user with
        `env` (default: env()), through the relay (see the module's doc). The runs' output
        goes to the log "binding-<id>"."""
        ident = f"b{len(self._bindings) + 1}"
        binding = KeyBinding(ident, keys, argv, env if env is not None else self.env(), cwd)
        self._bindings[ident] = binding
        self.swaymsg(f"bindsym --no-repeat {keys} exec echo {ident} > {self._relay_fifo}")
        return binding

    # Pictures and screenshots ---------------------------------------------------------

    def show_picture(self, image: Path, output: str | None = None, timeout: float = 60) -> PictureWindow:
        """Show `image` full-screen on `output` (default: the first), one image pixel per
        physical pixel at the top-left corner over black. Returns once sway shows the window
        full-screen over the output and grim sees exactly the expected pixels there."""
        out = self.output(output) if output else self.outputs()[0]
        title = f"proofshot-test-picture-{len(self._pictures) + 1}"
        rgb = Image.open(image).convert("RGB")
        source = self.root / f"{title}.png"
        rgb.save(source)
        log = self._log_file(title)
        proc: subprocess.Popen[str] = subprocess.Popen(
            [sys.executable, str(PICTURE_SCRIPT), str(source), out.name, title],
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            start_new_session=True,
        )
        log.close()
        picture = PictureWindow(proc, title, out, rgb)
        self._pictures.append(picture)

        def placed() -> bool:
            if proc.poll() is not None:
                raise HarnessError(f"the picture window exited with {proc.returncode}:\n{self.logs()}")
            return any(
                w.get("name") == title
                and w.get("fullscreen_mode") == 1
                and (w["rect"]["x"], w["rect"]["y"], w["rect"]["width"], w["rect"]["height"]) == out.rect
                for w in self.windows()
            )

        self._wait(placed, f"{title} full-screen on {out.name} {out.rect}", timeout)
        self.wait_screen(out.name, picture.expected(), timeout)
        return picture

    def wait_screen(self, output: str, expected: Image.Image, timeout: float = 20) -> None:
        """Wait until grim sees exactly `expected` on `output` (physical pixels); e.g. until
        the cursor is hidden again after a drag (about 0.13 s)."""
        want = expected.convert("RGB").tobytes()
        self._wait(
            lambda: self.grim(output=output).tobytes() == want, f"grim to see the expected {output}", timeout
        )

    def grim(
        self,
        output: str | None = None,
        region: tuple[int, int, int, int] | None = None,
        scale: float | None = None,
        cursor: bool = False,
    ) -> Image.Image:
        """A screenshot by grim (as the test's user): one output at its own scale, a region
        (x, y, w, h in layout coordinates), or every output at the highest scale."""
        args = ["grim", "-t", "ppm"]
        if output is not None:
            args += ["-o", output]
        if region is not None:
            x, y, w, h = region
            args += ["-g", f"{x},{y} {w}x{h}"]
        if scale is not None:
            args += ["-s", str(scale)]
        if cursor:
            args.append("-c")
        proc = subprocess.run([*args, "-"], env=self.env(), capture_output=True, timeout=30)
        if proc.returncode != 0:
            raise HarnessError(
                f"{' '.join(args)} exited {proc.returncode}: {proc.stderr.decode(errors='replace')}"
            )
        img = Image.open(io.BytesIO(proc.stdout))
        img.load()
        return img.convert("RGB")

    # The portal ----------------------------------------------------------------------

    def start_portal(self, timeout: float = 60, hide: Sequence[str] = ()) -> str:
        """Start a session bus, pipewire and xdg-desktop-portal (which activates its wlr and
        gtk backends over D-Bus); return the bus address once org.freedesktop.portal.Desktop
        has an owner. env() then carries the bus and XDG_CURRENT_DESKTOP=sway:gnome.
        `hide` leaves programs out of the portal's PATH: without grim, xdg-desktop-portal-wlr
        answers every screenshot request with a refusal (response 2)."""
        if self.bus_address:
            return self.bus_address
        if self._portal_lock is None:
            # This session's portal may write /tmp/out.png until the session is closed.
            self._portal_lock = contextlib.ExitStack()
            self._portal_lock.enter_context(portal_file_lock())
        portal = next((p for p in PORTAL_PATHS if os.access(p, os.X_OK)), None)
        missing = [t for t in ("dbus-daemon", "pipewire", "grim") if shutil.which(t) is None]
        if portal is None:
            missing.append("xdg-desktop-portal")
        if missing or portal is None:
            raise HarnessError(
                f"missing for the portal: {', '.join(missing)} (./setup.sh --dev installs them)"
            )
        home = self.root / "portal-home"
        home.mkdir(exist_ok=True)
        address = f"unix:path={self.client_runtime / 'bus'}"
        env = {
            **self.env(hide=hide),
            "XDG_CURRENT_DESKTOP": "sway:gnome",
            "HOME": str(home),
            "DBUS_SESSION_BUS_ADDRESS": address,
        }
        read_fd, write_fd = os.pipe()
        try:
            self._spawn(
                "dbus",
                [
                    "dbus-daemon",
                    "--session",
                    "--nofork",
                    "--nopidfile",
                    f"--print-address={write_fd}",
                    f"--address={address}",
                ],
                env,
                pass_fds=(write_fd,),
            )
        finally:
            os.close(write_fd)
        with os.fdopen(read_fd, "rb") as r:
            ready, _, _ = select.select([r], [], [], timeout)
            printed = r.readline().decode().strip() if ready else ""
        if not printed:
            raise HarnessError(f"dbus-daemon did not start:\n{self.logs()}")
        self._spawn("pipewire", ["pipewire"], env)
        self._wait(lambda: (self.client_runtime / "pipewire-0").exists(), "pipewire's socket", timeout)
        # xdg-desktop-portal-wlr 0.7 polls its bus socket without asking sd-bus for queued
        # messages, so a call that arrives while it starts waits for the next message (it
        # left xdg-desktop-portal blocked for 25 s at start-up, now and then, on 2 busy cores;
        # emersion/xdg-desktop-portal-wlr#281, fixed after 0.7). Start it first and idle, and
        # ping it while waiting for the portal, which wakes it if a call is stuck anyway.
        wlr = next((p for p in WLR_PORTAL_PATHS if os.access(p, os.X_OK)), None)
        if wlr is not None:
            self._spawn("xdg-desktop-portal-wlr", [wlr, "-l", "DEBUG"], env)
            self._wait(
                lambda: _name_has_owner(address, WLR_PORTAL), "xdg-desktop-portal-wlr on the bus", timeout
            )
        self._spawn("xdg-desktop-portal", [portal, "-v"], env)
        last_ping = [time.monotonic()]

        def portal_up() -> bool:
            if _name_has_owner(address, "org.freedesktop.portal.Desktop"):
                return True
            if time.monotonic() - last_ping[0] > 1:
                last_ping[0] = time.monotonic()
                _ping(address, WLR_PORTAL)
            return False

        self._wait(portal_up, "the portal on the bus", timeout)
        self.bus_address = address
        return address

    def portal_screenshot(self, timeout: float = 20) -> PortalShot:
        """Ask the portal for a non-interactive screenshot (the test's own client, independent
        of the app's): the URI it answered and the file's bytes, read and the file deleted
        under portal_file_lock(). Raises HarnessError on a refusal or no answer."""
        with portal_file_lock():
            uri = self._portal_screenshot(timeout)
            path = Path(unquote(urlparse(uri).path))
            try:
                data = path.read_bytes()
            finally:
                path.unlink(missing_ok=True)
        return PortalShot(uri, data)

    def _portal_screenshot(self, timeout: float) -> str:
        if not self.bus_address:
            raise HarnessError("start_portal() first")
        from jeepney import DBusAddress, MatchRule, message_bus, new_method_call
        from jeepney.io.blocking import Proxy, open_dbus_connection

        with open_dbus_connection(bus=self.bus_address) as conn:
            token = f"proofshot_harness_{uuid.uuid4().hex[:12]}"
            sender = (conn.unique_name or "").lstrip(":").replace(".", "_")
            handle = f"/org/freedesktop/portal/desktop/request/{sender}/{token}"
            rule = MatchRule(
                type="signal", interface="org.freedesktop.portal.Request", member="Response", path=handle
            )
            Proxy(message_bus, conn).AddMatch(rule)
            screenshot = DBusAddress(
                "/org/freedesktop/portal/desktop",
                bus_name="org.freedesktop.portal.Desktop",
                interface="org.freedesktop.portal.Screenshot",
            )
            with conn.filter(rule) as queue:
                conn.send_and_get_reply(
                    new_method_call(
                        screenshot,
                        "Screenshot",
                        "sa{sv}",
                        ("", {"handle_token": ("s", token), "interactive": ("b", False)}),
                    ),
                    timeout=timeout,
                )
                try:
                    signal_msg = conn.recv_until_filtered(queue, timeout=timeout)
                except TimeoutError:
                    raise HarnessError(f"the portal did not answer in {timeout} s:\n{self.logs()}") from None
        response, results = signal_msg.body
        if response != 0:
            raise HarnessError(f"the portal refused the screenshot (response {response})")
        return str(results["uri"][1])

    def process(self, name: str) -> subprocess.Popen[bytes]:
        """The last process started here under `name` ("sway", "dbus", "pipewire",
        "xdg-desktop-portal", "xdg-desktop-portal-wlr", "binding-b1"...), e.g. to stop it."""
        for started, proc in reversed(self._procs):
            if started == name:
                return proc
        raise KeyError(f"no process {name!r} was started in this session")

    # Internals -----------------------------------------------------------------------

    def _log_file(self, name: str) -> IO[bytes]:
        return open(self.logs_dir / f"{name}.log", "ab")  # noqa: SIM115 (handed to a child)

    def _spawn(
        self, name: str, argv: Sequence[str], env: Mapping[str, str], pass_fds: Sequence[int] = ()
    ) -> subprocess.Popen[bytes]:
        with self._log_file(name) as log:
            proc = subprocess.Popen(
                list(argv),
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=tuple(pass_fds),
                start_new_session=True,
                cwd=self.root,
            )
        self._procs.append((name, proc))
        return proc

    def _run(self, argv: Sequence[str], timeout: float) -> subprocess.CompletedProcess[str]:
        try:
            proc = subprocess.run(list(argv), env=self.env(), capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise HarnessError(f"{' '.join(argv)} did not finish in {timeout} s:\n{self.logs()}") from e
        if proc.returncode != 0:
            raise HarnessError(f"{' '.join(argv)} exited {proc.returncode}: {proc.stdout}{proc.stderr}")
        return proc

    def _wait(self, predicate: Callable[[], bool], what: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if predicate():
                return
            if time.monotonic() >= deadline:
                raise HarnessError(f"timed out after {timeout} s waiting for {what}\n{self.logs()}")
            time.sleep(0.05)

    def _path_without(self, hidden: tuple[str, ...], path: str) -> Path:
        """A folder of links to every program on `path` except `hidden`."""
        folder = self.root / ("bin-without-" + "-".join(sorted(hidden)))
        if folder.is_dir():
            return folder
        folder.mkdir()
        for directory in path.split(os.pathsep):
            if not directory or not os.path.isdir(directory):
                continue
            for entry in os.scandir(directory):
                link = folder / entry.name
                if entry.name in hidden or os.path.lexists(link):
                    continue
                if entry.is_file() and os.access(entry.path, os.X_OK):
                    link.symlink_to(entry.path)
        return folder

    def _start_relay(self) -> None:
        os.mkfifo(self._relay_fifo, 0o600)
        os.chmod(self._relay_fifo, 0o622)  # sway's user writes, only we read
        # Opened read-write, so that it never sees end-of-file between writers.
        self._relay_fd = os.open(self._relay_fifo, os.O_RDWR)
        self._relay = threading.Thread(
            target=self._relay_loop, args=(self._relay_fd,), name="sway bindings relay", daemon=True
        )
        self._relay.start()

    def _relay_loop(self, fd: int) -> None:
        pending = b""
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                ident = line.decode(errors="replace").strip()
                if ident == "stop":
                    return
                binding = self._bindings.get(ident)
                if binding is None:
                    continue
                with self._log_file(f"binding-{ident}") as log:
                    proc = subprocess.Popen(
                        binding.argv,
                        env=binding.env,
                        cwd=binding.cwd,
                        stdin=subprocess.DEVNULL,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                self._procs.append((f"binding-{ident}", proc))
                binding._ran(proc)

    def _stop_relay(self) -> None:
        if self._relay_fd is None:
            return
        os.write(self._relay_fd, b"\nstop\n")
        if self._relay is not None:
            self._relay.join(5)
        os.close(self._relay_fd)
        self._relay_fd = None


def _name_has_owner(address: str, name: str) -> bool:
    from jeepney import message_bus
    from jeepney.io.blocking import open_dbus_connection

    try:
        with open_dbus_connection(bus=address) as conn:
            reply = conn.send_and_get_reply(message_bus.NameHasOwner(name), timeout=5)
    except (OSError, TimeoutError):
        return False
    return bool(reply.body[0])


def _ping(address: str, name: str) -> None:
    """org.freedesktop.DBus.Peer.Ping to `name`; any answer (or none) will do."""
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    peer = DBusAddress("/", bus_name=name, interface="org.freedesktop.DBus.Peer")
    try:
        with open_dbus_connection(bus=address) as conn:
            conn.send_and_get_reply(new_method_call(peer, "Ping"), timeout=1)
    except (OSError, TimeoutError):
        pass


def _stop_group(proc: subprocess.Popen[Any], timeout: float = 5) -> None:
    """SIGTERM the process group led by proc, then SIGKILL it if it has not exited."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of its group
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            continue
    proc.wait()


def _marked_pids(marker: str) -> list[int]:
    wanted = f"{MARKER}={marker}".encode()
    own = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == own:
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if wanted in f.read().split(b"\0"):
                    found.append(int(entry))
        except OSError:
            continue
    return found


def _kill_marked(marker: str, timeout: float = 5) -> None:
    """Stop every process whose environment carries this session's marker."""
    pids = _marked_pids(marker)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while pids and time.monotonic() < deadline:
        pids = [p for p in pids if alive(p)]
        if pids:
            time.sleep(0.05)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return False


def session_or_skip(log_dir: Path) -> Iterator[WaylandSession]:
    """For a pytest fixture: a started session, or a skip with the reason when sway cannot
    start here; where CI is set, a failure instead (CI installs sway through setup.sh)."""
    import pytest

    session = WaylandSession(log_dir=log_dir)
    try:
        session.start()
    except SwayUnavailable as e:
        session.close()
        if os.environ.get("CI"):
            pytest.fail(f"sway cannot start on CI: {e}")
        pytest.skip(f"sway cannot start here: {e}")
    except BaseException:
        session.close()
        raise
    try:
        yield session
    finally:
        session.close()
