"""The fixed words the library stores: purchase statuses, OCR states, capture sources
and seller platforms.

Each is a `StrEnum`, so a member *is* its string: it compares equal to the text stored
in the database, hashes like it (dictionary lookups by either work), and `json.dumps`
(hence `custody.canonical_json`) writes it as the plain string. Using a member instead of
a bare literal therefore changes no stored value, no export and no custody hash; it only
lets a typo fail at import time instead of silently filing a capture under a status
that does not exist. Values already stored are never renamed: a new word is added, an
old one stays readable (reports show an unknown code as it was stored).

records.py keeps the tuples of plain strings (PURCHASE_STATUSES, ...) that other
packages import; they are derived from these enums.
"""

from __future__ import annotations

from enum import StrEnum


class PurchaseStatus(StrEnum):
    """Where a purchase's dispute stands. New purchases are `OPEN`."""

    OPEN = "open"
    DISPUTED = "disputed"
    RESOLVED = "resolved"
    CLOSED = "closed"


class OcrStatus(StrEnum):
    """Whether a capture's text has been read. `FAILED` is retried by `ocr --pending`
    and at the app's next start; `UNAVAILABLE` means no engine was installed."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    UNAVAILABLE = "unavailable"


class CaptureSource(StrEnum):
    """How a capture came in. `RECOVERED` is a blob adopted after a crash whose intent
    was unknown (an orphan found by a scan); a journalled capture keeps its own source.
    `LONG` is a long capture: its image is derived from frames kept with it (0004).
    `ATTACHMENT` is a file filed from an e-mail capture (0005)."""

    REGION = "region"
    FULLSCREEN = "fullscreen"
    IMPORT = "import"
    CLIPBOARD = "clipboard"
    RECOVERED = "recovered"
    #: A long (scrolling) capture: the long image stitched from frames kept with it.
    LONG = "long"
    #: A file found in an e-mail and filed as its own capture (`parent_id`: the e-mail; 0005).
    ATTACHMENT = "attachment"


class Platform(StrEnum):
    """Where a seller sells (values.parse_platform also accepts Chinese and other names)."""

    WECHAT = "wechat"
    QQ = "qq"
    TAOBAO = "taobao"
    JD = "jd"
    PINDUODUO = "pinduoduo"
    XIANYU = "xianyu"
    DOUYIN = "douyin"
    WEBSHOP = "webshop"
    OTHER = "other"
