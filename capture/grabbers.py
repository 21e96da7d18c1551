"""Ways of getting a screen's pixels, behind one interface, chosen in order and remembered.

- `MssGrabber`: X11, Windows and macOS (mss reads the screens directly).
- `GrimGrabber`: Wayland compositors built on wlroots (sway, Hyprland, river...): `grim`
  writes each output at its own scale into a private 0700 folder; the files are read at
  once and deleted.
- `PortalGrabber`: other Wayland desktops (GNOME, KDE...): the XDG desktop portal's
  `org.freedesktop.portal.Screenshot` over D-Bus (jeepney, docs/adr/007). The portal writes
  a file wherever its backend likes (xdg-desktop-portal-wlr: /tmp/out.png, world-readable);
  it is read, hashed and deleted at once, so no copy of a capture stays outside the library.

`ScreenGrabbers` tries the backends meant for this session in order, starting with the one
that worked last time (kept in the config folder), and says which one is in use and why the
ones before it were passed over (`GrabberStatus`, reason codes below, for the GUI to say in
the user's language).

Coordinates: a backend gets the screens as the GUI sees them (`ScreenInfo`: name, geometry
in desktop coordinates, scale) and returns one `ScreenGrab` per screen. On Wayland desktop
coordinates are the compositor's layout (logical) coordinates, as in `grim -g` and
`swaymsg -t get_outputs`; a grab's `scale` maps them to its pixels.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import shutil
import stat
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PIL import Image

from .region import Rect
from .screen import ScreenGrab, ScreenGrabFailed, grab_all
from .session import Session, session_bus_address, session_kind

log = logging.getLogger(__name__)


#: Why a backend was passed over (stable codes; the GUI says them in the user's language).
#: not_installed: its program is missing; no_wayland: no Wayland display to talk to;
#: not_wlroots: the compositor does not offer wlroots' screencopy (GNOME, KDE); no_portal:
#: no session bus or no screenshot portal on it; refused: the desktop said no; no_answer:
#: the portal did not answer in time; failed: anything else (see the log).
REASONS = ("not_installed", "no_wayland", "not_wlroots", "no_portal", "refused", "no_answer", "failed")

GRIM_TIMEOUT_S = 10.0
PORTAL_TIMEOUT_S = 8.0
#: The file that names the backend that worked last (in the config folder).
MEMORY_FILE = "screen-grabber"


class GrabFailed(ScreenGrabFailed):
    """A backend could not grab the screens; `code` is one of REASONS."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ScreenInfo:
    """A screen as the GUI sees it."""

    name: str  # the output's name ("HEADLESS-1", "DP-1"), "" when unknown
    geometry: Rect  # desktop coordinates (logical on Wayland)
    scale: float = 1.0  # device pixel ratio


class ScreenGrabber(Protocol):
    name: str

    def unavailable_reason(self) -> str | None:
        """A REASONS code when this backend cannot work here (a cheap check), else None."""
        ...

    def grab(self, screens: Sequence[ScreenInfo]) -> list[ScreenGrab]:
        """Every screen's pixels; GrabFailed says why not."""
        ...


class MssGrabber:
    """X11, Windows, macOS: mss reads every monitor in physical pixels."""

    name = "mss"

    def unavailable_reason(self) -> str | None:
        return None

    def grab(self, screens: Sequence[ScreenInfo]) -> list[ScreenGrab]:
        return grab_all()


def _decode(data: bytes, what: str) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            return img.convert("RGB") if img.mode != "RGB" else img.copy()
    except Exception as exc:  # PIL raises several kinds for a truncated or foreign file
        raise GrabFailed("failed", f"{what} is not an image Proofshot can read ({exc})") from None


class GrimGrabber:
    """wlroots compositors: `grim -o OUTPUT` for every screen, each at its own scale."""

    name = "grim"

    def __init__(self, timeout_s: float = GRIM_TIMEOUT_S, program: str = "grim") -> None:
        self.timeout_s = timeout_s
        self.program = program

    def unavailable_reason(self) -> str | None:
        if not os.environ.get("WAYLAND_DISPLAY"):
            return "no_wayland"
        if shutil.which(self.program) is None:
            return "not_installed"
        return None

    def grab(self, screens: Sequence[ScreenInfo]) -> list[ScreenGrab]:
        program = shutil.which(self.program)
        if program is None:
            raise GrabFailed("not_installed", "grim is not installed")
        if not screens or any(not s.name for s in screens):
            raise GrabFailed(
                "failed", "the names of the screens are not known, so grim cannot be told which to take"
            )
        with tempfile.TemporaryDirectory(prefix="proofshot-grab-") as folder:  # 0700
            at = time.time()
            procs = []
            for i, screen in enumerate(screens):
                path = Path(folder) / f"{i}.ppm"
                procs.append(
                    (
                        screen,
                        path,
                        subprocess.Popen(
                            [program, "-t", "ppm", "-o", screen.name, str(path)],
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE,
                        ),
                    )
                )
            grabs = []
            try:
                for i, (screen, path, proc) in enumerate(procs):
                    try:
                        _, err = proc.communicate(timeout=max(0.1, at + self.timeout_s - time.time()))
                    except subprocess.TimeoutExpired:
                        raise GrabFailed(
                            "failed", f"grim did not finish within {self.timeout_s:g} s"
                        ) from None
                    message = err.decode("utf-8", "replace").strip()
                    if proc.returncode != 0:
                        if "screencopy" in message:
                            raise GrabFailed("not_wlroots", "this desktop does not let grim read the screen")
                        raise GrabFailed(
                            "failed", f"grim could not read {screen.name} ({message or proc.returncode})"
                        )
                    try:
                        data = path.read_bytes()
                    finally:
                        path.unlink(missing_ok=True)
                    img = _decode(data, "grim's image")
                    g = screen.geometry
                    grabs.append(
                        ScreenGrab(
                            i,
                            g,
                            img.tobytes(),
                            at,
                            scale=img.width / g.width if g.width else 1.0,
                            name=screen.name,
                            pixel_size=img.size,
                            backend=self.name,
                        )
                    )
            finally:
                for _, _, proc in procs:
                    if proc.poll() is None:
                        proc.kill()
                        proc.wait()
        return grabs


def read_and_remove(path: Path, not_before: float) -> bytes:
    """The bytes of a file the portal wrote for us, which is deleted at once.

    Refuses anything but a plain file written since the request (`not_before`, time.time()),
    so a link or an older file planted under the same name is neither read nor deleted."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise GrabFailed("failed", f"the portal's screenshot could not be opened ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise GrabFailed("failed", "the portal's screenshot is not a plain file")
        if info.st_mtime < not_before - 2:
            raise GrabFailed("failed", "the portal pointed at an older file, not a new screenshot")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read()
        # Delete what we read (the same file, not whatever the name points to by now).
        with contextlib.suppress(OSError):
            now = os.stat(path, follow_symlinks=False)
            if (now.st_dev, now.st_ino) == (info.st_dev, info.st_ino):
                os.unlink(path)
    finally:
        os.close(fd)
    return data


class PortalGrabber:
    """Any Wayland desktop with the XDG screenshot portal (GNOME, KDE, wlroots with
    xdg-desktop-portal-wlr): one non-interactive Screenshot request."""

    name = "portal"

    def __init__(self, timeout_s: float | None = None) -> None:
        if timeout_s is None:
            timeout_s = float(os.environ.get("PROOFSHOT_PORTAL_TIMEOUT_S", PORTAL_TIMEOUT_S))
        self.timeout_s = timeout_s
        self.last_file_sha256 = ""  # of the portal's file, for the log

    def unavailable_reason(self) -> str | None:
        return None if session_bus_address(os.environ) else "no_portal"

    def screenshot_file(self) -> tuple[bytes, str]:
        """Ask the portal for a screenshot; (the file's bytes, its URI). The file is gone."""
        from jeepney import DBusAddress, MatchRule, MessageType, message_bus, new_method_call
        from jeepney.io.blocking import Proxy, open_dbus_connection
        from jeepney.wrappers import DBusErrorResponse

        address = session_bus_address(os.environ)
        if address is None:
            raise GrabFailed("no_portal", "there is no session bus to reach the desktop's screenshot portal")
        try:
            conn = open_dbus_connection(address)
        except Exception as exc:  # jeepney raises OSError, ValueError, or its own for a bad address
            raise GrabFailed("no_portal", f"the session bus could not be reached ({exc})") from None
        try:
            token = f"proofshot_{os.getpid()}_{int(time.monotonic() * 1000)}"
            sender = (conn.unique_name or ":0").lstrip(":").replace(".", "_")
            handle = f"/org/freedesktop/portal/desktop/request/{sender}/{token}"
            rule = MatchRule(
                type="signal", interface="org.freedesktop.portal.Request", member="Response", path=handle
            )
            deadline = time.monotonic() + self.timeout_s
            started = time.time()
            Proxy(message_bus, conn, timeout=self.timeout_s).AddMatch(rule)
            portal = DBusAddress(
                "/org/freedesktop/portal/desktop",
                bus_name="org.freedesktop.portal.Desktop",
                interface="org.freedesktop.portal.Screenshot",
            )
            call = new_method_call(
                portal,
                "Screenshot",
                "sa{sv}",
                ("", {"handle_token": ("s", token), "interactive": ("b", False)}),
            )
            with conn.filter(rule) as queue:
                try:
                    reply = conn.send_and_get_reply(call, timeout=self.timeout_s)
                except TimeoutError:
                    raise self._no_answer() from None
                if reply.header.message_type == MessageType.error:
                    name = str(reply.header.fields.get(4, ""))  # HeaderFields.error_name
                    raise GrabFailed("no_portal", f"the desktop has no screenshot portal ({name})")
                try:
                    signal = conn.recv_until_filtered(queue, timeout=max(0.0, deadline - time.monotonic()))
                except TimeoutError:
                    raise self._no_answer() from None
        except DBusErrorResponse as exc:
            raise GrabFailed(
                "no_portal", f"the desktop's screenshot portal did not take the request ({exc})"
            ) from None
        finally:
            conn.close()
        response, results = signal.body
        if response != 0:
            raise GrabFailed(
                "refused",
                "the desktop refused to let Proofshot take a screenshot: allow screenshots for "
                "Proofshot in the desktop's privacy or app settings, then try again",
            )
        uri = str(results.get("uri", ("s", ""))[1])
        parsed = urllib.parse.urlparse(uri)
        if parsed.scheme != "file" or not parsed.path:
            raise GrabFailed("failed", f"the portal answered with no screenshot file ({uri!r})")
        data = read_and_remove(Path(urllib.parse.unquote(parsed.path)), started)
        self.last_file_sha256 = hashlib.sha256(data).hexdigest()
        log.info("portal screenshot %s read and removed, sha256 %s", uri, self.last_file_sha256)
        return data, uri

    def _no_answer(self) -> GrabFailed:
        return GrabFailed(
            "no_answer",
            f"the desktop's screenshot portal did not answer within {self.timeout_s:g} s; if it asked "
            "whether to allow screenshots, allow them and try again",
        )

    def grab(self, screens: Sequence[ScreenInfo]) -> list[ScreenGrab]:
        data, _ = self.screenshot_file()
        at = time.time()
        img = _decode(data, "the portal's screenshot")
        return split_layout(img, screens, at, self.name)


def split_layout(
    img: Image.Image, screens: Sequence[ScreenInfo], at: float, backend: str
) -> list[ScreenGrab]:
    """One image of the whole layout (as the portal gives it, at the largest scale) cut into
    one grab per screen. Without screens, the image is one screen at the origin."""
    if not screens:
        return [ScreenGrab(0, Rect(0, 0, img.width, img.height), img.tobytes(), at, backend=backend)]
    left = min(s.geometry.x for s in screens)
    top = min(s.geometry.y for s in screens)
    right = max(s.geometry.right for s in screens)
    bottom = max(s.geometry.bottom for s in screens)
    scale = img.width / (right - left)
    if abs(img.height - (bottom - top) * scale) > max(2.0, scale):
        raise GrabFailed(
            "failed",
            f"the screenshot ({img.width}x{img.height}) does not match the screens' layout "
            f"({right - left}x{bottom - top}); were screens added or removed just now?",
        )
    grabs = []
    for i, screen in enumerate(screens):
        g = screen.geometry
        box = (
            round((g.x - left) * scale),
            round((g.y - top) * scale),
            round((g.right - left) * scale),
            round((g.bottom - top) * scale),
        )
        part = img.crop(box)
        grabs.append(
            ScreenGrab(
                i, g, part.tobytes(), at, scale=scale, name=screen.name, pixel_size=part.size, backend=backend
            )
        )
    return grabs


@dataclass(frozen=True)
class GrabberStatus:
    session: Session
    name: str  # the backend in use; "" before the first grab where there is a choice
    remembered: bool  # chosen because it worked before
    skipped: tuple[tuple[str, str], ...]  # (backend, REASONS code) passed over, in order


def default_grabbers(session: Session) -> list[ScreenGrabber]:
    forced = os.environ.get("PROOFSHOT_SCREEN_GRABBER", "")
    if session == "wayland":
        grabbers: list[ScreenGrabber] = [GrimGrabber(), PortalGrabber()]
    else:
        grabbers = [MssGrabber()]
    if forced:
        every: list[ScreenGrabber] = [MssGrabber(), GrimGrabber(), PortalGrabber()]
        grabbers = [g for g in every if g.name == forced] or grabbers
    return grabbers


def memory_path() -> Path:
    from storage.settings import config_dir

    return config_dir() / MEMORY_FILE


class ScreenGrabbers:
    """The backends for this session, tried in order; the one that worked is used first
    next time (also after a restart). Safe to call from a worker thread."""

    def __init__(
        self,
        session: Session | None = None,
        grabbers: Sequence[ScreenGrabber] | None = None,
        memory: Path | None = None,
    ) -> None:
        self.session: Session = session or session_kind()
        self._grabbers = list(grabbers) if grabbers is not None else default_grabbers(self.session)
        self._memory = memory
        self._lock = threading.Lock()
        self._skipped: dict[str, str] = {}
        self._chosen = ""
        self._remembered = False
        if len(self._grabbers) == 1:
            self._chosen = self._grabbers[0].name
        elif memory is not None:
            try:
                name = memory.read_text(encoding="utf-8").strip()
            except OSError:
                name = ""
            if name in {g.name for g in self._grabbers}:
                self._chosen, self._remembered = name, True

    def _order(self) -> list[ScreenGrabber]:
        return sorted(self._grabbers, key=lambda g: g.name != self._chosen)

    def grab(self, screens: Sequence[ScreenInfo]) -> list[ScreenGrab]:
        """Every screen, through the first backend that works. Raises the reason of the
        last one tried (a refused or unanswered portal at once: the user has to act)."""
        last: GrabFailed | None = None
        for grabber in self._order():
            reason = grabber.unavailable_reason()
            if reason is not None:
                with self._lock:
                    self._skipped[grabber.name] = reason
                continue
            try:
                grabs = grabber.grab(screens)
            except GrabFailed as exc:
                log.info("screen grab via %s failed: %s (%s)", grabber.name, exc, exc.code)
                with self._lock:
                    self._skipped[grabber.name] = exc.code
                    if self._chosen == grabber.name:
                        self._chosen, self._remembered = "", False
                last = exc
                if exc.code in ("refused", "no_answer"):
                    raise
                continue
            except ScreenGrabFailed as exc:
                raise GrabFailed("failed", str(exc)) from None
            self._keep(grabber.name)
            return grabs
        if last is not None:
            raise last
        names = ", ".join(f"{name}: {code}" for name, code in self._skipped.items())
        raise GrabFailed("failed", f"no way to read the screen works here ({names})")

    def _keep(self, name: str) -> None:
        with self._lock:
            self._skipped.pop(name, None)
            if self._chosen == name:
                return
            self._chosen = name
        if self._memory is not None and len(self._grabbers) > 1:
            try:
                from storage.files import write_atomic

                self._memory.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(self._memory, name.encode())
            except OSError as exc:
                log.warning("could not remember the screen grabber (%s)", exc)

    def status(self) -> GrabberStatus:
        with self._lock:
            chosen = self._chosen
            before = [g.name for g in self._order()]
            skipped = tuple(
                (name, self._skipped[name]) for name in before if name in self._skipped and name != chosen
            )
            return GrabberStatus(self.session, chosen, self._remembered, skipped)
