"""Trusted time in the app: stamping captures in the background, and each capture's
stamp status in words for the library window.

`TimestampWorker` is a thread of its own. The controller tells it about each capture
once it is committed (`capture_saved`); when trusted time is on and "stamp each capture"
is chosen, the worker queues a request and sends every due one to the TSA
(storage/timestamps.py, capture/tsa_client.py). A failure waits with back-off; the
worker wakes at the next due time, when told, or every few minutes. With trusted time
off it never touches the network. Nothing here runs on the GUI thread except the
methods that only put a job on its queue.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QThread, Signal

if TYPE_CHECKING:
    from storage.export_timestamps import ExportStamping
    from storage.library import Library
    from storage.settings import AppSettings
    from storage.timestamps import Sender

log = logging.getLogger(__name__)

#: The longest the worker sleeps before looking for due requests again.
MAX_SLEEP_S = 300.0
_STOP = object()
_WAKE = object()


class TimestampWorker(QThread):
    """Sends due time-stamp requests (module doc)."""

    #: (capture id, or 0 for an export; stamped?; the outcome in words)
    stamp_finished = Signal(int, bool, str)

    def __init__(
        self,
        library: Library,
        settings: AppSettings,
        *,
        send: Sender | None = None,
        timeout: float | None = None,
        max_sleep_s: float = MAX_SLEEP_S,
    ) -> None:
        super().__init__()
        self.setObjectName("timestamp-worker")
        self._lib = library
        self._settings = settings
        self._send = send
        self._timeout = timeout
        self._max_sleep_s = max_sleep_s
        self._jobs: queue.Queue[object] = queue.Queue()
        self._stopping = False
        self._pause_s = 0.0  # after an unexpected error: wait before looking again

    # ------------------------------------------------------------------ from the GUI thread

    def set_settings(self, settings: AppSettings) -> None:
        self._settings = settings
        self._jobs.put(_WAKE)

    def capture_saved(self, capture_id: int) -> None:
        """A capture was committed: stamp it when the settings say so (never blocks)."""
        s = self._settings
        if s.tsa_enabled and s.tsa_stamp_captures and s.tsa_url:
            self._jobs.put(capture_id)

    def wake(self) -> None:
        self._jobs.put(_WAKE)

    def stop(self) -> None:
        """Stop after the request being sent (at most its timeout); the rest stay queued."""
        self._stopping = True
        self._jobs.put(_STOP)
        self.wait()

    # ------------------------------------------------------------------ the thread

    def _sender(self) -> Sender:
        if self._send is not None:
            return self._send
        from capture.tsa_client import sender

        return sender(self._timeout)

    def _sleep_s(self) -> float | None:
        """How long to wait for a job: until the next due request, None when off."""
        if not (self._settings.tsa_enabled and self._settings.tsa_url):
            return None
        if self._pause_s:
            return self._pause_s
        from storage.timestamps import next_due_at

        due = next_due_at(self._lib.local())  # the whole storage layer, when trusted time is on
        if due is None:
            return self._max_sleep_s
        if not due:
            return 0.0
        at = datetime.strptime(due[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
        return max(0.0, min(self._max_sleep_s, (at - datetime.now(UTC)).total_seconds() + 0.5))

    def run(self) -> None:
        while True:
            try:
                wait = self._sleep_s()
                job = self._jobs.get(timeout=wait) if wait is None or wait > 0 else _WAKE
            except queue.Empty:
                job = _WAKE
            except Exception:
                log.exception("trusted time: cannot read the queue of requests")
                job = self._jobs.get()
            if job is _STOP:
                return
            s = self._settings
            if not (s.tsa_enabled and s.tsa_url):
                continue  # off: the network is never touched
            try:
                # Loaded when trusted time is on, not while the tray waits (ADR 012).
                from storage import timestamps as ts

                lib = self._lib.local()
                if isinstance(job, int):
                    ts.queue_captures(lib, [job], s.tsa_url)
                for request in ts.due_requests(lib):
                    if self._stopping:
                        break
                    ts.process(lib, self._sender(), [request], on_result=self._report)
                self._pause_s = 0.0
            except Exception:
                log.exception("trusted time: stamping failed")
                self._pause_s = 30.0

    def _report(self, outcome: object) -> None:
        from storage.timestamps import Outcome

        assert isinstance(outcome, Outcome)
        self.stamp_finished.emit(outcome.request.capture_id or 0, outcome.ok, outcome.message)


def stamp_status_text(lib: Library, capture_id: int) -> str | None:
    """The capture's trusted-time status in words, None when it was never stamped or
    queued (a small indexed read)."""
    from storage import timestamps as ts

    try:
        rec = ts.status_by_capture(lib, [capture_id]).get(capture_id)
    except Exception:
        log.exception("trusted time: cannot read the status of capture %s", capture_id)
        return None
    if rec is None:
        return None
    if rec.status == ts.STAMPED:
        return QCoreApplication.translate("TrustedTime", "Time-stamped by {tsa} at {time} (UTC)").format(
            tsa=rec.tsa_name or rec.tsa_url, time=(rec.tsa_time or "").replace("T", " ").rstrip("Z")
        )
    if rec.status == ts.FAILED:
        return QCoreApplication.translate(
            "TrustedTime", "Not time-stamped yet: {error}. Tried {n} time(s); it is tried again later."
        ).format(error=rec.last_error or "?", n=rec.attempts)
    return QCoreApplication.translate("TrustedTime", "Waiting to be time-stamped by {tsa}").format(
        tsa=rec.tsa_url
    )


def status_source(lib: Library) -> Callable[[int], str | None]:
    return lambda capture_id: stamp_status_text(lib, capture_id)


def export_stamping(settings: AppSettings) -> ExportStamping | None:
    """How an export from the window stamps its SHA256SUMS: only when trusted time is on
    and "stamp each export" is chosen."""
    if not (settings.tsa_enabled and settings.tsa_stamp_exports and settings.tsa_url):
        return None
    from capture.tsa_client import sender
    from storage.export_timestamps import ExportStamping

    return ExportStamping(settings.tsa_url, sender())
