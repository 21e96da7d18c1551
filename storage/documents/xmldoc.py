"""XML documents: 数电票 e-invoices or any XML, read through defusedxml.

DTDs, entity declarations and external references are refused outright (billion laughs,
XXE), and a file over MAX_XML_BYTES is not parsed. Every refusal is a BadDocument with a
plain message that starts with the file's name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring

from ..errors import BadDocument

if TYPE_CHECKING:
    from . import DocInfo, DocText

#: An XML file (or an XML member of an OFD) larger than this is not parsed.
MAX_XML_BYTES = 32 * 1024 * 1024

MEDIA_TYPE = "application/xml"


def parse_xml(data: bytes, name: str = "the file") -> Element:
    """The root element of `data`, parsed with DTDs, entities and external references
    forbidden. BadDocument (message starting with `name`) for anything else."""
    if len(data) > MAX_XML_BYTES:
        raise BadDocument(
            f"{name} is an XML file of {len(data) // (1024 * 1024)} MB, larger than the "
            f"{MAX_XML_BYTES // (1024 * 1024)} MB Proofshot reads"
        )
    try:
        root: Element = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden:
        raise BadDocument(
            f"{name} is an XML file with a document type declaration (DTD), which Proofshot "
            "refuses because it can hide entity expansion or external file references"
        ) from None
    except EntitiesForbidden:
        raise BadDocument(
            f"{name} is an XML file that declares entities, which Proofshot refuses because "
            "they can expand to gigabytes or read other files"
        ) from None
    except ExternalReferenceForbidden:
        raise BadDocument(
            f"{name} is an XML file that refers to external files, which Proofshot never reads"
        ) from None
    except DefusedXmlException:
        raise BadDocument(f"{name} is an XML file with unsafe content Proofshot refuses") from None
    except ParseError as exc:
        raise BadDocument(f"{name} is not well-formed XML ({_short(exc)})") from None
    except (ValueError, UnicodeError, LookupError, RecursionError) as exc:
        raise BadDocument(f"{name} is not readable XML ({_short(exc)})") from None
    return root


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def local_name(tag: object) -> str:
    """An element's tag without its namespace ("{ns}Page" and "ofd:Page" -> "Page")."""
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def flattened_text(root: Element) -> str:
    """The texts of all elements (and their tails), one a line, for search."""
    lines: list[str] = []
    for element in root.iter():
        for piece in (element.text, element.tail):
            if piece and piece.strip():
                lines.append(" ".join(piece.split()))
    return "\n".join(lines)


def probe(data: bytes, name: str = "the file") -> DocInfo:
    from . import DocInfo
    from .invoice import facts_from_root

    root = parse_xml(data, name)
    facts = facts_from_root(root, "xml")
    invoice = facts is not None and facts.invoice_number is not None
    title = f"发票 {facts.invoice_number}" if facts is not None and facts.invoice_number else None
    info: dict[str, Any] = {"root": local_name(root.tag), "invoice": invoice}
    return DocInfo(kind="xml", media_type=MEDIA_TYPE, pages=0, width=0, height=0, title=title, info=info)


def read_text(data: bytes, name: str = "the file") -> DocText:
    from . import DocText
    from .invoice import facts_from_root

    root = parse_xml(data, name)
    return DocText(text=flattened_text(root), engine="xml", facts=facts_from_root(root, "xml"))
