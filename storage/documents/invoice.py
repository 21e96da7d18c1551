"""Invoice facts (number, date, seller, buyer, total) from e-invoice XML or invoice text.

Nothing is guessed: a field that is not clearly found is None. Tax ids are kept only when
they are valid unified social credit codes (GB 32100-2015, check character verified).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import Element

from ..errors import BadDocument
from ..values import CREDIT_CODE_ALPHABET, credit_code_problem

#: The facts an invoice states, in the order they are shown (reports, the preview).
FACT_FIELDS = (
    "invoice_number",
    "issued_on",
    "seller_name",
    "seller_tax_id",
    "buyer_name",
    "buyer_tax_id",
    "total",
)


@dataclass(frozen=True)
class InvoiceFacts:
    """What an invoice says about the purchase."""

    invoice_number: str | None = None
    issued_on: str | None = None  # YYYY-MM-DD
    seller_name: str | None = None
    seller_tax_id: str | None = None  # unified social credit code / 纳税人识别号
    buyer_name: str | None = None
    buyer_tax_id: str | None = None
    total: str | None = None  # total with tax, "128.00"
    currency: str = "CNY"
    source: str = ""  # "xml" | "ofd-xml" | "ofd-text" | "pdf-text" | "email-text"

    @property
    def empty(self) -> bool:
        return all(getattr(self, f) is None for f in FACT_FIELDS)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Any) -> InvoiceFacts | None:
        """The facts from a stored dict; None for None or anything that is not one."""
        if not isinstance(d, dict):
            return None
        kept: dict[str, Any] = {}
        for key in (*FACT_FIELDS, "currency", "source"):
            value = d.get(key)
            if isinstance(value, str):
                kept[key] = value
        facts = cls(**kept)
        return None if facts.empty else facts


# ------------------------------------------------------------------ values


_CREDIT_RE = re.compile(f"[{CREDIT_CODE_ALPHABET}]{{18}}")


def clean_tax_id(value: str | None) -> str | None:
    """A valid unified social credit code from `value` (spaces removed, upper case), or None."""
    if not value:
        return None
    code = re.sub(r"\s+", "", value).upper()
    if len(code) != 18 or credit_code_problem(code) is not None:
        return None
    return code


def clean_date(value: str | None) -> str | None:
    """YYYY-MM-DD from "2026-11-20 10:21:35", "2026-11-20T...", "20261120", "2026年11月20日"."""
    if not value:
        return None
    text = value.strip()
    m = re.match(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})(?:\d{6})?", text
    )
    if m is None:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def clean_amount(value: str | None) -> str | None:
    """A non-negative amount with two decimals ("¥1,280.5" -> "1280.50"), or None."""
    if not value:
        return None
    text = re.sub(r"[\s,¥￥]|CNY|RMB|元", "", value.strip())
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return f"{amount.quantize(Decimal('0.01'))}"


def clean_name(value: str | None) -> str | None:
    if not value:
        return None
    text = " ".join(value.split()).strip(" :：")
    return text[:200] or None


def clean_number(value: str | None) -> str | None:
    if not value:
        return None
    text = re.sub(r"\s+", "", value)
    return text if re.fullmatch(r"[0-9A-Za-z-]{6,40}", text) else None


# ------------------------------------------------------------------ XML

# Element names (lower case, no namespace) of each field, in order of preference: the 数电票
# XML (EInvoice), the OFD invoice's custom tags (eInvoice), and the older 增值税电子发票 XML.
_XML_NAMES: dict[str, tuple[str, ...]] = {
    "invoice_number": ("invoicenumber", "eiid", "invoiceno", "fphm", "fp_hm"),
    "issued_on": ("issuetime", "requesttime", "issuedate", "invoicedate", "kprq"),
    "seller_name": ("sellername", "xsfmc", "xfmc", "salername"),
    "seller_tax_id": ("selleridnum", "sellertaxid", "sellertaxno", "xsfnsrsbh", "xfsbh", "salertaxno"),
    "buyer_name": ("buyername", "gmfmc", "gfmc"),
    "buyer_tax_id": ("buyeridnum", "buyertaxid", "buyertaxno", "gmfnsrsbh", "gfsbh"),
    "total": ("totaltax-includedamount", "taxinclusivetotalamount", "jshj", "totalamountwithtax"),
}
_CLEANERS = {
    "invoice_number": clean_number,
    "issued_on": clean_date,
    "seller_name": clean_name,
    "seller_tax_id": clean_tax_id,
    "buyer_name": clean_name,
    "buyer_tax_id": clean_tax_id,
    "total": clean_amount,
}


def _local(tag: object) -> str:
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def facts_from_root(root: Element, source: str) -> InvoiceFacts | None:
    """The facts in a parsed XML tree, or None when it holds none."""
    texts: dict[str, str] = {}
    for element in root.iter():
        name = _local(element.tag)
        value = (element.text or "").strip()
        if value and name not in texts:
            texts[name] = value
    found: dict[str, str] = {}
    for field_name, names in _XML_NAMES.items():
        for name in names:
            cleaned = _CLEANERS[field_name](texts.get(name))
            if cleaned is not None:
                found[field_name] = cleaned
                break
    if not found:
        return None
    return InvoiceFacts(**found, source=source)


def facts_from_xml(data: bytes, source: str = "xml") -> InvoiceFacts | None:
    """The facts of an e-invoice XML; None when it is not one or cannot be read safely."""
    from .xmldoc import parse_xml

    try:
        root = parse_xml(data)
    except BadDocument:
        return None
    return facts_from_root(root, source)


# ------------------------------------------------------------------ text

_SEP = r"[\s:：]*"
_NUMBER_RE = re.compile(r"发\s*票\s*号\s*码" + _SEP + r"(?<!\d)(\d{20}|\d{12}|\d{8})(?!\d)")
_NUMBER_EN_RE = re.compile(
    r"Invoice\s*(?:No\.?|Number|#)\s*[:：#]?\s*([A-Z0-9][A-Z0-9-]{3,39})(?![A-Za-z0-9-])", re.IGNORECASE
)
_DATE_RE = re.compile(
    r"开\s*票\s*日\s*期" + _SEP + r"(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2})"
)
_DATE_EN_RE = re.compile(r"(?:Invoice|Issue)\s*Date\s*[:：]?\s*(\d{4}-\d{2}-\d{2})", re.IGNORECASE)
_NAME_RE = re.compile(
    r"名\s*称"
    + r"[ \t]*[:：][ \t]*"
    + r"([^\n\t:：]+?)(?=[ \t]{2,}|\t|\n|\s*名\s*称|\s*统一社会|\s*纳税人|\s*地\s*址|\s*(?:销\s*售|购\s*买)\s*方|$)"
)
_TAX_ID_RE = re.compile(
    r"(?:统一社会信用代码\s*/\s*纳税人识别号|纳税人识别号|统一社会信用代码)"
    + _SEP
    + r"([0-9A-Z]{18})(?![0-9A-Z])"
)
_TOTAL_RE = re.compile(
    r"价\s*税\s*合\s*计[\s\S]{0,80}?[(（]\s*小\s*写\s*[)）]" + _SEP + r"[¥￥]?\s*([\d,]+\.\d{2})(?!\d)"
)
_TOTAL_EN_RE = re.compile(
    r"Total\s*(?:\(incl\.?\s*tax\)|amount|with\s*tax|due)?\s*[:：]?\s*(?:CNY|RMB|¥|￥)\s*([\d,]+\.\d{2})(?!\d)",
    re.IGNORECASE,
)
_BUYER_RE = re.compile(r"购\s*买\s*方|购\s*方|买\s*方")
_SELLER_RE = re.compile(r"销\s*售\s*方|销\s*方|卖\s*方")


def _one(matches: list[str]) -> str | None:
    """The value when every match agrees, else None (never a guess between two)."""
    values = set(matches)
    return matches[0] if len(values) == 1 else None


def _party_values(text: str, pattern: re.Pattern[str], clean: Any) -> tuple[str | None, str | None]:
    """(buyer, seller) values of `pattern` in text: the buyer's block comes first on every
    Chinese invoice layout (stacked or side by side); with one value, the nearest preceding
    party label decides."""
    found = [(m.start(), clean(m.group(1))) for m in pattern.finditer(text)]
    found = [(pos, value) for pos, value in found if value is not None]
    if len(found) == 2:
        return found[0][1], found[1][1]
    if len(found) == 1:
        pos, value = found[0]
        buyers = [m.start() for m in _BUYER_RE.finditer(text, 0, pos)]
        sellers = [m.start() for m in _SELLER_RE.finditer(text, 0, pos)]
        last_buyer = buyers[-1] if buyers else -1
        last_seller = sellers[-1] if sellers else -1
        if last_buyer > last_seller:
            return value, None
        if last_seller > last_buyer:
            return None, value
    return None, None


def facts_from_text(text: str, source: str) -> InvoiceFacts | None:
    """The facts in the text of an invoice (PDF/OFD text layer, OCR, an e-mail); None when
    none is clearly there."""
    if not text:
        return None
    number = _one([m.group(1) for m in _NUMBER_RE.finditer(text)])
    if number is None:
        number = _one([v for m in _NUMBER_EN_RE.finditer(text) if (v := clean_number(m.group(1)))])
    issued = _one([d for m in _DATE_RE.finditer(text) if (d := clean_date(m.group(1)))])
    if issued is None:
        issued = _one([d for m in _DATE_EN_RE.finditer(text) if (d := clean_date(m.group(1)))])
    total = _one([a for m in _TOTAL_RE.finditer(text) if (a := clean_amount(m.group(1)))])
    if total is None:
        total = _one([a for m in _TOTAL_EN_RE.finditer(text) if (a := clean_amount(m.group(1)))])
    buyer_name, seller_name = _party_values(text, _NAME_RE, clean_name)
    buyer_id, seller_id = _party_values(text, _TAX_ID_RE, clean_tax_id)
    facts = InvoiceFacts(
        invoice_number=number,
        issued_on=issued,
        seller_name=seller_name,
        seller_tax_id=seller_id,
        buyer_name=buyer_name,
        buyer_tax_id=buyer_id,
        total=total,
        source=source,
    )
    return None if facts.empty else facts
