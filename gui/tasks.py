"""Running slow calls (database queries, image decoding) off the GUI thread.

`TaskRunner.run(key, fn, on_done, on_failed)` calls `fn()` on a thread pool and
delivers its result to `on_done` on the GUI thread. Each key (e.g. "search") keeps
only its newest request: a result that arrives after a newer request with the same
key was made is dropped, so a slow old search can never overwrite newer results.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

T = TypeVar("T")

#: What a job hands back to the GUI thread: its result, bound to the caller's on_done.
_Delivery = Callable[[], None]


class _Relay(QObject):
    finished = Signal(str, int, object)  # key, sequence, delivery (the result bound to on_done)
    failed = Signal(str, int, object)  # key, sequence, exception


class _Job(QRunnable):
    def __init__(self, relay: _Relay, key: str, seq: int, fn: Callable[[], _Delivery]) -> None:
        super().__init__()
        self._relay, self._key, self._seq, self._fn = relay, key, seq, fn

    def run(self) -> None:
        try:
            delivery = self._fn()
        except Exception as exc:  # delivered to the caller's on_failed
            self._relay.failed.emit(self._key, self._seq, exc)
        else:
            self._relay.finished.emit(self._key, self._seq, delivery)


class TaskRunner(QObject):
    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._relay = _Relay()
        self._relay.finished.connect(self._on_finished)
        self._relay.failed.connect(self._on_failed)
        self._latest: dict[str, int] = {}
        # The on_failed of each request not answered yet (None: failures are only logged).
        self._callbacks: dict[tuple[str, int], Callable[[Exception], None] | None] = {}
        self._seq = 0

    def run(
        self,
        key: str,
        fn: Callable[[], T],
        on_done: Callable[[T], None],
        on_failed: Callable[[Exception], None] | None = None,
    ) -> int:
        def work() -> _Delivery:
            result = fn()
            return lambda: on_done(result)

        self._seq += 1
        self._latest[key] = self._seq
        self._callbacks[(key, self._seq)] = on_failed
        self.pool.start(_Job(self._relay, key, self._seq, work))
        return self._seq

    def pending(self, key: str) -> bool:
        return any(k == key for k, _ in self._callbacks)

    def wait(self, msecs: int = 30000) -> bool:
        """Wait for every running job (tests, shutdown)."""
        return self.pool.waitForDone(msecs)

    def _on_finished(self, key: str, seq: int, delivery: _Delivery) -> None:
        if (key, seq) not in self._callbacks:
            return
        del self._callbacks[(key, seq)]
        if self._latest.get(key) == seq:
            delivery()

    def _on_failed(self, key: str, seq: int, exc: Exception) -> None:
        on_failed = self._callbacks.pop((key, seq), None)
        if self._latest.get(key) != seq:
            return
        if on_failed is not None:
            on_failed(exc)
        else:
            log.error("background task %s failed: %r", key, exc)
