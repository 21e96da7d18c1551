"""Search recall on the evaluation screenshots (tests/data/evalset), the way
bench/score_evalset.py measures it through the command line, but in one process: every
dev image imported and read, every query searched, a hit when the query's own image is
among the first 10 results."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from capture.ocr import TesseractEngine, make_engine
from capture.pipeline import ocr_many
from capture.ppocr import ppocr_available
from storage.library import Library

from .conftest import EVALSET

pytestmark = pytest.mark.slow

#: Measured on this set: tesseract 0.941 (docs/adr/001), PP-OCR 1.000 (docs/adr/004);
#: the issues ask >= 0.90 for tesseract and >= 0.97 for the default engine, PP-OCR.
MIN_RECALL_AT_10 = {"tesseract": 0.90, "ppocr": 0.97}


# OCR of the whole set takes 1-3 minutes alone and far longer when other work shares the two
# cores; the limit only catches a hang.
@pytest.mark.timeout(1500)
@pytest.mark.parametrize("engine_name", ["tesseract", "ppocr"])
def test_dev_set_recall_at_10(tmp_path: Path, engine_name: str) -> None:
    if engine_name == "ppocr" and not ppocr_available():
        pytest.skip("PP-OCR (rapidocr + onnxruntime) is not installed")
    assert EVALSET.is_dir(), f"the evaluation set is missing: {EVALSET}"
    lib = Library.open(tmp_path / "lib")
    items = []
    for sidecar in sorted(EVALSET.glob("*.json")):
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or "queries" not in meta:
            continue
        data = (EVALSET / meta["image"]).read_bytes()
        rec = lib.add_capture(data, source="import", purchase_id=None, source_name=meta["image"])
        assert rec.sha256 == hashlib.sha256(data).hexdigest()
        items.append((rec, meta))
    engine = TesseractEngine() if engine_name == "tesseract" else make_engine("ppocr")
    # PP-OCR's one worker process already uses both cores.
    workers = 2 if engine_name == "tesseract" else 1
    outcomes = ocr_many(lib, engine, [rec.id for rec, _ in items], workers=workers)
    assert all(o.status == "done" for o in outcomes)
    found = total = 0
    misses = []
    for rec, meta in items:
        for q in meta["queries"]:
            total += 1
            hits = [h.capture_id for h in lib.search(q["q"], limit=10)]
            if rec.id in hits:
                found += 1
            else:
                misses.append(f"{meta['image']} {q['type']}: {q['q']}")
    recall = found / total
    assert recall >= MIN_RECALL_AT_10[engine_name], f"recall@10 {recall:.3f}; misses: {misses}"
