#!/usr/bin/env bash
# Set up Proofshot on Debian/Ubuntu: system packages (through sudo when not root)
# and a virtual environment in .venv with the Python packages. Safe to run again.
#
#   ./setup.sh          what the app needs
#   ./setup.sh --dev    also what the tests need (Xvfb, xdotool, trayer, pytest, ruff, mypy...)
set -euo pipefail
cd "$(dirname "$0")"

dev=0
for arg in "$@"; do
  case "$arg" in
    --dev) dev=1 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg (use --dev or nothing)" >&2; exit 2 ;;
  esac
done

sudo_cmd=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "setup.sh: run as root or install sudo" >&2; exit 1; }
  sudo_cmd=(sudo)
fi

packages=(
  python3 python3-venv python3-dev gcc linux-libc-dev
  tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng
  fonts-noto-cjk fontconfig
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0
)
if [ "$dev" = 1 ]; then
  packages+=(xvfb xdotool trayer openbox x11-utils poppler-utils sqlite3)
  # Wayland end-to-end tests: a headless sway, grim, the screenshot portal (wlr backend,
  # gtk for Access), PipeWire and a session bus; wtype sends keys to sway.
  packages+=(sway grim xdg-desktop-portal xdg-desktop-portal-wlr xdg-desktop-portal-gtk pipewire dbus wtype)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
if [ "$dev" = 1 ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev]"
else
  .venv/bin/python -m pip install -q --disable-pip-version-check -e .
fi
echo "Proofshot is set up in $(pwd)/.venv"
