"""The app's own settings (per user, not per library), one typed table with defaults.

Stored as JSON in the user's config folder (`PROOFSHOT_CONFIG_DIR` overrides it, which
the tests use), written atomically. Command-line flags override a setting for one
run without saving it. Unknown or invalid values in the file fall back to defaults,
so a damaged settings file can never stop the app from starting.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from .blobs import write_atomic

log = logging.getLogger(__name__)

AFTER_CAPTURE = ("notify", "note", "silent")
UI_LANGUAGES = ("system", "en", "zh_CN")
#: Mirrors capture.ocr.ENGINE_CHOICES (storage does not import capture).
OCR_ENGINES = ("auto", "tesseract", "ppocr", "both")


@dataclass(frozen=True)
class AppSettings:
    hotkey: str = "Ctrl+Alt+P"
    ocr_languages: str = ""  # "" = automatic (chi_sim+eng when installed)
    ocr_engine: str = "auto"  # auto: PP-OCR when installed (and Chinese wanted), else tesseract
    library: str = ""  # "" = the default location
    start_at_login: bool = False
    after_capture: str = "notify"  # notify: confirmation with Undo; note: ask for a note; silent
    ui_language: str = "system"

    def validated(self) -> AppSettings:
        s = self
        if not isinstance(s.hotkey, str) or not s.hotkey.strip():
            s = replace(s, hotkey=AppSettings.hotkey)
        if s.after_capture not in AFTER_CAPTURE:
            s = replace(s, after_capture=AppSettings.after_capture)
        if s.ocr_engine not in OCR_ENGINES:
            s = replace(s, ocr_engine=AppSettings.ocr_engine)
        if s.ui_language not in UI_LANGUAGES:
            s = replace(s, ui_language=AppSettings.ui_language)
        return s


def config_dir() -> Path:
    env = os.environ.get("PROOFSHOT_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("Proofshot", appauthor=False))


def settings_path() -> Path:
    return config_dir() / "settings.json"


def load_settings(path: Path | None = None) -> AppSettings:
    path = path or settings_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return AppSettings()
    except (OSError, ValueError) as exc:
        log.warning("settings file %s is unreadable (%s); using defaults", path, exc)
        return AppSettings()
    if not isinstance(raw, dict):
        return AppSettings()
    known: dict[str, Any] = {}
    for f in fields(AppSettings):
        if f.name in raw and isinstance(raw[f.name], type(getattr(AppSettings(), f.name))):
            known[f.name] = raw[f.name]
    return AppSettings(**known).validated()


def save_settings(settings: AppSettings, path: Path | None = None) -> None:
    path = path or settings_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    data = json.dumps(asdict(settings.validated()), ensure_ascii=False, indent=1).encode("utf-8")
    write_atomic(path, data)
