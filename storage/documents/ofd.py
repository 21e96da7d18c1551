"""OFD documents (GB/T 33190, the format of Chinese e-invoices): a zip of XML files.

The zip is read defensively before anything in it is parsed: entry paths that leave the
package (`..`, absolute, backslash, drive letters), too many entries, a declared total over
MAX_UNCOMPRESSED_BYTES, a member compressed more than MAX_RATIO times, a member yielding more
bytes than its headers declare (counted while reading), encrypted members and a missing
OFD.xml are all refused with a BadDocument whose message starts with the file's name.

Then OFD.xml -> DocBody/DocRoot -> Document.xml (page area, pages, resources, templates,
attachments, custom tags) -> each page's Content.xml. Text comes from TextObject/TextCode
with its position in mm, turned into word boxes in the pixels of the page as render_page
draws it (mm -> points * 72/25.4 -> * scale, the scale reduced to the pixel cap). Pages are
drawn with Pillow: paths (lines, rectangles, curves flattened), images from the package's
resources, and text with a CJK font found on the system. The invoice facts come from the
invoice XML attached to the OFD, else its custom tags, else its text.
"""

from __future__ import annotations

import contextlib
import functools
import io
import itertools
import math
import os
import posixpath
import re
import shutil
import subprocess
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from PIL import Image, ImageDraw, ImageFont

from ..errors import BadDocument
from .xmldoc import local_name, parse_xml

if TYPE_CHECKING:
    from ..records import OcrWordBox
    from . import DocInfo, DocText
    from .invoice import InvoiceFacts

MEDIA_TYPE = "application/ofd"
#: More entries than this in the zip: refused.
MAX_ENTRIES = 2000
#: Declared (and actually read) uncompressed total above this: refused.
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
#: A member compressed more than this many times (and over MIN_RATIO_CHECKED bytes): refused.
MAX_RATIO = 100
MIN_RATIO_CHECKED = 4096
#: An image resource larger than this (bytes or pixels) is left out of the drawing.
MAX_IMAGE_BYTES = 32 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
#: More graphic objects than this on one page: the rest are not read.
MAX_OBJECTS_PER_PAGE = 100_000
#: More characters, path points or pictures than these on one page: the rest are not read
#: (a real page has a few thousand; these bound the time a hostile page takes to draw).
MAX_GLYPHS_PER_PAGE = 50_000
MAX_POINTS_PER_PAGE = 500_000
MAX_PICTURES_PER_PAGE = 200
INK_PAGES = 20

MM_TO_POINTS = 72 / 25.4
#: No side of a drawn page is longer than this many pixels.
MAX_SIDE = 30_000
_CHUNK = 64 * 1024

# ------------------------------------------------------------------ the zip


class Package:
    """The files of an OFD zip, checked for safety; members read with their limits."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise BadDocument(f"{name} is not a readable OFD file: its zip structure is damaged") from None
        if len(infos) > MAX_ENTRIES:
            raise BadDocument(
                f"{name} is an OFD file with {len(infos)} files inside, more than the {MAX_ENTRIES} "
                "Proofshot accepts; it is refused"
            )
        total = 0
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            self._check_path(info.filename)
            if info.flag_bits & 0x1:
                raise BadDocument(
                    f"{name} is an OFD file with encrypted contents, which Proofshot cannot read"
                )
            total += info.file_size
            if total > MAX_UNCOMPRESSED_BYTES:
                raise BadDocument(
                    f"{name} is an OFD file that unpacks to more than "
                    f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB; it is refused (a zip bomb?)"
                )
            if info.file_size > MIN_RATIO_CHECKED and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise BadDocument(
                    f"{name} is an OFD file with a member compressed more than {MAX_RATIO} times "
                    f"({info.filename}); it is refused (a zip bomb?)"
                )
            if not info.is_dir():
                self.members[info.filename] = info
        self.folded = {k.lower(): k for k in self.members}
        self.read_total = 0
        if self.find("OFD.xml") is None:
            raise BadDocument(f"{name} is not an OFD file: it has no OFD.xml")

    def _check_path(self, path: str) -> None:
        parts = path.split("/")
        if (
            "\\" in path
            or "\x00" in path
            or path.startswith("/")
            or re.match(r"^[A-Za-z]:", path)
            or ".." in parts
        ):
            raise BadDocument(
                f"{self.name} is an OFD file with a file path that leaves the package ({path[:120]!r}); "
                "it is refused"
            )

    def find(self, path: str) -> str | None:
        """The member name of `path` (exact, else ignoring case), or None."""
        if path in self.members:
            return path
        return self.folded.get(path.lower())

    def read(self, path: str, limit: int | None = None) -> bytes:
        """The bytes of member `path`, counted while read: more than declared, more than
        `limit`, or more than the package's total limit is refused."""
        member = self.find(path)
        if member is None:
            raise BadDocument(f"{self.name} is a damaged OFD file: {path} is missing")
        info = self.members[member]
        if limit is not None and info.file_size > limit:
            raise BadDocument(f"{self.name} is an OFD file with {path} larger than Proofshot reads")
        out = bytearray()
        try:
            with self.zip.open(info) as f:
                while chunk := f.read(_CHUNK):
                    out += chunk
                    if len(out) > info.file_size:
                        raise BadDocument(
                            f"{self.name} is an OFD file whose {path} holds more than it declares; "
                            "it is refused (a zip bomb?)"
                        )
        except zipfile.BadZipFile:
            raise BadDocument(
                f"{self.name} is a damaged OFD file: {path} does not match its recorded size or checksum"
            ) from None
        except (OSError, ValueError, EOFError, NotImplementedError, RuntimeError, zlib.error) as exc:
            raise BadDocument(
                f"{self.name} is a damaged OFD file: {path} cannot be unpacked ({exc})"
            ) from None
        self.read_total += len(out)
        if self.read_total > MAX_UNCOMPRESSED_BYTES:
            raise BadDocument(
                f"{self.name} is an OFD file that unpacks to more than "
                f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB; it is refused (a zip bomb?)"
            )
        return bytes(out)

    def xml(self, path: str) -> Element:
        return parse_xml(self.read(path), f"{self.name} ({path})")

    def check_all(self) -> None:
        """Read every member once (checksums, declared sizes, the total)."""
        for member in self.members:
            self.read(member)


def resolve(base_dir: str, location: str) -> str:
    """An OFD location (absolute from the package root with "/", else relative to the
    referring file's folder) as a member path; BadDocument-free: a path leaving the package
    resolves to "" (which is never a member)."""
    loc = location.strip().replace("\\", "/")
    joined = loc.lstrip("/") if loc.startswith("/") else posixpath.join(base_dir, loc)
    norm = posixpath.normpath(joined) if joined else ""
    if norm.startswith("..") or norm.startswith("/") or norm == ".":
        return ""
    return norm


# ------------------------------------------------------------------ structure


def _children(element: Element, name: str) -> Iterator[Element]:
    for child in element:
        if local_name(child.tag) == name:
            yield child


def _child(element: Element | None, *path: str) -> Element | None:
    current = element
    for name in path:
        if current is None:
            return None
        current = next(_children(current, name), None)
    return current


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _numbers(value: str | None) -> list[float]:
    out = []
    for token in (value or "").replace(",", " ").split():
        try:
            number = float(token)
        except ValueError:
            continue
        if math.isfinite(number):
            out.append(number)
    return out


def _box(value: str | None) -> tuple[float, float, float, float] | None:
    n = _numbers(value)
    if len(n) != 4 or n[2] <= 0 or n[3] <= 0:
        return None
    return n[0], n[1], n[2], n[3]


@dataclass
class Resources:
    fonts: dict[str, str] = field(default_factory=dict)  # ID -> font name
    media: dict[str, str] = field(default_factory=dict)  # ID -> member path
    #: DrawParam ID -> its element (LineWidth, StrokeColor, FillColor shared by objects)
    draw_params: dict[str, Element] = field(default_factory=dict)


@dataclass
class Document:
    base: str  # folder of Document.xml
    page_area: tuple[float, float, float, float]
    pages: list[str]  # member paths of Content.xml
    templates: dict[str, str]  # TemplatePage ID -> member path
    resources: Resources
    title: str | None
    attachments: str | None  # member path of Attachments.xml
    custom_tags: str | None
    page_ids: list[str] = field(default_factory=list)  # each page's ID, in page order
    annotations: dict[str, list[str]] = field(default_factory=dict)  # page ID -> Annotation.xml paths


def _load_resources(pkg: Package, path: str, into: Resources) -> None:
    if not path or pkg.find(path) is None:
        return
    root = pkg.xml(path)
    res_dir = resolve(posixpath.dirname(path), root.get("BaseLoc", "")) or posixpath.dirname(path)
    for element in root.iter():
        kind = local_name(element.tag)
        if kind == "Font" and element.get("ID"):
            into.fonts[element.get("ID", "")] = element.get("FontName") or element.get("FamilyName") or ""
        elif kind == "MultiMedia" and element.get("ID"):
            media = _text(_child(element, "MediaFile"))
            if media:
                into.media[element.get("ID", "")] = resolve(res_dir, media)
        elif kind == "DrawParam" and element.get("ID"):
            into.draw_params[element.get("ID", "")] = element


def _drawn(element: Element, name: str, resources: Resources) -> Element | str | None:
    """An object's own attribute or child `name`, else its DrawParam's (and that one's
    Relative parent's, a few levels deep)."""
    own = element.get(name)
    if own is not None:
        return own
    child = _child(element, name)
    if child is not None:
        return child
    param = resources.draw_params.get(element.get("DrawParam", ""))
    for _ in range(8):
        if param is None:
            return None
        if param.get(name) is not None:
            return param.get(name)
        child = _child(param, name)
        if child is not None:
            return child
        param = resources.draw_params.get(param.get("Relative", ""))
    return None


def open_document(pkg: Package) -> Document:
    from . import MAX_PAGES

    name = pkg.name
    root = pkg.xml(pkg.find("OFD.xml") or "OFD.xml")
    if local_name(root.tag) != "OFD":
        raise BadDocument(f"{name} is not an OFD file: its OFD.xml does not describe a document")
    body = _child(root, "DocBody")
    doc_root = resolve("", _text(_child(body, "DocRoot")))
    if not doc_root or pkg.find(doc_root) is None:
        raise BadDocument(f"{name} is a damaged OFD file: the document it names is missing")
    title = _text(_child(body, "DocInfo", "Title")) or None
    doc_path = pkg.find(doc_root) or doc_root
    doc = pkg.xml(doc_path)
    base = posixpath.dirname(doc_path)
    common = _child(doc, "CommonData")
    area = _box(_text(_child(common, "PageArea", "PhysicalBox"))) or (0.0, 0.0, 210.0, 297.0)
    resources = Resources()
    templates: dict[str, str] = {}
    if common is not None:
        for element in common:
            kind = local_name(element.tag)
            if kind in ("PublicRes", "DocumentRes"):
                _load_resources(pkg, resolve(base, _text(element)), resources)
            elif kind == "TemplatePage" and element.get("ID") and element.get("BaseLoc"):
                templates[element.get("ID", "")] = resolve(base, element.get("BaseLoc", ""))
    pages_element = _child(doc, "Pages")
    page_elements = list(_children(pages_element, "Page")) if pages_element is not None else []
    pages = [resolve(base, p.get("BaseLoc", "")) for p in page_elements]
    page_ids = [p.get("ID", "") for p in page_elements]
    if not pages:
        raise BadDocument(f"{name} is an OFD file with no pages")
    if len(pages) > MAX_PAGES:
        raise BadDocument(
            f"{name} has {len(pages)} pages, more than the {MAX_PAGES} Proofshot accepts; it is refused"
        )
    for page in pages:
        if not page or pkg.find(page) is None:
            raise BadDocument(f"{name} is a damaged OFD file: one of its pages is missing")
    attachments = resolve(base, _text(_child(doc, "Attachments"))) or None
    custom_tags = resolve(base, _text(_child(doc, "CustomTags"))) or None
    annotations: dict[str, list[str]] = {}
    index = resolve(base, _text(_child(doc, "Annotations")))
    if index and pkg.find(index) is not None:
        index_dir = posixpath.dirname(index)
        for entry in _children(pkg.xml(index), "Page"):
            loc = resolve(index_dir, _text(_child(entry, "FileLoc")))
            if loc:
                annotations.setdefault(entry.get("PageID", ""), []).append(loc)
    return Document(
        base, area, pages, templates, resources, title, attachments, custom_tags, page_ids, annotations
    )


# ------------------------------------------------------------------ page objects


Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _matrix(value: str | None) -> Matrix:
    n = _numbers(value)
    return (n[0], n[1], n[2], n[3], n[4], n[5]) if len(n) == 6 else _IDENTITY


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _color(element: Element | None, default: tuple[int, int, int] | None) -> tuple[int, int, int] | None:
    if element is None:
        return default
    n = _numbers(element.get("Value"))
    if len(n) == 1:
        g = int(max(0, min(255, n[0])))
        return g, g, g
    if len(n) == 3:
        r, g, b = (int(max(0, min(255, v))) for v in n)
        return r, g, b
    if len(n) == 4:  # CMYK 0..255
        c, m_, y, k = (max(0.0, min(255.0, v)) / 255 for v in n)
        return (int(255 * (1 - c) * (1 - k)), int(255 * (1 - m_) * (1 - k)), int(255 * (1 - y) * (1 - k)))
    return default


@dataclass
class Glyph:
    char: str
    x: float  # mm, page coordinates, left of the glyph on its baseline
    y: float  # baseline
    size: float  # mm
    advance: float  # mm


@dataclass
class TextRun:
    object_id: str
    glyphs: list[Glyph]
    color: tuple[int, int, int]


@dataclass
class Path:
    subpaths: list[list[tuple[float, float]]]
    closed: list[bool]
    stroke: tuple[int, int, int] | None
    fill: tuple[int, int, int] | None
    width: float  # mm


@dataclass
class Picture:
    member: str
    corners: tuple[tuple[float, float], tuple[float, float]]  # mm, (x0, y0), (x1, y1)


@dataclass
class Page:
    box: tuple[float, float, float, float]
    texts: list[TextRun] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    order: list[TextRun | Path | Picture] = field(default_factory=list)
    glyphs: int = 0
    points: int = 0


def _as_element(value: Element | str | None) -> Element | None:
    return value if isinstance(value, Element) else None


def _deltas(value: str | None) -> list[float]:
    """DeltaX/DeltaY: numbers, with "g N v" meaning v repeated N times."""
    tokens = (value or "").split()
    out: list[float] = []
    i = 0
    while i < len(tokens) and len(out) < 100_000:
        if tokens[i] == "g" and i + 2 < len(tokens):
            try:
                count, step = int(float(tokens[i + 1])), float(tokens[i + 2])
            except (ValueError, OverflowError):
                break
            if not math.isfinite(step):
                break
            out += [step] * max(0, min(count, 100_000))
            i += 3
            continue
        with contextlib.suppress(ValueError):
            number = float(tokens[i])
            if math.isfinite(number):
                out.append(number)
        i += 1
    return out


def _advance(char: str, size: float) -> float:
    return size if ord(char) >= 0x2E80 or char in "￥（）：，。" else size * 0.55


def _text_object(element: Element, origin: tuple[float, float], resources: Resources) -> TextRun | None:
    size = (_numbers(element.get("Size")) or [3.5])[0]
    if size <= 0:
        return None
    m = _matrix(element.get("CTM"))
    scale = math.sqrt(abs(m[0] * m[3] - m[1] * m[2])) or 1.0
    fill = _drawn(element, "FillColor", resources)
    color = _color(fill if isinstance(fill, Element) else None, (0, 0, 0)) or (0, 0, 0)
    glyphs: list[Glyph] = []
    x = y = 0.0
    for code in _children(element, "TextCode"):
        text = code.text or ""
        if code.get("X") is not None:
            x = (_numbers(code.get("X")) or [x])[0]
        if code.get("Y") is not None:
            y = (_numbers(code.get("Y")) or [y])[0]
        dx = _deltas(code.get("DeltaX"))
        dy = _deltas(code.get("DeltaY"))
        for i, char in enumerate(text):
            step = dx[i] if i < len(dx) else _advance(char, size)
            px, py = _apply(m, x, y)
            glyphs.append(Glyph(char, origin[0] + px, origin[1] + py, size * scale, step * scale))
            x += step
            if i < len(dy):
                y += dy[i]
    if not glyphs:
        return None
    return TextRun(element.get("ID", ""), glyphs, color)


def _path_object(element: Element, origin: tuple[float, float], resources: Resources) -> Path | None:
    m = _matrix(element.get("CTM"))
    stroke = element.get("Stroke", "true").lower() != "false"
    fill = element.get("Fill", "false").lower() == "true"
    line_width = _drawn(element, "LineWidth", resources)
    width = (_numbers(line_width if isinstance(line_width, str) else None) or [0.353])[0]
    tokens = _text(_child(element, "AbbreviatedData")).split()
    subpaths: list[list[tuple[float, float]]] = []
    closed: list[bool] = []
    current: list[tuple[float, float]] = []
    pos = (0.0, 0.0)

    def point(px: float, py: float) -> tuple[float, float]:
        tx, ty = _apply(m, px, py)
        return origin[0] + tx, origin[1] + ty

    def take(i: int, count: int) -> list[float] | None:
        values = _numbers(" ".join(tokens[i : i + count]))
        return values if len(values) == count else None

    i = 0
    while i < len(tokens):
        op = tokens[i].upper()
        if op in ("M", "S"):
            v = take(i + 1, 2)
            if v is None:
                break
            if len(current) > 1:
                subpaths.append(current)
                closed.append(False)
            pos = (v[0], v[1])
            current = [point(*pos)]
            i += 3
        elif op == "L":
            v = take(i + 1, 2)
            if v is None:
                break
            pos = (v[0], v[1])
            current.append(point(*pos))
            i += 3
        elif op in ("B", "Q"):
            n = 6 if op == "B" else 4
            v = take(i + 1, n)
            if v is None:
                break
            ctrl = [pos] + [(v[k], v[k + 1]) for k in range(0, n, 2)]
            for step in range(1, 9):
                t = step / 8
                pts = list(ctrl)
                while len(pts) > 1:
                    pts = [
                        ((1 - t) * a[0] + t * b[0], (1 - t) * a[1] + t * b[1])
                        for a, b in itertools.pairwise(pts)
                    ]
                current.append(point(*pts[0]))
            pos = ctrl[-1]
            i += n + 1
        elif op == "A":  # an arc: drawn as a straight line to its end point
            v = take(i + 1, 7)
            if v is None:
                break
            pos = (v[5], v[6])
            current.append(point(*pos))
            i += 8
        elif op in ("C", "Z"):
            if len(current) > 1:
                subpaths.append(current)
                closed.append(True)
            current = [current[0]] if current else []
            i += 1
        else:
            i += 1
        if len(subpaths) > 10_000:
            break
    if len(current) > 1:
        subpaths.append(current)
        closed.append(False)
    if not subpaths:
        return None
    return Path(
        subpaths,
        closed,
        _color(_as_element(_drawn(element, "StrokeColor", resources)), (0, 0, 0)) if stroke else None,
        _color(_as_element(_drawn(element, "FillColor", resources)), (0, 0, 0)) if fill else None,
        width,
    )


def _image_object(element: Element, origin: tuple[float, float], resources: Resources) -> Picture | None:
    member = resources.media.get(element.get("ResourceID", ""))
    box = _box(element.get("Boundary"))
    if member is None or box is None:
        return None
    m = _matrix(element.get("CTM")) if element.get("CTM") else (box[2], 0.0, 0.0, box[3], 0.0, 0.0)
    x0, y0 = _apply(m, 0, 0)
    x1, y1 = _apply(m, 1, 1)
    return Picture(
        member,
        (
            (origin[0] + min(x0, x1), origin[1] + min(y0, y1)),
            (origin[0] + max(x0, x1), origin[1] + max(y0, y1)),
        ),
    )


def _read_objects(
    container: Element, page: Page, resources: Resources, offset: tuple[float, float] = (0.0, 0.0)
) -> None:
    for element in container.iter():
        if len(page.order) >= MAX_OBJECTS_PER_PAGE:
            return
        kind = local_name(element.tag)
        if kind not in ("TextObject", "PathObject", "ImageObject"):
            continue
        box = _box(element.get("Boundary"))
        origin = (offset[0] + box[0], offset[1] + box[1]) if box else offset
        item: TextRun | Path | Picture | None
        if kind == "TextObject":
            item = _text_object(element, origin, resources) if page.glyphs < MAX_GLYPHS_PER_PAGE else None
            if item is not None:
                item.glyphs = item.glyphs[: max(0, MAX_GLYPHS_PER_PAGE - page.glyphs)]
                page.glyphs += len(item.glyphs)
                item = item if item.glyphs else None
            if item is not None:
                page.texts.append(item)
        elif kind == "PathObject":
            item = _path_object(element, origin, resources) if page.points < MAX_POINTS_PER_PAGE else None
            if item is not None:
                page.points += sum(len(points) for points in item.subpaths)
                item = item if page.points <= MAX_POINTS_PER_PAGE else None
            if item is not None:
                page.paths.append(item)
        else:
            item = (
                _image_object(element, origin, resources)
                if len(page.pictures) < MAX_PICTURES_PER_PAGE
                else None
            )
            if item is not None:
                page.pictures.append(item)
        if item is not None:
            page.order.append(item)


def read_page(pkg: Package, doc: Document, index: int) -> Page:
    """Page `index` (0-based) with its templates' objects first (drawn under it)."""
    path = doc.pages[index]
    root = pkg.xml(path)
    box = _box(_text(_child(root, "Area", "PhysicalBox"))) or doc.page_area
    page = Page(box)
    for template in _children(root, "Template"):
        tpl_path = doc.templates.get(template.get("TemplateID", ""))
        if (
            tpl_path
            and pkg.find(tpl_path) is not None
            and template.get("ZOrder", "Background") != "Foreground"
        ):
            _read_objects(pkg.xml(tpl_path), page, doc.resources)
    content = _child(root, "Content")
    if content is not None:
        _read_objects(content, page, doc.resources)
    for template in _children(root, "Template"):
        tpl_path = doc.templates.get(template.get("TemplateID", ""))
        if tpl_path and pkg.find(tpl_path) is not None and template.get("ZOrder") == "Foreground":
            _read_objects(pkg.xml(tpl_path), page, doc.resources)
    page_id = doc.page_ids[index] if index < len(doc.page_ids) else ""
    for annotation_path in doc.annotations.get(page_id, []) if page_id else []:
        if pkg.find(annotation_path) is None:
            continue
        for annot in pkg.xml(annotation_path).iter():
            if local_name(annot.tag) != "Annot" or annot.get("Visible", "true").lower() == "false":
                continue
            for appearance in _children(annot, "Appearance"):
                frame = _box(appearance.get("Boundary"))
                _read_objects(appearance, page, doc.resources, (frame[0], frame[1]) if frame else (0.0, 0.0))
    return page


# ------------------------------------------------------------------ geometry


def page_pixels(
    box: tuple[float, float, float, float], scale: float, max_pixels: int
) -> tuple[float, int, int]:
    """(pixels per mm, width, height) of a page of `box` mm at `scale` pixels per point,
    the scale reduced so width * height <= max_pixels."""
    per_mm = MM_TO_POINTS * max(scale, 0.001)
    width, height = box[2] * per_mm, box[3] * per_mm
    if width * height > max_pixels > 0:
        per_mm *= math.sqrt(max_pixels / (width * height))
    if max(box[2], box[3]) * per_mm > MAX_SIDE:  # a strip-shaped page: no side beyond MAX_SIDE
        per_mm = MAX_SIDE / max(box[2], box[3])
    w = max(1, int(box[2] * per_mm))
    h = max(1, int(box[3] * per_mm))
    for _ in range(100):
        if w * h <= max(max_pixels, 1):
            break
        per_mm *= 0.99
        w, h = max(1, int(box[2] * per_mm)), max(1, int(box[3] * per_mm))
    return per_mm, w, h


def _lines(page: Page) -> list[list[TextRun]]:
    """The page's text runs grouped into lines (by baseline) and ordered left to right."""
    runs = sorted(page.texts, key=lambda r: (r.glyphs[0].y, r.glyphs[0].x))
    lines: list[list[TextRun]] = []
    for run in runs:
        g = run.glyphs[0]
        if lines:
            last = lines[-1][0].glyphs[0]
            if abs(last.y - g.y) <= 0.4 * max(last.size, g.size):
                lines[-1].append(run)
                continue
        lines.append([run])
    return [sorted(line, key=lambda r: r.glyphs[0].x) for line in lines]


def _page_text(page: Page) -> str:
    out = []
    for line in _lines(page):
        pieces: list[str] = []
        prev_end: float | None = None
        for run in line:
            text = "".join(g.char for g in run.glyphs)
            first = run.glyphs[0]
            if prev_end is not None and first.x - prev_end > 0.3 * first.size:
                pieces.append(" ")
            pieces.append(text)
            last = run.glyphs[-1]
            prev_end = last.x + last.advance
        out.append("".join(pieces).strip())
    return "\n".join(line for line in out if line)


def _words(page: Page, index: int, per_mm: float) -> list[OcrWordBox]:
    from ..records import OcrWordBox

    ox, oy = page.box[0], page.box[1]
    words: list[OcrWordBox] = []
    for run in page.texts:
        group: list[Glyph] = []
        for glyph in [*run.glyphs, None]:
            if glyph is not None and not glyph.char.isspace():
                group.append(glyph)
                continue
            if group:
                x0 = min(g.x for g in group) - ox
                x1 = max(g.x + g.advance for g in group) - ox
                top = min(g.y - 0.88 * g.size for g in group) - oy
                bottom = max(g.y + 0.12 * g.size for g in group) - oy
                box = (
                    max(0, int(_clamp(x0 * per_mm))),
                    max(0, int(_clamp(top * per_mm))),
                    max(0, math.ceil(_clamp(x1 * per_mm))),
                    max(0, math.ceil(_clamp(bottom * per_mm))),
                )
                words.append(OcrWordBox(text="".join(g.char for g in group), box=box, conf=100.0, page=index))
            group = []
    return words


# ------------------------------------------------------------------ drawing


_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
)


@functools.cache
def cjk_font_path() -> str | None:
    """A font file with Chinese glyphs: fontconfig's match for Noto Sans CJK SC, else a
    known path; None when there is none (PIL's default font is used)."""
    if shutil.which("fc-match"):
        try:
            out = subprocess.run(
                ["fc-match", "-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if (
            out
            and os.path.isfile(out)
            and re.search(r"cjk|wqy|uming|ukai|droidsansfallback|sc|hei|song", out, re.I)
        ):
            return out
    for candidate in _FONT_CANDIDATES:
        if os.path.isfile(candidate):
            return candidate
    return None


@functools.lru_cache(maxsize=64)
def _font(pixels: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = cjk_font_path()
    if path is not None:
        try:
            return ImageFont.truetype(path, pixels)
        except OSError:
            pass
    return ImageFont.load_default(pixels)


def _load_picture(pkg: Package, member: str) -> Image.Image | None:
    if pkg.find(member) is None:
        return None
    try:
        data = pkg.read(member, limit=MAX_IMAGE_BYTES)
    except BadDocument:
        return None
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in ("PNG", "JPEG", "BMP", "GIF", "TIFF", "WEBP"):
                return None
            if img.width * img.height > MAX_IMAGE_PIXELS:
                return None
            img.load()
            return img.convert("RGBA")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None


def _clamp(value: float) -> float:
    return max(-100_000.0, min(100_000.0, value)) if math.isfinite(value) else 0.0


def _draw(pkg: Package, page: Page, per_mm: float, size: tuple[int, int]) -> Image.Image:
    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    ox, oy = page.box[0], page.box[1]
    # text and lines may cover the page this many times over (a full page of text covers it about once)
    ink: float = 0.0
    ink_budget = max(INK_PAGES * size[0] * size[1], 4_000_000)

    def px(x: float, y: float) -> tuple[float, float]:
        # far-off coordinates (hostile or broken files) are pulled in to where PIL can clip them
        return _clamp((x - ox) * per_mm), _clamp((y - oy) * per_mm)

    for item in page.order:
        if isinstance(item, Path):
            width = max(1, min(500, round(_clamp(item.width * per_mm))))
            for points, closed in zip(item.subpaths, item.closed, strict=True):
                pts = [px(*p) for p in points]
                if item.fill is not None and len(pts) > 2:
                    draw.polygon(pts, fill=item.fill)
                if item.stroke is not None:
                    line = [*pts, pts[0]] if closed else pts
                    ink += width * (
                        len(line)
                        + sum(abs(a[0] - b[0]) + abs(a[1] - b[1]) for a, b in itertools.pairwise(line))
                    )
                    if ink > ink_budget:  # a page inked many times over: the rest is not drawn
                        break
                    draw.line(line, fill=item.stroke, width=width, joint="curve" if width <= 8 else None)
        elif isinstance(item, Picture):
            (x0, y0), (x1, y1) = item.corners
            a, b = px(x0, y0), px(x1, y1)
            w, h = round(b[0] - a[0]), round(b[1] - a[1])
            if w <= 0 or h <= 0 or w * h > size[0] * size[1] * 4:
                continue
            picture = _load_picture(pkg, item.member)
            if picture is None:
                continue
            resized = picture.resize((w, h))
            image.paste(resized, (round(a[0]), round(a[1])), resized)
        else:
            for glyph in item.glyphs:
                if glyph.char.isspace():
                    continue
                pixels = max(1, min(2000, max(size) // 2, round(_clamp(glyph.size * per_mm))))
                ink += pixels * pixels
                if ink > ink_budget:  # a page inked many times over: the rest is not drawn
                    break
                x, y = px(glyph.x, glyph.y)
                draw.text((x, y), glyph.char, fill=item.color, font=_font(pixels), anchor="ls")
    return image


# ------------------------------------------------------------------ facts


def _attached_facts(pkg: Package, doc: Document) -> InvoiceFacts | None:
    from .invoice import facts_from_xml

    candidates: list[str] = []
    if doc.attachments and pkg.find(doc.attachments) is not None:
        try:
            root = pkg.xml(doc.attachments)
        except BadDocument:
            root = None
        if root is not None:
            base = posixpath.dirname(doc.attachments)
            for attachment in root.iter():
                if local_name(attachment.tag) != "Attachment":
                    continue
                loc = _text(_child(attachment, "FileLoc"))
                if loc:
                    candidates.append(resolve(base, loc))
    candidates += [
        m
        for m in pkg.members
        if "/attachs/" in f"/{m.lower()}" and m.lower().endswith(".xml") and m not in candidates
    ]
    for member in candidates:
        if not member or pkg.find(member) is None or posixpath.basename(member).lower() == "attachments.xml":
            continue
        try:
            data = pkg.read(member)
        except BadDocument:
            continue
        facts = facts_from_xml(data, source="ofd-xml")
        if facts is not None and facts.invoice_number is not None:
            return facts
    return None


def _tagged_facts(pkg: Package, doc: Document, pages: dict[int, Page]) -> dict[str, str]:
    """Field values the OFD's custom tags point at (eInvoice/InvoiceNo -> ObjectRef -> the
    text object's text), cleaned; only the first page's objects are looked up."""
    from .invoice import _CLEANERS, _XML_NAMES

    if not doc.custom_tags or pkg.find(doc.custom_tags) is None or 0 not in pages:
        return {}
    texts = {run.object_id: "".join(g.char for g in run.glyphs) for run in pages[0].texts}
    found: dict[str, str] = {}
    try:
        index = pkg.xml(doc.custom_tags)
        base = posixpath.dirname(doc.custom_tags)
        for tag in index.iter():
            if local_name(tag.tag) != "CustomTag":
                continue
            loc = resolve(base, _text(_child(tag, "FileLoc")))
            if not loc or pkg.find(loc) is None:
                continue
            for element in pkg.xml(loc).iter():
                refs = [texts.get(_text(r), "") for r in _children(element, "ObjectRef")]
                value = "".join(refs)
                if not value:
                    continue
                # "发票号码：2444..." -> the value after the label
                value = re.split(r"[:：]", value, maxsplit=1)[-1]
                name = local_name(element.tag).lower()
                for field_name, names in _XML_NAMES.items():
                    if name in names and field_name not in found:
                        cleaned = _CLEANERS[field_name](value)
                        if cleaned is not None:
                            found[field_name] = cleaned
    except BadDocument:
        return found
    return found


def _facts(pkg: Package, doc: Document, text: str, pages: dict[int, Page]) -> InvoiceFacts | None:
    from dataclasses import replace

    from .invoice import InvoiceFacts, facts_from_text

    attached = _attached_facts(pkg, doc)
    if attached is not None:
        return attached
    from_text = facts_from_text(text, "ofd-text") or InvoiceFacts(source="ofd-text")
    tagged = _tagged_facts(pkg, doc, pages)
    facts = replace(from_text, **tagged) if tagged else from_text
    return None if facts.empty else facts


# ------------------------------------------------------------------ the reader's API


def _open(data: bytes, name: str) -> tuple[Package, Document]:
    pkg = Package(data, name)
    return pkg, open_document(pkg)


def probe(data: bytes, name: str = "the file") -> DocInfo:
    from . import MAX_PAGE_PIXELS, RENDER_SCALE, DocInfo

    pkg, doc = _open(data, name)
    pkg.check_all()
    sizes: list[list[int]] = []
    has_text = False
    texts: list[str] = []
    pages: dict[int, Page] = {}
    for index in range(len(doc.pages)):
        page = read_page(pkg, doc, index)
        _, w, h = page_pixels(page.box, RENDER_SCALE, MAX_PAGE_PIXELS)
        sizes.append([w, h])
        has_text = has_text or bool(page.texts)
        if index < 3:
            pages[index] = page
            texts.append(_page_text(page))
    facts = _facts(pkg, doc, "\n\n".join(texts), pages)
    title = f"发票 {facts.invoice_number}" if facts is not None and facts.invoice_number else doc.title
    return DocInfo(
        kind="ofd",
        media_type=MEDIA_TYPE,
        pages=len(doc.pages),
        width=sizes[0][0],
        height=sizes[0][1],
        title=title,
        info={"page_sizes": sizes, "text_layer": has_text},
    )


def read_text(data: bytes, name: str = "the file") -> DocText:
    from . import MAX_PAGE_PIXELS, RENDER_SCALE, DocText

    pkg, doc = _open(data, name)
    texts: list[str] = []
    words: list[OcrWordBox] = []
    pages: dict[int, Page] = {}
    for index in range(len(doc.pages)):
        page = read_page(pkg, doc, index)
        if index == 0:
            pages[0] = page
        per_mm, _, _ = page_pixels(page.box, RENDER_SCALE, MAX_PAGE_PIXELS)
        texts.append(_page_text(page))
        words += _words(page, index, per_mm)
    text = "\n\n".join(texts)
    return DocText(text=text, words=tuple(words), engine="ofd-text", facts=_facts(pkg, doc, text, pages))


def render_page(
    data: bytes, page: int, *, scale: float | None = None, max_pixels: int | None = None
) -> Image.Image:
    from . import MAX_PAGE_PIXELS, RENDER_SCALE

    pkg, doc = _open(data, "the OFD file")
    if not 0 <= page < len(doc.pages):
        raise BadDocument(f"the OFD file has {len(doc.pages)} pages; there is no page {page + 1}")
    content = read_page(pkg, doc, page)
    per_mm, w, h = page_pixels(
        content.box,
        RENDER_SCALE if scale is None else scale,
        MAX_PAGE_PIXELS if max_pixels is None else max_pixels,
    )
    return _draw(pkg, content, per_mm, (w, h))


def page_text_and_words(data: bytes, page: int) -> tuple[str, list[Any]]:
    """One page's text and word boxes (a helper for tests and the preview)."""
    from . import MAX_PAGE_PIXELS, RENDER_SCALE

    pkg, doc = _open(data, "the OFD file")
    content = read_page(pkg, doc, page)
    per_mm, _, _ = page_pixels(content.box, RENDER_SCALE, MAX_PAGE_PIXELS)
    return _page_text(content), list(_words(content, page, per_mm))
