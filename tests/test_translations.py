"""The shipped Simplified Chinese translation: complete, in step with the code, and really used."""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator  # noqa: E402

from capture.hotkey import RESERVED, USED_FOR, canonical, hotkey_issue, hotkey_problem  # noqa: E402

from .conftest import ROOT  # noqa: E402

TRANSLATIONS = ROOT / "resources" / "translations"
TS = TRANSLATIONS / "proofshot_zh_CN.ts"
QM = TRANSLATIONS / "proofshot_zh_CN.qm"
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")

#: (context, source, disambiguation comment or "")
Key = tuple[str, str, str]


def _load_update_script() -> ModuleType:
    """resources/translations/update.py, so the tests run lupdate exactly as developers do."""
    spec = importlib.util.spec_from_file_location("proofshot_translations_update", TRANSLATIONS / "update.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


update = _load_update_script()


def messages(ts: Path) -> dict[Key, ET.Element]:
    """Every message of a .ts file, keyed the way QTranslator looks them up."""
    out: dict[Key, ET.Element] = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            key = (name, message.findtext("source") or "", message.findtext("comment") or "")
            out[key] = message
    return out


def translations_of(message: ET.Element) -> list[str]:
    """The translated text (one per plural form when the message has plurals)."""
    translation = message.find("translation")
    assert translation is not None
    forms = translation.findall("numerusform")
    return [form.text or "" for form in forms] if forms else [translation.text or ""]


def require_tool(name: str) -> None:
    if update.tool(name) is None:
        pytest.skip(f"{name} is not installed (it comes with PySide6), so the check cannot run")


# --------------------------------------------------------------------------- the .ts and .qm files


def test_every_message_has_a_finished_translation() -> None:
    unfinished = []
    for key, message in messages(TS).items():
        translation = message.find("translation")
        assert translation is not None
        if translation.get("type") in ("unfinished", "vanished", "obsolete") or not all(
            text.strip() for text in translations_of(message)
        ):
            unfinished.append(key)

    assert messages(TS), "the .ts file holds no messages"
    assert unfinished == [], "translate these in resources/translations/proofshot_zh_CN.ts"


def test_translations_keep_every_placeholder() -> None:
    wrong = []
    for key, message in messages(TS).items():
        wanted = sorted(PLACEHOLDER.findall(key[1]))
        for text in translations_of(message):
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                wrong.append((key, text))

    assert wrong == [], "a {placeholder} was lost, added or misspelt in the translation"


def test_the_ts_file_is_up_to_date_with_the_code(tmp_path: Path) -> None:
    require_tool("pyside6-lupdate")
    fresh = tmp_path / "fresh_zh_CN.ts"

    update.lupdate(fresh, "zh_CN")

    committed, current = set(messages(TS)), set(messages(fresh))
    assert current - committed == set(), "new strings in the code: run resources/translations/update.py"
    assert committed - current == set(), "strings gone from the code: run resources/translations/update.py"


def test_the_qm_file_is_built_from_the_ts_file(tmp_path: Path) -> None:
    require_tool("pyside6-lrelease")
    fresh = tmp_path / "fresh_zh_CN.qm"

    update.lrelease(TS, fresh)

    if fresh.read_bytes() == QM.read_bytes():
        return
    # Another Qt version may lay the file out differently: then compare what the files say.
    committed, rebuilt = QTranslator(), QTranslator()
    assert committed.load(str(QM)) and rebuilt.load(str(fresh))
    stale = [
        key
        for key in messages(TS)
        if committed.translate(key[0], key[1], key[2] or None)
        != rebuilt.translate(key[0], key[1], key[2] or None)
    ]
    assert stale == [], "the .qm is older than the .ts: run resources/translations/update.py"


# --------------------------------------------------------------------------- the running app


@pytest.fixture
def use_language(qapp: Any) -> Iterator[Callable[[str], None]]:
    """install_translators for a language; afterwards the app is back to plain English."""
    from gui.i18n import install_translators

    installed: list[QTranslator] = []
    default_locale = QLocale()

    def use(ui_language: str) -> None:
        installed.extend(install_translators(qapp, ui_language))

    yield use
    for translator in installed:
        QCoreApplication.removeTranslator(translator)
        translator.deleteLater()
    QLocale.setDefault(default_locale)


def make_tray() -> Any:
    from gui.tray import TrayMenu

    return TrayMenu(lambda: [(7, "Wireless earbuds", True)])


def test_the_tray_menu_speaks_chinese_when_chosen(use_language: Callable[[str], None]) -> None:
    use_language("zh_CN")

    tray = make_tray()

    assert tray.action_region.text() == "截取区域"
    assert tray.purchase_menu.title() == "当前订单"
    assert tray.action_quit.text() == "退出 Proofshot"
    assert [a.text() for a in tray.purchase_menu.actions() if a.text()][0] == "收件箱（不归入订单）"


def test_the_tray_menu_speaks_english_when_chosen(use_language: Callable[[str], None]) -> None:
    use_language("en")

    tray = make_tray()

    assert tray.action_region.text() == "Capture region"
    assert tray.purchase_menu.title() == "Active purchase"


# --------------------------------------------------------------------------- shortcut problems

#: One shortcut for each kind of problem capture.hotkey can find.
BAD_SHORTCUTS = ["Ctrl+Alt", "Ctrl+Menu", "P", "Shift+A", "Ctrl+C", "Alt+A", "Alt+Tab"]


@pytest.fixture
def settings_dialog(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], Any]:
    monkeypatch.setenv("PROOFSHOT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("PROOFSHOT_LIBRARY", str(tmp_path / "library"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))

    def make() -> Any:
        from gui.settings_dialog import SettingsDialog
        from storage.settings import AppSettings

        dialog = SettingsDialog(AppSettings(), languages=["chi_sim", "eng"])
        qtbot.addWidget(dialog)
        return dialog

    return make


def test_the_bad_shortcut_samples_cover_every_kind_of_problem() -> None:
    kinds = {issue.code for issue in map(hotkey_issue, BAD_SHORTCUTS) if issue}

    assert kinds == {"not_one_key", "unusable_key", "needs_modifier", "shift_letter", "reserved"}
    assert set(RESERVED.values()) == set(USED_FOR)


@pytest.mark.parametrize("shortcut", BAD_SHORTCUTS)
def test_in_english_the_dialog_explains_a_shortcut_as_the_command_line_does(
    settings_dialog: Callable[[], Any], use_language: Callable[[str], None], shortcut: str
) -> None:
    from gui.settings_dialog import hotkey_to_sequence

    use_language("en")
    dialog = settings_dialog()

    dialog.hotkey_edit.setKeySequence(hotkey_to_sequence(shortcut))

    assert hotkey_issue(dialog.hotkey()) == hotkey_issue(shortcut)
    assert dialog.hotkey_message.text() == f"This shortcut can't be used: {hotkey_problem(shortcut)}."
    assert not dialog.save_button.isEnabled()


@pytest.mark.parametrize("shortcut", BAD_SHORTCUTS)
def test_in_chinese_the_dialog_explains_every_kind_of_bad_shortcut_in_chinese(
    settings_dialog: Callable[[], Any], use_language: Callable[[str], None], shortcut: str
) -> None:
    from gui.settings_dialog import hotkey_to_sequence

    use_language("zh_CN")
    dialog = settings_dialog()

    dialog.hotkey_edit.setKeySequence(hotkey_to_sequence(shortcut))

    text = dialog.hotkey_message.text()
    assert text.startswith("不能使用这个快捷键：") and text.endswith("。"), text
    assert str(hotkey_problem(shortcut)) not in text


def test_in_chinese_every_taken_shortcut_is_explained_in_chinese(
    settings_dialog: Callable[[], Any], use_language: Callable[[str], None]
) -> None:
    from gui.settings_dialog import hotkey_to_sequence

    use_language("zh_CN")
    dialog = settings_dialog()
    checked = 0
    for shortcut, code in RESERVED.items():
        dialog.hotkey_edit.setKeySequence(hotkey_to_sequence(canonical(shortcut)))
        issue = hotkey_issue(dialog.hotkey())
        if issue is None or issue.code != "reserved":
            continue  # Qt spells some keys differently (Delete is "Del"): not a taken shortcut then
        text = dialog.hotkey_message.text()
        assert text.startswith(f"不能使用这个快捷键：{canonical(shortcut)} 已用于"), text
        assert USED_FOR[code] not in text and code not in text, text
        checked += 1

    assert checked >= len(RESERVED) - 1
    dialog.hotkey_edit.setKeySequence(hotkey_to_sequence("Ctrl+C"))
    assert dialog.hotkey_message.text() == "不能使用这个快捷键：Ctrl+C 已用于复制。"
