"""Where Proofshot cannot set up its own capture shortcut (Wayland without a GlobalShortcuts
portal), the user binds the capture command in the desktop's keyboard settings once. This
module says how, in plain words, with the exact command and a Copy button, for GNOME, KDE
Plasma and sway; the user's desktop (XDG_CURRENT_DESKTOP) comes first and open.

It also says which capture and hotkey backends are in use and why (`BackendInfo`,
`describe_backends`), for Settings.
"""

from __future__ import annotations

import html
import os
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from capture.hotkey import keysym, split_hotkey
from storage.settings import AppSettings

from .style import make_smaller

#: The desktops with instructions, in the order shown when the user's desktop is not one of them.
DESKTOPS = ("gnome", "kde", "sway")
#: XDG_CURRENT_DESKTOP entries (lower case) and the instructions that fit them.
_DESKTOP_NAMES = {
    "gnome": "gnome",
    "ubuntu": "gnome",
    "unity": "gnome",
    "pop": "gnome",
    "budgie": "gnome",
    "kde": "kde",
    "plasma": "kde",
    "sway": "sway",
    "wlroots": "sway",
    "swayfx": "sway",
}


def main_script() -> Path:
    """The repository's main.py."""
    return Path(__file__).resolve().parents[1] / "main.py"


def _platform_library() -> Path:
    """The library `main.py capture` uses when nothing says otherwise (no --library, and no
    PROOFSHOT_LIBRARY: a desktop shortcut does not inherit the app's environment)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("Proofshot", appauthor=False))


def capture_command(library: Path | str | None = None) -> str:
    """The shell command that opens the capture overlay in the running app (or captures
    directly): `<python> <main.py> capture`, shell-quoted. With the `library` in use, adds
    `--library` when that is not the default one, so the shortcut reaches this app."""
    parts = [sys.executable, str(main_script()), "capture"]
    if library is not None:
        chosen = Path(library).expanduser().absolute()
        if chosen != _platform_library().expanduser().absolute():
            parts += ["--library", str(chosen)]
    return " ".join(shlex.quote(p) for p in parts)


def sway_binding(command: str, hotkey: str = AppSettings.hotkey) -> str:
    """The line for ~/.config/sway/config: `bindsym Ctrl+Alt+p exec <command>`."""
    mods, key = split_hotkey(hotkey)
    names = {"ctrl": "Ctrl", "alt": "Alt", "shift": "Shift", "meta": "Mod4"}
    keys = "+".join([names[m] for m in mods] + [keysym(key or "p")])
    return f"bindsym {keys} exec {command}"


def current_desktop(value: str | None = None) -> str:
    """ "gnome", "kde" or "sway" for the first XDG_CURRENT_DESKTOP entry we have instructions
    for ("sway:gnome" is sway), or "" for any other desktop."""
    if value is None:
        value = os.environ.get("XDG_CURRENT_DESKTOP", "")
    for entry in value.split(":"):
        found = _DESKTOP_NAMES.get(entry.strip().lower())
        if found:
            return found
    return ""


@dataclass(frozen=True)
class BackendInfo:
    """How capture works on this desktop, for Settings and the welcome window."""

    screen: str  # capture backend in use: "mss" | "grim" | "portal" | "" (not known yet)
    screen_skipped: tuple[tuple[str, str], ...]  # (backend, reason code) tried before it and not usable
    session: str  # "x11" | "wayland" | "windows" | "macos"
    hotkey: str  # "pynput" | "global-shortcuts" | "" (none works)
    hotkey_problem: str | None  # English reason when none works
    needs_desktop_shortcut: bool


def _session_name(session: str) -> str:
    return {"x11": "X11", "wayland": "Wayland", "windows": "Windows", "macos": "macOS"}.get(session, session)


def _skip_reason(code: str) -> str:
    reasons = {
        "not_installed": QCoreApplication.translate("DesktopShortcutHelp", "not installed"),
        "no_wayland": QCoreApplication.translate("DesktopShortcutHelp", "no Wayland display"),
        "not_wlroots": QCoreApplication.translate("DesktopShortcutHelp", "this desktop does not support it"),
        "no_portal": QCoreApplication.translate(
            "DesktopShortcutHelp", "the desktop has no screenshot portal"
        ),
        "refused": QCoreApplication.translate("DesktopShortcutHelp", "the desktop refused"),
        "no_answer": QCoreApplication.translate("DesktopShortcutHelp", "the desktop did not answer in time"),
        "failed": QCoreApplication.translate("DesktopShortcutHelp", "it failed"),
        "not_wayland": QCoreApplication.translate("DesktopShortcutHelp", "this is not a Wayland session"),
    }
    return reasons.get(code, code)


def _screen_backend_name(name: str) -> str:
    if name == "portal":
        return QCoreApplication.translate("DesktopShortcutHelp", "the screenshot portal")
    return name


def describe_backends(info: BackendInfo) -> list[str]:
    """Two plain lines: how the screen is captured, and how the capture shortcut works."""
    session = _session_name(info.session)
    if info.screen == "mss":
        screen = QCoreApplication.translate("DesktopShortcutHelp", "Screen capture: mss ({session})").format(
            session=session
        )
    elif info.screen == "grim":
        screen = QCoreApplication.translate(
            "DesktopShortcutHelp", "Screen capture: grim (Wayland, wlroots desktop)"
        )
    elif info.screen == "portal":
        screen = QCoreApplication.translate(
            "DesktopShortcutHelp", "Screen capture: the desktop's screenshot portal"
        )
    elif info.screen:
        screen = QCoreApplication.translate("DesktopShortcutHelp", "Screen capture: {backend}").format(
            backend=info.screen
        )
    elif info.screen_skipped:
        screen = QCoreApplication.translate("DesktopShortcutHelp", "Screen capture: nothing has worked yet")
    else:
        screen = QCoreApplication.translate(
            "DesktopShortcutHelp", "Screen capture: chosen at the first capture"
        )
    if info.screen_skipped:
        why = "; ".join(
            QCoreApplication.translate("DesktopShortcutHelp", "{backend} did not work here: {reason}").format(
                backend=_screen_backend_name(backend), reason=_skip_reason(code)
            )
            for backend, code in info.screen_skipped
        )
        screen = QCoreApplication.translate("DesktopShortcutHelp", "{line} ({why})").format(
            line=screen, why=why
        )

    if info.hotkey == "pynput":
        hotkey = QCoreApplication.translate(
            "DesktopShortcutHelp", "Hotkey: global listener ({session})"
        ).format(session=session)
    elif info.hotkey == "global-shortcuts":
        hotkey = QCoreApplication.translate(
            "DesktopShortcutHelp", "Hotkey: the desktop's global-shortcuts portal"
        )
    elif info.hotkey:
        hotkey = QCoreApplication.translate("DesktopShortcutHelp", "Hotkey: {backend}").format(
            backend=info.hotkey
        )
    elif info.needs_desktop_shortcut:
        hotkey = QCoreApplication.translate(
            "DesktopShortcutHelp", "Hotkey: none — bind a desktop shortcut (below)"
        )
    elif info.hotkey_problem:
        hotkey = QCoreApplication.translate("DesktopShortcutHelp", "Hotkey: none ({problem})").format(
            problem=info.hotkey_problem
        )
    else:
        hotkey = QCoreApplication.translate("DesktopShortcutHelp", "Hotkey: none")
    return [screen, hotkey]


def _mono(widget: QWidget) -> None:
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    widget.setFont(font)


class DesktopShortcutHelp(QWidget):
    """How to bind the capture command as a keyboard shortcut in the desktop's settings."""

    def __init__(
        self,
        command: str | None = None,
        hotkey: str = AppSettings.hotkey,
        parent: QWidget | None = None,
        *,
        desktop: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("desktopShortcutHelp")
        self.command = command if command is not None else capture_command()
        self.desktop = current_desktop() if desktop is None else desktop
        self._hotkey = hotkey

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.intro_label = self._label(
            self.tr(
                "This desktop does not let programs watch the keyboard, so Proofshot cannot set up "
                "its capture shortcut by itself. Add it once in your desktop's keyboard settings: "
                "a new shortcut that runs the command below. Pressing that shortcut then starts a capture."
            )
        )
        self.intro_label.setObjectName("desktopShortcutIntro")
        layout.addWidget(self.intro_label)

        row, self.command_field, self.copy_button = self._copy_row(self.command, self.tr("Copy the command"))
        self.command_field.setObjectName("desktopShortcutCommand")
        self.copy_button.setObjectName("desktopShortcutCopy")
        layout.addLayout(row)

        # One section per desktop; the user's own first and open.
        order = [self.desktop] if self.desktop in DESKTOPS else []
        order += [d for d in DESKTOPS if d not in order]
        self.order = order
        self.sections: dict[str, tuple[QToolButton, QWidget]] = {}
        builders: dict[str, tuple[str, Callable[[], QWidget]]] = {
            "gnome": (self.tr("GNOME"), self._gnome_steps),
            "kde": (self.tr("KDE Plasma"), self._kde_steps),
            "sway": (self.tr("sway and other wlroots desktops"), self._sway_steps),
        }
        for name in order:
            title, build = builders[name]
            self._add_section(layout, name, title, build(), expanded=name == self.desktop)
        self.other_label = self._label(
            self.tr(
                "On another desktop, look for “Keyboard shortcuts” or “Custom shortcuts” in its "
                "settings and add one that runs the command above."
            )
        )
        make_smaller(self.other_label)
        layout.addWidget(self.other_label)
        self._update_texts()

    # ------------------------------------------------------------------ building

    def _label(self, text: str = "", rich: bool = False) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _copy_row(self, text: str, tooltip: str) -> tuple[QHBoxLayout, QLineEdit, QPushButton]:
        row = QHBoxLayout()
        field = QLineEdit(text)
        field.setReadOnly(True)
        field.setCursorPosition(0)
        field.setToolTip(text)
        _mono(field)
        button = QPushButton(self.tr("Copy"))
        button.setToolTip(tooltip)
        button.setAutoDefault(False)
        button.clicked.connect(lambda: self._copy(field, button))
        row.addWidget(field, 1)
        row.addWidget(button)
        return row, field, button

    def _copy(self, field: QLineEdit, button: QPushButton) -> None:
        QGuiApplication.clipboard().setText(field.text())
        button.setText(self.tr("Copied"))
        QTimer.singleShot(1500, button, lambda: button.setText(self.tr("Copy")))

    def _add_section(
        self, layout: QVBoxLayout, name: str, title: str, body: QWidget, *, expanded: bool
    ) -> None:
        toggle = QToolButton()
        toggle.setObjectName(f"desktopShortcutSection_{name}")
        toggle.setText(title)
        toggle.setCheckable(True)
        toggle.setAutoRaise(True)
        toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        font = toggle.font()
        font.setBold(True)
        toggle.setFont(font)

        def show(on: bool) -> None:
            toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
            body.setVisible(on)

        toggle.toggled.connect(show)
        toggle.setChecked(expanded)
        show(expanded)
        layout.addWidget(toggle)
        layout.addWidget(body)
        self.sections[name] = (toggle, body)

    def _steps_widget(self) -> tuple[QWidget, QVBoxLayout]:
        body = QWidget()
        box = QVBoxLayout(body)
        box.setContentsMargins(6, 0, 0, 0)
        box.setSpacing(6)
        return body, box

    def _gnome_steps(self) -> QWidget:
        body, box = self._steps_widget()
        self.gnome_label = self._label(rich=True)
        self.gnome_label.setObjectName("desktopShortcutGnome")
        box.addWidget(self.gnome_label)
        return body

    def _kde_steps(self) -> QWidget:
        body, box = self._steps_widget()
        self.kde_label = self._label(rich=True)
        self.kde_label.setObjectName("desktopShortcutKde")
        box.addWidget(self.kde_label)
        return body

    def _sway_steps(self) -> QWidget:
        body, box = self._steps_widget()
        self.sway_label = self._label(rich=True)
        self.sway_label.setObjectName("desktopShortcutSway")
        box.addWidget(self.sway_label)
        row, self.sway_line_field, self.sway_copy_button = self._copy_row(
            sway_binding(self.command, self._hotkey), self.tr("Copy the line")
        )
        self.sway_line_field.setObjectName("desktopShortcutSwayLine")
        self.sway_copy_button.setObjectName("desktopShortcutSwayCopy")
        box.addLayout(row)
        self.sway_reload_label = self._label(rich=True)
        box.addWidget(self.sway_reload_label)
        return body

    # ------------------------------------------------------------------ texts

    def set_hotkey(self, hotkey: str) -> None:
        """The keys to suggest (the shortcut chosen in Settings)."""
        self._hotkey = hotkey or AppSettings.hotkey
        self._update_texts()

    def sway_line(self) -> str:
        return self.sway_line_field.text()

    def _update_texts(self) -> None:
        def b(text: str) -> str:
            return f"<b>{html.escape(text)}</b>"

        def steps(*items: str) -> str:
            return (
                "<ol style='margin-left: 0; -qt-list-indent: 1;'>"
                + "".join(f"<li>{i}</li>" for i in items)
                + "</ol>"
            )

        keys = b(self._hotkey)
        self.gnome_label.setText(
            steps(
                self.tr("Open {path}.").format(
                    path=b(
                        self.tr(
                            "Settings → Keyboard → View and Customise Shortcuts → Custom Shortcuts",
                            "GNOME's menu path",
                        )
                    )
                ),
                self.tr("Click {add}.").format(add=b("+")),
                self.tr("Name: {name}. Command: paste the command above.").format(name=b("Proofshot")),
                self.tr("Click {set} and press {keys}, then click {add}.").format(
                    set=b(self.tr("Set Shortcut…", "GNOME's button")),
                    keys=keys,
                    add=b(self.tr("Add", "GNOME's button")),
                ),
            )
        )
        self.kde_label.setText(
            steps(
                self.tr("Open {path}.").format(
                    path=b(self.tr("System Settings → Keyboard → Shortcuts", "KDE's menu path"))
                ),
                self.tr("Click {add_new} → {command}.").format(
                    add_new=b(self.tr("Add New", "KDE's button")),
                    command=b(self.tr("Command or Script…", "KDE's menu item")),
                ),
                self.tr("Paste the command above, name it {name} and confirm.").format(name=b("Proofshot")),
                self.tr("Click {add} beside the new entry, press {keys}, then click {apply}.").format(
                    add=b(self.tr("Add custom shortcut", "KDE's button")),
                    keys=keys,
                    apply=b(self.tr("Apply", "KDE's button")),
                ),
            )
        )
        self.sway_label.setText(self.tr("Add this line to {file}:").format(file=b("~/.config/sway/config")))
        line = sway_binding(self.command, self._hotkey)
        self.sway_line_field.setText(line)
        self.sway_line_field.setToolTip(line)
        self.sway_line_field.setCursorPosition(0)
        self.sway_reload_label.setText(
            self.tr("Then run {command} (or log out and in again). Pressing {keys} starts a capture.").format(
                command=b("swaymsg reload"), keys=keys
            )
        )


__all__ = [
    "BackendInfo",
    "DesktopShortcutHelp",
    "capture_command",
    "current_desktop",
    "describe_backends",
    "sway_binding",
]
