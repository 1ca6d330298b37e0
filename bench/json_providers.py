"""Requests/second of JSON responses with kolben's two JSON providers.

The default provider uses the standard library; ``OrjsonProvider`` (the
``orjson`` extra) makes the same bytes faster. Both serve the same payloads
in-process over WSGI, in interleaved rounds; the best round counts.

    python -m bench.json_providers
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from kolben import Kolben

from ._drivers import wsgi_environ, wsgi_rate

PAYLOADS: dict[str, Any] = {
    "small": {"message": "Hello, World!"},
    "list of 100 records": [
        {
            "id": i,
            "name": f"user{i}",
            "active": i % 2 == 0,
            "score": i * 1.5,
            "tags": ["a", "b"],
            "joined": datetime(2024, 1, 1, tzinfo=UTC),
        }
        for i in range(100)
    ],
}


def make_app(provider: str) -> Kolben:
    """The app serving each payload at /<index>, with the given provider."""
    app = Kolben(f"json_{provider}")
    if provider == "orjson":
        from kolben.json.fast import OrjsonProvider

        app.json = OrjsonProvider(app)
    for index, payload in enumerate(PAYLOADS.values()):
        app.add_url_rule(f"/{index}", f"p{index}", lambda payload=payload: payload)
    return app


def main(argv: list[str] | None = None) -> int:
    """Print req/s per payload for both providers and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.5)
    args = parser.parse_args(argv)
    apps = {name: make_app(name) for name in ("default", "orjson")}
    print(f"{'payload':22} {'default':>10} {'orjson':>10} {'orjson/default':>15}")
    for index, label in enumerate(PAYLOADS):
        best = {name: 0.0 for name in apps}
        for _ in range(args.rounds):
            for name, app in apps.items():
                best[name] = max(
                    best[name], wsgi_rate(app, wsgi_environ(f"/{index}"), args.seconds)
                )
        ratio = best["orjson"] / best["default"]
        default, fast = best["default"], best["orjson"]
        print(f"{label:22} {default:10,.0f} {fast:10,.0f} {ratio:14.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
