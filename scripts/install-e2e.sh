#!/usr/bin/env bash
# Installs what the real-VS-Code end-to-end test needs: Debian's chromium and
# ripgrep, and code-server (VS Code in the browser) under .e2e/. Idempotent:
# a finished install is marked by .e2e/code-server/.ready and skipped.
# code-server's own postinstall downloads things we cannot reach, so it is
# installed with --ignore-scripts and its native modules are rebuilt here.
set -euo pipefail

fail() { echo "install-e2e: FAILED: $*" >&2; exit 1; }
trap 'fail "command failed at line $LINENO: $BASH_COMMAND"' ERR

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CS_VERSION="4.100.3"
PREFIX="$ROOT/.e2e/code-server"
CS="$PREFIX/node_modules/code-server"
READY="$PREFIX/.ready-$CS_VERSION"
start=$(date +%s)

# Run from `npm test`, npm hands the project's .npmrc (ignore-scripts=true) to
# child npm processes through npm_config_* variables; the rebuilds below need
# scripts, and code-server's own tree has no such setting.
export npm_config_ignore_scripts=false

# --- Debian packages -------------------------------------------------------
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
command -v make >/dev/null 2>&1 || need+=(build-essential)
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if [ ${#need[@]} -gt 0 ]; then
  echo "install-e2e: apt-get install ${need[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null || fail "apt-get update"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/tmp/install-e2e-apt.log 2>&1 \
    || { tail -30 /tmp/install-e2e-apt.log >&2; fail "apt-get install ${need[*]}"; }
fi
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium missing after install"
RG="$(command -v rg)" || fail "ripgrep missing after install"

# --- code-server -----------------------------------------------------------
if [ -f "$READY" ]; then
  echo "install-e2e: code-server $CS_VERSION already installed in $PREFIX"
  exit 0
fi

mkdir -p "$PREFIX"
echo "install-e2e: npm install code-server@$CS_VERSION (ignore-scripts)"
npm install --prefix "$PREFIX" "code-server@$CS_VERSION" --ignore-scripts --no-audit --no-fund --loglevel=error \
  || fail "npm install code-server"
[ -d "$CS/lib/vscode" ] || fail "code-server has no lib/vscode"

echo "install-e2e: lib/vscode dependencies"
( cd "$CS/lib/vscode" \
  && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error \
  && mkdir -p node_modules/@vscode/ripgrep/bin \
  && cp "$RG" node_modules/@vscode/ripgrep/bin/rg \
  && npm_config_yes=true npm rebuild --loglevel=error \
  && ln -sfn node_modules node_modules.asar ) || fail "lib/vscode install/rebuild"

echo "install-e2e: lib/vscode/extensions dependencies"
( cd "$CS/lib/vscode/extensions" \
  && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error ) \
  || fail "lib/vscode/extensions install"

echo "install-e2e: rebuild argon2"
( cd "$PREFIX" && npm rebuild argon2 --loglevel=error ) || fail "npm rebuild argon2"

XDG_CONFIG_HOME="$PREFIX/.config" XDG_DATA_HOME="$PREFIX/.data" node "$CS/out/node/entry.js" --version || fail "code-server does not start"

touch "$READY"
echo "install-e2e: done in $(( $(date +%s) - start ))s"
