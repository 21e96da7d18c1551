"""The custody log: an append-only, hash-chained list of everything that happened.

Each event's hash is SHA-256 over the previous event's hash and the event's own
canonical JSON, and the newest hash and count are kept as the log's head. An edited
event breaks its own hash, a removed one breaks the next event's link, and a removed
last event no longer matches the head. `verify_chain` reports each of these.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

GENESIS = "0" * 64


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_payload(
    event_id: int, at: str, kind: str, capture_id: int | None, purchase_id: int | None, data: dict[str, Any]
) -> str:
    return canonical_json(
        {
            "id": event_id,
            "at": at,
            "kind": kind,
            "capture_id": capture_id,
            "purchase_id": purchase_id,
            "data": data,
        }
    )


def chain_hash(prev_hash: str, payload: str) -> str:
    return hashlib.sha256((prev_hash + "\n" + payload).encode("utf-8")).hexdigest()


def verify_chain(
    rows: Iterable[tuple[int, str, str, int | None, int | None, str, str, str]],
    head: tuple[int, str] | None,
) -> list[str]:
    """Check rows of (id, at, kind, capture_id, purchase_id, data_json, prev_hash, hash)
    in id order against each other and against the head (count, hash). Returns problems."""
    problems: list[str] = []
    prev = GENESIS
    count = 0
    for event_id, at, kind, capture_id, purchase_id, data_json, prev_hash, h in rows:
        count += 1
        if prev_hash != prev:
            problems.append(
                f"custody event {event_id} does not follow the event before it (an event was removed or changed)"
            )
        try:
            data = json.loads(data_json)
        except ValueError:
            problems.append(f"custody event {event_id} has unreadable data")
            prev = h
            continue
        expected = chain_hash(prev_hash, event_payload(event_id, at, kind, capture_id, purchase_id, data))
        if expected != h:
            problems.append(f"custody event {event_id} ({kind}) was altered after it was recorded")
        prev = h
    if head is not None:
        head_count, head_hash = head
        if count != head_count or prev != head_hash:
            problems.append(
                f"custody log ends at event {count} but {head_count} were recorded (events were removed from the end)"
                if count < head_count
                else "custody log does not end where it was last recorded"
            )
    return problems
