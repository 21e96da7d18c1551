"""Entity extraction from OCR text: phone numbers, WeChat IDs, order numbers, amounts,
URLs, e-mail addresses and dates.

The results are offered to the user as one-click suggestions for a purchase's merchant
fields, never filled in silently, so the patterns favour precision but accept the usual
OCR spacing (tesseract puts spaces between CJK characters and around punctuation).
`extract_entities` never raises.

An order page lists every line price before the total (¥91.00 for one item, 实付款
¥2079.99 for the order), so an amount right after a total's label (实付, 合计, Total...)
is marked with how sure that label makes it the amount paid (`Entity.total`); such an
amount is found even without a currency sign ("实付 6326.00" on a till receipt).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Entity:
    kind: str  # "phone" | "wechat_id" | "order_no" | "amount" | "url" | "email" | "date"
    value: str  # normalised value
    raw: str  # as it appeared in the text
    currency: str | None = None
    # For amounts: 0 when no total's label is right before it; 3 for the amount paid
    # (实付款, 价税合计 (小写), Amount paid), 2 for a total (合计, 应付, Total), 1 for a
    # total before discounts (商品总价).
    total: int = 0
    start: int = field(default=-1, compare=False)  # where it starts in the text


# ---------------------------------------------------------------------------- patterns

_SEP = r"[ \t\-\u2010-\u2015]"

_PHONE = re.compile(
    rf"(?<![0-9A-Za-z+])(?:(?:\+|00)\s?86{_SEP}?|\(\+?86\)\s?)?"
    rf"(1[3-9]\d){_SEP}?(\d{{4}}){_SEP}?(\d{{4}})(?!\d)"
)

_WX_ID = r"([A-Za-z][A-Za-z0-9_-]{5,19})(?![A-Za-z0-9_-])"
_WECHAT = re.compile(
    # CJK labels may run straight into the ID ("加我微信abc123").
    r"(?:微信号|微信|威信|薇信|V信|v信)\s*(?:号|ID|id)?\s*[:：]?\s*"
    + _WX_ID
    # Latin labels need a colon or a space before the ID.
    + r"|(?<![A-Za-z0-9])(?:WeChat|wechat|WECHAT|weixin|Weixin|wx|WX|Wx|vx|VX|Vx)\s*(?:ID|id|Id)?"
    r"\s*(?:[:：]\s*|\s+)" + _WX_ID
)
_WXID_BARE = re.compile(r"(?<![A-Za-z0-9_])(wxid_[A-Za-z0-9]{4,20})(?![A-Za-z0-9_-])")

_ORDER_LABELED = re.compile(
    r"(?:订单编号|订单号码|订单号|运单号|快递单号|物流单号|单号|"
    r"(?<![A-Za-z])(?:Order|ORDER|order)\s*(?:No\.?|NO\.?|no\.?|Number|number|NUMBER|ID|Id|id|#)?)"
    r"\s*[:：#]?\s*([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){5,39})(?![A-Za-z0-9])"
)
_LONG_DIGITS = re.compile(r"(?<![\d+])\d{12,40}(?!\d)")

_NUM = r"(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)"
_AMOUNT_PREFIX = re.compile(r"(-|−)?\s?(¥|￥|\$|US\$|RMB|CNY|USD)\s?(-)?\s?" + _NUM + r"(?![\d.]\d)")
# OCR often reads "¥" as "Y": accepted only right before a price with two decimals.
_AMOUNT_OCR_YEN = re.compile(r"(?<![A-Za-z0-9])(-)?Y\s?(\d{1,3}(?:,\d{3})+\.\d{2}|\d+\.\d{2})(?![\d.])")
_AMOUNT_SUFFIX = re.compile(r"(?<![\d.,])" + _NUM + r"\s?(元|块|RMB|CNY|USD|美元)")


def _spaced(word: str) -> str:
    """`word` with the space OCR may put between CJK characters ("合 计")."""
    return r"\s?".join(re.escape(ch) for ch in word)


# Labels of a total, by how sure they make the amount after them the amount paid.
_TOTAL_LABELS = {
    3: ("实付款", "实付金额", "实付", "实收", "实际支付", "付款金额", "支付金额", "已付款", "小写"),
    2: ("应付金额", "应付款", "应付", "订单总额", "订单金额", "总金额", "合计", "总计", "共计", "总额"),
    1: ("商品总价", "商品总额", "总价"),
}
_TOTAL_LABELS_EN = {
    3: (r"amount\s+paid", r"total\s+paid", r"you\s+paid"),
    2: (r"grand\s+total", r"order\s+total", r"(?<![A-Za-z])total"),
}
# Between the label and the amount: the end of a bracket the label is in ("（小写）"), a
# colon, spaces (or one line break) and a short remark in brackets ("合计(含运费)：").
_TOTAL_GAP = r"[）)]?[\s:：]{0,4}(?:[（(][^）)\n]{0,12}[）)][\s:：]{0,4})?"
_TOTAL_BEFORE = {
    rank: re.compile(
        "(?:"
        + "|".join(
            [
                *(_spaced(w) for w in sorted(_TOTAL_LABELS[rank], key=len, reverse=True)),
                *_TOTAL_LABELS_EN.get(rank, ()),
            ]
        )
        + ")"
        + _TOTAL_GAP
        + r"$",
        re.IGNORECASE,
    )
    for rank in sorted(_TOTAL_LABELS, reverse=True)
}
_TOTAL_ANY = "|".join(
    [
        *(_spaced(w) for rank in _TOTAL_LABELS for w in sorted(_TOTAL_LABELS[rank], key=len, reverse=True)),
        *(p for pats in _TOTAL_LABELS_EN.values() for p in pats),
    ]
)
# A total written without a currency sign: only right after its label, with two decimals.
_TOTAL_BARE = re.compile(
    "(?:" + _TOTAL_ANY + ")" + _TOTAL_GAP + r"(\d{1,3}(?:,\d{3})+\.\d{2}|\d+\.\d{2})(?![\d.])",
    re.IGNORECASE,
)
_TOTAL_WINDOW = 40

_URL = re.compile(r"(?:(?:https?|ftp)://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", re.IGNORECASE)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}"
)

_DATE_FULL = re.compile(
    r"(?<!\d)(\d{4})\s?(?:([-/.])\s?(\d{1,2})\s?\2\s?(\d{1,2})(?!\d)|年\s?(\d{1,2})\s?月\s?(\d{1,2})\s?[日号])"
)
_DATE_MD = re.compile(r"(?<!\d)(\d{1,2})\s?月\s?(\d{1,2})\s?[日号]")
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_DATE_EN = re.compile(
    r"(?<![A-Za-z])("
    + "|".join(sorted(_MONTHS, key=len, reverse=True))
    + r")\.?\s+(\d{1,2}),?\s+(\d{4})(?!\d)",
    re.IGNORECASE,
)

_CURRENCY = {
    "¥": "CNY",
    "￥": "CNY",
    "元": "CNY",
    "块": "CNY",
    "RMB": "CNY",
    "CNY": "CNY",
    "$": "USD",
    "US$": "USD",
    "USD": "USD",
    "美元": "USD",
}


# ---------------------------------------------------------------------------- helpers


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return _dt.date(year, month, day).isoformat()
    except (ValueError, OverflowError):
        return None


def _amount_value(num: str, negative: bool) -> str | None:
    try:
        value = float(num.replace(",", ""))
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    text = f"{value:.2f}"
    return f"-{text}" if negative and value != 0 else text


def _total_rank(text: str, start: int) -> int:
    """How sure the label just before `start` makes the amount there the one paid (0: no label)."""
    before = text[max(0, start - _TOTAL_WINDOW) : start]
    for rank, pattern in _TOTAL_BEFORE.items():
        if pattern.search(before):
            return rank
    return 0


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in taken)


def _prepare(text: str) -> str:
    # Full-width digits, letters and colons are common in Chinese UI text; NFKC them
    # character by character so that positions stay aligned with the input.
    out = []
    for ch in text:
        if "\uff01" <= ch <= "\uff5e" and ch not in "￥：（）":
            folded = unicodedata.normalize("NFKC", ch)
            out.append(folded if len(folded) == 1 else ch)
        else:
            out.append(ch)
    return "".join(out)


# ---------------------------------------------------------------------------- extraction


def _find(text: str, original: str) -> list[tuple[int, Entity]]:
    found: list[tuple[int, Entity]] = []

    def raw_of(a: int, b: int) -> str:
        return original[a:b].strip()

    taken: list[tuple[int, int]] = []  # spans claimed by URLs, e-mails, phones, dates

    for m in _URL.finditer(text):
        raw = m.group(0).rstrip(".,;:!?)]}'\"")
        if len(raw) < 8:
            continue
        found.append((m.start(), Entity("url", raw, raw_of(m.start(), m.start() + len(raw)))))
        taken.append((m.start(), m.start() + len(raw)))

    for m in _EMAIL.finditer(text):
        if _overlaps(m.span(), taken):
            continue
        raw = m.group(0)
        found.append((m.start(), Entity("email", raw.lower(), raw_of(*m.span()))))
        taken.append(m.span())

    for m in _PHONE.finditer(text):
        if _overlaps(m.span(), taken):
            continue
        value = m.group(1) + m.group(2) + m.group(3)
        found.append((m.start(), Entity("phone", value, raw_of(*m.span()))))
        taken.append(m.span())

    for m in _DATE_FULL.finditer(text):
        if _overlaps(m.span(), taken):
            continue
        year = int(m.group(1))
        month_s = m.group(3) or m.group(5)
        day_s = m.group(4) or m.group(6)
        if month_s is None or day_s is None:
            continue
        iso = _iso(year, int(month_s), int(day_s)) if 1900 <= year <= 2200 else None
        taken.append(m.span())
        if iso is None:
            continue
        found.append((m.start(), Entity("date", iso, raw_of(*m.span()))))
    for m in _DATE_EN.finditer(text):
        if _overlaps(m.span(), taken):
            continue
        iso = _iso(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
        if iso is not None:
            found.append((m.start(), Entity("date", iso, raw_of(*m.span()))))
            taken.append(m.span())
    for m in _DATE_MD.finditer(text):
        if _overlaps(m.span(), taken):
            continue
        month, day = int(m.group(1)), int(m.group(2))
        if _iso(2000, month, day) is not None:  # a leap year: 2月29日 is a date
            raw = m.group(0)
            found.append((m.start(), Entity("date", re.sub(r"\s", "", raw), raw_of(*m.span()))))
            taken.append(m.span())

    for m in _WECHAT.finditer(text):
        ident = m.group(1) or m.group(2)
        start = m.start(1) if m.group(1) else m.start(2)
        if ident and not _overlaps((start, start + len(ident)), taken):
            found.append((start, Entity("wechat_id", ident, raw_of(start, start + len(ident)))))
            taken.append((start, start + len(ident)))
    for m in _WXID_BARE.finditer(text):
        if not _overlaps(m.span(1), taken):
            found.append((m.start(1), Entity("wechat_id", m.group(1), raw_of(*m.span(1)))))
            taken.append(m.span(1))

    amount_spans: list[tuple[int, int]] = []
    for m in _AMOUNT_PREFIX.finditer(text):
        if _overlaps(m.span(4), taken):
            continue
        value = _amount_value(m.group(4), bool(m.group(1) or m.group(3)))
        if value is not None:
            rank = _total_rank(text, m.start())
            entity = Entity("amount", value, raw_of(*m.span()), _CURRENCY.get(m.group(2)), rank)
            found.append((m.start(), entity))
            amount_spans.append(m.span())
    for m in _AMOUNT_OCR_YEN.finditer(text):
        if _overlaps(m.span(), taken) or _overlaps(m.span(), amount_spans):
            continue
        value = _amount_value(m.group(2), bool(m.group(1)))
        if value is not None:
            rank = _total_rank(text, m.start())
            found.append((m.start(), Entity("amount", value, raw_of(*m.span()), "CNY", rank)))
            amount_spans.append(m.span())
    for m in _AMOUNT_SUFFIX.finditer(text):
        if _overlaps(m.span(), taken) or _overlaps(m.span(), amount_spans):
            continue
        value = _amount_value(m.group(1), False)
        if value is not None:
            rank = _total_rank(text, m.start())
            entity = Entity("amount", value, raw_of(*m.span()), _CURRENCY.get(m.group(2)), rank)
            found.append((m.start(), entity))
            amount_spans.append(m.span())
    for m in _TOTAL_BARE.finditer(text):
        span = m.span(1)
        if _overlaps(span, taken) or _overlaps(span, amount_spans):
            continue
        value = _amount_value(m.group(1), False)
        if value is not None:
            found.append((span[0], Entity("amount", value, raw_of(*span), None, _total_rank(text, span[0]))))
            amount_spans.append(span)

    order_spans: list[tuple[int, int]] = []
    for m in _ORDER_LABELED.finditer(text):
        span = m.span(1)
        if _overlaps(span, taken):
            continue
        ident = m.group(1)
        if not any(c.isdigit() for c in ident):
            continue
        found.append((span[0], Entity("order_no", ident, raw_of(*span))))
        order_spans.append(span)
    for m in _LONG_DIGITS.finditer(text):
        if _overlaps(m.span(), taken) or _overlaps(m.span(), order_spans):
            continue
        found.append((m.start(), Entity("order_no", m.group(0), raw_of(*m.span()))))
    return found


def extract_entities(text: str) -> list[Entity]:
    """Entities found in `text`, de-duplicated by (kind, value), in order of first
    appearance; an amount seen more than once keeps the surest `total` of its copies."""
    if not isinstance(text, str) or not text:
        return []
    try:
        prepared = _prepare(text)
        found = _find(prepared, text)
    except Exception:  # noqa: BLE001 - suggestions must never break a capture
        return []
    found.sort(key=lambda item: item[0])
    seen: dict[tuple[str, str], int] = {}
    out: list[Entity] = []
    for start, entity in found:
        key = (entity.kind, entity.value)
        if key in seen:
            kept = out[seen[key]]
            if entity.total > kept.total:
                out[seen[key]] = replace(kept, total=entity.total)
            continue
        seen[key] = len(out)
        # A match may begin with the space before what it found (raw is stripped).
        at = text.find(entity.raw, start, start + len(entity.raw) + 8)
        out.append(replace(entity, start=at if at >= 0 else start))
    return out
