"""The app's own settings (per user, not per library), one typed table with defaults,
and the user's own details (per library).

Stored as JSON in the user's config folder (`PROOFSHOT_CONFIG_DIR` overrides it, which
the tests use), written atomically. Command-line flags override a setting for one
run without saving it. Unknown or invalid values in the file fall back to defaults,
so a damaged settings file can never stop the app from starting.

`OwnDetails` are the buyer's own phones, names and addresses. Screenshots of an order
show them next to the seller's (a shipping address has the buyer's phone), and they
must never be offered as the seller's. They live in the library's settings table, not
in this file, so that they travel with the library and the command line reads the
same ones as the tray app.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from .blobs import write_atomic
from .errors import InvalidInput
from .values import clean_text, parse_phone, split_phones

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
    copy_after_capture: bool = False  # also put each new capture on the clipboard
    ui_language: str = "system"
    # Trusted time (docs/trusted-time.md): off by default; when off, nothing is sent anywhere.
    tsa_enabled: bool = False
    tsa_url: str = ""  # the time-stamp authority's URL ("" = none chosen yet)
    tsa_stamp_captures: bool = True  # stamp each capture when it is taken (when enabled)
    tsa_stamp_exports: bool = True  # stamp each export's SHA256SUMS (when enabled)

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
        if not isinstance(s.tsa_url, str) or not s.tsa_url.strip().lower().startswith(
            ("http://", "https://")
        ):
            s = replace(s, tsa_url="")
        elif s.tsa_url != s.tsa_url.strip():
            s = replace(s, tsa_url=s.tsa_url.strip())
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


# ---------------------------------------------------------------------------- own details


def split_entries(text: str | None) -> list[str]:
    """Entries typed on one line, separated by / ; , or 、 ("张伟 / Zhang Wei" -> two)."""
    return split_phones(text)


#: The library setting (Library.get_setting) that holds OwnDetails as JSON.
OWN_DETAILS_KEY = "own_details"
#: At most this many of each kind are kept.
MAX_OWN_ITEMS = 20


@dataclass(frozen=True)
class OwnDetails:
    """The user's own phones, names and addresses: never suggested as a seller's."""

    phones: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.phones or self.names or self.addresses)

    def values(self) -> list[str]:
        """Everything recorded, for capture.suggestions.purchase_suggestions(exclude=...)."""
        return [*self.phones, *self.names, *self.addresses]

    def counts(self) -> dict[str, int]:
        return {"phones": len(self.phones), "names": len(self.names), "addresses": len(self.addresses)}

    def to_json(self) -> str:
        return json.dumps(
            {"phones": list(self.phones), "names": list(self.names), "addresses": list(self.addresses)},
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str | None) -> OwnDetails:
        """Read what `to_json` wrote; anything unreadable counts as nothing recorded."""
        if not raw:
            return cls()
        try:
            data = json.loads(raw)
        except ValueError:
            log.warning("the saved own details are unreadable; ignoring them")
            return cls()
        if not isinstance(data, dict):
            return cls()

        def texts(key: str) -> tuple[str, ...]:
            items = data.get(key)
            if not isinstance(items, list):
                return ()
            return tuple(str(x) for x in items if isinstance(x, str) and x.strip())[:MAX_OWN_ITEMS]

        return cls(texts("phones"), texts("names"), texts("addresses"))

    @classmethod
    def parse(cls, phones: list[str], names: list[str], addresses: list[str]) -> OwnDetails:
        """Clean and check what the user typed, one item per entry (a phone entry may hold
        several numbers). Raises InvalidInput for a phone that is not one."""

        def unique(items: list[str]) -> tuple[str, ...]:
            out: list[str] = []
            seen: set[str] = set()
            for item in items:
                key = "".join(item.split()).casefold()
                if key not in seen:
                    seen.add(key)
                    out.append(item)
            if len(out) > MAX_OWN_ITEMS:
                raise InvalidInput(f"keep at most {MAX_OWN_ITEMS} of each")
            return tuple(out)

        numbers: list[str] = []
        for entry in phones:
            checked = parse_phone(entry, field="your phone")
            numbers.extend(split_phones(checked))
        clean_names = [c for n in names if (c := clean_text(n, field="your name"))]
        clean_addresses = [c for a in addresses if (c := clean_text(a, field="your address"))]
        return cls(unique(numbers), unique(clean_names), unique(clean_addresses))
