#!/bin/sh
# Install the service into the virtualenv at $1 (the Dockerfile's build step,
# and what the deployment test runs). KOLBEN_SOURCE is where kolben comes
# from: the repository checkout, or a version from PyPI.
set -eu
venv="${1:?usage: install.sh VENV}"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet \
  "${KOLBEN_SOURCE:-kolben}[db,postgres,redis,api]" "gunicorn>=22"
