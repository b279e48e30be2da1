#!/usr/bin/env bash
# Checks the system packages LocalChat needs that pip cannot install; installs them when run as
# root, otherwise says exactly what to install. Usage: system-deps.sh run|test
set -euo pipefail
need=()
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
python3 -c 'import tkinter' 2>/dev/null || need+=(python3-tk)
if [ "${1:-run}" = test ]; then
  command -v Xvfb >/dev/null || need+=(xvfb)
  command -v xauth >/dev/null || need+=(xauth)
  command -v import >/dev/null || need+=(imagemagick)  # GUI tests' screenshots
  command -v irssi >/dev/null || need+=(irssi)
  command -v tmux >/dev/null || need+=(tmux)
  command -v weechat-headless >/dev/null || need+=(weechat-headless)
  command -v ngircd >/dev/null || need+=(ngircd)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
  exit 0
fi
echo "LocalChat needs these system packages: ${need[*]}" >&2
echo "Install them with: sudo apt-get install ${need[*]}" >&2
exit 1
