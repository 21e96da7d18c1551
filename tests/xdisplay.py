"""A real X server for end-to-end tests: Xvfb on a free display, with a tray host.

The tray host (trayer) is ready only once it owns the _NET_SYSTEM_TRAY_S0 selection;
`tray_host` waits for that, so an app started afterwards finds the tray (the app
itself also copes with a tray that comes later, which a test checks too)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _wait_for(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise TimeoutError(f"timed out waiting for {what}")


@contextmanager
def xvfb(width: int = 1280, height: int = 800, tray: bool = True) -> Iterator[dict[str, str]]:
    """Start Xvfb on a free display (and trayer as tray host); yield the environment to use."""
    for tool in ("Xvfb", "xdotool") + (("trayer",) if tray else ()):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is not installed; run ./setup.sh --dev")
    read_fd, write_fd = os.pipe()
    xvfb_proc = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write_fd),
            "-screen",
            "0",
            f"{width}x{height}x24",
            "-nolisten",
            "tcp",
            "+extension",
            "RECORD",
            "+bs",  # backing store, for keep_contents
            # Without it the server resets whenever its last client goes (a check of ours,
            # say) and refuses whoever connects meanwhile.
            "-noreset",
        ],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    number = b""
    with os.fdopen(read_fd, "rb") as r:
        while not number.endswith(b"\n"):
            ch = r.read(1)
            if not ch:
                break
            number += ch
    if not number.strip():
        xvfb_proc.kill()
        raise RuntimeError("Xvfb did not start")
    env = {**os.environ, "DISPLAY": f":{number.decode().strip()}"}
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("QT_QPA_PLATFORM", None)
    try:
        _wait_for(lambda: _accepts_clients(env), 20, f"Xvfb on {env['DISPLAY']} to accept clients")
        if tray:
            with tray_host(env):
                yield env
        else:
            yield env
    finally:
        _stop(xvfb_proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _accepts_clients(env: dict[str, str]) -> bool:
    from Xlib import display, error

    try:
        display.Display(env["DISPLAY"]).close()
    except (error.DisplayError, error.ConnectionClosedError, OSError):
        return False
    return True


def tray_owned(env: dict[str, str]) -> bool:
    """Some tray host owns the system tray selection of screen 0 (so icons can dock)."""
    from Xlib import display, error  # python-xlib, which pynput brings

    try:
        d = display.Display(env["DISPLAY"])
    except (error.DisplayError, error.ConnectionClosedError, OSError):
        return False
    try:
        owner = d.get_selection_owner(d.intern_atom("_NET_SYSTEM_TRAY_S0"))
        return bool(getattr(owner, "id", owner))
    finally:
        d.close()


@contextmanager
def tray_host(env: dict[str, str], timeout: float = 30) -> Iterator[subprocess.Popen[bytes]]:
    """Start trayer and wait until it really is the tray (it owns the tray selection).
    A trayer that exits at once (now and then GTK cannot open a display that was just
    started) is started again."""
    if shutil.which("trayer") is None:
        raise RuntimeError("trayer is not installed; run ./setup.sh --dev")
    deadline = time.monotonic() + timeout
    proc: subprocess.Popen[bytes] | None = None
    try:
        while True:
            proc = subprocess.Popen(
                [
                    "trayer",
                    "--edge",
                    "bottom",
                    "--align",
                    "right",
                    "--widthtype",
                    "request",
                    "--height",
                    "24",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            _wait_for(
                lambda p=proc: p.poll() is not None or tray_owned(env),
                max(0.1, deadline - time.monotonic()),
                "trayer to own the system tray",
            )
            if proc.poll() is None:
                break
            if time.monotonic() >= deadline:
                raise TimeoutError(f"trayer keeps exiting ({proc.returncode})")
        yield proc
    finally:
        if proc is not None:
            _stop(proc)


def xdotool(env: dict[str, str], *args: str) -> str:
    return subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True, timeout=20).stdout


def window_ids(env: dict[str, str], name: str) -> list[str]:
    out = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", f"^{name}$"],
        env=env,
        capture_output=True,
        text=True,
        timeout=10,
    ).stdout
    return out.split()


def wait_for_window(env: dict[str, str], name: str, timeout: float = 10) -> list[str]:
    found: list[str] = []

    def check() -> bool:
        found[:] = window_ids(env, name)
        return bool(found)

    _wait_for(check, timeout, f"window {name!r}")
    return found


def wait_for_no_window(env: dict[str, str], name: str, timeout: float = 10) -> None:
    _wait_for(lambda: not window_ids(env, name), timeout, f"window {name!r} to close")


def keep_contents(env: dict[str, str], window_id: str) -> None:
    """Ask the X server to keep the window's pixels while other windows cover it (backing
    store), so they are back on the screen the moment a covering window goes."""
    from Xlib import X, display

    d = display.Display(env["DISPLAY"])
    try:
        d.create_resource_object("window", int(window_id)).change_attributes(backing_store=X.Always)
        d.sync()
    finally:
        d.close()


def window_geometry(env: dict[str, str], window_id: str) -> tuple[int, int, int, int]:
    """(x, y, width, height) of a window on the screen."""
    out = xdotool(env, "getwindowgeometry", "--shell", window_id)
    values = dict(line.split("=", 1) for line in out.split() if "=" in line)
    return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])


def drag(env: dict[str, str], x0: int, y0: int, x1: int, y1: int) -> None:
    xdotool(env, "mousemove", str(x0), str(y0))
    time.sleep(0.05)
    xdotool(env, "mousedown", "1")
    steps = 6
    for i in range(1, steps + 1):
        xdotool(env, "mousemove", str(x0 + (x1 - x0) * i // steps), str(y0 + (y1 - y0) * i // steps))
        time.sleep(0.02)
    xdotool(env, "mouseup", "1")


SHOW_IMAGE = Path(__file__).with_name("show_image.py")
