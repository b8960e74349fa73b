#!/usr/bin/env bash
# Installs what the browser tests need from Debian's packages: chromium (driven by playwright-core through
# executablePath; playwright never downloads a browser here) and fonts-noto-cjk (readable Chinese screenshots).
# Idempotent: does nothing when both are present. CHROMIUM_PATH overrides the browser that e2e/run.mjs uses.
set -euo pipefail

have_chromium() {
  [[ -n "${CHROMIUM_PATH:-}" && -x "${CHROMIUM_PATH}" ]] || command -v chromium >/dev/null 2>&1
}
have_fonts() {
  dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed"
}

if have_chromium && have_fonts; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: apt-get not found; install chromium and a CJK font yourself and set CHROMIUM_PATH" >&2
  exit 1
fi

SUDO=""
if [[ "$(id -u)" != "0" ]]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "ensure-chromium: need root (or sudo) to apt-get install chromium fonts-noto-cjk" >&2
    exit 1
  fi
fi

pkgs=()
have_chromium || pkgs+=(chromium)
have_fonts || pkgs+=(fonts-noto-cjk)
echo "ensure-chromium: installing ${pkgs[*]} with apt-get"
# The package lists may be absent on a fresh machine: update first when the candidate is unknown.
if ! apt-cache policy "${pkgs[0]}" 2>/dev/null | grep -q "Candidate: [0-9]"; then
  $SUDO apt-get update -qq
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}"
