"""Checking a long (scrolling) capture before it is kept.

A long capture is the long image (a derived capture, its own blob) plus the frames it was
stitched from (originals, each its own blob) and the recipe that rebuilds the image from
them (storage.stitched). `Library.add_long_capture` keeps one only when the three agree:
the recipe tiles the long image, names its frames by the SHA-256 of their PNG files
(``frame_digest`` ``"sha256-png"``), every frame it names is given (and no other), every frame
is a complete PNG of the recipe's frame size, and `render(recipe, frames)` has exactly the
long image's pixels. Otherwise `LongCaptureMismatch` says what does not agree and nothing is
written.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

from .blobs import sha256_bytes
from .captures import KeptFrame, LongParts
from .errors import BadImage, LongCaptureMismatch
from .images import probe_image
from .stitched import DIGEST_PNG, Recipe, compare_rebuilt


@dataclass(frozen=True)
class CheckedLong:
    """A long capture whose parts agree: what to keep (`parts`) and each distinct frame's
    bytes by SHA-256 (to write as blobs)."""

    parts: LongParts
    frame_bytes: dict[str, bytes]


def open_png(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return Image.open(io.BytesIO(data))


def check_long_capture(frames: Sequence[bytes], recipe_json: str, image_png: bytes) -> CheckedLong:
    """Check that `frames`, `recipe_json` and `image_png` make one long capture (module doc)."""
    try:
        recipe = Recipe.from_json(recipe_json)
    except ValueError as exc:
        raise LongCaptureMismatch(f"the long capture's recipe is not valid: {exc}") from None
    if recipe.frame_digest != DIGEST_PNG:
        raise LongCaptureMismatch(
            f"the long capture's recipe names its frames by {recipe.frame_digest!r}; "
            f"it must name them by the SHA-256 of their PNG files ({DIGEST_PNG!r})"
        )
    by_sha: dict[str, bytes] = {}
    for data in frames:
        by_sha.setdefault(sha256_bytes(bytes(data)), bytes(data))
    named = {f.sha256 for f in recipe.frames}
    missing = sorted(named - by_sha.keys())
    if missing:
        raise LongCaptureMismatch(
            f"the long capture's recipe names {len(missing)} frame(s) that were not given: "
            + ", ".join(sha[:12] for sha in missing)
        )
    extra = sorted(by_sha.keys() - named)
    if extra:
        raise LongCaptureMismatch(
            f"{len(extra)} frame(s) given are not in the long capture's recipe: "
            + ", ".join(sha[:12] for sha in extra)
        )
    for sha, data in by_sha.items():
        try:
            info = probe_image(data, f"frame {sha[:12]}")
        except BadImage as exc:
            raise LongCaptureMismatch(f"the long capture's {exc}") from None
        if info.media_type != "image/png":
            raise LongCaptureMismatch(f"frame {sha[:12]} is {info.media_type}; frames are kept as PNG")
        if (info.width, info.height) != (recipe.width, recipe.frame_height):
            raise LongCaptureMismatch(
                f"frame {sha[:12]} is {info.width}x{info.height} pixels; "
                f"the recipe's frames are {recipe.width}x{recipe.frame_height}"
            )
    try:
        probe_image(image_png, "the long image")
        image = open_png(image_png)
        diff = compare_rebuilt(recipe, lambda sha: open_png(by_sha[sha]), image)
    except BadImage as exc:
        raise LongCaptureMismatch(f"the long capture cannot be kept: {exc}") from None
    if diff is not None:
        raise LongCaptureMismatch(f"the long image does not match its frames and recipe: {diff}")
    canonical = recipe.to_json()
    parts = LongParts(
        recipe_json=canonical,
        recipe_sha256=sha256_bytes(canonical.encode("utf-8")),
        frames=tuple(
            KeptFrame(f.sha256, len(by_sha[f.sha256]), recipe.width, recipe.frame_height, f.y)
            for f in recipe.frames
        ),
    )
    return CheckedLong(parts, by_sha)
