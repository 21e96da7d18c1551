"""The desktop's top-level windows, top-most first: for snapping a selection to a window and
for recording which window a capture came from (issue 12).

Plain Python, no Qt. X11 through python-xlib (which pynput brings): the window manager's
`_NET_CLIENT_LIST_STACKING` when it keeps one, each window's rectangle being its frame (the
window manager's decoration included: the chat window's title bar with the seller's name is
inside), else the root window's mapped children in stacking order. sway through
`swaymsg -t get_tree`. Elsewhere the list is empty and a capture's window is "not recorded".

`top_level_windows` never raises: whatever fails is logged and gives an empty (or shorter)
list, since a capture must never fail because its source could not be named. It runs once
per capture, right after the screens are grabbed (never before: the grab comes first).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.records import CaptureOrigin

from .region import Rect
from .screen import ScreenGrab

log = logging.getLogger(__name__)
timing = logging.getLogger("proofshot.timing")

#: Our own capture overlay's title (gui.overlay.WINDOW_TITLE): never a window to snap to.
OVERLAY_TITLE = "Proofshot capture"
#: How long swaymsg may take before the list is given up.
SWAYMSG_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class WindowInfo:
    """One top-level window. `frame` is in desktop coordinates and includes the window
    manager's frame; `app` is WM_CLASS's class (else the process name; sway: the app_id),
    `wm_class` WM_CLASS as "instance.Class" ("" when the window has none)."""

    frame: Rect
    title: str
    app: str
    wm_class: str = ""
    pid: int | None = None
    window_id: int | None = None


def window_at(windows: Sequence[WindowInfo], x: int, y: int) -> WindowInfo | None:
    """The top-most of `windows` (top-most first) whose frame holds the desktop point."""
    for w in windows:
        f = w.frame
        if f.x <= x < f.right and f.y <= y < f.bottom:
            return w
    return None


def window_for_region(windows: Sequence[WindowInfo], region: Rect) -> WindowInfo | None:
    """The window a region was taken from: the top-most one under its centre."""
    return window_at(windows, region.x + region.width // 2, region.y + region.height // 2)


def capture_origin(
    grab: ScreenGrab, region: Rect | None, window: WindowInfo | None, output: str | None = None
) -> CaptureOrigin:
    """What a capture records of where its pixels came from: the window (None: not
    recorded), the output (`output`, else the grab's own name), the rectangle in desktop
    coordinates (`region`, else the whole screen) and the backend that grabbed it."""
    rect = grab.geometry if region is None else region
    return CaptureOrigin(
        app=window.app or None if window is not None else None,
        title=window.title or None if window is not None else None,
        window_class=window.wm_class or None if window is not None else None,
        output=output or grab.name or None,
        rect=rect.as_tuple(),
        backend=grab.backend or None,
    )


def top_level_windows(env: Mapping[str, str] | None = None) -> list[WindowInfo]:
    """The desktop's top-level windows, top-most first; [] where they cannot be listed."""
    env = os.environ if env is None else env
    t0 = time.perf_counter()
    try:
        if env.get("SWAYSOCK") and env.get("WAYLAND_DISPLAY"):
            windows = sway_windows(env)
        elif env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
            windows = x11_windows(env["DISPLAY"])
        else:
            windows = []
    except Exception as exc:  # python-xlib's errors, OSError, bad JSON...: never the caller's problem
        log.warning("the desktop's windows could not be listed (%s: %s)", type(exc).__name__, exc)
        windows = []
    timing.info("windows_listed_ms=%.1f count=%d", (time.perf_counter() - t0) * 1000, len(windows))
    return windows


# ---------------------------------------------------------------------------- X11


def _process_name(pid: int | None) -> str:
    if not pid:
        return ""
    try:
        return Path(f"/proc/{pid}/comm").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def _text(value: Any, encoding: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode(encoding, errors="replace")
    if isinstance(value, str):
        return value
    return bytes(value).decode(encoding, errors="replace")


class _X11Lister:
    """One pass over an X server's windows (python-xlib has no type hints: Any inside)."""

    def __init__(self, display_name: str) -> None:
        from Xlib import X, Xatom, display  # type: ignore[import-not-found,import-untyped,unused-ignore]

        self.X: Any = X
        self.wm_name: int = Xatom.WM_NAME
        self.d: Any = display.Display(display_name)
        self.root: Any = self.d.screen().root
        atom = self.d.intern_atom
        self.utf8 = atom("UTF8_STRING")
        self.net_wm_name = atom("_NET_WM_NAME")
        self.net_wm_pid = atom("_NET_WM_PID")
        self.stacking = atom("_NET_CLIENT_LIST_STACKING")
        self.extents = atom("_NET_FRAME_EXTENTS")
        self.wm_state = atom("WM_STATE")
        self.net_wm_state = atom("_NET_WM_STATE")
        self.hidden = atom("_NET_WM_STATE_HIDDEN")

    def close(self) -> None:
        try:
            self.d.close()
        except Exception:
            log.debug("closing the X connection failed", exc_info=True)

    def _prop(self, window: Any, atom: int, kind: int) -> Any:
        prop = window.get_full_property(atom, kind)
        return None if prop is None else prop.value

    def windows(self) -> list[WindowInfo]:
        stacking = self._prop(self.root, self.stacking, self.X.AnyPropertyType)
        if stacking is not None and len(stacking):
            clients = [self.d.create_resource_object("window", int(wid)) for wid in stacking]
            found = (self._managed(w) for w in reversed(clients))
        else:
            found = (self._unmanaged(w) for w in reversed(self.root.query_tree().children))
        out: list[WindowInfo] = []
        for info in found:
            if info is not None and info.title != OVERLAY_TITLE and not info.frame.empty:
                out.append(info)
        return out

    def _describe(self, client: Any, frame: Rect) -> WindowInfo:
        title = _text(self._prop(client, self.net_wm_name, self.utf8), "utf-8")
        if not title:
            title = _text(self._prop(client, self.wm_name, self.X.AnyPropertyType), "latin-1")
        wm_class = client.get_wm_class()
        pid_value = self._prop(client, self.net_wm_pid, self.X.AnyPropertyType)
        pid = int(pid_value[0]) if pid_value is not None and len(pid_value) else None
        instance, klass = (wm_class[0] or "", wm_class[1] or "") if wm_class else ("", "")
        return WindowInfo(
            frame=frame,
            title=title,
            app=klass or _process_name(pid),
            wm_class=f"{instance}.{klass}" if klass else "",
            pid=pid,
            window_id=int(client.id),
        )

    def _top_ancestor(self, window: Any) -> Any:
        """The window's ancestor that is a child of the root (its window manager frame),
        or the window itself when the window manager does not reparent."""
        while True:
            parent = window.query_tree().parent
            if not parent or int(parent.id) in (0, int(self.root.id)):
                return window
            window = parent

    def _outer(self, window: Any) -> Rect:
        g = window.get_geometry()
        border = int(g.border_width)
        return Rect(int(g.x), int(g.y), int(g.width) + 2 * border, int(g.height) + 2 * border)

    def _managed(self, client: Any) -> WindowInfo | None:
        try:
            states = self._prop(client, self.net_wm_state, self.X.AnyPropertyType)
            if states is not None and self.hidden in list(states):
                return None  # minimised
            top = self._top_ancestor(client)
            if top.get_attributes().map_state != self.X.IsViewable:
                return None
            if int(top.id) != int(client.id):
                frame = self._outer(top)
            else:  # not reparented: the client where it is, with the frame the WM says it drew
                g = client.get_geometry()
                pos = client.translate_coords(self.root, 0, 0)
                x, y = -int(pos.x), -int(pos.y)
                frame = Rect(x, y, int(g.width), int(g.height))
                ext = self._prop(client, self.extents, self.X.AnyPropertyType)
                if ext is not None and len(ext) == 4:
                    left, right, top_e, bottom = (int(v) for v in ext)
                    frame = Rect(
                        x - left, y - top_e, frame.width + left + right, frame.height + top_e + bottom
                    )
            return self._describe(client, frame)
        except Exception as exc:  # BadWindow: gone meanwhile
            log.debug("window %s skipped (%s)", getattr(client, "id", "?"), exc)
            return None

    def _unmanaged(self, window: Any) -> WindowInfo | None:
        """A child of the root without a window manager that lists its clients."""
        try:
            attrs = window.get_attributes()
            if attrs.map_state != self.X.IsViewable or attrs.override_redirect:
                return None
            frame = self._outer(window)
            client = self._client_of(window) or window
            return self._describe(client, frame)
        except Exception as exc:
            log.debug("window %s skipped (%s)", getattr(window, "id", "?"), exc)
            return None

    def _client_of(self, window: Any, depth: int = 2) -> Any | None:
        """The application's window inside `window` (itself or a descendant with WM_STATE,
        as a window manager that keeps no list still sets it), else None."""
        if window.get_full_property(self.wm_state, self.X.AnyPropertyType) is not None:
            return window
        if depth == 0:
            return None
        for child in reversed(window.query_tree().children):
            found = self._client_of(child, depth - 1)
            if found is not None:
                return found
        return None


def x11_windows(display_name: str) -> list[WindowInfo]:
    lister = _X11Lister(display_name)
    try:
        return lister.windows()
    finally:
        lister.close()


# ---------------------------------------------------------------------------- sway


def sway_windows(env: Mapping[str, str]) -> list[WindowInfo]:
    """sway's visible windows: full-screen ones first, then floating (last drawn on top),
    then tiled (which do not overlap)."""
    swaymsg = shutil.which("swaymsg", path=env.get("PATH"))
    if swaymsg is None:
        return []
    proc = subprocess.run(
        [swaymsg, "-t", "get_tree", "-r"],
        capture_output=True,
        timeout=SWAYMSG_TIMEOUT_S,
        env=dict(env),
        check=True,
    )
    return windows_from_sway_tree(json.loads(proc.stdout))


def windows_from_sway_tree(tree: Mapping[str, Any]) -> list[WindowInfo]:
    fullscreen: list[WindowInfo] = []
    floating: list[WindowInfo] = []
    tiled: list[WindowInfo] = []

    def visit(node: Mapping[str, Any], is_floating: bool) -> None:
        is_window = node.get("app_id") is not None or bool(node.get("window_properties"))
        if node.get("pid") is not None and is_window and node.get("visible"):
            info = _sway_window(node)
            if info is not None and info.title != OVERLAY_TITLE:
                if node.get("fullscreen_mode"):
                    fullscreen.append(info)
                elif is_floating:
                    floating.append(info)
                else:
                    tiled.append(info)
        for child in node.get("nodes") or ():
            visit(child, is_floating)
        for child in node.get("floating_nodes") or ():
            visit(child, True)

    visit(tree, False)
    return fullscreen + floating[::-1] + tiled


def _sway_window(node: Mapping[str, Any]) -> WindowInfo | None:
    r = node.get("rect") or {}
    frame = Rect(int(r.get("x", 0)), int(r.get("y", 0)), int(r.get("width", 0)), int(r.get("height", 0)))
    if frame.empty:
        return None
    props = node.get("window_properties") or {}
    klass = str(props.get("class") or "")
    instance = str(props.get("instance") or "")
    pid = int(node["pid"]) if node.get("pid") else None
    return WindowInfo(
        frame=frame,
        title=str(node.get("name") or ""),
        app=str(node.get("app_id") or klass or _process_name(pid)),
        wm_class=f"{instance}.{klass}" if klass else "",
        pid=pid,
        window_id=int(node["id"]) if node.get("id") is not None else None,
    )
