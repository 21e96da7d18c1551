"""The PP-OCR engine (rapidocr + ONNX Runtime) in its worker process, on dev-set screenshots.

Real models, real worker processes: a killed worker is replaced, a hung image is stopped
after the timeout, an idle worker exits, and the models load with no network at all.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from capture.errors import OcrFailed
from capture.ocr import CombinedEngine, OcrResult, OcrWord, resolve_engine
from capture.ppocr import line_words, lines_to_result, ppocr_available
from capture.ppocr_worker import PpOcrProcessEngine
from storage.highlight import matching_word_boxes
from storage.normalize import normalize
from storage.records import OcrWordBox

from .conftest import EVALSET

ROOT = Path(__file__).resolve().parents[1]
DEV = EVALSET  # the dev evaluation set, kept in tests/data/evalset

needs_ppocr = pytest.mark.skipif(
    not ppocr_available(), reason="PP-OCR is not installed (pip install -e '.[ppocr]')"
)
needs_dev = pytest.mark.skipif(not DEV.is_dir(), reason="the dev evaluation set is not available")


def load(image_id: str) -> tuple[Image.Image, dict[str, object]]:
    img = Image.open(DEV / f"{image_id}.png")
    img.load()
    return img, json.loads((DEV / f"{image_id}.json").read_text(encoding="utf-8"))


def similarity(result: OcrResult, truth: str) -> float:
    """Text similarity regardless of line order: PP-OCR reads a two-column window row by
    row across both columns, the true text goes column by column."""

    def lines(text: str) -> str:
        return "\n".join(sorted(normalize(ln) for ln in text.splitlines() if ln.strip()))

    return difflib.SequenceMatcher(None, lines(result.text), lines(truth), autojunk=False).ratio()


def text_image() -> Image.Image:
    img, _ = load("0003")
    return img.crop((0, 0, img.width, 120))


@pytest.fixture(scope="module")
def engine() -> Iterator[PpOcrProcessEngine]:
    eng = PpOcrProcessEngine(timeout=120)
    yield eng
    eng.close()


# --------------------------------------------------------------------------- pure parts


def test_line_box_is_split_per_cjk_character_and_latin_word() -> None:
    # Given a line "订单号 A12" 100 px wide (3 CJK = 6 units, space, "A12" = 3 units: 10 units)
    words = line_words("订单号 A12", (0, 10, 100, 30), 99.0)
    # Then each CJK character gets 2 units and the Latin word its 3
    assert [w.text for w in words] == ["订", "单", "号", "A12"]
    assert [w.box for w in words] == [(0, 10, 20, 30), (20, 10, 40, 30), (40, 10, 60, 30), (70, 10, 100, 30)]


def test_lines_to_result_feeds_highlighting() -> None:
    quad = [[10.0, 5.0], [210.0, 5.0], [210.0, 25.0], [10.0, 25.0]]
    result = lines_to_result([("订单号2026O412", quad, 0.97)], (300, 40), "test", 0.1)
    assert result.text == "订单号20260412"  # digit look-alikes fixed as for tesseract
    assert result.engine == "ppocr" and result.languages == "ch"
    boxes = matching_word_boxes([OcrWordBox(w.text, w.box, w.conf) for w in result.words], "单号")
    assert len(boxes) == 1
    x0, y0, x1, y1 = boxes[0]
    assert 30 <= x0 < x1 <= 100 and (y0, y1) == (5, 25)


def test_auto_takes_ppocr_for_chinese_when_installed() -> None:
    expected = "ppocr" if ppocr_available() else "tesseract"
    assert resolve_engine("auto", None) == expected
    assert resolve_engine("auto", "chi_sim+eng") == expected
    assert resolve_engine("auto", "eng") == "tesseract"
    assert resolve_engine("tesseract", None) == "tesseract"
    assert resolve_engine("ppocr", "eng") == "ppocr"


def test_combined_engine_adds_only_lines_the_first_missed() -> None:
    class Fixed:
        def __init__(self, name: str, text: str) -> None:
            self.name, self.text = name, text

        def recognize(self, image: Image.Image) -> OcrResult:
            words = tuple(OcrWord(t, (0, 0, 1, 1), 90.0) for t in self.text.split())
            return OcrResult(self.text, words, self.name, "1", "x", 90.0, 0.5)

    both = CombinedEngine(Fixed("ppocr", "订单 已发货"), Fixed("tesseract", "已发货\nEMS123"))
    result = both.recognize(Image.new("RGB", (4, 4)))
    assert result.text == "订单 已发货\nEMS123"
    assert result.engine == "ppocr+tesseract" and result.seconds == 1.0


# --------------------------------------------------------------------------- real screenshots

# Thresholds sit a little below the values measured (docs/benchmarks.md, "OCR engines").
DEV_CASES = [
    ("0002", "Chinese light chat 1x", 0.85),  # measured 0.905
    ("0050", "Chinese dark chat 1x", 0.88),  # measured 0.931
    ("0000", "Chinese dark chat 2x", 0.95),  # measured 1.000
    ("0003", "English receipt 1x", 0.80),  # measured 0.859
]


@needs_ppocr
@needs_dev
@pytest.mark.parametrize(("image_id", "what", "minimum"), DEV_CASES, ids=[c[1] for c in DEV_CASES])
def test_dev_images_reach_similarity(
    engine: PpOcrProcessEngine, image_id: str, what: str, minimum: float
) -> None:
    img, truth = load(image_id)
    result = engine.recognize(img)
    sim = similarity(result, str(truth["text"]))
    assert sim >= minimum, f"{what}: similarity {sim:.3f} < {minimum}\n{result.text}"
    assert result.engine == "ppocr" and result.languages == "ch"
    assert result.version.startswith("rapidocr ") and "PP-OCR" in result.version
    assert result.confidence is not None and 0 <= result.confidence <= 100
    # the text is built from the words, in the same order, with boxes inside the image
    assert normalize("".join(w.text for w in result.words)) == normalize(result.text)
    for w in result.words:
        x0, y0, x1, y1 = w.box
        assert 0 <= x0 < x1 <= img.width and 0 <= y0 < y1 <= img.height
    # every true line is read (in some order)
    text = normalize(result.text).replace(" ", "")
    lines = truth["lines"]
    found = [ln for ln in lines if normalize(ln["text"]).replace(" ", "") in text]  # type: ignore[union-attr,index]
    assert len(found) >= 0.9 * len(lines), f"{len(found)} of {len(lines)} lines read"  # type: ignore[arg-type]
    # every query found in the text lights up a box on its true line
    for q in truth["queries"]:  # type: ignore[attr-defined]
        if normalize(q["q"]) not in normalize(result.text):
            continue  # recall is measured by score_project.py, not asserted per query
        boxes = matching_word_boxes([OcrWordBox(w.text, w.box, w.conf) for w in result.words], q["q"])
        assert boxes, q
        owners = [ln for ln in lines if normalize(q["q"]) in normalize(ln["text"])]  # type: ignore[index,union-attr]
        if owners:
            bx0, by0, bx1, by1 = boxes[0]
            cy = (by0 + by1) / 2
            assert any(ln["bbox"][1] - 8 <= cy <= ln["bbox"][3] + 8 for ln in owners), (q, boxes, owners)  # type: ignore[index]


@needs_ppocr
def test_killed_worker_is_replaced(engine: PpOcrProcessEngine) -> None:
    engine.recognize(text_image())
    pid = engine.pid
    assert pid is not None
    # When the worker dies between two images
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    # Then the next image is served by a fresh worker
    result = engine.recognize(text_image())
    assert "receipt" in normalize(result.text) or result.text
    assert engine.pid not in (None, pid)


@needs_ppocr
def test_hung_image_is_stopped_and_marked_failed_then_retried(lib) -> None:  # type: ignore[no-untyped-def]
    from capture.pipeline import ocr_capture
    from capture.screen import encode_png

    img, _ = load("0000")
    rec = lib.add_capture(encode_png(img), source="import")
    slow = PpOcrProcessEngine(timeout=0.05)
    try:
        # When an image takes longer than the timeout
        outcome = ocr_capture(lib, slow, rec.id)
        # Then the worker is killed, the capture failed and queued for a retry
        assert outcome.status == "failed" and "did not finish" in (outcome.message or "")
        assert slow.pid is None
        assert rec.id in lib.captures_needing_ocr()
        # And the next image gets a fresh worker
        slow.timeout = 120
        assert ocr_capture(lib, slow, rec.id).status == "done"
        assert slow.starts == 2
    finally:
        slow.close()


@needs_ppocr
def test_idle_worker_exits_and_comes_back() -> None:
    eng = PpOcrProcessEngine(idle_seconds=0.5)
    try:
        eng.recognize(text_image())
        proc = eng._proc
        assert proc is not None
        assert proc.wait(timeout=10) == 0  # it left by itself, freeing its memory
        assert eng.recognize(text_image()).text
        assert eng.starts == 2
    finally:
        eng.close()


def _can_unshare() -> bool:
    if shutil.which("unshare") is None:
        return False
    args = ["unshare", "--net", "true"] if os.geteuid() == 0 else ["unshare", "-rn", "true"]
    return subprocess.run(args, capture_output=True, check=False).returncode == 0


@needs_ppocr
@pytest.mark.skipif(not _can_unshare(), reason="unshare cannot make a network namespace here")
def test_models_load_with_the_network_unreachable() -> None:
    prefix = ["unshare", "--net"] if os.geteuid() == 0 else ["unshare", "-rn"]
    # Given a process in a network namespace of its own: no interface but a down loopback
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", "import socket; socket.create_connection(('1.1.1.1', 443), 3)"],
        capture_output=True,
        check=False,
    )
    assert probe.returncode != 0 and b"unreachable" in probe.stderr.lower()
    # When the worker runs there, the models load from the installed package and read text
    eng = PpOcrProcessEngine(command=[*prefix, sys.executable, "-m", "capture.ppocr_worker"])
    try:
        result = eng.recognize(text_image())
        assert result.engine == "ppocr" and result.text
    finally:
        eng.close()


@needs_ppocr
def test_the_app_process_never_loads_opencv_or_onnxruntime() -> None:
    code = (
        "import sys; from PIL import Image; from capture.ocr import make_engine\n"
        "e = make_engine('ppocr'); r = e.recognize(Image.new('RGB', (60, 30), 'white')); e.close()\n"
        "heavy = [m for m in ('cv2', 'onnxruntime', 'rapidocr') if m in sys.modules]\n"
        "assert not heavy, heavy; print(r.engine)"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ppocr"


@needs_ppocr
@needs_dev
def test_cli_redo_all_rereads_with_the_chosen_engine(cli) -> None:  # type: ignore[no-untyped-def]
    [first] = cli.json("import", "--ocr-engine", "tesseract", str(DEV / "0003.png"))
    assert first["ocr_engine"] == "tesseract"
    proc = cli.run("ocr", "--redo-all", "--ocr-engine", "ppocr")
    assert "reading text 1/1" in proc.stderr
    shown = cli.json("captures", "show", str(first["id"]))
    assert shown["ocr_engine"] == "ppocr" and "PP-OCR" in shown["ocr_version"]
    assert [e["kind"] for e in shown["events"]][-1] == "ocr_redone"
    assert cli.run("check").returncode == 0


def test_engine_without_the_packages_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    from capture import ppocr
    from capture.errors import OcrUnavailable

    monkeypatch.setattr(ppocr, "ppocr_available", lambda: False)
    assert resolve_engine("auto", None) == "tesseract"
    with pytest.raises(OcrUnavailable, match=r"pip install"):
        PpOcrProcessEngine().recognize(Image.new("RGB", (20, 20)))


def test_worker_that_dies_mid_image_fails_that_image_only() -> None:
    # A "worker" that says it is ready, then dies on the first image.
    fake = (
        "import sys, struct, json, os\n"
        "m = json.dumps({'ready': True, 'version': 'fake'}).encode()\n"
        "sys.stdout.buffer.write(struct.pack('>I', len(m)) + m); sys.stdout.buffer.flush()\n"
        "sys.stdin.buffer.read(4); os._exit(3)\n"
    )
    eng = PpOcrProcessEngine(command=[sys.executable, "-c", fake])
    with pytest.raises(OcrFailed, match="stopped unexpectedly"):
        eng.recognize(Image.new("RGB", (20, 20)))
    assert eng.pid is None
    eng.close()


# --------------------------------------------------------------------------- large captures


def test_detection_size_caps_the_longer_side_of_large_images_only() -> None:
    from capture.ppocr import DET_MAX_SIDE, det_size

    assert DET_MAX_SIDE is not None
    # a 2x full window and a 4K screen are detected with their longer side at the cap
    for size in ((1920, 1520), (2560, 1600), (3840, 2160), (1560, 3376)):
        w, h = det_size(size)
        assert max(w, h) <= DET_MAX_SIDE + 16 and max(w, h) >= DET_MAX_SIDE - 32, (size, w, h)
        assert abs(w / h - size[0] / size[1]) < 0.05
    # within the cap, rapidocr's own sizing (the shorter side brought up to 736 px) is kept
    assert det_size((960, 760)) == (960, 768)
    assert min(det_size((400, 600))) == 736
    assert det_size((1920, 1520), None) == (1920, 1536)


@needs_ppocr
@needs_dev
def test_large_image_is_detected_at_the_chosen_size_with_full_resolution_boxes() -> None:
    from capture.ppocr import PpOcrEngine, det_size

    # Given a 1x dev screenshot shown on a 2x screen (1920x1520)
    small, truth = load("0001")
    img = small.convert("RGB").resize((small.width * 2, small.height * 2), Image.Resampling.LANCZOS)
    eng = PpOcrEngine()
    eng.load()
    det = eng._ocr.text_det
    seen: list[tuple[int, ...]] = []
    run = det.session.__call__

    def spy(x, *a, **k):  # type: ignore[no-untyped-def]
        seen.append(tuple(x.shape))
        return run(x, *a, **k)

    det.session = type("Spy", (), {"__call__": staticmethod(spy)})()
    # When it is read
    result = eng.recognize(img)
    # Then the detector saw it at the chosen size, not at full resolution
    w, h = det_size(img.size)
    assert seen == [(1, 3, h, w)] and max(w, h) < max(img.size)
    # and the words' boxes are in the full-resolution image's coordinates: every query read
    # lights up a box on its true line (the true boxes scaled 2x)
    lines = truth["lines"]
    checked = 0
    for q in truth["queries"]:  # type: ignore[attr-defined]
        if normalize(q["q"]) not in normalize(result.text):
            continue
        boxes = matching_word_boxes([OcrWordBox(w.text, w.box, w.conf) for w in result.words], q["q"])
        owners = [ln for ln in lines if normalize(q["q"]) in normalize(ln["text"])]  # type: ignore[index,union-attr]
        assert boxes and owners, q
        bx0, by0, bx1, by1 = boxes[0]
        cy, cx = (by0 + by1) / 2, (bx0 + bx1) / 2
        assert any(
            2 * ln["bbox"][1] - 16 <= cy <= 2 * ln["bbox"][3] + 16  # type: ignore[index]
            and 2 * ln["bbox"][0] - 16 <= cx <= 2 * ln["bbox"][2] + 16  # type: ignore[index]
            for ln in owners
        ), (q, boxes, owners)
        checked += 1
    assert checked >= 2, result.text
