"""Documents kept as captures: PDF, OFD (GB/T 33190), XML e-invoices and e-mails (.eml).

Plain Python (no SQLAlchemy, no Qt): the capture side reads documents through this package.
A document's original bytes are kept unchanged like an image's; what this package makes from
them (page images, text, word boxes, invoice facts) is derived and can be made again.

Each kind lives in its own module and is imported only when a document of that kind is read,
so a reader's dependencies (pypdfium2 for PDF, defusedxml for OFD and XML) load on first use:

- pdf.py: PDF with pypdfium2 (text layer with word boxes, pages rendered with a pixel cap).
- ofd.py: OFD read with zipfile + defusedxml, pages drawn with Pillow.
- xmldoc.py: XML (数电票 e-invoices or any XML) through defusedxml.
- email_doc.py / html_text.py: .eml e-mails with the standard library's email package.
- invoice.py: invoice facts (number, date, seller, buyer, total) from XML or from text.
- pages.py: the cache of rendered page images (<library>/pages).

The choices and limits are explained in docs/adr/009-documents.md.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import BadDocument
from .email_doc import EmailAttachment, EmailDoc, read_email
from .invoice import InvoiceFacts, facts_from_text, facts_from_xml

if TYPE_CHECKING:
    from PIL import Image

    from ..records import OcrWordBox

DOC_KINDS: tuple[str, ...] = ("pdf", "ofd", "xml", "email")
MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "ofd": "application/ofd",
    "xml": "application/xml",
    "email": "message/rfc822",
}
KIND_OF_MEDIA: dict[str, str] = {media: kind for kind, media in MEDIA_TYPES.items()}
EXTENSIONS: dict[str, str] = {
    "application/pdf": "pdf",
    "application/ofd": "ofd",
    "application/xml": "xml",
    "message/rfc822": "eml",
}
DOCUMENT_SUFFIXES: frozenset[str] = frozenset({".pdf", ".ofd", ".xml", ".eml"})

#: More pages than this: refused. A real invoice or statement has a few pages; a thousand
#: pages is a hostile file or not evidence of a purchase.
MAX_PAGES = 1000
#: Pixels per PDF point: 144 dpi, sharp enough to read and to OCR small invoice print.
RENDER_SCALE = 2.0
#: A page is rendered at most this many pixels (its scale reduced, never refused): 40 MP is
#: an A0 poster at 144 dpi, and bounds a page's memory to about 120 MB of RGB.
MAX_PAGE_PIXELS = 40_000_000
#: A decoded e-mail part larger than this is listed, not filed separately, not decoded in full.
MAX_EMAIL_PART_BYTES = 64 * 1024 * 1024
#: A document file larger than this is refused before it is read.
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024

__all__ = [
    "DOCUMENT_SUFFIXES",
    "DOC_KINDS",
    "EXTENSIONS",
    "KIND_OF_MEDIA",
    "MAX_DOCUMENT_BYTES",
    "MAX_EMAIL_PART_BYTES",
    "MAX_PAGES",
    "MAX_PAGE_PIXELS",
    "MEDIA_TYPES",
    "RENDER_SCALE",
    "BadDocument",
    "DocInfo",
    "DocText",
    "EmailAttachment",
    "EmailDoc",
    "InvoiceFacts",
    "facts_from_text",
    "facts_from_xml",
    "is_document",
    "probe_document",
    "read_email",
    "read_text",
    "render_page",
    "sniff",
]


@dataclass(frozen=True)
class DocInfo:
    """What probing a document found: its kind, pages and first page's size."""

    kind: str
    media_type: str
    #: pdf/ofd: the page count; xml/email: 0 (and 0 for a PDF that cannot be read).
    pages: int
    #: The first page's size in pixels at RENDER_SCALE (capped); 0 when there is none.
    width: int
    height: int
    #: Kept but cannot be read (a password-protected PDF): a complete plain sentence.
    problem: str | None = None
    #: E-mail subject; invoice "发票 <number>"; a PDF's or OFD's own title if it has one.
    title: str | None = None
    #: JSON-safe details, stored in captures.doc_info.
    info: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DocText:
    """The text read from a document, and where its words are on its pages."""

    #: The whole searchable text (pages joined by a blank line; e-mail: headers then body).
    text: str
    #: Word boxes in the pixels of the page images render_page returns; OcrWordBox.page is
    #: the 0-based page.
    words: tuple[OcrWordBox, ...] = ()
    #: PDF pages with no text layer: the pipeline renders and OCRs them.
    pages_without_text: tuple[int, ...] = ()
    #: "pdf-text" | "ofd-text" | "email" | "xml"
    engine: str = ""
    #: The invoice facts read, if any.
    facts: InvoiceFacts | None = None


def is_document(media_type: str | None) -> bool:
    """True for the media types of documents (not images)."""
    return media_type in KIND_OF_MEDIA


def _module(kind: str) -> Any:
    """The reader of `kind`, imported on first use."""
    name = {"pdf": "pdf", "ofd": "ofd", "xml": "xmldoc", "email": "email_doc"}[kind]
    return importlib.import_module(f"{__name__}.{name}")


_ZIP_MAGIC = b"PK\x03\x04"
_EMAIL_HEADER_NAMES = (
    b"from:",
    b"to:",
    b"subject:",
    b"date:",
    b"received:",
    b"return-path:",
    b"message-id:",
    b"mime-version:",
    b"delivered-to:",
    b"x-",
    b"content-type:",
    b"reply-to:",
    b"sender:",
    b"cc:",
    b"dkim-signature:",
    b"authentication-results:",
    b"arc-",
)


def sniff(data: bytes, name: str | None = None) -> str | None:
    """The document kind of `data` ("pdf", "ofd", "xml", "email"), or None when it is not
    a document (perhaps an image).

    The bytes decide first (a PDF header, a zip holding OFD.xml, an XML declaration, e-mail
    headers). Bytes that decide nothing and are not an image are taken at their name's word
    (.pdf, .ofd, .xml, .eml), so that probing says what is wrong with them as that kind
    ("has no OFD.xml", "has no From, Subject or Date header") rather than "not a document"."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(_ZIP_MAGIC) and _zip_has_ofd_xml(data):
        return "ofd"
    if not data.startswith(_ZIP_MAGIC):
        text = head.lstrip(b"\xef\xbb\xbf").lstrip()
        if text.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = text.decode("utf-16", errors="ignore").encode("utf-8").lstrip()
        if text.startswith(b"<?xml"):
            return "xml"
        if _looks_like_email(head):
            return "email"
    if _is_image(head):
        return None
    suffix = "." + name.rsplit(".", 1)[-1].lower() if name and "." in name else ""
    return _KIND_OF_SUFFIX.get(suffix)


_KIND_OF_SUFFIX = {".pdf": "pdf", ".ofd": "ofd", ".xml": "xml", ".eml": "email"}
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")


def _is_image(head: bytes) -> bool:
    return head.startswith(_IMAGE_MAGIC) or (head.startswith(b"RIFF") and head[8:12] == b"WEBP")


def _zip_has_ofd_xml(data: bytes) -> bool:
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return any(n.lstrip("/").lower() == "ofd.xml" for n in zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _looks_like_email(head: bytes) -> bool:
    """At least two header lines at the start that e-mails have, before any blank line."""
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    if not lines or not lines[0] or lines[0][:1] in (b" ", b"\t"):
        return False
    if lines[0].startswith(b"From ") and len(lines) > 1:  # an mbox "From " line
        lines = lines[1:]
    found = 0
    for line in lines[:-1]:  # the last line may be cut by the 1 KB head
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            continue
        low = line.lower()
        if b":" not in line:
            return False
        if low.startswith(_EMAIL_HEADER_NAMES):
            found += 1
    return found >= 2


def _kind_of(media_type: str) -> str:
    kind = KIND_OF_MEDIA.get(media_type)
    if kind is None:
        raise BadDocument(f"{media_type} is not a document type Proofshot reads")
    return kind


def probe_document(data: bytes, name: str = "the file") -> DocInfo:
    """Check that `data` is a complete, safe document of a known kind and describe it.

    Raises BadDocument with a complete plain message starting with `name` when it is not
    (not a document, damaged, too many pages, unsafe). A password-protected PDF is not
    refused: DocInfo.problem says it cannot be read."""
    if not data:
        raise BadDocument(f"{name} is empty (0 bytes)")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise BadDocument(
            f"{name} is {len(data) // (1024 * 1024)} MB, larger than the "
            f"{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB a document may be"
        )
    kind = sniff(data, name)
    if kind is None:
        raise BadDocument(f"{name} is not a PDF, OFD, XML or e-mail file Proofshot can read")
    info: DocInfo = _module(kind).probe(data, name)
    return info


def read_text(data: bytes, media_type: str) -> DocText:
    """The text of a document, its word boxes on its pages, and invoice facts if any.
    Raises BadDocument when the bytes cannot be read."""
    text: DocText = _module(_kind_of(media_type)).read_text(data)
    return text


def render_page(
    data: bytes,
    media_type: str,
    page: int,
    *,
    scale: float = RENDER_SCALE,
    max_pixels: int = MAX_PAGE_PIXELS,
) -> Image.Image:
    """Page `page` (0-based) of a PDF or OFD as an RGB image at `scale` pixels per point,
    the scale reduced so the image has at most `max_pixels`. BadDocument for other kinds,
    a page out of range, or bytes that cannot be read."""
    kind = _kind_of(media_type)
    if kind not in ("pdf", "ofd"):
        raise BadDocument(f"a {kind} document has no pages to show")
    image: Image.Image = _module(kind).render_page(data, page, scale=scale, max_pixels=max_pixels)
    return image
