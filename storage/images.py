"""Checking that bytes are an image Proofshot can keep, without altering them."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from .errors import BadImage

MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "BMP": "image/bmp"}
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/bmp": "bmp"}
#: Larger than three 8K screens side by side; anything bigger is not a screenshot.
MAX_PIXELS = 120_000_000
MAX_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class ImageInfo:
    media_type: str
    width: int
    height: int


def probe_image(data: bytes, name: str = "the image", decode: bool = True) -> ImageInfo:
    """Identify and fully decode `data`; raise BadImage with a plain message if it is
    not a complete PNG, JPEG, WebP or BMP of a believable size.

    `decode=False` reads only the header: for bytes this app has just encoded itself,
    where a second full decode would only cost time (30-60 ms on a full screen)."""
    if not data:
        raise BadImage(f"{name} is empty (0 bytes)")
    if len(data) > MAX_BYTES:
        raise BadImage(f"{name} is {len(data) // (1024 * 1024)} MB, too large to be a screenshot")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as img:
                fmt = img.format or ""
                if fmt not in MEDIA_TYPES:
                    raise BadImage(
                        f"{name} is a {fmt or 'unknown'} file; Proofshot keeps PNG, JPEG, WebP and BMP images"
                    )
                width, height = img.size
                if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
                    raise BadImage(f"{name} is {width}x{height} pixels, too large to be a real screenshot")
                if decode:
                    img.load()
        except BadImage:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise BadImage(f"{name} claims a size too large to be a real screenshot") from None
        except UnidentifiedImageError:
            raise BadImage(f"{name} is not an image Proofshot can read (PNG, JPEG, WebP or BMP)") from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise BadImage(f"{name} is damaged or incomplete ({exc})") from None
    return ImageInfo(MEDIA_TYPES[fmt], width, height)


def decode(data: bytes) -> Image.Image:
    """Decode stored bytes into a Pillow image (for OCR, thumbnails...)."""
    img = Image.open(io.BytesIO(data))
    img.load()
    return img
