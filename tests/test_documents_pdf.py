"""PDF documents (storage.documents.pdf) and the page cache (storage.documents.pages).

Every PDF here is written by tests/fixtures_pdf.py, by hand, with no external tool.
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from storage.documents import (
    DOC_KINDS,
    EXTENSIONS,
    KIND_OF_MEDIA,
    MAX_PAGE_PIXELS,
    MAX_PAGES,
    MEDIA_TYPES,
    RENDER_SCALE,
    DocInfo,
    is_document,
    probe_document,
    read_text,
    render_page,
    sniff,
)
from storage.documents.pages import PageCache
from storage.documents.pdf import PASSWORD_PROBLEM, fit_scale
from storage.errors import BadDocument, KnownStorageError

from . import fixtures_pdf as fx
from .conftest import ROOT

PDF = "application/pdf"
LINES_P1 = [
    "电子发票（普通发票） 发票号码：24442000000123456789 开票日期：2026年11月20日",
    "Order 2026-1120 shipped to 北京市 Haidian",
    "价税合计（小写）¥128.00",
]
LINES_P2 = ["第二页 second page", "统一社会信用代码 91440101MA5CXXXX1B"]


@pytest.fixture(scope="module")
def two_pages() -> bytes:
    return fx.text_pdf([LINES_P1, LINES_P2], title="电子发票 Invoice")


def _ink(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """How many dark pixels `box` holds in `image`."""
    crop = image.crop(box).convert("L")
    return sum(crop.histogram()[:128])


# -- kinds and sniffing ----------------------------------------------------------------


def test_kinds_media_types_and_extensions_agree() -> None:
    assert DOC_KINDS == ("pdf", "ofd", "xml", "email")
    assert set(MEDIA_TYPES) == set(DOC_KINDS)
    assert {KIND_OF_MEDIA[m] for m in MEDIA_TYPES.values()} == set(DOC_KINDS)
    assert EXTENSIONS == {
        "application/pdf": "pdf",
        "application/ofd": "ofd",
        "application/xml": "xml",
        "message/rfc822": "eml",
    }
    assert is_document("application/pdf") and is_document("message/rfc822")
    assert not is_document("image/png") and not is_document(None)
    assert issubclass(BadDocument, KnownStorageError)


def test_sniff_tells_documents_from_images_and_junk(two_pages: bytes) -> None:
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    assert sniff(two_pages) == "pdf"
    assert sniff(b"\n\n" + two_pages, "x.pdf") == "pdf"  # PDFium accepts a header after junk
    assert sniff(fx.encrypted_pdf()) == "pdf"
    assert sniff(png.getvalue(), "a.png") is None
    assert sniff(png.getvalue(), "renamed.pdf") is None  # an image stays an image, whatever its name
    assert sniff(b'<?xml version="1.0" encoding="UTF-8"?><EInvoice/>') == "xml"
    assert sniff(b"From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nbody") == "email"
    assert sniff(b"PK\x03\x04not really a zip") is None
    assert sniff(fx.not_a_pdf()) is None
    # Bytes that decide nothing are taken at their name's word, so probing can say what is
    # wrong with them as that kind.
    assert sniff(fx.not_a_pdf(), "a.pdf") == "pdf"
    assert sniff(b"PK\x03\x04not really a zip", "invoice.OFD") == "ofd"
    assert sniff("购物清单\n牛奶 两盒\n".encode(), "list.eml") == "email"
    assert sniff(b"<Invoice/>", "fapiao.xml") == "xml"
    assert sniff(b"<Invoice/>", "fapiao.txt") is None


# -- probe -------------------------------------------------------------------------------


def test_probe_text_pdf(two_pages: bytes) -> None:
    info = probe_document(two_pages, "invoice.pdf")
    assert isinstance(info, DocInfo)
    assert (info.kind, info.media_type, info.pages, info.problem) == ("pdf", PDF, 2, None)
    assert (info.width, info.height) == (1190, 1684)  # A4 at 2 pixels per point
    assert info.title == "电子发票 Invoice"
    assert info.info == {"page_sizes": [[1190, 1684], [1190, 1684]], "text_layer": True}
    json.dumps(info.info)  # stored as JSON


def test_probe_scanned_pdf_has_no_text_layer() -> None:
    data = fx.scanned_pdf([Image.new("RGB", (300, 200), "white"), Image.new("RGB", (200, 300), "white")])
    info = probe_document(data, "scan.pdf")
    assert (info.pages, info.width, info.height) == (2, 300, 200)
    assert info.info == {"page_sizes": [[300, 200], [200, 300]], "text_layer": False}
    assert info.title is None


def test_password_protected_pdf_is_kept_with_a_problem() -> None:
    import pypdfium2

    data = fx.encrypted_pdf()
    info = probe_document(data, "locked.pdf")
    assert (info.kind, info.pages, info.width, info.height) == ("pdf", 0, 0, 0)
    assert info.problem == PASSWORD_PROBLEM
    assert "password" in info.problem
    # It is a real encrypted PDF: without the password PDFium refuses it, with it it opens.
    with pytest.raises(pypdfium2.PdfiumError):
        pypdfium2.PdfDocument(data)
    doc = pypdfium2.PdfDocument(data, password=fx.PASSWORD)
    try:
        page = doc[0]
        textpage = page.get_textpage()
        assert textpage.get_text_range() == "Secret invoice"
        textpage.close()
        page.close()
    finally:
        doc.close()
    with pytest.raises(BadDocument, match="password"):
        read_text(data, PDF)
    with pytest.raises(BadDocument, match="password"):
        render_page(data, PDF, 0)


def test_too_many_pages_refused_and_the_limit_accepted() -> None:
    with pytest.raises(BadDocument) as err:
        probe_document(fx.many_pages_pdf(MAX_PAGES + 1), "huge-report.pdf")
    assert str(err.value).startswith("huge-report.pdf has 1001 pages")
    assert str(MAX_PAGES) in str(err.value)
    info = probe_document(fx.many_pages_pdf(MAX_PAGES), "report.pdf")
    assert info.pages == MAX_PAGES and len(info.info["page_sizes"]) == MAX_PAGES


def test_huge_page_is_rendered_under_the_pixel_cap() -> None:
    data = fx.huge_page_pdf()
    info = probe_document(data, "poster.pdf")
    assert info.pages == 1
    assert info.width * info.height <= MAX_PAGE_PIXELS
    assert info.width == info.height > 6000  # the scale reduced (~0.44), not the page refused
    image = render_page(data, PDF, 0, max_pixels=1_000_000)
    assert image.mode == "RGB"
    assert image.width * image.height <= 1_000_000
    assert image.width == image.height >= 990
    # The blue frame (60 pt wide) drawn 100 pt inside the edge is there, at the reduced scale.
    scale = image.width / 14400
    x = round(100 * scale)
    column = [image.getpixel((x, y)) for y in range(image.height // 4, image.height // 2)]
    assert any(b > 150 and r < 100 for r, _g, b in column)  # type: ignore[misc]


def test_fit_scale() -> None:
    assert fit_scale(595, 842, 2.0, MAX_PAGE_PIXELS) == 2.0
    s = fit_scale(14400, 14400, 2.0, 40_000_000)
    assert 0.43 < s < 0.44
    for w, h, cap in ((14400, 14400, 40_000_000), (3, 14400, 1000), (595.3, 841.9, 12345), (1, 1, 1)):
        s = fit_scale(w, h, 2.0, cap)
        assert -(-w * s // 1) * -(-h * s // 1) <= cap
    with pytest.raises(ValueError):
        fit_scale(10, 10, 0, 100)


@pytest.mark.parametrize(
    ("make", "expect"),
    [
        (fx.not_a_pdf, "is not a PDF (it does not start with a PDF header)"),
        (fx.truncated_pdf, "is an incomplete PDF"),
        (fx.fake_pdf, "is not a readable PDF"),
        (lambda: b"", "is empty"),
        (lambda: b"%PDF-1.4\n%%EOF\n", "is not a readable PDF"),
    ],
)
def test_broken_files_are_refused_with_their_name(make, expect) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadDocument) as err:
        probe_document(make(), "facture 2026.pdf")
    message = str(err.value)
    assert message.startswith("facture 2026.pdf ")
    assert expect in message


def test_a_page_that_cannot_be_loaded_is_damage() -> None:
    data = fx.text_pdf([["一"], ["二"]])
    at = data.rfind(b"/Type /Page /Parent")
    broken = data[:at] + b"/Type /Pagx /Parent" + data[at + 19 :]
    with pytest.raises(BadDocument, match=r"^scan\.pdf is a damaged PDF"):
        probe_document(broken, "scan.pdf")
    with pytest.raises(BadDocument, match="damaged"):
        read_text(broken, PDF)
    with pytest.raises(BadDocument, match="damaged"):
        render_page(broken, PDF, 1)


def test_bytes_of_no_kind_are_refused_with_their_name() -> None:
    with pytest.raises(BadDocument, match=r"^notes is not a PDF, OFD, XML or e-mail file"):
        probe_document(fx.not_a_pdf(), "notes")


def test_read_text_and_render_refuse_broken_bytes() -> None:
    for data in (fx.fake_pdf(), fx.not_a_pdf()):
        with pytest.raises(BadDocument):
            read_text(data, PDF)
        with pytest.raises(BadDocument):
            render_page(data, PDF, 0)
    with pytest.raises(BadDocument):
        read_text(fx.text_pdf([["x"]]), "image/png")


# -- text and word boxes -----------------------------------------------------------------


def test_read_text_gives_the_cjk_text_back(two_pages: bytes) -> None:
    doc = read_text(two_pages, PDF)
    assert doc.engine == "pdf-text"
    assert doc.text == "\n".join(LINES_P1) + "\n\n" + "\n".join(LINES_P2)
    assert "\r" not in doc.text
    assert doc.pages_without_text == ()


def test_words_are_on_their_page_and_their_line(two_pages: bytes) -> None:
    doc = read_text(two_pages, PDF)
    texts = [w.text for w in doc.words]
    # CJK one character a word (the search matches across words), Latin and digits whole.
    assert texts[:4] == ["电", "子", "发", "票"]
    for word in ("24442000000123456789", "Order", "2026-1120", "Haidian", "¥128.00", "91440101MA5CXXXX1B"):
        assert word in texts, word
    assert all(w.conf == 100.0 for w in doc.words)
    page_of = {w.text: w.page for w in doc.words}
    assert page_of["Order"] == 0 and page_of["second"] == 1 and page_of["91440101MA5CXXXX1B"] == 1

    pages = [render_page(two_pages, PDF, p) for p in (0, 1)]
    lines = {0: LINES_P1, 1: LINES_P2}
    for w in doc.words:
        left, top, right, bottom = w.box
        assert 0 <= left < right <= pages[w.page].width and 0 <= top < bottom <= pages[w.page].height
        # The word lies within the band of a line that holds it.
        bands = [fx.line_box_pixels(i) for i in range(len(lines[w.page]))]
        inside = [i for i, b in enumerate(bands) if b[0] <= left and b[1] <= top and bottom <= b[3]]
        assert len(inside) == 1 and w.text in lines[w.page][inside[0]], (w, inside)
        assert _ink(pages[w.page], w.box) > 0, w  # the word's box covers its printed glyphs
    # Words of one line read left to right.
    first_line = [w for w in doc.words if w.page == 0 and w.box[1] < fx.line_box_pixels(0)[3]]
    assert [w.box[0] for w in first_line] == sorted(w.box[0] for w in first_line)


def test_word_boxes_follow_a_rotated_page() -> None:
    data = fx.text_pdf([["旋转 rotated 页面"]], rotate=90)
    info = probe_document(data, "rotated.pdf")
    assert (info.width, info.height) == (1684, 1190)  # landscape as shown
    doc = read_text(data, PDF)
    image = render_page(data, PDF, 0)
    assert image.size == (1684, 1190)
    assert [w.text for w in doc.words] == ["旋", "转", "rotated", "页", "面"]
    for w in doc.words:
        left, top, right, bottom = w.box
        assert 0 <= left < right <= image.width and 0 <= top < bottom <= image.height
        assert _ink(image, w.box) > 0, w
    # Turned a quarter clockwise, the line runs down the page's right side.
    assert all(w.box[0] > image.width // 2 for w in doc.words)
    assert [w.box[1] for w in doc.words] == sorted(w.box[1] for w in doc.words)


def test_scanned_pages_are_left_for_ocr() -> None:
    red = Image.new("RGB", (240, 160), (200, 30, 30))
    draw = ImageDraw.Draw(red)
    draw.rectangle((20, 20, 100, 60), fill="white")
    data = fx.scanned_pdf([red, red])
    doc = read_text(data, PDF)
    assert (doc.text, doc.words, doc.pages_without_text, doc.facts) == ("", (), (0, 1), None)
    image = render_page(data, PDF, 1)
    assert image.size == (240, 160)  # 144 dpi scan at 2 pixels per point
    r, g, b = image.getpixel((200, 120))  # type: ignore[misc]
    assert r > 150 and g < 80 and b < 80
    assert image.convert("L").getpixel((60, 40)) > 220  # type: ignore[operator]


def test_mixed_text_and_scanned_pages() -> None:
    text_pages = fx.text_pdf([["有文字的页"], [], ["第三页"]])
    doc = read_text(text_pages, PDF)
    assert doc.pages_without_text == (1,)
    assert doc.text.split("\n\n") == ["有文字的页", "", "第三页"]


def test_invoice_pdf_has_its_facts_as_text() -> None:
    doc = read_text(fx.invoice_pdf(), PDF)
    for part in (
        "电子发票（普通发票）",
        f"发票号码：{fx.INVOICE_NUMBER}",
        f"开票日期：{fx.INVOICE_DATE}",
        fx.SELLER_NAME,
        fx.SELLER_TAX_ID,
        "价税合计（小写）¥128.00",
    ):
        assert part in doc.text, part
    assert fx.invoice_text().split("\n")[1] == f"发票号码：{fx.INVOICE_NUMBER}"
    assert doc.facts is not None
    assert doc.facts.invoice_number == fx.INVOICE_NUMBER
    assert doc.facts.total == "128.00"
    assert doc.facts.source == "pdf-text"


# -- rendering -------------------------------------------------------------------------


def test_render_page_sizes(two_pages: bytes) -> None:
    assert render_page(two_pages, PDF, 0).size == (1190, 1684)
    assert render_page(two_pages, PDF, 1, scale=1.0).size == (595, 842)
    small = render_page(two_pages, PDF, 0, max_pixels=100_000)
    assert small.width * small.height <= 100_000 and small.mode == "RGB"
    assert abs(small.width / small.height - 595 / 842) < 0.01
    with pytest.raises(BadDocument, match="no page 3"):
        render_page(two_pages, PDF, 2)
    with pytest.raises(BadDocument):
        render_page(two_pages, PDF, -1)
    with pytest.raises(BadDocument):
        render_page(b"From: a\r\nTo: b\r\n\r\nhi", "message/rfc822", 0)


def test_pdfium_is_used_from_many_threads_at_once(two_pages: bytes) -> None:
    expected_text = read_text(two_pages, PDF).text
    expected_px = render_page(two_pages, PDF, 1, scale=0.5).tobytes()

    def work(i: int) -> bool:
        if i % 2:
            return read_text(two_pages, PDF).text == expected_text
        return render_page(two_pages, PDF, 1, scale=0.5).tobytes() == expected_px

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(work, range(32)))


# -- the page cache --------------------------------------------------------------------


SHA = "ab" + "0" * 62


class Loader:
    """Counts how often the cache reads the original's bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self) -> bytes:
        with self._lock:
            self.calls += 1
        return self.data


def test_page_cache_renders_once_into_its_place(tmp_path: Path, two_pages: bytes) -> None:
    cache = PageCache(tmp_path / "pages")
    loader = Loader(two_pages)
    path = cache.page_png(SHA, loader, PDF, 1)
    assert path == tmp_path / "pages" / "ab" / SHA / "1.png"
    with Image.open(path) as img:
        assert img.format == "PNG" and img.size == (1190, 1684)
        assert img.convert("RGB").tobytes() == render_page(two_pages, PDF, 1).tobytes()
    for folder in (tmp_path / "pages", path.parent.parent, path.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert cache.page_png(SHA, loader, PDF, 1) == path
    assert loader.calls == 1
    assert os.listdir(path.parent) == ["1.png"]  # no temporary file left


def test_page_cache_rerenders_a_damaged_file(tmp_path: Path, two_pages: bytes) -> None:
    cache = PageCache(tmp_path / "pages")
    loader = Loader(two_pages)
    path = cache.page_png(SHA, loader, PDF, 0)
    good = path.read_bytes()

    path.write_bytes(good[: len(good) // 2])  # cut short
    assert PageCache(tmp_path / "pages").page_png(SHA, loader, PDF, 0) == path
    assert loader.calls == 2 and path.read_bytes() == good

    damaged = bytearray(good)
    damaged[len(good) // 2] ^= 0xFF  # one byte flipped inside the image data
    path.write_bytes(bytes(damaged))
    os.utime(path, ns=(1, 1))  # even if its time looked unchanged to a stat-only check
    assert cache.page_png(SHA, loader, PDF, 0) == path
    assert loader.calls == 3 and path.read_bytes() == good

    path.write_bytes(b"not a png")
    assert cache.page_png(SHA, loader, PDF, 0) == path
    assert loader.calls == 4 and path.read_bytes() == good

    path.unlink()
    assert cache.page_png(SHA, loader, PDF, 0).read_bytes() == good
    assert loader.calls == 5


def test_page_cache_writes_whole_files_or_nothing(
    tmp_path: Path, two_pages: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = PageCache(tmp_path / "pages")

    def full_disk(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError):
        cache.page_png(SHA, Loader(two_pages), PDF, 0)
    folder = tmp_path / "pages" / "ab" / SHA
    assert os.listdir(folder) == []  # neither a page nor a temporary file
    monkeypatch.undo()
    assert cache.page_png(SHA, Loader(two_pages), PDF, 0) == folder / "0.png"


def test_page_cache_is_thread_safe(tmp_path: Path, two_pages: bytes) -> None:
    cache = PageCache(tmp_path / "pages")
    loader = Loader(two_pages)
    start = threading.Barrier(8)

    def ask(i: int) -> Path:
        start.wait()
        return cache.page_png(SHA, loader, PDF, i % 2)

    with ThreadPoolExecutor(8) as pool:
        paths = list(pool.map(ask, range(8)))
    assert {p.name for p in paths} == {"0.png", "1.png"}
    assert loader.calls == 2  # each page rendered once, however many asked at once
    assert sorted(os.listdir(paths[0].parent)) == ["0.png", "1.png"]
    for p in set(paths):
        with Image.open(p) as img:
            img.verify()


def test_page_cache_refuses_bad_keys_and_pages(tmp_path: Path, two_pages: bytes) -> None:
    cache = PageCache(tmp_path / "pages")
    for bad in ("../" + "a" * 61, "A" * 64, "ab"):
        with pytest.raises(ValueError):
            cache.page_png(bad, Loader(two_pages), PDF, 0)
    with pytest.raises(BadDocument):
        cache.page_png(SHA, Loader(two_pages), PDF, 5)
    with pytest.raises(BadDocument):
        cache.page_png(SHA, Loader(fx.encrypted_pdf()), PDF, 0)
    assert not (tmp_path / "pages" / "ab" / SHA / "5.png").exists()
    cache.page_png(SHA, Loader(two_pages), PDF, 0)
    cache.discard(SHA)
    assert not (tmp_path / "pages" / "ab" / SHA).exists()


# -- plain Python -----------------------------------------------------------------------


def test_pdfium_runs_no_scripts() -> None:
    import pypdfium2

    assert not {"V8", "XFA"} & set(pypdfium2.PDFIUM_INFO.flags)


def test_documents_load_neither_sqlalchemy_nor_qt() -> None:
    code = (
        "import sys\n"
        "import storage.documents, storage.documents.pdf, storage.documents.pages\n"
        "from tests import fixtures_pdf\n"
        "storage.documents.read_text(fixtures_pdf.text_pdf([['字']]), 'application/pdf')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'PySide6', 'alembic')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert RENDER_SCALE == 2.0
