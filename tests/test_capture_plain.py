"""Plain-Python capture pieces: region maths, hotkey text, cropping and encoding, and the OCR
pipeline against an in-memory library (capture needs no database)."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image

from capture.errors import OcrFailed, OcrUnavailable
from capture.hotkey import canonical, hotkey_problem, to_pynput
from capture.ocr import OcrResult, OcrWord
from capture.pipeline import ocr_capture, ocr_many
from capture.region import Rect, from_drag, nudge, parse_region, to_physical
from capture.screen import ScreenGrab, encode_png, is_mostly_uniform
from storage.records import CaptureRecord, OcrData, OcrWordBox


@pytest.mark.parametrize(
    "drag",
    [(100, 100, 400, 300), (400, 300, 100, 100), (400, 100, 100, 300), (100, 300, 400, 100)],
)
def test_a_drag_in_any_direction_covers_the_distance_dragged(drag) -> None:
    assert from_drag(*drag) == Rect(100, 100, 300, 200)


def test_a_click_without_moving_selects_nothing() -> None:
    assert from_drag(50, 60, 50, 60).empty


def test_nudge_moves_and_resizes_within_bounds() -> None:
    bounds = Rect(0, 0, 100, 100)
    assert nudge(Rect(10, 10, 20, 20), 5, -3, bounds) == Rect(15, 7, 20, 20)
    assert nudge(Rect(90, 90, 10, 10), 5, 5, bounds) == Rect(90, 90, 10, 10)
    assert nudge(Rect(10, 10, 20, 20), 5, 1, bounds, resize=True) == Rect(10, 10, 25, 21)
    assert nudge(Rect(10, 10, 1, 1), -5, -5, bounds, resize=True) == Rect(10, 10, 1, 1)


@pytest.mark.parametrize(
    "sel, logical, physical, expected",
    [
        (Rect(10, 20, 100, 50), Rect(0, 0, 1280, 800), (1280, 800), Rect(10, 20, 100, 50)),
        (Rect(10, 20, 100, 50), Rect(0, 0, 1280, 800), (2560, 1600), Rect(20, 40, 200, 100)),
        (Rect(0, 0, 1280, 800), Rect(0, 0, 1280, 800), (1920, 1200), Rect(0, 0, 1920, 1200)),
        (Rect(1, 1, 3, 3), Rect(0, 0, 1280, 800), (1600, 1000), Rect(1, 1, 4, 4)),  # 1.25x rounds edges
    ],
)
def test_logical_selection_maps_to_physical_pixels(sel, logical, physical, expected) -> None:
    assert to_physical(sel, logical, physical) == expected


def test_parse_region_explains_mistakes() -> None:
    assert parse_region("1, 2, 30, 40") == Rect(1, 2, 30, 40)
    for bad in ("1,2,3", "a,b,c,d", "0,0,0,10", "0,0,-5,10"):
        with pytest.raises(ValueError, match="region"):
            parse_region(bad)


def test_hotkey_text_forms() -> None:
    assert canonical("alt + ctrl + p") == "Ctrl+Alt+P"
    assert to_pynput("Ctrl+Alt+P") == "<ctrl>+<alt>+p"
    assert to_pynput("Ctrl+Shift+F9") == "<ctrl>+<shift>+<f9>"
    assert hotkey_problem("Ctrl+Alt+P") is None
    assert hotkey_problem("F9") is None
    assert "already used" in (hotkey_problem("ctrl+c") or "")
    assert "WeChat" in (hotkey_problem("Alt+A") or "")
    assert "while you type" in (hotkey_problem("p") or "")
    assert "one key" in (hotkey_problem("Ctrl+Alt") or "")


def _grab(w: int, h: int) -> ScreenGrab:
    data = bytearray()
    for y in range(h):
        for x in range(w):
            data += bytes((x % 256, y % 256, (x * y) % 256))
    return ScreenGrab(0, Rect(0, 0, w, h), bytes(data), 0.0)


def test_crop_takes_exactly_the_pixels_and_png_keeps_them() -> None:
    grab = _grab(64, 40)
    img = grab.crop(Rect(5, 7, 20, 10))
    assert img.size == (20, 10)
    assert img.getpixel((0, 0)) == (5, 7, 35) and img.getpixel((19, 9)) == (24, 16, (24 * 16) % 256)
    back = Image.open(io.BytesIO(encode_png(img)))
    assert back.size == (20, 10) and back.convert("RGB").tobytes() == img.tobytes()


def test_mostly_one_colour_is_flagged() -> None:
    assert is_mostly_uniform(Image.new("RGB", (800, 600), (0, 0, 0)))
    assert not is_mostly_uniform(_grab(64, 40).image())


class _FakeBlobs:
    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}

    def read(self, sha256: str) -> bytes:
        return self.data[sha256]


class _FakeLibrary:
    """An in-memory `capture.pipeline.OcrLibrary`: OCR needs no database (docs/adr/006)."""

    def __init__(self) -> None:
        self.blobs = _FakeBlobs()
        self.records: dict[int, CaptureRecord] = {}

    def add(self, capture_id: int, data: bytes) -> None:
        sha = f"{capture_id:064x}"
        self.blobs.data[sha] = data
        self.records[capture_id] = CaptureRecord(
            id=capture_id, purchase_id=None, purchase_title=None, sha256=sha, media_type="image/png",
            bytes=len(data), width=1, height=1, captured_at="2026-12-02T10:00:00Z", utc_offset_min=0,
            source="import", source_name=None, screen_geometry=None, note=None, ocr_status="pending",
            ocr_text=None, ocr_engine=None, ocr_version=None, ocr_languages=None, ocr_confidence=None,
            ocr_error=None, flags=(), deleted_at=None,
        )  # fmt: skip

    def get_capture(self, capture_id: int) -> CaptureRecord:
        return self.records[capture_id]

    def set_ocr_result(self, capture_id: int, ocr: OcrData) -> CaptureRecord:
        rec = replace(self.records[capture_id], ocr_status="done", ocr_text=ocr.text, words=ocr.words)
        self.records[capture_id] = rec
        return rec

    def set_ocr_problem(self, capture_id: int, status: str, error: str) -> CaptureRecord:
        rec = replace(self.records[capture_id], ocr_status=status, ocr_error=error)
        self.records[capture_id] = rec
        return rec


class _FakeEngine:
    name = "fake"

    def recognize(self, image: Image.Image) -> OcrResult:
        if image.size == (2, 2):
            raise OcrUnavailable("fake engine: no language data")
        if image.size == (3, 3):
            raise OcrFailed("fake engine: did not finish")
        word = OcrWord("退款", (0, 0, image.width, image.height), 91.0)
        return OcrResult("退款", (word,), "fake", "1", "chi_sim", 91.0, 0.25)


def test_ocr_pipeline_stores_each_outcome_through_the_library_it_is_given() -> None:
    lib = _FakeLibrary()
    for capture_id, size in ((1, (8, 8)), (2, (2, 2)), (3, (3, 3))):
        lib.add(capture_id, encode_png(Image.new("RGB", size, "white")))
    lib.add(4, b"not an image")
    seen: list[tuple[int, int, str]] = []

    outcomes = ocr_many(
        lib, _FakeEngine(), [1, 2, 3, 4], progress=lambda n, total, o: seen.append((n, total, o.status))
    )

    assert [(o.capture_id, o.status) for o in outcomes] == [
        (1, "done"),
        (2, "unavailable"),
        (3, "failed"),
        (4, "failed"),
    ]
    assert seen == [(1, 4, "done"), (2, 4, "unavailable"), (3, 4, "failed"), (4, 4, "failed")]
    done = lib.records[1]
    assert done.ocr_text == "退款" and done.words == (OcrWordBox("退款", (0, 0, 8, 8), 91.0),)
    assert outcomes[0].seconds == 0.25 and outcomes[0].record == done
    assert lib.records[2].ocr_error == "fake engine: no language data" == outcomes[1].message
    assert lib.records[3].ocr_error == "fake engine: did not finish"
    assert lib.records[4].ocr_status == "failed" and lib.records[4].ocr_error
    assert ocr_capture(lib, _FakeEngine(), 1).status == "done"
