"""The tesseract OCR engine, with the real tesseract and dev-set screenshots."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from pathlib import Path

import pytesseract
import pytest
from PIL import Image

from capture import ocr
from capture.errors import OcrFailed, OcrUnavailable
from capture.imageprep import estimate_text_height, to_gray_or_rgb
from capture.ocr import OcrResult, TesseractEngine
from storage.normalize import normalize

from .conftest import EVALSET

DEV = EVALSET  # the dev evaluation set, kept in tests/data/evalset

pytestmark = pytest.mark.skipif(not ocr.tesseract_available(), reason="tesseract is not installed")

needs_dev = pytest.mark.skipif(not DEV.is_dir(), reason="the dev evaluation set is not available")


@pytest.fixture(scope="module")
def engine() -> TesseractEngine:
    return TesseractEngine()


@pytest.fixture
def restore_tesseract() -> Iterator[None]:
    saved = pytesseract.pytesseract.tesseract_cmd
    ocr.reset_caches()
    try:
        yield
    finally:
        pytesseract.pytesseract.tesseract_cmd = saved
        ocr.reset_caches()


def similarity(result: OcrResult, truth: str) -> float:
    return difflib.SequenceMatcher(None, normalize(result.text), normalize(truth), autojunk=False).ratio()


def load(image_id: str) -> tuple[Image.Image, dict[str, object]]:
    img = Image.open(DEV / f"{image_id}.png")
    img.load()
    truth = json.loads((DEV / f"{image_id}.json").read_text(encoding="utf-8"))
    return img, truth


# (id, description, minimum similarity): thresholds sit a bit below the measured values
# (docs/adr/001-ocr-preprocessing.md) so that they fail when quality regresses badly.
DEV_CASES = [
    # a two-column chat: tesseract reads the columns in another order, hence the low ratio
    ("0002", "Chinese light chat 1x", 0.50),  # measured 0.59
    ("0050", "Chinese dark chat 1x", 0.85),  # measured 0.93
    ("0008", "Chinese invoice 2x", 0.62),  # measured 0.72
    ("0003", "English receipt 1x", 0.85),  # measured 0.91
]


@needs_dev
@pytest.mark.parametrize(("image_id", "what", "minimum"), DEV_CASES, ids=[c[1] for c in DEV_CASES])
def test_dev_images_reach_similarity(
    engine: TesseractEngine, image_id: str, what: str, minimum: float
) -> None:
    img, truth = load(image_id)
    result = engine.recognize(img)
    sim = similarity(result, str(truth["text"]))
    assert sim >= minimum, f"{what}: similarity {sim:.3f} < {minimum}\n{result.text}"
    assert result.engine == "tesseract"
    assert result.languages == "chi_sim+eng"
    assert result.version.startswith(("4", "5"))
    assert result.confidence is not None and 0 <= result.confidence <= 100
    assert result.seconds > 0
    # the text is built from the words, in the same order
    assert normalize("".join(w.text for w in result.words)) == normalize(result.text)
    # every query of a clean Chinese chat is found
    if image_id == "0002":
        for q in truth["queries"]:  # type: ignore[attr-defined]
            assert normalize(q["q"]) in normalize(result.text), q


@needs_dev
def test_boxes_in_original_pixels(engine: TesseractEngine) -> None:
    # 0002 is small 1x text, so it is upscaled before OCR: boxes must be scaled back.
    img, truth = load("0002")
    gray = to_gray_or_rgb(img)
    est = estimate_text_height(gray)
    assert est is not None and est < 20  # i.e. the engine upscales it
    result = engine.recognize(img)
    w, h = img.size
    assert result.words
    for word in result.words:
        x0, y0, x1, y1 = word.box
        assert 0 <= x0 <= x1 <= w and 0 <= y0 <= y1 <= h, word
        assert 0 <= word.conf <= 100
    # a known line lands where the true line box is
    lines = truth["lines"]
    assert isinstance(lines, list)
    phone = next(line for line in lines if "151-5761-5746" in line["text"])
    words = [wd for wd in result.words if "5761" in wd.text]
    assert words, result.text
    bx0, by0, bx1, by1 = phone["bbox"]
    x0, y0, x1, y1 = words[0].box
    assert abs((y0 + y1) / 2 - (by0 + by1) / 2) <= 8
    assert bx0 - 10 <= x0 and x1 <= bx1 + 10


@needs_dev
def test_cjk_spaces_removed_latin_spaces_kept(engine: TesseractEngine) -> None:
    img, _ = load("0002")
    text = engine.recognize(img).text
    assert "保 修" not in text and "退 款" not in text
    img, _ = load("0003")
    text = engine.recognize(img).text
    assert "Thank you for shopping" in text


def test_missing_tesseract_raises_unavailable(restore_tesseract: None) -> None:
    pytesseract.pytesseract.tesseract_cmd = "/nonexistent/tesseract"
    assert not ocr.tesseract_available()
    assert ocr.installed_languages() == []
    with pytest.raises(OcrUnavailable, match="apt-get install tesseract-ocr"):
        ocr.default_languages()
    with pytest.raises(OcrUnavailable, match="apt-get install tesseract-ocr"):
        TesseractEngine().recognize(Image.new("RGB", (100, 40), "white"))
    with pytest.raises(OcrUnavailable, match="not installed"):
        TesseractEngine("eng").recognize(Image.new("RGB", (100, 40), "white"))


def test_missing_tesseract_raised_by_pytesseract(monkeypatch: pytest.MonkeyPatch) -> None:
    # tesseract disappears between the check and the run
    def boom(*args: object, **kwargs: object) -> object:
        raise pytesseract.TesseractNotFoundError()

    monkeypatch.setattr(pytesseract, "image_to_data", boom)
    with pytest.raises(OcrUnavailable, match="tesseract-ocr-chi-sim"):
        TesseractEngine().recognize(Image.new("RGB", (100, 40), "white"))


def test_missing_language_raises_unavailable() -> None:
    with pytest.raises(OcrUnavailable, match="klingon") as info:
        TesseractEngine("chi_sim+klingon").recognize(Image.new("RGB", (100, 40), "white"))
    assert "apt-get install tesseract-ocr-klingon" in str(info.value)


def test_missing_chinese_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "installed_languages", lambda: ["eng", "osd"])
    with pytest.raises(OcrUnavailable, match="tesseract-ocr-chi-sim"):
        TesseractEngine("chi_sim+eng").recognize(Image.new("RGB", (100, 40), "white"))


def test_languages_discovered() -> None:
    langs = ocr.installed_languages()
    assert "eng" in langs and "chi_sim" in langs
    assert "List of available languages" not in " ".join(langs)
    assert ocr.default_languages() == "chi_sim+eng"
    assert TesseractEngine().languages == "chi_sim+eng"


def test_default_languages_with_only_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "installed_languages", lambda: ["eng", "osd"])
    assert ocr.default_languages() == "eng"
    monkeypatch.setattr(ocr, "installed_languages", lambda: ["osd"])
    with pytest.raises(OcrUnavailable, match="chi_sim"):
        ocr.default_languages()


def test_timeout_raises_failed() -> None:
    img = Image.new("RGB", (1200, 800), "white")
    from PIL import ImageDraw

    draw = ImageDraw.Draw(img)
    for i in range(30):
        draw.text((10, 10 + 25 * i), "order 2026071194201693 paid 157.00 " * 3, fill="black")
    with pytest.raises(OcrFailed, match="did not finish"):
        TesseractEngine(timeout=0.05).recognize(img)


def _text_image() -> Image.Image:
    from PIL import ImageDraw, ImageFont

    img = Image.new("RGB", (420, 80), "white")
    try:
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.truetype("DejaVuSans.ttf", 28)
    except OSError:
        font = ImageFont.load_default(size=28)
    ImageDraw.Draw(img).text((12, 20), "Order 20260711", fill="black", font=font)
    return img


@pytest.mark.parametrize("mode", ["RGBA", "P", "LA", "I;16", "L", "1", "CMYK"])
def test_image_modes(engine: TesseractEngine, mode: str) -> None:
    base = _text_image()
    if mode == "I;16":
        img = base.convert("L").convert("I").point(lambda v: v * 257).convert("I;16")
    else:
        img = base.convert(mode)
    result = engine.recognize(img)
    assert "20260711" in normalize(result.text), (mode, result.text)


def test_transparent_rgba_text_on_transparent_background(engine: TesseractEngine) -> None:
    from PIL import ImageDraw, ImageFont

    img = Image.new("RGBA", (420, 80), (0, 0, 0, 0))
    try:
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.truetype("DejaVuSans.ttf", 28)
    except OSError:
        font = ImageFont.load_default(size=28)
    ImageDraw.Draw(img).text((12, 20), "Order 20260711", fill=(0, 0, 0, 255), font=font)
    assert "20260711" in normalize(engine.recognize(img).text)


@pytest.mark.parametrize("size", [(1, 1), (1, 50), (3, 3)])
def test_tiny_image_returns_empty(engine: TesseractEngine, size: tuple[int, int]) -> None:
    result = engine.recognize(Image.new("RGB", size, "white"))
    assert result.text == ""
    assert result.words == ()
    assert result.confidence is None


def test_blank_image_returns_empty(engine: TesseractEngine) -> None:
    result = engine.recognize(Image.new("RGB", (300, 200), "white"))
    assert result.text == ""
    assert result.confidence is None


def test_truncated_image_raises_failed(tmp_path: Path) -> None:
    path = tmp_path / "cut.png"
    _text_image().save(path)
    path.write_bytes(path.read_bytes()[:200])
    with Image.open(path) as img, pytest.raises(OcrFailed, match="could not be read"):
        TesseractEngine().recognize(img)


def test_omp_thread_limit_set() -> None:
    import os

    TesseractEngine()
    assert os.environ.get("OMP_THREAD_LIMIT")


def test_fix_digit_runs() -> None:
    assert ocr.fix_digit_runs("2026O7119420l693") == "2026071194201693"
    assert ocr.fix_digit_runs("EMS167308770CN") == "EMS167308770CN"
    assert ocr.fix_digit_runs("SF5514287012446 Oak lol") == "SF5514287012446 Oak lol"
    assert ocr.fix_digit_runs("1ZUCFEO3FEZWPYZVG8") == "1ZUCFEO3FEZWPYZVG8"
