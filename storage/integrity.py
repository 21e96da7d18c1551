"""Is the library whole? Blobs against their rows and hashes, the custody chain, the
search index and the journal. Everything here only reads.

`check` is what `main.py check` runs; it never repairs. What it finds is reported as
`Problem`s, each saying what the user can do: a stale search index is rebuilt by
`Library.reindex()` (`main.py check --repair`), an orphan blob is adopted by the app's
next start (`Library.open(scan=True)`), an interrupted capture by the next open. A
damaged or missing original, or a broken custody chain, cannot be repaired: that is
exactly what the check exists to reveal.

The scan reads the rows in one short read transaction and checks the files after it,
so hashing every blob (minutes on a large library) never holds a database snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from . import custody_log
from . import search as search_mod
from .blobs import BlobStore
from .db import Transaction
from .models import Capture, CaptureFrame, Event
from .records import CheckReport, Problem

#: What `main.py check` tells the user to run when the search index is stale.
REPAIR_COMMAND = "main.py check --repair"


def blob_rows(s: Session) -> list[tuple[int, str, int]]:
    """(capture id, sha256, size) of every capture, Trash included."""
    return [
        (int(cid), str(sha), int(size))
        for cid, sha, size in s.execute(
            select(Capture.id, Capture.sha256, Capture.bytes).order_by(Capture.id)
        ).all()
    ]


def frame_rows(s: Session) -> list[tuple[int, int, str, int]]:
    """(capture id, position, sha256, size) of every long capture's frame, Trash included."""
    return [
        (int(cid), int(pos), str(sha), int(size))
        for cid, pos, sha, size in s.execute(
            select(
                CaptureFrame.capture_id, CaptureFrame.position, CaptureFrame.sha256, CaptureFrame.bytes
            ).order_by(CaptureFrame.capture_id, CaptureFrame.position)
        ).all()
    ]


def scan_blobs(
    rows: Sequence[tuple[int, str, int]],
    blobs: BlobStore,
    hash_check: bool,
    frames: Sequence[tuple[int, int, str, int]] = (),
) -> Iterator[Problem]:
    """Missing originals, originals that changed (by size, or with `hash_check` by
    SHA-256) and blobs that no row refers to. `frames` are the long captures' frames
    (`frame_rows`), originals too; a scan that leaves them out calls them orphans."""
    referenced = set()
    items = [(cid, sha, size, "its original file") for cid, sha, size in rows]
    items += [(cid, sha, size, f"the original file of its frame {pos + 1}") for cid, pos, sha, size in frames]
    for cid, sha, size, what in items:
        referenced.add(sha)
        path = blobs.path(sha)
        if not path.is_file():
            yield Problem("missing_blob", f"capture {cid}: {what} is missing ({path})", cid, sha)
            continue
        changed = blobs.verify(sha) == "mismatch" if hash_check else path.stat().st_size != size
        if changed:
            yield Problem(
                "hash_mismatch",
                f"capture {cid}: {what} no longer matches its SHA-256 ({path})",
                cid,
                sha,
            )
    for sha in blobs.iter_shas():
        if sha not in referenced:
            yield Problem(
                "orphan_blob",
                f"blob {sha} belongs to no capture (the app adopts it into the Inbox when it next starts)",
                None,
                sha,
            )


def index_problems(s: Session) -> list[Problem]:
    """The search index is stale when it was built for another normaliser or layout, or
    when it does not hold exactly one document per capture."""
    n_caps = int(s.scalar(select(func.count(Capture.id))) or 0)
    n_docs = search_mod.indexed_count(s)
    missing = int(
        s.scalar(
            text(
                "SELECT count(*) FROM captures c "
                "WHERE NOT EXISTS (SELECT 1 FROM search_doc d WHERE d.capture_id = c.id)"
            )
        )
        or 0
    )
    covered = n_caps - missing
    extra = n_docs - covered  # documents of captures that are gone
    if missing or extra:
        why = f"the search index covers {covered} of {n_caps} captures"
        if extra:
            why += f" and holds {extra} document(s) of captures that are gone"
    elif not search_mod.is_current(s):
        why = "the search index was built by another version of Proofshot"
    else:
        return []
    return [Problem("search_index", f"{why}; run `{REPAIR_COMMAND}` to rebuild it")]


def journal_problems(journal: Path) -> list[Problem]:
    return [
        Problem("journal", f"an interrupted capture is waiting to be recovered: {path.name}")
        for path in sorted(journal.glob("*.json"))
    ]


def check(ro: Transaction, blobs: BlobStore, journal: Path) -> CheckReport:
    """Verify every blob against its hash, the custody chain and the search index, and
    look for interrupted captures. Reads only."""
    with ro() as s:
        rows = blob_rows(s)
        frames = frame_rows(s)
        custody = custody_log.verify(s)
        n_events = int(s.scalar(select(func.count(Event.id))) or 0)
        index = index_problems(s)
    problems = list(scan_blobs(rows, blobs, hash_check=True, frames=frames))
    problems += [Problem("custody", msg) for msg in custody]
    problems += index
    problems += journal_problems(journal)
    from .timestamps import TOKENS_DIR, token_problems  # trusted time (issue 14)

    with ro() as s:
        problems += token_problems(s, blobs.root.parent / TOKENS_DIR)
    return CheckReport(len(rows), len(rows) + len(frames), n_events, tuple(problems))
