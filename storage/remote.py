"""The tray app's library, with its database work in the storage helper process (ADR 012).

`RemoteLibrary` has the `Library` API. Its calls are answered by `python -m storage.helper`
(started on first use, again after it exited when idle), so the tray app never imports
SQLAlchemy and keeps no database caches while it waits for the hotkey; everything a call
does (the journal, the blob, the transaction) is `Library`'s own, in the helper.
What needs no database is done here: the blob store, the page cache, paths, and the change
watcher (a read-only sqlite3 connection).

`local()` opens the library in this process instead (the library window, dialogs, exports
and trusted time need the whole storage layer); from then on every call goes to it and the
helper is stopped. `prewarm()` starts the helper in the background, as the hotkey is
pressed, so the capture's commit does not wait for it to start.

Thread-safe: calls from several threads are answered one at a time, in order.
"""

from __future__ import annotations

import collections.abc
import functools
import logging
import pickle
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .blobs import BlobStore
from .changes import ChangeWatcher
from .errors import StorageProcessFailed
from .files import DB_NAME
from .helper import EXIT_IDLE, IDLE_SECONDS, METHODS, decode_error
from .pipes import close_worker, kill_worker, read_message, spawn_worker, write_message
from .records import OpenReport

if TYPE_CHECKING:
    from .documents.pages import PageCache
    from .library import Library
    from .library import Library as _Base
else:
    _Base = object

log = logging.getLogger(__name__)
timing = logging.getLogger("proofshot.timing")

#: Seconds the helper may take to start and open the library (migrating an old library
#: and checking every blob of a large one can take a while).
START_TIMEOUT = 600.0
#: Seconds one call may take before the helper counts as hung and is stopped.
CALL_TIMEOUT = 3600.0
#: Reads answered again from the last reply while nothing was committed since (the tray's
#: purchase menu opens without starting the helper).
CACHED_READS = frozenset({"list_purchases", "active_purchase", "count_captures"})

_PLAIN = (str, bytes, bytearray, int, float, bool, type(None), list, tuple, set, frozenset, dict)


def _plain(value: Any) -> Any:
    """What can cross the pipe: one-shot iterables (generators, dict views) as lists."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, (collections.abc.Iterator, collections.abc.KeysView, collections.abc.ValuesView)):
        return list(value)
    return value


class RemoteLibrary(_Base):
    """A library whose database work runs in the storage helper (module doc)."""

    def __init__(
        self,
        root: Path | str,
        *,
        idle_seconds: float = IDLE_SECONDS,
        start_timeout: float = START_TIMEOUT,
        command: list[str] | None = None,
    ) -> None:
        self.root = Path(root).expanduser().absolute()
        self.db_path = self.root / DB_NAME
        self.blobs = BlobStore(self.root / "blobs")
        self.journal = self.root / "journal"
        self.thumbs = self.root / "thumbs"
        self.backups = self.root / "backups"
        self.open_report = OpenReport(None, (), (), False)
        self.idle_seconds = idle_seconds
        self.start_timeout = start_timeout
        self._command = command
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.RLock()
        self._local: Library | None = None
        self._scan = False
        #: Helpers started (tests and benchmarks).
        self.starts = 0
        self._version_conn: sqlite3.Connection | None = None
        self._version_lock = threading.Lock()
        self._cache: dict[bytes, bytes] = {}
        self._cache_version: int | None = None

    @classmethod
    def open(cls, root: Path | str, *, scan: bool = False, **options: Any) -> RemoteLibrary:
        """Start the helper, which opens the library as `Library.open(root, scan=scan)`
        does; its errors (LibraryUnavailable, LibraryTooNew…) are raised here."""
        lib = cls(root, **options)
        lib._scan = scan
        with lib._lock:
            lib._start()
        return lib

    # ------------------------------------------------------------------ the helper

    @property
    def helper_pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def _start(self) -> subprocess.Popen[bytes]:
        cmd = self._command or [sys.executable, "-m", "storage.helper", "--idle", str(self.idle_seconds)]
        cmd = [*cmd, "--library", str(self.root)] + (["--scan"] if self._scan else [])
        started = time.perf_counter()
        try:
            proc = spawn_worker(cmd)
        except OSError as exc:
            raise StorageProcessFailed(f"Proofshot could not start its storage process: {exc}") from exc
        self._proc = proc
        self.starts += 1
        assert proc.stdout is not None
        try:
            hello = read_message(proc.stdout.fileno(), time.monotonic() + self.start_timeout)
        except TimeoutError:
            self._kill()
            raise StorageProcessFailed(
                f"Proofshot's storage process did not open the library within {self.start_timeout:g} s."
            ) from None
        if hello is None:
            code = proc.wait()
            self._kill()
            raise StorageProcessFailed(
                f"Proofshot's storage process stopped while opening the library (exit status {code})."
            )
        status, value = pickle.loads(hello)
        if status != "ok":
            self._kill()
            raise decode_error(value)
        if self.starts == 1:
            self.open_report = value["open_report"]
        self._scan = False  # blobs are checked once, when the app starts
        timing.info("storage_helper_start_ms=%.1f", (time.perf_counter() - started) * 1000)
        return proc

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        kill_worker(proc)

    def _stop_helper(self) -> None:
        """Let the helper finish and exit (it answers nothing more)."""
        proc, self._proc = self._proc, None
        close_worker(proc, timeout=30)

    def prewarm(self) -> None:
        """Start the helper in the background unless it runs (never blocks; an error
        shows at the next call)."""
        if self._local is not None or self.helper_pid is not None:
            return

        def start() -> None:
            with self._lock:
                if self._local is None and self.helper_pid is None:
                    try:
                        self._kill()
                        self._start()
                    except Exception:
                        log.warning("the storage process could not be started ahead", exc_info=True)

        threading.Thread(target=start, name="storage-prewarm", daemon=True).start()

    # ------------------------------------------------------------------ calls

    def _data_version(self) -> int | None:
        with self._version_lock:
            try:
                if self._version_conn is None:
                    self._version_conn = sqlite3.connect(
                        f"file:{self.db_path}?mode=ro", uri=True, check_same_thread=False, timeout=5
                    )
                return int(self._version_conn.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error:
                return None

    def _call(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        local = self._local
        if local is not None:
            return getattr(local, name)(*args, **kwargs)
        request = pickle.dumps(
            (name, tuple(_plain(a) for a in args), {k: _plain(v) for k, v in kwargs.items()}),
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        version = self._data_version() if name in CACHED_READS else None
        with self._lock:
            if self._local is not None:
                return getattr(self._local, name)(*args, **kwargs)
            if version is not None and version == self._cache_version and request in self._cache:
                reply: bytes | None = self._cache[request]
            else:
                reply = self._exchange(request)
                if version is not None:
                    if version != self._cache_version:
                        self._cache.clear()
                        self._cache_version = version
                    self._cache[request] = reply
        assert reply is not None
        status, value = pickle.loads(reply)
        if status == "ok":
            return value
        raise decode_error(value)

    def _exchange(self, request: bytes) -> bytes:
        """Send one call and return its reply, starting the helper when it is not running.
        A helper that had gone idle (it exits before reading anything) is replaced and
        the call sent again; one that dies *during* a call fails that call only."""
        for attempt in (1, 2):
            proc = self._proc
            if proc is None or proc.poll() is not None:
                self._kill()
                proc = self._start()
            assert proc.stdin is not None and proc.stdout is not None
            try:
                write_message(proc.stdin, request)
                proc.stdin.flush()
                reply = read_message(proc.stdout.fileno(), time.monotonic() + CALL_TIMEOUT)
            except (BrokenPipeError, ConnectionResetError):
                reply = None
            except TimeoutError:
                self._kill()
                raise StorageProcessFailed(
                    f"Proofshot's storage process did not answer within {CALL_TIMEOUT:g} s and was "
                    "stopped; anything it had saved is kept."
                ) from None
            if reply is not None:
                return reply
            code = proc.wait()
            self._kill()
            if attempt == 2 or code != EXIT_IDLE:
                raise StorageProcessFailed(
                    f"Proofshot's storage process stopped unexpectedly (exit status {code}); "
                    "anything it had saved is kept, and it starts again at the next step."
                )
        raise AssertionError("unreachable")

    def __getattr__(self, name: str) -> Any:
        if name not in METHODS:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._call(name, args, kwargs)

        call.__name__ = name
        return call

    # ------------------------------------------------------------------ answered here

    @functools.cached_property
    def pages(self) -> PageCache:  # type: ignore[override]
        """Rendered PDF and OFD pages: storage.documents loads when a page is first needed
        (11 MB of e-mail and invoice parsing the idle tray does not need)."""
        from .documents.pages import PageCache

        return PageCache(self.root / "pages")

    def watch(self) -> ChangeWatcher:
        return ChangeWatcher(self.db_path)

    def blob_path(self, sha256: str) -> Path:
        return self.blobs.path(sha256)

    def local_ready(self) -> bool:
        return self._local is not None

    def local(self) -> Library:
        """The library opened in this process (imports SQLAlchemy; kept until close)."""
        if self._local is not None:
            return self._local
        # The slow part (SQLAlchemy's import, opening) outside the lock: captures go on
        # through the helper meanwhile.
        from .library import Library

        opened = Library.open(self.root)
        with self._lock:
            if self._local is None:
                self._local = opened
                self._stop_helper()
                self._cache.clear()
                return opened
        opened.close()  # another thread was quicker
        return self._local

    def close(self) -> None:
        with self._lock:
            self._stop_helper()
            if self._local is not None:
                self._local.close()
                self._local = None
        with self._version_lock:
            if self._version_conn is not None:
                self._version_conn.close()
                self._version_conn = None
