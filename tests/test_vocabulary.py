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
    assert SOURCES == ("region", "fullscreen", "import", "clipboard", "recovered")
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
