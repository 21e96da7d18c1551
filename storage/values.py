"""Parsing and cleaning of values typed by users (amounts, dates, names)."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from .errors import InvalidInput
from .records import PLATFORMS, PURCHASE_STATUSES

MAX_FIELD_CHARS = 2000
MAX_NOTE_CHARS = 20000

PLATFORM_ALIASES = {
    "微信": "wechat",
    "weixin": "wechat",
    "wx": "wechat",
    "qq": "qq",
    "淘宝": "taobao",
    "天猫": "taobao",
    "tmall": "taobao",
    "京东": "jd",
    "jingdong": "jd",
    "拼多多": "pinduoduo",
    "pdd": "pinduoduo",
    "闲鱼": "xianyu",
    "goofish": "xianyu",
    "抖音": "douyin",
    "tiktok": "douyin",
    "web": "webshop",
    "web shop": "webshop",
    "网店": "webshop",
    "其他": "other",
}
STATUS_ALIASES = {
    "进行中": "open",
    "争议": "disputed",
    "纠纷": "disputed",
    "已解决": "resolved",
    "已关闭": "closed",
}


def now_utc() -> str:
    return iso_utc(datetime.now(UTC))


def iso_utc(dt: datetime) -> str:
    """Fixed-width ISO 8601 in UTC with microseconds, so strings sort by time."""
    if dt.tzinfo is None:
        dt = dt.astimezone()
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso_utc(s: str) -> datetime:
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def local_offset_minutes(at: datetime | None = None) -> int:
    off = (at or datetime.now()).astimezone().utcoffset() or timedelta(0)
    return int(off.total_seconds() // 60)


def clean_text(
    value: str | None, *, field: str, multiline: bool = False, limit: int = MAX_FIELD_CHARS
) -> str | None:
    """Strip control characters and surrounding space; empty becomes None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be text")
    kept = []
    for ch in value:
        cat = unicodedata.category(ch)
        if ch in "\n\t" and multiline:
            kept.append(ch)
        elif cat in ("Cc", "Cs") or (cat == "Cf" and ch not in "\u200d"):
            continue
        else:
            kept.append(ch)
    out = "".join(kept).strip()
    if len(out) > limit:
        raise InvalidInput(f"{field} is too long ({len(out)} characters; at most {limit})")
    return out or None


def parse_amount(value: str | None) -> int | None:
    """'128', '128.5', '¥1,280.00', '128元' -> minor units (12800...)."""
    if value is None:
        return None
    s = unicodedata.normalize("NFKC", str(value)).strip()
    if not s:
        return None
    s = re.sub(r"^(?:¥|￥|RMB|CNY|\$|USD)\s*", "", s, flags=re.I)
    s = re.sub(r"\s*(?:元|RMB|CNY|USD)$", "", s, flags=re.I)
    s = s.replace(",", "").replace(" ", "")
    if not re.fullmatch(r"\d{1,12}(?:\.\d{1,2})?", s):
        raise InvalidInput(f"'{value}' is not an amount; write it like 128 or 128.50")
    try:
        minor = int((Decimal(s) * 100).to_integral_exact())
    except InvalidOperation:
        raise InvalidInput(f"'{value}' is not an amount; write it like 128 or 128.50") from None
    return minor


def parse_currency(value: str | None) -> str:
    s = (value or "CNY").strip().upper()
    if s in ("RMB", "元", "¥", "￥"):
        s = "CNY"
    if not re.fullmatch(r"[A-Z]{3}", s):
        raise InvalidInput(f"'{value}' is not a currency code; use three letters such as CNY, USD or HKD")
    return s


def parse_status(value: str | None) -> str:
    s = (value or "open").strip()
    s = STATUS_ALIASES.get(s, s.lower())
    if s not in PURCHASE_STATUSES:
        raise InvalidInput(f"'{value}' is not a purchase status; use one of {', '.join(PURCHASE_STATUSES)}")
    return s


def parse_platform(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    s = value.strip().lower()
    s = PLATFORM_ALIASES.get(s, s).replace(" ", "")
    if s not in PLATFORMS:
        raise InvalidInput(f"'{value}' is not a known platform; use one of {', '.join(PLATFORMS)}")
    return s


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


def parse_user_date(value: str | None, *, field: str = "date") -> str | None:
    """A date or date-time the user typed -> 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM'."""
    if value is None or not str(value).strip():
        return None
    s = unicodedata.normalize("NFKC", str(value)).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(s, fmt).date().isoformat()
        except ValueError:
            pass
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.strptime(s, fmt).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            pass
    raise InvalidInput(f"{field} '{value}' is not a date; write it like 2026-10-27 or 2026-10-27 14:30")


def local_day_bound_utc(value: str, *, end: bool, field: str) -> str:
    """The start (or end) of the local day or minute the user named, as a UTC string."""
    parsed = parse_user_date(value, field=field)
    assert parsed is not None
    if len(parsed) == 10:
        d = date.fromisoformat(parsed)
        local = datetime.combine(d, time.max if end else time.min)
    else:
        local = datetime.strptime(parsed, "%Y-%m-%d %H:%M")
        if end:
            local = local.replace(second=59, microsecond=999999)
    return iso_utc(local.astimezone())
