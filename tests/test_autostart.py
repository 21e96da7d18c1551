"""Start at login: the XDG autostart file on Linux, and the pure parts of the other backends."""

from __future__ import annotations

import configparser
import plistlib
import sys
from pathlib import Path

import pytest

from capture import autostart
from capture.errors import KnownCaptureError

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG autostart is Linux-only")


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config home"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config


def _read_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return dict(parser["Desktop Entry"])


def _parse_exec(value: str) -> list[str]:
    """Read an Exec value the way a launcher does (GLib: key-file unescape, field codes,
    then shell-like quoting), written here independently of the code under test."""
    # 1. escapes of a key-file string value
    unescaped: list[str] = []
    it = iter(value)
    for c in it:
        if c == "\\":
            nxt = next(it)
            unescaped.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}[nxt])
        else:
            unescaped.append(c)
    text = "".join(unescaped)
    # 2. field codes: %% is a literal percent; we write no other codes
    assert "%" not in text.replace("%%", ""), f"unexpected field code in {text!r}"
    text = text.replace("%%", "%")
    # 3. arguments: separated by spaces; double quotes with \" \` \$ \\ escapes inside
    args: list[str] = []
    current: list[str] | None = None
    i = 0
    while i < len(text):
        c = text[i]
        if c == " ":
            if current is not None:
                args.append("".join(current))
                current = None
        elif c == '"':
            current = current if current is not None else []
            i += 1
            while text[i] != '"':
                if text[i] == "\\" and text[i + 1] in '"`$\\':
                    i += 1
                current.append(text[i])
                i += 1
        else:
            assert c not in "\t\n\"'\\><~|&;$*?#()`", f"reserved {c!r} outside quotes in {text!r}"
            current = (current if current is not None else []) + [c]
        i += 1
    if current is not None:
        args.append("".join(current))
    return args


@linux_only
def test_supported_on_linux() -> None:
    assert autostart.autostart_supported()


@linux_only
def test_enable_writes_a_valid_desktop_file_and_disable_removes_it(xdg: Path) -> None:
    command = ["/usr/bin/python3", "/opt/proofshot/main.py"]
    assert not autostart.is_enabled()

    autostart.set_enabled(True, command)

    path = xdg / "autostart" / "proofshot.desktop"
    assert path.is_file()
    assert autostart.is_enabled()
    entry = _read_entry(path)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Proofshot"
    assert entry["X-GNOME-Autostart-enabled"] == "true"
    assert entry["Icon"]
    assert _parse_exec(entry["Exec"]) == command
    assert path.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in path.parent.iterdir()] == ["proofshot.desktop"]  # no temporary left

    autostart.set_enabled(False, command)

    assert not path.exists()
    assert not autostart.is_enabled()


@linux_only
@pytest.mark.parametrize(
    "command",
    [
        ["/usr/bin/python3", "/home/li lei/My Apps/proofshot/main.py"],
        ["/usr/bin/python3", '/home/o\'brien/"quoted" dir/main.py'],
        ["/usr/bin/python3", "/tmp/back\\slash/$HOME/`tick`/main.py"],
        ["/usr/bin/python3", "/tmp/100% sure/main.py", "--flag=a;b&c|d"],
        ["/usr/bin/python3", "/home/张伟/文档/证据 截图/main.py"],
        ["/usr/bin/python3", "/tmp/tab\there/(x)*?#~<>/main.py"],
        ["/usr/bin/python3", "/main.py", ""],
    ],
)
def test_exec_round_trips_awkward_paths(xdg: Path, command: list[str]) -> None:
    autostart.set_enabled(True, command)

    entry = _read_entry(xdg / "autostart" / "proofshot.desktop")

    assert _parse_exec(entry["Exec"]) == command


@linux_only
def test_simple_paths_are_not_quoted() -> None:
    assert autostart.exec_line(["/usr/bin/python3", "/opt/p/main.py"]) == "/usr/bin/python3 /opt/p/main.py"


@linux_only
def test_enabling_twice_replaces_the_command(xdg: Path) -> None:
    autostart.set_enabled(True, ["/old/python", "/old/main.py"])
    autostart.set_enabled(True, ["/new/python", "/new/main.py"])

    entry = _read_entry(xdg / "autostart" / "proofshot.desktop")
    assert _parse_exec(entry["Exec"]) == ["/new/python", "/new/main.py"]


@linux_only
def test_disabling_when_not_enabled_is_fine(xdg: Path) -> None:
    autostart.set_enabled(False, [])
    assert not autostart.is_enabled()


@linux_only
@pytest.mark.parametrize("line", ["Hidden=true", "X-GNOME-Autostart-enabled=false"])
def test_an_entry_switched_off_by_the_desktop_counts_as_disabled(xdg: Path, line: str) -> None:
    autostart.set_enabled(True, ["/usr/bin/python3", "/main.py"])
    path = xdg / "autostart" / "proofshot.desktop"
    text = path.read_text(encoding="utf-8").replace("X-GNOME-Autostart-enabled=true\n", "")
    path.write_text(text + line + "\n", encoding="utf-8")

    assert not autostart.is_enabled()


@linux_only
def test_relative_xdg_config_home_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/config")
    monkeypatch.setenv("HOME", str(tmp_path))

    assert autostart.desktop_file_path() == tmp_path / ".config" / "autostart" / "proofshot.desktop"


def test_enabling_needs_a_command() -> None:
    with pytest.raises(ValueError):
        autostart.set_enabled(True, [])


@linux_only
def test_a_blocked_folder_is_a_known_error(xdg: Path) -> None:
    xdg.mkdir()
    (xdg / "autostart").write_text("not a folder")  # a file where the folder should be

    with pytest.raises(KnownCaptureError, match="start(ing)? at login"):
        autostart.set_enabled(True, ["/usr/bin/python3", "/main.py"])


@linux_only
def test_permission_denied_is_a_known_error_with_advice(xdg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path, data: bytes, mode: int = 0o600) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(autostart, "write_atomic", refuse)

    with pytest.raises(KnownCaptureError, match="permission denied") as info:
        autostart.set_enabled(True, ["/usr/bin/python3", "/main.py"])

    assert "proofshot.desktop" in str(info.value)
    assert not autostart.is_enabled()


def test_launch_agent_runs_the_command_at_load() -> None:
    command = ["/Applications/Py thon/python3", "/Users/王/main.py"]

    plist = plistlib.loads(autostart.launch_agent(command))

    assert plist["Label"] == "app.proofshot"
    assert plist["ProgramArguments"] == command
    assert plist["RunAtLoad"] is True


def test_windows_command_line_is_quoted() -> None:
    line = autostart._windows_command([r"C:\Program Files\Python\python.exe", r"C:\Users\李\main.py"])

    assert line == r'"C:\Program Files\Python\python.exe" C:\Users\李\main.py'
