"""Render the evidence report's HTML to PDF with Qt (works headless, offscreen).

QTextDocument lays the HTML out on A4 pages and QPdfWriter writes them; text stays
text (CJK fonts are embedded as subsets, so Chinese is searchable and copyable), and
images are scaled by the page transform rather than resampled. Qt would re-encode every
screenshot (as JPEG); instead it draws a tiny stand-in for each PNG or JPEG capture and
storage/pdf_images.py then puts the original's data in its place (ADR 013). The report
sizes images to fit a page (storage/report.py: IMAGE_BOX), and every capture starts a new
page, so no image is cut by a page break.

The rendered pages of documents (pages/ in the export) are derived images, drawn from the
original PDF or OFD at 144 dpi; they are scaled down here to twice their size in the
report (about 190 dpi on paper), so a document of fifty pages does not hold fifty full
page bitmaps in memory while the PDF is written. Screenshots are never resampled.
"""

from __future__ import annotations

import logging
import os
import re
import struct
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from storage.evidence_format import PAGES_DIR
from storage.pdf_images import embeddable, replace_images

if TYPE_CHECKING:
    from PySide6.QtGui import QImage, QTextDocument

log = logging.getLogger(__name__)

#: Width of the stand-in images drawn for captures (their heights tell them apart).
_STAND_IN_WIDTH = 2

#: Pixels per CSS pixel kept of a document's rendered page in the PDF report.
_PAGE_IMAGE_DENSITY = 2.0
_IMG_SIZE = re.compile(r'<img[^>]*\bsrc="([^"]+)"[^>]*\bwidth="(\d+)"[^>]*\bheight="(\d+)"')

# Document units per page: A4 at 96 units per inch, so CSS pixels in the HTML mean
# what they mean in a browser printing on A4.
_DPI = 96
_MARGIN_MM = 16
# Latin letters and digits from a TrueType face first: Qt maps glyphs back to text by
# the font's cmap, and Noto CJK's proportional Latin glyphs are not in it (they would
# vanish from copied text). Chinese falls back to the CJK face.
_CJK_FAMILY = "Noto Sans CJK SC"
_FAMILIES = ["DejaVu Sans", "Segoe UI", "Helvetica Neue", "Arial", _CJK_FAMILY, "Microsoft YaHei"]


def ensure_gui_application() -> None:
    """A QGuiApplication must exist for fonts; make one (offscreen when there is no
    display) if the caller has none, e.g. `main.py export` from a terminal."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        return
    if not os.environ.get("QT_QPA_PLATFORM") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform in ("win32", "darwin")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    QGuiApplication(sys.argv[:1])


def render_report_pdf(html: str, images: Mapping[str, Path], out: Path) -> None:
    """Write `html` (with images referenced by the keys of `images`) to `out` as PDF.

    Screenshots (PNG, JPEG) go into the PDF with their original data (ADR 013); if that
    fails for any reason, the report is drawn again with Qt encoding every image."""
    try:
        if _render(html, images, out, pass_through=True):
            return
    except (OSError, ValueError, struct.error) as exc:
        log.warning("report.pdf: originals not embedded (%s); drawing it with Qt's images", exc)
    _render(html, images, out, pass_through=False)


def _render(html: str, images: Mapping[str, Path], out: Path, *, pass_through: bool) -> bool:
    """Draw the report; with `pass_through`, the captures' originals are put in after.
    False if some stand-in was not replaced (the file is then not a usable report)."""
    ensure_gui_application()
    from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QUrl
    from PySide6.QtGui import (
        QColor,
        QFont,
        QImage,
        QPageLayout,
        QPageSize,
        QPainter,
        QPdfWriter,
        QTextDocument,
    )

    writer = QPdfWriter(str(out))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    writer.setCreator("Proofshot")
    writer.setTitle(_document_title(html) or "Proofshot evidence report")

    doc = QTextDocument()
    font = QFont()
    font.setFamilies(_FAMILIES)
    font.setPointSizeF(10)
    doc.setDefaultFont(font)
    doc.setBaseUrl(QUrl.fromLocalFile(str(out.parent) + os.sep))
    shown = _shown_sizes(html)
    # Captures shown at a given size are drawn as tiny stand-ins, each of its own size, and
    # their objects in the PDF replaced afterwards by the originals' data (ADR 013).
    originals = {
        src: path
        for src, path in images.items()
        if pass_through and src in shown and not src.startswith(PAGES_DIR + "/") and embeddable(path)
    }
    real_sizes: set[tuple[int, int]] = set()
    for src, path in images.items():
        if src in originals:
            continue
        image = QImage(str(path))
        if image.isNull():
            log.warning("cannot load %s for the report", path)
            continue
        if src.startswith(PAGES_DIR + "/") and src in shown:
            w, h = shown[src]
            limit_w, limit_h = round(w * _PAGE_IMAGE_DENSITY), round(h * _PAGE_IMAGE_DENSITY)
            if image.width() > limit_w or image.height() > limit_h:
                image = image.scaled(
                    limit_w,
                    limit_h,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            # Pages are opaque: 3 bytes a pixel instead of 4 while the PDF is written, 1
            # for a page with no colour (most text pages).
            image = image.convertToFormat(
                QImage.Format.Format_Grayscale8 if image.isGrayscale() else QImage.Format.Format_RGB888
            )
        real_sizes.add((image.width(), image.height()))
        _add_image(doc, src, image)
    stand_ins: dict[tuple[int, int], Path] = {}
    height = 0
    for src, path in originals.items():
        height += 1
        while (_STAND_IN_WIDTH, height) in real_sizes:
            height += 1
        stand_in = QImage(_STAND_IN_WIDTH, height, QImage.Format.Format_Grayscale8)
        stand_in.fill(QColor(255, 255, 255))
        stand_ins[(_STAND_IN_WIDTH, height)] = path
        _add_image(doc, src, stand_in)
    doc.setHtml(html)
    a4_mm = QPageSize(QPageSize.PageSizeId.A4).size(QPageSize.Unit.Millimeter)
    page = QSizeF(a4_mm.width() / 25.4 * _DPI, a4_mm.height() / 25.4 * _DPI)
    margin = _MARGIN_MM / 25.4 * _DPI
    doc.setPageSize(page)
    doc.setDocumentMargin(margin)
    footer = _footer_template(html)
    pages = doc.pageCount()
    scale = writer.resolution() / _DPI
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {out}")
    try:
        small = QFont(font)
        small.setPointSizeF(7.5)
        for i in range(pages):
            if i:
                writer.newPage()
            painter.save()
            painter.scale(scale, scale)
            painter.translate(0, -i * page.height())
            doc.drawContents(painter, QRectF(0, i * page.height(), page.width(), page.height()))
            painter.restore()
            if footer:
                painter.setFont(small)
                painter.setPen(QColor(110, 110, 110))
                box = QRectF(
                    margin * scale,
                    (page.height() - margin * 0.75) * scale,
                    (page.width() - 2 * margin) * scale,
                    margin * 0.5 * scale,
                )
                text = footer.replace("{page}", str(i + 1)).replace("{pages}", str(pages))
                painter.drawText(
                    box, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter), text
                )
    finally:
        painter.end()
    drawn = doc.toPlainText() + footer
    del painter, writer  # finishes the file
    fix_cjk_text_map(out, drawn)
    if stand_ins:
        replaced = replace_images(out, stand_ins)
        if replaced < len(stand_ins):
            log.warning(
                "report.pdf: %d of %d captures' images not placed", len(stand_ins) - replaced, len(stand_ins)
            )
            return False
    return True


def _add_image(doc: QTextDocument, src: str, image: QImage) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument

    # Under the name as written and as resolved against the base URL, which is the one
    # QTextDocument looks up (else it loads the file itself, unscaled).
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(src), image)
    doc.addResource(QTextDocument.ResourceType.ImageResource, doc.baseUrl().resolved(QUrl(src)), image)


def _shown_sizes(html: str) -> dict[str, tuple[int, int]]:
    """{image src: (width, height) in CSS pixels} as the report's <img> tags give them."""
    import html as html_mod

    return {
        html_mod.unescape(m.group(1)): (int(m.group(2)), int(m.group(3))) for m in _IMG_SIZE.finditer(html)
    }


_FOOTER = re.compile(r'<meta name="proofshot-footer" content="([^"]*)"')
_TITLE = re.compile(r"<title>([^<]*)</title>")


def _document_title(html: str) -> str:
    """The report's <title>, in its own language: PDF viewers show it in the title bar."""
    import html as html_mod

    m = _TITLE.search(html)
    return html_mod.unescape(m.group(1)).strip() if m else ""


def _footer_template(html: str) -> str:
    """The page footer the report asks for, with {page} and {pages} placeholders."""
    import html as html_mod

    m = _FOOTER.search(html)
    return html_mod.unescape(m.group(1)) if m else ""


_TO_UNICODE = re.compile(rb"/ToUnicode (\d+) 0 R")
_CJK_CODE = re.compile(rb"<((?:2E[89A-F]|2F[0-9A-F]|[3-9A-F][0-9A-F]{2})[0-9A-F])>")


def _shared_glyph_fixes(drawn_text: str) -> dict[int, int]:
    """{code point Qt wrote: the drawn character with the same glyph} for CJK text.

    Qt maps each glyph back to the lowest code point the font's cmap gives it. CJK fonts
    share one glyph between a radical (U+2F79 ⽹) and its ideograph (U+7F51 网), or
    between variants (戶 and 户), so copied text and pdftotext would show the wrong one."""
    from PySide6.QtGui import QFont, QRawFont

    raw = QRawFont.fromFont(QFont(_CJK_FAMILY))
    if not raw.isValid():
        return {}
    drawn = sorted({ch for ch in drawn_text if 0x2E80 <= ord(ch) < 0x10000})
    by_glyph: dict[int, int] = {}
    for ch in drawn:
        glyphs = raw.glyphIndexesForString(ch)
        if glyphs and glyphs[0]:
            by_glyph.setdefault(glyphs[0], ord(ch))
    drawn_set = {ord(ch) for ch in drawn}

    def glyph_of(cp: int) -> int:
        g = raw.glyphIndexesForString(chr(cp))
        return int(g[0]) if g else 0

    # Radicals (U+2E80-U+2FDF) that share a glyph with a drawn character, and close
    # lower neighbours that do (variants such as 戶/户 sit next to each other).
    radicals: dict[int, list[int]] = {}
    for cp in range(0x2E80, 0x2FE0):
        if cp not in drawn_set and (g := glyph_of(cp)):
            radicals.setdefault(g, []).append(cp)
    fixes: dict[int, int] = {}
    for glyph, uc in by_glyph.items():
        for cand in radicals.get(glyph, []):
            fixes[cand] = uc
        for cand in range(max(0x3400, uc - 8), uc):
            if cand not in drawn_set and glyph_of(cand) == glyph:
                fixes[cand] = uc
    return fixes


def fix_cjk_text_map(path: Path, drawn_text: str) -> int:
    """Make copied Chinese text read as the characters that were drawn (see
    `_shared_glyph_fixes`). The ToUnicode maps Qt writes are plain text and every fixed
    code has four hex digits like the wrong one, so all byte offsets of the file stay.
    Returns how many codes were changed."""
    fixes = _shared_glyph_fixes(drawn_text)
    if not fixes:
        return 0
    data = bytearray(path.read_bytes())
    changed = 0

    def swap(match: re.Match[bytes]) -> bytes:
        nonlocal changed
        uc = int(match.group(1), 16)
        if uc in fixes:
            changed += 1
            return b"<%04X>" % fixes[uc]
        return match.group(0)

    for obj in sorted(set(_TO_UNICODE.findall(bytes(data)))):
        head = data.find(b"\n" + obj + b" 0 obj")
        start = data.find(b"stream\n", head)
        end = data.find(b"endstream", start)
        if head < 0 or start < 0 or end < 0:
            continue
        segment = bytes(data[start:end])
        if b"begincmap" not in segment:  # compressed: leave it alone
            continue
        fixed = _CJK_CODE.sub(swap, segment)
        if fixed != segment:
            assert len(fixed) == len(segment)
            data[start:end] = fixed
    if changed:
        with open(path, "r+b") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    return changed
