"""Grabbing screens with mss, in physical pixels, before any window of ours appears.

A `ScreenGrab` holds one monitor's frozen image as raw RGB bytes (no Qt), with the
monitor's physical position on the virtual desktop. The overlay paints it; cropping
and encoding the chosen region happen here.
"""

from __future__ import annotations

import logging
import math
import struct
import time
import zlib
from dataclasses import dataclass

from PIL import Image

from .errors import KnownCaptureError
from .region import Rect

log = logging.getLogger(__name__)

#: PNG compression used for captures: level 1 is several times faster than the default
#: and only a little larger for screenshots; the pixels are identical either way.
PNG_COMPRESS_LEVEL = 1


class ScreenGrabFailed(KnownCaptureError):
    """The screen could not be read (no display, or a platform that forbids it)."""


@dataclass(frozen=True)
class ScreenGrab:
    """One screen's frozen pixels.

    `geometry` is where the screen sits on the desktop, in the desktop's own coordinates:
    physical pixels on X11, Windows and macOS; the compositor's layout (logical) coordinates
    on Wayland, where one output may be scaled. `scale` is how many of this grab's pixels
    make one desktop unit (1 on X11; an output's scale, or the portal's, on Wayland), and
    `pixel_size` the image's size when it is not the geometry's (a scaled output)."""

    index: int  # position in the backend's list of screens, from 0
    geometry: Rect  # desktop coordinates (see above)
    rgb: bytes  # width * height * 3 bytes, row by row
    grabbed_at: float  # time.time() when the pixels were read
    scale: float = 1.0
    name: str = ""  # the output's name where the backend knows it ("HEADLESS-1", "DP-1")
    pixel_size: tuple[int, int] | None = None
    backend: str = "mss"

    @property
    def size(self) -> tuple[int, int]:
        """The image's size in pixels."""
        if self.pixel_size is not None:
            return self.pixel_size
        return self.geometry.width, self.geometry.height

    def image(self) -> Image.Image:
        return Image.frombuffer("RGB", self.size, self.rgb, "raw", "RGB", 0, 1)

    def crop(self, rect: Rect) -> Image.Image:
        """The pixels of `rect` (pixels of this grab, relative to its corner), exactly."""
        r = rect.intersected(Rect(0, 0, *self.size))
        if r.empty:
            raise ValueError("the selection is outside the screen")
        return self.image().crop((r.x, r.y, r.right, r.bottom))

    def to_desktop(self, rect: Rect) -> Rect:
        """`rect` (pixels of this grab) in desktop coordinates, rounded outwards."""
        if self.scale == 1:
            return rect.translated(self.geometry.x, self.geometry.y)
        x0 = math.floor(rect.x / self.scale)
        y0 = math.floor(rect.y / self.scale)
        x1 = math.ceil(rect.right / self.scale)
        y1 = math.ceil(rect.bottom / self.scale)
        return Rect(x0 + self.geometry.x, y0 + self.geometry.y, x1 - x0, y1 - y0)

    def from_desktop(self, region: Rect) -> Rect:
        """`region` (desktop coordinates) in pixels of this grab."""
        local = region.translated(-self.geometry.x, -self.geometry.y)
        if self.scale == 1:
            return local
        x0 = round(local.x * self.scale)
        y0 = round(local.y * self.scale)
        x1 = round(local.right * self.scale)
        y1 = round(local.bottom * self.scale)
        return Rect(x0, y0, x1 - x0, y1 - y0)

    def holds(self, x: int, y: int) -> bool:
        """Whether the desktop point (x, y) is on this screen."""
        g = self.geometry
        return g.x <= x < g.right and g.y <= y < g.bottom


def grab_all() -> list[ScreenGrab]:
    """Every monitor, each as its own image (physical pixels)."""
    try:
        import mss

        with mss.MSS() as sct:
            at = time.time()
            grabs = []
            for i, mon in enumerate(sct.monitors[1:]):
                shot = sct.grab(mon)
                grabs.append(
                    ScreenGrab(i, Rect(mon["left"], mon["top"], shot.width, shot.height), bytes(shot.rgb), at)
                )
    except Exception as exc:  # mss raises its own ScreenShotError, or OSError/ctypes errors
        raise ScreenGrabFailed(f"the screen could not be read ({exc})") from None
    if not grabs:
        raise ScreenGrabFailed("no screen was found to capture")
    return grabs


def grab_region(region: Rect, grabs: list[ScreenGrab] | None = None) -> tuple[Image.Image, ScreenGrab]:
    """The pixels of `region` (desktop coordinates) from `grabs` (grabbed now with mss
    when not given). It is clipped to the screen that holds its top-left corner."""
    for grab in grabs if grabs is not None else grab_all():
        if grab.holds(region.x, region.y):
            return grab.crop(grab.from_desktop(region)), grab
    raise ScreenGrabFailed(f"the region {region} is not on any screen")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def geometry_note(grab: ScreenGrab, region: Rect | None = None) -> str:
    """Where a capture's pixels were taken, as recorded with it: the screen, and the
    region in desktop coordinates when it is not the whole screen. Wayland grabs also say
    how they were taken and at what scale."""
    name = f" ({grab.name})" if grab.name else ""
    text = f"screen {grab.index}{name} at {grab.geometry}"
    if grab.backend != "mss" or grab.scale != 1:
        text += f", {grab.size[0]}x{grab.size[1]} pixels at scale {grab.scale:g} via {grab.backend}"
    return text if region is None else f"{text}; region {region}"


def encode_png(image: Image.Image) -> bytes:
    """An RGB PNG of `image`: no row filters, one zlib stream at level 1.

    Measured on a full 1920x1080 screen: 30 ms against 84 ms for Pillow's encoder at
    level 1, and a slightly smaller file; the pixels are the same (docs/benchmarks.md)."""
    if image.mode != "RGB":
        image = image.convert("RGB")
    width, height = image.size
    row = width * 3
    pixels = memoryview(image.tobytes())
    raw = bytearray((row + 1) * height)  # each row starts with filter type 0
    for y in range(height):
        start = y * (row + 1) + 1
        raw[start : start + row] = pixels[y * row : (y + 1) * row]
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(bytes(raw), PNG_COMPRESS_LEVEL))
        + _chunk(b"IEND", b"")
    )


def is_mostly_uniform(image: Image.Image, threshold: float = 0.985) -> bool:
    """True when nearly every pixel has the same colour: a protected window (a banking
    app, a DRM video) often captures as plain black."""
    small = image.convert("RGB").resize(
        (min(image.width, 256), min(image.height, 256)), Image.Resampling.NEAREST
    )
    colors = small.getcolors(maxcolors=small.width * small.height)
    if not colors:
        return False
    top = max(count for count, _ in colors)
    return top / (small.width * small.height) >= threshold
