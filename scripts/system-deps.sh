#!/usr/bin/env bash
# Checks the system packages LocalChat needs that pip cannot install, each by the file that is
# really used (a plugin, not only the package's main binary); installs the missing ones when run
# as root, otherwise says exactly what to install.
# Usage: system-deps.sh run|test     check (and install) what `make run` or `make test` needs
#        system-deps.sh packages     print every package this script may install, one a line
set -euo pipefail

# package|how to tell it is there (a shell test); the test set is what the tests drive.
RUN_DEPS=(
  "python3-venv|python3 -c 'import venv, ensurepip'"
  "python3-tk|python3 -c 'import tkinter'"
)
TEST_DEPS=(
  "xvfb|command -v Xvfb"                                   # pytest-xvfb's display
  "xauth|command -v xauth"                                 # pytest-xvfb's display cookie
  "imagemagick|command -v import"                          # GUI tests' screenshots (import)
  "irssi|command -v irssi"                                 # tests/interop/test_irssi.py
  "tmux|command -v tmux"                                   # drives irssi's screen
  "weechat-headless|command -v weechat-headless"           # tests/interop/test_weechat.py
  "weechat-core|plugin irc.so && plugin logger.so"         # WeeChat's irc and logger plugins
  "weechat-plugins|plugin fifo.so"                         # WeeChat is driven through its fifo
  "ngircd|command -v ngircd || test -x /usr/sbin/ngircd"   # the reference server
)

plugin() {  # a WeeChat plugin file, in whatever multiarch directory Debian put it
  compgen -G "/usr/lib/*/weechat/plugins/$1" >/dev/null || test -e "/usr/lib/weechat/plugins/$1"
}

case "${1:-run}" in
  run) deps=("${RUN_DEPS[@]}") ;;
  test) deps=("${RUN_DEPS[@]}" "${TEST_DEPS[@]}") ;;
  packages) for dep in "${RUN_DEPS[@]}" "${TEST_DEPS[@]}"; do echo "${dep%%|*}"; done; exit 0 ;;
  *) echo "usage: $0 run|test|packages" >&2; exit 2 ;;
esac

missing() {
  local dep
  for dep in "${deps[@]}"; do
    eval "${dep#*|}" >/dev/null 2>&1 || echo "${dep%%|*}"
  done
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
