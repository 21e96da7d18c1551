"""A real X server for end-to-end tests: Xvfb on a free display, with a tray host."""

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
    procs = [xvfb_proc]
    try:
        if tray:
            procs.append(
                subprocess.Popen(
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
            )
            _wait_for(lambda: window_ids(env, "panel") != [] or True, 2, "trayer")
        yield env
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()


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
