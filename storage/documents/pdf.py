"""PDF documents with pypdfium2 (PDFium): page count, password detection, the text layer
with word boxes, and pages rendered under a pixel cap (docs/adr/009-documents.md).

PDFium is not thread-safe: every call into it, from opening a document to closing it,
holds `_PDFIUM_LOCK`, and every document, page, text page and bitmap is closed before the
lock is released (none is left to a garbage collector running on another thread).
"""

from __future__ import annotations

import ctypes
import math
import re
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from ..errors import BadDocument
from ..records import OcrWordBox
from . import (
    MAX_PAGE_PIXELS,
    MAX_PAGES,
    MEDIA_TYPES,
    RENDER_SCALE,
    DocInfo,
    DocText,
    InvoiceFacts,
    facts_from_text,
)

#: One lock for every call into PDFium, whichever document it is about.
_PDFIUM_LOCK = threading.RLock()

#: The end-of-file marker must be within this many bytes of the end: a PDF cut short (an
#: interrupted download) is refused even where PDFium could rebuild parts of it.
EOF_WINDOW = 16 * 1024
#: Pages looked at for a text layer when probing (the rest is read by read_text).
TEXT_LAYER_PROBE_PAGES = 10
#: How sure a word of a text layer is, on the OCR engines' 0-100 scale.
TEXT_LAYER_CONFIDENCE = 100.0
#: Longest document title kept.
MAX_TITLE_CHARS = 500

PASSWORD_PROBLEM = "the PDF is password-protected; it is kept as it is but cannot be read"
SECURITY_PROBLEM = (
    "the PDF is protected by a security scheme Proofshot cannot open; it is kept as it is but cannot be read"
)


class _Locked(Exception):
    """The PDF opened as encrypted: `problem` says why it cannot be read."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def fit_scale(width_pt: float, height_pt: float, scale: float, max_pixels: int) -> float:
    """`scale`, reduced as needed so a width_pt x height_pt page rendered at it (sizes
    rounded up, as pypdfium2 does) has at most `max_pixels` pixels."""
    if scale <= 0 or max_pixels < 1:
        raise ValueError(f"scale {scale} and max_pixels {max_pixels} must be positive")
    w, h = max(width_pt, 1e-3), max(height_pt, 1e-3)
    s = scale
    if math.ceil(w * s) * math.ceil(h * s) > max_pixels:
        s = math.sqrt(max_pixels / (w * h))
        while s > 0 and math.ceil(w * s) * math.ceil(h * s) > max_pixels:
            s *= 0.999
    return s


def _pixel_size(width_pt: float, height_pt: float, scale: float) -> tuple[int, int]:
    return max(1, math.ceil(width_pt * scale)), max(1, math.ceil(height_pt * scale))


@contextmanager
def _document(data: bytes, name: str) -> Iterator[pdfium.PdfDocument]:
    """The open document (the lock held throughout); BadDocument when it is not a PDF
    PDFium can open, _Locked when it needs a password."""
    with _PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            code = getattr(exc, "err_code", None)
            if code == pdfium_c.FPDF_ERR_PASSWORD:
                raise _Locked(PASSWORD_PROBLEM) from None
            if code == pdfium_c.FPDF_ERR_SECURITY:
                raise _Locked(SECURITY_PROBLEM) from None
            raise BadDocument(f"{name} is not a readable PDF: it is damaged or not a PDF at all") from None
        try:
            yield doc
        except pdfium.PdfiumError:
            # A page or its content that PDFium cannot load: the file is damaged.
            raise BadDocument(f"{name} is a damaged PDF: a page of it cannot be read") from None
        finally:
            doc.close()


def _check_complete(data: bytes, name: str) -> None:
    if b"%PDF-" not in data[:1024]:
        raise BadDocument(f"{name} is not a PDF (it does not start with a PDF header)")
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise BadDocument(
            f"{name} is an incomplete PDF: it stops before its end-of-file marker "
            "(perhaps the download or copy was cut short)"
        )


def _page_sizes(doc: pdfium.PdfDocument, count: int) -> list[tuple[float, float]]:
    """Each page's (width, height) in points as shown (rotation and crop box applied)."""
    sizes = []
    for i in range(count):
        w, h = doc.get_page_size(i)
        sizes.append((float(w), float(h)))
    return sizes


def _title(doc: pdfium.PdfDocument) -> str | None:
    try:
        value = doc.get_metadata_value("Title")
    except (pdfium.PdfiumError, KeyError, ValueError):
        return None
    text = "".join(ch if ch.isprintable() else " " for ch in str(value or "")).strip()
    return text[:MAX_TITLE_CHARS] or None


def probe(data: bytes, name: str = "the file") -> DocInfo:
    """Check `data` is a complete PDF PDFium can open with at most MAX_PAGES pages.
    A password-protected PDF is described (pages 0) with a problem, not refused."""
    _check_complete(data, name)
    media_type = MEDIA_TYPES["pdf"]
    try:
        with _document(data, name) as doc:
            count = len(doc)
            if count < 1:
                raise BadDocument(f"{name} is a damaged PDF: it has no pages")
            if count > MAX_PAGES:
                raise BadDocument(
                    f"{name} has {count} pages; Proofshot keeps documents of at most {MAX_PAGES} pages"
                )
            sizes = _page_sizes(doc, count)
            if any(not (w > 0 and h > 0) for w, h in sizes):
                raise BadDocument(f"{name} is a damaged PDF: a page has no size")
            text_layer = False
            for i in range(min(count, TEXT_LAYER_PROBE_PAGES)):
                page = doc[i]
                try:
                    textpage = page.get_textpage()
                    try:
                        if textpage.count_chars() > 0:
                            text_layer = True
                    finally:
                        textpage.close()
                finally:
                    page.close()
                if text_layer:
                    break
            title = _title(doc)
    except _Locked as locked:
        return DocInfo(
            kind="pdf",
            media_type=media_type,
            pages=0,
            width=0,
            height=0,
            problem=locked.problem,
            title=None,
            info={"page_sizes": [], "text_layer": None},
        )
    pixel_sizes = [_pixel_size(w, h, fit_scale(w, h, RENDER_SCALE, MAX_PAGE_PIXELS)) for w, h in sizes]
    return DocInfo(
        kind="pdf",
        media_type=media_type,
        pages=count,
        width=pixel_sizes[0][0],
        height=pixel_sizes[0][1],
        problem=None,
        title=title,
        info={"page_sizes": [[w, h] for w, h in pixel_sizes], "text_layer": text_layer},
    )


def _open_for_reading(data: bytes) -> AbstractContextManager[Any]:
    """_document for read_text/render_page (which raise BadDocument for a locked PDF)."""
    return _document(data, "the file")


def _is_solo(ch: str) -> bool:
    """A character that is a word of its own: CJK ideographs, kana, hangul and full-width
    punctuation (Chinese has no spaces between words; the search matches across words)."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


_BLANK_LINES = re.compile(r"\n[ \t\u3000]*\n+")


def _page_text(textpage: pdfium.PdfTextPage) -> str:
    text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
    # A page's text holds no blank line: blank lines separate pages in DocText.text.
    return _BLANK_LINES.sub("\n", text).strip()


def _page_words(
    page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, page_index: int, size_px: tuple[int, int]
) -> list[OcrWordBox]:
    """The text layer's words with boxes in the pixels of a size_px rendering of `page`."""
    raw_page = page.raw
    raw_text = textpage.raw
    dx, dy = ctypes.c_int(), ctypes.c_int()
    rect = pdfium_c.FS_RECTF()

    def to_device(x: float, y: float) -> tuple[int, int]:
        pdfium_c.FPDF_PageToDevice(
            raw_page, 0, 0, size_px[0], size_px[1], 0, x, y, ctypes.byref(dx), ctypes.byref(dy)
        )
        return dx.value, dy.value

    words: list[OcrWordBox] = []
    chars: list[str] = []
    box: list[float] = []  # left, bottom, right, top in PDF units

    def flush() -> None:
        if chars:
            x0, y0 = to_device(box[0], box[1])
            x1, y1 = to_device(box[2], box[3])
            left, right = max(0, min(x0, x1)), min(size_px[0], max(x0, x1))
            top, bottom = max(0, min(y0, y1)), min(size_px[1], max(y0, y1))
            if right > left and bottom > top:
                words.append(
                    OcrWordBox(
                        "".join(chars), (left, top, right, bottom), TEXT_LAYER_CONFIDENCE, page=page_index
                    )
                )
            chars.clear()

    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(raw_text, i)
        ch = chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else ""
        if not ch or ch.isspace() or not ch.isprintable() or pdfium_c.FPDFText_IsGenerated(raw_text, i) == 1:
            flush()
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(raw_text, i, rect):
            flush()
            continue
        left, bottom, right, top = rect.left, rect.bottom, rect.right, rect.top
        if chars:
            height = max(box[3] - box[1], top - bottom, 1e-3)
            same_line = min(top, box[3]) - max(bottom, box[1]) > 0.5 * min(box[3] - box[1], top - bottom)
            if _is_solo(ch) or _is_solo(chars[-1]) or not same_line or left - box[2] > 0.6 * height:
                flush()
        if not chars:
            box[:] = [left, bottom, right, top]
        else:
            box[:] = [min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top)]
        chars.append(ch)
    flush()
    return words


def read_text(data: bytes) -> DocText:
    """The PDF's text layer: text per page (joined by a blank line), word boxes in the
    pixels of render_page's images, and the pages with no text (for OCR)."""
    texts: list[str] = []
    words: list[OcrWordBox] = []
    empty: list[int] = []
    try:
        with _open_for_reading(data) as doc:
            count = len(doc)
            if count > MAX_PAGES:
                raise BadDocument(f"the PDF has {count} pages, more than the {MAX_PAGES} Proofshot reads")
            for index in range(count):
                page = doc[index]
                try:
                    w, h = page.get_size()
                    size_px = _pixel_size(w, h, fit_scale(w, h, RENDER_SCALE, MAX_PAGE_PIXELS))
                    textpage = page.get_textpage()
                    try:
                        text = _page_text(textpage)
                        page_words = _page_words(page, textpage, index, size_px)
                    finally:
                        textpage.close()
                finally:
                    page.close()
                texts.append(text)
                words.extend(page_words)
                if not text:
                    empty.append(index)
    except _Locked as locked:
        raise BadDocument(locked.problem) from None
    full = "\n\n".join(texts)
    return DocText(
        text=full if full.strip() else "",
        words=tuple(words),
        pages_without_text=tuple(empty),
        engine="pdf-text",
        facts=_facts(full),
    )


def _facts(text: str) -> InvoiceFacts | None:
    """Invoice facts from the text layer, when the invoice module is there and finds any."""
    if not text.strip():
        return None
    facts = facts_from_text(text, "pdf-text")
    return None if facts is None or facts.empty else facts


def render_page(
    data: bytes, page: int, *, scale: float = RENDER_SCALE, max_pixels: int = MAX_PAGE_PIXELS
) -> Image.Image:
    """Page `page` (0-based) as an RGB image at `scale` pixels per point, the scale reduced
    so the image has at most `max_pixels` pixels."""
    try:
        with _open_for_reading(data) as doc:
            count = len(doc)
            if not 0 <= page < count:
                raise BadDocument(f"the PDF has no page {page + 1} (it has {count})")
            pdf_page = doc[page]
            try:
                w, h = pdf_page.get_size()
                s = fit_scale(w, h, scale, max_pixels)
                bitmap = pdf_page.render(scale=s, may_draw_forms=False)
                try:
                    image: Image.Image = bitmap.to_pil().convert("RGB")  # a copy: the bitmap is freed below
                finally:
                    bitmap.close()
            finally:
                pdf_page.close()
    except _Locked as locked:
        raise BadDocument(locked.problem) from None
    return image
