"""Captures first: the OCR thread's work in the app's process waits while a capture is
being kept (gui.workers.CaptureGate), so a commit never waits for the GIL or the database
held by OCR. Speed itself is measured by bench/capture_bench.py, not here."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import Qt

import capture.pipeline
from gui.workers import CaptureGate, CaptureJob, CaptureWriter, OcrWorker

WAIT = 20.0


def test_gate_counts_captures_in_flight() -> None:
    gate = CaptureGate()
    assert not gate.busy() and gate.wait_idle(0)
    gate.enter()
    gate.enter()
    assert gate.busy() and not gate.wait_idle(0)
    gate.leave()
    assert gate.busy()
    gate.leave()
    assert not gate.busy() and gate.wait_idle(0)
    gate.leave()  # never below zero
    assert not gate.busy()


def test_gate_wakes_a_waiter_when_the_last_capture_is_kept() -> None:
    gate = CaptureGate()
    gate.enter()
    woke = threading.Event()
    waiting = threading.Thread(target=lambda: gate.wait_idle() and woke.set())
    waiting.start()
    assert not woke.is_set()
    gate.leave()
    assert woke.wait(WAIT)
    waiting.join(WAIT)


class _FakeLibrary:
    """What the writer and OCR call, recording the order of the calls."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.blobs = SimpleNamespace(read=lambda sha: b"")
        self.release_add = threading.Event()
        self.release_add.set()

    def add_capture(self, data: bytes, **kwargs: Any) -> Any:
        self.release_add.wait(WAIT)
        self.calls.append("add_capture")
        return SimpleNamespace(id=len(self.calls), sha256="0" * 64)

    def get_capture(self, capture_id: int) -> Any:
        self.calls.append(f"get_capture {capture_id}")
        return SimpleNamespace(id=capture_id)

    def set_ocr_result(self, capture_id: int, ocr: Any) -> Any:
        self.calls.append(f"set_ocr_result {capture_id}")
        return SimpleNamespace(id=capture_id)

    def set_ocr_problem(self, capture_id: int, status: str, error: str) -> Any:
        self.calls.append(f"set_ocr_problem {capture_id}")
        return SimpleNamespace(id=capture_id)


@pytest.fixture
def fake_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    """ocr_capture reduced to the library calls it makes (the worker imports it on use)."""

    def ocr_capture(lib: Any, engine: Any, cid: int) -> Any:
        lib.get_capture(cid)
        lib.set_ocr_result(cid, None)
        return SimpleNamespace(status="done", message=None)

    monkeypatch.setattr(capture.pipeline, "ocr_capture", ocr_capture)


def test_ocr_waits_until_the_captures_in_flight_are_kept(fake_ocr: None) -> None:
    lib = _FakeLibrary()
    lib.release_add.clear()  # the capture is "being written" until released
    writer = CaptureWriter(lib)  # type: ignore[arg-type]
    ocr = OcrWorker(lib, lambda: SimpleNamespace(name="fake", recognize=None), gate=writer.gate)  # type: ignore[arg-type]
    started, finished = threading.Event(), threading.Event()
    ocr.ocr_started.connect(lambda cid: started.set(), Qt.ConnectionType.DirectConnection)
    ocr.ocr_finished.connect(lambda *a: finished.set(), Qt.ConnectionType.DirectConnection)
    writer.start()
    ocr.start()
    try:
        writer.submit(CaptureJob(source="region", data=b"png"))
        assert writer.gate.busy()
        ocr.enqueue([7])
        assert started.wait(WAIT)
        # The OCR job has begun but touches nothing while the capture is in flight.
        assert not finished.is_set()
        assert lib.calls == []
        lib.release_add.set()
        assert finished.wait(WAIT)
        assert lib.calls == ["add_capture", "get_capture 7", "set_ocr_result 7"]
        assert not writer.gate.busy()
    finally:
        lib.release_add.set()
        ocr.stop()
        writer.stop()


def test_a_failed_capture_leaves_the_gate(fake_ocr: None) -> None:
    lib = _FakeLibrary()

    def fail(data: bytes, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    lib.add_capture = fail  # type: ignore[method-assign]
    writer = CaptureWriter(lib)  # type: ignore[arg-type]
    failed = threading.Event()
    writer.capture_failed.connect(lambda *a: failed.set(), Qt.ConnectionType.DirectConnection)
    writer.start()
    try:
        writer.submit(CaptureJob(source="region", data=b"png"))
        assert failed.wait(WAIT)
        assert writer.gate.wait_idle(WAIT)
    finally:
        writer.stop()
