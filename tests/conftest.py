"""Shared fixtures: temporary libraries, generated images, and the command line."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

# Qt widgets in tests run offscreen unless a test starts its own X server.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

ROOT = Path(__file__).resolve().parent.parent
#: The dev evaluation set (screenshots, true text, queries), kept in the repository.
EVALSET = ROOT / "tests" / "data" / "evalset"
MAIN = ROOT / "main.py"


@pytest.fixture(scope="session", autouse=True)
def _qt_widgets_application():
    """One QApplication for the whole session, made first: code under test that only needs
    a QGuiApplication (the report's PDF) would otherwise make one, and every widget test
    after it in the same process would fail to start."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    yield app


@pytest.fixture
def lib(tmp_path: Path):
    from storage.library import Library

    library = Library.open(tmp_path / "lib")
    yield library
    library.close()


@pytest.fixture
def make_png() -> Callable[..., bytes]:
    """Distinct small PNGs: each call with a new `seed` gives different bytes."""

    def _make(seed: int = 0, size: tuple[int, int] = (64, 48), fmt: str = "PNG") -> bytes:
        img = Image.new("RGB", size, (seed * 37 % 256, seed * 91 % 256, seed * 53 % 256))
        ImageDraw.Draw(img).rectangle((2, 2, 10 + seed % 20, 10), fill=(255, 255, 255))
        buf = io.BytesIO()
        img.save(buf, fmt)
        return buf.getvalue()

    return _make


class Cli:
    def __init__(self, library: Path) -> None:
        self.library = library

    def run(self, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, str(MAIN), "--library", str(self.library), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"main.py {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}")
        return proc

    def json(self, *args: str) -> object:
        proc = self.run(*args, "--json")
        return json.loads(proc.stdout)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "cli-lib")


# Wayland: each test that asks for it gets its own headless sway (tests/wayland.py).


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "wayland: runs under a headless sway (tests/wayland.py)")


@pytest.fixture
def wayland_session(tmp_path: Path):
    """A started WaylandSession; skipped (with the reason) only where sway cannot start, and
    failed instead where CI is set. The session's logs end up in tmp_path/wayland-logs."""
    from .wayland import session_or_skip

    yield from session_or_skip(tmp_path / "wayland-logs")
