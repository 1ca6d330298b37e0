"""Profile one framework's per-request path in-process with cProfile.

Run from the repository root::

    .venv/bin/python -m bench.hotspots kolben wsgi /json
    .venv/bin/python -m bench.hotspots kolben asgi /does/not/exist -n 20000

It serves the request the way ``bench.inprocess`` does (after a warm-up)
under cProfile and prints the functions with the most time of their own,
then the most cumulative time. Profiling slows Python code several times
over, so read the shares, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
from collections.abc import Sequence

from bench import _drivers, apps


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    names = sorted({s.framework for s in (*apps.WSGI_APPS, *apps.ASGI_APPS)})
    parser = argparse.ArgumentParser(
        prog="python -m bench.hotspots", description=__doc__.split("\n")[0]
    )
    parser.add_argument("framework", choices=names)
    parser.add_argument("protocol", choices=("wsgi", "asgi"))
    parser.add_argument("path", help="request path, e.g. /json")
    parser.add_argument("-n", type=int, default=20_000, help="requests to profile")
    parser.add_argument("--top", type=int, default=25, help="rows per listing")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Profile the chosen app and endpoint and print the listings.

    :param argv: command-line arguments; ``sys.argv[1:]`` by default.
    """
    args = _parse(argv)
    specs = apps.WSGI_APPS if args.protocol == "wsgi" else apps.ASGI_APPS
    spec = next((s for s in specs if s.framework == args.framework), None)
    if spec is None:
        sys.exit(f"There is no {args.protocol.upper()} app for {args.framework}.")
    app = spec.load()
    profiler = cProfile.Profile()
    if args.protocol == "wsgi":
        environ = _drivers.wsgi_environ(args.path)
        _drivers.run_wsgi(app, environ, 500)
        profiler.runcall(_drivers.run_wsgi, app, environ, args.n)
    else:
        scope = _drivers.asgi_scope(args.path)
        loop = asyncio.new_event_loop()
        loop.run_until_complete(_drivers.run_asgi(app, scope, 500))
        profiler.runcall(loop.run_until_complete, _drivers.run_asgi(app, scope, args.n))
        loop.close()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    print(f"{spec.framework} {spec.protocol} GET {args.path}: {args.n} requests")
    stats.strip_dirs().sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
