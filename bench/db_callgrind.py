"""Instructions per request of a database app, counted by callgrind.

Wall-clock figures on a shared 2-core machine move by more than a few
percent from run to run; the instructions a request executes do not.
This runs an app of ``bench/db_apps`` under ``valgrind --tool=callgrind``
twice, serving ``--small`` and ``--large`` requests (after the same
warm-up), and prints the difference over the extra requests: the
instructions of one request, start-up and warm-up cancelled out. Time spent
waiting for PostgreSQL is not counted, only the app process's own work::

    .venv/bin/python -m bench.db_callgrind kolben_orm /db
    .venv/bin/python -m bench.db_callgrind kolben_session /fortunes

Needs valgrind (``apt-get install -y valgrind``) and the PostgreSQL server
of ``KOLBEN_TEST_POSTGRES_URL``; it fills and drops the schema
``kolben_bench_callgrind``. Each run takes a minute or two.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from typing import Any

from bench import _drivers
from bench import db_apps as contract
from bench.db_apps import _schema

SCHEMA = "kolben_bench_callgrind"
WARM_UP = 50


def serve(module: str, path: str, n: int, schema: str = SCHEMA) -> Any:
    """Serve ``WARM_UP`` then ``n`` requests of ``path`` by ``module``'s app.

    :returns: the app, whose connections the caller may close.
    """
    app = importlib.import_module(f"bench.db_apps.{module}").create_app(
        contract.database_url(), schema
    )
    environ = _drivers.wsgi_environ(path)
    _drivers.run_wsgi(app, environ, WARM_UP)
    _drivers.run_wsgi(app, environ, n)
    return app


def count(module: str, path: str, n: int) -> int:
    """Return the instructions callgrind counts for :func:`serve`."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out"]
            + [sys.executable, "-m", "bench.db_callgrind", "--serve"]
            + [module, path, str(n)],
            capture_output=True,
            text=True,
            check=True,
        ).stderr
    found = re.search(r"Collected : (\d+)", out)
    if found is None:
        raise RuntimeError(f"callgrind printed no count:\n{out[-2000:]}")
    return int(found[1])


def main(argv: Sequence[str] | None = None) -> int:
    """Print the instructions per request of the app and path given."""
    parser = argparse.ArgumentParser(prog="python -m bench.db_callgrind")
    parser.add_argument("module", help="a module of bench/db_apps, e.g. kolben_orm")
    parser.add_argument("path", help="the request, e.g. /db")
    parser.add_argument("n", nargs="?", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=300)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.module, args.path, args.n)
        return 0
    if shutil.which("valgrind") is None:
        print("needs valgrind: apt-get install -y valgrind", file=sys.stderr)
        return 2
    url = contract.database_url()
    os.environ.setdefault("KOLBEN_TEST_POSTGRES_URL", url)
    _schema.create_schema(url, SCHEMA)
    try:
        small = count(args.module, args.path, args.small)
        large = count(args.module, args.path, args.large)
    finally:
        _schema.drop_schema(url, SCHEMA)
    per_request = (large - small) / (args.large - args.small)
    print(f"{args.module} GET {args.path}: {per_request:,.0f} instructions/request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
