"""Text normalisation shared by the search index and by queries.

Documents and queries go through the same function, so whatever OCR or typing
puts between characters (full-width forms, the spaces tesseract inserts between
CJK characters, dashes inside phone numbers, line breaks inside a wrapped chat
bubble) cannot stop a match: only letters and digits survive, NFKC-folded and
case-folded.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

#: Bump when the normalisation changes: libraries re-index themselves at open.
NORMALIZER_VERSION = 1

#: Kept between the fields of one document so that no query can match across two
#: fields. It is a private-use character, which the normaliser itself never keeps.
FIELD_SEPARATOR = "\ue000"

_KEPT_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No"})


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        if unicodedata.category(c) in _KEPT_CATEGORIES:
            out.append(c)
    return "".join(out)


def normalize(text: str) -> str:
    """Return the searchable form of `text`: NFKC, case-folded, letters and digits only."""
    return "".join(_fold_char(ch) for ch in text)


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Normalise `text` and return, for every output character, the index of the
    input character it came from (used to highlight matches in the original text)."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        out.append(folded)
        origin.extend([i] * len(folded))
    return "".join(out), origin


def is_cjk(ch: str) -> bool:
    """True for characters of the CJK scripts (Han, kana, hangul)."""
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2FFFF
        or 0xF900 <= cp <= 0xFAFF
        or 0x3040 <= cp <= 0x30FF
        or 0xAC00 <= cp <= 0xD7AF
    )
