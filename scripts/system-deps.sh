#!/usr/bin/env bash
# Install the system packages fogwatch's tests need, only when they are missing:
# PostgreSQL (for the real-server store tests) and Chromium (for the browser tests).
# Uses apt-get; needs root or sudo. Safe to run repeatedly.
set -euo pipefail

want=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  want+=(postgresql)
fi
if [ "${FOGWATCH_NEED_CHROMIUM:-0}" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  want+=(chromium)
fi
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
