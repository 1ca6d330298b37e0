#!/bin/sh
# Start the service under gunicorn (the Dockerfile's command, and what the
# deployment test runs): migrations are the job of a release step, not of
# every worker, so this only serves. VENV is the virtualenv install.sh made.
set -eu
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here/.."
exec "${VENV:-/opt/venv}/bin/gunicorn" --config "$here/gunicorn.conf.py" \
  --chdir "$here/.."
