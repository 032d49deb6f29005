#!/usr/bin/env bash
# Check (and, as root, install) the host tools the local infrastructure needs.
#   infra/prereqs.sh [java] [mvn] [postgres] [kcat] [compose] [chromium] [wrk] [go]   (default: all)
# wrk and go serve `make bench-reads`: wrk measures capacity; go builds the pinned vegeta
# (the open-loop load generator) into .tools/bin (the Makefile's .tools/bin/vegeta rule).
# Fast path: when everything is present no package manager is called.
# As root: missing Debian packages are installed (one `apt-get update`, then
# `apt-get install -y --no-install-recommends ...`). Not root: exit 1 with one line.
set -euo pipefail

ALL=(java mvn postgres kcat compose chromium wrk go)
if [[ $# -gt 0 ]]; then WANT=("$@"); else WANT=("${ALL[@]}"); fi

pkg_for() {
  case "$1" in
    java) echo openjdk-17-jre-headless ;;
    mvn) echo maven ;;
    postgres) echo postgresql-15 ;;
    kcat) echo kcat ;;
    compose) echo docker-compose ;;
    chromium) echo chromium ;;
    wrk) echo wrk ;;
    go) echo golang-go ;;
    *) echo "prereqs: unknown check '$1' (known: ${ALL[*]})" >&2; exit 2 ;;
  esac
}

have() {
  case "$1" in
    java)
      command -v java >/dev/null 2>&1 || return 1
      local v
      v=$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')
      v=${v%%.*}
      [[ "$v" =~ ^[0-9]+$ ]] && (( v >= 17 ))
      ;;
    mvn) command -v mvn >/dev/null 2>&1 ;;
    postgres) compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && command -v psql >/dev/null 2>&1 ;;
    kcat) command -v kcat >/dev/null 2>&1 ;;
    compose) command -v docker-compose >/dev/null 2>&1 ;;
    chromium) command -v chromium >/dev/null 2>&1 ;;
    wrk) command -v wrk >/dev/null 2>&1 ;;
    go)
      # vegeta v12.12 needs Go >= 1.22 (Debian 12's golang-go is 1.19: then install Go from
      # https://go.dev/dl into /usr/local/go).
      local go v
      go=$(command -v go || echo /usr/local/go/bin/go)
      [[ -x "$go" ]] || return 1
      v=$("$go" env GOVERSION 2>/dev/null || true)
      v=${v#go}
      [[ "$v" =~ ^1\.([0-9]+) ]] && (( BASH_REMATCH[1] >= 22 ))
      ;;
  esac
}

missing=() pkgs=()
for c in "${WANT[@]}"; do
  p=$(pkg_for "$c")
  if ! have "$c"; then missing+=("$c"); pkgs+=("$p"); fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "prereqs: ok (${WANT[*]})"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "prereqs: missing ${missing[*]} - install as root: apt-get install -y --no-install-recommends ${pkgs[*]}" >&2
  exit 1
fi

echo "prereqs: installing ${pkgs[*]} (missing: ${missing[*]})"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null

still=()
for c in "${missing[@]}"; do have "$c" || still+=("$c"); done
if [[ ${#still[@]} -gt 0 ]]; then
  echo "prereqs: still missing after install: ${still[*]}" >&2
  exit 1
fi
echo "prereqs: ok (${WANT[*]}; installed ${pkgs[*]})"
