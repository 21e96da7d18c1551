"""What kind of desktop session this process runs in, and where its session bus is: one
answer for the screen grabbers and the hotkey backends."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

Session = Literal["x11", "wayland", "windows", "macos"]


def session_kind(env: Mapping[str, str] | None = None, platform: str | None = None) -> Session:
    """The kind of desktop session this process runs in."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if platform.startswith("win"):
        return "windows"
    if platform == "darwin":
        return "macos"
    if env.get("XDG_SESSION_TYPE", "").lower() == "wayland" or env.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "x11"


def session_bus_address(env: Mapping[str, str]) -> str | None:
    """The D-Bus session bus: $DBUS_SESSION_BUS_ADDRESS, else the `bus` socket in the runtime
    folder where one exists; None when there is none."""
    address = env.get("DBUS_SESSION_BUS_ADDRESS")
    if address:
        return address
    runtime = env.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    bus = Path(runtime) / "bus"
    return f"unix:path={bus}" if bus.exists() else None
