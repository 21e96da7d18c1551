"""`Library.bulk_add` keeps captures exactly as add_capture + set_ocr_result do: the same
rows, custody events and search documents (the benchmarks build their libraries with it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage.errors import BadImage, InvalidInput, NotFound
from storage.library import Library
from storage.records import NewCapture, OcrData, OcrWordBox

OCR = OcrData(
    "退款 申请\n订单号 123456789012345678\nRefund 138-0013-8000",
    "tesseract",
    "5.3.0",
    "chi_sim+eng",
    88.456,
    (OcrWordBox("退款", (1, 2, 30, 20), 91.27), OcrWordBox("Refund", (5, 30, 60, 48), 77.0)),
)


def _items(make_png, pid: int) -> list[NewCapture]:
    return [
        NewCapture(
            make_png(1),
            "region",
            captured_at="2025-01-02T03:04:05.000000Z",
            utc_offset_min=480,
            source_name="微信 - 聊天",
            purchase_id=pid,
            note="卖家承认了",
            ocr=OCR,
        ),
        NewCapture(make_png(2), "import", captured_at="2025-01-03T03:04:05.000000Z", utc_offset_min=0),
        NewCapture(make_png(1), "clipboard", captured_at="2025-01-04T03:04:05.000000Z", purchase_id=pid),
    ]


def _one_by_one(lib: Library, items: list[NewCapture]) -> list[int]:
    ids = []
    for it in items:
        c = lib.add_capture(
            it.data,
            source=it.source,
            purchase_id=it.purchase_id,
            note=it.note,
            captured_at=it.captured_at,
            utc_offset_min=it.utc_offset_min,
            source_name=it.source_name,
            encoded_here=True,
        )
        if it.ocr is not None:
            lib.set_ocr_result(c.id, it.ocr)
        ids.append(c.id)
    return ids


def _contents(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Everything but times that say when a row or event was written."""
    con = sqlite3.connect(db)
    try:
        return {
            "captures": con.execute(
                "SELECT id, purchase_id, sha256, media_type, bytes, width, height, captured_at, utc_offset_min, "
                "source, source_name, screen_geometry, note, ocr_status, ocr_text, ocr_engine, ocr_version, "
                "ocr_languages, ocr_confidence, ocr_words, ocr_error, ocr_at IS NOT NULL, flags, deleted_at "
                "FROM captures ORDER BY id"
            ).fetchall(),
            "events": con.execute(
                "SELECT kind, capture_id, purchase_id, data FROM events WHERE kind != 'library_created' ORDER BY id"
            ).fetchall(),
            "documents": con.execute(
                "SELECT capture_id, body FROM search_doc ORDER BY capture_id"
            ).fetchall(),
            "fts_tri": con.execute(
                "SELECT count(*) FROM fts_tri WHERE fts_tri MATCH '\"退款申请\"'"
            ).fetchall(),
        }
    finally:
        con.close()


def _library(root: Path) -> tuple[Library, int]:
    lib = Library.open(root)
    p = lib.add_purchase(
        {"title": "降噪耳机", "order_no": "4455667788"},
        merchant={"display_name": "糖糖的小店", "platform": "taobao", "phone": "13800138000"},
    )
    return lib, p.id


def test_bulk_add_writes_what_add_capture_and_set_ocr_result_write(tmp_path: Path, make_png) -> None:
    one, pid = _library(tmp_path / "one")
    bulk, pid_bulk = _library(tmp_path / "bulk")
    assert pid == pid_bulk
    ids_one = _one_by_one(one, _items(make_png, pid))
    ids_bulk = bulk.bulk_add(_items(make_png, pid))
    assert ids_one == ids_bulk
    assert _contents(one.db_path) == _contents(bulk.db_path)
    assert (
        [h.capture_id for h in bulk.search("退款")]
        == [h.capture_id for h in one.search("退款")]
        == [ids_bulk[0]]
    )
    assert len(bulk.search("糖糖的小店")) == 2  # the seller's name is in the filed captures' documents
    assert bulk.verify_custody() == []
    assert bulk.check().ok
    # The two captures of one image share its blob.
    assert len(list(bulk.blobs.iter_shas())) == 2
    one.close()
    bulk.close()


def test_bulk_add_commits_in_transactions_and_reads_lazily(lib: Library, make_png) -> None:
    seen = []

    def items():
        for i in range(7):
            seen.append(i)
            yield NewCapture(make_png(i), "region", purchase_id=None)

    ids = lib.bulk_add(items(), per_transaction=3)
    assert ids == list(range(ids[0], ids[0] + 7)) and seen == list(range(7))
    assert lib.count_captures()["inbox"] == 7
    assert lib.verify_custody() == [] and lib.check().ok
    # Ids stay never reused: captures added after a bulk add follow it.
    assert lib.add_capture(make_png(99), source="region", purchase_id=None).id == ids[-1] + 1


def test_bulk_add_refuses_what_add_capture_refuses(lib: Library, make_png) -> None:
    with pytest.raises(InvalidInput, match="unknown capture source"):
        lib.bulk_add([NewCapture(make_png(1), "scanner")])
    with pytest.raises(BadImage):
        lib.bulk_add([NewCapture(b"not an image", "region")])
    with pytest.raises(NotFound):
        lib.bulk_add([NewCapture(make_png(1), "region"), NewCapture(make_png(2), "region", purchase_id=404)])
    assert lib.count_captures() == {"all": 0, "inbox": 0, "trash": 0}  # the whole transaction was refused
    assert lib.verify_custody() == []
