"""The library window's models: thumbnails made off the GUI thread and cached, the capture
rows (grid, list, table), the purchase tree with its drops, and a 10,000-capture library."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import QLocale, QMimeData, QModelIndex, QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QListView, QTableView

import gui.thumbnails as thumbnails_mod
from gui.library_models import (
    CAPTURE_IDS_MIME,
    COUNT_ROLE,
    HIT_ROLE,
    KIND_ROLE,
    PURCHASE_ID_ROLE,
    RECORD_ROLE,
    STATUS_ROLE,
    CaptureListModel,
    CaptureTableModel,
    PurchaseTreeModel,
)
from gui.thumbnails import ThumbnailCache
from storage.library import Library
from storage.records import CaptureRecord, MerchantRecord, PurchaseRecord, SearchHit

DISPLAY = Qt.ItemDataRole.DisplayRole
DECORATION = Qt.ItemDataRole.DecorationRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole


# --------------------------------------------------------------------------- helpers


def capture(
    id: int,
    *,
    sha: str | None = None,
    purchase_id: int | None = None,
    title: str | None = None,
    note: str | None = None,
    ocr_status: str = "done",
    captured_at: str = "2025-03-14T06:05:33.000000Z",
    offset: int = 480,
) -> CaptureRecord:
    return CaptureRecord(
        id=id,
        purchase_id=purchase_id,
        purchase_title=title,
        sha256=sha or f"{id:064x}",
        media_type="image/png",
        bytes=123_456,
        width=1920,
        height=1080,
        captured_at=captured_at,
        utc_offset_min=offset,
        source="region",
        source_name=None,
        screen_geometry=None,
        note=note,
        ocr_status=ocr_status,
        ocr_text=None,
        ocr_engine=None,
        ocr_version=None,
        ocr_languages=None,
        ocr_confidence=None,
        ocr_error=None,
        flags=(),
        deleted_at=None,
    )


def purchase(
    id: int, title: str, status: str = "open", count: int = 0, active: bool = False
) -> PurchaseRecord:
    return PurchaseRecord(
        id=id,
        title=title,
        merchant=MerchantRecord(id=1, display_name="小王数码"),
        order_no="TB2025031400123",
        amount_minor=12800,
        currency="CNY",
        ordered_at=None,
        status=status,
        notes=None,
        created_at="2025-03-14T06:00:00.000000Z",
        updated_at="2025-03-14T06:00:00.000000Z",
        capture_count=count,
        active=active,
    )


def lines(index: QModelIndex, role: int = DISPLAY) -> list[str]:
    """The text of an item, line by line, with ICU's narrow no-break spaces made plain."""
    return str(index.data(role)).replace("\u202f", " ").split("\n")


def ids_mime(ids: list[int]) -> QMimeData:
    data = QMimeData()
    data.setData(CAPTURE_IDS_MIME, json.dumps(ids).encode())
    return data


@pytest.fixture
def locale() -> Iterator[Callable[[str], None]]:
    """Switch the default QLocale for a test ("en_US" or "zh_CN"); restored afterwards."""
    before = QLocale()

    def use(name: str) -> None:
        QLocale.setDefault(QLocale(name))

    yield use
    QLocale.setDefault(before)


@pytest.fixture
def cache(qapp: Any, lib: Library) -> Iterator[ThumbnailCache]:
    c = ThumbnailCache(lib, size=160)
    yield c
    c.shutdown()


def add(lib: Library, data: bytes) -> str:
    return lib.add_capture(data, source="import").sha256


def ready(qtbot: Any, cache: ThumbnailCache, sha: str) -> QPixmap:
    """Ask for a thumbnail and wait until it is there."""
    if cache.get(sha) is None:
        with qtbot.waitSignal(cache.thumbnail_ready, timeout=10000, check_params_cb=lambda s: s == sha):
            pass
    pixmap = cache.get(sha)
    assert pixmap is not None
    return pixmap


# --------------------------------------------------------------------------- thumbnails


def test_thumbnails_are_made_off_the_gui_thread_and_cached_on_disk(
    qtbot: Any, lib: Library, make_png: Callable[..., bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    sha = add(lib, make_png(1, size=(640, 320)))
    made_in: list[int] = []
    real = thumbnails_mod.make_thumbnail

    def spy(*args: Any) -> Any:
        made_in.append(threading.get_ident())
        return real(*args)

    monkeypatch.setattr(thumbnails_mod, "make_thumbnail", spy)
    first = ThumbnailCache(lib, size=160)

    assert first.get(sha) is None  # not in memory yet: queued, not made on this thread
    pixmap = ready(qtbot, first, sha)

    assert made_in and threading.get_ident() not in made_in
    assert (pixmap.width(), pixmap.height()) == (160, 80)
    on_disk = lib.thumbs / sha[:2] / f"{sha}_160.png"
    with Image.open(on_disk) as img:
        assert (img.size, img.mode) == ((160, 80), "RGB")
    first.shutdown()

    # A new cache (next start of the app) reads the file instead of decoding the original.
    mtime = on_disk.stat().st_mtime_ns

    def no_decoding(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the original was decoded again")

    monkeypatch.setattr(thumbnails_mod.Image, "open", no_decoding)
    second = ThumbnailCache(lib, size=160)
    pixmap = ready(qtbot, second, sha)
    second.shutdown()

    assert (pixmap.width(), pixmap.height()) == (160, 80)
    assert not second.is_missing(sha)
    assert on_disk.stat().st_mtime_ns == mtime


@pytest.mark.parametrize(
    ("size", "fmt", "expected"),
    [
        ((100, 400), "PNG", (40, 160)),  # tall: height limits
        ((1600, 1200), "JPEG", (160, 120)),  # JPEG is decoded at reduced size (draft)
        ((64, 48), "PNG", (64, 48)),  # small images are not blown up
    ],
)
def test_thumbnails_keep_the_aspect_ratio(
    qtbot: Any,
    cache: ThumbnailCache,
    lib: Library,
    make_png: Callable[..., bytes],
    size: tuple[int, int],
    fmt: str,
    expected: tuple[int, int],
) -> None:
    sha = add(lib, make_png(2, size=size, fmt=fmt))

    pixmap = ready(qtbot, cache, sha)

    assert (pixmap.width(), pixmap.height()) == expected


def test_a_missing_or_damaged_original_gives_the_missing_tile(
    qtbot: Any, cache: ThumbnailCache, lib: Library, make_png: Callable[..., bytes]
) -> None:
    gone = add(lib, make_png(3))
    lib.blobs.remove(gone)
    damaged = "ab" * 32
    (lib.blobs.root / "ab").mkdir(exist_ok=True)
    (lib.blobs.root / "ab" / damaged).write_bytes(b"\x89PNG\r\n\x1a\nnot really")

    for sha in (gone, damaged):
        tile = ready(qtbot, cache, sha)
        assert cache.is_missing(sha)
        assert tile.cacheKey() == cache.missing_tile().cacheKey()
    assert cache.missing_tile().cacheKey() != cache.placeholder().cacheKey()
    assert cache.get("../../etc/passwd").cacheKey() == cache.missing_tile().cacheKey()  # type: ignore[union-attr]


def test_a_thumbnail_is_made_once_however_often_it_is_asked_for(
    qtbot: Any, lib: Library, make_png: Callable[..., bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    sha = add(lib, make_png(4))
    calls: list[str] = []
    real = thumbnails_mod.make_thumbnail
    monkeypatch.setattr(thumbnails_mod, "make_thumbnail", lambda *a: calls.append(a[0].name) or real(*a))
    cache = ThumbnailCache(lib)

    for _ in range(5):
        cache.get(sha)
    cache.prefetch([sha, sha])
    assert cache.wait()
    cache.shutdown()

    assert calls == [sha]
    assert cache.get(sha) is not None


def test_the_newest_request_is_served_first(
    qtbot: Any, lib: Library, make_png: Callable[..., bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    shas = [add(lib, make_png(10 + i)) for i in range(5)]
    busy, release = threading.Event(), threading.Event()
    order: list[str] = []
    real = thumbnails_mod.make_thumbnail

    def slow_first(blob: Any, dest: Any, size: int) -> Any:
        if not order:
            busy.set()
            release.wait(10)
        order.append(blob.name)
        return real(blob, dest, size)

    monkeypatch.setattr(thumbnails_mod, "make_thumbnail", slow_first)
    cache = ThumbnailCache(lib, max_threads=1)
    cache.get(shas[0])  # the one worker picks this up and blocks
    assert busy.wait(10)
    cache.prefetch([shas[4]])  # low priority: after everything asked for with get()
    for sha in shas[1:4]:
        cache.get(sha)
    cache.get(shas[1])  # scrolled back to it: to the front again
    release.set()
    assert cache.wait()
    cache.shutdown()

    assert order == [shas[0], shas[1], shas[3], shas[2], shas[4]]


def test_after_shutdown_nothing_more_is_made(
    cache: ThumbnailCache, lib: Library, make_png: Callable[..., bytes]
) -> None:
    sha = add(lib, make_png(5))

    cache.shutdown()

    assert cache.get(sha) is None
    assert cache.wait(1000)
    assert not (lib.thumbs / sha[:2] / f"{sha}_160.png").exists()


# --------------------------------------------------------------------------- capture rows


def test_a_row_shows_time_purchase_and_note(cache: ThumbnailCache, locale: Callable[[str], None]) -> None:
    locale("en_US")
    model = CaptureListModel(cache)
    inbox = capture(1, note="卖家说七天无理由退货 <b>不</b>")
    filed = capture(2, purchase_id=7, title="二手相机", captured_at="2025-03-14T20:30:00.000000Z")

    model.set_records([inbox, filed])

    assert model.rowCount() == 2
    assert lines(model.index(0, 0)) == ["3/14/25 2:05 PM", "Inbox", "卖家说七天无理由退货 <b>不</b>"]
    # 20:30 UTC + 8 h is the next morning where it was taken.
    assert lines(model.index(1, 0)) == ["3/15/25 4:30 AM", "二手相机"]
    tip = "\n".join(lines(model.index(0, 0), TOOLTIP))
    assert "&lt;b&gt;不&lt;/b&gt;" in tip and "<b>不</b>" not in tip
    assert "1920 × 1080 pixels" in tip and "120.6 kB" in tip and "Text read" in tip
    assert "UTC+08:00" in tip and "2:05:33 PM" in tip
    assert model.index(1, 0).data(RECORD_ROLE) is filed
    assert model.index(1, 0).data(HIT_ROLE) is None
    assert model.record(5) is None and model.row_of(2) == 1 and model.row_of(99) is None


def test_times_follow_the_chinese_locale(cache: ThumbnailCache, locale: Callable[[str], None]) -> None:
    locale("zh_CN")
    model = CaptureListModel(cache)

    model.set_records([capture(1)])

    assert lines(model.index(0, 0))[0] == "2025/3/14 14:05"


def test_search_results_show_the_matching_snippet(cache: ThumbnailCache) -> None:
    model = CaptureListModel(cache)
    record = capture(3, note="a note")
    hit = SearchHit(
        3, None, None, record.sha256, record.captured_at, "done", "…同意退款…", ((1, 3),), 1.0, "ocr"
    )

    model.set_records([record, capture(4, note="other")], {3: hit})

    assert lines(model.index(0, 0))[2] == "…同意退款…"
    assert model.index(0, 0).data(HIT_ROLE) is hit
    assert "Found:" in model.index(0, 0).data(TOOLTIP)
    assert lines(model.index(1, 0))[2] == "other"


def test_update_record_and_remove_ids_change_only_those_rows(qtbot: Any, cache: ThumbnailCache) -> None:
    model = CaptureListModel(cache)
    model.set_records([capture(i) for i in range(5, 0, -1)])  # ids 5..1, newest first
    changed: list[tuple[int, int]] = []
    removed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda tl, br, roles: changed.append((tl.row(), br.row())))
    model.rowsRemoved.connect(lambda parent, first, last: removed.append((first, last)))

    model.update_record(capture(3, note="edited", ocr_status="pending"))
    model.update_record(capture(42, note="not shown"))  # not in this view: ignored

    assert changed == [(2, 2)]
    assert model.index(2, 0).data(DISPLAY).endswith("edited")

    model.remove_ids([4, 3, 1, 99])

    assert sorted(removed) == [(1, 2), (4, 4)]
    assert [model.record(r).id for r in range(model.rowCount())] == [5, 2]  # type: ignore[union-attr]
    assert (model.row_of(5), model.row_of(2), model.row_of(3)) == (0, 1, None)


def test_prepended_captures_go_on_top(cache: ThumbnailCache) -> None:
    model = CaptureListModel(cache)
    model.set_records([capture(2), capture(1)])

    model.prepend_records([capture(3), capture(2, note="seen")])

    assert [model.record(r).id for r in range(3)] == [3, 2, 1]  # type: ignore[union-attr]
    assert model.row_of(1) == 2 and model.record(1).note == "seen"  # type: ignore[union-attr]


def test_dragging_rows_carries_their_capture_ids(cache: ThumbnailCache) -> None:
    model = CaptureListModel(cache)
    model.set_records([capture(30), capture(20), capture(10)])

    data = model.mimeData([model.index(2, 0), model.index(0, 0), model.index(2, 0)])

    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    assert model.mimeTypes() == [CAPTURE_IDS_MIME]
    assert json.loads(bytes(data.data(CAPTURE_IDS_MIME).data())) == [30, 10]


def test_a_ready_thumbnail_repaints_every_row_showing_it(
    qtbot: Any, cache: ThumbnailCache, lib: Library, make_png: Callable[..., bytes]
) -> None:
    sha = add(lib, make_png(6, size=(320, 160)))
    model = CaptureListModel(cache)
    model.set_records([capture(3, sha=sha), capture(2), capture(1, sha=sha)])
    repainted: list[tuple[int, list[int]]] = []
    model.dataChanged.connect(lambda tl, br, roles: repainted.append((tl.row(), list(roles))))

    first = model.index(0, 0).data(DECORATION)
    assert first.cacheKey() == cache.placeholder().cacheKey()
    with qtbot.waitSignal(cache.thumbnail_ready, timeout=10000):
        pass

    assert sorted(repainted) == [(0, [DECORATION]), (2, [DECORATION])]
    assert model.index(2, 0).data(DECORATION).size() == QSize(160, 80)


def test_the_table_shows_the_rows_as_columns(
    qtbot: Any, qtlog: Any, cache: ThumbnailCache, locale: Callable[[str], None]
) -> None:
    locale("en_US")
    source = CaptureListModel(cache)
    table = CaptureTableModel(source)
    statuses = ["done", "pending", "failed", "unavailable"]
    source.set_records(
        [capture(i + 1, ocr_status=s, note="n", purchase_id=7, title="耳机") for i, s in enumerate(statuses)]
    )

    assert (table.rowCount(), table.columnCount()) == (4, 4)
    assert [table.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "Time",
        "Purchase",
        "Note",
        "Text status",
    ]
    assert [lines(table.index(0, c))[0] for c in range(3)] == ["3/14/25 2:05 PM", "耳机", "n"]
    assert [table.index(r, 3).data(DISPLAY) for r in range(4)] == [
        "Text read",
        "Reading…",
        "Could not read",
        "Text recognition not installed",
    ]
    assert table.index(1, 2).data(RECORD_ROLE).id == 2
    data = table.mimeData([table.index(1, 0), table.index(1, 3), table.index(3, 2)])
    assert json.loads(bytes(data.data(CAPTURE_IDS_MIME).data())) == [2, 4]

    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(table)
    view.show()
    qtbot.waitExposed(view)
    view.selectRow(3)

    source.remove_ids([1])
    source.prepend_records([capture(9, ocr_status="failed")])
    source.update_record(capture(9, ocr_status="done"))
    qtbot.wait(10)

    assert table.rowCount() == 4 and table.index(1, 3).data(DISPLAY) == "Reading…"
    assert table.index(0, 3).data(DISPLAY) == "Text read"
    selected = table.mapSelectionToSource(view.selectionModel().selection()).indexes()
    assert {source.record(i.row()).id for i in selected} == {4}  # type: ignore[union-attr]
    source.set_records([])
    assert table.rowCount() == 0
    assert [r.message for r in qtlog.records] == []  # no complaints from Qt about the proxy


# --------------------------------------------------------------------------- purchase tree


@pytest.fixture
def tree(qapp: Any) -> PurchaseTreeModel:
    model = PurchaseTreeModel()
    model.refresh(
        [
            purchase(3, "二手相机", "open", count=12, active=True),
            purchase(2, "Wireless earbuds", "open", count=4),
            purchase(1, "羽绒服", "disputed", count=7),
        ],
        {"all": 30, "inbox": 5, "trash": 2},
    )
    return model


def top_level(model: PurchaseTreeModel) -> list[tuple[str, str]]:
    return [
        (model.index(r, 0).data(KIND_ROLE), model.index(r, 0).data(DISPLAY)) for r in range(model.rowCount())
    ]


def test_the_tree_groups_purchases_by_status_with_counts(tree: PurchaseTreeModel) -> None:
    assert top_level(tree) == [
        ("all", "All captures  (30)"),
        ("inbox", "Inbox  (5)"),
        ("group", "Open  (2)"),
        ("group", "Disputed  (1)"),
        ("group", "Resolved  (0)"),
        ("group", "Closed  (0)"),
        ("trash", "Trash  (2)"),
    ]
    open_group = tree.index_for("group", status="open")
    assert tree.rowCount(open_group) == 2
    camera = tree.index_for("purchase", 3)
    assert camera.parent() == open_group
    assert camera.data(DISPLAY) == "● 二手相机  (12)"
    assert camera.data(Qt.ItemDataRole.FontRole).bold()
    assert "Active purchase" in camera.data(TOOLTIP)
    earbuds = tree.index_for("purchase", 2)
    assert earbuds.data(DISPLAY) == "Wireless earbuds  (4)"
    assert not earbuds.data(Qt.ItemDataRole.FontRole)
    assert (earbuds.data(PURCHASE_ID_ROLE), earbuds.data(COUNT_ROLE), earbuds.data(STATUS_ROLE)) == (
        2,
        4,
        "open",
    )
    assert earbuds.data(RECORD_ROLE).title == "Wireless earbuds"
    assert tree.index_for("inbox").data(COUNT_ROLE) == 5
    assert tree.index_for("inbox").data(PURCHASE_ID_ROLE) is None
    assert tree.index_for("purchase", 1).parent() == tree.index_for("group", status="disputed")
    # Empty groups stay in place, greyed out; groups are headings, not selectable.
    resolved = tree.index_for("group", status="resolved")
    assert not tree.flags(resolved) & Qt.ItemFlag.ItemIsEnabled
    assert not tree.flags(open_group) & Qt.ItemFlag.ItemIsSelectable
    assert tree.flags(camera) & Qt.ItemFlag.ItemIsSelectable
    assert not tree.index_for("purchase", 99).isValid()


def test_refresh_rebuilds_from_scratch(tree: PurchaseTreeModel) -> None:
    tree.refresh([purchase(2, "Wireless earbuds", "closed", count=5)], {"all": 5, "inbox": 0, "trash": 0})

    assert not tree.index_for("purchase", 3).isValid()
    assert tree.index_for("purchase", 2).parent() == tree.index_for("group", status="closed")
    assert tree.index_for("group", status="open").data(DISPLAY) == "Open  (0)"
    assert tree.index_for("all").data(DISPLAY) == "All captures  (5)"


def test_dropping_captures_on_a_purchase_or_the_inbox_reports_it(qtbot: Any, tree: PurchaseTreeModel) -> None:
    move = Qt.DropAction.MoveAction
    camera, inbox = tree.index_for("purchase", 3), tree.index_for("inbox")

    assert tree.canDropMimeData(ids_mime([4, 9]), move, -1, -1, camera)
    with qtbot.waitSignal(tree.captures_dropped) as dropped:
        assert tree.dropMimeData(ids_mime([4, 9]), move, -1, -1, camera)
    assert dropped.args == [[4, 9], 3]

    with qtbot.waitSignal(tree.captures_dropped) as dropped:
        tree.dropMimeData(ids_mime([5]), move, -1, -1, inbox)
    assert dropped.args == [[5], None]
    assert tree.flags(camera) & Qt.ItemFlag.ItemIsDropEnabled
    assert tree.index_for("purchase", 3).data(COUNT_ROLE) == 12  # the model changed nothing


@pytest.mark.parametrize("target", ["all", "trash", "group", "between", "garbage", "empty"])
def test_drops_anywhere_else_are_refused(qtbot: Any, tree: PurchaseTreeModel, target: str) -> None:
    move = Qt.DropAction.MoveAction
    mime, row, parent = ids_mime([4]), -1, QModelIndex()
    if target in ("all", "trash"):
        parent = tree.index_for(target)
    elif target == "group":
        parent = tree.index_for("group", status="open")
    elif target == "between":  # the gap above a purchase: the group is the target
        row, parent = 0, tree.index_for("group", status="open")
    else:
        parent = tree.index_for("purchase", 3)
        mime = QMimeData()
        if target == "garbage":
            mime.setData(CAPTURE_IDS_MIME, b'["1", {"x": 2}]')
        else:
            mime.setData(CAPTURE_IDS_MIME, b"[]")

    with qtbot.assertNotEmitted(tree.captures_dropped):
        assert not tree.canDropMimeData(mime, move, row, -1, parent)
        assert not tree.dropMimeData(mime, move, row, -1, parent)


# --------------------------------------------------------------------------- scale


class CountingModel(CaptureListModel):
    def __init__(self, thumbnails: ThumbnailCache) -> None:
        super().__init__(thumbnails)
        self.decoration_rows: set[int] = set()
        self.decoration_calls = 0

    def data(self, index: Any, role: int = DISPLAY) -> Any:
        if role == DECORATION:
            self.decoration_calls += 1
            self.decoration_rows.add(index.row())
        return super().data(index, role)


def test_ten_thousand_captures_load_fast_and_only_visible_rows_ask_for_thumbnails(
    qtbot: Any, cache: ThumbnailCache
) -> None:
    records = [
        capture(i, purchase_id=i % 40 or None, title=f"订单 {i % 40}", note="备注" if i % 3 else None)
        for i in range(10_000, 0, -1)
    ]
    model = CountingModel(cache)
    # How fast the window opens on 10,000 captures is bench/library_bench.py's to measure
    # (docs/benchmarks.md, "Library window"); this test checks that only what is seen is asked for.
    model.set_records(records)
    assert model.rowCount() == 10_000
    view = QListView()
    qtbot.addWidget(view)
    view.setViewMode(QListView.ViewMode.IconMode)
    view.setUniformItemSizes(True)
    view.setMovement(QListView.Movement.Static)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setIconSize(QSize(160, 160))
    view.setGridSize(QSize(190, 230))
    view.resize(1000, 700)
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)
    # The first screenful painted (QListView also asks once for the last row to size the grid).
    qtbot.waitUntil(lambda: bool(model.decoration_rows - {9_999}))

    assert 0 < len(model.decoration_rows) < 100
    assert model.decoration_calls < 300
    # The first screenful (QListView also asks once for the last row to size the grid).
    assert max(model.decoration_rows - {9_999}) < 100

    view.scrollToBottom()
    qtbot.waitUntil(
        lambda: len(model.decoration_rows - {9_999}) > 0 and max(model.decoration_rows - {9_999}) > 9_000
    )
    assert max(model.decoration_rows) == 9_999
    assert len(model.decoration_rows) < 200
