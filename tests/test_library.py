"""Purchases, merchants and captures through the library service (real SQLite files)."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest

from storage.errors import BadImage, InvalidInput, NotFound
from storage.library import ACTIVE, INBOX, Library
from storage.records import OcrData


def test_new_library_is_owner_only(lib: Library) -> None:
    for path in (lib.root, lib.db_path, lib.blobs.root):
        mode = stat.S_IMODE(os.stat(path).st_mode)
        assert mode & 0o077 == 0, f"{path} is readable by others: {oct(mode)}"


def test_capture_round_trip_is_byte_exact(lib: Library, make_png) -> None:
    data = make_png(1, (300, 200))
    rec = lib.add_capture(data, source="region", purchase_id=None)
    assert rec.sha256 == hashlib.sha256(data).hexdigest()
    assert (rec.width, rec.height, rec.bytes, rec.media_type) == (300, 200, len(data), "image/png")
    assert lib.read_capture_bytes(rec.id) == data
    blob = lib.blob_path(rec.sha256)
    assert blob.read_bytes() == data
    assert not os.access(blob, os.W_OK) or os.geteuid() == 0  # read-only for a normal user
    assert stat.S_IMODE(os.stat(blob).st_mode) == 0o400


def test_jpeg_webp_bmp_are_kept_unchanged(lib: Library, make_png) -> None:
    for i, fmt in enumerate(("JPEG", "WEBP", "BMP")):
        data = make_png(10 + i, fmt=fmt)
        rec = lib.add_capture(data, source="import", purchase_id=None)
        assert lib.read_capture_bytes(rec.id) == data
        assert rec.media_type == {"JPEG": "image/jpeg", "WEBP": "image/webp", "BMP": "image/bmp"}[fmt]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"not an image at all", "not an image"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not an image"),
    ],
)
def test_bad_bytes_are_refused_and_nothing_is_kept(lib: Library, data: bytes, message: str) -> None:
    with pytest.raises(BadImage, match=message):
        lib.add_capture(data, source="import", purchase_id=None)
    assert lib.list_captures() == []
    assert list(lib.blobs.iter_shas()) == []


def test_truncated_png_is_refused(lib: Library, make_png) -> None:
    data = make_png(3, (400, 300))
    with pytest.raises(BadImage, match="damaged or incomplete|not an image"):
        lib.add_capture(data[: len(data) // 2], source="import", purchase_id=None)
    assert lib.list_captures() == []


def test_absurd_dimensions_are_refused(lib: Library) -> None:
    import io
    import struct
    import zlib

    # A valid PNG header claiming 100000 x 100000 pixels, with a tiny body.
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 0, 0, 0, 0)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )
    with pytest.raises(BadImage, match="too large"):
        lib.add_capture(io.BytesIO(png).getvalue(), source="import", purchase_id=None)


def test_purchase_with_merchant_and_validation(lib: Library) -> None:
    p = lib.add_purchase(
        {
            "title": "  蓝牙耳机 ",
            "order_no": "2026102712345678",
            "amount": "¥1,280.5",
            "ordered_at": "2026/10/27",
        },
        {"display_name": "数码小铺", "platform": "闲鱼", "phone": "138 0013 8000"},
    )
    assert p.title == "蓝牙耳机"
    assert p.amount_minor == 128050 and p.amount == "1280.50" and p.currency == "CNY"
    assert p.ordered_at == "2026-10-27"
    assert p.merchant is not None and p.merchant.platform == "xianyu"
    assert "real_name" in p.merchant.missing_identity and "phone" not in p.merchant.missing_identity

    for fields, msg in [
        ({"title": ""}, "title"),
        ({"title": "x", "amount": "12.345"}, "not an amount"),
        ({"title": "x", "amount": "-3"}, "not an amount"),
        ({"title": "x", "ordered_at": "yesterday"}, "not a date"),
        ({"title": "x", "status": "lost"}, "status"),
        ({"title": "x", "currency": "yuan!"}, "currency"),
    ]:
        with pytest.raises(InvalidInput, match=msg):
            lib.add_purchase(fields)
    assert [x.id for x in lib.list_purchases()] == [p.id]


def test_merchants_are_reused_by_name(lib: Library) -> None:
    a = lib.add_purchase({"title": "A"}, {"display_name": "糖糖的店", "account_id": "tangtang88"})
    b = lib.add_purchase({"title": "B"}, {"display_name": "糖糖的店", "phone": "15099034644"})
    assert a.merchant and b.merchant and a.merchant.id == b.merchant.id
    assert b.merchant.account_id == "tangtang88" and b.merchant.phone == "15099034644"
    assert len(lib.list_merchants()) == 1


def test_edit_purchase_records_changes_and_reindexes(lib: Library, make_png) -> None:
    p = lib.add_purchase({"title": "Phone case"})
    c = lib.add_capture(make_png(1), source="region", purchase_id=p.id)
    assert lib.search("黑心商家") == []
    lib.edit_purchase(p.id, {"status": "disputed"}, {"display_name": "黑心商家", "phone": "13800138000"})
    hits = lib.search("黑心商家")
    assert [h.capture_id for h in hits] == [c.id]
    assert lib.search("13800138000")[0].field == "purchase"
    kinds = [e.kind for e in lib.events(purchase_id=p.id)]
    assert "purchase_edited" in kinds
    with pytest.raises(NotFound):
        lib.edit_purchase(999, {"status": "closed"})


def test_active_purchase_files_new_captures(lib: Library, make_png) -> None:
    p = lib.add_purchase({"title": "Sofa"})
    assert lib.add_capture(make_png(1), source="region", purchase_id=ACTIVE).purchase_id is None
    lib.set_active_purchase(p.id)
    assert lib.add_capture(make_png(2), source="region", purchase_id=ACTIVE).purchase_id == p.id
    assert lib.active_purchase() is not None
    lib.set_active_purchase(None)
    assert lib.add_capture(make_png(3), source="region", purchase_id=ACTIVE).purchase_id is None
    assert len(lib.list_captures(purchase_id=INBOX)) == 2


def test_move_note_trash_restore_each_leave_an_event(lib: Library, make_png) -> None:
    p = lib.add_purchase({"title": "Sofa"})
    c = lib.add_capture(make_png(1), source="region", purchase_id=None)
    lib.move_captures([c.id], p.id)
    lib.set_note(c.id, "卖家承诺七天无理由退货")
    lib.trash([c.id])
    assert lib.list_captures(purchase_id=p.id) == []
    assert [x.id for x in lib.list_captures(trash=True)] == [c.id]
    assert lib.search("七天") == []  # trashed captures are not search results
    lib.restore([c.id])
    assert [h.capture_id for h in lib.search("七天")] == [c.id]
    kinds = [e.kind for e in lib.events(capture_id=c.id)]
    assert kinds == ["captured", "moved", "note_edited", "deleted", "restored"]
    assert lib.verify_custody() == []


def test_batch_changes_are_all_or_nothing(lib: Library, make_png) -> None:
    c = lib.add_capture(make_png(1), source="region", purchase_id=None)
    p = lib.add_purchase({"title": "T"})
    with pytest.raises(NotFound, match="capture 999"):
        lib.move_captures([c.id, 999], p.id)
    assert lib.get_capture(c.id).purchase_id is None
    with pytest.raises(NotFound, match="purchase 77"):
        lib.move_captures([c.id], 77)
    with pytest.raises(InvalidInput, match="not in the Trash"):
        lib.restore([c.id])
    assert [e.kind for e in lib.events(capture_id=c.id)] == ["captured"]


def test_deleting_a_purchase_keeps_its_captures_in_the_inbox(lib: Library, make_png) -> None:
    p = lib.add_purchase({"title": "T"})
    lib.set_active_purchase(p.id)
    c = lib.add_capture(make_png(1), source="region", purchase_id=ACTIVE)
    lib.delete_purchase(p.id)
    assert lib.get_capture(c.id).purchase_id is None
    assert lib.active_purchase() is None
    assert lib.read_capture_bytes(c.id) == make_png(1)


def test_empty_trash_removes_rows_and_unshared_blobs_only(lib: Library, make_png) -> None:
    a = lib.add_capture(make_png(1), source="region", purchase_id=None)
    b = lib.add_capture(make_png(1), source="region", purchase_id=None)  # same pixels, later
    c = lib.add_capture(make_png(2), source="region", purchase_id=None)
    lib.trash([a.id, c.id])
    assert sorted(lib.empty_trash()) == sorted([a.id, c.id])
    assert lib.blobs.exists(b.sha256)  # still used by b
    assert not lib.blobs.exists(c.sha256)
    assert lib.check().ok


def test_ocr_result_is_stored_and_searchable(lib: Library, make_png) -> None:
    from storage.records import OcrWordBox

    c = lib.add_capture(make_png(1), source="region", purchase_id=None)
    assert lib.captures_needing_ocr() == [c.id]
    lib.set_ocr_problem(c.id, "unavailable", "tesseract is not installed")
    assert lib.get_capture(c.id).ocr_status == "unavailable"
    assert lib.captures_needing_ocr() == [c.id]
    lib.set_ocr_result(
        c.id,
        OcrData(
            "退款已原路返回",
            "tesseract",
            "5.3.0",
            "chi_sim+eng",
            88.5,
            (OcrWordBox("退款", (1, 2, 30, 20), 91.0),),
        ),
    )
    rec = lib.get_capture(c.id, with_words=True)
    assert rec.ocr_status == "done" and rec.words[0].box == (1, 2, 30, 20)
    assert lib.captures_needing_ocr() == []
    assert [h.capture_id for h in lib.search("退款")] == [c.id]
    # A later failure does not throw away text that was read.
    lib.set_ocr_problem(c.id, "failed", "timeout")
    assert lib.get_capture(c.id).ocr_status == "done"


def test_hostile_text_fields_are_stored_literally(lib: Library, make_png) -> None:
    name = '\'; DROP TABLE captures; -- "客服" ../../etc/passwd \x00\x1b[31m'
    p = lib.add_purchase({"title": name}, {"display_name": name})
    assert "\x00" not in p.title and "\x1b" not in p.title
    assert "DROP TABLE captures" in p.title
    c = lib.add_capture(make_png(1), source="region", purchase_id=p.id, note=name)
    assert lib.get_capture(c.id).note == p.title
    assert lib.search("DROP TABLE")[0].capture_id == c.id


def test_get_captures_keeps_the_order_asked_for(lib: Library, make_png) -> None:
    ids = [lib.add_capture(make_png(i), source="region", purchase_id=None).id for i in range(3)]
    assert [c.id for c in lib.get_captures([ids[2], 999, ids[0]])] == [ids[2], ids[0]]


def test_a_merchant_chosen_by_id_can_be_renamed(lib: Library) -> None:
    p = lib.add_purchase({"title": "A"}, {"display_name": "老王数码"})
    assert p.merchant is not None
    edited = lib.edit_purchase(p.id, merchant={"display_name": "王氏数码"}, merchant_id=p.merchant.id)
    assert edited.merchant is not None and edited.merchant.id == p.merchant.id
    assert edited.merchant.display_name == "王氏数码"
