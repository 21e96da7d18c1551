"""Selection geometry for the capture overlay, in plain Python.

The overlay works in Qt's logical pixels; screenshots are physical pixels. A screen
is described by both its logical geometry (as Qt reports it) and the size of its
grabbed image, and `to_physical` maps a selection from one to the other using the
ratio between the two, which is the device pixel ratio on every platform (and stays
right on mixed-DPI layouts, where each screen has its own ratio).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rect:
    """A rectangle [x, x + width) x [y, y + height); width and height are never negative."""

    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    @property
    def empty(self) -> bool:
        return self.width <= 0 or self.height <= 0

    def translated(self, dx: int, dy: int) -> Rect:
        return Rect(self.x + dx, self.y + dy, self.width, self.height)

    def intersected(self, other: Rect) -> Rect:
        x0, y0 = max(self.x, other.x), max(self.y, other.y)
        x1, y1 = min(self.right, other.right), min(self.bottom, other.bottom)
        return Rect(x0, y0, max(0, x1 - x0), max(0, y1 - y0))

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.width, self.height)

    def __str__(self) -> str:
        return f"{self.x},{self.y},{self.width},{self.height}"


def parse_region(text: str) -> Rect:
    """'X,Y,W,H' -> Rect; raises ValueError with a readable message."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise ValueError(f"'{text}' is not a region; write it as X,Y,WIDTH,HEIGHT, e.g. 100,200,640,480")
    try:
        x, y, w, h = (int(p) for p in parts)
    except ValueError:
        raise ValueError(f"'{text}' is not a region; use whole numbers: X,Y,WIDTH,HEIGHT") from None
    if w <= 0 or h <= 0:
        raise ValueError(f"the region '{text}' has no area; width and height must be at least 1")
    return Rect(x, y, w, h)


def from_drag(x0: float, y0: float, x1: float, y1: float) -> Rect:
    """The rectangle between the press point and the release point, in either
    direction: a drag from x=100 to x=400 is 300 pixels wide, as the user measured it.

    (Qt's QRect(p1, p2) is inclusive and would report one pixel more.)"""
    left, right = sorted((round(x0), round(x1)))
    top, bottom = sorted((round(y0), round(y1)))
    return Rect(left, top, right - left, bottom - top)


def clamp(rect: Rect, bounds: Rect) -> Rect:
    return rect.intersected(bounds)


def nudge(rect: Rect, dx: int, dy: int, bounds: Rect, resize: bool = False) -> Rect:
    """Move the selection by (dx, dy), or grow/shrink it with `resize`, kept inside `bounds`."""
    if resize:
        w = min(max(1, rect.width + dx), bounds.right - rect.x)
        h = min(max(1, rect.height + dy), bounds.bottom - rect.y)
        return Rect(rect.x, rect.y, w, h)
    x = min(max(bounds.x, rect.x + dx), bounds.right - rect.width)
    y = min(max(bounds.y, rect.y + dy), bounds.bottom - rect.height)
    return Rect(x, y, rect.width, rect.height)


def to_physical(selection: Rect, logical_screen: Rect, physical_size: tuple[int, int]) -> Rect:
    """Map `selection` (logical pixels, relative to the screen's top-left corner) to
    physical pixels of that screen's grabbed image of `physical_size` (width, height).

    Edges are rounded independently so that adjacent selections tile without gaps
    and a whole-screen selection maps to the whole image exactly."""
    pw, ph = physical_size
    sx = pw / logical_screen.width
    sy = ph / logical_screen.height
    x0 = round(selection.x * sx)
    y0 = round(selection.y * sy)
    x1 = round(selection.right * sx)
    y1 = round(selection.bottom * sy)
    return clamp(Rect(x0, y0, x1 - x0, y1 - y0), Rect(0, 0, pw, ph))
