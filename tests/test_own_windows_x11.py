"""On a real X server: Proofshot's own windows are never in a capture, even a dialog that
runs modally (Settings, a question), which must go on running; and the overlay answers
the mouse while such a dialog is open.

The scenario runs in a subprocess (this file as a script) on its own Xvfb, because the
pytest process already has an offscreen QApplication.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # the subprocess imports the project from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RED = (220, 20, 30)
DIALOG = (200, 150, 300, 200)  # x, y, width, height of the modal dialog on the screen


def _drive(tmp: str) -> dict[str, Any]:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication, QDialog

    from capture.screen import grab_all
    from gui.controller import Controller
    from gui.tray import TrayMenu
    from gui.workers import CaptureWriter, OcrWorker
    from storage.library import Library
    from storage.settings import AppSettings

    app = QApplication(sys.argv[:1])
    lib = Library.open(Path(tmp) / "lib")
    controller = Controller(
        lib,
        AppSettings(),
        TrayMenu(lambda: []),
        CaptureWriter(lib),
        OcrWorker(lib, lambda: None),
        tray_available=lambda: True,
    )
    controller.start()
    report: dict[str, Any] = {}

    dialog = QDialog()
    dialog.setWindowTitle("A modal dialog of ours")
    palette = dialog.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(*RED))
    dialog.setPalette(palette)
    dialog.setAutoFillBackground(True)
    x, y, w, h = DIALOG
    dialog.setGeometry(x, y, w, h)

    def red_on_screen() -> bool:
        grab = grab_all()[0]
        i = ((y + h // 2) * grab.size[0] + (x + w // 2)) * 3
        return tuple(grab.rgb[i : i + 3]) == RED

    saved: list[Any] = []
    controller.capture_saved.connect(saved.append)

    def wait(predicate: Any, timeout: float = 20) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            app.processEvents()
            time.sleep(0.02)
        return False

    def scenario() -> None:
        report["red_before"] = wait(red_on_screen)
        report["overlay_opened"] = controller.capture_region()
        report["dialog_running_during_capture"] = dialog.isVisible()
        # Drag over the dialog's place: the overlay must answer although the dialog is modal.
        subprocess.run(
            ["xdotool", "mousemove", str(x - 20), str(y - 20), "mousedown", "1"], check=True, timeout=20
        )
        subprocess.run(["xdotool", "mousemove", str(x + 100), str(y + 100)], check=True, timeout=20)
        subprocess.run(
            ["xdotool", "mousemove", str(x + w + 20), str(y + h + 20), "mouseup", "1"], check=True, timeout=20
        )
        report["captured"] = wait(lambda: bool(saved))
        if saved:
            import io

            from PIL import Image

            with Image.open(io.BytesIO(lib.read_capture_bytes(saved[0].id))) as image:
                pixels = image.convert("RGB").getdata()
                report["red_pixels_in_capture"] = sum(1 for p in pixels if p == RED)
                report["capture_size"] = list(image.size)
        report["red_after"] = wait(red_on_screen)  # the dialog is back on the screen
        report["dialog_still_open"] = dialog.isVisible()
        dialog.accept()

    QTimer.singleShot(0, scenario)
    report["dialog_result"] = dialog.exec()
    controller.shutdown()
    lib.close()
    return report


def test_a_modal_dialog_is_never_captured_and_keeps_running(tmp_path: Path) -> None:
    from .xdisplay import xvfb

    with xvfb(800, 600, tray=False) as env:
        proc = subprocess.run(
            [sys.executable, __file__, str(tmp_path)],
            env={**env, "PROOFSHOT_CONFIG_DIR": str(tmp_path / "config")},
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["red_before"] and report["overlay_opened"], report
    assert report["captured"], report
    assert report["capture_size"] == [DIALOG[2] + 40, DIALOG[3] + 40]
    assert report["red_pixels_in_capture"] == 0, report  # not one pixel of the dialog
    assert report["red_after"] and report["dialog_still_open"], report
    assert report["dialog_result"] == 1, report  # accepted by the user, not ended by the capture


if __name__ == "__main__":
    print(json.dumps(_drive(sys.argv[1])))
