"""Test PDFs written by hand, with no external tool: a CJK text layer, a scanned page
(JPEG only), a password-protected file (standard security handler, RC4), many pages, a huge
page, an invoice laid out like a 数电票, and broken files.

The text layer uses the non-embedded Adobe font STSong-Light with the UniGB-UCS2-H encoding
(UCS-2 codes; what PDF writers such as ReportLab emit for Chinese), plus a ToUnicode map so
any reader gets the text back exactly. Every function returns the file's bytes.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from collections.abc import Sequence

from PIL import Image

#: Points per line of text in text_pdf pages.
LINE_HEIGHT = 20
FONT_SIZE = 12
PAGE_W, PAGE_H = 595, 842  # A4 in points
MARGIN_X, MARGIN_TOP = 50, 60

INVOICE_NUMBER = "24442000000123456789"
INVOICE_DATE = "2026年11月20日"
SELLER_NAME = "广州市示例电子商务有限公司"
SELLER_TAX_ID = "91440101MA5CXXXX1B"  # a valid unified social credit code (check character B)


def _pdf_string_hex(data: bytes) -> bytes:
    return b"<" + data.hex().upper().encode() + b">"


def _utf16(text: str) -> bytes:
    """UCS-2 big-endian codes of `text` (what UniGB-UCS2-H maps); outside the BMP is replaced."""
    return "".join(ch if ord(ch) <= 0xFFFF else "?" for ch in text).encode("utf-16-be")


_TO_UNICODE = (
    b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
    b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    + b"".join(
        b"%d beginbfrange\n" % len(block)
        + b"".join(b"<%02X00> <%02XFF> <%02X00>\n" % (hi, hi, hi) for hi in block)
        + b"endbfrange\n"
        for block in (
            [h for h in range(0x00, 0x64) if not 0xD8 <= h <= 0xDF],
            [h for h in range(0x64, 0xC8) if not 0xD8 <= h <= 0xDF],
            [h for h in range(0xC8, 0x100) if not 0xD8 <= h <= 0xDF],
        )
    )
    + b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
)


class _Writer:
    """The objects of one PDF, numbered from 1, written with a classic xref table.
    With `encrypt` = (key, encrypt_dict_number), strings and streams are RC4-encrypted."""

    def __init__(self) -> None:
        self.objects: list[bytes | tuple[bytes, bytes] | None] = []

    def reserve(self) -> int:
        self.objects.append(None)
        return len(self.objects)

    def set(self, num: int, body: bytes) -> int:
        self.objects[num - 1] = body
        return num

    def add(self, body: bytes) -> int:
        return self.set(self.reserve(), body)

    def add_stream(self, data: bytes, extra: bytes = b"", *, compress: bool = True) -> int:
        num = self.reserve()
        if compress:
            data = zlib.compress(data)
            extra = b"/Filter /FlateDecode " + extra
        self.objects[num - 1] = (extra, data)
        return num

    def build(
        self,
        root: int,
        *,
        info: int | None = None,
        encrypt: tuple[bytes, int] | None = None,
        file_id: bytes = b"\x00" * 16,
    ) -> bytes:
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets: list[int] = []
        for num, body in enumerate(self.objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % num
            if isinstance(body, tuple):
                extra, data = body
                if encrypt is not None and num != encrypt[1]:
                    data = _rc4(_object_key(encrypt[0], num), data)
                out += b"<< " + extra + b"/Length %d >>\nstream\n" % len(data) + data + b"\nendstream"
            else:
                assert body is not None, f"object {num} reserved but never set"
                out += body
            out += b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.objects) + 1)
        for off in offsets:
            out += b"%010d 00000 n \n" % off
        trailer = b"/Size %d /Root %d 0 R /ID [<%s> <%s>]" % (
            len(self.objects) + 1,
            root,
            file_id.hex().encode(),
            file_id.hex().encode(),
        )
        if info is not None:
            trailer += b" /Info %d 0 R" % info
        if encrypt is not None:
            trailer += b" /Encrypt %d 0 R" % encrypt[1]
        out += b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)


def _cjk_font(w: _Writer) -> int:
    """A Type0 font: STSong-Light (not embedded), UniGB-UCS2-H, with a ToUnicode map."""
    to_unicode = w.add_stream(_TO_UNICODE)
    descriptor = w.add(
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
    )
    cid_font = w.add(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >>"
        b" /FontDescriptor %d 0 R /DW 1000 /W [1 95 500] >>" % descriptor
    )
    return w.add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
        b" /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cid_font, to_unicode)
    )


def _text_ops(lines: Sequence[tuple[float, float, str]], size: float = FONT_SIZE) -> bytes:
    """Content-stream operators showing each (x, y, text) in font /F1 (y from the page's top)."""
    ops = bytearray()
    for x, y_top, text in lines:
        ops += b"BT /F1 %.2f Tf 1 0 0 1 %.2f %.2f Tm %s Tj ET\n" % (
            size,
            x,
            PAGE_H - y_top - size,
            _pdf_string_hex(_utf16(text)),
        )
    return bytes(ops)


def _pages_pdf(
    contents: Sequence[bytes],
    *,
    font: bool = True,
    media_box: tuple[float, float] = (PAGE_W, PAGE_H),
    title: str | None = None,
    rotate: int = 0,
) -> bytes:
    w = _Writer()
    catalog = w.reserve()
    pages = w.reserve()
    font_num = _cjk_font(w) if font else None
    resources = b"<< /Font << /F1 %d 0 R >> >>" % font_num if font_num else b"<< >>"
    kids = []
    shared: dict[bytes, int] = {}
    for content in contents:
        stream = shared.get(content)
        if stream is None:
            stream = shared[content] = w.add_stream(content)
        kids.append(
            w.add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Resources %s /Contents %d 0 R%s >>"
                % (
                    pages,
                    _num(media_box[0]),
                    _num(media_box[1]),
                    resources,
                    stream,
                    b" /Rotate %d" % rotate if rotate else b"",
                )
            )
        )
    w.set(
        pages,
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)),
    )
    w.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % pages)
    info = None
    if title is not None:
        info = w.add(
            b"<< /Title %s /Producer (Proofshot tests) >>" % _pdf_string_hex(b"\xfe\xff" + _utf16(title))
        )
    return w.build(catalog, info=info)


def _num(value: float) -> bytes:
    return (b"%d" % value) if float(value).is_integer() else (b"%.3f" % value)


def text_pdf(pages: list[list[str]], *, title: str | None = None, rotate: int = 0) -> bytes:
    """A PDF with a real text layer: page i shows pages[i]'s lines, one line every
    LINE_HEIGHT points from the top-left margin, in a 12 pt CJK font. An empty list makes a
    page with no text."""
    contents = [
        _text_ops([(MARGIN_X, MARGIN_TOP + i * LINE_HEIGHT, line) for i, line in enumerate(lines)])
        for lines in pages
    ]
    return _pages_pdf(contents or [b""], title=title, rotate=rotate)


def line_box_pixels(line: int, scale: float = 2.0) -> tuple[int, int, int, int]:
    """Where text_pdf's line `line` lies on the page image at `scale` (an upright page):
    (left, top, right, bottom) of the line's band, generous enough for any glyph."""
    top = MARGIN_TOP + line * LINE_HEIGHT
    return (
        int(MARGIN_X * scale) - 2,
        int((top - 4) * scale),
        int(PAGE_W * scale),
        int((top + FONT_SIZE + 6) * scale),
    )


def invoice_lines(
    *,
    number: str = INVOICE_NUMBER,
    issued: str = INVOICE_DATE,
    buyer_name: str = "张三",
    buyer_tax_id: str = "",
    seller_name: str = SELLER_NAME,
    seller_tax_id: str = SELLER_TAX_ID,
    item: str = "*日用杂品*不锈钢保温杯",
    amount: str = "113.27",
    tax: str = "14.73",
    total: str = "128.00",
    total_words: str = "壹佰贰拾捌圆整",
) -> list[tuple[float, float, str]]:
    """(x, y_top, text) of a 数电票 (fully digital e-invoice) laid out like the real one."""
    return [
        (200, 40, "电子发票（普通发票）"),
        (380, 80, f"发票号码：{number}"),
        (380, 100, f"开票日期：{issued}"),
        (40, 140, "购买方信息"),
        (90, 140, f"名称：{buyer_name}"),
        (90, 160, f"统一社会信用代码/纳税人识别号：{buyer_tax_id}"),
        (290, 140, "销售方信息"),
        (340, 140, f"名称：{seller_name}"),
        (340, 160, f"统一社会信用代码/纳税人识别号：{seller_tax_id}"),
        (40, 200, "项目名称"),
        (200, 200, "金额"),
        (280, 200, "税率/征收率"),
        (380, 200, "税额"),
        (40, 220, item),
        (200, 220, amount),
        (280, 220, "13%"),
        (380, 220, tax),
        (40, 260, f"合计 ¥{amount} ¥{tax}"),
        (40, 290, f"价税合计（大写） {total_words}"),
        (320, 290, f"价税合计（小写）¥{total}"),
        (40, 330, "备注"),
        (40, 370, "开票人：李四"),
    ]


def invoice_pdf(**fields: str) -> bytes:
    """A one-page 数电票-like invoice PDF with a text layer (see invoice_lines for the fields:
    number, issued, buyer_name, buyer_tax_id, seller_name, seller_tax_id, item, amount, tax,
    total, total_words)."""
    lines = invoice_lines(**fields)
    frame = b"0.6 0.3 0.2 RG 1 w 30 %d 545 %d re S\n" % (PAGE_H - 400, 300)
    return _pages_pdf([frame + _text_ops(lines, size=9)], title=None)


def invoice_text(**fields: str) -> str:
    """The invoice's lines as plain text, in reading order (what facts_from_text is given)."""
    return "\n".join(text for _, _, text in invoice_lines(**fields))


def scanned_pdf(images: list[Image.Image], *, dpi: float = 144) -> bytes:
    """A PDF whose pages are only JPEG images (DCTDecode), no text layer: a scan. Each page
    is the image's size at `dpi` (144 dpi: rendered at scale 2 it is the image's size)."""
    w = _Writer()
    catalog = w.reserve()
    pages = w.reserve()
    kids = []
    for img in images:
        buf = io.BytesIO()
        img.convert("RGB").save(buf, "JPEG", quality=90)
        xobj = w.add_stream(
            buf.getvalue(),
            b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB"
            b" /BitsPerComponent 8 /Filter /DCTDecode " % img.size,
            compress=False,
        )
        pw, ph = img.width * 72 / dpi, img.height * 72 / dpi
        content = w.add_stream(b"q %s 0 0 %s 0 0 cm /Im0 Do Q\n" % (_num(pw), _num(ph)))
        kids.append(
            w.add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s]"
                b" /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages, _num(pw), _num(ph), xobj, content)
            )
        )
    w.set(
        pages,
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)),
    )
    w.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % pages)
    return w.build(catalog)


# -- the standard security handler (PDF 1.7, 7.6.3), revision 2: RC4 with a 40-bit key ----

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray(len(data))
    i = j = 0
    for n, byte in enumerate(data):
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out[n] = byte ^ s[(s[i] + s[j]) % 256]
    return bytes(out)


def _object_key(key: bytes, num: int, gen: int = 0) -> bytes:
    digest = hashlib.md5(key + struct.pack("<I", num)[:3] + struct.pack("<H", gen)).digest()
    return digest[: min(len(key) + 5, 16)]


#: The user password of encrypted_pdf().
PASSWORD = "secret"


def encrypted_pdf(password: str = PASSWORD, owner_password: str = "owner") -> bytes:
    """A one-page text PDF protected by a user password (RC4, 40 bit, revision 2): it
    cannot be opened without `password`."""
    file_id = hashlib.md5(b"proofshot test pdf").digest()
    user = (password.encode("latin-1") + _PAD)[:32]
    owner = (owner_password.encode("latin-1") + _PAD)[:32]
    o_value = _rc4(hashlib.md5(owner).digest()[:5], user)
    p_value = -44  # print, copy etc. allowed; the bits do not matter here
    key = hashlib.md5(user + o_value + struct.pack("<i", p_value) + file_id).digest()[:5]
    u_value = _rc4(key, _PAD)

    w = _Writer()
    catalog = w.reserve()
    pages = w.reserve()
    content = w.add_stream(b"BT /F1 24 Tf 72 720 Td (Secret invoice) Tj ET\n")
    font = w.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    page = w.add(
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >>"
        b" /Contents %d 0 R >>" % (pages, font, content)
    )
    w.set(pages, b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page)
    w.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % pages)
    encrypt = w.add(
        b"<< /Filter /Standard /V 1 /R 2 /Length 40 /O %s /U %s /P %d >>"
        % (_pdf_string_hex(o_value), _pdf_string_hex(u_value), p_value)
    )
    return w.build(catalog, encrypt=(key, encrypt), file_id=file_id)


def many_pages_pdf(n: int) -> bytes:
    """A PDF of `n` small pages sharing one content stream ("Page" in Latin text)."""
    return _pages_pdf([_text_ops([(MARGIN_X, MARGIN_TOP, "Page")])] * n)


def huge_page_pdf(side: float = 14400) -> bytes:
    """One page of side x side points (14400 pt = 200 in, the most PDF allows) with a
    little text and a rectangle."""
    content = b"0 0 1 RG 60 w 100 100 %s %s re S\n" % (_num(side - 200), _num(side - 200)) + _text_ops(
        [(MARGIN_X, MARGIN_TOP, "巨大的页面 huge page")]
    )
    return _pages_pdf([content], media_box=(side, side))


def not_a_pdf() -> bytes:
    """Bytes that claim nothing: plain text."""
    return b"This is not a PDF at all, just a few words of text.\n" * 4


def fake_pdf() -> bytes:
    """A PDF header and end-of-file marker around garbage."""
    return b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


def truncated_pdf() -> bytes:
    """A text PDF cut short: the first 60% of its bytes (an interrupted download)."""
    data = text_pdf([["电子发票（普通发票）", "发票号码：24442000000123456789"]] * 3)
    return data[: len(data) * 6 // 10]
