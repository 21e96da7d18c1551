"""A virtual pointer on a wlroots compositor (sway), spoken in the Wayland wire protocol.

A headless sway has no pointer device (`WLR_LIBINPUT_NO_DEVICES=1`), so `swaymsg seat -
cursor press` moves nothing that clients see. wlroots offers `zwlr_virtual_pointer_v1`
instead: a client creates a pointer device and sends it absolute motion and button events,
which the compositor routes to the surface under the cursor like a real mouse. This module
does that with a plain Unix socket (no libwayland binding needed): get the registry, bind
`zwlr_virtual_pointer_manager_v1`, create one pointer on the default seat, and send
`motion_absolute`, `button` and `frame` requests, each followed by a `wl_display.sync`
round trip so that the compositor has handled the event when a call returns.

Positions are in sway's layout coordinates (logical pixels: an output at scale 2 is half its
mode's size). `motion_absolute` maps `x / x_extent` across the bounding box of all outputs,
so the caller passes that box (`Extents`, from `swaymsg -t get_outputs`).
"""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import dataclass

#: Linux input event codes (linux/input-event-codes.h).
BTN_LEFT = 0x110
BTN_RIGHT = 0x111
BTN_MIDDLE = 0x112

_MANAGER = "zwlr_virtual_pointer_manager_v1"
_DISPLAY_ID = 1
# wl_display requests and events
_SYNC, _GET_REGISTRY = 0, 1
_EV_ERROR, _EV_DELETE_ID = 0, 1
# wl_registry
_BIND = 0
_EV_GLOBAL = 0
# wl_callback
_EV_DONE = 0
# zwlr_virtual_pointer_manager_v1
_CREATE_VIRTUAL_POINTER = 0
# zwlr_virtual_pointer_v1
_MOTION_ABSOLUTE, _BUTTON, _FRAME, _DESTROY = 1, 2, 4, 8


class WaylandProtocolError(RuntimeError):
    """The compositor refused a request, closed the connection, or lacks the protocol."""


@dataclass(frozen=True)
class Extents:
    """The layout's bounding box, in logical pixels: every output lies within it."""

    x: int
    y: int
    width: int
    height: int

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x < self.x + self.width and self.y <= y < self.y + self.height


class VirtualPointer:
    """One virtual pointer device on the compositor at `socket_path` (the absolute path of
    the Wayland socket). Use as a context manager, or call `close()`."""

    def __init__(self, socket_path: str, timeout: float = 10.0) -> None:
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.settimeout(timeout)
        try:
            self._sock.connect(socket_path)
        except OSError as e:
            self._sock.close()
            raise WaylandProtocolError(f"cannot connect to the Wayland socket {socket_path}: {e}") from e
        self._buf = b""
        self._next_id = 2  # 1 is wl_display
        self._pressed: set[int] = set()
        try:
            registry = self._new_id()
            self._send(_DISPLAY_ID, _GET_REGISTRY, struct.pack("<I", registry))
            globals_ = self._roundtrip(registry)
            if _MANAGER not in globals_:
                raise WaylandProtocolError(f"the compositor does not offer {_MANAGER} (not wlroots?)")
            name, _version = globals_[_MANAGER]
            manager = self._new_id()
            self._send(
                registry,
                _BIND,
                struct.pack("<I", name) + _string(_MANAGER) + struct.pack("<II", 1, manager),
            )
            self._pointer = self._new_id()
            # seat 0 (null): the compositor's default seat
            self._send(manager, _CREATE_VIRTUAL_POINTER, struct.pack("<II", 0, self._pointer))
            self._roundtrip()
        except BaseException:
            self._sock.close()
            raise

    def __enter__(self) -> VirtualPointer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release any held button, destroy the device and disconnect."""
        if self._sock.fileno() < 0:
            return
        try:
            for button in sorted(self._pressed):
                self.button(button, pressed=False)
            self._send(self._pointer, _DESTROY)
            self._roundtrip()
        except (OSError, WaylandProtocolError):
            pass
        finally:
            self._sock.close()

    def move_to(self, x: float, y: float, extents: Extents) -> None:
        """Put the cursor at layout position (x, y)."""
        if not extents.contains(x, y):
            raise ValueError(f"({x}, {y}) is outside the layout {extents}")
        # motion_absolute takes unsigned integers over an extent; 1/8 pixel steps keep
        # fractional logical positions (a scale-2 output has half-pixel positions).
        k = 8
        self._send(
            self._pointer,
            _MOTION_ABSOLUTE,
            struct.pack(
                "<IIIII",
                _now_ms(),
                round((x - extents.x) * k),
                round((y - extents.y) * k),
                extents.width * k,
                extents.height * k,
            ),
        )
        self._send(self._pointer, _FRAME)
        self._roundtrip()

    def button(self, button: int = BTN_LEFT, pressed: bool = True) -> None:
        """Press (or release) a button where the cursor is."""
        self._send(self._pointer, _BUTTON, struct.pack("<III", _now_ms(), button, 1 if pressed else 0))
        self._send(self._pointer, _FRAME)
        self._roundtrip()
        if pressed:
            self._pressed.add(button)
        else:
            self._pressed.discard(button)

    def click(self, x: float, y: float, extents: Extents, button: int = BTN_LEFT) -> None:
        self.move_to(x, y, extents)
        self.button(button, True)
        self.button(button, False)

    def drag(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        extents: Extents,
        steps: int = 8,
        button: int = BTN_LEFT,
    ) -> None:
        """Press at (x0, y0), move in `steps` even steps to (x1, y1) and release there."""
        if steps < 1:
            raise ValueError("steps must be at least 1")
        self.move_to(x0, y0, extents)
        self.button(button, True)
        try:
            for i in range(1, steps + 1):
                self.move_to(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps, extents)
        finally:
            self.button(button, False)

    # The wire protocol ---------------------------------------------------------------

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def _send(self, obj: int, opcode: int, args: bytes = b"") -> None:
        try:
            self._sock.sendall(struct.pack("<II", obj, ((8 + len(args)) << 16) | opcode) + args)
        except OSError as e:
            raise WaylandProtocolError(f"lost the compositor: {e}") from e

    def _roundtrip(self, registry: int | None = None) -> dict[str, tuple[int, int]]:
        """Send wl_display.sync and read events until its callback is done; return the
        globals announced on `registry` meanwhile (interface -> (name, version))."""
        callback = self._new_id()
        self._send(_DISPLAY_ID, _SYNC, struct.pack("<I", callback))
        found: dict[str, tuple[int, int]] = {}
        while True:
            obj, opcode, body = self._read_event()
            if obj == _DISPLAY_ID and opcode == _EV_ERROR:
                raise WaylandProtocolError(f"Wayland protocol error: {_display_error(body)}")
            if registry is not None and obj == registry and opcode == _EV_GLOBAL:
                name, length = struct.unpack_from("<II", body)
                interface = body[8 : 8 + length - 1].decode()
                (version,) = struct.unpack_from("<I", body, 8 + length + (-length % 4))
                found[interface] = (name, version)
            if obj == callback and opcode == _EV_DONE:
                return found

    def _read_event(self) -> tuple[int, int, bytes]:
        while len(self._buf) < 8 or len(self._buf) < struct.unpack_from("<I", self._buf, 4)[0] >> 16:
            try:
                data = self._sock.recv(65536)
            except OSError as e:  # a timeout included
                raise WaylandProtocolError(f"no answer from the compositor: {e}") from e
            if not data:
                raise WaylandProtocolError("the compositor closed the connection")
            self._buf += data
        obj, word = struct.unpack_from("<II", self._buf)
        size = word >> 16
        body, self._buf = self._buf[8:size], self._buf[size:]
        return obj, word & 0xFFFF, body


def _string(s: str) -> bytes:
    """A wire-format string: length (with the NUL), bytes, NUL, padded to 4 bytes."""
    b = s.encode() + b"\0"
    return struct.pack("<I", len(b)) + b + b"\0" * (-len(b) % 4)


def _display_error(body: bytes) -> str:
    try:
        obj, code, length = struct.unpack_from("<III", body)
        return f"object {obj}, code {code}: {body[12 : 12 + length - 1].decode(errors='replace')}"
    except struct.error:
        return repr(body)


def _now_ms() -> int:
    return int(time.monotonic() * 1000) & 0xFFFFFFFF
