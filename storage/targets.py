"""Where a capture goes and which captures a listing means, as plain values.

Kept apart from `storage.purchases` (which needs SQLAlchemy) so that the tray app can
name them without loading the database layer (ADR 012), and so that `ACTIVE` keeps its
identity when it is sent to the storage helper process (`storage.helper`).
"""

from __future__ import annotations

from typing import Final, TypeAlias


class _Active:
    def __repr__(self) -> str:
        return "ACTIVE"

    def __reduce__(self) -> str:
        # Unpickled as this module's ACTIVE, so `isinstance`/`is` checks hold after a pipe.
        return "ACTIVE"


#: Pass as `purchase_id` to file a capture under the active purchase (or the Inbox).
ACTIVE: Final = _Active()
#: Where a new capture goes: a purchase id, None for the Inbox, or ACTIVE.
PurchaseTarget: TypeAlias = int | None | _Active
#: Pass as `purchase_id` to a listing or search to mean "captures in the Inbox".
INBOX: Final = -1
