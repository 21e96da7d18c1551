"""Global hotkey backends (plain Python; the GUI turns callbacks into queued signals).

Backends are tried in order; each says whether it can work here and, if not, why and
what to do. Today: pynput (X11, Windows, macOS). Wayland forbids global key
listening, so there the user binds `main.py capture` as a desktop shortcut instead.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from typing import Any, Protocol

from .errors import KnownCaptureError

log = logging.getLogger(__name__)

MODIFIERS = {
    "ctrl": "<ctrl>",
    "control": "<ctrl>",
    "alt": "<alt>",
    "shift": "<shift>",
    "meta": "<cmd>",
    "super": "<cmd>",
    "win": "<cmd>",
    "cmd": "<cmd>",
}
NAMED_KEYS = {
    "print": "<print_screen>",
    "printscreen": "<print_screen>",
    "space": "<space>",
    "tab": "<tab>",
    "esc": "<esc>",
    "escape": "<esc>",
    "insert": "<insert>",
    "home": "<home>",
    "end": "<end>",
    "pause": "<pause>",
    **{f"f{i}": f"<f{i}>" for i in range(1, 25)},
}
#: Shortcuts other programs (or the desktop) already use; taking them would break those.
RESERVED = {
    "ctrl+c": "copy",
    "ctrl+v": "paste",
    "ctrl+x": "cut",
    "ctrl+z": "undo",
    "ctrl+a": "select all",
    "ctrl+s": "save",
    "ctrl+f": "find",
    "ctrl+w": "close tab",
    "ctrl+q": "quit",
    "alt+tab": "switch windows",
    "alt+f4": "close window",
    "ctrl+alt+delete": "the system menu",
    "ctrl+alt+t": "open a terminal",
    "ctrl+alt+l": "lock the screen",
    "alt+a": "WeChat's own screenshot",
    "ctrl+alt+a": "QQ's own screenshot",
    "ctrl+alt+z": "QQ's message window",
}


class HotkeyUnavailable(KnownCaptureError):
    """No global hotkey backend works on this desktop."""


class HotkeyBackend(Protocol):
    name: str

    def start(self, hotkey: str, callback: Callable[[], None]) -> None: ...

    def stop(self) -> None: ...


def _parts(hotkey: str) -> list[str]:
    return [p.strip().lower() for p in hotkey.replace(" ", "").split("+") if p.strip()]


def canonical(hotkey: str) -> str:
    """'ctrl + alt + p' -> 'Ctrl+Alt+P' (modifiers in a fixed order)."""
    parts = _parts(hotkey)
    order = ["ctrl", "alt", "shift", "meta"]
    mods = sorted(
        {
            "ctrl" if p == "control" else "meta" if p in ("super", "win", "cmd") else p
            for p in parts
            if p in MODIFIERS
        },
        key=order.index,
    )
    keys = [p for p in parts if p not in MODIFIERS]
    return "+".join(
        [m.capitalize() for m in mods] + [k.upper() if len(k) == 1 else k.capitalize() for k in keys]
    )


def hotkey_problem(hotkey: str) -> str | None:
    """Why `hotkey` is a bad choice, or None when it is fine."""
    parts = _parts(hotkey)
    keys = [p for p in parts if p not in MODIFIERS]
    mods = [p for p in parts if p in MODIFIERS]
    if len(keys) != 1:
        return "a shortcut is one key with modifiers, such as Ctrl+Alt+P"
    key = keys[0]
    if len(key) != 1 and key not in NAMED_KEYS:
        return f"the key '{key}' cannot be used for a global shortcut"
    if (
        not mods
        and not (key.startswith("f") and len(key) > 1)
        and key not in ("print", "printscreen", "pause")
    ):
        return "add Ctrl, Alt or Shift, or the shortcut would fire while you type"
    if mods == ["shift"] and len(key) == 1:
        return "Shift with a letter types a capital; add Ctrl or Alt"
    taken = RESERVED.get(canonical(hotkey).lower())
    if taken:
        return f"{canonical(hotkey)} is already used for {taken}"
    return None


def to_pynput(hotkey: str) -> str:
    out = []
    for p in _parts(hotkey):
        if p in MODIFIERS:
            out.append(MODIFIERS[p])
        elif p in NAMED_KEYS:
            out.append(NAMED_KEYS[p])
        else:
            out.append(p)
    return "+".join(out)


class PynputBackend:
    name = "pynput"

    def __init__(self) -> None:
        self._listener: Any = None

    @staticmethod
    def unavailable_reason() -> str | None:
        if sys.platform.startswith("linux"):
            if os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("DISPLAY"):
                return "Wayland does not let apps listen for global keys"
            if not os.environ.get("DISPLAY"):
                return "there is no X display to listen on"
        return None

    def start(self, hotkey: str, callback: Callable[[], None]) -> None:
        reason = self.unavailable_reason()
        if reason:
            raise HotkeyUnavailable(reason)
        try:
            from pynput import keyboard

            listener = keyboard.GlobalHotKeys({to_pynput(hotkey): callback})
            listener.daemon = True
            listener.start()
            listener.wait()
        except HotkeyUnavailable:
            raise
        except Exception as exc:  # pynput raises ImportError, ValueError, Xlib errors...
            raise HotkeyUnavailable(f"the global shortcut {hotkey} could not be set up ({exc})") from None
        self._listener = listener

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.stop()
            self._listener = None


BACKENDS: tuple[type[PynputBackend], ...] = (PynputBackend,)


def start_hotkey(hotkey: str, callback: Callable[[], None]) -> HotkeyBackend:
    """Start the first backend that works; HotkeyUnavailable says why none does."""
    reasons = []
    for cls in BACKENDS:
        backend = cls()
        try:
            backend.start(hotkey, callback)
            log.info("global shortcut %s via %s", hotkey, backend.name)
            return backend
        except HotkeyUnavailable as exc:
            reasons.append(str(exc))
    raise HotkeyUnavailable(
        "; ".join(reasons)
        + ". Bind this command to a keyboard shortcut in your desktop's settings instead: "
        + f"{sys.executable} {os.path.abspath(sys.argv[0] or 'main.py')} capture"
    )
