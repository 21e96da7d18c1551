"""The idle tray imports only what it needs at rest (docs/adr/012-memory-at-rest.md): what
a long capture, the desktop-shortcut help, the dialogs and the library window need is
imported on first use. Memory itself is measured by bench/memory_bench.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Modules the tray app must not load at start-up.
NOT_AT_START = (
    "gui.long_capture",
    "capture.stitch",
    "gui.desktop_shortcut",
    "gui.library_window",
    "gui.settings_dialog",
    "gui.purchase_editor",
    "capture.ocr",
    "capture.pipeline",
    "alembic",
    "sqlalchemy",  # the database work runs in the storage helper process (storage.helper)
    "storage.library",
    "cv2",
    "onnxruntime",
)


def test_the_tray_app_modules_load_nothing_the_idle_tray_does_not_need() -> None:
    code = "import json, sys; import gui.app; print(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    loaded = set(json.loads(proc.stdout))
    assert "gui.controller" in loaded and "gui.workers" in loaded
    assert sorted(loaded & set(NOT_AT_START)) == []
