"""Library-wide state kept in the `settings` table, read and written in the caller's
session (so a change to it commits, or not, with the rows it belongs to).

The keys are few and each has one owner: the custody log's head (custody_log), the
active purchase (purchases), the version the search index was built for (search) and
the user's own details (settings.OWN_DETAILS_KEY, kept by purchases). Anything else is
what callers store through `Library.set_setting`.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy.orm import Session

from .models import Setting

#: "count:hash" of the newest custody event (custody_log).
CUSTODY_HEAD: Final = "custody_head"
#: The id of the purchase new captures are filed under, absent for the Inbox.
ACTIVE_PURCHASE: Final = "active_purchase"
#: search.INDEX_VERSION of the index as built; a library whose value differs rebuilds it.
SEARCH_INDEX_VERSION: Final = "search_normalizer"


def get(s: Session, key: str) -> str | None:
    row = s.get(Setting, key)
    return row.value if row else None


def put(s: Session, key: str, value: str | None) -> None:
    """Set `key` to `value`; None removes it."""
    row = s.get(Setting, key)
    if value is None:
        if row is not None:
            s.delete(row)
    elif row is None:
        s.add(Setting(key=key, value=value))
    else:
        row.value = value
