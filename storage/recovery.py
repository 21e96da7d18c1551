"""Keeping a capture through a crash: the journal, and adopting what a crash left behind.

`Library.add_capture` announces each capture in a journal file before its blob is
written and removes it after the row is committed (docs/adr/003-crash-safe-capture.md).
An entry still there at the next open is a capture that was interrupted: if its blob is
whole and no row was committed, the capture is adopted into the Inbox (captures.add
with `adopted`); if the row exists, only the removal of the entry was interrupted; if
the blob is not whole, nothing was kept. A blob no row refers to (found by a scan) is
adopted the same way, unless the custody log says its capture was purged on purpose.

An entry is held under an exclusive `flock` while its capture is in flight, so a
recovery run by another process (the command line while the app captures) leaves it
alone. Each adoption is its own transaction, opened with the `tx` the library passes.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from . import captures
from .blobs import BlobStore, fsync_dir
from .custody import canonical_json
from .db import Transaction
from .errors import BadDocument, BadImage
from .models import Capture, Event
from .values import iso_utc, now_utc
from .vocabulary import CaptureSource

if sys.platform != "win32":
    import fcntl
else:  # pragma: no cover
    fcntl = None

log = logging.getLogger(__name__)


def intent(kept: captures.Kept) -> dict[str, Any]:
    """What a journal entry says of a capture in flight: enough to adopt its blob as the
    capture it was meant to be (`adopt`)."""
    return {
        "sha256": kept.sha256,
        "captured_at": kept.captured_at,
        "utc_offset_min": kept.utc_offset_min,
        "source": kept.source,
        "source_name": kept.source_name,
        "purchase_id": kept.purchase_id,
        "note": kept.note,
        "media_type": kept.image.media_type,
        "width": kept.image.width,
        "height": kept.image.height,
        "bytes": kept.size,
        # A long capture: its recipe and frames, to adopt it whole (absent otherwise).
        **({"long": kept.long.to_dict()} if kept.long is not None else {}),
        # A document: its kind (its details are probed again from the blob when adopted),
        # and the e-mail an attachment was filed from (absent otherwise).
        **({"document": kept.doc.kind} if kept.doc is not None else {}),
        **({"parent_id": kept.parent_id} if kept.parent_id is not None else {}),
    }


@contextlib.contextmanager
def journal_entry(journal: Path, intent: dict[str, Any]) -> Iterator[None]:
    """Announce a capture (`intent`: its hash, time, source, intended purchase, note...)
    in a new journal file, fsynced with its folder and locked for as long as the block
    runs; the file is removed when the block completes, and left for `recover` when the
    process dies inside it."""
    path = journal / f"{intent['sha256']}.{secrets.token_hex(4)}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, canonical_json(intent).encode("utf-8"))
        os.fsync(fd)
        fsync_dir(journal)
        yield
        path.unlink()
    finally:
        os.close(fd)


def recover(journal: Path, blobs: BlobStore, tx: Transaction) -> list[int]:
    """Adopt blobs whose capture was never committed (the process died between writing
    the blob and committing its row). They land in the Inbox, flagged. Returns their ids."""
    recovered: list[int] = []
    for path in sorted(journal.glob("*.json")):
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            continue
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # another process is writing this capture right now
            if not path.exists():
                continue
            try:
                intent = json.loads(path.read_text(encoding="utf-8"))
                sha = str(intent["sha256"])
            except (ValueError, KeyError, OSError):
                log.warning("unreadable journal entry %s removed", path.name)
                path.unlink(missing_ok=True)
                continue
            cid = adopt(blobs, tx, sha, intent)
            if cid is not None:
                recovered.append(cid)
            path.unlink(missing_ok=True)
        finally:
            os.close(fd)
    return recovered


def adopt_orphans(blobs: BlobStore, tx: Transaction, ro: Transaction, shas: list[str]) -> list[int]:
    """Blobs no capture refers to: adopt them into the Inbox, unless the custody log
    says their capture was purged on purpose (the crash came between emptying the
    Trash and removing the file), in which case the file is removed."""
    adopted: list[int] = []
    for sha in shas:
        with ro() as s:
            purged = s.scalar(
                select(func.count(Event.id)).where(Event.kind == "purged", Event.data.like(f'%"{sha}"%'))
            )
        if purged:
            blobs.remove(sha)
            continue
        at = iso_utc(datetime.fromtimestamp(blobs.path(sha).stat().st_mtime, UTC))
        cid = adopt(blobs, tx, sha, {"captured_at": at, "source": CaptureSource.RECOVERED})
        if cid is not None:
            adopted.append(cid)
    return adopted


def adopt(blobs: BlobStore, tx: Transaction, sha: str, intent: dict[str, Any]) -> int | None:
    """Adopt the blob `sha` as the capture `intent` describes; None when there is nothing
    to adopt (the blob is not whole, or the capture was committed after all)."""
    if blobs.verify(sha) is not None:
        return None  # the blob never made it to disk whole: nothing was kept, nothing to adopt
    long = captures.LongParts.from_dict(intent["long"]) if intent.get("long") else None
    if long is not None and any(blobs.verify(f.sha256) is not None for f in long.frames):
        # The frames are written before the long image, so this means a damaged disk; the
        # long image cannot be shown to be its frames' without them: not adopted as a long
        # capture (the blobs stay; `open(scan=True)` adopts them one by one).
        log.warning("long capture %s: a frame is not whole; its blobs are left for the scan", sha[:12])
        return None
    with tx() as s:
        exists = s.scalar(
            select(Capture.id).where(Capture.sha256 == sha, Capture.captured_at == intent.get("captured_at"))
        )
        if exists is not None:
            return None  # committed; only the journal removal was interrupted
        data = blobs.read(sha)
        try:
            # An image, or a document (PDF, OFD, XML, e-mail) probed again from its bytes.
            name = str(intent.get("source_name") or f"blob {sha[:12]}")
            image, doc = captures.probe(data, name, file_name=intent.get("source_name"))
        except (BadImage, BadDocument) as exc:
            log.warning(
                "blob %s is neither an image nor a document Proofshot keeps; not adopted: %s", sha[:12], exc
            )
            return None
        parent_id = intent.get("parent_id")
        if (
            parent_id is not None
            and s.scalar(select(Capture.doc_kind).where(Capture.id == parent_id)) != "email"
        ):
            parent_id = None  # its e-mail is gone (purged) or was never kept
        c = captures.add(
            s,
            captures.Kept(
                sha256=sha,
                image=image,
                size=len(data),
                captured_at=str(intent.get("captured_at") or now_utc()),
                utc_offset_min=int(intent.get("utc_offset_min") or 0),
                source=str(intent.get("source") or CaptureSource.RECOVERED),
                source_name=intent.get("source_name"),
                note=intent.get("note"),
                purchase_id=intent.get("purchase_id"),
                long=long,
                doc=doc,
                parent_id=parent_id,
            ),
            adopted=True,
        )
        log.warning("recovered capture %s (%s) into the Inbox after an interruption", c.id, sha[:12])
        return c.id
