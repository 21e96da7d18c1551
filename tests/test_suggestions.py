"""Suggestions for a purchase (capture.suggestions): never the buyer's own details,
and the order's total rather than its line prices."""

from __future__ import annotations

import json

import pytest

from capture.suggestions import purchase_suggestions
from storage.records import CaptureRecord, MerchantRecord, PurchaseRecord
from storage.settings import OwnDetails

from .conftest import ROOT

EVALSET = ROOT / "tests" / "data" / "evalset"

ORDER_PAGE = (
    "收货地址： 赵磊，141-2898-3235 订单编号： 2026071194201693\n"
    "苏州市思明区湖滨南路57号 支付交易号： 2026787796008006166265593197\n"
    "卖家： 潮玩研究所 客服电话 139 1234 5678\n"
    "四川麻辣香肠 农家手工 500g ¥91.00 1 申请售后 ¥91.00\n"
    "厨下净水器 ¥1998.99 1 申请售后 ¥1998.99\n"
    "商品总价： ¥2089.99\n运费（快递）： ¥0.00\n店铺优惠： -¥10.00\n实付款： ¥2079.99"
)


def cap(i: int, text: str) -> CaptureRecord:
    return CaptureRecord(
        i, 1, "t", "0" * 64, "image/png", 1, 1, 1, f"2026-10-2{i}T00:00:00.000000Z", 480,
        "region", None, None, None, "done", text, None, None, None, None, None, (), None,
    )  # fmt: skip


def purchase(merchant: MerchantRecord | None = None) -> PurchaseRecord:
    return PurchaseRecord(1, "t", merchant, None, None, "CNY", None, "open", None, "", "")


def found(
    caps: list[CaptureRecord], exclude: OwnDetails | list[str] | None = None, kind: str | None = None
) -> list[str]:
    return [
        s.value
        for s in purchase_suggestions(purchase(), caps, exclude or [])
        if kind is None or s.kind == kind
    ]


def test_the_total_is_suggested_not_the_line_prices() -> None:
    assert found([cap(1, ORDER_PAGE)], kind="amount") == ["2079.99"]


def test_plain_amounts_are_suggested_when_no_total_is_labelled() -> None:
    caps = [cap(1, "转账 ¥91.00\n退款157元已原路返回")]
    assert found(caps, kind="amount") == ["91.00", "157.00"]


def test_a_total_in_one_capture_replaces_line_prices_in_another() -> None:
    caps = [cap(1, "这个 ¥91.00 的香肠"), cap(2, "合计 ¥91.00\n实付 ¥81.00")]
    assert found(caps, kind="amount") == ["81.00"]


def test_own_phone_is_never_suggested() -> None:
    assert found([cap(1, ORDER_PAGE)], kind="phone") == ["14128983235", "13912345678"]
    assert found([cap(1, ORDER_PAGE)], ["+86 141 2898 3235"], kind="phone") == ["13912345678"]


def test_a_phone_beside_the_buyers_name_or_address_is_not_suggested() -> None:
    assert found([cap(1, ORDER_PAGE)], ["赵磊"], kind="phone") == ["13912345678"]
    address = OwnDetails(addresses=("苏州市思明区湖滨南路57号",))
    # An address: its own line and the line before it (the name and phone above it).
    assert found([cap(1, ORDER_PAGE)], address, kind="phone") == ["13912345678"]
    assert found([cap(1, "赵磊 141-2898-3235\n苏州市 思明区湖滨南路57号")], address) == []
    # The next line counts too: "收货人" then "电话" on its own line.
    text = "收货人： 胡 斌\n电话： 192 1185 7846\n商家电话 139 1234 5678"
    assert found([cap(1, text)], ["胡斌"], kind="phone") == ["13912345678"]
    assert found([cap(1, text)], OwnDetails(names=("胡斌",)), kind="phone") == ["13912345678"]


def test_other_details_beside_the_buyer_are_still_suggested() -> None:
    got = found([cap(1, ORDER_PAGE)], ["赵磊"], kind="order_no")
    assert "2026071194201693" in got


def test_a_recorded_phone_among_several_is_known() -> None:
    m = MerchantRecord(1, "店", phone="010-6552 9988 / 139 1234 5678")
    got = [s.value for s in purchase_suggestions(purchase(m), [cap(1, ORDER_PAGE)]) if s.kind == "phone"]
    assert got == ["14128983235"]


@pytest.mark.skipif(not (EVALSET / "0006.json").exists(), reason="no evaluation set")
def test_a_real_order_page_with_a_shipping_address() -> None:
    text = json.loads((EVALSET / "0006.json").read_text(encoding="utf-8"))["text"]
    assert "马超  17656829540" in text
    caps = [cap(1, text)]
    assert found(caps, ["马超"], kind="phone") == []
    assert found(caps, kind="amount") == ["624.89"]
