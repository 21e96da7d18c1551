"""Put original PNG and JPEG data into a PDF that Qt wrote (the evidence report).

Qt's PDF writer re-encodes every image it draws (as JPEG for colour images: lossy, and
larger than the PNG screenshots). The report therefore has Qt draw a tiny stand-in image
for each capture, of a size that names it, and this module swaps each stand-in's image
object for the original's data (ADR 013):

- JPEG (greyscale or RGB, upright): the file's bytes as they are, /DCTDecode;
- PNG, non-interlaced, without alpha or transparency (grey 1-16 bits, RGB 8 or 16 bits,
  palette): the concatenated IDAT data as they are, /FlateDecode with the PNG predictor
  (/DecodeParms << /Predictor 15 ... >>), a palette as an /Indexed colour space;
- any other PNG (alpha, tRNS transparency, interlaced): decoded once and stored
  losslessly, /FlateDecode, with the alpha as a soft mask.

Anything else (`embeddable` answers None) is left to Qt. The PDF Qt writes is a plain
PDF 1.4 file with one cross-reference table; the objects are copied in order, the
stand-ins replaced, new soft-mask objects appended, and the table rebuilt.
Plain Python (and Pillow for the decoded case): no Qt here.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_PNG_SIG = b"\x89PNG\r\n\x1a\n"


@dataclass
class Embedded:
    """An image XObject's dictionary entries (without /Length) and stream data."""

    entries: bytes
    data: bytes
    width: int
    height: int
    smask: bytes | None = None  # 8-bit grey alpha, Flate-compressed


def embeddable(path: Path) -> bool:
    """Whether `embed` can take this file (a PNG or a JPEG that it can read)."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        return False
    if head == _PNG_SIG:
        return True
    if head[:3] == b"\xff\xd8\xff":
        return _jpeg_info(path) is not None
    return False


def _jpeg_info(path: Path) -> tuple[int, int, str] | None:
    """(width, height, colour space) of a JPEG that can go into a PDF as it is."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            if im.format != "JPEG":
                return None
            orientation = im.getexif().get(0x0112, 1)
            if orientation not in (0, 1):  # would be shown turned: leave it to Qt
                return None
            if im.mode == "L":
                return im.width, im.height, "/DeviceGray"
            if im.mode == "RGB":
                return im.width, im.height, "/DeviceRGB"
            return None  # CMYK and others: leave to Qt
    except (OSError, ValueError, SyntaxError):
        return None


def _png_chunks(data: bytes) -> tuple[dict[str, bytes], bytes]:
    """({chunk type: data} of the first of each type, concatenated IDAT data)."""
    if not data.startswith(_PNG_SIG):
        raise ValueError("not a PNG")
    pos = 8
    first: dict[str, bytes] = {}
    idat: list[bytes] = []
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8].decode("latin-1")
        body = data[pos + 8 : pos + 8 + length]
        if kind == "IDAT":
            idat.append(body)
        else:
            first.setdefault(kind, body)
        pos += 12 + length
        if kind == "IEND":
            break
    return first, b"".join(idat)


def embed(path: Path) -> Embedded | None:
    """The image object for the file at `path`, its data passed through where the PDF
    format allows; None if it is neither a PNG nor a JPEG this module takes."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:3] == b"\xff\xd8\xff":
        info = _jpeg_info(path)
        if info is None:
            return None
        w, h, jpeg_space = info
        entries = b"/BitsPerComponent 8\n/ColorSpace %s\n/Filter /DCTDecode\n" % jpeg_space.encode()
        return Embedded(entries, raw, w, h)
    if not raw.startswith(_PNG_SIG):
        return None
    chunks, idat = _png_chunks(raw)
    ihdr = chunks.get("IHDR", b"")
    if len(ihdr) != 13:
        return None
    w, h, depth, colour, _comp, _filter, interlace = struct.unpack(">IIBBBBB", ihdr)
    as_is = interlace == 0 and "tRNS" not in chunks and idat
    if as_is and (colour == 0 and depth in (1, 2, 4, 8, 16) or colour == 2 and depth in (8, 16)):
        colours = 1 if colour == 0 else 3
        space = b"/DeviceGray" if colour == 0 else b"/DeviceRGB"
        return Embedded(_flate_png(space, depth, colours, w), idat, w, h)
    plte = chunks.get("PLTE")
    if as_is and colour == 3 and depth in (1, 2, 4, 8) and plte and len(plte) % 3 == 0:
        space = b"[/Indexed /DeviceRGB %d <%s>]" % (len(plte) // 3 - 1, plte.hex().encode())
        return Embedded(_flate_png(space, depth, 1, w), idat, w, h)
    return _decoded(path)


def _flate_png(space: bytes, depth: int, colours: int, width: int) -> bytes:
    return (
        b"/BitsPerComponent %d\n/ColorSpace %s\n/Filter /FlateDecode\n"
        b"/DecodeParms << /Predictor 15 /Colors %d /BitsPerComponent %d /Columns %d >>\n"
        % (depth, space, colours, depth, width)
    )


def _decoded(path: Path) -> Embedded | None:
    """Decode once (Pillow) and store losslessly: 8-bit grey or RGB, alpha as a soft mask."""
    from PIL import Image

    try:
        with Image.open(path) as opened:
            opened.load()
            im: Image.Image = opened
            alpha = None
            if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info:
                im = im.convert("LA" if im.mode == "LA" else "RGBA")
                alpha = im.getchannel("A")
                im = im.convert("L" if im.mode == "LA" else "RGB")
            elif im.mode not in ("L", "RGB"):
                im = im.convert("RGB")
            w, h = im.size
            space = b"/DeviceGray" if im.mode == "L" else b"/DeviceRGB"
            data = zlib.compress(im.tobytes(), 6)
            smask = zlib.compress(alpha.tobytes(), 6) if alpha is not None else None
    except (OSError, ValueError, SyntaxError):
        return None
    entries = b"/BitsPerComponent 8\n/ColorSpace %s\n/Filter /FlateDecode\n" % space
    return Embedded(entries, data, w, h, smask)


_STARTXREF = re.compile(rb"startxref\s+(\d+)\s*%%EOF\s*$")
_IMAGE_HEAD = re.compile(
    rb"(\d+) 0 obj\s*<<\s*/Type /XObject\s*/Subtype /Image\s*/Width (\d+)\s*/Height (\d+)"
)
_LENGTH_REF = re.compile(rb"/Length (\d+) 0 R")
_SIZE = re.compile(rb"/Size \d+")


def _xref_offsets(data: bytes) -> tuple[dict[int, int], int, bytes]:
    """({object number: offset}, offset of the xref table, trailer dictionary text)."""
    m = _STARTXREF.search(data[-256:])
    if m is None:
        raise ValueError("no startxref")
    xref = int(m.group(1))
    if not data.startswith(b"xref", xref):
        raise ValueError("not a cross-reference table (a stream or an update)")
    trailer_at = data.index(b"trailer", xref)
    lines = data[xref + 4 : trailer_at].split(b"\n")
    offsets: dict[int, int] = {}
    i = 0
    lines = [ln.strip() for ln in lines if ln.strip()]
    while i < len(lines):
        first, count = (int(x) for x in lines[i].split())
        for k in range(count):
            off, _gen, kind = lines[i + 1 + k].split()
            if kind == b"n":
                offsets[first + k] = int(off)
        i += 1 + count
    end = data.index(b"startxref", trailer_at)
    if b"/Prev" in data[trailer_at:end]:
        raise ValueError("an updated PDF")
    return offsets, xref, data[trailer_at + len(b"trailer") : end].strip()


def replace_images(pdf: Path, by_size: Mapping[tuple[int, int], Embedded | Path]) -> int:
    """Replace every image object in `pdf` whose (width, height) is a key of `by_size` by
    that image (an `Embedded`, or a file given to `embed`). Writes a new file in place of
    the old one (fsynced); returns how many image objects were replaced."""
    data = pdf.read_bytes()
    offsets, xref, trailer = _xref_offsets(data)
    order = sorted(offsets.items(), key=lambda kv: kv[1])
    bounds = {
        num: (off, order[i + 1][1] if i + 1 < len(order) else xref) for i, (num, off) in enumerate(order)
    }
    targets: dict[int, tuple[int, int]] = {}
    lengths: dict[int, int] = {}  # length object -> image object
    for num, (start, stop) in bounds.items():
        m = _IMAGE_HEAD.match(data, start, stop)
        if m and (int(m.group(2)), int(m.group(3))) in by_size:
            targets[num] = (int(m.group(2)), int(m.group(3)))
            head_end = data.find(b"stream", start, stop)
            ref = _LENGTH_REF.search(data, start, head_end)
            if ref:
                lengths[int(ref.group(1))] = num
    if not targets:
        return 0
    size_entry = re.search(rb"/Size (\d+)", trailer)
    next_num = max(max(offsets) + 1, int(size_entry.group(1)) if size_entry else 0)
    new_lengths: dict[int, int] = {}
    new_offsets: dict[int, int] = {}
    tmp = pdf.with_name(pdf.name + ".part")
    with open(tmp, "wb") as out:
        pos = out.write(data[: order[0][1]])
        pending_masks: list[tuple[int, bytes]] = []
        for num, (start, stop) in sorted(bounds.items(), key=lambda kv: kv[1][0]):
            new_offsets[num] = pos
            if num in targets:
                source = by_size[targets[num]]
                image = source if isinstance(source, Embedded) else embed(source)
                if image is None:
                    raise ValueError(f"cannot embed {source}")
                mask_ref = b""
                if image.smask is not None:
                    mask_num = next_num
                    next_num += 1
                    pending_masks.append((mask_num, _mask_object(mask_num, image)))
                    mask_ref = b"/SMask %d 0 R\n" % mask_num
                head = (
                    b"%d 0 obj\n<<\n/Type /XObject\n/Subtype /Image\n/Width %d\n/Height %d\n%s%s/Length %d\n>>\nstream\n"
                    % (num, image.width, image.height, image.entries, mask_ref, len(image.data))
                )
                pos += out.write(head)
                pos += out.write(image.data)
                pos += out.write(b"\nendstream\nendobj\n")
                new_lengths[num] = len(image.data)
            elif num in lengths:
                # Qt's indirect /Length of the replaced stream; kept and made true.
                pos += out.write(b"%d 0 obj\n%d\nendobj\n" % (num, new_lengths.get(lengths[num], 0)))
            else:
                pos += out.write(data[start:stop])
        for mask_num, body in pending_masks:
            new_offsets[mask_num] = pos
            pos += out.write(body)
        size = max(next_num, max(new_offsets) + 1)
        table = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
        for n in range(1, size):
            if n in new_offsets:
                table.append(b"%010d 00000 n \n" % new_offsets[n])
            else:
                table.append(b"0000000000 65535 f \n")
        out.write(b"".join(table))
        out.write(b"trailer\n" + _SIZE.sub(b"/Size %d" % size, trailer) + b"\nstartxref\n%d\n%%%%EOF\n" % pos)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, pdf)
    return len(targets)


def _mask_object(num: int, image: Embedded) -> bytes:
    assert image.smask is not None
    return (
        b"%d 0 obj\n<<\n/Type /XObject\n/Subtype /Image\n/Width %d\n/Height %d\n/BitsPerComponent 8\n"
        b"/ColorSpace /DeviceGray\n/Filter /FlateDecode\n/Length %d\n>>\nstream\n"
        % (num, image.width, image.height, len(image.smask))
        + image.smask
        + b"\nendstream\nendobj\n"
    )
