"""Running slow calls (database queries, image decoding) off the GUI thread.

`TaskRunner.run(key, fn, on_done, on_failed)` calls `fn()` on a thread pool and
delivers its result to `on_done` on the GUI thread. Each key (e.g. "search") keeps
only its newest request: a result that arrives after a newer request with the same
key was made is dropped, so a slow old search can never overwrite newer results.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    finished = Signal(str, int, object)  # key, sequence, result
    failed = Signal(str, int, object)  # key, sequence, exception


class _Job(QRunnable):
    def __init__(self, relay: _Relay, key: str, seq: int, fn: Callable[[], Any]) -> None:
        super().__init__()
        self._relay, self._key, self._seq, self._fn = relay, key, seq, fn

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # delivered to the caller's on_failed
            self._relay.failed.emit(self._key, self._seq, exc)
        else:
            self._relay.finished.emit(self._key, self._seq, result)


class TaskRunner(QObject):
    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._relay = _Relay()
        self._relay.finished.connect(self._on_finished)
        self._relay.failed.connect(self._on_failed)
        self._latest: dict[str, int] = {}
        self._callbacks: dict[
            tuple[str, int], tuple[Callable[[Any], None], Callable[[Exception], None] | None]
        ] = {}
        self._seq = 0

    def run(
        self,
        key: str,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[Exception], None] | None = None,
    ) -> int:
        self._seq += 1
        self._latest[key] = self._seq
        self._callbacks[(key, self._seq)] = (on_done, on_failed)
        self.pool.start(_Job(self._relay, key, self._seq, fn))
        return self._seq

    def pending(self, key: str) -> bool:
        return any(k == key for k, _ in self._callbacks)

    def wait(self, msecs: int = 30000) -> bool:
        """Wait for every running job (tests, shutdown)."""
        return self.pool.waitForDone(msecs)

    def _on_finished(self, key: str, seq: int, result: object) -> None:
        on_done, _ = self._callbacks.pop((key, seq), (None, None))
        if on_done is not None and self._latest.get(key) == seq:
            on_done(result)

    def _on_failed(self, key: str, seq: int, exc: object) -> None:
        _, on_failed = self._callbacks.pop((key, seq), (None, None))
        if self._latest.get(key) != seq:
            return
        if on_failed is not None:
            on_failed(exc)  # type: ignore[arg-type]
        else:
            log.error("background task %s failed: %r", key, exc)
