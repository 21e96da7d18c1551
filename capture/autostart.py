"""Start Proofshot when the user logs in (plain Python, no Qt).

One small backend per platform: an XDG autostart desktop file on Linux and other
freedesktop systems, a value under the current user's ``Run`` key on Windows, and a
LaunchAgent property list on macOS. Nothing here needs administrator rights; every
failure becomes an `AutostartFailed` whose message can be shown to the user as is.
"""

from __future__ import annotations

import contextlib
import logging
import os
import plistlib
import sys
from pathlib import Path

from storage.files import write_atomic

from .errors import KnownCaptureError

log = logging.getLogger(__name__)

APP_NAME = "Proofshot"
DESKTOP_FILE = "proofshot.desktop"
LAUNCH_AGENT_LABEL = "app.proofshot"
WINDOWS_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
#: Freedesktop icon name used when the app's own icon file is not there.
FALLBACK_ICON = "camera-photo"
_ICON_FILE = Path(__file__).resolve().parent.parent / "resources" / "proofshot.png"


class AutostartFailed(KnownCaptureError):
    """Starting at login could not be switched on or off."""


def _is_freedesktop() -> bool:
    return sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd", "dragonfly"))


def autostart_supported() -> bool:
    """Whether this platform has a start-at-login mechanism we know how to use."""
    return _is_freedesktop() or sys.platform in ("win32", "darwin")


def is_enabled() -> bool:
    """Whether Proofshot is set to start at login (False where unsupported)."""
    if _is_freedesktop():
        return _xdg_is_enabled()
    if sys.platform == "win32":
        return _windows_get() is not None
    if sys.platform == "darwin":
        return _launch_agent_path().is_file()
    return False


def set_enabled(enabled: bool, command: list[str]) -> None:
    """Make Proofshot start (or stop starting) at login with `command`.

    `command` is the program and its arguments, e.g. ``[sys.executable, "/abs/main.py"]``;
    it is only used when enabling. Raises `AutostartFailed` when the change could not be
    made (a read-only folder, a policy-locked registry key...).
    """
    if enabled and not command:
        raise ValueError("a command is needed to start at login")
    if not autostart_supported():
        raise AutostartFailed(f"Starting at login is not supported on this system ({sys.platform}).")
    action = "switch on" if enabled else "switch off"
    try:
        if _is_freedesktop():
            _xdg_set(enabled, command)
        elif sys.platform == "win32":
            _windows_set(enabled, command)
        else:
            _launch_agent_set(enabled, command)
    except PermissionError as exc:
        raise AutostartFailed(
            f"Could not {action} starting at login: permission denied for {exc.filename or 'the startup entry'}. "
            "Check that you own that folder, or change it in your system's startup settings."
        ) from exc
    except OSError as exc:
        raise AutostartFailed(
            f"Could not {action} starting at login: {exc.strerror or exc}"
            + (f" ({exc.filename})" if exc.filename else "")
            + "."
        ) from exc
    log.info("start at login %s", "enabled" if enabled else "disabled")


# --------------------------------------------------------------------------- Linux (XDG)


def autostart_dir() -> Path:
    """``$XDG_CONFIG_HOME/autostart`` (the spec says a relative value is to be ignored)."""
    env = os.environ.get("XDG_CONFIG_HOME", "")
    base = Path(env) if env and os.path.isabs(env) else Path.home() / ".config"
    return base / "autostart"


def desktop_file_path() -> Path:
    return autostart_dir() / DESKTOP_FILE


# Characters that force an Exec argument into double quotes (Desktop Entry spec, "The Exec key").
_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
# Inside double quotes these must be preceded by a backslash.
_EXEC_QUOTE_ESCAPED = set('"`$\\')


def _quote_exec_arg(arg: str) -> str:
    if arg and not (_EXEC_RESERVED & set(arg)):
        return arg
    return '"' + "".join("\\" + c if c in _EXEC_QUOTE_ESCAPED else c for c in arg) + '"'


def _escape_string_value(value: str) -> str:
    """Escape a value of type string for a desktop file (the key file level)."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


def exec_line(command: list[str]) -> str:
    """The value of ``Exec=`` for `command`, quoted per the Desktop Entry spec.

    Arguments are quoted first, then ``%`` is doubled (no field codes are used), then
    the whole value gets the key-file escapes, which is the reverse of the order in
    which a launcher reads it."""
    quoted = " ".join(_quote_exec_arg(a) for a in command).replace("%", "%%")
    return _escape_string_value(quoted)


def desktop_entry(command: list[str]) -> str:
    icon = str(_ICON_FILE) if _ICON_FILE.is_file() else FALLBACK_ICON
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        f"Name={APP_NAME}",
        "Comment=Keep screenshot evidence of online purchases",
        "Comment[zh_CN]=保存网购截图证据",
        f"Exec={exec_line(command)}",
        f"Icon={_escape_string_value(icon)}",
        "Terminal=false",
        "Categories=Utility;",
        "X-GNOME-Autostart-enabled=true",
    ]
    return "\n".join(lines) + "\n"


def _xdg_is_enabled() -> bool:
    path = desktop_file_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("autostart file %s is unreadable: %s", path, exc)
        return False
    # Desktop settings tools switch an entry off with one of these rather than deleting it.
    for line in text.splitlines():
        key, _, value = line.partition("=")
        key, value = key.strip(), value.strip().lower()
        if key == "Hidden" and value == "true":
            return False
        if key == "X-GNOME-Autostart-enabled" and value == "false":
            return False
    return True


def _xdg_set(enabled: bool, command: list[str]) -> None:
    path = desktop_file_path()
    if not enabled:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, desktop_entry(command).encode("utf-8"), mode=0o644)


# --------------------------------------------------------------------------- Windows


def _windows_command(command: list[str]) -> str:
    import subprocess

    args = list(command)
    # pythonw.exe runs the same interpreter without opening a console window at login.
    exe = Path(args[0])
    if exe.name.lower() == "python.exe" and (exe.parent / "pythonw.exe").is_file():
        args[0] = str(exe.parent / "pythonw.exe")
    return subprocess.list2cmdline(args)


def _windows_get() -> str | None:
    if sys.platform == "win32":
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY) as key:
                value, _type = winreg.QueryValueEx(key, APP_NAME)
        except OSError:
            return None
        return str(value)
    return None


def _windows_set(enabled: bool, command: list[str]) -> None:
    if sys.platform == "win32":
        import winreg

        with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
            if enabled:
                winreg.SetValueEx(key, APP_NAME, 0, winreg.REG_SZ, _windows_command(command))
            else:
                with contextlib.suppress(FileNotFoundError):
                    winreg.DeleteValue(key, APP_NAME)


# --------------------------------------------------------------------------- macOS


def _launch_agent_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"


def launch_agent(command: list[str]) -> bytes:
    return plistlib.dumps(
        {
            "Label": LAUNCH_AGENT_LABEL,
            "ProgramArguments": list(command),
            "RunAtLoad": True,
            "ProcessType": "Interactive",
        }
    )


def _launch_agent_set(enabled: bool, command: list[str]) -> None:
    path = _launch_agent_path()
    if not enabled:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, launch_agent(command), mode=0o644)
