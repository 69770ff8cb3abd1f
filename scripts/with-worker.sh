#!/usr/bin/env bash
# Runs a command (the web server) together with the background workers that make the
# whole-report PDFs (Django tasks, `manage.py db_worker`); stopping one stops all.
#   PDF_WORKERS (1): how many workers; each lays out one report at a time.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
workers=()
for _ in $(seq 1 "${PDF_WORKERS:-1}"); do
  "$BIN/python" manage.py db_worker --no-startup-delay &
  workers+=($!)
done
stop() { kill "${workers[@]}" 2>/dev/null; wait "${workers[@]}" 2>/dev/null; }
trap stop EXIT
trap 'exit 130' INT TERM
"$@"
