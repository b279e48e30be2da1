#!/usr/bin/env bash
# Checks the system packages LocalChat needs that pip cannot install, each by the file that is
# really used (a plugin, not only the package's main binary); installs the missing ones when run
# as root, otherwise says exactly what to install.
# Usage: system-deps.sh run|test     check (and install) what `make run` or `make test` needs
#        system-deps.sh packages     print every package this script may install, one a line
#        system-deps.sh files        print "package file" for each file found now (fresh-check)
set -euo pipefail

# package kind what: kind is py (python3 can import these modules), program (on PATH or in
# /usr/sbin) or weechat-plugin (a WeeChat plugin file).
RUN_DEPS=(
  "python3-venv py venv,ensurepip"
  "python3-tk py tkinter"
)
TEST_DEPS=(
  "xvfb program Xvfb"                     # pytest-xvfb's display
  "xauth program xauth"                   # pytest-xvfb's display cookie
  "imagemagick program import"            # GUI tests' screenshots
  "irssi program irssi"                   # tests/interop/test_irssi.py
  "tmux program tmux"                     # drives irssi's screen
  "weechat-headless program weechat-headless"  # tests/interop/test_weechat.py
  "weechat-core weechat-plugin irc"       # WeeChat's IRC protocol
  "weechat-core weechat-plugin logger"    # the test reads WeeChat's channel log
  "weechat-plugins weechat-plugin fifo"   # the test commands WeeChat through its fifo
  "ngircd program ngircd"                 # the reference server
  "dbus-daemon program dbus-run-session"  # tests/interop/test_dbus_notifications.py
)

# The file a dependency stands for ('' for a Python module), or nothing when it is missing.
locate() {
  local kind=$1 what=$2 found
  case "$kind" in
    py) python3 -c "import ${what}" 2>/dev/null && echo "" ;;
    program)
      found=$(command -v "$what" 2>/dev/null || true)
      [ -z "$found" ] && [ -x "/usr/sbin/$what" ] && found=/usr/sbin/$what
      [ -n "$found" ] && readlink -f "$found" ;;
    weechat-plugin)
      compgen -G "/usr/lib/*/weechat/plugins/$what.so" | head -n 1
      [ -e "/usr/lib/weechat/plugins/$what.so" ] && echo "/usr/lib/weechat/plugins/$what.so" ;;
  esac
  return 0
}

present() {  # 0 when the dependency's file (or module) is there: locate printed a line
  [ "$(locate "$1" "$2" | wc -l)" -gt 0 ]
}

all=("${RUN_DEPS[@]}" "${TEST_DEPS[@]}")
case "${1:-run}" in
  run) deps=("${RUN_DEPS[@]}") ;;
  test) deps=("${all[@]}") ;;
  packages) for dep in "${all[@]}"; do echo "${dep%% *}"; done | uniq; exit 0 ;;
  files)
    for dep in "${all[@]}"; do
      read -r package kind what <<< "$dep"
      file=$(locate "$kind" "$what" | head -n 1)
      [ -n "$file" ] && echo "$package $file"
    done
    exit 0 ;;
  *) echo "usage: $0 run|test|packages|files" >&2; exit 2 ;;
esac

missing() {
  local dep package kind what
  for dep in "${deps[@]}"; do
    read -r package kind what <<< "$dep"
    present "$kind" "$what" || echo "$package"
  done | uniq
}

mapfile -t need < <(missing)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
  mapfile -t still < <(missing)
  if [ ${#still[@]} -ne 0 ]; then
    echo "Installed, yet still missing what these packages should provide: ${still[*]}" >&2
    exit 1
  fi
  exit 0
fi
echo "LocalChat needs these system packages: ${need[*]}" >&2
echo "Install them with: sudo apt-get install --no-install-recommends ${need[*]}" >&2
exit 1
