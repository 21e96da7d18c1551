"""Global hotkey backends (plain Python; the GUI turns callbacks into queued signals).

Backends are tried in order; each says whether it can work here and, if not, why and
what to do:

- pynput (X11, Windows, macOS): a global key listener;
- global-shortcuts (Wayland): the XDG GlobalShortcuts portal over D-Bus (jeepney), where the
  desktop offers it (KDE; GNOME from 48). Wayland forbids listening to global keys, so this is
  the only way an app gets a shortcut there.

When none works on Wayland, `HotkeyUnavailable.needs_desktop_shortcut` is True: the user binds
`main.py capture` as a shortcut in the desktop's settings instead (the GUI explains how).
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from .errors import KnownCaptureError
from .session import session_bus_address, session_kind

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


#: Why a hotkey backend cannot be used here (stable codes; `HotkeyUnavailable.code`):
#: "wayland" (global key listening is not allowed), "no_display" (no X display),
#: "not_wayland" (the portal is only used on Wayland), "no_bus" (no session bus),
#: "no_portal" (the desktop has no GlobalShortcuts portal), "no_answer" (the portal did not
#: answer in time), "refused" (the portal or the user declined), "failed" (anything else).
HotkeyReason = Literal[
    "wayland", "no_display", "not_wayland", "no_bus", "no_portal", "no_answer", "refused", "failed"
]


class HotkeyUnavailable(KnownCaptureError):
    """No global hotkey backend works on this desktop (or this one backend does not).

    The message is English, for the log and the command line. For the GUI: `code` is a
    `HotkeyReason`; `needs_desktop_shortcut` is True where the remedy is to bind
    `main.py capture` in the desktop's keyboard settings (Wayland); `tried` lists
    (backend name, code) for each backend that was tried, in order.
    """

    def __init__(
        self,
        message: str,
        *,
        code: HotkeyReason = "failed",
        needs_desktop_shortcut: bool = False,
        tried: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(message)
        self.code: HotkeyReason = code
        self.needs_desktop_shortcut = needs_desktop_shortcut
        self.tried = tried


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


#: xkb keysym names of the keys `hotkey_issue` accepts that are not plain letters or digits.
_KEYSYMS = {
    "print": "Print",
    "printscreen": "Print",
    "space": "space",
    "tab": "Tab",
    "esc": "Escape",
    "escape": "Escape",
    "insert": "Insert",
    "home": "Home",
    "end": "End",
    "pause": "Pause",
    **{f"f{i}": f"F{i}" for i in range(1, 25)},
    ",": "comma",
    ".": "period",
    "/": "slash",
    ";": "semicolon",
    "'": "apostrophe",
    "[": "bracketleft",
    "]": "bracketright",
    "\\": "backslash",
    "-": "minus",
    "=": "equal",
    "`": "grave",
}


def keysym(key: str) -> str:
    """The xkb keysym name of one key ("p" -> "p", "f9" -> "F9", "print" -> "Print")."""
    key = key.lower()
    return _KEYSYMS.get(key, key)


def split_hotkey(hotkey: str) -> tuple[list[str], str]:
    """(modifiers as "ctrl"/"alt"/"shift"/"meta" in a fixed order, the one key in lower case)."""
    parts = canonical(hotkey).split("+")
    mods = [p.lower() for p in parts if p.lower() in ("ctrl", "alt", "shift", "meta")]
    keys = [p.lower() for p in parts if p.lower() not in ("ctrl", "alt", "shift", "meta")]
    return mods, (keys[-1] if keys else "")


def to_xdg_trigger(hotkey: str) -> str:
    """'Ctrl+Alt+P' -> 'CTRL+ALT+p': the XDG shortcuts format a portal's `preferred_trigger` takes
    (modifiers CTRL, ALT, SHIFT, LOGO, then an xkb keysym name)."""
    mods, key = split_hotkey(hotkey)
    names = {"ctrl": "CTRL", "alt": "ALT", "shift": "SHIFT", "meta": "LOGO"}
    return "+".join([names[m] for m in mods] + ([keysym(key)] if key else []))


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
        code = PynputBackend.unavailable_code()
        if code == "wayland":
            return "Wayland does not let apps listen for global keys"
        if code == "no_display":
            return "there is no X display to listen on"
        return None

    @staticmethod
    def unavailable_code() -> HotkeyReason | None:
        if sys.platform.startswith("linux"):
            if os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("DISPLAY"):
                return "wayland"
            if not os.environ.get("DISPLAY"):
                return "no_display"
        return None

    def start(self, hotkey: str, callback: Callable[[], None]) -> None:
        reason = self.unavailable_reason()
        code = self.unavailable_code()
        if reason and code:
            raise HotkeyUnavailable(reason, code=code, needs_desktop_shortcut=code == "wayland")
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


def wayland_session(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """True on a Wayland session (capture.session.session_kind)."""
    return session_kind(environ, platform) == "wayland"


PORTAL_BUS_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS_INTERFACE = "org.freedesktop.portal.GlobalShortcuts"
REQUEST_INTERFACE = "org.freedesktop.portal.Request"
SESSION_INTERFACE = "org.freedesktop.portal.Session"
#: The one shortcut Proofshot binds.
SHORTCUT_ID = "capture"
SHORTCUT_DESCRIPTION = "Capture a region"
#: Seconds to wait for each answer of the portal.
PORTAL_TIMEOUT_S = 5.0
#: D-Bus errors that mean "there is no such portal here".
_NO_PORTAL_ERRORS = (
    "org.freedesktop.DBus.Error.ServiceUnknown",
    "org.freedesktop.DBus.Error.UnknownMethod",
    "org.freedesktop.DBus.Error.UnknownInterface",
    "org.freedesktop.DBus.Error.UnknownObject",
    "org.freedesktop.DBus.Error.NameHasNoOwner",
    "org.freedesktop.DBus.Error.Spawn.ChildExited",
    "org.freedesktop.DBus.Error.Spawn.ServiceNotFound",
)


class PortalShortcutsBackend:
    """The XDG GlobalShortcuts portal (Wayland): one session with one shortcut, "capture".

    CreateSession and BindShortcuts each answer with a Request whose `Response` signal carries
    the result; then the portal emits `Activated` for the session whenever the user presses the
    shortcut, and the callback runs on a daemon thread of ours. Every wait is bounded by
    `timeout_s`; a portal that is missing, refuses or does not answer raises
    HotkeyUnavailable (with `needs_desktop_shortcut`). `stop()` closes the session.
    """

    name = "global-shortcuts"

    def __init__(self, timeout_s: float | None = None, bus_address: str | None = None) -> None:
        if timeout_s is None:
            timeout_s = float(os.environ.get("PROOFSHOT_PORTAL_TIMEOUT_S", PORTAL_TIMEOUT_S))
        self.timeout_s = timeout_s
        self._address = bus_address
        self._router: Any = None
        self._conn: Any = None
        self._activations: queue.Queue[Any] | None = None
        self._filter: Any = None
        self._thread: threading.Thread | None = None
        self.session_handle = ""
        #: What the desktop says the shortcut is ("Ctrl+Alt+P"), when it says.
        self.trigger_description = ""
        self._token = 0

    def unavailable_code(self) -> HotkeyReason | None:
        if not wayland_session():
            return "not_wayland"
        if (self._address or session_bus_address(os.environ)) is None:
            return "no_bus"
        return None

    def _fail(self, code: HotkeyReason, reason: str) -> HotkeyUnavailable:
        return HotkeyUnavailable(reason, code=code, needs_desktop_shortcut=True)

    def _new_token(self) -> str:
        self._token += 1
        return f"proofshot_{os.getpid()}_{self._token}_{int(time.monotonic() * 1000)}"

    def start(self, hotkey: str, callback: Callable[[], None]) -> None:
        """Bind `hotkey` as the desktop's preferred trigger for "capture" and listen for it."""
        address = self._address or session_bus_address(os.environ)
        if address is None:
            raise self._fail("no_bus", "there is no session bus to reach the desktop's shortcuts portal")
        from jeepney.io.threading import DBusRouter, open_dbus_connection

        try:
            conn = open_dbus_connection(address, auth_timeout=self.timeout_s)
        except Exception as exc:  # OSError, TimeoutError, ValueError for a bad address, jeepney's own
            raise self._fail("no_bus", f"the session bus could not be reached ({exc})") from None
        self._conn = conn
        self._router = DBusRouter(conn)
        try:
            self._bind(hotkey)
        except BaseException:
            self._close(close_session=bool(self.session_handle))
            raise
        self._thread = threading.Thread(
            target=self._listen, args=(callback,), name="proofshot-global-shortcuts", daemon=True
        )
        self._thread.start()

    def _bind(self, hotkey: str) -> None:
        from jeepney import DBusAddress, MatchRule, message_bus, new_method_call
        from jeepney.io.threading import Proxy

        router = self._router
        bus = Proxy(message_bus, router, timeout=self.timeout_s)
        responses: queue.Queue[Any] = queue.Queue()
        activations: queue.Queue[Any] = queue.Queue()
        response_rule = MatchRule(type="signal", interface=REQUEST_INTERFACE, member="Response")
        activated_rule = MatchRule(
            type="signal", interface=SHORTCUTS_INTERFACE, member="Activated", path=PORTAL_PATH
        )
        try:
            bus.AddMatch(response_rule)
            bus.AddMatch(activated_rule)
        except Exception as exc:  # TimeoutError, DBusErrorResponse
            raise self._fail(
                "no_bus", f"the session bus did not take a signal subscription ({exc})"
            ) from None
        self._filter = router.filter(response_rule, queue=responses)
        self._activations = activations
        router.filter(activated_rule, queue=activations)
        portal = DBusAddress(PORTAL_PATH, bus_name=PORTAL_BUS_NAME, interface=SHORTCUTS_INTERFACE)

        session_token = self._new_token()
        results = self._request(
            new_method_call(
                portal,
                "CreateSession",
                "a{sv}",
                ({"handle_token": ("s", self._new_token()), "session_handle_token": ("s", session_token)},),
            ),
            responses,
            "create a shortcuts session",
        )
        session = results.get("session_handle", ("s", ""))[1]
        if not session:
            raise self._fail("failed", "the desktop's shortcuts portal gave no session")
        self.session_handle = str(session)

        shortcut = (
            SHORTCUT_ID,
            {
                "description": ("s", SHORTCUT_DESCRIPTION),
                "preferred_trigger": ("s", to_xdg_trigger(hotkey)),
            },
        )
        results = self._request(
            new_method_call(
                portal,
                "BindShortcuts",
                "oa(sa{sv})sa{sv}",
                (self.session_handle, [shortcut], "", {"handle_token": ("s", self._new_token())}),
            ),
            responses,
            "bind the capture shortcut",
        )
        bound = results.get("shortcuts", ("a(sa{sv})", []))[1]
        ids = {str(item[0]) for item in bound}
        if bound and SHORTCUT_ID not in ids:
            raise self._fail("refused", "the desktop did not bind the capture shortcut")
        for item in bound:
            if str(item[0]) == SHORTCUT_ID:
                described = item[1].get("trigger_description", ("s", ""))[1]
                self.trigger_description = str(described)

    def _request(self, call: Any, responses: queue.Queue[Any], what: str) -> dict[str, Any]:
        """Call a portal method that answers with a Request; the Response's results."""
        from jeepney import HeaderFields, MessageType

        deadline = time.monotonic() + self.timeout_s
        try:
            reply = self._router.send_and_get_reply(call, timeout=self.timeout_s)
        except TimeoutError:
            raise self._no_answer(what) from None
        except Exception as exc:  # RouterClosed, OSError: the bus went away
            raise self._fail("no_bus", f"the session bus closed while asking to {what} ({exc})") from None
        if reply.header.message_type == MessageType.error:
            name = str(reply.header.fields.get(HeaderFields.error_name, ""))
            detail = f" ({reply.body[0]})" if reply.body and isinstance(reply.body[0], str) else ""
            if name in _NO_PORTAL_ERRORS:
                raise self._fail("no_portal", f"this desktop has no global shortcuts portal ({name})")
            raise self._fail("failed", f"the desktop's shortcuts portal could not {what}: {name}{detail}")
        handle = str(reply.body[0])
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._no_answer(what)
            try:
                signal = responses.get(timeout=remaining)
            except queue.Empty:
                raise self._no_answer(what) from None
            if signal.header.fields.get(HeaderFields.path) == handle:
                break
        response, results = signal.body
        if response != 0:
            raise self._fail(
                "refused",
                f"the desktop declined to {what}"
                + (" (cancelled)" if response == 1 else "")
                + "; bind the capture command in the desktop's keyboard settings instead",
            )
        return dict(results)

    def _no_answer(self, what: str) -> HotkeyUnavailable:
        return self._fail(
            "no_answer",
            f"the desktop's shortcuts portal did not answer within {self.timeout_s:g} s when asked to {what}",
        )

    def _listen(self, callback: Callable[[], None]) -> None:
        activations = self._activations
        assert activations is not None
        while True:
            signal = activations.get()
            if signal is None:  # stop()
                return
            session, shortcut_id = signal.body[0], signal.body[1]
            if str(session) != self.session_handle or shortcut_id != SHORTCUT_ID:
                continue
            try:
                callback()
            except Exception:
                log.exception("the capture shortcut's callback failed")

    def stop(self) -> None:
        self._close(close_session=True)

    def _close(self, *, close_session: bool) -> None:
        if self._activations is not None:
            self._activations.put(None)
        if self._thread is not None:
            self._thread.join(timeout=self.timeout_s)
            self._thread = None
        router, conn = self._router, self._conn
        self._router = self._conn = None
        if router is None:
            return
        if close_session and self.session_handle:
            from jeepney import DBusAddress, new_method_call

            session = DBusAddress(self.session_handle, bus_name=PORTAL_BUS_NAME, interface=SESSION_INTERFACE)
            try:
                router.send_and_get_reply(new_method_call(session, "Close"), timeout=self.timeout_s)
            except Exception as exc:  # a portal gone or not answering: the session ends with the connection
                log.info("closing the shortcuts session: %s", exc)
        router.close()
        conn.close()
        self.session_handle = ""


BACKENDS: tuple[type[PynputBackend] | type[PortalShortcutsBackend], ...] = (
    PynputBackend,
    PortalShortcutsBackend,
)


def desktop_shortcut_command() -> str:
    return f"{sys.executable} {os.path.abspath(sys.argv[0] or 'main.py')} capture"


def start_hotkey(hotkey: str, callback: Callable[[], None]) -> HotkeyBackend:
    """Start the first backend that works; HotkeyUnavailable says why none does.

    On X11, Windows and macOS: pynput. On a Wayland session: pynput (which declines: without an
    X display it cannot listen, and through XWayland it would hear keys only while an X11
    window has focus), then the GlobalShortcuts portal. When none works on Wayland, the
    exception's `needs_desktop_shortcut` is True and `tried` says what each backend answered.
    """
    wayland = wayland_session()
    reasons: list[str] = []
    tried: list[tuple[str, HotkeyReason]] = []
    for cls in BACKENDS:
        if cls is PortalShortcutsBackend and not wayland:
            continue
        backend = cls()
        try:
            if wayland and isinstance(backend, PynputBackend) and os.environ.get("DISPLAY"):
                raise HotkeyUnavailable(
                    "on Wayland a global key listener hears keys only while an X11 window has focus",
                    code="wayland",
                    needs_desktop_shortcut=True,
                )
            backend.start(hotkey, callback)
            log.info("global shortcut %s via %s", hotkey, backend.name)
            return backend
        except HotkeyUnavailable as exc:
            log.info("global shortcut via %s: %s", backend.name, exc)
            reasons.append(str(exc))
            tried.append((backend.name, exc.code))
    raise HotkeyUnavailable(
        "; ".join(reasons)
        + ". Bind this command to a keyboard shortcut in your desktop's settings instead: "
        + desktop_shortcut_command(),
        code=tried[-1][1] if tried else "failed",
        needs_desktop_shortcut=wayland,
        tried=tuple(tried),
    )
