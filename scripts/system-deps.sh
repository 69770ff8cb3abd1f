#!/usr/bin/env bash
# Installs the system packages the project needs, if they are missing:
# Pango and fonts for WeasyPrint (PDF), Debian's Chromium for the browser tests
# (test tools cannot download browsers here), poppler-utils to look at PDFs, and
# npm (with Debian's Node.js) for the front-end packages (`npm ci`: NL Design System CSS, axe-core).
# Uses apt-get when run as root; otherwise says what to install.
set -euo pipefail
need=()
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0' || need+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
fc-list 2>/dev/null | grep -qi 'DejaVu Sans' || need+=(fontconfig fonts-dejavu-core)
fc-list 2>/dev/null | grep -qi 'Liberation Sans' || need+=(fonts-liberation)
command -v chromium >/dev/null || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "Missing system packages: ${need[*]}. Install them (sudo apt-get install ${need[*]}) and run again." >&2
  exit 1
fi
