"""report.pdf carries the captures' original image data (ADR 013): JPEG bytes as they are,
a PNG's IDAT data as they are, a PNG with alpha decoded once and stored losslessly; the
pages still show the right pixels, the text stays text, and the file is about the size of
the images."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zlib
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image, ImageChops, ImageStat

from storage.evidence_format import REPORT_PDF
from storage.export import export_purchase
from storage.pdf_images import _png_chunks, embed
from storage.records import OcrData
from storage.verify import verify_evidence

from .conftest import EVALSET

MERCHANT = "老王数码店"
TITLE = "二手相机退款"
#: Qt's own part of report.pdf (fonts, text, page objects) for three captures: ~150 KB.
PDF_OVERHEAD = 250_000


def _ocr_text(image_id: str) -> str:
    return str(json.loads((EVALSET / f"{image_id}.json").read_text(encoding="utf-8"))["text"])


def _rgba_png() -> bytes:
    """A screenshot with a half-transparent band and a fully transparent corner."""
    im = Image.open(EVALSET / "0047.png").convert("RGBA")
    alpha = Image.new("L", im.size, 255)
    alpha.paste(128, (0, 0, im.width, im.height // 4))
    alpha.paste(0, (im.width - 100, im.height - 100, im.width, im.height))
    im.putalpha(alpha)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def originals() -> dict[str, bytes]:
    buf = io.BytesIO()
    Image.open(EVALSET / "0002.png").convert("RGB").save(buf, "JPEG", quality=88)
    return {
        "rgb": (EVALSET / "0026.png").read_bytes(),  # 920x780 RGB PNG
        "rgba": _rgba_png(),  # 880x640
        "jpeg": buf.getvalue(),  # 920x680
    }


@pytest.fixture
def exported(lib, originals, tmp_path):
    from gui.report_pdf import render_report_pdf

    p = lib.add_purchase(
        {"title": TITLE, "order_no": "2026102788123456", "amount": "1280", "ordered_at": "2026-10-27"},
        merchant={"display_name": MERCHANT, "platform": "xianyu"},
    )
    for i, (kind, data) in enumerate(originals.items()):
        c = lib.add_capture(
            data,
            source="region",
            purchase_id=p.id,
            captured_at=f"2026-10-2{7 + i}T02:10:05.000000Z",
            utc_offset_min=480,
        )
        image_id = {"rgb": "0026", "rgba": "0047", "jpeg": "0002"}[kind]
        lib.set_ocr_result(c.id, OcrData(_ocr_text(image_id), "tesseract", "5", "chi_sim+eng", 90.0))
    return export_purchase(lib, p.id, tmp_path / "out", language="zh_CN", render_pdf=render_report_pdf)


def _expected_pixels(data: bytes) -> Image.Image:
    """The original as a page shows it: alpha over white paper."""
    im = Image.open(io.BytesIO(data))
    if im.mode == "RGBA":
        paper = Image.new("RGBA", im.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, im).convert("RGB")
    return im.convert("RGB")


def test_original_image_data_is_embedded_as_is(exported, originals):
    pdf = (exported.folder / REPORT_PDF).read_bytes()
    assert originals["jpeg"] in pdf  # DCTDecode, byte for byte
    _chunks, idat = _png_chunks(originals["rgb"])
    assert idat in pdf  # FlateDecode with the PNG predictor, the IDAT data unchanged
    assert b"/DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns 920 >>" in pdf
    if shutil.which("pdfimages"):
        listing = subprocess.run(
            ["pdfimages", "-list", str(exported.folder / REPORT_PDF)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rows = [line.split() for line in listing.splitlines()[2:]]
        found = {(int(r[3]), int(r[4]), r[2], r[8]) for r in rows}
        assert (920, 780, "image", "image") in found  # Flate
        assert (880, 640, "image", "image") in found
        assert (880, 640, "smask", "image") in found
        assert (920, 680, "image", "jpeg") in found


def test_pages_show_the_originals_pixels(exported, originals):
    doc = pdfium.PdfDocument(exported.folder / REPORT_PDF)
    by_size = {Image.open(io.BytesIO(d)).size: k for k, d in originals.items()}
    seen: set[str] = set()
    scale = 2.0
    for page in doc:
        for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
            kind = by_size.get(tuple(obj.get_px_size()))
            if kind is None:
                continue
            seen.add(kind)
            left, bottom, right, top = obj.get_bounds()
            height = page.get_height()
            shot = page.render(scale=scale).to_pil().convert("RGB")
            box = (
                round(left * scale) + 2,
                round((height - top) * scale) + 2,
                round(right * scale) - 2,
                round((height - bottom) * scale) - 2,
            )
            drawn = shot.crop(box)
            want = _expected_pixels(originals[kind]).resize(
                (box[2] - box[0] + 4, box[3] - box[1] + 4), Image.Resampling.BOX
            )
            want = want.crop((2, 2, want.width - 2, want.height - 2))
            diff = ImageChops.difference(drawn.resize((64, 64), Image.Resampling.BOX), want.resize((64, 64)))
            mean = sum(ImageStat.Stat(diff).mean) / 3
            assert mean < 6, (kind, mean)
    assert seen == set(originals)


def test_text_stays_text_and_the_export_verifies(exported):
    assert not verify_evidence(exported.folder).problems
    doc = pdfium.PdfDocument(exported.folder / REPORT_PDF)
    text = "".join(page.get_textpage().get_text_range() for page in doc)
    assert MERCHANT in text and TITLE in text
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", str(exported.folder / REPORT_PDF), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert MERCHANT in out and TITLE in out


def test_the_pdf_is_about_the_size_of_the_images(exported, originals):
    size = (exported.folder / REPORT_PDF).stat().st_size
    assert size <= sum(len(d) for d in originals.values()) * 1.1 + PDF_OVERHEAD


@pytest.mark.parametrize(
    ("mode", "bits", "passed_through"),
    [
        ("L", 8, True),
        ("1", 1, True),
        ("P", 4, True),
        ("I;16", 16, True),
        ("LA", 8, False),
        ("RGBA", 8, False),
    ],
)
def test_which_pngs_pass_through(tmp_path: Path, mode: str, bits: int, passed_through: bool) -> None:
    im = Image.open(EVALSET / "0026.png").convert("RGB").resize((120, 90))
    if mode == "P":
        im = im.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    elif mode == "I;16":
        im = im.convert("L").point(lambda v: v * 257, "I").convert("I;16")
    else:
        im = im.convert(mode)
    path = tmp_path / "x.png"
    im.save(path, "PNG")
    data = path.read_bytes()
    assert data[24] == bits
    image = embed(path)
    assert image is not None and (image.width, image.height) == (120, 90)
    _chunks, idat = _png_chunks(data)
    assert (image.data == idat) is passed_through
    assert (image.smask is not None) is mode.endswith("A")
    if not passed_through:  # lossless: the pixels come back
        assert zlib.decompress(image.data) == im.convert("L" if mode == "LA" else "RGB").tobytes()


def test_if_the_originals_cannot_be_put_in_qt_draws_the_images(lib, originals, tmp_path, monkeypatch):
    import gui.report_pdf

    def broken(pdf: Path, by_size: object) -> int:
        raise ValueError("an unexpected PDF")

    monkeypatch.setattr(gui.report_pdf, "replace_images", broken)
    p = lib.add_purchase({"title": TITLE}, merchant={"display_name": MERCHANT, "platform": "xianyu"})
    lib.add_capture(originals["rgb"], source="region", purchase_id=p.id)
    result = export_purchase(
        lib, p.id, tmp_path / "out", language="zh_CN", render_pdf=gui.report_pdf.render_report_pdf
    )
    doc = pdfium.PdfDocument(result.folder / REPORT_PDF)
    sizes = [
        tuple(obj.get_px_size())
        for page in doc
        for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))
    ]
    assert (920, 780) in sizes
    assert not verify_evidence(result.folder).problems
