"""E-mails (.eml) read with the standard library's email package.

Headers are decoded whatever the sender did (RFC 2047 words, GB2312/GBK declared but
GB18030 written, raw 8-bit UTF-8 or GB18030, broken bytes): a bad byte becomes U+FFFD,
never an exception. The text is the plain part, else the HTML part turned into text
(html_text: nothing fetched, remote images counted). Attachments are listed with their kind;
a part larger than MAX_EMAIL_PART_BYTES is listed without being decoded.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import email.policy
import hashlib
import quopri
import re
from dataclasses import dataclass
from datetime import UTC
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from ..errors import BadDocument
from .html_text import html_to_text

if TYPE_CHECKING:
    from . import DocInfo, DocText

MEDIA_TYPE = "message/rfc822"
_GB = {
    "gb2312",
    "gbk",
    "gb_2312",
    "gb_2312-80",
    "x-gbk",
    "cp936",
    "euc-cn",
    "x-euc-cn",
    "csgb2312",
    "gb18030",
}
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_HEADERS = ("from", "to", "cc", "date", "subject", "message_id")
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"BM")


@dataclass(frozen=True)
class EmailAttachment:
    name: str
    media_type: str
    #: The decoded bytes; None when the part is larger than MAX_EMAIL_PART_BYTES.
    data: bytes | None
    #: Decoded size in bytes (estimated from the encoded size when not decoded).
    size: int
    #: "image" | "pdf" | "ofd" | "xml" | "email" | None (a kind Proofshot does not file).
    kind: str | None


@dataclass(frozen=True)
class EmailDoc:
    #: from, to, cc, date, subject, message_id: decoded text ("" when absent).
    headers: dict[str, str]
    #: The plain part, else the HTML part as text.
    text: str
    attachments: tuple[EmailAttachment, ...]
    #: Remote images/stylesheets the HTML part asks for (never fetched).
    remote_content: int = 0


# ------------------------------------------------------------------ decoding


def _codec(charset: str | None) -> str | None:
    """A Python codec for a declared charset (GB2312/GBK read as GB18030), or None."""
    if not charset:
        return None
    name = charset.split("*", 1)[0].strip().strip('"').lower()
    if name in _GB:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except (LookupError, UnicodeError, ValueError):
        return None


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Text of `data` in its declared charset, else UTF-8, else GB18030; bad bytes replaced."""
    codec = _codec(charset)
    if codec is not None:
        return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _raw_text(value: str) -> str:
    """Undeclared text of a header: 8-bit bytes (kept by the parser as surrogates) read as
    UTF-8, else GB18030."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    return decode_bytes(value.encode("utf-8", errors="surrogateescape"))


def decode_header(value: str | None) -> str:
    """A header's text: RFC 2047 words decoded, folding undone, never an exception."""
    if not value:
        return ""
    text = re.sub(r"\r?\n[ \t]+", " ", str(value))
    out: list[str] = []
    pos = 0
    previous_was_word = False
    for m in _ENCODED_WORD.finditer(text):
        between = text[pos : m.start()]
        if not (previous_was_word and not between.strip()):
            out.append(_raw_text(between))
        charset, encoding, payload = m.group(1), m.group(2).lower(), m.group(3)
        try:
            if encoding == "b":
                raw = base64.b64decode(payload + "=" * (-len(payload) % 4))
            else:
                raw = quopri.decodestring(payload.replace("_", " ").encode("ascii", "replace"), header=True)
        except (binascii.Error, ValueError):
            out.append(m.group(0))
        else:
            out.append(decode_bytes(raw, charset or "utf-8"))
        pos = m.end()
        previous_was_word = True
    out.append(_raw_text(text[pos:]))
    return " ".join("".join(out).split())


def _raw_header(msg: Message, name: str) -> str | None:
    for key, value in msg.raw_items():
        if key.lower() == name:
            return str(value)
    return None


def _part_size(part: Message) -> int:
    """The decoded size of a leaf part, estimated from its encoded payload without decoding."""
    payload = part.get_payload(decode=False)
    if not isinstance(payload, str):
        return 0
    if part.get("content-transfer-encoding", "").strip().lower() == "base64":
        return len(re.sub(r"\s+", "", payload)) * 3 // 4
    return len(payload)


def _decoded(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except (ValueError, LookupError, TypeError):
        name = None
    if not name or "\ufffd" in name:
        # a name in raw 8-bit bytes (GBK from many Chinese mailers): read from the raw header
        raw = f"{_raw_header(part, 'content-disposition') or ''};{_raw_header(part, 'content-type') or ''}"
        m = re.search(r'(?<![\w*])(?:file)?name\s*=\s*(?:"([^"]*)"|([^;\s]+))', raw, re.IGNORECASE)
        found = decode_header(m.group(1) or m.group(2)) if m else ""
        if found and "\ufffd" not in found:
            name = found
    if not name:
        return None
    # a bare file name: no folders ("../../x.pdf" -> "x.pdf"), no control characters
    text = decode_header(name).replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if ch.isprintable()).strip()
    return text[:200] or None


def _max_part_bytes() -> int:
    from . import MAX_EMAIL_PART_BYTES

    return MAX_EMAIL_PART_BYTES


def _kind(data: bytes | None, media_type: str, name: str) -> str | None:
    from . import sniff

    if media_type == "message/rfc822":
        return "email"
    if data is None:
        by_type = {
            "application/pdf": "pdf",
            "application/ofd": "ofd",
            "application/xml": "xml",
            "text/xml": "xml",
        }
        suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
        by_suffix = {"pdf": "pdf", "ofd": "ofd", "xml": "xml", "eml": "email"}
        if media_type.startswith("image/") or suffix in ("png", "jpg", "jpeg", "webp", "bmp"):
            return "image"
        return by_type.get(media_type) or by_suffix.get(suffix)
    if data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return "image"
    try:
        return sniff(data, name)
    except Exception:  # a sniffing bug must not make an e-mail unreadable
        return None


# ------------------------------------------------------------------ reading


def _parse(data: bytes, name: str) -> EmailMessage:
    try:
        msg = BytesParser(policy=email.policy.default).parsebytes(data)
    except Exception as exc:  # the parser is lenient; anything raised means unreadable bytes
        raise BadDocument(f"{name} is not an e-mail Proofshot can read ({type(exc).__name__})") from None
    if not isinstance(msg, EmailMessage):
        raise BadDocument(f"{name} is not an e-mail Proofshot can read")
    if not any(_raw_header(msg, h) for h in ("from", "subject", "date")):
        raise BadDocument(f"{name} is not an e-mail: it has no From, Subject or Date header")
    payload = msg.get_payload()
    if not payload:
        raise BadDocument(f"{name} is not an e-mail: it has headers but no body")
    return msg


def _is_attachment(part: Message) -> bool:
    if part.get_content_type() == "message/rfc822":
        return True
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment":
        return True
    if part.is_multipart():
        return False
    named = _filename(part) is not None
    return named and (disposition == "inline" or part.get_content_maintype() != "text")


def _walk(part: Message, bodies: list[Message], attachments: list[Message]) -> None:
    """Leaf text parts (candidates for the body) and attachments, in order; a message/rfc822
    part is one attachment (its own parts are not looked into)."""
    if _is_attachment(part):
        attachments.append(part)
        return
    if part.is_multipart():
        payload = part.get_payload()
        if isinstance(payload, list):
            for sub in payload:
                if isinstance(sub, Message):
                    _walk(sub, bodies, attachments)
        return
    maintype = part.get_content_maintype()
    if maintype == "text":
        bodies.append(part)
    elif maintype == "image":
        return  # an unnamed inline picture of the HTML body (a logo): part of the e-mail only
    elif maintype != "multipart":
        attachments.append(part)


def _text_of(part: Message, limit: int) -> str:
    if _part_size(part) > limit:
        return ""
    return decode_bytes(_decoded(part), part.get_content_charset())


def _attachment(part: Message, index: int, limit: int) -> EmailAttachment:
    media_type = part.get_content_type()
    name = _filename(part)
    if media_type == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            data: bytes | None = inner[0].as_bytes(policy=email.policy.compat32)
            subject = decode_header(_raw_header(inner[0], "subject"))
        else:
            data = _decoded(part)
            subject = ""
        if name is None:
            safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", subject).strip()[:80]
            name = f"{safe or 'message'}.eml"
        size = len(data) if data is not None else 0
        if size > limit:
            data = None
        return EmailAttachment(name=name, media_type=media_type, data=data, size=size, kind="email")
    if name is None:
        extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(media_type, "bin")
        name = f"attachment-{index + 1}.{extension}"
    size = _part_size(part)
    if size > limit:
        return EmailAttachment(
            name=name, media_type=media_type, data=None, size=size, kind=_kind(None, media_type, name)
        )
    data = _decoded(part)
    return EmailAttachment(
        name=name, media_type=media_type, data=data, size=len(data), kind=_kind(data, media_type, name)
    )


def read_email(data: bytes, name: str = "the file", *, max_part_bytes: int | None = None) -> EmailDoc:
    """The headers, text and attachments of an e-mail. BadDocument when `data` is not one."""
    limit = _max_part_bytes() if max_part_bytes is None else max_part_bytes
    msg = _parse(data, name)
    try:
        return _read(msg, limit)
    except RecursionError:
        raise BadDocument(f"{name} is an e-mail nested too deeply to read") from None


def _read(msg: EmailMessage, limit: int) -> EmailDoc:
    headers = {h: decode_header(_raw_header(msg, h.replace("_", "-"))) for h in _HEADERS}
    bodies: list[Message] = []
    found: list[Message] = []
    _walk(msg, bodies, found)
    plain = [p for p in bodies if p.get_content_subtype() == "plain"]
    html = [p for p in bodies if p.get_content_subtype() == "html"]
    remote = 0
    if plain:
        text = "\n\n".join(t for p in plain if (t := _text_of(p, limit).strip()))
    elif html:
        parts = [html_to_text(_text_of(p, limit)) for p in html]
        text = "\n\n".join(p.text for p in parts if p.text)
        remote = sum(p.remote_content for p in parts)
    else:
        text = "\n\n".join(t for p in bodies if (t := _text_of(p, limit).strip()))
    if plain and html:  # the HTML alternative is not shown, but what it would fetch is counted
        remote = sum(html_to_text(_text_of(p, limit)).remote_content for p in html)
    text = text.replace("\r\n", "\n")
    attachments = tuple(_attachment(p, i, limit) for i, p in enumerate(found))
    return EmailDoc(headers=headers, text=text, attachments=attachments, remote_content=remote)


def _date_utc(value: str) -> str | None:
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return when.astimezone(UTC).isoformat()


def _attachment_info(a: EmailAttachment) -> dict[str, Any]:
    filed = a.kind is not None and a.data is not None
    reason = None
    if a.data is None:
        reason = (
            f"it is {a.size // (1024 * 1024)} MB, too large to file separately; it stays inside the e-mail"
        )
    elif a.kind is None:
        reason = f"{a.media_type} is not a kind of file Proofshot keeps; it stays inside the e-mail"
    return {
        "name": a.name,
        "media_type": a.media_type,
        "bytes": a.size,
        "sha256": hashlib.sha256(a.data).hexdigest() if a.data is not None else None,
        "kind": a.kind,
        "filed": filed,
        "reason": reason,
    }


def email_info(doc: EmailDoc) -> dict[str, Any]:
    """The JSON-safe details stored in captures.doc_info for an e-mail."""
    h = doc.headers
    return {
        "from": h["from"],
        "to": h["to"],
        "cc": h["cc"],
        "date": h["date"],
        "date_utc": _date_utc(h["date"]),
        "subject": h["subject"],
        "message_id": h["message_id"],
        "attachments": [_attachment_info(a) for a in doc.attachments],
        "remote_content": doc.remote_content,
    }


def probe(data: bytes, name: str = "the file") -> DocInfo:
    from . import DocInfo

    doc = read_email(data, name)
    return DocInfo(
        kind="email",
        media_type=MEDIA_TYPE,
        pages=0,
        width=0,
        height=0,
        title=doc.headers["subject"] or None,
        info=email_info(doc),
    )


def read_text(data: bytes, name: str = "the file") -> DocText:
    from . import DocText
    from .invoice import facts_from_text

    doc = read_email(data, name)
    labels = (("From", "from"), ("To", "to"), ("Cc", "cc"), ("Date", "date"), ("Subject", "subject"))
    head = "\n".join(f"{label}: {doc.headers[key]}" for label, key in labels if doc.headers[key])
    text = f"{head}\n\n{doc.text}".strip()
    facts = facts_from_text(f"{doc.headers['subject']}\n{doc.text}", "email-text")
    return DocText(text=text, engine="email", facts=facts)
