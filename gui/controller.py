"""The controller: wires the tray, the hotkey, the capture overlay and the workers.

It is handed every service in its constructor (tests pass fakes) and is the only
object that reacts to the user's requests. Slow work goes to the workers; the GUI
thread only grabs the screen (which must happen before the overlay appears), shows
windows and updates the tray.

Proofshot's own windows never appear in a capture: they are put out of sight
(`OutOfSight`) before the screen is grabbed and come back once the capture is done.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

import shiboken6
from PySide6.QtCore import QObject, QRect, Qt, QTimer, QUrl, Signal, SignalInstance
from PySide6.QtGui import QCursor, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QMenu, QMessageBox, QWidget

from capture.errors import KnownCaptureError
from capture.grabbers import GrabFailed, ScreenGrabbers, ScreenInfo, memory_path
from capture.hotkey import HotkeyBackend, HotkeyUnavailable
from capture.region import Rect
from capture.screen import ScreenGrab, geometry_note, grab_region
from capture.windows import WindowInfo, capture_origin, top_level_windows, window_for_region
from storage.errors import KnownStorageError, NoteChanged
from storage.records import CaptureRecord
from storage.settings import AppSettings
from storage.targets import ACTIVE, PurchaseTarget
from storage.values import merge_notes

from .library_import import clipboard_png
from .overlay import CaptureSession, _pair_grabs_with_screens
from .screens import current_screens
from .single_instance import Message, Responder
from .toast import Toast
from .tray import ControlWindow, TrayMenu
from .workers import CaptureJob, CaptureWriter, OcrWorker, release_memory

if TYPE_CHECKING:
    from PIL import Image

    from storage.library import Library

    # Loaded on first use, not at start-up (the idle tray's memory: ADR 012).
    from .desktop_shortcut import BackendInfo
    from .long_capture import FrameGrabber, LongCaptureResult, LongCaptureSession
    from .purchase_editor import PurchaseEditor, PurchaseEditorFactory
    from .welcome import WelcomeWindow

log = logging.getLogger(__name__)
timing = logging.getLogger("proofshot.timing")


class TopLevelWindow(Protocol):
    """A top-level window the controller can bring back, show and raise."""

    def isMinimized(self) -> bool: ...
    def windowState(self) -> Qt.WindowState: ...
    def setWindowState(self, state: Qt.WindowState, /) -> None: ...
    def show(self) -> None: ...
    def raise_(self) -> None: ...
    def activateWindow(self) -> None: ...


class LibraryWindowLike(TopLevelWindow, Protocol):
    """What the controller uses of the library window (gui.library_window.LibraryWindow)."""

    @property
    def captures_imported(self) -> SignalInstance: ...  # list of new capture ids
    @property
    def ocr_requested(self) -> SignalInstance: ...  # list of capture ids
    def capture_changed(self, capture_id: int, /) -> None: ...


class SettingsDialogLike(Protocol):
    """What the controller uses of the Settings dialog (gui.settings_dialog.SettingsDialog)."""

    @property
    def settings_saved(self) -> SignalInstance: ...  # the new AppSettings
    @property
    def restart_requested(self) -> SignalInstance: ...
    def exec(self) -> int: ...


class SettingsDialogFactory(Protocol):
    def __call__(
        self,
        settings: AppSettings,
        /,
        *,
        autostart_command: list[str] | None,
        library: Library,
        backends: BackendInfo | None = None,
    ) -> SettingsDialogLike: ...


# After start-up, give back what it no longer needs this long after (release_memory).
IDLE_RELEASE_MS = 3000
# A tray host started at login may come up after Proofshot: wait this long for it before
# showing the small Proofshot window instead (and switch to the tray icon when one appears).
TRAY_WAIT_S = 12.0
TRAY_POLL_MS = 500
# How long to wait for our windows to be really gone from the screen before grabbing it.
UNMAP_TIMEOUT_S = 0.5
# A compositor shows a change on its next frame: give it this long after an unmap.
COMPOSITOR_FRAME_S = 0.05
# Without one, the windows that were under ours must paint themselves again: a moment for that.
REPAINT_S = 0.1


class _XWindow(Protocol):
    """The part of python-xlib's Window used here (python-xlib has no type hints)."""

    id: int

    def map(self) -> None: ...
    def unmap(self) -> None: ...
    def query_tree(self) -> _XTree: ...
    def get_attributes(self) -> _XAttributes: ...


class _XTree(Protocol):
    parent: _XWindow | None


class _XAttributes(Protocol):
    map_state: int


class _X11:
    """A second connection to the X server (python-xlib, which pynput brings) to see when
    a window is really off the screen (hiding is asynchronous on X11, and a window manager
    unmaps a window's frame only after the window) and to take a modal dialog off the
    screen without Qt knowing: hiding it through Qt would end the dialog."""

    def __init__(self) -> None:
        # python-xlib has no type hints, and may be missing (then this raises and the caller
        # does without): which of the two codes applies depends on the machine.
        from Xlib import X, display  # type: ignore[import-not-found,import-untyped,unused-ignore]

        self._X = X
        self.display = display.Display()
        self.root = self.display.screen().root.id
        cm = self.display.intern_atom(f"_NET_WM_CM_S{self.display.get_default_screen()}")
        self._cm_atom = cm

    def _window(self, wid: int) -> _XWindow:
        window: _XWindow = self.display.create_resource_object("window", wid)
        return window

    def unmap(self, wid: int) -> None:
        self._window(wid).unmap()
        self.display.sync()

    def map(self, wid: int) -> None:
        self._window(wid).map()
        self.display.flush()

    def off_screen(self, wid: int) -> bool:
        """The window, and the frame a window manager put around it, are not viewable."""
        try:
            window = self._window(wid)
            while True:
                parent = window.query_tree().parent
                if not parent or int(parent.id) in (0, self.root):
                    break
                window = parent
            return bool(window.get_attributes().map_state != self._X.IsViewable)
        except Exception:  # BadWindow: destroyed meanwhile
            return True

    def compositing(self) -> bool:
        try:
            return bool(self.display.get_selection_owner(self._cm_atom))
        except Exception:
            return False

    def close(self) -> None:
        try:
            self.display.close()
        except Exception:
            log.debug("closing the X connection failed", exc_info=True)


def _no_windows() -> list[WindowInfo]:
    return []


def _is_capture_overlay(widget: QWidget) -> bool:
    from .overlay import WINDOW_TITLE

    return widget.windowTitle() == WINDOW_TITLE


def _is_tray_icon(widget: QWidget) -> bool:
    """The tray icon's own little window (X11): it lives inside the desktop's tray, not on
    the screen as a window of ours; hiding it only made it flicker and, never reported as
    unmapped, cost the whole UNMAP_TIMEOUT_S on every capture."""
    return widget.objectName() == "QSystemTrayIconSys"


class OutOfSight:
    """Proofshot's visible windows, taken off the screen for one grab and brought back.

    Ordinary windows are hidden through Qt. A dialog cannot be: hiding it ends a dialog
    that runs modally (Settings, a purchase form, a question), losing what was typed, so
    on X11 its window is unmapped behind Qt's back and mapped again afterwards. Popup menus
    and tooltips are just closed. `hide()` returns once the windows are really off the
    screen (at most UNMAP_TIMEOUT_S)."""

    def __init__(self, x11: Callable[[], _X11 | None]) -> None:
        self._x11 = x11
        self._hidden: list[tuple[QWidget, bool]] = []  # (widget, was active)
        self._unmapped: list[tuple[QWidget, int]] = []

    def hide(self) -> bool:
        """True when a window of ours was taken off the screen."""
        t0 = time.perf_counter()
        xcb = QGuiApplication.platformName() == "xcb"
        x11 = self._x11() if xcb else None
        watch: list[int] = []
        for widget in QApplication.topLevelWidgets():
            if (
                not widget.isVisible()
                or widget.isMinimized()
                or _is_capture_overlay(widget)
                or _is_tray_icon(widget)
            ):
                continue
            kind = widget.windowType()
            if kind in (Qt.WindowType.Popup, Qt.WindowType.ToolTip):
                widget.hide()  # closes a menu; not brought back
                watch.append(int(widget.winId()))
            elif isinstance(widget, QDialog):
                if x11 is None:
                    if not widget.isModal():
                        self._hide(widget)
                    else:
                        log.warning("a dialog stays on the screen during this capture (not on X11)")
                    continue
                wid = int(widget.winId())
                x11.unmap(wid)
                self._unmapped.append((widget, wid))
                watch.append(wid)
            else:
                self._hide(widget)
                if xcb:
                    watch.append(int(widget.winId()))
        QGuiApplication.sync()  # Qt's own unmap requests reach the X server now
        if x11 is not None and watch:
            deadline = time.monotonic() + UNMAP_TIMEOUT_S
            pending = watch
            while True:
                pending = [wid for wid in pending if not x11.off_screen(wid)]
                if not pending or time.monotonic() >= deadline:
                    break
                time.sleep(0.004)
            if pending:
                log.warning("%d window(s) of ours may still be on the screen", len(pending))
            time.sleep(COMPOSITOR_FRAME_S if x11.compositing() else REPAINT_S)
        if watch:
            timing.info("own_windows_hidden_ms=%.1f", (time.perf_counter() - t0) * 1000)
        return bool(watch or self._hidden or self._unmapped)

    def _hide(self, widget: QWidget) -> None:
        self._hidden.append((widget, widget.isActiveWindow()))
        widget.hide()

    def restore(self) -> None:
        """Bring back what `hide()` took away (a window closed meanwhile stays closed)."""
        x11 = self._x11() if self._unmapped else None
        for widget, wid in self._unmapped:
            if x11 is not None and shiboken6.isValid(widget) and widget.isVisible():
                x11.map(wid)
        for widget, was_active in self._hidden:
            if not shiboken6.isValid(widget):
                continue
            if isinstance(widget, Toast) and not widget.still_due():
                continue  # its time is up: a stale confirmation is not brought back
            if was_active:
                widget.show()
                continue
            # Back where it was, without taking the keyboard from the window the user is in.
            before = widget.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
            widget.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
            widget.show()
            if not before:
                widget.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, False)
                handle = widget.windowHandle()
                if handle is not None:
                    handle.setProperty("_q_showWithoutActivating", False)
        self._hidden.clear()
        self._unmapped.clear()


class Controller(QObject):
    capture_saved = Signal(object)  # CaptureRecord
    overlay_opened = Signal()
    hotkey_pressed = Signal()  # emitted from the hotkey thread; queued to the GUI thread
    # From the grab thread: request, grabs, error, the desktop's windows listed after the grab.
    _screens_grabbed = Signal(int, object, object, object)
    # From the thread opening the library in this process: None, or what went wrong.
    _library_opened = Signal(object)

    def __init__(
        self,
        library: Library,
        settings: AppSettings,
        tray: TrayMenu,
        writer: CaptureWriter,
        ocr: OcrWorker,
        *,
        hotkey_starter: Callable[[str, Callable[[], None]], HotkeyBackend] | None = None,
        grabber: Callable[[Sequence[ScreenInfo]], list[ScreenGrab]] | None = None,
        grabbers: ScreenGrabbers | None = None,
        grab_in_thread: bool | None = None,
        tray_available: Callable[[], bool] | None = None,
        settings_dialog_factory: SettingsDialogFactory | None = None,
        autostart_command: list[str] | None = None,
        library_window_factory: Callable[[Library], LibraryWindowLike] | None = None,
        purchase_editor_factory: PurchaseEditorFactory | None = None,
        tray_wait_s: float = TRAY_WAIT_S,
        window_lister: Callable[[], list[WindowInfo]] | None = None,
    ) -> None:
        super().__init__()
        self.lib = library
        self.settings = settings
        self.tray = tray
        self.writer = writer
        self.ocr = ocr
        from .timestamp_worker import TimestampWorker  # trusted time (issue 14)

        self.stamper = TimestampWorker(library, settings)
        self._hotkey_starter = hotkey_starter
        # How the screens are read (capture.grabbers): mss on X11, grim or the portal on
        # Wayland. There a grab can wait on the desktop (a permission dialog, a portal that
        # never answers), so it runs on a thread of its own and the overlay opens when done.
        self.grabbers = grabbers if grabbers is not None else ScreenGrabbers(memory=memory_path())
        self._grabber = grabber if grabber is not None else self.grabbers.grab
        # A long capture grabs its region alone with mss where mss is the backend in use.
        self._region_grab_with_mss = grabber is None
        self._grab_in_thread = (
            grab_in_thread if grab_in_thread is not None else self.grabbers.session == "wayland"
        )
        self._grab_request = 0
        # The desktop's top-level windows, listed once per grab right after it (never
        # before: the grab comes first), for snapping and for recording a capture's window.
        # Only where Qt runs on the real desktop (not offscreen, as in tests).
        if window_lister is None:
            desktop = QGuiApplication.platformName() in ("xcb", "wayland")
            window_lister = top_level_windows if desktop else _no_windows
        self._window_lister = window_lister
        self._grab_windows: list[WindowInfo] = []
        self._grabbed: list[ScreenGrab] = []
        self._grab_pending: dict[
            int, tuple[Callable[[list[ScreenGrab]], None], Callable[[KnownCaptureError], None]]
        ] = {}
        self._tray_available = tray_available
        self._settings_dialog_factory = settings_dialog_factory
        self._autostart_command = autostart_command
        self._library_window_factory = library_window_factory
        self._purchase_editor_factory = purchase_editor_factory
        self.library_window: LibraryWindowLike | None = None
        self._opening_library = False  # the library is being opened in this process for it
        self.purchase_editor: PurchaseEditor | None = None
        self.welcome: WelcomeWindow | None = None
        self._hotkey: HotkeyBackend | None = None
        self.hotkey_problem: str | None = None
        self._needs_desktop_shortcut = False  # Wayland without a shortcuts portal
        self._session: CaptureSession | None = None
        self._long: LongCaptureSession | None = None
        self._long_done_token: Responder | None = None  # a `capture --done` waiting for the result
        self._last_region: Rect | None = None
        self._pending_note: dict[int, str] = {}
        self.toast = Toast()
        self.control_window: ControlWindow | None = None
        self.tray_shown = False
        self._tray_wait_s = tray_wait_s
        self._tray_deadline = 0.0
        self._tray_timer = QTimer(self)
        self._tray_timer.setInterval(TRAY_POLL_MS)
        self._tray_timer.timeout.connect(self._poll_tray)
        self._x11_connection: _X11 | None = None
        self._x11_failed = False
        self._aside: OutOfSight | None = None  # our windows, off the screen during a capture
        self.restart_wanted = False  # the app starts the same command again after quitting
        self._ocr_warned = False  # the user was told text recognition is not installed

        tray.capture_region_requested.connect(self.capture_region)
        tray.capture_fullscreen_requested.connect(self.capture_fullscreen)
        tray.capture_again_requested.connect(self.capture_again)
        tray.long_capture_requested.connect(self.capture_long)
        tray.action_long.setVisible(QGuiApplication.platformName() != "wayland")
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
        self._screens_grabbed.connect(self._on_screens_grabbed)
        self._library_opened.connect(self._on_library_opened)

    # ------------------------------------------------------------------ start & stop

    def start(self) -> None:
        self.writer.start()
        self.ocr.start()
        self.stamper.start()
        pending = self.lib.captures_needing_ocr(include_failed=False)
        if pending:
            log.info("reading the text of %d captures left from before", len(pending))
            self.ocr.enqueue(pending)
        self._start_hotkey()
        self._start_tray()
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
        if not pending:
            # Once start-up has settled (the hotkey listener and the tray are up): what it read
            # and no longer needs goes back (with OCR to do, when its queue empties).
            QTimer.singleShot(IDLE_RELEASE_MS, self._release_when_idle)

    # ------------------------------------------------------------------ tray, or a window instead

    def _tray_is_available(self) -> bool:
        return self._tray_available() if self._tray_available else True

    def _start_tray(self) -> None:
        if self._tray_is_available():
            self._show_tray_icon()
            return
        log.info("no system tray yet; waiting up to %.0f s for one", self._tray_wait_s)
        self._tray_deadline = time.monotonic() + self._tray_wait_s
        self._tray_timer.start()
        if self._tray_wait_s <= 0:
            self._poll_tray()

    def _poll_tray(self) -> None:
        if self._aside is not None:
            return  # not in the middle of a capture: its windows come back as they were
        if self._tray_is_available():
            self._tray_timer.stop()
            self._show_tray_icon()
        elif self.control_window is None and time.monotonic() >= self._tray_deadline:
            log.info("still no system tray: showing the Proofshot window instead")
            self.control_window = ControlWindow(self.tray, self._hotkey_text())
            self.control_window.show()

    def _show_tray_icon(self) -> None:
        self.tray.show()
        self.tray_shown = True
        if self.control_window is not None:
            log.info("a system tray appeared: the tray icon replaces the Proofshot window")
            self.control_window.hide()
            self.control_window.deleteLater()
            self.control_window = None
        else:
            log.info("the tray icon is shown")

    # ------------------------------------------------------------------ the capture shortcut

    def hotkey_keys(self) -> str | None:
        """The global capture shortcut as the user reads it ("Ctrl+Alt+P"), None when none works."""
        if self._hotkey is None:
            return None
        sequence = QKeySequence.fromString(self.settings.hotkey, QKeySequence.SequenceFormat.PortableText)
        native = sequence.toString(QKeySequence.SequenceFormat.NativeText)
        return native or self.settings.hotkey

    def _hotkey_text(self) -> str:
        keys = self.hotkey_keys()
        if keys is not None:
            return keys
        return self.tr("the desktop shortcut you bind to “main.py capture”")

    def _show_hotkey(self) -> None:
        """Tell every place that shows the capture shortcut."""
        keys = self.hotkey_keys()
        self.tray.set_hotkey_text(keys)
        if self.control_window is not None:
            self.control_window.set_hotkey_text(self._hotkey_text())
        setter = getattr(self.library_window, "set_shortcut_text", None)
        if callable(setter):
            setter(keys)

    def _start_hotkey(self) -> None:
        if self._hotkey is not None:
            self._hotkey.stop()
            self._hotkey = None
        if self._hotkey_starter is None:
            return
        try:
            self._hotkey = self._hotkey_starter(self.settings.hotkey, self.hotkey_pressed.emit)
            self.hotkey_problem = None
            self._needs_desktop_shortcut = False
        except HotkeyUnavailable as exc:
            self.hotkey_problem = str(exc)
            self._needs_desktop_shortcut = exc.needs_desktop_shortcut
            log.warning("no global shortcut: %s", exc)
            if exc.needs_desktop_shortcut:
                body = self.tr(
                    "This desktop does not let apps set their own keyboard shortcut. Add one for "
                    "Proofshot in the desktop's settings: Proofshot's Settings show how, step by step."
                )
            else:
                body = str(exc)
            self.toast.show_message(self.tr("The capture shortcut is not available"), body, timeout_ms=20000)
        self._show_hotkey()

    def backend_info(self) -> BackendInfo:
        """How screens are read and how the capture shortcut works here, for Settings and
        the welcome window."""
        from .desktop_shortcut import BackendInfo

        status = self.grabbers.status()
        return BackendInfo(
            screen=status.name,
            screen_skipped=status.skipped,
            session=status.session,
            hotkey=getattr(self._hotkey, "name", "") if self._hotkey is not None else "",
            hotkey_problem=self.hotkey_problem,
            needs_desktop_shortcut=self._needs_desktop_shortcut,
        )

    def shutdown(self) -> None:
        """Stop listening, finish writing every capture already taken, stop OCR."""
        self._tray_timer.stop()
        if self._hotkey is not None:
            self._hotkey.stop()
            self._hotkey = None
        if self._session is not None:
            self._session.close()
            self._session = None
        if self._long is not None:
            self._long.cancel()  # nothing half-stitched is filed
        self._bring_back()
        self.writer.stop()
        self.ocr.stop()
        if self.stamper.isRunning():
            self.stamper.stop()
        self.tray.hide()
        self.toast.hide()
        if self._x11_connection is not None:
            self._x11_connection.close()
            self._x11_connection = None

    def quit(self) -> None:
        app = QGuiApplication.instance()
        if app is not None:
            app.quit()

    def restart(self) -> None:
        """Quit cleanly; once everything is closed (the single-instance server too) the app
        starts the same command again (gui.app.run_app)."""
        log.info("restarting")
        self.restart_wanted = True
        self.quit()

    # ------------------------------------------------------------------ capturing

    def _on_hotkey_pressed(self) -> None:
        timing.info("hotkey_received_at=%.6f", time.time())
        self.capture_region()

    def _x11(self) -> _X11 | None:
        if self._x11_connection is None and not self._x11_failed:
            try:
                self._x11_connection = _X11()
            except Exception as exc:  # no python-xlib, or no X server behind DISPLAY
                self._x11_failed = True
                log.warning("cannot watch windows on the X server (%s)", exc)
        return self._x11_connection

    @property
    def grabbing(self) -> bool:
        """A grab runs on its thread (the overlay opens when it is done)."""
        return bool(self._grab_pending)

    def _grab_screens_then(
        self,
        then: Callable[[list[ScreenGrab]], None],
        failed: Callable[[KnownCaptureError], None],
        windows: bool = True,
    ) -> bool:
        """Grab every screen as it is, without Proofshot's own windows on it, then call
        `then(grabs)` (or `failed(error)`) on the GUI thread: at once where grabbing is quick
        (mss), after a grab thread where it may wait on the desktop (Wayland). Our windows
        stay off the screen until `_bring_back()`. False when a grab is under way already.
        With `windows`, the desktop's windows are listed right after the grab
        (`_grab_windows`)."""
        if self._grab_pending or self._long is not None:
            return False
        # Every capture starts here: the storage helper (ADR 012) starts now, in its own
        # process, so that it is ready by the time the capture is kept (it takes 0.3-0.5 s
        # when it is not running; a user's selection usually takes longer).
        self.lib.prewarm()
        hidden = False
        if self._aside is None:
            self._aside = OutOfSight(self._x11)
            hidden = self._aside.hide()
        screens = current_screens()
        if not self._grab_in_thread:
            try:
                grabs = self._timed_grab(screens)
            except KnownCaptureError as exc:
                failed(exc)
                return True
            self._grabbed = grabs
            self._grab_windows = self._list_windows() if windows else []
            then(grabs)
            return True
        self._grab_request += 1
        request = self._grab_request
        self._grab_pending[request] = (then, failed)
        # Where no X server tells when our windows are gone (Wayland), give the compositor
        # a frame to draw the screen without them.
        settle = COMPOSITOR_FRAME_S if hidden and QGuiApplication.platformName() != "xcb" else 0.0
        threading.Thread(
            target=self._grab_on_thread,
            args=(request, screens, settle, windows),
            name="screen-grab",
            daemon=True,
        ).start()
        return True

    def _list_windows(self) -> list[WindowInfo]:
        try:
            return list(self._window_lister())
        except Exception:  # the lister should never raise; a capture never fails for it
            log.exception("listing the desktop's windows failed")
            return []

    def _timed_grab(self, screens: Sequence[ScreenInfo]) -> list[ScreenGrab]:
        t0 = time.perf_counter()
        grabs = self._grabber(screens)
        timing.info("screens_grabbed_ms=%.1f", (time.perf_counter() - t0) * 1000)
        return grabs

    def _grab_on_thread(
        self, request: int, screens: Sequence[ScreenInfo], settle: float, windows: bool
    ) -> None:
        if settle:
            time.sleep(settle)
        try:
            grabs = self._timed_grab(screens)
        except KnownCaptureError as exc:
            self._screens_grabbed.emit(request, None, exc, [])
        except Exception as exc:  # a bug in a backend: still a message, never a hung capture
            log.exception("grabbing the screens failed")
            self._screens_grabbed.emit(
                request, None, GrabFailed("failed", f"the screen could not be read ({exc})"), []
            )
        else:
            self._screens_grabbed.emit(request, grabs, None, self._list_windows() if windows else [])

    def _on_screens_grabbed(
        self,
        request: int,
        grabs: list[ScreenGrab] | None,
        error: KnownCaptureError | None,
        windows: list[WindowInfo],
    ) -> None:
        then, failed = self._grab_pending.pop(request)
        if error is not None or not grabs:
            failed(error or GrabFailed("failed", "no screen was found to capture"))
        else:
            self._grabbed = grabs
            self._grab_windows = windows
            then(grabs)

    def grab_failure_text(self, exc: KnownCaptureError) -> str:
        """What went wrong, in the user's language where the reason is known."""
        code = getattr(exc, "code", "")
        log.warning("the screen could not be captured (%s): %s", code or "error", exc)
        if code == "refused":
            return self.tr(
                "The desktop did not allow Proofshot to take a screenshot. Allow screenshots for "
                "Proofshot when the desktop asks, or in its settings under Privacy or Apps, then try again."
            )
        if code == "no_answer":
            return self.tr(
                "The desktop did not answer the request for a screenshot in time. If it asked whether to "
                "allow screenshots, allow them, then capture again."
            )
        if code == "no_portal":
            return self.tr(
                "This desktop offers no way for apps to take screenshots. Install grim (on sway, Hyprland "
                "or river) or xdg-desktop-portal with your desktop's portal (GNOME, KDE), then try again."
            )
        return str(exc)

    def _bring_back(self) -> None:
        if self._aside is not None:
            aside, self._aside = self._aside, None
            aside.restore()

    def capture_region(
        self,
        purchase_id: PurchaseTarget = ACTIVE,
        note: str | None = None,
        preselect: Rect | None = None,
        long_capture: bool = False,
    ) -> bool:
        """Freeze every screen and let the user drag a region (`preselect`: a region in
        desktop coordinates shown selected, for "Capture again"; `long_capture`: the region
        starts a long capture). False if one is open already."""
        if self._session is not None or self._grab_pending or self._long is not None:
            return False

        def opened(grabs: list[ScreenGrab]) -> None:
            self._open_session(grabs, purchase_id, note, preselect, long_capture)

        def failed(exc: KnownCaptureError) -> None:
            self._bring_back()
            self.toast.show_message(self.tr("The screen could not be captured"), self.grab_failure_text(exc))

        return self._grab_screens_then(opened, failed)

    def _open_session(
        self,
        grabs: list[ScreenGrab],
        purchase_id: PurchaseTarget,
        note: str | None,
        preselect: Rect | None,
        long_capture: bool = False,
    ) -> None:
        session = CaptureSession(
            grabs, preselect=preselect, windows=self._grab_windows, long_capture=long_capture
        )
        session.region_selected.connect(
            lambda grab, rect: self._on_region_selected(grab, rect, purchase_id, note)
        )
        session.long_capture_selected.connect(
            lambda grab, rect: self._on_long_capture_selected(grab, rect, purchase_id, note)
        )
        session.cancelled.connect(self._on_overlay_cancelled)
        session.overlay_shown.connect(lambda at: timing.info("overlay_visible_at=%.6f", at))
        self._session = session
        session.start()
        self.overlay_opened.emit()

    def _on_overlay_cancelled(self) -> None:
        self._end_session()
        self._drop_grabs()
        self._bring_back()

    def _end_session(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session.deleteLater()
            self._session = None

    def _on_region_selected(
        self, grab: ScreenGrab, rect: Rect, purchase_id: PurchaseTarget, note: str | None
    ) -> None:
        started = time.perf_counter()
        snapped = self._session.snapped_window if self._session is not None else None
        self._end_session()
        region = grab.to_desktop(rect)
        window = snapped or window_for_region(self._grab_windows, region)
        self._keep_region(grab.crop(rect), grab, region, purchase_id, note, started=started, window=window)
        self._drop_grabs()
        self._bring_back()

    # ------------------------------------------------------------------ long captures

    @property
    def long_capture(self) -> LongCaptureSession | None:
        """The long capture under way, if any."""
        return self._long

    def capture_long(self, purchase_id: PurchaseTarget = ACTIVE, note: str | None = None) -> bool:
        """The overlay for a long capture: the region the user selects is watched while they
        scroll. False if a capture is open already (or long captures cannot run here)."""
        if not self._long_capture_possible(None):
            return False
        return self.capture_region(purchase_id, note, long_capture=True)

    def _long_capture_possible(self, token: Responder | None) -> bool:
        """Long captures need the long capture's window beside the region, never over it:
        on Wayland the compositor, not the app, decides where a window goes."""
        if QGuiApplication.platformName() != "wayland":
            return True
        self._fail(
            self.tr(
                "Long captures are not available on Wayland yet: the desktop decides where Proofshot's "
                "window goes, and it could cover the chat. Capture the chat screen by screen instead."
            ),
            token,
        )
        return False

    def capture_long_rect(
        self,
        rect: Rect,
        purchase_id: PurchaseTarget = ACTIVE,
        note: str | None = None,
        token: Responder | None = None,
    ) -> None:
        """A long capture of a region given in desktop coordinates (main.py capture --long
        --region), started at once; `token` is told it started (or why not)."""
        if self._long is not None:
            self._fail(self.tr("A long capture is running already; finish or cancel it first."), token)
            return
        if self._session is not None:  # its overlay covers the screen: it would be in every frame
            self._fail(self.tr("A capture is being taken already; try again in a moment."), token)
            return
        if not self._long_capture_possible(token):
            return

        def grabbed(grabs: list[ScreenGrab]) -> None:
            grab = next((g for g in grabs if g.holds(rect.x, rect.y)), None)
            if grab is None:
                self._bring_back()
                self._fail(self.tr("The region {region} is not on any screen.").format(region=rect), token)
                return
            region = rect.intersected(grab.geometry)
            window = window_for_region(self._grab_windows, region)
            if self._start_long(grab, region, purchase_id, note, window, token) and callable(token):
                token({"ok": True, "started": True, "region": list(region.as_tuple())})

        def failed(exc: KnownCaptureError) -> None:
            self._bring_back()
            self._fail(self.grab_failure_text(exc), token)

        if not self._grab_screens_then(grabbed, failed):
            self._fail(self.tr("A capture is being taken already; try again in a moment."), token)

    def _on_long_capture_selected(
        self, grab: ScreenGrab, rect: Rect, purchase_id: PurchaseTarget, note: str | None
    ) -> None:
        snapped = self._session.snapped_window if self._session is not None else None
        self._end_session()
        region = grab.to_desktop(rect)
        window = snapped or window_for_region(self._grab_windows, region)
        self._start_long(grab, region, purchase_id, note, window, None)

    def _start_long(
        self,
        grab: ScreenGrab,
        region: Rect,
        purchase_id: PurchaseTarget,
        note: str | None,
        window: WindowInfo | None,
        token: Responder | None,
    ) -> bool:
        """Watch `region` (desktop coordinates, on `grab`'s screen) until Done or Cancel.
        Our other windows stay off the screen meanwhile; the long capture's own window is
        placed beside the region, never over it."""
        if region.empty or not self._long_capture_possible(token):
            self._bring_back()
            if region.empty:
                self._fail(self.tr("The region is empty."), token)
            return False
        from .long_capture import LongCaptureSession

        frame_grabber, close = self._frame_grabber(grab, region)
        session = LongCaptureSession(
            region, self._logical_rect(grab, region), frame_grabber, close_grabber=close
        )
        session.finished.connect(
            lambda result: self._on_long_finished(result, grab, region, purchase_id, note, window)
        )
        session.cancelled.connect(self._on_long_cancelled)
        session.failed.connect(self._on_long_failed)
        if not session.start():
            self._bring_back()
            self._fail(
                self.tr(
                    "There is no room beside the region for the long capture's window. "
                    "Select a smaller part of the screen."
                ),
                token,
            )
            return False
        log.info("long capture of %s started", region)
        self._long = session
        self._last_region = region
        self.tray.set_capture_again_enabled(True)
        return True

    def _frame_grabber(
        self, grab: ScreenGrab, region: Rect
    ) -> tuple[FrameGrabber, Callable[[], None] | None]:
        """How the long capture grabs its region: mss on the region alone where mss is the
        backend, else the screen's grab through the same backend, cropped."""
        if self._region_grab_with_mss and grab.backend == "mss" and grab.scale == 1:
            from .long_capture import MssRegionGrabber

            mss_grabber = MssRegionGrabber(region)
            return mss_grabber, mss_grabber.close
        screens = current_screens()
        own = [s for s in screens if s.name and s.name == grab.name] or [
            s
            for s in screens
            if s.geometry.x <= region.x < s.geometry.right and s.geometry.y <= region.y < s.geometry.bottom
        ]
        wanted = own or screens

        def grab_frame() -> Image.Image:
            image, _ = grab_region(region, self._grabber(wanted))
            return image

        return grab_frame, None

    def _logical_rect(self, grab: ScreenGrab, region: Rect) -> QRect:
        """`region` (desktop coordinates) in Qt's logical coordinates, for placing windows."""
        x, y, w, h = region.as_tuple()
        try:
            for g, screen in _pair_grabs_with_screens(self._grabbed or [grab], QGuiApplication.screens()):
                if g is grab:
                    # Desktop coordinates are physical pixels except on Wayland (logical there).
                    ratio = 1.0 if QGuiApplication.platformName() == "wayland" else screen.devicePixelRatio()
                    sg = screen.geometry()
                    return QRect(
                        round(sg.x() + (x - grab.geometry.x) / ratio),
                        round(sg.y() + (y - grab.geometry.y) / ratio),
                        max(1, round(w / ratio)),
                        max(1, round(h / ratio)),
                    )
        except Exception:  # a screen unplugged meanwhile
            log.debug("no screen for grab %d", grab.index, exc_info=True)
        return QRect(x, y, w, h)

    def finish_long_capture(self, token: Responder | None = None) -> bool:
        """Done (main.py capture --done): `token` gets the capture once it is filed."""
        if self._long is None:
            return False
        if token is not None:
            self._long_done_token = token
        self._long.finish()
        return True

    def cancel_long_capture(self) -> bool:
        if self._long is None:
            return False
        self._long.cancel()
        return True

    def _take_done_token(self) -> Responder | None:
        token, self._long_done_token = self._long_done_token, None
        return token

    def _on_long_finished(
        self,
        result: LongCaptureResult,
        grab: ScreenGrab,
        region: Rect,
        purchase_id: PurchaseTarget,
        note: str | None,
        window: WindowInfo | None,
    ) -> None:
        self._long = None
        self._bring_back()
        self.writer.submit(
            CaptureJob(
                source="long",
                purchase_id=purchase_id,
                note=note,
                screen_geometry=geometry_note(grab, region),
                origin=capture_origin(grab, region, window, self._output_name(grab)),
                token=self._take_done_token(),
                long_capture=result,
            )
        )
        self._drop_grabs()  # after _output_name, which pairs the grabs with the screens

    def _on_long_cancelled(self) -> None:
        self._long = None
        self._drop_grabs()
        self._bring_back()
        token = self._take_done_token()
        if callable(token):
            token({"ok": False, "error": "the long capture was cancelled; nothing was filed"})

    def _on_long_failed(self, message: str) -> None:
        self._long = None
        self._drop_grabs()
        self._bring_back()
        self._fail(message, self._take_done_token())

    def _output_name(self, grab: ScreenGrab) -> str | None:
        """The name of the screen `grab` shows: the backend's (Wayland outputs), else Qt's."""
        if grab.name:
            return grab.name
        try:
            for g, screen in _pair_grabs_with_screens(self._grabbed or [grab], QGuiApplication.screens()):
                if g is grab:
                    return screen.name() or None
        except Exception:  # a screen unplugged meanwhile: not recorded
            log.debug("no screen name for grab %d", grab.index, exc_info=True)
        return None

    def _keep_region(
        self,
        image: Image.Image,
        grab: ScreenGrab,
        region: Rect,
        purchase_id: PurchaseTarget,
        note: str | None,
        token: Responder | None = None,
        started: float | None = None,
        window: WindowInfo | None = None,
    ) -> None:
        """Save a region's pixels and remember the region for "Capture again". `window`
        is the one the region was taken from (recorded with the capture; None: not known)."""
        self._last_region = region
        self.tray.set_capture_again_enabled(True)
        self.writer.submit(
            CaptureJob(
                source="region",
                image=image,
                purchase_id=purchase_id,
                note=note,
                screen_geometry=geometry_note(grab, region),
                origin=capture_origin(grab, region, window, self._output_name(grab)),
                started=started if started is not None else time.perf_counter(),
                token=token,
            )
        )

    def _drop_grabs(self) -> None:
        """The frozen screens and the window list are not needed once a capture's pixels went
        to the writer (a full screen is 6.2 MB at 1920×1080; kept until the next grab, they
        were most of what the idle tray grew by after a capture, ADR 012)."""
        self._grabbed = []
        self._grab_windows = []

    def _after_direct_grab(self) -> None:
        if self._session is None:
            self._bring_back()

    def capture_fullscreen(
        self, purchase_id: PurchaseTarget = ACTIVE, note: str | None = None, token: Responder | None = None
    ) -> None:
        """The whole screen under the mouse pointer."""

        def grabbed(grabs: list[ScreenGrab]) -> None:
            self._after_direct_grab()
            pos = QCursor.pos()
            grab = grabs[0]
            for g in grabs:
                if g.holds(pos.x(), pos.y()):
                    grab = g
            whole = Rect(0, 0, *grab.size)
            self.writer.submit(
                CaptureJob(
                    source="fullscreen",
                    image=grab.crop(whole),
                    purchase_id=purchase_id,
                    note=note,
                    screen_geometry=geometry_note(grab),
                    # The whole screen: no one window is its source.
                    origin=capture_origin(grab, None, None, self._output_name(grab)),
                    token=token,
                )
            )
            self._drop_grabs()

        def failed(exc: KnownCaptureError) -> None:
            self._after_direct_grab()
            self._fail(self.grab_failure_text(exc), token)

        if not self._grab_screens_then(grabbed, failed, windows=False):
            self._fail(self.tr("A capture is being taken already; try again in a moment."), token)

    def capture_rect(
        self,
        rect: Rect,
        purchase_id: PurchaseTarget = ACTIVE,
        note: str | None = None,
        token: Responder | None = None,
    ) -> None:
        """A region given in desktop coordinates (main.py capture --region)."""

        def grabbed(grabs: list[ScreenGrab]) -> None:
            self._after_direct_grab()
            try:
                image, grab = grab_region(rect, grabs)
            except (KnownCaptureError, ValueError) as exc:
                self._drop_grabs()
                self._fail(str(exc), token)
                return
            region = rect.intersected(grab.geometry)  # what was captured: the part on that screen
            window = window_for_region(self._grab_windows, region)
            self._keep_region(image, grab, region, purchase_id, note, token=token, window=window)
            self._drop_grabs()

        def failed(exc: KnownCaptureError) -> None:
            self._after_direct_grab()
            self._fail(self.grab_failure_text(exc), token)

        if not self._grab_screens_then(grabbed, failed):
            self._fail(self.tr("A capture is being taken already; try again in a moment."), token)

    def capture_again(self) -> bool:
        """The overlay with last time's region already selected (for scrolling through a long
        chat): Enter keeps it, a drag makes a new one, Esc cancels."""
        if self._last_region is None:
            self.toast.show_message(self.tr("Nothing to repeat yet"), self.tr("Capture a region first."))
            return False
        return self.capture_region(preselect=self._last_region)

    def save_clipboard(self) -> None:
        """Keep the image on the clipboard (WeChat's own Alt+A screenshot lands there)."""
        data = clipboard_png()
        if data is None:
            self.toast.show_message(
                self.tr("No image on the clipboard"),
                self.tr("Copy a screenshot first (for example with WeChat's Alt+A), then try again."),
            )
            return
        self.writer.submit(CaptureJob(source="clipboard", data=data))

    def _fail(self, message: str, token: Responder | None) -> None:
        if callable(token):
            token({"ok": False, "error": message})
        self.toast.show_message(self.tr("The capture was not saved"), message)

    def _on_capture_failed(self, message: str, job: CaptureJob) -> None:
        self._fail(message, job.token)

    def _on_capture_saved(self, record: CaptureRecord, job: CaptureJob) -> None:
        self.capture_saved.emit(record)
        if callable(job.token):
            job.token({"ok": True, "capture": record.to_dict(), "same_as_previous": job.same_as})
        self.ocr.enqueue([record.id])
        self.stamper.capture_saved(record.id)  # trusted time, when on: after the commit
        where = record.purchase_title or self.tr("Inbox")
        copied = (
            self.settings.copy_after_capture
            and job.token is None
            and self.copy_capture(record.id, quiet=True)
        )
        actions = [
            (self.tr("Undo"), lambda: self.undo(record.id)),
            (self.tr("Change purchase…"), lambda: self.change_purchase(record.id)),
            (self.tr("Add note…"), lambda: self.add_note(record.id)),
            (self.tr("Copy"), lambda: self.copy_capture(record.id)),
        ]
        if job.same_as is not None:
            # Not a new capture as far as the user can tell: say so, whatever the setting.
            self.toast.show_message(
                self.tr("Same as the previous capture — nothing new on screen"),
                self.tr("It was kept in {where} anyway, as a record of this moment. Undo removes it.").format(
                    where=where
                ),
                actions,
            )
            return
        warning = ""
        if "uniform" in record.flags:
            warning = self.tr(
                "This capture is almost entirely one colour: the window may be protected against screenshots. "
                "It was kept anyway."
            )
        if self.settings.after_capture == "note" and job.token is None:
            self.add_note(record.id)
        elif self.settings.after_capture == "notify" or warning:
            details = self.tr("{w} × {h} px · SHA-256 {sha}…").format(
                w=record.width, h=record.height, sha=record.sha256[:12]
            )
            if copied:
                details = self.tr("{details} · copied to the clipboard").format(details=details)
            self.toast.show_message(
                self.tr("Saved to {where}").format(where=where), warning or details, actions
            )

    def copy_capture(self, capture_id: int, quiet: bool = False) -> bool:
        """Put the capture on the clipboard: its original PNG bytes as they are, and the
        image for programs that take only images (a dispute form, a complaint page)."""
        from PySide6.QtCore import QMimeData
        from PySide6.QtGui import QImage

        try:
            data = self.lib.read_capture_bytes(capture_id)
        except KnownStorageError as exc:
            if not quiet:
                self.toast.show_message(self.tr("Could not copy"), str(exc))
            return False
        image = QImage.fromData(data)
        if image.isNull():
            if not quiet:
                self.toast.show_message(self.tr("Could not copy"), self.tr("The image could not be read."))
            return False
        mime = QMimeData()
        mime.setData("image/png", data)
        mime.setImageData(image)
        QGuiApplication.clipboard().setMimeData(mime)
        if not quiet:
            self.toast.show_message(
                self.tr("Copied to the clipboard"), self.tr("Paste it wherever the image is needed.")
            )
        return True

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
                try:
                    self.lib.set_note(capture_id, text, expected=current)
                except NoteChanged as conflict:
                    # Changed elsewhere while the dialog was open: keep both, never overwrite.
                    self.lib.set_note(
                        capture_id, merge_notes(conflict.current, text), expected=conflict.current
                    )
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
        """The full purchase form (the library window's own); the purchase saved becomes the
        active one. Not modal: the user can capture the order page while filling it in."""
        editor = self.purchase_editor
        if editor is not None and shiboken6.isValid(editor) and editor.isVisible():
            self._bring_to_front(editor)
            return
        factory = self._purchase_editor_factory
        if factory is None:
            from .purchase_editor import PurchaseEditor

            factory = PurchaseEditor
        try:
            editor = factory(self.lib, None, None)
        except KnownStorageError as exc:
            self.toast.show_message(self.tr("Could not start a purchase"), str(exc))
            return
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.purchase_saved.connect(lambda p: self.set_active_purchase(p.id))
        editor.finished.connect(lambda _result: self._forget_purchase_editor(editor))
        self.purchase_editor = editor
        self._bring_to_front(editor)

    def _forget_purchase_editor(self, editor: PurchaseEditor) -> None:
        if self.purchase_editor is editor:
            self.purchase_editor = None

    @staticmethod
    def _bring_to_front(window: TopLevelWindow) -> None:
        """Show `window` restored (not minimised), on top and with the keyboard."""
        if window.isMinimized():
            window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
        window.show()
        window.raise_()
        window.activateWindow()

    def open_library(self) -> None:
        """Show the library window (created on first use), or the folder without one."""
        if self._library_window_factory is None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.lib.root)))
            return
        if self.library_window is None:
            if not self.lib.local_ready():
                # The window needs the whole storage layer in this process (ADR 012): loading
                # it takes 0.3-0.5 s, on a thread; the window opens when it is there.
                if not self._opening_library:
                    self._opening_library = True
                    threading.Thread(target=self._open_library_here, name="library-open", daemon=True).start()
                return
            window = self._library_window_factory(self.lib)  # the factory takes lib.local()
            window.captures_imported.connect(self.ocr.enqueue)
            window.ocr_requested.connect(self.ocr.enqueue)
            self.capture_saved.connect(lambda rec: window.capture_changed(rec.id))
            self.ocr.ocr_finished.connect(lambda cid, _status, _msg: window.capture_changed(cid))
            self.library_window = window
            self._show_hotkey()
        self._bring_to_front(self.library_window)

    def _open_library_here(self) -> None:
        try:
            self.lib.local()
            error: str | None = None
        except KnownStorageError as exc:
            error = str(exc)
        except Exception as exc:  # a bug: say so instead of opening nothing
            log.exception("opening the library in the app failed")
            error = f"internal error: {exc!r}"
        self._library_opened.emit(error)

    def _on_library_opened(self, error: str | None) -> None:
        self._opening_library = False
        if error is not None:
            self.toast.show_message(self.tr("Could not open the library"), error)
            return
        self.open_library()

    def show_welcome(self) -> None:
        """The first-start window: the shortcut, where captures go, how to start a purchase,
        where the library is."""
        from .welcome import WelcomeWindow

        if self.welcome is not None and shiboken6.isValid(self.welcome) and self.welcome.isVisible():
            self._bring_to_front(self.welcome)
            return
        menu = f"{self.tray.purchase_menu.title()} → {self.tray.new_purchase_label}"
        window = WelcomeWindow(
            self._hotkey_text(),
            self.lib.root,
            menu,
            tray=self.control_window is None,
            backends=self.backend_info(),
            hotkey=self.settings.hotkey,
        )
        self.welcome = window
        self._bring_to_front(window)

    def open_settings(self) -> None:
        if self._settings_dialog_factory is None:
            return
        dialog = self._settings_dialog_factory(
            self.settings,
            autostart_command=self._autostart_command,
            library=self.lib,
            backends=self.backend_info(),
        )
        dialog.settings_saved.connect(self.apply_settings)
        dialog.restart_requested.connect(self.restart)  # after a new interface language
        dialog.exec()

    def apply_settings(self, settings: AppSettings) -> None:
        old = self.settings
        self.settings = settings
        self.stamper.set_settings(settings)
        if settings.hotkey != old.hotkey or self._hotkey is None:
            self._start_hotkey()
        if (settings.ocr_languages, settings.ocr_engine) != (old.ocr_languages, old.ocr_engine):
            from capture.ocr import make_engine

            langs = settings.ocr_languages or None
            choice = settings.ocr_engine
            self.ocr.set_engine_factory(lambda: make_engine(choice, langs))

    # ------------------------------------------------------------------ OCR progress

    def _on_ocr_started(self, capture_id: int) -> None:
        # No capture number here: the app shows none anywhere else.
        self.tray.set_working(True, self.tr("Reading the text of your captures…"))

    def _on_ocr_finished(self, capture_id: int, status: str, message: str) -> None:
        if status == "unavailable" and not self._ocr_warned:
            self._ocr_warned = True
            self.toast.show_message(
                self.tr("Text recognition is not installed"),
                message + " " + self.tr("Your captures are kept and will be read once it is installed."),
                timeout_ms=20000,
            )

    def _on_ocr_queue_emptied(self) -> None:
        self.tray.set_working(False, "")
        self._release_when_idle()

    def _release_when_idle(self) -> None:
        """With OCR idle and no capture being kept, no thread of the app is importing: give
        back what start-up and the last jobs left (gui.workers.release_memory; ADR 012)."""
        if not self.writer.gate.busy():
            release_memory(source_lines=True)

    # ------------------------------------------------------------------ requests from other processes

    def handle_request(self, request: Message, respond: Responder) -> None:
        cmd = request.get("cmd")
        if cmd == "status":
            import os

            respond(
                {
                    "ok": True,
                    "pid": os.getpid(),
                    "library": str(self.lib.root),
                    "tray": self.tray_shown,
                    "window": self.control_window is not None and self.control_window.isVisible(),
                    "long_capture": self._long.status() if self._long is not None else None,
                }
            )
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
        elif cmd == "restart":
            respond({"ok": True})
            self.restart()
        elif cmd == "capture":
            self._handle_capture(request, respond)
        else:
            respond({"ok": False, "error": f"unknown request {cmd!r}"})

    def _handle_capture(self, request: Message, respond: Responder) -> None:
        if request.get("done") or request.get("cancel"):
            if self._long is None:
                respond({"ok": False, "error": "no long capture is running"})
            elif request.get("done"):
                self.finish_long_capture(respond)
            else:
                self.cancel_long_capture()
                respond({"ok": True, "cancelled": True})
            return
        purchase: PurchaseTarget = None if request.get("inbox") else ACTIVE
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
            if request.get("long"):
                self.capture_long_rect(Rect(x, y, w, h), purchase, note, token=respond)
            else:
                self.capture_rect(Rect(x, y, w, h), purchase, note, token=respond)
        elif request.get("long"):
            opened = self.capture_long(purchase, note)
            respond({"ok": True, "opened": opened})
        elif request.get("fullscreen"):
            self.capture_fullscreen(purchase, note, token=respond)
        else:
            opened = self.capture_region(purchase, note)
            respond({"ok": True, "opened": opened})
