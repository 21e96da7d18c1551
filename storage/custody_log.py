"""The custody log as rows: appending events, reading them back, checking the chain,
and handing out ids that the log has never seen.

storage.custody holds the chain maths (canonical JSON, hashes, `verify_chain`) and knows
nothing of the database; this module applies it to the `events` table and the head
kept in the settings table (state.CUSTODY_HEAD). Every change to captures, purchases
and sellers appends its event here *in the same transaction as the change*, which is
what lets views learn what changed (storage.changes) and an export prove its history.

`append_events` is the only writer of the `events` table. Tools that build large
libraries (the benchmarks) call it too, through `Library.bulk_add`, so a change to how
events are hashed or stored can never leave them writing a log that no longer verifies.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from . import state
from .custody import GENESIS, canonical_json, chain_hash, event_payload, verify_chain
from .models import Capture, Event, Merchant, Purchase
from .records import EventRecord
from .values import now_utc


@dataclass(frozen=True)
class NewEvent:
    """An event to append: what happened (`kind`), to which capture and/or purchase, and
    its details (any JSON-able mapping; stored as canonical JSON)."""

    kind: str
    capture_id: int | None = None
    purchase_id: int | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


def head(s: Session) -> tuple[int, str]:
    """(number of events, hash of the newest) as last recorded; (0, GENESIS) when empty."""
    raw = state.get(s, state.CUSTODY_HEAD)
    if not raw:
        return 0, GENESIS
    count, digest = raw.split(":")
    return int(count), digest


def append_events(s: Session, events: Iterable[NewEvent]) -> list[EventRecord]:
    """Append `events` in order, each chained to the one before, and move the head.

    The rows the events speak of are flushed first. Each event's `at` is the time it is
    appended (the custody log records when something was recorded, never a time a
    caller claims)."""
    s.flush()
    count, prev = head(s)
    next_id = int(s.scalar(select(func.max(Event.id))) or 0) + 1
    rows: list[dict[str, Any]] = []
    out: list[EventRecord] = []
    for e in events:
        at = now_utc()
        # Round-trip through JSON so the stored text and the hashed object agree exactly.
        clean = json.loads(canonical_json(dict(e.data)))
        digest = chain_hash(prev, event_payload(next_id, at, e.kind, e.capture_id, e.purchase_id, clean))
        rows.append(
            {
                "id": next_id,
                "at": at,
                "kind": e.kind,
                "capture_id": e.capture_id,
                "purchase_id": e.purchase_id,
                "data": canonical_json(clean),
                "prev_hash": prev,
                "hash": digest,
            }
        )
        out.append(EventRecord(next_id, at, e.kind, e.capture_id, e.purchase_id, clean, prev, digest))
        prev, next_id, count = digest, next_id + 1, count + 1
    if rows:
        s.execute(insert(Event), rows)
        state.put(s, state.CUSTODY_HEAD, f"{count}:{prev}")
    return out


def append(
    s: Session, kind: str, *, capture_id: int | None = None, purchase_id: int | None = None, **data: Any
) -> EventRecord:
    """Append one event (see append_events)."""
    [record] = append_events(s, [NewEvent(kind, capture_id, purchase_id, data)])
    return record


def fresh_id(s: Session, model: type[Capture] | type[Purchase] | type[Merchant]) -> int:
    """An id never used before, not even by a row deleted since. SQLite would hand a
    deleted row's id to the next new one, and the custody log, which outlives rows,
    would then file two captures' (or purchases') events under one id."""
    if model is Capture:
        logged = select(func.max(Event.capture_id))
    elif model is Purchase:
        logged = select(func.max(Event.purchase_id))
    else:
        logged = select(func.max(func.json_extract(Event.data, "$.merchant_id"))).where(
            Event.kind.like("merchant_%")
        )
    used = [s.scalar(select(func.max(model.id))), s.scalar(logged)]
    return max(int(u) for u in used if u is not None) + 1 if any(u is not None for u in used) else 1


def _record(ev: Event) -> EventRecord:
    return EventRecord(
        ev.id, ev.at, ev.kind, ev.capture_id, ev.purchase_id, json.loads(ev.data), ev.prev_hash, ev.hash
    )


def events(s: Session, *, capture_id: int | None = None, purchase_id: int | None = None) -> list[EventRecord]:
    """Events of one capture, of one purchase and its captures (those filed under it now
    and those that ever were), or all of them; oldest first."""
    q = select(Event).order_by(Event.id)
    if capture_id is not None:
        q = q.where(Event.capture_id == capture_id)
    elif purchase_id is not None:
        ids = select(Event.capture_id).where(Event.purchase_id == purchase_id, Event.capture_id.is_not(None))
        cap_ids = select(Capture.id).where(Capture.purchase_id == purchase_id)
        q = q.where(
            (Event.purchase_id == purchase_id) | Event.capture_id.in_(ids) | Event.capture_id.in_(cap_ids)
        )
    return [_record(e) for e in s.scalars(q)]


def verify(s: Session) -> list[str]:
    """What is wrong with the chain: events edited or removed since they were recorded."""
    rows = s.execute(
        select(
            Event.id,
            Event.at,
            Event.kind,
            Event.capture_id,
            Event.purchase_id,
            Event.data,
            Event.prev_hash,
            Event.hash,
        ).order_by(Event.id)
    ).all()
    return verify_chain(rows, head(s))
