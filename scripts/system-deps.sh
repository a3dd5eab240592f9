#!/usr/bin/env bash
# Install the system packages fogwatch needs, only those that are missing.
#   scripts/system-deps.sh node                  # npm, to build the web assets
#   scripts/system-deps.sh postgresql chromium   # the test suite's real servers and browser
# Uses apt-get; needs root or sudo. Safe to run repeatedly.
set -euo pipefail

want=()
for need in "$@"; do
  case "$need" in
    node)
      command -v npm >/dev/null 2>&1 || want+=(nodejs npm) ;;
    postgresql)
      if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
        want+=(postgresql)
      fi ;;
    chromium)
      command -v chromium >/dev/null 2>&1 || want+=(chromium) ;;
    *) echo "system-deps: unknown need '$need'" >&2; exit 2 ;;
  esac
done
[ ${#want[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing system packages: ${want[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${want[@]}" >/dev/null
# Debian starts a cluster on install; fogwatch's tests start their own throwaway one.
if [[ " ${want[*]} " == *" postgresql "* ]] && command -v service >/dev/null 2>&1; then
  $sudo service postgresql stop >/dev/null 2>&1 || true
fi
