"""Request ids and JSON log lines."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest

from kolben import Kolben, request
from kolben.logging import JSONFormatter, RequestIdFilter, use_request_ids
from kolben.testing import KolbenClient


@pytest.fixture
def logged(app: Kolben) -> Any:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    logger = logging.getLogger("kolben_tests.json")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    app.logger.addHandler(handler)
    level = app.logger.level
    app.logger.setLevel(logging.INFO)
    use_request_ids(app)
    yield logger, stream
    logger.removeHandler(handler)
    app.logger.removeHandler(handler)
    app.logger.setLevel(level)


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_request_has_an_id_echoed_and_logged(
    app: Kolben, client: KolbenClient, logged: Any
) -> None:
    _, stream = logged

    @app.get("/")
    def view() -> Any:
        app.logger.info("paid", extra={"order": 42})
        return {"id": request.id, "again": request.id}

    first, second = client.get("/"), client.get("/")
    assert first.json["id"] == first.json["again"] == first.headers["X-Request-ID"]
    assert len(first.json["id"]) == 32
    assert first.json["id"] != second.json["id"]
    line = _lines(stream)[0]
    assert line["message"] == "paid" and line["order"] == 42
    assert line["request_id"] == first.json["id"]
    assert line["level"] == "INFO" and line["logger"] == app.logger.name
    assert line["time"].endswith("Z") and "." in line["time"]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("abc-123.x:y_z", True),
        ("a" * 201, False),
        ("bad id", False),
        ("evil\\ninjected", False),
    ],
)
def test_a_trusted_proxys_id_is_kept_if_plain(
    app: Kolben, client: KolbenClient, given: str, kept: bool
) -> None:
    app.config["REQUEST_ID_TRUST_HEADER"] = True
    use_request_ids(app)

    @app.get("/")
    def view() -> str:
        return request.id

    r = client.get("/", headers={"X-Request-ID": given})
    assert (r.text == given) is kept
    assert r.headers["X-Request-ID"] == r.text


def test_a_clients_id_is_ignored_unless_trusted(
    app: Kolben, client: KolbenClient
) -> None:
    @app.get("/")
    def view() -> str:
        return request.id

    assert client.get("/", headers={"X-Request-ID": "mine"}).text != "mine"
    # Without use_request_ids, nothing is echoed.
    assert "X-Request-ID" not in client.get("/").headers


def test_exceptions_and_records_outside_requests(logged: Any) -> None:
    logger, stream = logged
    logger.handlers[0].addFilter(RequestIdFilter())
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed")
    (line,) = _lines(stream)
    assert line["request_id"] is None
    assert (
        line["exception"].startswith("Traceback")
        and "ValueError: boom" in line["exception"]
    )
