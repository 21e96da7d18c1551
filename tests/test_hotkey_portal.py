"""The capture shortcut through the XDG GlobalShortcuts portal (capture.hotkey), against a fake
portal on a private D-Bus bus: Debian 12 has no GlobalShortcuts implementation.

The fake owns org.freedesktop.portal.Desktop on its own dbus-daemon, answers CreateSession and
BindShortcuts with Request objects that emit Response (as xdg-desktop-portal does), emits
Activated when a test asks, and records Session.Close.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from queue import Queue
from typing import Any

import pytest

jeepney = pytest.importorskip("jeepney")

from jeepney import (  # noqa: E402
    DBusAddress,
    HeaderFields,
    MatchRule,
    message_bus,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.io.threading import DBusRouter, Proxy, open_dbus_connection  # noqa: E402

from capture import hotkey  # noqa: E402
from capture.hotkey import (  # noqa: E402
    PORTAL_BUS_NAME,
    PORTAL_PATH,
    SHORTCUTS_INTERFACE,
    HotkeyUnavailable,
    PortalShortcutsBackend,
    PynputBackend,
    start_hotkey,
    to_xdg_trigger,
)

pytestmark = pytest.mark.skipif(shutil.which("dbus-daemon") is None, reason="dbus-daemon is not installed")

#: A session bus with no activatable services, so nothing but the fake answers for the portal.
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={path}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def wait_for(condition: Callable[[], bool], timeout: float = 5.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


@pytest.fixture
def bus(tmp_path: Path) -> Iterator[str]:
    """The address of a private session bus (its dbus-daemon is killed afterwards)."""
    socket_path = tmp_path / "bus"
    config = tmp_path / "bus.conf"
    config.write_text(BUS_CONFIG.format(path=socket_path), encoding="utf-8")
    proc = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--nopidfile", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        address = proc.stdout.readline().strip()  # printed once the bus listens
        assert address.startswith("unix:"), (
            f"dbus-daemon did not start: {proc.stderr.read() if proc.stderr else ''}"
        )
        yield address
    finally:
        proc.kill()
        proc.communicate(timeout=10)  # reaps it and closes its pipes


class FakePortal:
    """org.freedesktop.portal.GlobalShortcuts, as far as Proofshot uses it.

    `answer`: "ok" (every request gets a Response), "silent" (methods return a request
    handle but no Response ever comes), "refuse" (BindShortcuts' Response is 1, cancelled).
    """

    def __init__(self, address: str, answer: str = "ok") -> None:
        self.answer = answer
        self.calls: list[tuple[str, Any]] = []
        self.closed_sessions: list[str] = []
        self.sessions: dict[str, str] = {}  # session handle -> the client's unique name
        self._conn = open_dbus_connection(address)
        self._router = DBusRouter(self._conn)
        reply = Proxy(message_bus, self._router, timeout=5).RequestName(PORTAL_BUS_NAME, 4)
        assert reply == (1,), f"could not own {PORTAL_BUS_NAME}: {reply}"
        self._incoming: Queue[Any] = Queue()
        self._filter = self._router.filter(MatchRule(type="method_call"), queue=self._incoming)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            msg = self._incoming.get()
            if msg is None:
                return
            self._handle(msg)

    def _handle(self, msg: Any) -> None:
        fields = msg.header.fields
        member, interface, path = (
            fields.get(HeaderFields.member),
            fields.get(HeaderFields.interface),
            fields.get(HeaderFields.path),
        )
        sender = str(fields.get(HeaderFields.sender))
        client = sender.lstrip(":").replace(".", "_")
        self.calls.append((member, msg.body))
        if interface == "org.freedesktop.portal.Session" and member == "Close":
            self.closed_sessions.append(str(path))
            self._router.send(new_method_return(msg))
            return
        if interface != SHORTCUTS_INTERFACE or member not in ("CreateSession", "BindShortcuts"):
            self._router.send(
                new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (f"no {member}",))
            )
            return
        options = msg.body[0] if member == "CreateSession" else msg.body[3]
        request = f"/org/freedesktop/portal/desktop/request/{client}/{options['handle_token'][1]}"
        self._router.send(new_method_return(msg, "o", (request,)))
        if self.answer == "silent":
            return
        if member == "CreateSession":
            session = f"/org/freedesktop/portal/desktop/session/{client}/{options['session_handle_token'][1]}"
            self.sessions[session] = sender
            self._respond(request, sender, 0, {"session_handle": ("s", session)})
            return
        if self.answer == "refuse":
            self._respond(request, sender, 1, {})
            return
        shortcuts = [
            (sid, {"description": props["description"], "trigger_description": ("s", "Ctrl+Alt+P")})
            for sid, props in msg.body[1]
        ]
        self._respond(request, sender, 0, {"shortcuts": ("a(sa{sv})", shortcuts)})

    def _respond(self, request: str, destination: str, code: int, results: dict[str, Any]) -> None:
        signal = new_signal(
            DBusAddress(request, interface="org.freedesktop.portal.Request"),
            "Response",
            "ua{sv}",
            (code, results),
        )
        signal.header.fields[HeaderFields.destination] = destination
        self._router.send(signal)

    def activate(self, shortcut_id: str = "capture", session: str | None = None) -> None:
        """The user pressed the bound shortcut (sent to the session's owner, like the real portal)."""
        if session is None:
            session = next(iter(self.sessions))
        signal = new_signal(
            DBusAddress(PORTAL_PATH, interface=SHORTCUTS_INTERFACE),
            "Activated",
            "osta{sv}",
            (session, shortcut_id, int(time.time() * 1000), {}),
        )
        signal.header.fields[HeaderFields.destination] = self.sessions.get(session, "")
        self._router.send(signal)

    def close(self) -> None:
        self._incoming.put(None)
        self._thread.join(timeout=5)
        self._router.close()
        self._conn.close()


@pytest.fixture
def portal(bus: str) -> Iterator[FakePortal]:
    fake = FakePortal(bus)
    yield fake
    fake.close()


def test_xdg_trigger_format() -> None:
    assert to_xdg_trigger("Ctrl+Alt+P") == "CTRL+ALT+p"
    assert to_xdg_trigger("ctrl + shift + f9") == "CTRL+SHIFT+F9"
    assert to_xdg_trigger("Meta+Print") == "LOGO+Print"
    assert to_xdg_trigger("Alt+,") == "ALT+comma"


def test_the_portal_binds_the_shortcut_and_its_activation_runs_the_callback(
    portal: FakePortal, bus: str
) -> None:
    pressed = threading.Event()
    count: list[int] = []

    def callback() -> None:
        count.append(1)
        pressed.set()

    backend = PortalShortcutsBackend(timeout_s=5, bus_address=bus)
    backend.start("Ctrl+Alt+P", callback)
    try:
        assert backend.name == "global-shortcuts"
        assert backend.session_handle in portal.sessions
        assert backend.trigger_description == "Ctrl+Alt+P"
        bind = [body for member, body in portal.calls if member == "BindShortcuts"]
        assert len(bind) == 1
        session, shortcuts, parent_window, _options = bind[0]
        assert session == backend.session_handle and parent_window == ""
        assert [sid for sid, _ in shortcuts] == ["capture"]
        props = shortcuts[0][1]
        assert props["preferred_trigger"] == ("s", "CTRL+ALT+p")
        assert props["description"] == ("s", "Capture a region")

        # Another shortcut id, or another session, is not ours.
        portal.activate("something-else")
        portal.activate()
        assert pressed.wait(5), "the callback did not run"
        wait_for(lambda: len(count) >= 1, what="the callback")
        portal.activate()
        wait_for(lambda: len(count) == 2, what="a second activation")
    finally:
        backend.stop()
    assert portal.closed_sessions == [session]
    portal.activate(session=session)  # after stop: nobody listens, nothing breaks
    assert len(count) == 2


def test_stop_closes_the_session_and_the_listener_thread(portal: FakePortal, bus: str) -> None:
    before = {t.name for t in threading.enumerate() if t.is_alive()}
    backend = PortalShortcutsBackend(timeout_s=5, bus_address=bus)
    backend.start("Ctrl+Shift+F9", lambda: None)
    session = backend.session_handle
    assert "proofshot-global-shortcuts" in {t.name for t in threading.enumerate()}
    assert "proofshot-global-shortcuts" not in before
    backend.stop()
    assert portal.closed_sessions == [session]
    wait_for(
        lambda: "proofshot-global-shortcuts" not in {t.name for t in threading.enumerate()},
        what="the listener thread to end",
    )
    backend.stop()  # twice is harmless
    assert portal.closed_sessions == [session]


def test_a_portal_that_never_answers_gives_up_within_the_timeout(bus: str) -> None:
    fake = FakePortal(bus, answer="silent")
    try:
        backend = PortalShortcutsBackend(timeout_s=0.5, bus_address=bus)
        started = time.monotonic()
        with pytest.raises(HotkeyUnavailable) as caught:
            backend.start("Ctrl+Alt+P", lambda: None)
        assert time.monotonic() - started < 3
        assert caught.value.code == "no_answer"
        assert caught.value.needs_desktop_shortcut
        assert "did not answer within 0.5 s" in str(caught.value)
    finally:
        fake.close()


def test_a_refused_binding_closes_the_session(bus: str) -> None:
    fake = FakePortal(bus, answer="refuse")
    try:
        backend = PortalShortcutsBackend(timeout_s=5, bus_address=bus)
        with pytest.raises(HotkeyUnavailable) as caught:
            backend.start("Ctrl+Alt+P", lambda: None)
        assert caught.value.code == "refused" and caught.value.needs_desktop_shortcut
        assert fake.closed_sessions == list(fake.sessions)
        assert len(fake.closed_sessions) == 1
    finally:
        fake.close()


def test_no_portal_on_the_bus(bus: str) -> None:
    backend = PortalShortcutsBackend(timeout_s=5, bus_address=bus)
    started = time.monotonic()
    with pytest.raises(HotkeyUnavailable) as caught:
        backend.start("Ctrl+Alt+P", lambda: None)
    assert time.monotonic() - started < 5
    assert caught.value.code == "no_portal"
    assert caught.value.needs_desktop_shortcut


def test_no_bus_at_all(tmp_path: Path) -> None:
    backend = PortalShortcutsBackend(timeout_s=1, bus_address=f"unix:path={tmp_path / 'nobody'}")
    with pytest.raises(HotkeyUnavailable) as caught:
        backend.start("Ctrl+Alt+P", lambda: None)
    assert caught.value.code == "no_bus" and caught.value.needs_desktop_shortcut


def _wayland(monkeypatch: pytest.MonkeyPatch, bus: str, *, display: str | None = None) -> None:
    monkeypatch.setattr(hotkey.sys, "platform", "linux")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-1")
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus)
    monkeypatch.setenv("PROOFSHOT_PORTAL_TIMEOUT_S", "2")
    if display is None:
        monkeypatch.delenv("DISPLAY", raising=False)
    else:
        monkeypatch.setenv("DISPLAY", display)


def test_on_wayland_without_a_portal_the_user_binds_a_desktop_shortcut(
    bus: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _wayland(monkeypatch, bus)
    with pytest.raises(HotkeyUnavailable) as caught:
        start_hotkey("Ctrl+Alt+P", lambda: None)
    exc = caught.value
    assert exc.needs_desktop_shortcut
    assert exc.tried == (("pynput", "wayland"), ("global-shortcuts", "no_portal"))
    assert "Wayland does not let apps listen for global keys" in str(exc)
    assert "Bind this command to a keyboard shortcut" in str(exc) and " capture" in str(exc)


def test_on_wayland_start_hotkey_uses_the_portal(
    portal: FakePortal, bus: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # XWayland's DISPLAY does not make the X11 listener usable: it would hear X11 windows only.
    _wayland(monkeypatch, bus, display=":0")
    monkeypatch.setattr(PynputBackend, "start", lambda *a: pytest.fail("pynput must not start on Wayland"))
    pressed = threading.Event()
    backend = start_hotkey("Ctrl+Alt+P", pressed.set)
    try:
        assert backend.name == "global-shortcuts"
        portal.activate()
        assert pressed.wait(5)
    finally:
        backend.stop()
    assert len(portal.closed_sessions) == 1


def test_on_x11_only_the_global_listener_is_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hotkey.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")

    def fail(self: PynputBackend, keys: str, callback: Callable[[], None]) -> None:
        raise HotkeyUnavailable("no X server here", code="failed")

    monkeypatch.setattr(PynputBackend, "start", fail)
    monkeypatch.setattr(PortalShortcutsBackend, "start", lambda *a: pytest.fail("no portal on X11"))
    with pytest.raises(HotkeyUnavailable) as caught:
        start_hotkey("Ctrl+Alt+P", lambda: None)
    assert not caught.value.needs_desktop_shortcut
    assert caught.value.tried == (("pynput", "failed"),)
    assert os.environ["DISPLAY"] == ":99"
