"""Trusted time in the app: the background worker, the settings section and the status
shown in the library window's details and tooltips (issue 14)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage

from storage import timestamps as ts
from storage.settings import AppSettings

from .tsa_server import LocalTsa

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed for the local TSA")


@pytest.fixture
def tsa(tmp_path: Path):
    server = LocalTsa(tmp_path / "tsa").start()
    yield server
    server.stop()


def _on(url: str) -> AppSettings:
    return AppSettings(tsa_enabled=True, tsa_url=url, tsa_stamp_captures=True)


def _worker(lib: Any, settings: AppSettings) -> Any:
    from capture.tsa_client import post
    from gui.timestamp_worker import TimestampWorker

    return TimestampWorker(lib, settings, send=lambda url, der: post(url, der, 2.0))


def test_the_worker_stamps_a_saved_capture_off_the_gui_thread(qtbot, lib, make_png, tsa):
    from gui.timestamp_worker import stamp_status_text

    cap = lib.add_capture(make_png(seed=1), source="region")
    gui_thread = threading.get_ident()
    seen: list[int] = []
    real_post = tsa.reply_for

    def reply_for(query: bytes) -> bytes:
        seen.append(threading.get_ident())
        return real_post(query)

    tsa.reply_for = reply_for  # type: ignore[method-assign]
    worker = _worker(lib, _on(tsa.url))
    worker.start()
    try:
        with qtbot.waitSignal(worker.stamp_finished, timeout=20000) as blocker:
            worker.capture_saved(cap.id)
        assert blocker.args[0] == cap.id and blocker.args[1] is True
    finally:
        worker.stop()
    assert seen and gui_thread not in seen
    text = stamp_status_text(lib, cap.id)
    assert text is not None and text.startswith("Time-stamped by")


def test_a_failing_tsa_keeps_the_capture_and_shows_the_failure(qtbot, lib, make_png, tsa):
    from gui.timestamp_worker import stamp_status_text

    tsa.mode = "http500"
    cap = lib.add_capture(make_png(seed=2), source="region")
    worker = _worker(lib, _on(tsa.url))
    worker.start()
    try:
        with qtbot.waitSignal(worker.stamp_finished, timeout=20000) as blocker:
            worker.capture_saved(cap.id)
        assert blocker.args[1] is False and "HTTP 500" in blocker.args[2]
    finally:
        worker.stop()
    assert lib.read_capture_bytes(cap.id) == make_png(seed=2)
    text = stamp_status_text(lib, cap.id)
    assert text is not None and "HTTP 500" in text and "tried again later" in text
    [req] = ts.requests(lib)
    assert req.status == ts.FAILED and req.next_try_at


def test_with_trusted_time_off_the_worker_queues_nothing(qtbot, lib, make_png, tsa):
    cap = lib.add_capture(make_png(seed=3), source="region")
    worker = _worker(lib, AppSettings(tsa_url=tsa.url))
    worker.start()
    worker.capture_saved(cap.id)
    worker.wake()
    worker.stop()
    assert ts.requests(lib) == [] and tsa.requests == 0


def test_the_settings_dialog_has_a_trusted_time_section_off_by_default(qtbot):
    from gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(AppSettings(), languages=["eng"])
    qtbot.addWidget(dialog)
    group = dialog.trusted_time
    assert not group.enabled_box.isChecked() and not group.url_combo.isEnabled()
    assert dialog.current_settings() == AppSettings()
    note = dialog.findChild(type(group.message), "trustedTimeNote")
    assert note is not None and "SHA-256" in note.text() and "never the picture" in note.text()
    assert group.url_combo.count() >= 3  # a few public TSAs to choose from
    group.enabled_box.setChecked(True)
    group.url_combo.setEditText("ftp://nope")
    assert not dialog.save_button.isEnabled()
    group.url_combo.setEditText("https://tsa.example.org/tsr")
    assert dialog.save_button.isEnabled()
    new = dialog.current_settings()
    assert new.tsa_enabled and new.tsa_url == "https://tsa.example.org/tsr"
    assert new.tsa_stamp_captures and new.tsa_stamp_exports


def test_the_preview_and_the_tooltip_show_the_status(qtbot, lib, make_png):
    from gui.library_models import CaptureListModel
    from gui.preview import PreviewPane
    from gui.thumbnails import ThumbnailCache

    cap = lib.add_capture(make_png(seed=4), source="region")
    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.trusted_time_status = lambda cid: "Time-stamped by CN=Test TSA at 2026-12-02 10:00:00 (UTC)"
    pane.show_capture(cap, QImage(10, 10, QImage.Format.Format_RGB32))
    assert pane.trusted_time_label.text().startswith("Time-stamped by")
    pane.trusted_time_status = lambda cid: None
    pane.show_capture(cap, QImage(10, 10, QImage.Format.Format_RGB32))
    assert pane.trusted_time_label.text() == ""

    model = CaptureListModel(ThumbnailCache(lib))
    model.stamp_status = lambda cid: "Waiting to be time-stamped by https://tsa.example"
    assert "Waiting to be time-stamped" in model.tooltip_text(cap)


def test_the_worker_retries_a_failed_request_when_it_is_due(qtbot, lib, make_png, tsa):
    tsa.mode = "garbage"
    cap = lib.add_capture(make_png(seed=5), source="region")
    worker = _worker(lib, _on(tsa.url))
    worker.start()
    try:
        with qtbot.waitSignal(worker.stamp_finished, timeout=20000) as blocker:
            worker.capture_saved(cap.id)
        assert blocker.args[1] is False and "not an RFC 3161" in blocker.args[2]
        tsa.mode = "ok"
        # The back-off has passed (moved to the past rather than waited for):
        with lib._tx() as s:
            row = s.get(ts.TimestampRow, ts.requests(lib)[0].id)
            assert row is not None
            row.next_try_at = "2000-01-01T00:00:00.000000Z"
        with qtbot.waitSignal(worker.stamp_finished, timeout=20000) as blocker:
            worker.wake()
        assert blocker.args[0] == cap.id and blocker.args[1] is True
    finally:
        worker.stop()
    [req] = ts.requests(lib)
    assert req.status == ts.STAMPED and req.attempts == 2
