"""Ids are never handed out twice: the custody log outlives the rows it speaks of, so a
new capture, purchase or seller must not take the id of one deleted for good."""

from __future__ import annotations

from storage.library import Library


def test_a_new_capture_never_takes_the_id_of_a_purged_one(lib: Library, make_png) -> None:  # type: ignore[no-untyped-def]
    first = lib.add_capture(make_png(1), source="region", purchase_id=None)
    last = lib.add_capture(make_png(2), source="region", purchase_id=None)
    lib.trash([last.id])
    lib.empty_trash()  # the highest id is gone for good
    new = lib.add_capture(make_png(3), source="region", purchase_id=None)
    assert new.id > last.id > first.id
    # the log's events of the purged capture stay its own
    assert {e.kind for e in lib.events(capture_id=last.id)} == {"captured", "deleted", "purged"}
    assert [e.kind for e in lib.events(capture_id=new.id)] == ["captured"]
    assert lib.verify_custody() == []


def test_a_new_purchase_never_takes_the_id_of_a_deleted_one(lib: Library) -> None:
    keep = lib.add_purchase({"title": "keep"})
    gone = lib.add_purchase({"title": "gone"})
    lib.delete_purchase(gone.id)
    new = lib.add_purchase({"title": "new"})
    assert new.id > gone.id > keep.id
    assert all(e.kind != "purchase_deleted" for e in lib.events(purchase_id=new.id))


def test_a_new_seller_never_takes_the_id_of_a_deleted_one(lib: Library) -> None:
    p = lib.add_purchase({"title": "camera"}, merchant={"display_name": "Typo Shop"})
    typo = p.merchant
    assert typo is not None
    lib.edit_purchase(p.id, {}, merchant={"display_name": "Right Shop"})
    lib.delete_merchant(typo.id)
    other = lib.add_purchase({"title": "lens"}, merchant={"display_name": "Another Shop"})
    assert other.merchant is not None and other.merchant.id > typo.id
