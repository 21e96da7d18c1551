"""The controller: wires the tray, the hotkey, the capture overlay and the workers.

It is handed every service in its constructor (tests pass fakes) and is the only
object that reacts to the user's requests. Slow work goes to the workers; the GUI
thread only grabs the screen (which must happen before the overlay appears), shows
windows and updates the tray.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QBuffer, QIODevice, QObject, QUrl, Signal
from PySide6.QtGui import QCursor, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from capture.errors import KnownCaptureError
from capture.hotkey import HotkeyBackend, HotkeyUnavailable
from capture.region import Rect
from capture.screen import ScreenGrab, geometry_note, grab_all, grab_region
from storage.errors import KnownStorageError
from storage.library import ACTIVE, Library
from storage.records import CaptureRecord
from storage.settings import AppSettings

from .overlay import CaptureSession
from .toast import Toast
from .tray import ControlWindow, TrayMenu
from .workers import CaptureJob, CaptureWriter, OcrWorker

log = logging.getLogger(__name__)
timing = logging.getLogger("proofshot.timing")

Responder = Callable[[dict[str, Any]], None]


class Controller(QObject):
    capture_saved = Signal(object)  # CaptureRecord
    overlay_opened = Signal()
    hotkey_pressed = Signal()  # emitted from the hotkey thread; queued to the GUI thread

    def __init__(
        self,
        library: Library,
        settings: AppSettings,
        tray: TrayMenu,
        writer: CaptureWriter,
        ocr: OcrWorker,
        *,
        hotkey_starter: Callable[[str, Callable[[], None]], HotkeyBackend] | None = None,
        grabber: Callable[[], list[ScreenGrab]] = grab_all,
        tray_available: Callable[[], bool] | None = None,
        settings_dialog_factory: Callable[..., Any] | None = None,
        autostart_command: list[str] | None = None,
        library_window_factory: Callable[[Library], Any] | None = None,
    ) -> None:
        super().__init__()
        self.lib = library
        self.settings = settings
        self.tray = tray
        self.writer = writer
        self.ocr = ocr
        self._hotkey_starter = hotkey_starter
        self._grabber = grabber
        self._tray_available = tray_available
        self._settings_dialog_factory = settings_dialog_factory
        self._autostart_command = autostart_command
        self._library_window_factory = library_window_factory
        self.library_window: Any = None
        self._hotkey: HotkeyBackend | None = None
        self.hotkey_problem: str | None = None
        self._session: Any = None
        self._last_region: Rect | None = None
        self._pending_note: dict[int, str] = {}
        self.toast = Toast()
        self.control_window: ControlWindow | None = None

        tray.capture_region_requested.connect(self.capture_region)
        tray.capture_fullscreen_requested.connect(self.capture_fullscreen)
        tray.capture_again_requested.connect(self.capture_again)
        tray.clipboard_requested.connect(self.save_clipboard)
        tray.purchase_chosen.connect(self.set_active_purchase)
        tray.new_purchase_requested.connect(self.new_purchase)
        tray.open_library_requested.connect(self.open_library)
        tray.settings_requested.connect(self.open_settings)
        tray.quit_requested.connect(self.quit)
        writer.capture_saved.connect(self._on_capture_saved)
        writer.capture_failed.connect(self._on_capture_failed)
        ocr.ocr_started.connect(self._on_ocr_started)
        ocr.ocr_finished.connect(self._on_ocr_finished)
        ocr.queue_emptied.connect(self._on_ocr_queue_emptied)
        self.hotkey_pressed.connect(self._on_hotkey_pressed)

    # ------------------------------------------------------------------ start & stop

    def start(self) -> None:
        self.writer.start()
        self.ocr.start()
        pending = self.lib.captures_needing_ocr(include_failed=False)
        if pending:
            log.info("reading the text of %d captures left from before", len(pending))
            self.ocr.enqueue(pending)
        self._start_hotkey()
        available = self._tray_available() if self._tray_available else True
        self.tray.show()
        if not available:
            self.control_window = ControlWindow(self.tray, self._hotkey_text())
            self.control_window.show()
        report = self.lib.open_report
        if report.recovered:
            self.toast.show_message(
                self.tr("Recovered {n} capture(s)").format(n=len(report.recovered)),
                self.tr("Proofshot was interrupted while saving; the captures were kept in the Inbox."),
            )
        elif report.problems:
            self.toast.show_message(
                self.tr("Some originals are missing or changed"),
                self.tr("Run “main.py check” for details. ") + report.problems[0].message,
                timeout_ms=15000,
            )

    def _hotkey_text(self) -> str:
        if self._hotkey is not None:
            return self.settings.hotkey
        return self.tr("the desktop shortcut you bind to “main.py capture”")

    def _start_hotkey(self) -> None:
        if self._hotkey is not None:
            self._hotkey.stop()
            self._hotkey = None
        if self._hotkey_starter is None:
            return
        try:
            self._hotkey = self._hotkey_starter(self.settings.hotkey, self.hotkey_pressed.emit)
            self.hotkey_problem = None
        except HotkeyUnavailable as exc:
            self.hotkey_problem = str(exc)
            log.warning("no global shortcut: %s", exc)
            self.toast.show_message(
                self.tr("The capture shortcut is not available"), str(exc), timeout_ms=20000
            )
        if self.control_window is not None:
            self.control_window.set_hotkey_text(self._hotkey_text())

    def shutdown(self) -> None:
        """Stop listening, finish writing every capture already taken, stop OCR."""
        if self._hotkey is not None:
            self._hotkey.stop()
            self._hotkey = None
        if self._session is not None:
            self._session.close()
            self._session = None
        self.writer.stop()
        self.ocr.stop()
        self.tray.hide()
        self.toast.hide()

    def quit(self) -> None:
        app = QGuiApplication.instance()
        if app is not None:
            app.quit()

    # ------------------------------------------------------------------ capturing

    def _on_hotkey_pressed(self) -> None:
        timing.info("hotkey_received_at=%.6f", time.time())
        self.capture_region()

    def capture_region(self, purchase_id: Any = ACTIVE, note: str | None = None) -> bool:
        """Freeze every screen and let the user drag a region. False if one is open already."""
        if self._session is not None:
            return False
        t0 = time.perf_counter()
        try:
            grabs = self._grabber()
        except KnownCaptureError as exc:
            self.toast.show_message(self.tr("The screen could not be captured"), str(exc))
            return False
        timing.info("screens_grabbed_ms=%.1f", (time.perf_counter() - t0) * 1000)
        session = CaptureSession(grabs)
        session.region_selected.connect(
            lambda grab, rect: self._on_region_selected(grab, rect, purchase_id, note)
        )
        session.cancelled.connect(self._on_overlay_cancelled)
        session.overlay_shown.connect(lambda at: timing.info("overlay_visible_at=%.6f", at))
        self._session = session
        session.start()
        self.overlay_opened.emit()
        return True

    def _on_overlay_cancelled(self) -> None:
        self._end_session()

    def _end_session(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session.deleteLater()
            self._session = None

    def _on_region_selected(self, grab: ScreenGrab, rect: Rect, purchase_id: Any, note: str | None) -> None:
        started = time.perf_counter()
        self._end_session()
        region = rect.translated(grab.geometry.x, grab.geometry.y)
        self._keep_region(grab.crop(rect), grab, region, purchase_id, note, started=started)

    def _keep_region(
        self,
        image: Any,
        grab: ScreenGrab,
        region: Rect,
        purchase_id: Any,
        note: str | None,
        token: Any = None,
        started: float | None = None,
    ) -> None:
        """Save a region's pixels and remember the region for "Capture again"."""
        self._last_region = region
        self.tray.set_capture_again_enabled(True)
        self.writer.submit(
            CaptureJob(
                source="region",
                image=image,
                purchase_id=purchase_id,
                note=note,
                screen_geometry=geometry_note(grab, region),
                started=started if started is not None else time.perf_counter(),
                token=token,
            )
        )

    def capture_fullscreen(
        self, purchase_id: Any = ACTIVE, note: str | None = None, token: Any = None
    ) -> None:
        """The whole screen under the mouse pointer."""
        try:
            grabs = self._grabber()
        except KnownCaptureError as exc:
            self._fail(str(exc), token)
            return
        pos = QCursor.pos()
        grab = grabs[0]
        for g in grabs:
            geo = g.geometry
            if geo.x <= pos.x() < geo.right and geo.y <= pos.y() < geo.bottom:
                grab = g
        whole = Rect(0, 0, *grab.size)
        self.writer.submit(
            CaptureJob(
                source="fullscreen",
                image=grab.crop(whole),
                purchase_id=purchase_id,
                note=note,
                screen_geometry=geometry_note(grab),
                token=token,
            )
        )

    def capture_rect(
        self, rect: Rect, purchase_id: Any = ACTIVE, note: str | None = None, token: Any = None
    ) -> None:
        """A region given in physical desktop pixels (main.py capture --region)."""
        try:
            image, grab = grab_region(rect, self._grabber())
        except KnownCaptureError as exc:
            self._fail(str(exc), token)
            return
        self._keep_region(image, grab, rect, purchase_id, note, token=token)

    def capture_again(self) -> None:
        """The same region as last time: for scrolling through a long chat."""
        if self._last_region is None:
            self.toast.show_message(self.tr("Nothing to repeat yet"), self.tr("Capture a region first."))
            return
        self.capture_rect(self._last_region)

    def save_clipboard(self) -> None:
        """Keep the image on the clipboard (WeChat's own Alt+A screenshot lands there)."""
        clipboard = QGuiApplication.clipboard()
        image = clipboard.image()
        if image.isNull():
            self.toast.show_message(
                self.tr("No image on the clipboard"),
                self.tr("Copy a screenshot first (for example with WeChat's Alt+A), then try again."),
            )
            return
        buf = QBuffer()
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buf, "PNG")
        self.writer.submit(CaptureJob(source="clipboard", data=bytes(buf.data().data())))

    def _fail(self, message: str, token: Any) -> None:
        if callable(token):
            token({"ok": False, "error": message})
        self.toast.show_message(self.tr("The capture was not saved"), message)

    def _on_capture_failed(self, message: str, job: CaptureJob) -> None:
        self._fail(message, job.token)

    def _on_capture_saved(self, record: CaptureRecord, job: CaptureJob) -> None:
        self.capture_saved.emit(record)
        if callable(job.token):
            job.token({"ok": True, "capture": record.to_dict()})
        self.ocr.enqueue([record.id])
        where = record.purchase_title or self.tr("Inbox")
        warning = ""
        if "uniform" in record.flags:
            warning = self.tr(
                "This capture is almost entirely one colour: the window may be protected against screenshots. "
                "It was kept anyway."
            )
        if self.settings.after_capture == "note" and job.token is None:
            self.add_note(record.id)
        elif self.settings.after_capture == "notify" or warning:
            self.toast.show_message(
                self.tr("Saved to {where}").format(where=where),
                warning
                or self.tr("{w} × {h} px · SHA-256 {sha}…").format(
                    w=record.width, h=record.height, sha=record.sha256[:12]
                ),
                [
                    (self.tr("Undo"), lambda: self.undo(record.id)),
                    (self.tr("Change purchase…"), lambda: self.change_purchase(record.id)),
                    (self.tr("Add note…"), lambda: self.add_note(record.id)),
                ],
            )

    # ------------------------------------------------------------------ after a capture

    def undo(self, capture_id: int) -> None:
        """Move the capture to the Trash (recorded), never a silent delete."""
        try:
            self.lib.trash([capture_id])
        except KnownStorageError as exc:
            self.toast.show_message(self.tr("Could not undo"), str(exc))
            return
        self.toast.show_message(
            self.tr("Moved to the Trash"),
            self.tr("It stays there until you empty the Trash."),
            [(self.tr("Restore"), lambda: self.lib.restore([capture_id]))],
        )

    def change_purchase(self, capture_id: int) -> None:
        menu = QMenu()
        menu.addAction(self.tr("Inbox (no purchase)")).triggered.connect(
            lambda _=False: self._move(capture_id, None)
        )
        for pid, title, _active in self.purchase_choices():
            menu.addAction(f"#{pid}  {title}").triggered.connect(
                lambda _=False, p=pid: self._move(capture_id, p)
            )
        menu.exec(QCursor.pos())

    def _move(self, capture_id: int, purchase_id: int | None) -> None:
        try:
            rec = self.lib.move_captures([capture_id], purchase_id)[0]
        except KnownStorageError as exc:
            self.toast.show_message(self.tr("Could not move the capture"), str(exc))
            return
        self.toast.show_message(
            self.tr("Moved to {where}").format(where=rec.purchase_title or self.tr("Inbox"))
        )

    def add_note(self, capture_id: int) -> None:
        current = self.lib.get_capture(capture_id).note or ""
        text, ok = QInputDialog.getMultiLineText(
            None, self.tr("Add a note"), self.tr("What does this capture show? (optional)"), current
        )
        if ok:
            try:
                self.lib.set_note(capture_id, text)
            except KnownStorageError as exc:
                QMessageBox.warning(None, "Proofshot", str(exc))

    # ------------------------------------------------------------------ purchases, library, settings

    def purchase_choices(self) -> list[tuple[int, str, bool]]:
        """Purchases for the menus: open and disputed first, newest first, at most 12."""
        items = self.lib.list_purchases()
        items.sort(key=lambda p: (p.status not in ("open", "disputed"), -p.id))
        return [(p.id, p.title, p.active) for p in items[:12]]

    def set_active_purchase(self, purchase_id: int | None) -> None:
        try:
            p = self.lib.set_active_purchase(purchase_id)
        except KnownStorageError as exc:
            self.toast.show_message(self.tr("Could not choose that purchase"), str(exc))
            return
        self.toast.show_message(
            self.tr("New captures go to {where}").format(where=p.title if p else self.tr("the Inbox")),
            timeout_ms=3000,
        )

    def new_purchase(self) -> None:
        title, ok = QInputDialog.getText(
            None,
            self.tr("New purchase"),
            self.tr("What did you buy? (you can add the seller's details later)"),
        )
        if not ok or not title.strip():
            return
        try:
            p = self.lib.add_purchase({"title": title})
            self.lib.set_active_purchase(p.id)
        except KnownStorageError as exc:
            QMessageBox.warning(None, "Proofshot", str(exc))
            return
        self.toast.show_message(self.tr("New captures go to {where}").format(where=p.title), timeout_ms=3000)

    def open_library(self) -> None:
        """Show the library window (created on first use), or the folder without one."""
        if self._library_window_factory is None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.lib.root)))
            return
        if self.library_window is None:
            window = self._library_window_factory(self.lib)
            window.captures_imported.connect(self.ocr.enqueue)
            window.ocr_requested.connect(self.ocr.enqueue)
            self.capture_saved.connect(lambda rec: window.capture_changed(rec.id))
            self.ocr.ocr_finished.connect(lambda cid, _status, _msg: window.capture_changed(cid))
            self.library_window = window
        self.library_window.show()
        self.library_window.raise_()
        self.library_window.activateWindow()

    def open_settings(self) -> None:
        if self._settings_dialog_factory is None:
            return
        dialog = self._settings_dialog_factory(self.settings, autostart_command=self._autostart_command)
        dialog.settings_saved.connect(self.apply_settings)
        dialog.exec()

    def apply_settings(self, settings: AppSettings) -> None:
        old = self.settings
        self.settings = settings
        if settings.hotkey != old.hotkey:
            self._start_hotkey()
        if (settings.ocr_languages, settings.ocr_engine) != (old.ocr_languages, old.ocr_engine):
            from capture.ocr import make_engine

            langs = settings.ocr_languages or None
            choice = settings.ocr_engine
            self.ocr.set_engine_factory(lambda: make_engine(choice, langs))

    # ------------------------------------------------------------------ OCR progress

    def _on_ocr_started(self, capture_id: int) -> None:
        self.tray.set_working(True, self.tr("Reading the text of capture {id}…").format(id=capture_id))

    def _on_ocr_finished(self, capture_id: int, status: str, message: str) -> None:
        if status == "unavailable" and not getattr(self, "_ocr_warned", False):
            self._ocr_warned = True
            self.toast.show_message(
                self.tr("Text recognition is not installed"),
                message + " " + self.tr("Your captures are kept and will be read once it is installed."),
                timeout_ms=20000,
            )

    def _on_ocr_queue_emptied(self) -> None:
        self.tray.set_working(False, "Proofshot")

    # ------------------------------------------------------------------ requests from other processes

    def handle_request(self, request: dict[str, Any], respond: Responder) -> None:
        cmd = request.get("cmd")
        if cmd == "status":
            import os

            respond({"ok": True, "pid": os.getpid(), "library": str(self.lib.root)})
        elif cmd == "show" and request.get("library_window"):
            respond({"ok": True})
            self.open_library()
        elif cmd == "show":
            respond({"ok": True})
            self.toast.show_message(
                self.tr("Proofshot is running"),
                self.tr("Press {hotkey} or click the tray icon to capture.").format(
                    hotkey=self._hotkey_text()
                ),
            )
            if self.control_window is not None:
                self.control_window.show()
                self.control_window.raise_()
                self.control_window.activateWindow()
        elif cmd == "quit":
            respond({"ok": True})
            self.quit()
        elif cmd == "capture":
            self._handle_capture(request, respond)
        else:
            respond({"ok": False, "error": f"unknown request {cmd!r}"})

    def _handle_capture(self, request: dict[str, Any], respond: Responder) -> None:
        purchase: Any = ACTIVE
        if request.get("purchase_id") is not None:
            try:
                purchase = self.lib.get_purchase(int(request["purchase_id"])).id
            except (KnownStorageError, ValueError, TypeError) as exc:
                respond({"ok": False, "error": str(exc)})
                return
        note = request.get("note")
        if request.get("region"):
            try:
                x, y, w, h = (int(v) for v in request["region"])
            except (ValueError, TypeError):
                respond({"ok": False, "error": "the region must be four whole numbers"})
                return
            self.capture_rect(Rect(x, y, w, h), purchase, note, token=respond)
        elif request.get("fullscreen"):
            self.capture_fullscreen(purchase, note, token=respond)
        else:
            opened = self.capture_region(purchase, note)
            respond({"ok": True, "opened": opened})
