"""Trusted time in the library: queued RFC 3161 requests and the tokens they brought.

A request is one row of `timestamps` (migration 0006): a capture, or an export's
SHA256SUMS (named by the export folder), the SHA-256 to stamp and the TSA URL. It is
`pending` until first tried, `failed` after a failed attempt (with the reason and the
time of the next automatic try, later after each failure: back-off), `stamped` once a
token came back. A token is kept as two blobs in the library's `tokens/` store (the
TSA's reply and the certificates it sent, written once like every blob, see blobs.py)
and recorded with a custody event `timestamped` in the same transaction as the row.

Nothing here opens a socket: `process` is given `send` (capture/tsa_client.post, or a
test's), which is the only thing that talks to the TSA. The functions take the
`Library` and use its transactions; library.py itself is unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import custody_log
from .blobs import BlobStore, sha256_bytes
from .errors import InvalidInput, KnownStorageError, NotFound
from .files import write_atomic
from .models import Base, Capture
from .tsa_tokens import (
    SUMS_CHAIN,
    SUMS_TOKEN,
    Token,
    TokenError,
    UnsortedCertificates,
    make_request,
    read_reply,
)
from .values import iso_utc, now_utc

if TYPE_CHECKING:
    from .library import Library

log = logging.getLogger(__name__)

PENDING, FAILED, STAMPED = "pending", "failed", "stamped"
CAPTURE, EXPORT = "capture", "export"
#: Back-off after the n-th failure: 1, 2, 4... minutes, at most 6 hours.
FIRST_RETRY_S = 60
MAX_RETRY_S = 6 * 3600
TOKENS_DIR = "tokens"

#: (TSA URL, DER request) -> the reply's bytes; raises a KnownStorageError when the TSA
#: cannot be asked (capture.tsa_client.TsaUnavailable).
Sender = Callable[[str, bytes], bytes]


class TimestampRow(Base):
    __tablename__ = "timestamps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    capture_id: Mapped[int | None] = mapped_column(Integer)
    export_path: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    tsa_url: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    token_sha256: Mapped[str | None] = mapped_column(String(64))
    chain_sha256: Mapped[str | None] = mapped_column(String(64))
    tsa_time: Mapped[str | None] = mapped_column(String(32))
    tsa_name: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))
    stamped_at: Mapped[str | None] = mapped_column(String(32))


@dataclass(frozen=True)
class StampRecord:
    id: int
    kind: str
    capture_id: int | None
    export_path: str | None
    sha256: str
    tsa_url: str
    status: str
    attempts: int
    next_try_at: str | None
    last_error: str | None
    token_sha256: str | None
    chain_sha256: str | None
    tsa_time: str | None
    tsa_name: str | None
    created_at: str
    stamped_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        """One line for people: what state the request is in."""
        what = f"capture {self.capture_id}" if self.kind == CAPTURE else f"export {self.export_path}"
        if self.status == STAMPED:
            return f"{what}: stamped by {self.tsa_name or self.tsa_url} at {self.tsa_time}"
        if self.status == FAILED:
            return f"{what}: not stamped yet ({self.last_error}); next try after {self.next_try_at}"
        return f"{what}: waiting to be stamped by {self.tsa_url}"


def _record(r: TimestampRow) -> StampRecord:
    return StampRecord(
        r.id,
        r.kind,
        r.capture_id,
        r.export_path,
        r.sha256,
        r.tsa_url,
        r.status,
        r.attempts,
        r.next_try_at,
        r.last_error,
        r.token_sha256,
        r.chain_sha256,
        r.tsa_time,
        r.tsa_name,
        r.created_at,
        r.stamped_at,
    )


def token_store(lib: Library) -> BlobStore:
    """The blob store of tokens and chains (apart from the originals, so that the scan
    for orphan originals never takes a token for a lost capture)."""
    store = BlobStore(lib.root / TOKENS_DIR)
    store.ensure()
    return store


def retry_delay_s(attempts: int) -> int:
    return int(min(MAX_RETRY_S, FIRST_RETRY_S * 2 ** max(0, attempts - 1)))


# ---------------------------------------------------------------------- queueing


def _open_request(s: Session, capture_id: int) -> TimestampRow | None:
    return s.scalars(
        select(TimestampRow).where(
            TimestampRow.capture_id == capture_id, TimestampRow.status.in_((PENDING, FAILED))
        )
    ).first()


def queue_captures(lib: Library, capture_ids: Iterable[int], tsa_url: str) -> list[StampRecord]:
    """Queue a request for each capture that has neither a token nor a request waiting
    (those are returned as they are). Raises NotFound for an unknown capture."""
    out: list[StampRecord] = []
    with lib._tx() as s:
        for cid in capture_ids:
            cap = s.get(Capture, cid)
            if cap is None:
                raise NotFound(f"there is no capture {cid}")
            row = (
                _open_request(s, cid)
                or s.scalars(
                    select(TimestampRow).where(TimestampRow.capture_id == cid, TimestampRow.status == STAMPED)
                ).first()
            )
            if row is None:
                row = TimestampRow(
                    kind=CAPTURE,
                    capture_id=cid,
                    sha256=cap.sha256,
                    tsa_url=tsa_url,
                    status=PENDING,
                    attempts=0,
                    created_at=now_utc(),
                )
                s.add(row)
                s.flush()
            out.append(_record(row))
    return out


def queue_export(lib: Library, folder: Path, tsa_url: str) -> StampRecord:
    """Queue a request for the SHA256SUMS of the export at `folder`."""
    from .evidence_format import SUMS

    folder = Path(folder).expanduser().absolute()
    try:
        sums = (folder / SUMS).read_bytes()
    except OSError:
        raise InvalidInput(f"{folder} is not an evidence folder (it has no readable {SUMS})") from None
    if (folder / SUMS_TOKEN).exists():
        raise InvalidInput(f"{folder} already has a time-stamp token ({SUMS_TOKEN})")
    with lib._tx() as s:
        row = s.scalars(
            select(TimestampRow).where(
                TimestampRow.export_path == str(folder), TimestampRow.status.in_((PENDING, FAILED))
            )
        ).first()
        if row is None:
            row = TimestampRow(
                kind=EXPORT,
                export_path=str(folder),
                sha256=sha256_bytes(sums),
                tsa_url=tsa_url,
                status=PENDING,
                attempts=0,
                created_at=now_utc(),
            )
            s.add(row)
            s.flush()
        return _record(row)


# ---------------------------------------------------------------------- reading


def requests(
    lib: Library, *, capture_ids: Sequence[int] | None = None, statuses: Sequence[str] | None = None
) -> list[StampRecord]:
    q = select(TimestampRow).order_by(TimestampRow.id)
    if capture_ids is not None:
        q = q.where(TimestampRow.capture_id.in_(list(capture_ids)))
    if statuses is not None:
        q = q.where(TimestampRow.status.in_(list(statuses)))
    with lib._ro() as s:
        return [_record(r) for r in s.scalars(q)]


def status_by_capture(lib: Library, capture_ids: Sequence[int] | None = None) -> dict[int, StampRecord]:
    """Each capture's most telling request: a stamped one if any, else the newest."""
    best: dict[int, StampRecord] = {}
    for r in requests(lib, capture_ids=capture_ids):
        if r.capture_id is None:
            continue
        have = best.get(r.capture_id)
        if have is None or have.status != STAMPED:
            best[r.capture_id] = r
    return best


def tokens_by_capture(lib: Library, capture_ids: Sequence[int]) -> dict[int, list[StampRecord]]:
    out: dict[int, list[StampRecord]] = {}
    for r in requests(lib, capture_ids=capture_ids, statuses=[STAMPED]):
        if r.capture_id is not None:
            out.setdefault(r.capture_id, []).append(r)
    return out


# ---------------------------------------------------------------------- stamping


def stamp_bytes(data: bytes, url: str, send: Sender) -> Token:
    """Ask the TSA at `url` for a token over `data`'s SHA-256 and check the reply.
    Raises TokenError or the sender's KnownStorageError."""
    req = make_request(data)
    reply = send(url, req.der)
    try:
        return read_reply(reply, req)
    except UnsortedCertificates as unsorted:
        # rfc3161-client cannot read a reply whose chain is out of DER order: ask again
        # for a token without certificates, and keep the chain of the first reply.
        log.info("TSA %s sent its chain out of DER order; asking for a token without it", url)
        req2 = make_request(data, cert_req=False)
        return read_reply(send(url, req2.der), req2, unsorted.certificates)


def record_token(lib: Library, request_id: int, token: Token) -> StampRecord:
    """Keep `token` for request `request_id`: its blobs, then the row and the custody
    event `timestamped` in one transaction."""
    store = token_store(lib)
    token_sha = store.put(token.der)
    chain_sha = store.put(token.chain_pem())
    with lib._tx() as s:
        row = s.get(TimestampRow, request_id)
        if row is None:
            raise NotFound(f"there is no time-stamp request {request_id}")
        if row.status == STAMPED:
            return _record(row)
        if token.sha256 != row.sha256:
            raise TokenError("the token is for another hash than the request")
        row.status = STAMPED
        row.token_sha256, row.chain_sha256 = token_sha, chain_sha
        row.tsa_time, row.tsa_name = token.tsa_time, token.tsa_name
        row.stamped_at = now_utc()
        row.attempts += 1
        row.next_try_at = row.last_error = None
        data: dict[str, Any] = {
            "sha256": row.sha256,
            "tsa_url": row.tsa_url,
            "tsa_name": token.tsa_name,
            "tsa_time": token.tsa_time,
            "token_sha256": token_sha,
            "chain_sha256": chain_sha,
            "serial": str(token.serial),
        }
        if row.kind == CAPTURE:
            custody_log.append_events(
                s, [custody_log.NewEvent("timestamped", capture_id=row.capture_id, data=data)]
            )
        else:
            data = {"export": row.export_path, "file": "SHA256SUMS", **data}
            custody_log.append_events(s, [custody_log.NewEvent("timestamped", data=data)])
        return _record(row)


def record_failure(lib: Library, request_id: int, error: str, now: datetime | None = None) -> StampRecord:
    now = now or datetime.now(UTC)
    with lib._tx() as s:
        row = s.get(TimestampRow, request_id)
        if row is None:
            raise NotFound(f"there is no time-stamp request {request_id}")
        if row.status == STAMPED:
            return _record(row)
        row.attempts += 1
        row.status = FAILED
        row.last_error = error[:500]
        row.next_try_at = iso_utc(now + timedelta(seconds=retry_delay_s(row.attempts)))
        return _record(row)


def _data_for(lib: Library, row: StampRecord) -> bytes:
    """The bytes the request stamps, checked against the queued hash."""
    from .evidence_format import SUMS

    if row.kind == CAPTURE:
        assert row.capture_id is not None
        try:
            data = lib.read_capture_bytes(row.capture_id)
        except (OSError, KnownStorageError) as exc:
            raise TokenError(f"the original of capture {row.capture_id} cannot be read ({exc})") from None
        what = f"the original of capture {row.capture_id}"
    else:
        folder = Path(row.export_path or "")
        if (folder / SUMS_TOKEN).exists():
            raise TokenError(f"{folder / SUMS_TOKEN} already exists")
        try:
            data = (folder / SUMS).read_bytes()
        except OSError:
            raise TokenError(f"the export folder {folder} is gone or has no {SUMS}") from None
        what = f"{folder / SUMS}"
    if sha256_bytes(data) != row.sha256:
        raise TokenError(f"{what} no longer matches the SHA-256 it had when it was queued")
    return data


def write_sums_token(folder: Path, token: Token) -> None:
    """Put an export's SHA256SUMS token and chain beside it (written once, atomically)."""
    if (folder / SUMS_TOKEN).exists():
        raise TokenError(f"{folder / SUMS_TOKEN} already exists")
    write_atomic(folder / SUMS_CHAIN, token.chain_pem())
    write_atomic(folder / SUMS_TOKEN, token.der)


@dataclass(frozen=True)
class Outcome:
    request: StampRecord
    ok: bool
    message: str


def due_requests(
    lib: Library, *, now: datetime | None = None, ignore_backoff: bool = False
) -> list[StampRecord]:
    now_text = iso_utc(now or datetime.now(UTC))
    return [
        r
        for r in requests(lib, statuses=[PENDING, FAILED])
        if ignore_backoff or r.next_try_at is None or r.next_try_at <= now_text
    ]


def next_due_at(lib: Library) -> str | None:
    """When the earliest waiting request is due (None: nothing waits)."""
    times = [r.next_try_at or "" for r in requests(lib, statuses=[PENDING, FAILED])]
    return min(times) if times else None


def process(
    lib: Library,
    send: Sender,
    todo: Sequence[StampRecord],
    *,
    tsa_url: str | None = None,
    on_result: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Send each request in `todo` (from `due_requests` or `queue_*`) to its TSA, or to
    `tsa_url` when given; keep the tokens, record the failures. Never raises for a TSA's
    fault: each outcome says what happened."""
    outcomes: list[Outcome] = []
    for r in todo:
        url = tsa_url or r.tsa_url
        if tsa_url and tsa_url != r.tsa_url:
            with lib._tx() as s:
                row = s.get(TimestampRow, r.id)
                if row is not None and row.status != STAMPED:
                    row.tsa_url = tsa_url
        try:
            data = _data_for(lib, r)
            token = stamp_bytes(data, url, send)
            if r.kind == EXPORT:
                write_sums_token(Path(r.export_path or ""), token)
            rec = record_token(lib, r.id, token)
            outcome = Outcome(rec, True, rec.describe())
        except (TokenError, KnownStorageError, OSError) as exc:
            message = str(exc) or exc.__class__.__name__
            rec = record_failure(lib, r.id, message)
            outcome = Outcome(rec, False, rec.describe())
        outcomes.append(outcome)
        if on_result is not None:
            on_result(outcome)
    return outcomes


def token_bytes(lib: Library, sha256: str) -> bytes:
    return token_store(lib).read(sha256)


def after_export_stamp(
    lib: Library, folder: Path, tsa_url: str, token: Token | None, error: str | None
) -> str:
    """After an export asked for its SHA256SUMS to be stamped: record the token (row and
    custody event), or queue a request for `main.py timestamp --pending`. Returns the
    outcome in words."""
    from .evidence_format import SUMS

    if token is not None:
        store = token_store(lib)
        token_sha, chain_sha = store.put(token.der), store.put(token.chain_pem())
        with lib._tx() as s:
            row = TimestampRow(
                kind=EXPORT,
                export_path=str(folder),
                sha256=token.sha256,
                tsa_url=tsa_url,
                status=STAMPED,
                attempts=1,
                token_sha256=token_sha,
                chain_sha256=chain_sha,
                tsa_time=token.tsa_time,
                tsa_name=token.tsa_name,
                created_at=now_utc(),
                stamped_at=now_utc(),
            )
            s.add(row)
            custody_log.append(
                s,
                "timestamped",
                export=str(folder),
                file=SUMS,
                sha256=token.sha256,
                tsa_url=tsa_url,
                tsa_name=token.tsa_name,
                tsa_time=token.tsa_time,
                token_sha256=token_sha,
                chain_sha256=chain_sha,
                serial=str(token.serial),
            )
        return f"{SUMS} stamped by {token.tsa_name} at {token.tsa_time}"
    rec = queue_export(lib, folder, tsa_url)
    rec = record_failure(lib, rec.id, error or "the TSA gave no token")
    return (
        f"{SUMS} not stamped ({error}); queued: run `main.py timestamp --pending` later "
        f"(next automatic try after {rec.next_try_at})"
    )


def token_problems(s: Session, tokens_root: Path) -> list[Any]:
    """`main.py check`: every kept token and chain is in `tokens/` and unchanged."""
    from .records import Problem

    store = BlobStore(tokens_root)
    problems: list[Any] = []
    rows = s.execute(
        select(
            TimestampRow.id, TimestampRow.capture_id, TimestampRow.token_sha256, TimestampRow.chain_sha256
        ).where(TimestampRow.status == STAMPED)
    ).all()
    for rid, cid, token_sha, chain_sha in rows:
        what = f"capture {cid}" if cid is not None else f"time-stamp request {rid}"
        for sha, name in ((token_sha, "time-stamp token"), (chain_sha, "time-stamp certificate chain")):
            if sha and (bad := store.verify(sha)) is not None:
                state = "is missing" if bad == "missing" else "no longer matches its SHA-256"
                problems.append(Problem("token", f"{what}: its {name} {state} ({store.path(sha)})", cid, sha))
    return problems
