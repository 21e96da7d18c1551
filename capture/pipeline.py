"""Running OCR on stored captures: read the original, recognise, hand the text to storage.

A document (PDF, OFD, e-invoice XML, e-mail: `storage.documents`) is read by
`capture.doc_text`: its own text, and OCR only for the PDF pages that have none, so it
needs no engine unless it has scanned pages.

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
from dataclasses import dataclass, replace
from typing import Protocol

from storage.documents import is_document
from storage.errors import BadDocument
from storage.images import decode
from storage.records import CaptureRecord, OcrData, OcrWordBox
from storage.vocabulary import OcrStatus

from .doc_text import read_document
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


def ocr_capture(lib: OcrLibrary, engine: OcrEngine | None, capture_id: int) -> OcrOutcome:
    """Recognise one capture and store the outcome. Never raises for an OCR problem:
    the capture is marked `failed` or `unavailable` with the reason instead.

    `engine` may be None when no engine is wanted: documents with their own text are
    read, an image (or a scanned page) is `unavailable`."""
    rec = lib.get_capture(capture_id)
    if is_document(rec.media_type):
        return _read_document(lib, engine, rec)
    try:
        if engine is None:
            raise OcrUnavailable(NO_ENGINE)
        image = decode(lib.blobs.read(rec.sha256))
        result = engine.recognize(image)
    except OcrUnavailable as exc:
        return _problem(lib, capture_id, OcrStatus.UNAVAILABLE, str(exc))
    except (OcrFailed, OSError, ValueError) as exc:
        return _problem(lib, capture_id, OcrStatus.FAILED, str(exc))
    return OcrOutcome(
        capture_id, OcrStatus.DONE, lib.set_ocr_result(capture_id, to_ocr_data(result)), None, result.seconds
    )


#: Why an image is not read when no engine was given.
NO_ENGINE = "no OCR engine was given"


def _problem(lib: OcrLibrary, capture_id: int, status: OcrStatus, message: str) -> OcrOutcome:
    return OcrOutcome(capture_id, status, lib.set_ocr_problem(capture_id, status, message), message)


def _read_document(lib: OcrLibrary, engine: OcrEngine | None, rec: CaptureRecord) -> OcrOutcome:
    """A document's text (capture.doc_text). One that cannot be read is `failed` with the
    reason; one with scanned pages the engine could not read keeps the text it has
    (status done, the pages not read in its OCR error)."""
    if rec.doc_problem:
        return _problem(lib, rec.id, OcrStatus.FAILED, rec.doc_problem)
    try:
        reading = read_document(lib.blobs.read(rec.sha256), rec.media_type, engine, rec.page_count)
    except OcrUnavailable as exc:
        return _problem(lib, rec.id, OcrStatus.UNAVAILABLE, str(exc))
    except (BadDocument, OcrFailed, OSError, ValueError) as exc:
        return _problem(lib, rec.id, OcrStatus.FAILED, str(exc))
    data = reading.data
    if reading.problem is not None:
        # The pages not read are said in ocr_error while the status is done.
        data = replace(data, error=reading.problem)
    record = lib.set_ocr_result(rec.id, data)
    return OcrOutcome(rec.id, OcrStatus.DONE, record, reading.problem, reading.seconds)


def ocr_many(
    lib: OcrLibrary,
    engine: OcrEngine | None,
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
