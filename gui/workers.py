"""Background workers: keeping captures and reading their text, off the GUI thread.

Each worker is a QThread with its own queue. Workers never touch a widget: they
emit signals (queued to the GUI thread), catch everything, and report failures as
signals too. Captures are written by one thread, in order, so the custody log reads
in the order the user captured.
"""

from __future__ import annotations

import contextlib
import ctypes
import enum
import hashlib
import io
import linecache
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from PIL import Image
from PySide6.QtCore import QThread, Signal

from capture.errors import KnownCaptureError
from capture.screen import encode_png, is_mostly_uniform
from storage.errors import KnownStorageError
from storage.records import CaptureOrigin, CaptureRecord
from storage.targets import ACTIVE, PurchaseTarget

if TYPE_CHECKING:
    from capture.ocr import OcrEngine, OcrResult  # loaded when there is text to read, not at start-up
    from capture.pipeline import BlobReader
    from storage.library import Library
    from storage.records import OcrData

    from .long_capture import LongCaptureResult
    from .single_instance import Responder

log = logging.getLogger(__name__)
timing = logging.getLogger("proofshot.timing")

#: Where a capture goes: a purchase id, None for the Inbox, or ACTIVE (the active purchase).
#: Makes the OCR engine, on first use in the worker's thread.
EngineFactory = Callable[[], "OcrEngine"]


class _Stop(enum.Enum):
    STOP = enum.auto()


#: Put on a worker's queue to end its thread.
_STOP: Final = _Stop.STOP


def _thread_sched_ms() -> tuple[float, float]:
    """(ms on a CPU, ms runnable but waiting for one) of the calling thread so far, from
    /proc/thread-self/schedstat (Linux); (0, 0) where there is none. Logged with each
    commit so that a slow one says whether it computed, waited for a CPU, or was blocked
    (the GIL, a lock, the disk)."""
    try:
        with open("/proc/thread-self/schedstat", encoding="ascii") as f:
            on_cpu, waiting, _ = f.read().split()
        return int(on_cpu) / 1e6, int(waiting) / 1e6
    except (OSError, ValueError):
        return 0.0, 0.0


def release_memory(source_lines: bool = False) -> None:
    """Give freed memory back to the OS (after each job, and when the app goes idle).

    glibc keeps the large buffers of a full-screen capture or an OCR pass otherwise
    (measured: 292 -> 185 MB after 20 captures).

    `source_lines`: also empty `linecache`. PySide6's import hook (shibokensupport's
    `__feature__` check) reads the whole source of every module imported after PySide6
    through `linecache`, which keeps it: 4 MB after start-up, 8 MB once OCR's modules are
    loaded (tracemalloc, ADR 012); it is only a cache of source lines for tracebacks. Only
    from the GUI thread while no worker is importing (linecache is not thread-safe: a
    lookup racing the clear raises KeyError inside that import)."""
    if source_lines:
        linecache.clearcache()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class CaptureGate:
    """Captures first. Counts the captures submitted and not yet kept; the OCR thread
    waits until there are none before each piece of its work that runs in this process
    (reading an original, handing an image to the engine, storing the text), so a capture
    being kept never waits for the GIL or the database's write lock held by OCR
    (docs/adr/012-memory-at-rest.md, "A capture never waits")."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._busy = 0

    def enter(self) -> None:
        with self._cond:
            self._busy += 1

    def leave(self) -> None:
        with self._cond:
            self._busy = max(0, self._busy - 1)
            if self._busy == 0:
                self._cond.notify_all()

    def busy(self) -> bool:
        return self._busy > 0

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no capture is in flight; False if `timeout` passed first."""
        with self._cond:
            return self._cond.wait_for(lambda: self._busy == 0, timeout)


class _AfterCaptures:
    """The library as OCR sees it (`capture.pipeline.OcrLibrary`), each call made only
    once no capture is in flight."""

    def __init__(self, lib: Library, gate: CaptureGate) -> None:
        self._lib = lib
        self._gate = gate

    @property
    def blobs(self) -> BlobReader:
        self._gate.wait_idle()
        return self._lib.blobs

    def get_capture(self, capture_id: int) -> CaptureRecord:
        self._gate.wait_idle()
        return self._lib.get_capture(capture_id)

    def set_ocr_result(self, capture_id: int, ocr: OcrData) -> CaptureRecord:
        self._gate.wait_idle()
        return self._lib.set_ocr_result(capture_id, ocr)

    def set_ocr_problem(self, capture_id: int, status: str, error: str) -> CaptureRecord:
        self._gate.wait_idle()
        return self._lib.set_ocr_problem(capture_id, status, error)


class _EngineAfterCaptures:
    """An OCR engine whose images are handed over only once no capture is in flight
    (turning the pixels into bytes and the reply into words runs in this process)."""

    def __init__(self, engine: OcrEngine, gate: CaptureGate) -> None:
        self._engine = engine
        self._gate = gate
        self.name = engine.name

    def recognize(self, image: Image.Image) -> OcrResult:
        self._gate.wait_idle()
        return self._engine.recognize(image)


@dataclass
class CaptureJob:
    """One capture to keep: pixels (or already-encoded bytes) and where to file it."""

    source: str
    image: Image.Image | None = None
    data: bytes | None = None
    purchase_id: PurchaseTarget = ACTIVE
    note: str | None = None
    screen_geometry: str | None = None
    # Where the pixels came from: the window, output, rectangle (desktop coordinates) and
    # grab backend; None (or None fields) where not recorded (clipboard, imports).
    origin: CaptureOrigin | None = None
    started: float = field(default_factory=time.perf_counter)  # when the user finished selecting
    token: Responder | None = None  # answered with the result (a request from another process)
    # Set by the writer: the id of the capture kept just before this one when it had the
    # very same bytes (same SHA-256), i.e. nothing changed on screen.
    same_as: int | None = None
    # A long capture: its recipe and frames (the writer renders the long image and files
    # the frames with it); `image` and `data` are unused then.
    long_capture: LongCaptureResult | None = None


class CaptureWriter(QThread):
    """Encodes, hashes and commits captures, one at a time."""

    capture_saved = Signal(object, object)  # (CaptureRecord, CaptureJob)
    capture_failed = Signal(str, object)  # (message, CaptureJob)

    def __init__(self, library: Library, gate: CaptureGate | None = None) -> None:
        super().__init__()
        self.setObjectName("capture-writer")
        self._lib = library
        self._jobs: queue.Queue[CaptureJob | _Stop] = queue.Queue()
        self._previous: tuple[str, int] | None = None  # (sha256, id) of the last capture kept
        #: In flight from submit() until kept or failed; OCR waits for it (OcrWorker).
        self.gate = gate or CaptureGate()

    def submit(self, job: CaptureJob) -> None:
        self.gate.enter()
        self._jobs.put(job)

    def pending(self) -> int:
        return self._jobs.qsize()

    def stop(self) -> None:
        """Finish every capture already submitted, then stop."""
        self._jobs.put(_STOP)
        self.wait()

    def run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            try:
                if job.long_capture is not None:
                    record = self._save_long_capture(job, job.long_capture)
                    self._previous = (record.sha256, record.id)
                    self.capture_saved.emit(record, job)
                    del record
                    release_memory()
                    continue
                cpu0, runq0 = _thread_sched_ms()
                picked = time.perf_counter()
                flags: list[str] = []
                data = job.data
                if data is None:
                    assert job.image is not None
                    if is_mostly_uniform(job.image):
                        flags.append("uniform")
                    data = encode_png(job.image)
                encoded = time.perf_counter()
                record = self._lib.add_capture(
                    data,
                    source=job.source,
                    purchase_id=job.purchase_id,
                    note=job.note,
                    screen_geometry=job.screen_geometry,
                    origin=job.origin,
                    flags=flags,
                    encoded_here=job.data is None,
                )
                done = time.perf_counter()
                cpu1, runq1 = _thread_sched_ms()
                # From the release to the commit; queued = before this thread took the job,
                # cpu/runq = this thread on a CPU / waiting for one while on the job (the
                # rest of the time it was blocked: the GIL, a database lock, the disk).
                timing.info(
                    "capture_committed_ms=%.1f capture_committed_at=%.6f queued_ms=%.1f encode_ms=%.1f"
                    " store_ms=%.1f cpu_ms=%.1f runq_ms=%.1f",
                    (done - job.started) * 1000,
                    time.time(),
                    (picked - job.started) * 1000,
                    (encoded - picked) * 1000,
                    (done - encoded) * 1000,
                    cpu1 - cpu0,
                    runq1 - runq0,
                )
                # Identical bytes are kept as a capture of their own (another moment in the
                # record, the blob is shared); the confirmation says nothing changed.
                if self._previous is not None and self._previous[0] == record.sha256:
                    job.same_as = self._previous[1]
                self._previous = (record.sha256, record.id)
                self.capture_saved.emit(record, job)
                del data, record
                if self._jobs.empty():
                    release_memory()
            except (KnownStorageError, KnownCaptureError) as exc:
                self.capture_failed.emit(str(exc), job)
            except Exception as exc:  # a bug: keep the thread alive and say so
                log.exception("saving a capture failed")
                self.capture_failed.emit(f"internal error: {exc!r}", job)
            finally:
                self.gate.leave()
            del job  # its pixels (a full screen is 6.2 MB) are not kept while the writer waits

    def _save_long_capture(self, job: CaptureJob, long: LongCaptureResult) -> CaptureRecord:
        """Render the long image from the frames the recipe names and file all of it."""
        from capture.stitch import render  # loaded for a long capture, not at start-up

        t0 = time.perf_counter()
        by_sha = {hashlib.sha256(png).hexdigest(): png for png in long.frames}

        def frame(sha: str) -> Image.Image:
            return Image.open(io.BytesIO(by_sha[sha]))

        image = render(long.recipe, frame)
        image_png = encode_png(image)
        del image
        timing.info("long_capture_rendered_ms=%.1f", (time.perf_counter() - t0) * 1000)
        return self._lib.add_long_capture(
            long.frames,
            long.recipe_json,
            image_png,
            purchase_id=job.purchase_id,
            note=job.note,
            origin=job.origin,
            screen_geometry=job.screen_geometry,
        )


class OcrWorker(QThread):
    """Reads the text of captures in the background, oldest request first."""

    ocr_started = Signal(int)
    ocr_finished = Signal(int, str, str)  # (capture id, status, message)
    queue_emptied = Signal()

    def __init__(
        self, library: Library, engine_factory: EngineFactory, gate: CaptureGate | None = None
    ) -> None:
        super().__init__()
        self.setObjectName("ocr-worker")
        self._lib = library
        #: Captures first: this thread's work waits while one is being kept (CaptureWriter.gate).
        self._gate = gate or CaptureGate()
        self._engine_factory = engine_factory
        self._engine: OcrEngine | None = None
        self._jobs: queue.Queue[int | _Stop] = queue.Queue()
        self._queued: set[int] = set()

    def enqueue(self, capture_ids: list[int]) -> None:
        for cid in capture_ids:
            if cid not in self._queued:
                self._queued.add(cid)
                self._jobs.put(cid)

    def set_engine_factory(self, factory: EngineFactory) -> None:
        self._engine_factory = factory
        self._engine = None

    def busy(self) -> bool:
        return bool(self._queued)

    def stop(self) -> None:
        """Stop after the current image; the rest stays pending in the library and is
        read at the next start."""
        while True:
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        self._jobs.put(_STOP)
        self.wait()

    def run(self) -> None:
        # This thread, and the tesseract processes it starts, yield the CPU to captures.
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        while True:
            cid = self._jobs.get()
            if cid is _STOP:
                return
            self.ocr_started.emit(cid)
            started_at = time.time()
            # Cold: no engine yet, or its worker process is not running (it starts for this image).
            cold = self._engine is None or getattr(self._engine, "pid", 0) is None
            timing.info("ocr_job_start_at=%.6f ocr_worker_cold=%d", started_at, cold)
            starts = getattr(self._engine, "starts", 0)
            try:
                from capture.pipeline import ocr_capture  # tesseract's wrapper loads on first use

                self._gate.wait_idle()
                if self._engine is None:
                    self._engine = self._engine_factory()
                outcome = ocr_capture(
                    _AfterCaptures(self._lib, self._gate), _EngineAfterCaptures(self._engine, self._gate), cid
                )
                self.ocr_finished.emit(cid, outcome.status, outcome.message or "")
            except Exception as exc:
                log.exception("OCR of capture %s failed", cid)
                self.ocr_finished.emit(cid, "failed", repr(exc))
            finally:
                self._queued.discard(cid)
            # For the capture bench: when this image was read, and whether a PP-OCR worker
            # process had to be started for it.
            timing.info(
                "ocr_job_started_at=%.6f ocr_job_ended_at=%.6f ocr_worker_starts=%d",
                started_at,
                time.time(),
                getattr(self._engine, "starts", 0) - starts,
            )
            release_memory()
            if self._jobs.empty():
                self.queue_emptied.emit()
