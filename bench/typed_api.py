"""Requests/second of a validated JSON endpoint: kolben.api vs FastAPI vs Litestar.

Run from the repository root::

    .venv/bin/python -m bench.typed_api            # ~20 s
    .venv/bin/python -m bench.typed_api --rounds 9

One endpoint, ``POST /orders``, in each framework, called in-process over
ASGI: a 10-field body with a nested model and a list of nested models is
validated by pydantic, and the view returns the order with an id, serialized
through a response model (201). All three use the same pydantic models, the
way each framework's documentation shows (kolben.api and FastAPI: the body
as an annotated parameter and the return annotation; Litestar: ``data: JSONBody[...]``
and the return annotation). Every app is checked first: the same status and
JSON for a valid body, and 4xx for an invalid one (422, 422, 400 in
Litestar). Each round times every app back to back, in an order that rotates;
the ratios are the medians of the per-round ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Callable, Sequence
from typing import Any

import fastapi
import litestar
from litestar.params import JSONBody
from pydantic import BaseModel, Field

import kolben
import kolben.api

from . import _report

#: How the run is started, recorded in its JSON.
COMMAND = "python -m bench.typed_api"
PACKAGES = ("kolben", "pydantic", "fastapi", "starlette", "litestar")


class Address(BaseModel):
    """A postal address: the nested model."""

    street: str = Field(min_length=1)
    city: str = Field(min_length=1)
    postcode: str = Field(pattern=r"^[0-9A-Z -]{3,10}$")


class Line(BaseModel):
    """One line of the order: a list of nested models."""

    sku: str
    quantity: int = Field(gt=0)


class OrderIn(BaseModel):
    """The request body: ten fields."""

    customer: str = Field(min_length=1, max_length=80)
    email: str
    quantity: int = Field(gt=0, le=1000)
    price: float = Field(gt=0)
    currency: str = Field(min_length=3, max_length=3)
    express: bool = False
    tags: list[str] = []
    notes: str | None = None
    address: Address
    lines: list[Line]


class OrderOut(OrderIn):
    """The response: the order and its id."""

    id: int


BODY = json.dumps(
    {
        "customer": "Ada Lovelace",
        "email": "ada@example.com",
        "quantity": 3,
        "price": 9.99,
        "currency": "GBP",
        "express": True,
        "tags": ["gift", "fragile"],
        "notes": "ring twice",
        "address": {
            "street": "12 St James's Square",
            "city": "London",
            "postcode": "SW1Y 4JH",
        },
        "lines": [{"sku": "A-1", "quantity": 1}, {"sku": "B-2", "quantity": 2}],
    }
).encode()
EXPECTED = {**json.loads(BODY), "id": 1}


def build_kolben() -> Any:
    """Return the kolben app: an async typed view."""
    app = kolben.Kolben("bench_typed_kolben")
    kolben.api.OpenAPI(app, openapi_url=None)

    @app.post("/orders", status_code=201)
    async def create(order: OrderIn) -> OrderOut:
        return OrderOut(id=1, **order.model_dump())

    return app


def build_fastapi() -> Any:
    """Return the FastAPI app."""
    app = fastapi.FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.post("/orders", status_code=201)
    async def create(order: OrderIn) -> OrderOut:
        return OrderOut(id=1, **order.model_dump())

    return app


def build_litestar() -> Any:
    """Return the Litestar app (POST answers 201 by default)."""

    @litestar.post("/orders")
    async def create(data: JSONBody[OrderIn]) -> OrderOut:
        return OrderOut(id=1, **data.model_dump())

    # logging_config=None: by default Litestar configures the process's
    # logging, with handlers on the stderr of whoever built the app first.
    return litestar.Litestar([create], openapi_config=None, logging_config=None)


def _scope(body: bytes) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": "POST",
        "root_path": "",
        "path": "/orders",
        "raw_path": b"/orders",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"user-agent", b"kolben-bench"),
            (b"accept", b"*/*"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }


async def _call(app: Any, body: bytes) -> tuple[int, bytes]:
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(_scope(body), receive, send)
    status = next(m["status"] for m in messages if m["type"] == "http.response.start")
    data = b"".join(
        m.get("body", b"") for m in messages if m["type"] == "http.response.body"
    )
    return int(status), data


async def _run(app: Any, template: dict[str, Any], n: int) -> None:
    message = {"type": "http.request", "body": BODY, "more_body": False}

    async def receive() -> dict[str, Any]:
        return message

    async def send(message: dict[str, Any]) -> None:
        return None

    copy = template.copy
    for _ in range(n):
        await app(copy(), receive, send)


def rate(loop: asyncio.AbstractEventLoop, app: Any, seconds: float) -> float:
    """Return requests/second over about ``seconds`` of sequential requests."""
    template = _scope(BODY)
    batch, done = 200, 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        loop.run_until_complete(_run(app, template, batch))
        done += batch
    return done / (time.perf_counter() - start)


def check(loop: asyncio.AbstractEventLoop, app: Any) -> list[str]:
    """Return what is wrong with the app's answers (nothing if all is well)."""
    problems = []
    status, data = loop.run_until_complete(_call(app, BODY))
    if status != 201 or json.loads(data) != EXPECTED:
        problems.append(f"valid body: {status} {data[:200]!r}")
    bad = BODY.replace(b'"quantity": 3', b'"quantity": -3')
    status, data = loop.run_until_complete(_call(app, bad))
    if not 400 <= status < 500:
        problems.append(f"invalid body: {status} {data[:200]!r}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Check the apps, time them in interleaved rounds, print rates and ratios.

    :param argv: command-line arguments; ``sys.argv[1:]`` by default.
    """
    parser = argparse.ArgumentParser(
        prog="python -m bench.typed_api", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.8)
    _report.add_json_option(parser)
    args = parser.parse_args(argv)
    builders: dict[str, Callable[[], Any]] = {
        "kolben": build_kolben,
        "fastapi": build_fastapi,
        "litestar": build_litestar,
    }
    loop = asyncio.new_event_loop()
    apps = {name: build() for name, build in builders.items()}
    for name, app in apps.items():
        loop.run_until_complete(_run(app, _scope(BODY), 300))  # warm up
        if problems := check(loop, app):
            raise SystemExit(f"{name} does not answer as expected: {problems}")
    samples: dict[tuple[str, str], list[float]] = {(n, "orders"): [] for n in apps}
    names = list(apps)
    for r in range(args.rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            samples[name, "orders"].append(rate(loop, apps[name], args.seconds))
    loop.close()
    kept = _report.Tables("typed_api", PACKAGES)
    _print(samples, args.rounds, args.seconds, kept)
    kept.write(args.json, command=COMMAND, rounds=args.rounds, seconds=args.seconds)
    return 0


def _print(
    samples: dict[tuple[str, str], list[float]],
    rounds: int,
    secs: float,
    kept: _report.Tables,
) -> None:
    print(_report.versions(PACKAGES))
    print(f"machine at the end of the run: {_report.machine()}")
    title = (
        f"in-process ASGI, POST /orders (10 fields, nested, validated, response"
        f" model), best of {rounds} interleaved rounds of ~{secs:g} s; req/s"
    )
    print(kept.add("rates", title, _report.rate_rows(samples), ["orders"]))
    ratios = _report.paired_ratios(samples)
    rows = _report.ratio_rows(
        [
            ("kolben/fastapi", ratios["fastapi", "orders"], 3.0),
            ("kolben/litestar", ratios["litestar", "orders"], 1.0),
        ]
    )
    print()
    title = _report.PAIRED
    print(kept.add("ratios", title, rows, ["median"], unit="ratio (x)"))
    worst = max(samples.values(), key=_report.spread)
    print(
        f"noise: the median round is at most {_report.spread(worst):.1%} below the best"
    )


if __name__ == "__main__":
    raise SystemExit(main())
