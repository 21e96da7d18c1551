"""The package boundaries of ARCHITECTURE.md §1 and the code checks run with the tests."""

from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT


def _modules(package: str) -> list[str]:
    return [f"{package}.{m.name}" for m in pkgutil.iter_modules([str(ROOT / package)])]


def _loaded_after_import(modules: list[str]) -> set[str]:
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_capture_and_storage_load_no_qt() -> None:
    loaded = _loaded_after_import(_modules("capture") + _modules("storage"))
    assert not {m for m in loaded if m.startswith("PySide6")}


def test_storage_never_imports_capture_or_gui() -> None:
    loaded = _loaded_after_import(_modules("storage"))
    assert not {m for m in loaded if m.split(".")[0] in ("capture", "gui")}


def test_cli_commands_load_no_qt() -> None:
    """The command line must stay quick: Qt is only for the tray app."""
    loaded = _loaded_after_import(["main"])
    assert not {m for m in loaded if m.startswith("PySide6")}


@pytest.mark.skipif(
    shutil.which("ruff") is None and not (ROOT / ".venv/bin/ruff").exists(), reason="ruff missing"
)
def test_ruff_is_clean() -> None:
    ruff = str(ROOT / ".venv/bin/ruff") if (ROOT / ".venv/bin/ruff").exists() else "ruff"
    proc = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_on_capture_and_storage() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "capture", "storage"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
