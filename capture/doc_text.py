"""Reading a document's text: its own text, then OCR of the pages that have none.

A PDF with a text layer, an OFD, an e-invoice XML and an e-mail carry their text, which
`storage.documents.read_text` takes out as it is (no engine, no guessing). Only the pages
of a PDF without a text layer (a scanned invoice) are rendered (`render_page`) and read by
the OCR engine, one page at a time; their words are kept with their page number and boxes
in that page image's pixels, as the text layer's words are.

When pages need OCR and the engine is missing or fails, what the text layer gave is kept
(`DocReading.unread_pages` says which pages were not read, `problem` why); only a document
with no text at all and no page read is a failure, reported as for an image
(`OcrUnavailable` / `OcrFailed`). Plain Python: no SQLAlchemy, no Qt.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from storage.documents import DocText, read_text, render_page
from storage.errors import BadDocument
from storage.records import OcrData, OcrWordBox

from .errors import OcrFailed, OcrUnavailable

if TYPE_CHECKING:
    from .ocr import OcrEngine, OcrResult

#: The version of this reading (the text layers' words and text as taken out here).
READER_VERSION = "1"
#: What an OCR'd page's facts are marked as coming from.
OCR_FACTS_SOURCE = "pdf-ocr"


@dataclass(frozen=True)
class DocReading:
    """A document's text as the library keeps it, and what could not be read."""

    data: OcrData
    unread_pages: tuple[int, ...] = ()  # 0-based pages with no text layer that OCR did not read
    problem: str | None = None  # why they were not read (a sentence naming the pages)
    seconds: float = 0.0


def _pages_text(pages: tuple[int, ...]) -> str:
    numbers = [str(p + 1) for p in pages]
    if len(numbers) == 1:
        return f"page {numbers[0]}"
    return "pages " + ", ".join(numbers[:-1]) + " and " + numbers[-1]


def _merge_text(layer_text: str, ocr_texts: dict[int, str], page_count: int) -> str:
    """The text layer's text with each OCR'd page's text in its place. The text layer
    joins its pages with a blank line; when that cannot be split back into pages
    (a page's own text has blank lines), the OCR'd pages' text follows it."""
    read = {p: t.strip() for p, t in ocr_texts.items() if t.strip()}
    if not read:
        return layer_text
    if not layer_text.strip():
        return "\n\n".join(read[p] for p in sorted(read))
    parts = layer_text.split("\n\n")
    if page_count > 0 and len(parts) == page_count and all(not parts[p].strip() for p in read):
        for p, t in read.items():
            parts[p] = t
        return "\n\n".join(parts)
    return "\n\n".join([layer_text.rstrip(), *(read[p] for p in sorted(read))])


def _facts(doc: DocText, text: str, ocr_used: bool) -> dict[str, Any] | None:
    facts = doc.facts
    if (facts is None or facts.empty) and ocr_used:
        from storage.documents import facts_from_text  # its module loads on first use

        facts = facts_from_text(text, OCR_FACTS_SOURCE)
    if facts is None or facts.empty:
        return None
    found: dict[str, Any] = facts.to_dict()
    return found


def read_document(data: bytes, media_type: str, engine: OcrEngine | None, page_count: int = 0) -> DocReading:
    """Read the document `data` (a `storage.documents` media type).

    Raises storage.errors.BadDocument when the document cannot be read at all,
    OcrUnavailable / OcrFailed when it has no text of its own and no page could be
    OCR'd (the engine is missing, or failed on every page)."""
    start = time.perf_counter()
    doc = read_text(data, media_type)
    words: list[OcrWordBox] = list(doc.words)
    ocr_texts: dict[int, str] = {}
    ocr_results: list[OcrResult] = []
    unread: list[int] = []
    problem: Exception | None = None
    for page in doc.pages_without_text:
        if engine is None:
            unread.append(page)
            problem = problem or OcrUnavailable("no OCR engine was given")
            continue
        if isinstance(problem, OcrUnavailable):
            unread.append(page)  # the engine is missing: do not render the other pages for nothing
            continue
        try:
            image = render_page(data, media_type, page)
            result = engine.recognize(image)
        except OcrUnavailable as exc:
            unread.append(page)
            problem = exc
            continue
        except (BadDocument, OcrFailed, OSError, ValueError) as exc:  # this page only
            unread.append(page)
            problem = problem or exc
            continue
        ocr_results.append(result)
        ocr_texts[page] = result.text
        words.extend(OcrWordBox(w.text, w.box, w.conf, page=page) for w in result.words)
    text = _merge_text(doc.text, ocr_texts, max(page_count, max(doc.pages_without_text, default=-1) + 1))
    if unread and not text.strip() and not ocr_results:
        # Nothing read at all: as for an image whose OCR is missing or failed.
        assert problem is not None
        if isinstance(problem, OcrUnavailable):
            raise OcrUnavailable(str(problem))
        raise OcrFailed(str(problem))
    engine_name = doc.engine
    version = READER_VERSION
    languages = ""
    confidence: float | None = None
    if ocr_results:
        first = ocr_results[0]
        engine_name = f"{doc.engine}+{first.engine}"
        version = f"{READER_VERSION} + {first.engine} {first.version}"
        languages = first.languages
        ocr_words = [w for r in ocr_results for w in r.words]
        confidence = sum(w.conf for w in ocr_words) / len(ocr_words) if ocr_words else None
    message = None
    if unread:
        has = "has" if len(unread) == 1 else "have"
        message = f"{_pages_text(tuple(unread))} {has} no text layer and could not be read: {problem}"
    ocr = OcrData(
        text=text,
        engine=engine_name,
        version=version,
        languages=languages,
        confidence=confidence,
        words=tuple(words),
        facts=_facts(doc, text, bool(ocr_results)),
    )
    return DocReading(ocr, tuple(unread), message, time.perf_counter() - start)
