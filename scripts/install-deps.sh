#!/usr/bin/env bash
# Installs the Debian packages taskq needs to build and test, only when some are missing.
# `--build`: only what building the binary needs (the C libraries, pkg-config, tzdata), for `make build`, `make demo`
# and `make install`: no servers, browser or Python packages.
# C libraries: libsqlite3-dev (the embedded store), libpq-dev, libhiredis-dev; servers for the tests: postgresql,
# redis-server; sqlite3 for inspecting databases by hand; tzdata for schedules in named time zones; python3 for the
# chaos suites (chaos/chaos.py) and the prompt tests on a pseudo-terminal; python3-pip for the API check's packages.
set -euo pipefail
build_only=false
[ "${1:-}" = "--build" ] && build_only=true
packages=(libsqlite3-dev libpq-dev libhiredis-dev pkg-config tzdata)
if ! $build_only; then
  packages+=(postgresql redis-server sqlite3 python3 python3-pip)
  # Browser tests (tests/browser): Debian's chromium (Playwright's own browser download is not used) and a font for
  # readable screenshots.
  packages+=(chromium fonts-dejavu-core)
fi

# Python packages, installed only when missing: Playwright for the browser tests, schemathesis and
# openapi-spec-validator for `make api-check` (scripts/api-schema-check.sh).
python_packages() {
  $build_only && return 0
  local wanted=(playwright schemathesis openapi-spec-validator) absent=()
  command -v python3 >/dev/null || return 0
  for p in "${wanted[@]}"; do python3 -m pip show -q "$p" >/dev/null 2>&1 || absent+=("$p"); done
  [ ${#absent[@]} -eq 0 ] && return 0
  echo "installing (pip): ${absent[*]}"
  python3 -m pip install -q "${absent[@]}" 2>/dev/null || python3 -m pip install -q --break-system-packages "${absent[@]}"
}
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  python_packages
  exit 0
fi
echo "installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# Do not let the packages start system-wide servers: tests start their own on loopback.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
python_packages
