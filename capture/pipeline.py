"""Running OCR on stored captures: read the original, recognise, hand the text to storage.

The one place where the capture side and the storage side meet for OCR, shared by
the command line and the tray app's worker. It takes the library as an `OcrLibrary`
(the few methods it calls; `storage.library.Library` is one) and imports only storage's
plain leaf modules, so importing it loads no SQLAlchemy
(docs/adr/006-one-direction-of-dependencies.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from storage.images import decode
from storage.records import CaptureRecord, OcrData, OcrWordBox
from storage.vocabulary import OcrStatus

from .errors import OcrFailed, OcrUnavailable
from .ocr import OcrEngine, OcrResult

log = logging.getLogger(__name__)


class BlobReader(Protocol):
    """Reads a capture's original bytes by their SHA-256 (`storage.blobs.BlobStore` is one)."""

    def read(self, sha256: str) -> bytes: ...


class OcrLibrary(Protocol):
    """What OCR needs of a library: `storage.library.Library` is one, and callers pass it."""

    @property
    def blobs(self) -> BlobReader: ...

    def get_capture(self, capture_id: int) -> CaptureRecord: ...

    def set_ocr_result(self, capture_id: int, ocr: OcrData) -> CaptureRecord: ...

    def set_ocr_problem(self, capture_id: int, status: str, error: str) -> CaptureRecord: ...


@dataclass(frozen=True)
class OcrOutcome:
    capture_id: int
    status: OcrStatus  # DONE, FAILED or UNAVAILABLE
    record: CaptureRecord
    message: str | None = None
    seconds: float = 0.0


def to_ocr_data(result: OcrResult) -> OcrData:
    return OcrData(
        text=result.text,
        engine=result.engine,
        version=result.version,
        languages=result.languages,
        confidence=result.confidence,
        words=tuple(OcrWordBox(w.text, w.box, w.conf) for w in result.words),
    )


def ocr_capture(lib: OcrLibrary, engine: OcrEngine, capture_id: int) -> OcrOutcome:
    """Recognise one capture and store the outcome. Never raises for an OCR problem:
    the capture is marked `failed` or `unavailable` with the reason instead."""
    rec = lib.get_capture(capture_id)
    try:
        image = decode(lib.blobs.read(rec.sha256))
        result = engine.recognize(image)
    except OcrUnavailable as exc:
        unavailable = OcrStatus.UNAVAILABLE
        return OcrOutcome(
            capture_id, unavailable, lib.set_ocr_problem(capture_id, unavailable, str(exc)), str(exc)
        )
    except (OcrFailed, OSError, ValueError) as exc:
        failed = OcrStatus.FAILED
        return OcrOutcome(capture_id, failed, lib.set_ocr_problem(capture_id, failed, str(exc)), str(exc))
    return OcrOutcome(
        capture_id, OcrStatus.DONE, lib.set_ocr_result(capture_id, to_ocr_data(result)), None, result.seconds
    )


def ocr_many(
    lib: OcrLibrary,
    engine: OcrEngine,
    capture_ids: Iterable[int],
    workers: int = 2,
    progress: Callable[[int, int, OcrOutcome], None] | None = None,
) -> list[OcrOutcome]:
    """OCR several captures, `workers` at a time (tesseract runs as a process each)."""
    ids = list(capture_ids)
    outcomes: list[OcrOutcome] = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for n, outcome in enumerate(pool.map(lambda cid: ocr_capture(lib, engine, cid), ids), 1):
            outcomes.append(outcome)
            if progress is not None:
                progress(n, len(ids), outcome)
    return outcomes
