"""OCR engine interface and the tesseract engine (plain Python, no Qt).

`TesseractEngine.recognize(image)` pre-processes the image (see `capture.imageprep` and
docs/adr/001-ocr-preprocessing.md), runs tesseract once through pytesseract's
`image_to_data` (plus, only for images where `chi_sim+eng` read some line as low-confidence
Latin, one `chi_sim` pass over those lines), and builds an `OcrResult` whose word boxes are
in the pixels of the image that was passed in.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from capture.errors import OcrFailed, OcrUnavailable
from capture.imageprep import DEFAULT_PREP, PrepConfig, prepare
from storage.normalize import is_cjk

if TYPE_CHECKING:
    from PIL import Image


class _LazyModule:
    """pytesseract, imported on first use: it imports numpy when numpy is installed
    (PP-OCR brings it), which costs the tray app ~25 MB even when tesseract never runs."""

    def __getattr__(self, name: str) -> Any:
        import pytesseract as module

        return getattr(module, name)


pytesseract: Any = _LazyModule()

INSTALL_HINT = (
    "On Debian/Ubuntu install it with: "
    "sudo apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng"
)

#: The languages Proofshot wants, in the order given to tesseract.
WANTED_LANGUAGES = ("chi_sim", "eng")


@dataclass(frozen=True)
class OcrWord:
    text: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in original image pixels
    conf: float  # 0..100


@dataclass(frozen=True)
class OcrResult:
    text: str  # reading order, lines separated by "\n"
    words: tuple[OcrWord, ...]
    engine: str
    version: str
    languages: str
    confidence: float | None  # mean word confidence, None when no words
    seconds: float


class OcrEngine(Protocol):
    name: str

    def recognize(self, image: Image.Image) -> OcrResult: ...


# --------------------------------------------------------------------------- discovery


def _cmd() -> str:
    return str(pytesseract.pytesseract.tesseract_cmd)


def _resolve(cmd: str) -> str | None:
    if os.path.sep in cmd:
        return cmd if os.path.isfile(cmd) and os.access(cmd, os.X_OK) else None
    return shutil.which(cmd)


def tesseract_available() -> bool:
    """True when the tesseract binary pytesseract would run exists."""
    return _resolve(_cmd()) is not None


@functools.cache
def _languages_for(cmd: str) -> tuple[str, ...]:
    exe = _resolve(cmd)
    if exe is None:
        return ()
    try:
        proc = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return ()
    langs: list[str] = []
    for line in (proc.stdout + "\n" + proc.stderr).splitlines():
        line = line.strip()
        if not line or line.startswith("List of available languages") or " " in line:
            continue
        langs.append(line)
    return tuple(langs)


@functools.cache
def _version_for(cmd: str) -> str:
    try:
        return str(pytesseract.get_tesseract_version())
    except Exception:  # noqa: BLE001 - the version is informative only
        return "unknown"


def installed_languages() -> list[str]:
    """Languages reported by `tesseract --list-langs` ([] when tesseract is missing).

    Cached per tesseract command; `reset_caches()` forgets it."""
    return list(_languages_for(_cmd()))


def reset_caches() -> None:
    """Forget the cached language list and version (for tests, or after installing)."""
    _languages_for.cache_clear()
    _version_for.cache_clear()


installed_languages.cache_clear = reset_caches  # type: ignore[attr-defined]


def default_languages() -> str:
    """Return "chi_sim+eng" when both are installed, else those of them that are.

    Raises OcrUnavailable when tesseract, or both languages, are missing."""
    if not tesseract_available():
        raise OcrUnavailable(f"Tesseract OCR is not installed (no '{_cmd()}' program found). {INSTALL_HINT}")
    have = set(installed_languages())
    chosen = [lang for lang in WANTED_LANGUAGES if lang in have]
    if not chosen:
        raise OcrUnavailable(
            "Tesseract is installed but has neither the Simplified Chinese (chi_sim) nor the "
            f"English (eng) language data. {INSTALL_HINT}"
        )
    return "+".join(chosen)


# --------------------------------------------------------------------------- text building

_CJK_PUNCT = re.compile(r"[\u3000-\u303f\uff00-\uffef\u2018-\u201d\u2026\u00b7]")


def _cjkish(ch: str) -> bool:
    return is_cjk(ch) or bool(_CJK_PUNCT.match(ch))


@dataclass
class _Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float


def _join_line(words: Sequence[_Word]) -> str:
    """Join the words of one line: no space where tesseract split CJK text (either side
    is a CJK character or CJK punctuation and the gap is small), a space elsewhere."""
    parts: list[str] = []
    prev: _Word | None = None
    # Tesseract's boxes of single CJK characters are often much narrower than the glyph,
    # so only a gap of several line heights counts as a real gap between two UI elements.
    heights = sorted(w.height for w in words)
    size = max(heights[len(heights) // 2], 1) if heights else 1
    for w in words:
        if prev is not None:
            gap = w.left - (prev.left + prev.width)
            glue = (_cjkish(prev.text[-1]) or _cjkish(w.text[0])) and gap < 2.5 * size
            if not glue:
                parts.append(" ")
        parts.append(w.text)
        prev = w
    return "".join(parts)


def _lines_from_data(data: dict[str, list[Any]]) -> list[list[_Word]]:
    """Group image_to_data rows into lines (block, paragraph, line), in tesseract's order."""
    lines: dict[tuple[int, int, int, int], list[_Word]] = {}
    n = len(data.get("text", []))
    for i in range(n):
        text = str(data["text"][i]).strip()
        if not text:
            continue
        try:
            conf = float(data["conf"][i])
        except (TypeError, ValueError):
            conf = -1.0
        if conf < 0:
            continue
        key = (
            int(data["page_num"][i]),
            int(data["block_num"][i]),
            int(data["par_num"][i]),
            int(data["line_num"][i]),
        )
        lines.setdefault(key, []).append(
            _Word(
                text,
                int(data["left"][i]),
                int(data["top"][i]),
                int(data["width"][i]),
                int(data["height"][i]),
                conf,
            )
        )
    return list(lines.values())


def _scale_box(w: _Word, scale: float, size: tuple[int, int]) -> tuple[int, int, int, int]:
    width, height = size

    def clamp(v: int, hi: int) -> int:
        return max(0, min(hi, v))

    x0 = clamp(int(w.left / scale), width)
    y0 = clamp(int(w.top / scale), height)
    x1 = clamp(int(-(-(w.left + w.width) // scale)), width)
    y1 = clamp(int(-(-(w.top + w.height) // scale)), height)
    return x0, y0, max(x0, x1), max(y0, y1)


# --------------------------------------------------------------------------- post-processing

# Letters tesseract puts in place of digits. Only applied inside a token that is already
# mostly digits (>= 6 digits, at most 2 such letters and no other letter), so words and
# codes such as "EMS167308770CN" or "SF5514287012446" keep their letters.
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})
_TOKEN = re.compile(r"[0-9A-Za-z|]+")


def _fix_digit_token(m: re.Match[str]) -> str:
    tok = m.group(0)
    digits = sum(c.isdigit() for c in tok)
    others = [c for c in tok if not c.isdigit()]
    if digits >= 6 and 0 < len(others) <= 2 and all(c in "OolI|" for c in others):
        return tok.translate(_DIGIT_LOOKALIKES)
    return tok


def fix_digit_runs(text: str) -> str:
    """Replace O/o->0 and l/I/|->1 inside tokens that are mostly digits."""
    return _TOKEN.sub(_fix_digit_token, text)


# --------------------------------------------------------------------------- engine


def _corner(img: Image.Image) -> int | tuple[int, ...]:
    px = img.getpixel((0, 0))
    if isinstance(px, tuple):
        return tuple(int(v) for v in px)
    return int(px or 0)


#: Words without CJK read below this confidence make their line a candidate for the
#: second look (see `TesseractEngine._rescue`).
RESCUE_MAX_CONF = 75.0


class TesseractEngine:
    """OCR through the tesseract program (pytesseract)."""

    name = "tesseract"

    def __init__(
        self,
        languages: str | None = None,
        timeout: float = 120.0,
        *,
        psm: int = 3,
        prep: PrepConfig | None = None,
        fix_digits: bool = True,
        extra_config: str = "",
        rescue_lines: bool = True,
        chinese_first: bool = False,
    ) -> None:
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        self._languages = languages
        self.timeout = timeout
        self.psm = psm
        self.prep = prep if prep is not None else DEFAULT_PREP
        self.fix_digits = fix_digits
        self.extra_config = extra_config
        self.rescue_lines = rescue_lines
        self.chinese_first = chinese_first

    @property
    def languages(self) -> str:
        """The languages used (resolved from what is installed when not given)."""
        return self._languages if self._languages else default_languages()

    def _check_languages(self) -> str:
        if not tesseract_available():
            raise OcrUnavailable(
                f"Tesseract OCR is not installed (no '{_cmd()}' program found). {INSTALL_HINT}"
            )
        langs = self.languages
        have = set(installed_languages())
        missing = [lang for lang in langs.split("+") if lang and lang not in have]
        if missing:
            packages = " ".join("tesseract-ocr-" + lang.lower().replace("_", "-") for lang in missing)
            raise OcrUnavailable(
                f"Tesseract has no language data for {', '.join(missing)} "
                f"(installed: {', '.join(sorted(have)) or 'none'}). "
                f"On Debian/Ubuntu install it with: sudo apt-get install {packages} "
                "(Proofshot uses: sudo apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng)"
            )
        return langs

    def recognize(self, image: Image.Image) -> OcrResult:
        start = time.perf_counter()
        langs = self._check_languages()
        size = image.size
        if size[0] < 2 or size[1] < 2:
            return OcrResult(
                "", (), self.name, _version_for(_cmd()), langs, None, time.perf_counter() - start
            )
        try:
            prepared, scale = prepare(image, self.prep)
        except (OSError, ValueError, SyntaxError) as exc:  # truncated or undecodable image data
            raise OcrFailed(f"The image could not be read for OCR: {exc}") from exc
        both = {"chi_sim", "eng"} <= set(langs.split("+"))
        if self.chinese_first and both:
            lines = _lines_from_data(self._run(prepared, "chi_sim"))
            if self.rescue_lines:
                lines = self._rescue(prepared, lines, "eng", self._left(start))
        else:
            lines = _lines_from_data(self._run(prepared, langs))
            if self.rescue_lines and both:
                lines = self._rescue(prepared, lines, "chi_sim", self._left(start))
        words: list[OcrWord] = []
        text_lines: list[str] = []
        for line in lines:
            if self.fix_digits:
                for w in line:
                    w.text = fix_digit_runs(w.text)
            text_lines.append(_join_line(line))
            words.extend(OcrWord(w.text, _scale_box(w, scale, size), w.conf) for w in line)
        confidence = sum(w.conf for w in words) / len(words) if words else None
        return OcrResult(
            text="\n".join(text_lines),
            words=tuple(words),
            engine=self.name,
            version=_version_for(_cmd()),
            languages=langs,
            confidence=confidence,
            seconds=time.perf_counter() - start,
        )

    def _left(self, start: float) -> float:
        """Seconds left of this recognition's timeout (the second pass shares it)."""
        return max(0.5, self.timeout - (time.perf_counter() - start))

    def _rescue(
        self, prepared: Image.Image, lines: list[list[_Word]], second: str, timeout: float
    ) -> list[list[_Word]]:
        """Second pass over the lines that chi_sim+eng read as low-confidence Latin: with
        both models loaded tesseract sometimes reads a Chinese line as Latin garbage
        ("SKEREKBWHHI25"). Such lines are cropped, stacked into one image and read again
        with chi_sim alone; the new reading replaces the old one when it has Chinese
        characters and a higher mean confidence."""
        from PIL import Image as PILImage
        from PIL import ImageOps

        suspects: list[int] = []
        for i, line in enumerate(lines):
            text = "".join(w.text for w in line)
            conf = sum(w.conf for w in line) / len(line)
            latin_low = [
                w
                for w in line
                if w.conf < RESCUE_MAX_CONF
                and not any(is_cjk(c) for c in w.text)
                and sum(c.isalpha() for c in w.text) >= 2
            ]
            if second == "chi_sim":
                if latin_low and (
                    conf < RESCUE_MAX_CONF or not any(is_cjk(c) for c in text) or len(latin_low) >= 2
                ):
                    suspects.append(i)
            elif (
                conf < RESCUE_MAX_CONF
                and not any(is_cjk(c) for c in text)
                and sum(c.isalpha() for c in text) >= 2
            ):
                suspects.append(i)
        if not suspects:
            return lines
        pw, ph = prepared.size
        crops: list[tuple[int, int, int, Image.Image]] = []  # (x0, y0, y_in_stack, crop)
        y = 0
        gap = 16
        tiles: list[Image.Image] = []
        for i in suspects:
            line = lines[i]
            hgt = max(w.height for w in line)
            pad = max(4, hgt // 3)
            x0 = max(0, min(w.left for w in line) - pad)
            y0 = max(0, min(w.top for w in line) - pad)
            x1 = min(pw, max(w.left + w.width for w in line) + pad)
            y1 = min(ph, max(w.top + w.height for w in line) + pad)
            if x1 - x0 < 2 or y1 - y0 < 2:
                continue
            crop = prepared.crop((x0, y0, x1, y1))
            tile = ImageOps.expand(crop, border=gap // 2, fill=_corner(crop))
            crops.append((x0 - gap // 2, y0 - gap // 2, y, tile))
            tiles.append(tile)
            y += tile.size[1]
        if not crops:
            return lines
        width = max(t.size[0] for t in tiles)
        stack = PILImage.new(prepared.mode, (width, y), 255 if prepared.mode == "L" else (255, 255, 255))
        for _x0, _y0, ys, tile in crops:
            # extend each tile to the full width with its own background
            row = PILImage.new(prepared.mode, (width, tile.size[1]), _corner(tile))
            row.paste(tile, (0, 0))
            stack.paste(row, (0, ys))
        data = self._run(stack, second, psm=6, timeout=timeout)
        new_words: list[list[_Word]] = [[] for _ in crops]
        for line in _lines_from_data(data):
            for w in line:
                cy = w.top + w.height / 2
                for k, (x0, y0, ys, tile) in enumerate(crops):
                    if ys <= cy < ys + tile.size[1]:
                        new_words[k].append(
                            _Word(w.text, w.left + x0, w.top - ys + y0, w.width, w.height, w.conf)
                        )
                        break
        out = list(lines)
        for k, i in enumerate(suspects[: len(crops)]):
            cand = sorted(new_words[k], key=lambda w: w.left)
            if not cand:
                continue
            old_conf = sum(w.conf for w in lines[i]) / len(lines[i])
            new_conf = sum(w.conf for w in cand) / len(cand)
            old_cjk = sum(is_cjk(c) for w in lines[i] for c in w.text)
            new_cjk = sum(is_cjk(c) for w in cand for c in w.text)
            if (new_cjk > old_cjk or second != "chi_sim") and new_conf > old_conf:
                out[i] = cand
        return out

    def _run(
        self, prepared: Image.Image, langs: str, psm: int | None = None, timeout: float | None = None
    ) -> dict[str, list[Any]]:
        timeout = self.timeout if timeout is None else timeout
        config = f"--psm {self.psm if psm is None else psm} {self.extra_config}".strip()
        # An uncompressed temporary file is much cheaper than pytesseract's PNG encoding.
        with tempfile.TemporaryDirectory(prefix="proofshot-ocr-") as tmp:
            ext = "pgm" if prepared.mode == "L" else "ppm"
            path = os.path.join(tmp, f"page.{ext}")
            prepared.save(path)
            try:
                result: dict[str, list[Any]] = pytesseract.image_to_data(
                    path,
                    lang=langs,
                    config=config,
                    output_type=pytesseract.Output.DICT,
                    timeout=timeout,
                )
            except pytesseract.TesseractNotFoundError as exc:
                raise OcrUnavailable(
                    f"Tesseract OCR is not installed (no '{_cmd()}' program found). {INSTALL_HINT}"
                ) from exc
            except RuntimeError as exc:
                if "timeout" in str(exc).lower():
                    raise OcrFailed(
                        f"Tesseract did not finish within {self.timeout:g} s and was stopped; "
                        "the image may be too large."
                    ) from exc
                raise OcrFailed(f"Tesseract failed: {exc}") from exc
            except pytesseract.TesseractError as exc:
                message = str(getattr(exc, "message", "") or exc).strip()
                if "Failed loading language" in message or "Error opening data file" in message:
                    raise OcrUnavailable(
                        f"Tesseract could not load the language data for {langs}: {message}. {INSTALL_HINT}"
                    ) from exc
                raise OcrFailed(f"Tesseract failed (exit status {exc.status}): {message}") from exc
            except OSError as exc:
                raise OcrFailed(f"Tesseract could not be run: {exc}") from exc
        return result


def recognize_many(engine: OcrEngine, images: Iterable[Image.Image]) -> list[OcrResult]:
    """Convenience: recognise several images one after another."""
    return [engine.recognize(img) for img in images]


# --------------------------------------------------------------------------- engine choice

#: The engine settings: "auto" picks by what is installed and the OCR languages.
ENGINE_CHOICES = ("auto", "tesseract", "ppocr", "both")


def resolve_engine(choice: str = "auto", languages: str | None = None) -> str:
    """The engine `choice` stands for: "tesseract", "ppocr" or "both".

    Auto takes PP-OCR (far better on Chinese UI text, docs/benchmarks.md) when it is
    installed and the languages asked for are automatic or include Chinese; tesseract
    when the user asked for other tesseract languages only, or PP-OCR is missing."""
    if choice in ("tesseract", "ppocr", "both"):
        return choice
    from capture.ppocr import ppocr_available

    wants_chinese = not languages or "chi_sim" in languages.split("+")
    return "ppocr" if wants_chinese and ppocr_available() else "tesseract"


class CombinedEngine:
    """Two engines over the same image: the first one's text, then the lines of the
    second that the first did not read, so a search finds what either read."""

    def __init__(self, first: OcrEngine, second: OcrEngine) -> None:
        self.first = first
        self.second = second
        self.name = f"{first.name}+{second.name}"

    def recognize(self, image: Image.Image) -> OcrResult:
        a = self.first.recognize(image)
        b = self.second.recognize(image)
        have = re.sub(r"\s+", "", a.text)
        extra = [
            line for line in b.text.splitlines() if line.strip() and re.sub(r"\s+", "", line) not in have
        ]
        words = a.words + b.words
        return OcrResult(
            text="\n".join([a.text, *extra]) if extra else a.text,
            words=words,
            engine=self.name,
            version=f"{a.version} + {b.engine} {b.version}",
            languages=f"{a.languages}+{b.languages}",
            confidence=sum(w.conf for w in words) / len(words) if words else None,
            seconds=a.seconds + b.seconds,
        )


def make_engine(choice: str = "auto", languages: str | None = None) -> OcrEngine:
    """The OCR engine for an engine setting and the tesseract languages setting."""
    name = resolve_engine(choice, languages)
    if name == "tesseract":
        return TesseractEngine(languages=languages)
    from capture.ppocr_worker import PpOcrProcessEngine

    if name == "ppocr":
        return PpOcrProcessEngine()
    return CombinedEngine(PpOcrProcessEngine(), TesseractEngine(languages=languages))
