#!/usr/bin/env bash
# Runs a command (the web server) together with the background workers that make the
# whole-report PDFs (Django tasks, `manage.py run_worker`); stopping one stops all.
# A worker that exits (killed, out of memory, a database error) is started again after
# WORKER_RESTART_SECONDS (2); the new worker takes up the job its predecessor left.
#   PDF_WORKERS (1): how many workers; each lays out one report at a time.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
RESTART=${WORKER_RESTART_SECONDS:-2}

supervise() {
  local child=""
  trap '[[ -n $child ]] && kill "$child" 2>/dev/null; wait; exit 0' TERM INT
  while true; do
    "$BIN/python" manage.py run_worker --no-startup-delay &
    child=$!
    wait "$child"
    echo "with-worker: the background worker stopped (exit status $?); starting it again in ${RESTART} s" >&2
    sleep "$RESTART" &
    wait $!
  done
}

supervisors=()
for _ in $(seq 1 "${PDF_WORKERS:-1}"); do
  supervise &
  supervisors+=($!)
done
stop() { kill "${supervisors[@]}" 2>/dev/null; wait "${supervisors[@]}" 2>/dev/null; }
trap stop EXIT
trap 'exit 130' INT TERM
"$@"
