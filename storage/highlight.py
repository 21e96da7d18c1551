"""Where a search query occurs in one capture: word boxes on the image and spans in its text.

Matching uses the search index's own normalisation and query parsing
(`storage.search.parse_query`, `storage.normalize`), so whatever made a capture match a
search is what gets highlighted: a term may run across several OCR words (tesseract reads
Chinese as one word per character, and a phone number as "138" "0013" "8000"), across
punctuation, and across full-width and case differences.

Plain Python, no Qt: the preview pane draws the boxes, this module only finds them.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence

from .normalize import normalize_with_map
from .records import OcrWordBox
from .search import parse_query

log = logging.getLogger(__name__)

Box = tuple[int, int, int, int]

#: Two boxes are on the same line when their vertical overlap is at least this share of
#: the shorter one's height.
SAME_LINE_OVERLAP = 0.5


def _terms(query: str) -> tuple[str, ...]:
    try:
        return parse_query(query).terms
    except Exception:  # a highlight must never break the preview; search reports its own errors
        log.exception("could not parse query %r for highlighting", query)
        return ()


def _occurrences(haystack: str, term: str) -> list[int]:
    """Start offsets of every (possibly overlapping) occurrence of `term` in `haystack`."""
    starts: list[int] = []
    i = haystack.find(term)
    while i >= 0:
        starts.append(i)
        i = haystack.find(term, i + 1)
    return starts


def matching_spans(text: str, query: str) -> list[tuple[int, int]]:
    """[start, end) offsets in `text` (as read, not normalised) of every occurrence of
    every term of `query`, sorted, with overlapping or touching spans merged.

    Empty or unmatchable queries give []; this never raises."""
    if not text:
        return []
    terms = _terms(query)
    if not terms:
        return []
    norm, origin = normalize_with_map(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        for i in _occurrences(norm, term):
            spans.append((origin[i], origin[i + len(term) - 1] + 1))
    return _merge_spans(spans)


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _ordered(box: Sequence[int]) -> Box:
    x0, y0, x1, y1 = (int(v) for v in box[:4])
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _char_width(ch: str) -> int:
    """Rough relative advance of a character: CJK and other wide characters take about
    twice the room of Latin letters and digits."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _part_of_box(box: Box, text: str, first: int, last: int) -> Box:
    """The horizontal slice of `box` that characters first..last (inclusive, offsets in
    `text`) of the word most likely cover, by their relative widths.

    Only used when a term covers part of one OCR word (a URL, "Order#2026..."): lighting
    up the whole word would point at the wrong place."""
    widths = [_char_width(ch) for ch in text]
    total = sum(widths)
    if total <= 0 or (first == 0 and last == len(text) - 1):
        return box
    x0, y0, x1, y1 = box
    before = sum(widths[:first])
    inside = sum(widths[first : last + 1])
    span = x1 - x0
    left = x0 + round(span * before / total)
    right = x0 + round(span * (before + inside) / total)
    return (left, y0, max(right, left + 1), y1)


def _same_line(a: Box, b: Box) -> bool:
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    shorter = max(1, min(a[3] - a[1], b[3] - b[1]))
    return overlap >= SAME_LINE_OVERLAP * shorter and b[0] >= a[0]


def _union(a: Box, b: Box) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def matching_word_boxes(words: Sequence[OcrWordBox], query: str) -> list[Box]:
    """Rectangles (x0, y0, x1, y1, image pixels) covering every occurrence of every term
    of `query` in the OCR words.

    The normalised word texts are joined in reading order and searched as one string
    (as the search index does), so a term can span several words. Each occurrence gives
    one rectangle per line it touches: the boxes of its words on one line are merged, and
    a word only partly covered contributes the estimated slice of its box. Duplicates are
    dropped; the order is that of the occurrences in the text.

    Empty or unmatchable queries give []; this never raises."""
    if not words:
        return []
    terms = _terms(query)
    if not terms:
        return []
    try:
        return _boxes(words, terms)
    except Exception:  # malformed boxes from an old or foreign OCR result
        log.exception("could not compute highlight boxes for %r", query)
        return []


def matching_word_boxes_by_page(words: Sequence[OcrWordBox], query: str) -> dict[int, list[Box]]:
    """`matching_word_boxes` for a document: the rectangles on each page (OcrWordBox.page,
    0 first; boxes in the pixels of that page's image), keyed by page, pages without a
    match left out. Words are searched page by page, so no match runs from the end of one
    page onto the next. An image's words are all on page 0.

    Empty or unmatchable queries give {}; this never raises."""
    if not words:
        return {}
    terms = _terms(query)
    if not terms:
        return {}
    pages: dict[int, list[OcrWordBox]] = {}
    for w in words:
        pages.setdefault(int(getattr(w, "page", 0) or 0), []).append(w)
    out: dict[int, list[Box]] = {}
    for page in sorted(pages):
        try:
            boxes = _boxes(pages[page], terms)
        except Exception:  # malformed boxes from an old or foreign OCR result
            log.exception("could not compute highlight boxes on page %d for %r", page, query)
            continue
        if boxes:
            out[page] = boxes
    return out


def _boxes(words: Sequence[OcrWordBox], terms: Sequence[str]) -> list[Box]:
    # One entry per normalised character: (word index, offset in that word's original text).
    joined: list[str] = []
    owner: list[tuple[int, int]] = []
    for wi, word in enumerate(words):
        norm, origin = normalize_with_map(word.text)
        joined.append(norm)
        owner.extend((wi, o) for o in origin)
    haystack = "".join(joined)

    found: list[tuple[int, Box]] = []  # (position in haystack, rectangle) for a stable order
    for term in terms:
        for start in _occurrences(haystack, term):
            found.extend(_occurrence_boxes(words, owner, start, start + len(term)))
    out: list[Box] = []
    for _, box in sorted(found, key=lambda f: f[0]):
        if box not in out:
            out.append(box)
    return out


def _occurrence_boxes(
    words: Sequence[OcrWordBox], owner: Sequence[tuple[int, int]], start: int, end: int
) -> list[tuple[int, Box]]:
    """The rectangles of one occurrence, haystack[start:end], one per line it touches."""
    # The characters of each touched word that the occurrence covers, in order.
    covered: dict[int, list[int]] = {}
    for wi, offset in owner[start:end]:
        covered.setdefault(wi, []).append(offset)
    rects: list[tuple[int, Box]] = []
    for wi, offsets in covered.items():
        word = words[wi]
        box = _part_of_box(_ordered(word.box), word.text, min(offsets), max(offsets))
        if rects and _same_line(rects[-1][1], box):
            rects[-1] = (rects[-1][0], _union(rects[-1][1], box))
        else:
            rects.append((start, box))
    return rects
