#!/usr/bin/env bash
# Proves that a fresh machine passes: removes every system package scripts/system-deps.sh may
# install (apt-get remove of exactly those, nothing purged), then runs `make test` as CI does in
# a fresh clone of the committed HEAD in a temporary directory. Run as root on Debian.
# Usage: scripts/fresh-check.sh [--keep]     (--keep: leave the temporary clone for a look)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
keep=${1:-}

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "fresh-check: needs root and apt-get (it removes and reinstalls system packages)" >&2
  exit 2
fi
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "fresh-check: uncommitted changes are not checked; it tests the committed HEAD" >&2
fi

mapfile -t listed < <(bash scripts/system-deps.sh packages)
installed=()
for package in "${listed[@]}"; do
  if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    installed+=("$package")
  fi
done

# remove PACKAGES...: apt-get remove exactly those, refusing when apt would take any other
# package of the machine's with them.
remove() {
  local package would
  mapfile -t would < <(apt-get -s remove "$@" | awk '/^Remv /{print $2}')
  for package in "${would[@]}"; do
    if ! printf '%s\n' "$@" | grep -qx "$package"; then
      echo "fresh-check: removing $* would also remove $package; stopping" >&2
      exit 1
    fi
  done
  echo "fresh-check: removing $*"
  DEBIAN_FRONTEND=noninteractive apt-get remove -y -q "$@" >/dev/null
}

[ ${#installed[@]} -ne 0 ] && remove "${installed[@]}"

# A metapackage (imagemagick) leaves behind the package that holds the file (imagemagick-6.q16):
# remove each file's owner too, so that system-deps.sh must bring it back.
owners=()
while read -r package file; do
  owners+=("$(dpkg -S "$file" 2>/dev/null | head -n 1 | cut -d: -f1)")
done < <(bash scripts/system-deps.sh files)
mapfile -t owners < <(printf '%s\n' "${owners[@]}" | grep -v '^$' | sort -u)
[ ${#owners[@]} -ne 0 ] && remove "${owners[@]}"
while read -r package file; do
  echo "fresh-check: $file ($package) is still there, so this run does not prove that" \
       "system-deps.sh installs it" >&2
done < <(bash scripts/system-deps.sh files)

work=$(mktemp -d)
cleanup() { if [ "$keep" = --keep ]; then echo "fresh-check: clone kept in $work"; \
            else rm -rf "$work"; fi; }
trap cleanup EXIT
git clone -q "$repo" "$work/localchat"
[ -d "$repo/../shared" ] && cp -r "$repo/../shared" "$work/shared"
echo "fresh-check: make test in a fresh clone of $(git rev-parse --short HEAD) at $work/localchat"
start=$(date +%s)
status=0
(cd "$work/localchat" && CI=true LOCALCHAT_REQUIRE_INTEROP=1 bash .ci/run) || status=$?
echo "fresh-check: .ci/run exited $status after $(( $(date +%s) - start )) s"
exit $status
