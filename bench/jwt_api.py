"""Requests/second of a JWT-protected JSON endpoint: kolben vs Flask-JWT-Extended.

Run from the repository root::

    .venv/bin/python -m bench.jwt_api            # ~15 s
    .venv/bin/python -m bench.jwt_api --rounds 9

The same app in three forms, called in-process over WSGI with the same
access token in every request (as an API client sends it until it expires):
kolben.jwt, kolben.jwt with ``JWT_DECODE_CACHE = False`` (every request's
token verified in full by PyJWT), and Flask with Flask-JWT-Extended. Each
answers ``GET /api/me`` with ``{"id": "ada"}`` and a request without a token
with 401; both are checked before timing. The apps run back to back in
every round, in an order that rotates; each ratio is the median of the
per-round ratios.
"""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Callable, Sequence
from typing import Any

import flask
import flask_jwt_extended

import kolben
import kolben.jwt

from . import _report
from ._drivers import wsgi_environ, wsgi_rate

SECRET = "the benchmark's secret, long enough for HS256 without a warning"
#: How the run is started, recorded in its JSON.
COMMAND = "python -m bench.jwt_api"
PACKAGES = ("kolben", "flask", "flask-jwt-extended", "pyjwt")


def build_kolben(cache: bool = True) -> tuple[Any, str]:
    """Return the kolben app and an access token for it."""
    app = kolben.Kolben("bench_jwt_kolben")
    app.config.update(JWT_SECRET_KEY=SECRET, JWT_DECODE_CACHE=cache)
    kolben.jwt.JWTManager(app)

    @app.get("/api/me")
    @kolben.jwt.jwt_required()
    def me() -> Any:
        return {"id": kolben.jwt.get_jwt_identity()}

    with app.app_context():
        return app, kolben.jwt.create_access_token(identity="ada")


def build_flask() -> tuple[Any, str]:
    """Return the Flask app and an access token for it."""
    app = flask.Flask("bench_jwt_flask")
    app.config["JWT_SECRET_KEY"] = SECRET
    flask_jwt_extended.JWTManager(app)

    @app.get("/api/me")
    @flask_jwt_extended.jwt_required()  # type: ignore[untyped-decorator]
    def me() -> Any:
        return {"id": flask_jwt_extended.get_jwt_identity()}

    with app.app_context():
        return app, flask_jwt_extended.create_access_token(identity="ada")


def environ(token: str | None) -> dict[str, Any]:
    """Return the environ of ``GET /api/me``, with the token if given."""
    env = wsgi_environ("/api/me")
    if token is not None:
        env["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return env


def check(app: Any, token: str) -> list[str]:
    """Return what is wrong with the app's answers (nothing if all is well)."""
    problems = []
    for token_or_none, status, body in ((token, 200, {"id": "ada"}), (None, 401, None)):
        env = environ(token_or_none)
        env["wsgi.input"] = io.BytesIO(b"")
        got_status, content_type, data = _call(app, env)
        if got_status != status or content_type != "application/json":
            problems.append(f"{got_status} {content_type} instead of {status} JSON")
        elif body is not None and json.loads(data) != body:
            problems.append(f"{data!r} instead of {body}")
    return problems


def _call(app: Any, env: dict[str, Any]) -> tuple[int, str | None, bytes]:
    seen: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], *a: Any) -> Any:
        seen.append((status, headers))

    data = b"".join(app(env, start_response))
    status, headers = seen[-1]
    ctype = next((v for k, v in headers if k.lower() == "content-type"), None)
    return int(status.split()[0]), ctype, data


def main(argv: Sequence[str] | None = None) -> int:
    """Check the apps, time them in interleaved rounds, print rates and ratios.

    :param argv: command-line arguments; ``sys.argv[1:]`` by default.
    """
    parser = argparse.ArgumentParser(
        prog="python -m bench.jwt_api", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.8)
    _report.add_json_option(parser)
    args = parser.parse_args(argv)
    builders: dict[str, Callable[[], tuple[Any, str]]] = {
        "kolben": build_kolben,
        "kolben-nocache": lambda: build_kolben(cache=False),
        "flask": build_flask,
    }
    apps = {name: build() for name, build in builders.items()}
    for name, (app, token) in apps.items():
        if problems := check(app, token):
            raise SystemExit(f"{name} does not answer as expected: {problems}")
    samples: dict[tuple[str, str], list[float]] = {(n, "jwt"): [] for n in apps}
    names = list(apps)
    for r in range(args.rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            app, token = apps[name]
            samples[name, "jwt"].append(wsgi_rate(app, environ(token), args.seconds))
    kept = _report.Tables("jwt_api", PACKAGES)
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
        f"in-process WSGI, GET /api/me with a Bearer token, best of {rounds}"
        f" interleaved rounds of ~{secs:g} s; req/s (higher is better)"
    )
    print(kept.add("rates", title, _report.rate_rows(samples), ["jwt"]))
    ratios = _report.paired_ratios(samples)
    nocache = _report.paired_ratios(samples, mine="kolben-nocache")
    rows = _report.ratio_rows(
        [
            ("kolben/flask", ratios["flask", "jwt"], 4.0),
            ("kolben-nocache/flask", nocache["flask", "jwt"], None),
            ("kolben/kolben-nocache", ratios["kolben-nocache", "jwt"], None),
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
