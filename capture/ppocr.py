"""The PP-OCR engine: PaddleOCR's detection and recognition models run by ONNX Runtime
through the `rapidocr` package, whose wheel carries the models (no download, ever).

This module is what runs *inside* the OCR worker process (`capture.ppocr_worker`): it
imports numpy, OpenCV and ONNX Runtime, which the tray app's own process never loads.
`lines_to_result` (pure Python) turns PP-OCR's text lines into an `OcrResult` whose
word boxes feed the same highlighting as tesseract's. See docs/adr/004-ppocr-engine.md.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from capture.errors import OcrFailed, OcrUnavailable
from capture.ocr import OcrResult, OcrWord, fix_digit_runs
from storage.normalize import is_cjk

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

ENGINE_NAME = "ppocr"
#: The model language recorded on each capture (PP-OCRv6 "ch" reads Chinese and English).
LANGUAGES = "ch"
PACKAGES = ("rapidocr", "onnxruntime")
INSTALL_HINT = "Install it with: .venv/bin/python -m pip install -e '.[ppocr]'"

#: Text detection sees the image scaled so that its longer side is at most this many pixels;
#: recognition still reads each line from the full-resolution image. Chosen by measurement
#: on 2x captures (docs/adr/014-ppocr-detection-size.md). None: rapidocr's own sizing.
DET_MAX_SIDE: int | None = 1280
#: rapidocr's default detection sizing, kept for images within DET_MAX_SIDE: the shorter
#: side brought up to 736 px.
_DET_MIN_SIDE = 736
#: rapidocr shrinks any image over 2000 px (for recognition too) by default; with the
#: detection size capped, recognition can read large captures at full resolution.
REC_MAX_SIDE = 8192

# Screenshots are never upside down: the angle classifier only costs time.
_PARAMS: dict[str, Any] = {
    "Global.log_level": "warning",
    "Global.use_cls": False,
}


def det_size(size: tuple[int, int], det_max_side: int | None = DET_MAX_SIDE) -> tuple[int, int]:
    """The (width, height) text detection runs at for an image of `size`: rapidocr's sizing
    (shorter side up to 736 px, both sides multiples of 32), the longer side capped at
    `det_max_side`."""
    w, h = size
    if det_max_side is not None and max(w, h) > det_max_side:
        ratio = det_max_side / max(w, h)
    elif min(w, h) < _DET_MIN_SIDE:
        ratio = _DET_MIN_SIDE / min(w, h)
    else:
        ratio = 1.0
    return max(32, int(round(int(w * ratio) / 32)) * 32), max(32, int(round(int(h * ratio) / 32)) * 32)


def ppocr_available() -> bool:
    """True when the packages the PP-OCR engine needs are installed (without importing them)."""
    return all(importlib.util.find_spec(p) is not None for p in PACKAGES)


def _dist_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def _text(v: object) -> str:
    return str(getattr(v, "value", v))


def _model_name(section: Any, task: str) -> str:
    return f"{_text(section.ocr_version)}_{task}_{_text(section.model_type)}"


# --------------------------------------------------------------------------- boxes


def _char_width(ch: str) -> int:
    return 2 if is_cjk(ch) or ord(ch) >= 0x3000 else 1


def _tokens(text: str) -> list[tuple[int, int]]:
    """[start, end) of the words of one line: each CJK character alone (as tesseract
    gives them), runs of other non-space characters together."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif _char_width(ch) == 2:
            out.append((i, i + 1))
            i += 1
        else:
            j = i
            while j < len(text) and not text[j].isspace() and _char_width(text[j]) == 1:
                j += 1
            out.append((i, j))
            i = j
    return out


def _line_box(quad: Sequence[Sequence[float]], size: tuple[int, int]) -> tuple[int, int, int, int]:
    xs = [float(p[0]) for p in quad]
    ys = [float(p[1]) for p in quad]
    w, h = size
    x0, y0 = max(0, int(min(xs))), max(0, int(min(ys)))
    x1, y1 = min(w, int(round(max(xs)))), min(h, int(round(max(ys))))
    return x0, y0, max(x0, x1), max(y0, y1)


def line_words(text: str, box: tuple[int, int, int, int], conf: float) -> list[OcrWord]:
    """Split one recognised line's box among its words in proportion to their characters'
    widths (a CJK character counts two), so a search for one word lights up that word."""
    x0, y0, x1, y1 = box
    total = sum(_char_width(c) for c in text) or 1
    unit = (x1 - x0) / total
    words: list[OcrWord] = []
    offsets = [0]
    for c in text:
        offsets.append(offsets[-1] + _char_width(c))
    for start, end in _tokens(text):
        wx0 = x0 + int(round(offsets[start] * unit))
        wx1 = x0 + int(round(offsets[end] * unit))
        words.append(OcrWord(text[start:end], (wx0, y0, max(wx0 + 1, wx1), y1), conf))
    return words


def lines_to_result(
    lines: Sequence[tuple[str, Sequence[Sequence[float]], float]],
    size: tuple[int, int],
    version: str,
    seconds: float,
) -> OcrResult:
    """Build an `OcrResult` from PP-OCR lines (text, quadrilateral, score 0..1), which
    come in reading order (top to bottom, then left to right)."""
    words: list[OcrWord] = []
    text_lines: list[str] = []
    for raw, quad, score in lines:
        text = fix_digit_runs(str(raw).strip())
        if not text:
            continue
        text_lines.append(text)
        words.extend(line_words(text, _line_box(quad, size), round(float(score) * 100, 1)))
    confidence = sum(w.conf for w in words) / len(words) if words else None
    return OcrResult(
        text="\n".join(text_lines),
        words=tuple(words),
        engine=ENGINE_NAME,
        version=version,
        languages=LANGUAGES,
        confidence=confidence,
        seconds=seconds,
    )


# --------------------------------------------------------------------------- engine


class PpOcrEngine:
    """PP-OCR in this process. Loads the models on first use (about 1 s, 0.4-0.6 GB):
    the app runs it in `capture.ppocr_worker`, never in the GUI process."""

    name = ENGINE_NAME

    def __init__(self, det_max_side: int | None = DET_MAX_SIDE, rec_max_side: int | None = None) -> None:
        self._ocr: Any = None
        self.version = ""
        self.det_max_side = det_max_side
        # Without a detection cap, keep rapidocr's 2000 px limit (what it was measured with).
        self.rec_max_side = rec_max_side or (REC_MAX_SIDE if det_max_side is not None else 2000)
        #: seconds of the last image: detection, recognition, the rest (tests and benchmarks)
        self.last_stages: dict[str, float] = {}

    def load(self) -> None:
        if self._ocr is not None:
            return
        if not ppocr_available():
            raise OcrUnavailable(
                f"The PP-OCR engine (rapidocr, onnxruntime) is not installed. {INSTALL_HINT}"
            )
        try:
            from rapidocr import RapidOCR

            self._ocr = RapidOCR(params={**_PARAMS, "Global.max_side_len": self.rec_max_side})
        except Exception as exc:  # noqa: BLE001 - a broken install is a known condition
            raise OcrUnavailable(
                f"The PP-OCR engine could not load its models: {exc!r}. {INSTALL_HINT}"
            ) from exc
        try:
            # rapidocr loads each model on first use: load them now, at the worker's start.
            self._ocr._load_det_model()
            self._ocr._load_rec_model()
        except AttributeError:
            pass
        except Exception as exc:  # noqa: BLE001 - a missing or damaged model file
            raise OcrUnavailable(
                f"The PP-OCR engine could not load its models: {exc!r}. {INSTALL_HINT}"
            ) from exc
        cfg = self._ocr.cfg
        det = _model_name(cfg.Det, "det")
        rec = _model_name(cfg.Rec, "rec")
        self.version = (
            f"rapidocr {_dist_version('rapidocr')} / onnxruntime {_dist_version('onnxruntime')} / "
            f"{det}+{rec} ({_text(cfg.Rec.lang_type)})"
        )

    def recognize(self, image: Image.Image) -> OcrResult:
        start = time.perf_counter()
        self.load()
        size = image.size
        if size[0] < 2 or size[1] < 2:
            return lines_to_result([], size, self.version, time.perf_counter() - start)
        try:
            import numpy as np

            rgb = image.convert("RGB") if image.mode != "RGB" else image
            if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
                from PIL import Image as PILImage

                # Transparent pixels are usually black: put them on white, as a viewer shows them.
                base = PILImage.new("RGB", size, "white")
                base.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
                rgb = base
            bgr = np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])
        except (OSError, ValueError, SyntaxError) as exc:
            raise OcrFailed(f"The image could not be read for OCR: {exc}") from exc
        self._size_detection(size)
        try:
            out = self._ocr(bgr)
        except Exception as exc:  # noqa: BLE001 - reported per image, the worker lives on
            raise OcrFailed(f"PP-OCR failed on this image: {exc!r}") from exc
        boxes = out.boxes if out.boxes is not None else []
        txts = out.txts or ()
        scores = out.scores or ()
        lines = [(t, b.tolist(), s) for t, b, s in zip(txts, boxes, scores, strict=False)]
        seconds = time.perf_counter() - start
        elapse = list(getattr(out, "elapse_list", None) or [])
        det_s = float(elapse[0] or 0.0) if elapse else 0.0
        rec_s = float(elapse[2] or 0.0) if len(elapse) > 2 else 0.0
        self.last_stages = {"det_s": det_s, "rec_s": rec_s, "other_s": max(0.0, seconds - det_s - rec_s)}
        return lines_to_result(lines, size, self.version, seconds)

    def _size_detection(self, size: tuple[int, int]) -> None:
        """Cap the detector's input for this image (rapidocr reads its detector's
        `limit_type`/`limit_side_len` at every call; boxes come back in image coordinates)."""
        det = getattr(self._ocr, "text_det", None)
        if det is None or not hasattr(det, "limit_side_len"):
            return
        if self.det_max_side is not None and max(size) > self.det_max_side:
            det.limit_type, det.limit_side_len = "max", self.det_max_side
        else:
            det.limit_type, det.limit_side_len = "min", _DET_MIN_SIDE
