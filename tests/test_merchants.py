"""Sellers in the library: deleting an unused one, merging one into another, undoing an
edit, and the user's own details (storage.library)."""

from __future__ import annotations

import pytest

from storage.errors import InvalidInput, NotFound
from storage.library import Library
from storage.settings import OWN_DETAILS_KEY, OwnDetails


def kinds(lib: Library) -> list[str]:
    return [e.kind for e in lib.events()]


def test_an_unused_seller_can_be_deleted(lib: Library) -> None:
    p = lib.add_purchase({"title": "Earbuds"}, {"display_name": "小李数吗"})  # a typo
    assert p.merchant is not None
    typo = p.merchant
    lib.edit_purchase(p.id, {}, {"display_name": "小李数码"})
    assert lib.merchant_usage() == {typo.id: 0, lib.get_purchase(p.id).merchant.id: 1}  # type: ignore[union-attr]

    gone = lib.delete_merchant(typo.id)

    assert gone == typo
    assert [m.display_name for m in lib.list_merchants()] == ["小李数码"]
    event = lib.events()[-1]
    assert event.kind == "merchant_deleted" and event.data["merchant_id"] == typo.id
    assert event.data["fields"]["display_name"] == "小李数吗"
    assert lib.verify_custody() == []


def test_a_seller_on_a_purchase_is_not_deleted(lib: Library) -> None:
    p = lib.add_purchase({"title": "Earbuds"}, {"display_name": "小李数码"})
    assert p.merchant is not None
    before = kinds(lib)

    with pytest.raises(InvalidInput, match="merge"):
        lib.delete_merchant(p.merchant.id)

    assert lib.list_merchants() == [p.merchant] and kinds(lib) == before
    with pytest.raises(NotFound):
        lib.delete_merchant(9999)


def test_merging_moves_every_purchase_and_fills_missing_details(lib: Library, make_png: object) -> None:
    right = lib.add_purchase({"title": "A"}, {"display_name": "小李数码", "phone": "13800138000"}).merchant
    a = lib.add_purchase(
        {"title": "B"}, {"display_name": "小李数吗", "phone": "13900001111", "real_name": "李四"}
    )
    b = lib.add_purchase({"title": "C"}, {}, a.merchant.id if a.merchant else None)
    assert right is not None and a.merchant is not None
    typo = a.merchant
    before = len(lib.events())

    kept = lib.merge_merchants(typo.id, right.id)

    assert kept.id == right.id and kept.phone == "13800138000" and kept.real_name == "李四"
    assert lib.get_purchase(a.id).merchant == kept and lib.get_purchase(b.id).merchant == kept
    assert [m.id for m in lib.list_merchants()] == [right.id]
    new = lib.events()[before:]
    assert [e.kind for e in new] == ["purchase_edited", "purchase_edited", "merchant_merged"]
    assert [e.purchase_id for e in new[:2]] == [a.id, b.id]
    assert new[0].data["changes"] == {"merchant_id": [typo.id, right.id]}
    assert new[2].data["into"] == right.id and new[2].data["purchases"] == [a.id, b.id]
    assert new[2].data["fields"]["phone"] == "13900001111"  # the typo's own number is not lost
    assert new[2].data["filled"] == {"real_name": [None, "李四"]}
    # Search finds the moved purchases by the kept seller's details.
    assert lib.verify_custody() == []


def test_merging_is_all_or_nothing(lib: Library) -> None:
    p = lib.add_purchase({"title": "A"}, {"display_name": "Li"})
    assert p.merchant is not None
    before = kinds(lib)
    with pytest.raises(InvalidInput):
        lib.merge_merchants(p.merchant.id, p.merchant.id)
    with pytest.raises(NotFound):
        lib.merge_merchants(p.merchant.id, 9999)
    assert kinds(lib) == before and lib.get_purchase(p.id).merchant == p.merchant


def test_a_seller_edit_can_be_undone(lib: Library) -> None:
    a = lib.add_purchase({"title": "A"}, {"display_name": "Li", "phone": "13800138000"})
    assert a.merchant is not None
    b = lib.add_purchase({"title": "B"}, {}, a.merchant.id)
    lib.edit_purchase(b.id, {}, {"phone": "13900001111", "real_name": "李四"}, a.merchant.id)
    changes = lib.events()[-1].data["changes"]
    assert changes == {"phone": ["13800138000", "13900001111"], "real_name": [None, "李四"]}

    restored = lib.restore_merchant(a.merchant.id, changes)

    assert restored == a.merchant
    assert lib.get_purchase(a.id).merchant == a.merchant
    event = lib.events()[-1]
    assert event.kind == "merchant_edited" and event.data["undo"] is True
    assert event.data["changes"] == {"phone": ["13900001111", "13800138000"], "real_name": ["李四", None]}


def test_an_undo_after_a_newer_edit_changes_nothing(lib: Library) -> None:
    a = lib.add_purchase({"title": "A"}, {"display_name": "Li", "phone": "13800138000"})
    assert a.merchant is not None
    lib.edit_purchase(a.id, {}, {"phone": "13900001111"}, a.merchant.id)
    changes = lib.events()[-1].data["changes"]
    lib.edit_purchase(a.id, {}, {"phone": "13700001111"}, a.merchant.id)
    before = kinds(lib)

    with pytest.raises(InvalidInput, match="changed again"):
        lib.restore_merchant(a.merchant.id, changes)

    assert kinds(lib) == before
    assert lib.get_purchase(a.id).merchant.phone == "13700001111"  # type: ignore[union-attr]


def test_own_details_are_kept_with_the_library(lib: Library) -> None:
    assert lib.own_details() == OwnDetails()
    details = OwnDetails.parse(
        ["138-0013-8000 / 010 6552 9988", ""], ["胡斌", "胡斌 "], ["杭州市西湖区文三路1号"]
    )
    assert details.phones == ("138-0013-8000", "010 6552 9988") and details.names == ("胡斌",)

    lib.set_own_details(details)

    assert lib.own_details() == details
    event = lib.events()[-1]
    assert event.kind == "own_details_changed"
    assert event.data == {"phones": 2, "names": 1, "addresses": 1}  # counts, never the details
    n = len(lib.events())
    lib.set_own_details(details)  # unchanged: nothing recorded
    assert len(lib.events()) == n
    lib.set_own_details(OwnDetails())
    assert lib.get_setting(OWN_DETAILS_KEY) is None


def test_bad_own_phone_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not a phone number"):
        OwnDetails.parse(["abcyesterday"], [], [])


def test_damaged_own_details_read_as_none(lib: Library) -> None:
    for raw in ("{not json", "[1]", '{"phones": "13800138000", "names": [1, "胡斌"]}'):
        lib.set_setting(OWN_DETAILS_KEY, raw)
        details = lib.own_details()
        assert details.phones == () and details.names in ((), ("胡斌",))
