"""Where a capture came from (issue 12): the window, output, rectangle and grab backend
recorded with a capture, kept through the schema upgrade, searchable, in the custody
event, the manifest and the report; "not recorded" when missing, never guessed."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from storage.db import alembic_config
from storage.errors import InvalidInput
from storage.export import export_purchase
from storage.library import Library
from storage.records import CaptureOrigin, NewCapture
from storage.report import _origin_rows
from storage.verify import verify_evidence

DATA = Path(__file__).with_name("data")

WECHAT = CaptureOrigin(
    app="WeChat",
    title="微信 - 乐活健身",
    window_class="wechat.WeChat",
    output="HDMI-1",
    rect=(100, 80, 640, 480),
    backend="mss",
)


def _library_at_0002(tmp_path: Path) -> Path:
    """A library written by schema 0002: the 0001 test library upgraded to 0002 only."""
    from alembic import command
    from sqlalchemy import create_engine

    root = tmp_path / "lib"
    shutil.copytree(DATA / "schema-0001", root)
    engine = create_engine(f"sqlite:///{root / 'library.sqlite3'}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    engine.dispose()
    con = sqlite3.connect(root / "library.sqlite3")
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0002"
        columns = {r[1] for r in con.execute("PRAGMA table_info(captures)")}
        assert "source_title" not in columns
    finally:
        con.close()
    return root


def test_a_0002_library_upgrades_keeping_its_captures_with_nothing_recorded(tmp_path: Path, make_png) -> None:
    root = _library_at_0002(tmp_path)
    lib = Library.open(root)
    try:
        assert lib.open_report.backup is not None
        caps = lib.list_captures()
        assert len(caps) == 2
        for c in caps:
            assert c.origin == CaptureOrigin()  # never guessed for older captures
            assert c.to_dict()["origin"] == {
                "app": None,
                "title": None,
                "window_class": None,
                "output": None,
                "rect": None,
                "backend": None,
            }
        assert [h.capture_id for h in lib.search("退款")] == [1]
        assert lib.check().ok
        # New captures on the upgraded library keep their origin.
        new = lib.add_capture(make_png(1), source="region", purchase_id=None, origin=WECHAT)
        assert lib.get_capture(new.id).origin == WECHAT
        assert [h.capture_id for h in lib.search("乐活健身")] == [new.id]
    finally:
        lib.close()


def test_add_capture_keeps_the_origin_in_row_event_and_listing(lib: Library, make_png) -> None:
    c = lib.add_capture(make_png(1), source="region", purchase_id=None, origin=WECHAT)
    assert c.origin == WECHAT
    assert (c.source_app, c.source_title, c.source_class) == ("WeChat", "微信 - 乐活健身", "wechat.WeChat")
    assert (c.source_output, c.source_rect, c.source_backend) == ("HDMI-1", "100,80,640,480", "mss")
    [listed] = lib.list_captures()
    assert listed.origin == WECHAT
    assert lib.get_captures([c.id])[0].origin == WECHAT
    [event] = lib.events(capture_id=c.id)
    assert event.kind == "captured"
    assert event.data["origin"] == WECHAT.to_dict()
    assert lib.verify_custody() == []


def test_origin_is_cleaned_and_partial_data_stays_partial(lib: Library, make_png) -> None:
    c = lib.add_capture(
        make_png(2),
        source="fullscreen",
        purchase_id=None,
        origin=CaptureOrigin(title="  a\ttitle\n ", app="", output="DP-1", rect=(0, 0, 1920, 1080)),
    )
    assert c.origin == CaptureOrigin(title="a title", output="DP-1", rect=(0, 0, 1920, 1080))
    # Nothing at all recorded: no origin in the event, None everywhere.
    d = lib.add_capture(make_png(3), source="clipboard", purchase_id=None, origin=CaptureOrigin())
    assert d.origin == CaptureOrigin()
    assert "origin" not in lib.events(capture_id=d.id)[0].data
    with pytest.raises(InvalidInput):
        lib.add_capture(
            make_png(4),
            source="region",
            purchase_id=None,
            origin=CaptureOrigin(rect=("a", 1, 2, 3)),  # type: ignore[arg-type]
        )


def test_window_title_and_app_are_searchable(lib: Library, make_png) -> None:
    other = lib.add_capture(make_png(5), source="region", purchase_id=None)
    c = lib.add_capture(make_png(6), source="region", purchase_id=None, origin=WECHAT)
    hits = lib.search("乐活健身")
    assert [h.capture_id for h in hits] == [c.id]
    assert hits[0].field == "window" and "乐活健身" in hits[0].snippet
    assert [h.capture_id for h in lib.search("wechat")] == [c.id]
    assert other.id not in [h.capture_id for h in lib.search("微信")]
    # A rebuilt index says the same (what check --repair and an upgrade do).
    assert lib.reindex() == 2
    assert [h.capture_id for h in lib.search("乐活健身")] == [c.id]
    assert lib.check().ok


def test_bulk_add_keeps_the_origin_too(lib: Library, make_png) -> None:
    [cid] = lib.bulk_add([NewCapture(make_png(7), source="region", origin=WECHAT)])
    assert lib.get_capture(cid).origin == WECHAT
    assert [h.capture_id for h in lib.search("乐活健身")] == [cid]


def test_manifest_and_report_list_the_origin_and_verify_passes(
    lib: Library, make_png, tmp_path: Path
) -> None:
    p = lib.add_purchase({"title": "健身卡"}, merchant={"display_name": "乐活健身"})
    lib.add_capture(
        make_png(8),
        source="region",
        purchase_id=p.id,
        origin=WECHAT,
        captured_at="2026-10-01T01:00:00.000000Z",
    )
    lib.add_capture(make_png(9), source="region", purchase_id=p.id, captured_at="2026-10-02T01:00:00.000000Z")
    lib.add_capture(
        make_png(10), source="import", purchase_id=p.id, captured_at="2026-10-03T01:00:00.000000Z"
    )
    result = export_purchase(lib, p.id, tmp_path / "out", language="en", render_pdf=None)
    manifest = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
    origins = [c["origin"] for c in manifest["captures"]]
    assert origins[0] == WECHAT.to_dict()
    assert origins[1] == origins[2] == CaptureOrigin().to_dict()
    custody = [json.loads(line) for line in (result.folder / "custody.jsonl").read_text("utf-8").splitlines()]
    assert [e["data"].get("origin") for e in custody if e["kind"] == "captured"] == [WECHAT.to_dict(), None]
    assert verify_evidence(result.folder).ok

    html = (result.folder / "report.html").read_text(encoding="utf-8")
    assert "微信 - 乐活健身" in html and "WM_CLASS wechat.WeChat" in html
    assert "HDMI-1, 640 × 480 at 100, 80 (desktop coordinates)" in html
    # The second (a region whose origin was not recorded) says so for each detail.
    second = html.split('id="capture-2"')[1].split('id="capture-3"')[0]
    assert second.count("not recorded") == 5  # window, app, screen, backend and the note
    # An import lists no screen details at all.
    third = html.split('id="capture-3"')[1].split("custody")[0]
    assert "Captured with" not in third


def test_report_in_chinese_names_the_window() -> None:
    manifest_capture = {"source": "region", "origin": WECHAT.to_dict()}
    rows = _origin_rows(manifest_capture, "zh_CN", lambda v: str(v) if v else "未记录")
    labels = [r[0] for r in rows]
    assert labels == ["窗口", "应用程序", "屏幕与区域", "截取方式"]
    assert "位于 100, 80" in rows[2][1]
