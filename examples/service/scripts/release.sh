#!/bin/sh
# The release step, run once per deployment before the workers start (never
# by each worker, which would race): create the tables. A service whose
# schema changes uses kolben.migrate and `kolben db upgrade` here instead,
# as examples/crud does.
set -eu
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here/.."
exec "${VENV:-/opt/venv}/bin/kolben" --app service create-tables
