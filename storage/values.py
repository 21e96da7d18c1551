"""Parsing and cleaning of values typed by users (amounts, dates, names)."""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from .errors import InvalidInput
from .records import PLATFORMS, PURCHASE_STATUSES
from .vocabulary import Platform, PurchaseStatus

MAX_FIELD_CHARS = 2000
MAX_NOTE_CHARS = 20000

PLATFORM_ALIASES: dict[str, Platform] = {
    "微信": Platform.WECHAT,
    "weixin": Platform.WECHAT,
    "wx": Platform.WECHAT,
    "qq": Platform.QQ,
    "淘宝": Platform.TAOBAO,
    "天猫": Platform.TAOBAO,
    "tmall": Platform.TAOBAO,
    "京东": Platform.JD,
    "jingdong": Platform.JD,
    "拼多多": Platform.PINDUODUO,
    "pdd": Platform.PINDUODUO,
    "闲鱼": Platform.XIANYU,
    "goofish": Platform.XIANYU,
    "抖音": Platform.DOUYIN,
    "tiktok": Platform.DOUYIN,
    "web": Platform.WEBSHOP,
    "web shop": Platform.WEBSHOP,
    "网店": Platform.WEBSHOP,
    "其他": Platform.OTHER,
}
STATUS_ALIASES: dict[str, PurchaseStatus] = {
    "进行中": PurchaseStatus.OPEN,
    "争议": PurchaseStatus.DISPUTED,
    "纠纷": PurchaseStatus.DISPUTED,
    "已解决": PurchaseStatus.RESOLVED,
    "已关闭": PurchaseStatus.CLOSED,
}


def now_utc() -> str:
    return iso_utc(datetime.now(UTC))


def file_modified_utc(path: os.PathLike[str] | str) -> str | None:
    """An imported file's own modification time (what its file system says, which any
    program can change), in UTC; None when it cannot be read."""
    try:
        return iso_utc(datetime.fromtimestamp(os.stat(path).st_mtime, UTC))
    except (OSError, ValueError, OverflowError):
        return None


def utc_offset_text(minutes: int) -> str:
    """An offset from UTC as the evidence format writes it: `+08:00` for 480, `-03:30` for -210."""
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def utc_offset_label(minutes: int) -> str:
    """The same as people read it, in every language and window: `UTC+08:00`."""
    return "UTC" + utc_offset_text(minutes)


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
    s = (value or PurchaseStatus.OPEN).strip()
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


# ---------------------------------------------------------------------------- seller identity
#
# Checked here, in plain Python, so that the purchase editor and the command line refuse
# the same values. Each check has a `*_problem` function that names what is wrong (the
# editor words it in the user's language) and a `parse_*` function that raises
# InvalidInput with an English message (what the command line prints).

#: How several phone numbers of one seller are kept in the one phone field.
PHONE_SEPARATOR = " / "
_PHONE_SPLIT = re.compile(r"\s*[/;；,，、|]\s*")
# An extension after a landline: "转 123", "ext. 123", "x123", "分机123", "#123".
_PHONE_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*\d{1,6}$", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"[\d\s\-.()（）+\u2010-\u2015]+")
_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area code (010, 02x or a three-digit one) and a local number of 7 or 8 digits.
_LANDLINE = re.compile(r"0(?:10|2\d|[3-9]\d{2})[1-9]\d{6,7}")
_LANDLINE_FROM_ABROAD = re.compile(r"(?:10|2\d|[3-9]\d{2})[1-9]\d{6,7}")
# Nationwide business numbers (400 / 800), as many sellers print them.
_BUSINESS = re.compile(r"[48]00\d{7}")


def split_phones(value: str | None) -> list[str]:
    """The numbers in a phone field ("138 0013 8000 / 010-1234 5678" -> two)."""
    if not value:
        return []
    return [part for part in _PHONE_SPLIT.split(value.strip()) if part]


def phone_digits(number: str) -> str | None:
    """The digits that identify one phone number (a mainland number without +86 and
    without an extension; others with their country code), or None when `number` is
    not a phone number."""
    s = unicodedata.normalize("NFKC", number).strip()
    s = _PHONE_EXTENSION.sub("", s)
    if not s or not _PHONE_CHARS.fullmatch(s) or s.count("+") > 1:
        return None
    abroad = s.lstrip("(（ ").startswith("+")
    if "+" in s and not abroad:
        return None
    digits = re.sub(r"\D", "", s)
    if not abroad and digits.startswith("00"):
        abroad, digits = True, digits[2:]
    if abroad:
        if digits.startswith("86"):
            national = digits[2:]
            if _MOBILE.fullmatch(national) or _BUSINESS.fullmatch(national):
                return national
            if _LANDLINE_FROM_ABROAD.fullmatch(national):
                return "0" + national
            return None
        # E.164: a country code (never starting with 0) and at most 15 digits in all.
        return "+" + digits if 8 <= len(digits) <= 15 and digits[0] != "0" else None
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits) or _BUSINESS.fullmatch(digits):
        return digits
    return None


def phone_problem(value: str | None) -> str | None:
    """The first number in a phone field that is not a phone number, or None when
    every one is (an empty field is fine)."""
    for part in split_phones(value):
        if phone_digits(part) is None:
            return part
    return None


def parse_phone(value: str | None, *, field: str = "phone") -> str | None:
    """A phone field as typed, checked: mainland mobiles (1[3-9] and 9 more digits, with
    or without +86, spaces or dashes), landlines with their area code, 400/800 numbers
    and numbers from abroad written with + or 00. Several numbers are kept joined with
    PHONE_SEPARATOR."""
    clean = clean_text(value, field=field)
    if clean is None:
        return None
    bad = phone_problem(clean)
    if bad is not None:
        raise InvalidInput(
            f"{field} '{bad}' is not a phone number; write a mobile like 138 0013 8000, a landline "
            "with its area code like 010-1234 5678, or a number from abroad starting with +"
        )
    return PHONE_SEPARATOR.join(split_phones(clean))


def add_phone(current: str | None, number: str) -> str:
    """`current` phone field with `number` added as one more number (unless already there)."""
    numbers = split_phones(current)
    wanted = phone_digits(number) or number
    if any((phone_digits(n) or n) == wanted for n in numbers):
        return PHONE_SEPARATOR.join(numbers)
    return PHONE_SEPARATOR.join([*numbers, number.strip()])


# WeChat's rule for a WeChat ID: 6-20 characters, letters, digits, _ and -, starting
# with a letter. IDs WeChat gave out itself look like wxid_ and up to 32 more.
_WECHAT_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{5,19}|wxid_[A-Za-z0-9_]{4,32}")


def is_wechat_id(value: str) -> bool:
    return bool(_WECHAT_ID.fullmatch(value.strip()))


def parse_wechat_id(value: str | None, *, field: str = "WeChat ID") -> str | None:
    clean = clean_text(value, field=field)
    if clean is not None and not is_wechat_id(clean):
        raise InvalidInput(
            f"{field} '{clean}' is not a WeChat ID; a WeChat ID has 6 to 20 letters, digits, _ or -, "
            "and starts with a letter"
        )
    return clean


# The unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from
# this alphabet (no I, O, S, V, Z); the 18th is a check character over the first 17,
# weighted 3^i mod 31.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def credit_code_check_character(first17: str) -> str:
    """The check character (the 18th) of a credit code whose first 17 characters are given."""
    if len(first17) != 17 or any(ch not in CREDIT_CODE_ALPHABET for ch in first17):
        raise ValueError("need the first 17 characters of a credit code")
    total = sum(
        CREDIT_CODE_ALPHABET.index(ch) * w for ch, w in zip(first17, _CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    """Full-width folded, capitals, spaces and dashes dropped."""
    s = unicodedata.normalize("NFKC", value).upper()
    return re.sub(r"[\s\-\u2010-\u2015]", "", s)


def credit_code_problem(value: str | None) -> str | None:
    """None for a valid code (or an empty field); else "length", "characters" or
    "check" (the last character does not match the first 17)."""
    if value is None or not value.strip():
        return None
    code = normalize_credit_code(value)
    if len(code) != 18:
        return "length"
    if any(ch not in CREDIT_CODE_ALPHABET for ch in code):
        return "characters"
    if credit_code_check_character(code[:17]) != code[17]:
        return "check"
    return None


def parse_credit_code(value: str | None, *, field: str = "credit code") -> str | None:
    clean = clean_text(value, field=field)
    if clean is None:
        return None
    problem = credit_code_problem(clean)
    if problem == "length":
        raise InvalidInput(
            f"{field} '{clean}' is not a unified social credit code; it has 18 characters "
            f"(this has {len(normalize_credit_code(clean))})"
        )
    if problem == "characters":
        raise InvalidInput(
            f"{field} '{clean}' is not a unified social credit code; it has only digits and capital "
            "letters other than I, O, S, V and Z"
        )
    if problem == "check":
        raise InvalidInput(
            f"{field} '{clean}' is not a valid unified social credit code: its last character does "
            "not match the others; check it against the business licence"
        )
    return normalize_credit_code(clean)


def merge_notes(newer: str, mine: str) -> str:
    """Both notes, when one was typed in a window while the other was saved elsewhere: the
    newer one first, then the text typed, unless one already contains the other."""
    newer, mine = newer.strip(), mine.strip()
    if not newer or mine.startswith(newer) or newer == mine:
        return mine
    if not mine or newer.endswith(mine):
        return newer
    return f"{newer}\n\n{mine}"
