"""Checks of a seller's phone, WeChat ID and credit code (storage.values), shared by the
purchase editor and the command line, and the library refusing bad ones."""

from __future__ import annotations

import pytest

from storage.errors import InvalidInput
from storage.library import Library
from storage.values import (
    PHONE_SEPARATOR,
    add_phone,
    credit_code_check_character,
    credit_code_problem,
    is_wechat_id,
    parse_credit_code,
    parse_phone,
    parse_wechat_id,
    phone_digits,
    phone_problem,
)

VALID_CODE = "91350100M000100Y43"  # the sample printed in GB 32100-2015 guides
VALID_CODE_2 = "9144030071526726XG"
WRONG_CHECK = "91350100M000100Y44"


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("13800138000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+86-138-0013-8000", "13800138000"),
        ("(+86) 13800138000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("010-6552 9988", "01065529988"),
        ("0571 8888 8888", "057188888888"),
        ("0755-86013388 转 123", "075586013388"),
        ("+86 10 6552 9988", "01065529988"),
        ("400-820-8820", "4008208820"),
        ("+1 (415) 555-0123", "+14155550123"),
        ("+852 9123 4567", "+85291234567"),
        ("00852 9123 4567", "+85291234567"),
    ],
)
def test_phone_numbers_people_write(typed: str, digits: str) -> None:
    assert phone_digits(typed) == digits
    assert phone_problem(typed) is None
    assert parse_phone(f"  {typed} ") == typed


@pytest.mark.parametrize(
    "typed",
    [
        "abcyesterday",
        "12345",
        "12800138000",
        "1380013800",
        "138001380001",
        "138+0013-8000",
        "tel 13800138000",
        "+0 1234567",
    ],
)
def test_things_that_are_not_phone_numbers(typed: str) -> None:
    assert phone_digits(typed) is None
    assert phone_problem(typed) == typed
    with pytest.raises(InvalidInput, match="not a phone number"):
        parse_phone(typed)


def test_several_numbers_in_one_field() -> None:
    assert parse_phone("138-0013-8000/010-6552 9988") == f"138-0013-8000{PHONE_SEPARATOR}010-6552 9988"
    assert parse_phone("138-0013-8000；139 0000 1111") == f"138-0013-8000{PHONE_SEPARATOR}139 0000 1111"
    assert phone_problem("138-0013-8000 / nonsense") == "nonsense"
    assert add_phone("138-0013-8000", "13900001111") == f"138-0013-8000{PHONE_SEPARATOR}13900001111"
    assert add_phone("138-0013-8000", "+86 138 0013 8000") == "138-0013-8000"  # already there
    assert add_phone("", "13900001111") == "13900001111"
    assert parse_phone(add_phone("138-0013-8000", "13900001111")) is not None
    assert parse_phone("") is None and parse_phone(None) is None


@pytest.mark.parametrize(
    "ok", ["shop_li88", "Cindy-2026", "a12345", "abcdefghij0123456789", "wxid_3sftgm1e4"]
)
def test_wechat_ids(ok: str) -> None:
    assert is_wechat_id(ok) and parse_wechat_id(ok) == ok


@pytest.mark.parametrize(
    "bad", ["abc12", "1abcdef", "_abcdef", "小李数码", "abc 1234", "abcdefghij01234567890", "a@b.com"]
)
def test_not_wechat_ids(bad: str) -> None:
    assert not is_wechat_id(bad)
    with pytest.raises(InvalidInput, match="not a WeChat ID"):
        parse_wechat_id(bad)


def test_credit_code_check_character_follows_gb_32100() -> None:
    assert credit_code_check_character(VALID_CODE[:17]) == VALID_CODE[17]
    assert credit_code_check_character(VALID_CODE_2[:17]) == VALID_CODE_2[17]
    # A check value of 0 is written "0" (31 - 0 is 31, which wraps to 0).
    for first in ("91110000100000000", "12345678901234567"):
        assert credit_code_check_character(first) in "0123456789ABCDEFGHJKLMNPQRTUWXY"


def test_credit_codes() -> None:
    assert credit_code_problem(VALID_CODE) is None
    assert credit_code_problem(VALID_CODE_2) is None
    assert parse_credit_code(" 91350100m000100y43 ") == VALID_CODE  # typed in small letters
    assert parse_credit_code("9135 0100 M000 100Y 43") == VALID_CODE
    assert credit_code_problem(WRONG_CHECK) == "check"
    assert credit_code_problem(VALID_CODE[:17]) == "length"
    assert credit_code_problem("91350100M000100I43") == "characters"  # no I in the alphabet
    with pytest.raises(InvalidInput, match="last character"):
        parse_credit_code(WRONG_CHECK)
    with pytest.raises(InvalidInput, match="18 characters"):
        parse_credit_code("123")


# --------------------------------------------------------------------------- in the library


def test_the_library_refuses_bad_seller_details_and_changes_nothing(lib: Library) -> None:
    before = lib.events()
    for merchant in (
        {"display_name": "Li", "phone": "abcyesterday"},
        {"display_name": "Li", "credit_code": WRONG_CHECK},
        {"display_name": "Li", "platform": "wechat", "account_id": "小李数码"},
    ):
        with pytest.raises(InvalidInput):
            lib.add_purchase({"title": "Earbuds"}, merchant)
    assert lib.list_purchases() == [] and lib.list_merchants() == [] and lib.events() == before


def test_the_library_keeps_good_seller_details(lib: Library) -> None:
    p = lib.add_purchase(
        {"title": "Earbuds"},
        {
            "display_name": "Li",
            "platform": "wechat",
            "account_id": "shop_li88",
            "phone": "138-0013-8000/010 6552 9988",
            "credit_code": "91350100m000100y43",
        },
    )
    assert p.merchant is not None
    assert p.merchant.phone == f"138-0013-8000{PHONE_SEPARATOR}010 6552 9988"
    assert p.merchant.credit_code == VALID_CODE
    # A shop ID on another platform need not follow WeChat's rule.
    q = lib.add_purchase(
        {"title": "Lamp"}, {"display_name": "灯具店", "platform": "taobao", "account_id": "灯具店123"}
    )
    assert q.merchant is not None and q.merchant.account_id == "灯具店123"


def test_a_wechat_id_is_checked_when_the_platform_becomes_wechat(lib: Library) -> None:
    p = lib.add_purchase(
        {"title": "Lamp"}, {"display_name": "灯具店", "platform": "taobao", "account_id": "灯具店123"}
    )
    assert p.merchant is not None
    with pytest.raises(InvalidInput, match="WeChat ID"):
        lib.edit_purchase(p.id, {}, {"platform": "wechat"}, p.merchant.id)
    assert lib.get_purchase(p.id).merchant == p.merchant
