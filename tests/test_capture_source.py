"""Where a capture came from (issue 12): the window, output, rectangle and grab backend
recorded with a capture, kept through the schema upgrade, searchable, in the custody
event, the manifest and the report; "not recorded" when missing, never guessed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.errors import InvalidInput
from storage.export import export_purchase
from storage.library import Library
from storage.records import CaptureOrigin, NewCapture
from storage.report import _origin_rows
from storage.verify import verify_evidence
from tests.old_libraries import capture_columns, library_at

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
    root = library_at(tmp_path, "0002")
    assert "source_title" not in capture_columns(root)
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


# ------------------------------------------------------------------ the app records it (offscreen Qt)


@pytest.fixture
def recording_app(qtbot, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    """A controller whose screens are one fake grab and whose desktop has two windows."""
    from capture.region import Rect
    from capture.windows import WindowInfo
    from gui.controller import Controller
    from gui.tray import TrayMenu
    from gui.workers import CaptureWriter, OcrWorker

    from .test_controller import FakeEngine
    from .test_overlay import make_grab

    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "config"))
    lib = Library.open(tmp_path / "lib")
    windows = [
        WindowInfo(Rect(200, 100, 100, 80), "Terminal", "XTerm", "xterm.XTerm", 11, 2),
        WindowInfo(Rect(0, 0, 250, 150), "微信 - 乐活健身", "WeChat", "wechat.WeChat", 10, 1),
    ]
    listed: list[int] = []

    def lister() -> list[WindowInfo]:
        listed.append(1)
        return windows

    tray = TrayMenu(lambda: [])
    writer = CaptureWriter(lib)
    engine = FakeEngine()
    controller = Controller(
        lib,
        __import__("storage.settings", fromlist=["AppSettings"]).AppSettings(),
        tray,
        writer,
        OcrWorker(lib, lambda: engine),
        hotkey_starter=lambda keys, cb: None,  # type: ignore[arg-type,return-value]
        grabber=lambda screens: [make_grab(0, Rect(0, 0, *screen_size()))],
        tray_available=lambda: True,
        window_lister=lister,
    )
    controller.start()
    yield controller, lib, windows, listed
    controller.shutdown()
    lib.close()


def screen_size() -> tuple[int, int]:
    from PySide6.QtGui import QGuiApplication

    g = QGuiApplication.primaryScreen().geometry()
    return g.width(), g.height()


def _click(widget, x: int, y: int) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(x, y))


def test_a_snapped_window_is_recorded_as_the_source(qtbot, recording_app) -> None:  # type: ignore[no-untyped-def]
    controller, lib, windows, listed = recording_app
    with qtbot.waitSignal(controller.overlay_opened, timeout=5000):
        controller.capture_region()
    assert listed == [1]  # once per grab
    overlay = controller._session.overlays[0]
    qtbot.waitExposed(overlay)
    with qtbot.waitSignal(controller.capture_saved, timeout=10000) as saved:
        _click(overlay, 220, 120)  # inside both: the terminal is on top
    rec = saved.args[0]
    assert (rec.width, rec.height) == (100, 80)
    o = rec.origin
    assert (o.title, o.app, o.window_class, o.rect, o.backend) == (
        "Terminal",
        "XTerm",
        "xterm.XTerm",
        (200, 100, 100, 80),
        "mss",
    )
    from PySide6.QtGui import QGuiApplication

    assert o.output == (QGuiApplication.primaryScreen().name() or None)  # Qt's name of the screen


def test_a_region_records_the_window_under_its_centre(qtbot, recording_app) -> None:  # type: ignore[no-untyped-def]
    from capture.region import Rect

    controller, lib, windows, listed = recording_app
    with qtbot.waitSignal(controller.overlay_opened, timeout=5000):
        controller.capture_region()
    session = controller._session
    with qtbot.waitSignal(controller.capture_saved, timeout=10000) as saved:
        # Centre (60, 45): only the chat window is there.
        session.region_selected.emit(session._grabs[0], Rect(10, 20, 100, 50))
    rec = saved.args[0]
    assert rec.origin.title == "微信 - 乐活健身" and rec.origin.rect == (10, 20, 100, 50)
    assert [h.capture_id for h in lib.search("乐活健身")] == [rec.id]
    # capture --region in the running app: the same, from the windows listed at its grab.
    with qtbot.waitSignal(controller.capture_saved, timeout=10000) as saved:
        controller.capture_rect(Rect(210, 110, 50, 40))
    assert saved.args[0].origin.title == "Terminal"
    # Outside every window: the window is not recorded, the rest is.
    with qtbot.waitSignal(controller.capture_saved, timeout=10000) as saved:
        controller.capture_rect(Rect(260, 160, 50, 40))
    o = saved.args[0].origin
    assert (o.title, o.app, o.rect, o.backend) == (None, None, (260, 160, 50, 40), "mss")


def test_full_screen_and_clipboard_record_no_window(qtbot, recording_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    controller, lib, windows, listed = recording_app
    with qtbot.waitSignal(controller.capture_saved, timeout=10000) as saved:
        controller.capture_fullscreen()
    o = saved.args[0].origin
    assert (o.title, o.app, o.rect) == (None, None, (0, 0, *screen_size()))
    assert listed == []  # a full screen has no one window: none are listed
    data = lib.read_capture_bytes(saved.args[0].id)
    monkeypatch.setattr("gui.controller.clipboard_png", lambda: data)
    with qtbot.waitSignal(controller.capture_saved, timeout=10000) as saved:
        controller.save_clipboard()
    assert saved.args[0].origin == CaptureOrigin()


# ------------------------------------------------------------------ the preview's details


def test_preview_details_show_the_source_or_not_recorded(qtbot) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from gui.preview import PreviewPane

    from .test_preview import image, record

    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.show()
    snapped = replace(
        record(1),
        source_app="WeChat",
        source_title="微信 - 乐活健身",
        source_class="wechat.WeChat",
        source_output="HDMI-1",
        source_rect="100,80,640,480",
        source_backend="mss",
    )
    pane.show_capture(snapped, image())
    assert pane.window_label.text() == "微信 - 乐活健身"
    assert pane.app_label.text() == "WeChat (window class wechat.WeChat)"
    assert pane.screen_label.text() == "HDMI-1, 640 × 480 at 100, 80"
    assert pane.backend_label.text() == "mss"
    assert pane._details_form.isRowVisible(pane.window_label)
    pane.show_capture(record(2), image())  # a region from before sources were recorded
    for label in (pane.window_label, pane.app_label, pane.screen_label, pane.backend_label):
        assert label.text() == "not recorded" and pane._details_form.isRowVisible(label)
    pane.show_capture(record(3, source="import", source_name="a.png"), image())
    assert not pane._details_form.isRowVisible(
        pane.window_label
    )  # an imported file has no screen to speak of
