"""Entity extraction from OCR text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from capture.entities import Entity, extract_entities


def kinds(text: str, kind: str) -> list[Entity]:
    return [e for e in extract_entities(text) if e.kind == kind]


def values(text: str, kind: str) -> list[str]:
    return [e.value for e in kinds(text, kind)]


# ----------------------------------------------------------------------------- phones


def test_phone_groupings_and_country_code() -> None:
    text = "联系电话：138-0013-8000，备用 139 1234 5678；客服 15099034644 或 +86 186-9673-1841"
    assert values(text, "phone") == ["13800138000", "13912345678", "15099034644", "18696731841"]
    raws = [e.raw for e in kinds(text, "phone")]
    assert raws[0] == "138-0013-8000"
    assert raws[3] == "+86 186-9673-1841"


def test_phone_not_inside_longer_digit_runs_or_foreign_numbers() -> None:
    assert values("订单号 2026071194201693", "phone") == []
    assert values("Tel: +44 75 8201 4215", "phone") == []
    assert values("12800138000", "phone") == []  # 12x is not a mobile prefix


def test_full_width_digits() -> None:
    ents = kinds("电话：１３８００１３８０００", "phone")
    assert [e.value for e in ents] == ["13800138000"]
    assert ents[0].raw == "１３８００１３８０００"


# ----------------------------------------------------------------------------- wechat


def test_wechat_ids_after_labels() -> None:
    text = "加我微信xiaolu_rt336 哦；微信号：Cindy-2026 / WeChat: abc_12345 / vx: tea_shop88 / wx 12345678"
    assert values(text, "wechat_id") == ["xiaolu_rt336", "Cindy-2026", "abc_12345", "tea_shop88"]


def test_wxid_without_label() -> None:
    assert values("对方 wxid_3sftgm1e4 已添加", "wechat_id") == ["wxid_3sftgm1e4"]


def test_wechat_id_too_short_is_ignored() -> None:
    assert values("微信：ab12", "wechat_id") == []


# ----------------------------------------------------------------------------- orders


def test_order_numbers_labeled_and_long_runs() -> None:
    text = (
        "订单编号： 2026071194201693\n支付交易号： 2026787796008006166265593197\n"
        "Order No. 111-9351317-1380810\nOrder #AP022358995\n单号：SF5514287012446"
    )
    assert values(text, "order_no") == [
        "2026071194201693",
        "2026787796008006166265593197",
        "111-9351317-1380810",
        "AP022358995",
        "SF5514287012446",
    ]


def test_order_number_label_english_lowercase() -> None:
    assert values("your order number: 832999474295 has shipped", "order_no") == ["832999474295"]


def test_phone_is_not_an_order_number() -> None:
    text = "13800138000 +8613800138000"
    assert values(text, "order_no") == []
    assert values(text, "phone") == ["13800138000"]


# ----------------------------------------------------------------------------- amounts


def test_amounts_with_currency() -> None:
    ents = kinds("实付款： ¥2,079.99 退款157元已原路返回 店铺优惠：-¥10.00 合计 ￥91 共 30 RMB", "amount")
    assert [(e.value, e.currency) for e in ents] == [
        ("2079.99", "CNY"),
        ("157.00", "CNY"),
        ("-10.00", "CNY"),
        ("91.00", "CNY"),
        ("30.00", "CNY"),
    ]
    assert ents[0].raw == "¥2,079.99"


def test_yen_sign_read_as_y_by_ocr() -> None:
    ents = kinds("退 款Y157.00已原路返回 KY12 Y2026", "amount")
    assert [(e.value, e.currency, e.raw) for e in ents] == [("157.00", "CNY", "Y157.00")]


def test_dollar_amounts() -> None:
    ents = kinds("Total: $45.48 (USD 12.5) refund 7 USD", "amount")
    assert [(e.value, e.currency) for e in ents] == [("45.48", "USD"), ("12.50", "USD"), ("7.00", "USD")]


# ----------------------------------------------------------------------------- url / e-mail


def test_urls_and_emails() -> None:
    text = "详情见 https://shop.example.com/order?id=1。或 www.taobao.com，邮件 Foo.Bar@Example.COM."
    assert values(text, "url") == ["https://shop.example.com/order?id=1", "www.taobao.com"]
    ents = kinds(text, "email")
    assert [e.value for e in ents] == ["foo.bar@example.com"]
    assert ents[0].raw == "Foo.Bar@Example.COM"


# ----------------------------------------------------------------------------- dates


def test_dates() -> None:
    text = "2026-10-27 下单，2026/10/28 发货，2026年10月29日 签收，10月30日 申请售后，Aug 25, 2026"
    assert values(text, "date") == ["2026-10-27", "2026-10-28", "2026-10-29", "10月30日", "2026-08-25"]


def test_impossible_dates_are_ignored() -> None:
    assert values("2026-13-45", "date") == []
    assert values("2026年2月30日", "date") == []
    assert values("13月40日", "date") == []


def test_ocr_spacing_in_chinese_dates() -> None:
    assert values("2026 年 10 月 27 日", "date") == ["2026-10-27"]


# ----------------------------------------------------------------------------- general


def test_dedup_and_order_of_first_appearance() -> None:
    text = "¥157.00 电话 13800138000 再说一次 138-0013-8000 ¥157.00"
    ents = extract_entities(text)
    assert [(e.kind, e.value) for e in ents] == [("amount", "157.00"), ("phone", "13800138000")]


def test_realistic_chat_text() -> None:
    text = (
        "客服糖糖\n这个积木保修多久？坏了去哪修\n今天下单的话10月27日左右能到\n"
        "退款¥157.00已原路返回，请注意查收\n我的电话是150-9903-4644\n订单号：2026061411235268"
    )
    got = {(e.kind, e.value) for e in extract_entities(text)}
    assert {
        ("date", "10月27日"),
        ("amount", "157.00"),
        ("phone", "15099034644"),
        ("order_no", "2026061411235268"),
    } <= got


def test_empty_and_plain_text() -> None:
    assert extract_entities("") == []
    assert extract_entities("你好，在吗？") == []


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    result = extract_entities(text)
    assert isinstance(result, list)
    assert len({(e.kind, e.value) for e in result}) == len(result)


_pieces = st.sampled_from(
    [
        "¥",
        "￥",
        "元",
        "$",
        "USD",
        "RMB",
        "-",
        " ",
        "：",
        ":",
        "微信",
        "wx ",
        "订单号",
        "Order #",
        "年",
        "月",
        "日",
        "/",
        ".",
        ",",
        "@",
        "http://",
        "www.",
        "+86",
        "1",
        "3",
        "8",
        "0",
        "9",
        "2026",
        "a",
        "_",
        "中",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=40).map("".join))
def test_never_raises_on_entity_like_noise(text: str) -> None:
    for e in extract_entities(text):
        assert e.kind in {"phone", "wechat_id", "order_no", "amount", "url", "email", "date"}
        assert e.raw


def test_purchase_suggestions_skip_what_is_recorded() -> None:
    from capture.suggestions import purchase_suggestions
    from storage.records import CaptureRecord, MerchantRecord, PurchaseRecord

    def cap(i: int, text: str) -> CaptureRecord:
        return CaptureRecord(
            i,
            1,
            "t",
            "0" * 64,
            "image/png",
            1,
            1,
            1,
            f"2026-10-2{i}T00:00:00.000000Z",
            480,
            "region",
            None,
            None,
            None,
            "done",
            text,
            None,
            None,
            None,
            None,
            None,
            (),
            None,
        )

    p = PurchaseRecord(
        1, "t", MerchantRecord(1, "店", phone="13800138000"), None, None, "CNY", None, "open", None, "", ""
    )
    caps = [cap(1, "电话 138-0013-8000 微信号: tangtang88"), cap(2, "订单号：2026102788123456 实付 ¥89.90")]
    got = {(s.kind, s.value, s.field, s.capture_id) for s in purchase_suggestions(p, caps)}
    assert ("wechat_id", "tangtang88", "account_id", 1) in got
    assert ("order_no", "2026102788123456", "order_no", 2) in got
    assert ("amount", "89.90", "amount", 2) in got
    assert not any(k == "phone" for k, *_ in got)


# ----------------------------------------------------------------------------- totals


def totals(text: str) -> list[tuple[str, int]]:
    return [(e.value, e.total) for e in kinds(text, "amount")]


def test_an_amount_after_a_totals_label_is_marked_as_the_total() -> None:
    text = (
        "四川麻辣香肠 ¥91.00 1 申请售后 ¥91.00\n商品总价： ¥2089.99\n运费（快递）： ¥0.00\n"
        "店铺优惠： -¥10.00\n实付款： ¥2079.99"
    )
    assert totals(text) == [("91.00", 0), ("2089.99", 1), ("0.00", 0), ("-10.00", 0), ("2079.99", 3)]


def test_totals_labels_with_ocr_spaces_brackets_and_line_breaks() -> None:
    assert totals("合 计 ¥ 91") == [("91.00", 2)]
    assert totals("实付款\n¥128.00") == [("128.00", 3)]
    assert totals("价税合计（大写） ⊗贰仟捌佰贰拾元贰角 （小写） ¥2820.20") == [("2820.20", 3)]
    assert totals("应付金额(含运费)：¥56.50") == [("56.50", 2)]
    assert totals("Subtotal: $40.00 Total: $45.48") == [("40.00", 0), ("45.48", 2)]
    assert totals("Amount paid: $45.48") == [("45.48", 3)]


def test_a_total_without_a_currency_sign_is_found_after_its_label() -> None:
    assert totals("品名 数量 金额\n鱼竿 5 4175.00\n合计 6326.00\n实付 6326.00") == [("6326.00", 3)]
    assert totals("鱼竿 5 4175.00") == []  # a bare number needs a total's label
    assert totals("实付 2026.10.27") == []  # a date is not an amount


def test_a_label_further_away_does_not_make_a_total() -> None:
    assert totals("合计 6 件 运费 ¥10.00") == [("10.00", 0)]


def test_entities_say_where_they_start() -> None:
    text = "电话 138-0013-8000 实付 ¥9.90"
    for e in extract_entities(text):
        assert text[e.start :].startswith(e.raw)
