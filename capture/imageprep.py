"""Image pre-processing before OCR (plain Pillow, no Qt).

Screenshots are not scans: the text is clean but often small (UI fonts of 12-16 px at 1x)
and sometimes light on dark. Tesseract's LSTM models read best at a glyph height of about
30 px, so small text is upscaled with Lanczos; the factor is decided from the text height
*estimated from the image itself* (`estimate_text_height`), never from outside knowledge.
The choices and their measurements are in docs/adr/001-ocr-preprocessing.md.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageFilter, ImageOps


@dataclass(frozen=True)
class PrepConfig:
    """One pre-processing variant. The defaults are the measured choice."""

    grayscale: bool = True
    autocontrast: bool = False
    invert_dark: bool = False
    #: "auto": from the estimated text height; otherwise a fixed factor (1.0 = none).
    upscale: str | float = "auto"
    #: Wanted height of a text line, in pixels, after scaling (auto mode).
    target_text_px: float = 30.0
    max_scale: float = 3.0
    #: Never scale beyond this many pixels (time and memory of tesseract grow with it).
    max_pixels: int = 12_000_000
    #: Scale factors are rounded to this step (0 = continuous).
    scale_step: float = 0.5
    binarize: bool = False
    sharpen: bool = False


DEFAULT_PREP = PrepConfig()


def to_gray_or_rgb(image: Image.Image, *, grayscale: bool = True) -> Image.Image:
    """Return `image` as 8-bit "L" (or "RGB"), whatever its mode: transparency is
    composed over white, 16-bit and float images are scaled down to 8 bits."""
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        img = image.convert("F") if mode == "F" else image.convert("I")
        extrema = img.getextrema()
        lo, hi = extrema[0], extrema[1]
        lo_f = float(lo) if isinstance(lo, int | float) else 0.0
        hi_f = float(hi) if isinstance(hi, int | float) else 255.0
        if hi_f > 255.0 or lo_f < 0.0:
            span = max(hi_f - min(lo_f, 0.0), 1.0)
            base = min(lo_f, 0.0)
            img = img.point(lambda v: (v - base) * (255.0 / span))
        gray = img.convert("L")
        return gray if grayscale else gray.convert("RGB")
    if mode == "P":
        image = image.convert("RGBA")
        mode = "RGBA"
    if mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba).convert("RGB")
    elif mode not in ("L", "RGB"):
        image = image.convert("RGB")
    if grayscale:
        return image if image.mode == "L" else image.convert("L")
    return image if image.mode == "RGB" else image.convert("RGB")


def _runs(values: list[int], threshold: int) -> list[int]:
    """Lengths of the runs of consecutive values above `threshold`."""
    out: list[int] = []
    n = 0
    for v in values:
        if v > threshold:
            n += 1
        elif n:
            out.append(n)
            n = 0
    if n:
        out.append(n)
    return out


def estimate_text_height(gray: Image.Image) -> float | None:
    """Estimate the typical height, in pixels, of a line of text in `gray` ("L").

    Horizontal intensity steps (the vertical strokes of glyphs) are marked, the image is
    cut into vertical strips, and in each strip the runs of rows holding such marks are
    measured: a line of text makes one run about as tall as its glyphs. The median of
    the plausible runs is returned, or None when the image shows no text-like structure.
    """
    w, h = gray.size
    if w < 8 or h < 8:
        return None
    # Work on at most ~1.5 MP: the estimate scales back linearly.
    factor = 1.0
    if w * h > 1_500_000:
        factor = math.sqrt(1_500_000 / (w * h))
        gray = gray.resize((max(8, int(w * factor)), max(8, int(h * factor))), Image.Resampling.BOX)
        w, h = gray.size
    shifted = ImageChops.offset(gray, 1, 0)
    edges = ImageChops.difference(gray, shifted).point(lambda v: 255 if v > 40 else 0)
    strip_w = max(60, w // 8)
    lengths: list[int] = []
    for x0 in range(1, w - 1, strip_w):
        x1 = min(w - 1, x0 + strip_w)
        if x1 - x0 < 20:
            continue
        strip = edges.crop((x0, 0, x1, h)).resize((1, h), Image.Resampling.BOX)
        profile = list(strip.tobytes())
        # A row counts when at least ~1.5% of the strip's pixels are edges.
        lengths.extend(r for r in _runs(profile, 3) if 4 <= r <= max(8, h // 6))
    if len(lengths) < 3:
        return None
    return float(statistics.median(lengths)) / factor


def choose_scale(gray: Image.Image, cfg: PrepConfig) -> float:
    """The upscaling factor for `gray` under `cfg` (>= 1)."""
    if cfg.upscale != "auto":
        scale = float(cfg.upscale)
    else:
        est = estimate_text_height(gray)
        scale = 1.0 if est is None else cfg.target_text_px / est
        scale = min(max(scale, 1.0), cfg.max_scale)
        if cfg.scale_step > 0:
            scale = max(1.0, round(scale / cfg.scale_step) * cfg.scale_step)
    w, h = gray.size
    if w * h * scale * scale > cfg.max_pixels:
        scale = max(1.0, math.sqrt(cfg.max_pixels / max(1, w * h)))
    return scale


def is_dark(gray: Image.Image) -> bool:
    """True when most of the image is dark (a dark theme)."""
    small = gray.resize((64, 64), Image.Resampling.BOX) if gray.size != (64, 64) else gray
    hist = small.histogram()
    dark = sum(hist[:100])
    return dark > 0.5 * sum(hist)


def prepare(image: Image.Image, cfg: PrepConfig = DEFAULT_PREP) -> tuple[Image.Image, float]:
    """Pre-process `image` for OCR; return the image to recognise and the scale factor
    applied (boxes found in it are divided by that factor to get original pixels)."""
    img = to_gray_or_rgb(image, grayscale=cfg.grayscale)
    gray = img if img.mode == "L" else img.convert("L")
    if cfg.invert_dark and is_dark(gray):
        img = ImageOps.invert(img)
        gray = img if img.mode == "L" else img.convert("L")
    if cfg.autocontrast:
        img = ImageOps.autocontrast(img, cutoff=1)
    scale = choose_scale(gray, cfg)
    if scale > 1.0:
        w, h = img.size
        img = img.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.LANCZOS)
        # The real factor after rounding the size is what boxes are divided by.
        scale = img.size[0] / w
    if cfg.sharpen:
        img = img.filter(ImageFilter.UnsharpMask(radius=2, percent=80, threshold=2))
    if cfg.binarize:
        g = img if img.mode == "L" else img.convert("L")
        threshold = _otsu(g)
        img = g.point(lambda v: 255 if v > threshold else 0)
    return img, scale


def _otsu(gray: Image.Image) -> int:
    hist = gray.histogram()[:256]
    total = sum(hist)
    if total == 0:
        return 127
    sum_all = sum(i * c for i, c in enumerate(hist))
    w_b = 0
    sum_b = 0.0
    best, best_t = -1.0, 127
    for t in range(256):
        w_b += hist[t]
        if w_b == 0:
            continue
        w_f = total - w_b
        if w_f == 0:
            break
        sum_b += t * hist[t]
        m_b = sum_b / w_b
        m_f = (sum_all - sum_b) / w_f
        between = w_b * w_f * (m_b - m_f) ** 2
        if between > best:
            best, best_t = between, t
    return best_t
