"""The stored words (storage.vocabulary): enum members are exactly the strings stored,
so using them changes no database value, no JSON and no custody hash."""

from __future__ import annotations

import json

import pytest

from storage.custody import canonical_json, chain_hash, event_payload
from storage.records import OCR_STATUSES, PLATFORMS, PURCHASE_STATUSES, SOURCES
from storage.vocabulary import CaptureSource, OcrStatus, Platform, PurchaseStatus


def test_the_tuples_other_packages_import_are_unchanged_plain_strings() -> None:
    assert PURCHASE_STATUSES == ("open", "disputed", "resolved", "closed")
    assert PLATFORMS == ("wechat", "qq", "taobao", "jd", "pinduoduo", "xianyu", "douyin", "webshop", "other")
    assert SOURCES == ("region", "fullscreen", "import", "clipboard", "recovered", "long", "attachment")
    assert OCR_STATUSES == ("pending", "done", "failed", "unavailable")
    for values in (PURCHASE_STATUSES, PLATFORMS, SOURCES, OCR_STATUSES):
        assert all(type(v) is str for v in values)


@pytest.mark.parametrize("member", [*PurchaseStatus, *OcrStatus, *CaptureSource, *Platform])
def test_a_member_is_its_string_everywhere(member: str) -> None:
    plain = member.value  # type: ignore[attr-defined]
    assert member == plain and hash(member) == hash(plain)
    assert {plain: 1}[member] == 1
    assert str(member) == plain and f"{member}" == plain
    assert json.dumps(member) == json.dumps(plain)
    assert json.dumps({"v": member}, indent=1) == json.dumps({"v": plain}, indent=1)
    assert canonical_json({"v": member, member: [member]}) == canonical_json({"v": plain, plain: [plain]})


def test_custody_hashes_do_not_change_with_members() -> None:
    data_enum = {
        "source": CaptureSource.REGION,
        "status": PurchaseStatus.DISPUTED,
        "platform": Platform.WECHAT,
    }
    data_str = {"source": "region", "status": "disputed", "platform": "wechat"}
    a = chain_hash("0" * 64, event_payload(1, "2026-01-01T00:00:00.000000Z", "captured", 1, None, data_enum))
    b = chain_hash("0" * 64, event_payload(1, "2026-01-01T00:00:00.000000Z", "captured", 1, None, data_str))
    assert a == b


def test_records_and_rows_hold_the_plain_stored_words(lib, make_png) -> None:
    import sqlite3

    p = lib.add_purchase({"title": "Headphones"}, merchant={"display_name": "Shop", "platform": "微信"})
    c = lib.add_capture(make_png(1), source=CaptureSource.REGION, purchase_id=p.id)
    failed = lib.set_ocr_problem(c.id, OcrStatus.FAILED, "engine crashed")
    for value in (p.status, p.merchant.platform, c.source, c.ocr_status, failed.ocr_status):
        assert type(value) is str
    assert (p.status, p.merchant.platform, c.ocr_status, failed.ocr_status) == (
        "open",
        "wechat",
        "pending",
        "failed",
    )
    con = sqlite3.connect(lib.db_path)
    row = con.execute(
        "SELECT typeof(p.status), p.status, typeof(c.source), c.ocr_status FROM purchases p, captures c"
    ).fetchone()
    kinds = [k for (k,) in con.execute("SELECT kind FROM events ORDER BY id")]
    created = con.execute("SELECT data FROM events WHERE kind = 'purchase_created'").fetchone()[0]
    con.close()
    assert row == ("text", "open", "text", "failed")
    assert kinds[-1] == "ocr_failed" and '"status":"open"' in created
    assert lib.verify_custody() == []


def test_the_vocabulary_is_a_leaf_that_loads_no_sqlalchemy() -> None:
    import subprocess
    import sys

    from .conftest import ROOT

    code = (
        "import sys, storage.vocabulary, storage.records, storage.values; print('sqlalchemy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
