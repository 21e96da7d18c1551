"""The evidence folder format, versions 1 and 2 (ARCHITECTURE.md §7, docs/evidence-format.md).

What the exporter writes and the verifier reads in common: the fixed file names, safe
folder and file names, the hash chain over the lines of `custody.jsonl`, the
`SHA256SUMS` format and the JSON schema of `manifest.json`. Plain Python on purpose:
other tools may read this format, and storage never imports Qt.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from .custody import GENESIS, canonical_json

FORMAT = "proofshot-evidence"
#: The newest format version this code writes and reads. Version 2 is version 1 plus
#: documents (PDF, OFD, XML, e-mail: `captures[].document`, the `pages/` folder); an
#: export without documents is still written as version 1, so older readers check it.
FORMAT_VERSION = 2
#: The version of an export that holds no document.
FORMAT_VERSION_IMAGES = 1

README = "README.txt"
MANIFEST = "manifest.json"
CUSTODY = "custody.jsonl"
SUMS = "SHA256SUMS"
REPORT_HTML = "report.html"
REPORT_PDF = "report.pdf"
CAPTURES_DIR = "captures"
#: Rendered pages of PDF and OFD documents (derived from the originals in captures/).
PAGES_DIR = "pages"
#: At most this many pages of one document are rendered into the export and its report;
#: the rest are in the original file (and their text in its .txt file).
MAX_EXPORT_PAGES = 50

#: Folder names start with this; unfinished exports are hidden folders ending in PARTIAL_MARK.
FOLDER_PREFIX = "Proofshot_"
PARTIAL_MARK = ".partial-"

SCHEMA_FILE = Path(__file__).with_name("evidence_manifest.schema.json")

#: Event fields kept from the library, in this order, in every custody line.
EVENT_FIELDS = ("id", "at", "kind", "capture_id", "purchase_id", "data", "prev_hash", "hash")

MEDIA_EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/bmp": "bmp",
    "image/gif": "gif",
    # Documents (storage.documents.EXTENSIONS; written out here so that this module, the
    # format's description, stays readable on its own).
    "application/pdf": "pdf",
    "application/ofd": "ofd",
    "application/xml": "xml",
    "message/rfc822": "eml",
}

#: The media type of each document kind (storage.documents.MEDIA_TYPES).
DOCUMENT_MEDIA_TYPES = {
    "pdf": "application/pdf",
    "ofd": "application/ofd",
    "xml": "application/xml",
    "email": "message/rfc822",
}

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}
# Letters, marks and digits of any script are kept (Chinese stays Chinese); of the
# punctuation only these, which are harmless on every file system and in shells.
_SAFE_PUNCT = set("-_.()[]（）【】·")


def frames_dir(stem: str) -> str:
    """The folder of a long capture's frames, beside its long image: `captures/<stem>-frames`."""
    return f"{CAPTURES_DIR}/{stem}-frames"


def frame_file(stem: str, position: int, sha256: str) -> str:
    """A long capture's frame: `captures/<stem>-frames/NN-<sha8>.png` (NN from 01, the
    frame's place in the recipe)."""
    return f"{frames_dir(stem)}/{position + 1:02d}-{sha256[:8]}.png"


def recipe_file(stem: str) -> str:
    """A long capture's recipe (storage.stitched.Recipe JSON): `captures/<stem>.recipe.json`."""
    return f"{CAPTURES_DIR}/{stem}.recipe.json"


def page_file(stem: str, page: int) -> str:
    """A document's rendered page (`page` from 1): `pages/<stem>-p001.png`."""
    return f"{PAGES_DIR}/{stem}-p{page:03d}.png"


def is_partial_name(name: str) -> bool:
    """True for the name of a folder (or zip) an export was still writing."""
    return name.startswith(".") and PARTIAL_MARK in name


def safe_name(text: str | None, *, max_bytes: int = 60, fallback: str = "unnamed") -> str:
    """A name usable as one path component on Windows, macOS and Linux.

    No separators, `..`, control characters, reserved Windows names, or leading or
    trailing dots and spaces; at most `max_bytes` of UTF-8 (cut at a character)."""
    text = unicodedata.normalize("NFC", text or "")
    out: list[str] = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LMN" and ord(ch) <= 0xFFFF or ch in _SAFE_PUNCT:
            out.append(ch)
        else:  # separators, controls, symbols and emoji, spaces
            out.append("_")
    name = "".join(out)
    name = re.sub(r"\.{2,}", ".", name)
    name = re.sub(r"_{2,}", "_", name)
    name = name.strip("._- ")
    encoded = name.encode("utf-8")
    if len(encoded) > max_bytes:
        name = encoded[:max_bytes].decode("utf-8", errors="ignore").rstrip("._- ")
    if not name:
        name = fallback
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = "_" + name
    return name


def capture_file_stem(seq: int, captured_at: str, sha256: str) -> str:
    """`0001_20261027T063900Z_ab12cd34` from a capture's order, UTC time and hash."""
    stamp = re.sub(r"[^0-9T]", "", captured_at.split(".")[0]) + "Z"
    return f"{seq:04d}_{stamp}_{sha256[:8]}"


def line_hash(line_prev: str, event: dict[str, Any]) -> str:
    """The export chain over custody.jsonl: SHA-256 of the previous line's hash, a
    newline and the canonical JSON of the line's event fields (EVENT_FIELDS)."""
    body = canonical_json({k: event.get(k) for k in EVENT_FIELDS})
    return hashlib.sha256((line_prev + "\n" + body).encode("utf-8")).hexdigest()


def custody_lines(events: list[dict[str, Any]]) -> tuple[list[str], str]:
    """The lines of custody.jsonl (without newlines) and the last line hash."""
    prev = GENESIS
    lines = []
    for ev in events:
        h = line_hash(prev, ev)
        row = {k: ev.get(k) for k in EVENT_FIELDS}
        row["line_prev"] = prev
        row["line_hash"] = h
        lines.append(canonical_json(row))
        prev = h
    return lines, prev


def format_sums(entries: list[tuple[str, str]]) -> str:
    """`sha256sum` output for (relative posix path, hex digest) pairs, sorted by path."""
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(entries))


_SUM_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def parse_sums(text: str) -> tuple[dict[str, str], list[str]]:
    """({path: digest}, [unreadable lines]) from a SHA256SUMS file."""
    sums: dict[str, str] = {}
    bad: list[str] = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        m = _SUM_LINE.match(raw)
        if m is None:
            bad.append(raw)
        else:
            sums[m.group(2)] = m.group(1)
    return sums, bad


def is_safe_relpath(path: str) -> bool:
    """A relative posix path inside the folder: no absolute paths, `..` or backslashes."""
    if not path or path.startswith("/") or "\\" in path or "\x00" in path:
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


@cache
def manifest_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return schema
