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
from dataclasses import dataclass
from typing import Any, Literal, Protocol

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
#: The values are stable codes: the GUI translates them, `USED_FOR` says them in English.
RESERVED = {
    "ctrl+c": "copy",
    "ctrl+v": "paste",
    "ctrl+x": "cut",
    "ctrl+z": "undo",
    "ctrl+a": "select_all",
    "ctrl+s": "save",
    "ctrl+f": "find",
    "ctrl+w": "close_tab",
    "ctrl+q": "quit",
    "alt+tab": "switch_windows",
    "alt+f4": "close_window",
    "ctrl+alt+delete": "system_menu",
    "ctrl+alt+t": "terminal",
    "ctrl+alt+l": "lock_screen",
    "alt+a": "wechat_screenshot",
    "ctrl+alt+a": "qq_screenshot",
    "ctrl+alt+z": "qq_messages",
}
USED_FOR = {
    "copy": "copy",
    "paste": "paste",
    "cut": "cut",
    "undo": "undo",
    "select_all": "select all",
    "save": "save",
    "find": "find",
    "close_tab": "close tab",
    "quit": "quit",
    "switch_windows": "switch windows",
    "close_window": "close window",
    "system_menu": "the system menu",
    "terminal": "open a terminal",
    "lock_screen": "lock the screen",
    "wechat_screenshot": "WeChat's own screenshot",
    "qq_screenshot": "QQ's own screenshot",
    "qq_messages": "QQ's message window",
}

IssueCode = Literal["not_one_key", "unusable_key", "needs_modifier", "shift_letter", "reserved"]


@dataclass(frozen=True)
class HotkeyIssue:
    """Why a shortcut is a bad choice, as data, so the GUI can say it in the user's language.

    `key` is the offending key ("unusable_key"), or the whole shortcut in canonical form
    ("reserved"); `used_for_code` is a `USED_FOR` code ("reserved" only).
    """

    code: IssueCode
    key: str = ""
    used_for_code: str = ""


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


def hotkey_issue(hotkey: str) -> HotkeyIssue | None:
    """Why `hotkey` is a bad choice, or None when it is fine."""
    parts = _parts(hotkey)
    keys = [p for p in parts if p not in MODIFIERS]
    mods = [p for p in parts if p in MODIFIERS]
    if len(keys) != 1:
        return HotkeyIssue("not_one_key")
    key = keys[0]
    if len(key) != 1 and key not in NAMED_KEYS:
        return HotkeyIssue("unusable_key", key=key)
    if (
        not mods
        and not (key.startswith("f") and len(key) > 1)
        and key not in ("print", "printscreen", "pause")
    ):
        return HotkeyIssue("needs_modifier", key=key)
    if mods == ["shift"] and len(key) == 1:
        return HotkeyIssue("shift_letter", key=key)
    taken = RESERVED.get(canonical(hotkey).lower())
    if taken:
        return HotkeyIssue("reserved", key=canonical(hotkey), used_for_code=taken)
    return None


def hotkey_problem(hotkey: str) -> str | None:
    """Why `hotkey` is a bad choice in English (for the command line), or None when it is fine."""
    issue = hotkey_issue(hotkey)
    if issue is None:
        return None
    if issue.code == "not_one_key":
        return "a shortcut is one key with modifiers, such as Ctrl+Alt+P"
    if issue.code == "unusable_key":
        return f"the key '{issue.key}' cannot be used for a global shortcut"
    if issue.code == "needs_modifier":
        return "add Ctrl, Alt or Shift, or the shortcut would fire while you type"
    if issue.code == "shift_letter":
        return "Shift with a letter types a capital; add Ctrl or Alt"
    return f"{issue.key} is already used for {USED_FOR.get(issue.used_for_code, issue.used_for_code)}"


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
