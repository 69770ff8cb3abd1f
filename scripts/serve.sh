#!/usr/bin/env bash
# Serve the application for production: gunicorn with several workers behind a TLS proxy.
#   PORT (8000), HOST (127.0.0.1), WEB_CONCURRENCY (2 x cores + 1, at most 9): where and how many.
# Static files are collected first (hashed, compressed; served by WhiteNoise), and the start
# is refused while migrations are pending: run `manage.py migrate` after an upgrade.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
MAX_WORKERS=9

if [[ -z "${WEB_CONCURRENCY:-}" ]]; then
  cores=$(nproc 2>/dev/null || echo 1)
  WEB_CONCURRENCY=$((2 * cores + 1))
  ((WEB_CONCURRENCY > MAX_WORKERS)) && WEB_CONCURRENCY=$MAX_WORKERS
fi
case "${DJANGO_DEBUG:-1}" in
  0 | false | no | off) ;;
  *) echo "Warning: DJANGO_DEBUG is not 0; this is not a production set-up." >&2 ;;
esac

"$BIN/python" manage.py check --deploy
if ! "$BIN/python" manage.py migrate --check >/dev/null; then
  echo "The database has unapplied migrations: run '$BIN/python manage.py migrate' first." >&2
  exit 1
fi
# The design-token package also ships its tokens as JSON, JavaScript, Sass and Less (12 MB);
# the site only uses its CSS.
"$BIN/python" manage.py collectstatic --noinput --verbosity 0 \
  --ignore "*.json" --ignore "*.cjs" --ignore "*.mjs" --ignore "*.d.ts" \
  --ignore "*.scss" --ignore "*.less"

echo "gunicorn: $WEB_CONCURRENCY workers on http://$HOST:$PORT"
# --timeout: a whole report as PDF takes a while to render the first time.
# --max-requests: workers are replaced now and then, so a slow leak cannot grow forever.
# The PDF workers (PDF_WORKERS, 1) run beside gunicorn and stop with it.
exec scripts/with-worker.sh "$BIN/gunicorn" diemen_sociaal.wsgi:application \
  --bind "$HOST:$PORT" \
  --workers "$WEB_CONCURRENCY" \
  --timeout 120 \
  --graceful-timeout 30 \
  --max-requests 1000 \
  --max-requests-jitter 100 \
  --access-logfile - \
  --error-logfile -
