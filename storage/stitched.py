"""How a long capture's image is made from its frames: the `Recipe` and `render`.

A long (scrolling) capture keeps every frame as an original and files the long image as a
derived capture; the recipe says where each frame's rows go, so the long image can be rebuilt
from the frames alone and checked byte for byte (pixels). The stitcher that makes recipes is
`capture/stitch.py`; this module lives in storage (plain Python and PIL, no SQLAlchemy) so that
storage's export and `verify` can rebuild a long image without importing capture. The JSON
fields are documented on `Recipe` and in docs/evidence-format.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from PIL import Image

RECIPE_KIND = "proofshot.long-capture"
RECIPE_VERSION = 1
#: `Recipe.frame_digest` when the caller gives each frame's SHA-256 (of its original PNG).
DIGEST_PNG = "sha256-png"
#: `Recipe.frame_digest` when the stitcher hashed the frame's raw RGB bytes itself.
DIGEST_RGB = "sha256-rgb"


@dataclass(frozen=True)
class RecipeFrame:
    """One stitched frame in a `Recipe`.

    `sha256`: the frame's digest (see `Recipe.frame_digest`). `y`: where the frame's row 0
    lies in the long image (0 for the topmost frame). `rows`: the half-open range
    ``[first, last)`` of the frame's rows copied into the long image at ``y + first``, or
    None when the frame adds nothing (its content was already there). `step`: its offset
    from the frame kept before it (0 for the first). `guessed`: the offset was taken from
    the previous step among equally matching ones (only with ``guess_from_previous_step``).
    """

    sha256: str
    y: int
    rows: tuple[int, int] | None
    step: int
    guessed: bool = False


@dataclass(frozen=True)
class Recipe:
    """How a long image is made from its frames; JSON fields (all always present):

    - ``kind``: ``"proofshot.long-capture"``; ``version``: 1.
    - ``frame_digest``: ``"sha256-png"`` (each frame's SHA-256 is the caller's: the SHA-256 of
      the frame's original PNG file as stored) or ``"sha256-rgb"`` (SHA-256 of the frame's
      raw RGB bytes, row by row, 3 bytes a pixel, when the caller gave none).
    - ``width``, ``frame_height``: the size of every frame; ``height``: the long image's.
    - ``static_top``, ``static_bottom``: rows of the top and bottom bands, taken from frame
      ``band_frame`` (an index into ``frames``): its rows ``[0, static_top)`` at the long
      image's top, its rows ``[frame_height - static_bottom, frame_height)`` at its bottom.
    - ``frames``: the stitched frames in the order they were taken, each
      ``{"sha256", "y", "rows": [first, last] | null, "step", "guessed"}`` (see
      `RecipeFrame`). The bands and the frames' rows tile the long image exactly.
    """

    frame_digest: str
    width: int
    frame_height: int
    height: int
    static_top: int
    static_bottom: int
    band_frame: int
    frames: tuple[RecipeFrame, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": RECIPE_KIND,
            "version": RECIPE_VERSION,
            "frame_digest": self.frame_digest,
            "width": self.width,
            "frame_height": self.frame_height,
            "height": self.height,
            "static_top": self.static_top,
            "static_bottom": self.static_bottom,
            "band_frame": self.band_frame,
            "frames": [
                {
                    "sha256": f.sha256,
                    "y": f.y,
                    "rows": list(f.rows) if f.rows is not None else None,
                    "step": f.step,
                    "guessed": f.guessed,
                }
                for f in self.frames
            ],
        }

    def to_json(self) -> str:
        """Stable JSON: sorted keys, no whitespace variations."""
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Recipe:
        if data.get("kind") != RECIPE_KIND or data.get("version") != RECIPE_VERSION:
            raise ValueError(f"not a {RECIPE_KIND} recipe version {RECIPE_VERSION}")
        try:
            frames = tuple(
                RecipeFrame(
                    sha256=str(f["sha256"]),
                    y=int(f["y"]),
                    rows=(int(f["rows"][0]), int(f["rows"][1])) if f["rows"] is not None else None,
                    step=int(f["step"]),
                    guessed=bool(f["guessed"]),
                )
                for f in data["frames"]
            )
            recipe = cls(
                frame_digest=str(data["frame_digest"]),
                width=int(data["width"]),
                frame_height=int(data["frame_height"]),
                height=int(data["height"]),
                static_top=int(data["static_top"]),
                static_bottom=int(data["static_bottom"]),
                band_frame=int(data["band_frame"]),
                frames=frames,
            )
        except (KeyError, TypeError, IndexError) as e:
            raise ValueError(f"malformed recipe: {e!r}") from e
        recipe.check()
        return recipe

    @classmethod
    def from_json(cls, text: str) -> Recipe:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("malformed recipe: not an object")
        return cls.from_dict(data)

    def check(self) -> None:
        """Raise ValueError unless the bands and the frames' rows tile the long image exactly."""
        w, h = self.width, self.frame_height
        if w <= 0 or h <= 0 or not self.frames:
            raise ValueError("recipe without frames or with an empty frame size")
        if not 0 <= self.band_frame < len(self.frames):
            raise ValueError("band_frame is not one of the frames")
        top, bottom = self.static_top, self.static_bottom
        if top < 0 or bottom < 0 or top + bottom >= h or self.height < h:
            raise ValueError("static bands or height out of range")
        spans = [(0, top)] if top else []
        if bottom:
            spans.append((self.height - bottom, self.height))
        for f in self.frames:
            if f.rows is None:
                continue
            first, last = f.rows
            if not top <= first < last <= h - bottom:
                raise ValueError(f"frame {f.sha256}: rows {f.rows} outside the scrolling region")
            spans.append((f.y + first, f.y + last))
        spans.sort()
        at = 0
        for start, end in spans:
            if start != at:
                raise ValueError(
                    f"the long image's rows {min(at, start)}..{max(at, start)} are not tiled once"
                )
            at = end
        if at != self.height:
            raise ValueError("the frames do not reach the long image's bottom")


FrameSource = Mapping[str, Image.Image | bytes] | Callable[[str], Image.Image | bytes]


def render(recipe: Recipe, frames: FrameSource) -> Image.Image:
    """Rebuild the long image (RGB) from the frames named by `recipe`.

    `frames` maps a frame's digest to the frame (a PIL image or its raw RGB bytes), or is a
    function that loads it (called once per frame that contributes, so frames can be read
    from disk one at a time). Only pixels are copied: the same frames always give the same
    image, byte for byte (`Image.tobytes()`).
    """
    recipe.check()
    w, h = recipe.width, recipe.frame_height
    load = frames if callable(frames) else frames.__getitem__
    out = Image.new("RGB", (w, recipe.height))

    def frame(sha: str) -> Image.Image:
        got = load(sha)
        img = Image.frombytes("RGB", (w, h), got) if isinstance(got, bytes | bytearray) else got
        if img.size != (w, h):
            raise ValueError(f"frame {sha} is {img.size[0]}x{img.size[1]}, the recipe says {w}x{h}")
        return img if img.mode == "RGB" else img.convert("RGB")

    band = recipe.frames[recipe.band_frame]
    if recipe.static_top or recipe.static_bottom:
        img = frame(band.sha256)
        if recipe.static_top:
            out.paste(img.crop((0, 0, w, recipe.static_top)), (0, 0))
        if recipe.static_bottom:
            out.paste(
                img.crop((0, h - recipe.static_bottom, w, h)), (0, recipe.height - recipe.static_bottom)
            )
    for f in recipe.frames:
        if f.rows is not None:
            img = frame(f.sha256)
            out.paste(img.crop((0, f.rows[0], w, f.rows[1])), (0, f.y + f.rows[0]))
    return out


def compare_rebuilt(recipe: Recipe, frames: FrameSource, image: Image.Image) -> str | None:
    """Rebuild the long image from `frames` (`render`) and compare its pixels with `image`
    (converted to RGB). None when every pixel is the same, else what differs in words (the
    size, or the first and last rows that differ)."""
    rebuilt = render(recipe, frames)
    if image.size != rebuilt.size:
        return (
            f"the long image is {image.size[0]}x{image.size[1]} pixels; "
            f"its frames make {rebuilt.size[0]}x{rebuilt.size[1]}"
        )
    got = (image if image.mode == "RGB" else image.convert("RGB")).tobytes()
    want = rebuilt.tobytes()
    if got == want:
        return None
    stride = recipe.width * 3
    rows = [
        y
        for y in range(recipe.height)
        if got[y * stride : (y + 1) * stride] != want[y * stride : (y + 1) * stride]
    ]
    return f"the long image's rows {rows[0]}..{rows[-1]} differ from what its frames make ({len(rows)} rows)"
