"""Starting the tray app: one ordered, logged start-up, and a clean shutdown."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from capture.hotkey import start_hotkey
from storage.errors import KnownStorageError
from storage.remote import RemoteLibrary
from storage.settings import AppSettings, load_settings

from .controller import TRAY_WAIT_S, Controller
from .i18n import install_translators
from .resources import icon_path
from .screens import prefer_wayland
from .single_instance import InstanceServer, send_request
from .tray import TrayMenu
from .workers import CaptureWriter, EngineFactory, OcrWorker

if TYPE_CHECKING:  # loaded on first use, not at start-up
    from capture.ocr import OcrEngine
    from storage.library import Library

    from .desktop_shortcut import BackendInfo
    from .library_window import LibraryWindow
    from .settings_dialog import SettingsDialog

log = logging.getLogger(__name__)


def _engine_factory(settings: AppSettings) -> EngineFactory:
    """What the OCR worker calls for its engine (on first use, not at start-up: the OCR
    modules are not loaded until there is text to read). PP-OCR runs in a worker process
    of its own (capture.ppocr_worker), so OpenCV and ONNX Runtime never load in the app."""
    langs = settings.ocr_languages or None
    choice = settings.ocr_engine

    def factory() -> OcrEngine:
        from capture.ocr import make_engine

        return make_engine(choice, langs)

    return factory


#: glibc's mallopt() parameter for the number of malloc arenas.
_M_ARENA_MAX = -8


def _one_malloc_arena() -> None:
    """One malloc arena for every thread of the app (glibc; a no-op elsewhere, or when
    MALLOC_ARENA_MAX is set). glibc gives each thread that allocates at the same time as
    another an arena of its own, and each keeps the freed buffers of full-screen grabs and
    OCR images: measured 154.9 -> 145.0 MB after 20 captures (ADR 012). The GIL already
    serialises the threads' Python work, so one arena's lock costs nothing measurable."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, 1)


def _storage_idle_s() -> float:
    """PROOFSHOT_STORAGE_IDLE_S (seconds, for tests and benches): how long the storage helper
    waits for the next call before it exits."""
    from storage.helper import IDLE_SECONDS

    try:
        return max(0.1, float(os.environ.get("PROOFSHOT_STORAGE_IDLE_S", IDLE_SECONDS)))
    except ValueError:
        return IDLE_SECONDS


def _tray_wait_s() -> float:
    try:
        return max(0.0, float(os.environ.get("PROOFSHOT_TRAY_WAIT_S", TRAY_WAIT_S)))
    except ValueError:
        return TRAY_WAIT_S


def run_app(
    library: Path,
    hotkey: str | None = None,
    autostart_command: list[str] | None = None,
    show_library: bool = False,
    welcome: bool = True,
    restart_command: list[str] | None = None,
) -> int:
    """Run the tray app for `library` until the user quits. Returns the exit code.

    `welcome`: show the first-start window unless the user asked not to see it again
    (main.py --no-welcome turns it off for scripts and tests).
    `restart_command`: what a restart runs once this app has closed (default: the
    command line this process was started with).
    PROOFSHOT_TRAY_WAIT_S (seconds, for tests) overrides how long to wait for a system tray,
    PROOFSHOT_STORAGE_IDLE_S how long the storage helper stays after its last call."""
    _one_malloc_arena()  # before Qt and the workers start their threads
    prefer_wayland()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Proofshot")
    app.setOrganizationName("Proofshot")
    app.setQuitOnLastWindowClosed(False)
    app.setWindowIcon(QIcon(icon_path("proofshot")))

    settings = load_settings()
    if hotkey:
        from dataclasses import replace

        settings = replace(settings, hotkey=hotkey)
    translators = install_translators(app, settings.ui_language)

    server = InstanceServer(library)
    if not server.listen():
        reply = send_request(library, {"cmd": "show", "library_window": show_library})
        if reply is not None:
            print(f"Proofshot is already running for {library}; it was asked to show itself.")
            return 0
        print(f"proofshot: cannot start the single-instance server for {library}", file=sys.stderr)
        return 1

    try:
        # The database work runs in a helper process (ADR 012).
        lib = RemoteLibrary.open(library, scan=True, idle_seconds=_storage_idle_s())
    except KnownStorageError as exc:
        server.close()
        print(f"proofshot: {exc}", file=sys.stderr)
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "Proofshot", str(exc))
        return 1

    def settings_dialog(
        settings: AppSettings,
        /,
        *,
        autostart_command: list[str] | None,
        library: Library,
        backends: BackendInfo | None = None,
    ) -> SettingsDialog:
        from .settings_dialog import SettingsDialog  # loaded on first use: it pulls in OCR

        return SettingsDialog(
            settings, autostart_command=autostart_command, library=library, backends=backends
        )

    def library_window(lib: Library) -> LibraryWindow:
        from .library_window import LibraryWindow

        return LibraryWindow(lib.local())  # the whole storage layer, in this process

    tray = TrayMenu(lambda: [])
    writer = CaptureWriter(lib)
    ocr = OcrWorker(lib, _engine_factory(settings), gate=writer.gate)  # captures first
    controller = Controller(
        lib,
        settings,
        tray,
        writer,
        ocr,
        hotkey_starter=start_hotkey,
        tray_available=QSystemTrayIcon.isSystemTrayAvailable,
        settings_dialog_factory=settings_dialog,
        library_window_factory=library_window,
        autostart_command=autostart_command,
        tray_wait_s=_tray_wait_s(),
    )
    tray.set_purchase_source(controller.purchase_choices)
    server.request_received.connect(controller.handle_request)

    # Let Python see SIGTERM/SIGINT while Qt's loop runs, and quit cleanly on them.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: app.quit())
    pulse = QTimer()
    pulse.timeout.connect(lambda: None)
    pulse.start(250)

    controller.start()
    if welcome:
        from .welcome import welcome_wanted

        if welcome_wanted():
            controller.show_welcome()
    if show_library:
        controller.open_library()
    log.info("Proofshot running for %s", library)
    try:
        code = app.exec()
    finally:
        controller.shutdown()
        server.close()
        lib.close()
        del translators
    if controller.restart_wanted:
        _start_again(restart_command or [sys.executable, *sys.orig_argv[1:]])
    return int(code)


def _start_again(command: list[str]) -> None:
    """Start the app again, after this one closed its library and single-instance server
    (the new one would otherwise only ask this one to show itself)."""
    log.info("starting again: %s", command)
    try:
        subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        print(f"proofshot: could not start again ({exc}); start Proofshot yourself", file=sys.stderr)
