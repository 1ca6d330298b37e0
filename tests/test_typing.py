"""kolben.typing: Flask's type aliases, and decorators that keep their types.

The ``assert_type`` lines are checked by mypy, which CI runs over the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, assert_type

import kolben.typing as ft
from kolben import Kolben, Response
from kolben.testing import KolbenClient

FLASK_NAMES = [
    "AfterRequestCallable",
    "AppOrBlueprintKey",
    "BeforeFirstRequestCallable",
    "BeforeRequestCallable",
    "ErrorHandlerCallable",
    "HeaderValue",
    "HeadersValue",
    "ResponseClass",
    "ResponseReturnValue",
    "ResponseValue",
    "RouteCallable",
    "ShellContextProcessorCallable",
    "TeardownCallable",
    "TemplateContextProcessorCallable",
    "TemplateFilterCallable",
    "TemplateGlobalCallable",
    "TemplateTestCallable",
    "URLDefaultCallable",
    "URLValuePreprocessorCallable",
]


def test_flask_typing_names_exist() -> None:
    missing = [name for name in FLASK_NAMES if not hasattr(ft, name)]
    assert missing == []
    assert set(FLASK_NAMES) <= set(ft.__all__)


def test_decorated_functions_keep_their_types(
    app: Kolben, client: KolbenClient
) -> None:
    @app.route("/")
    def index() -> ft.ResponseReturnValue:
        return "hi", 200, {"X-Kind": "typed"}

    @app.before_request
    def nothing() -> None:
        return None

    @app.after_request
    def stamp(response: Response) -> Response:
        response.headers["X-Stamped"] = "1"
        return response

    @app.errorhandler(404)
    def missing(error: Exception) -> tuple[str, int]:
        return "not here", 404

    assert_type(index, Callable[[], ft.ResponseReturnValue])
    # Were the decorators typed to return Any, these results would be Any.
    assert_type(stamp(Response("x")), Response)
    assert_type(missing(LookupError()), tuple[str, int])
    r = client.get("/")
    assert (r.text, r.headers["X-Kind"], r.headers["X-Stamped"]) == (
        "hi",
        "typed",
        "1",
    )
    assert client.get("/nowhere").text == "not here"


def _accepts(value: ft.ResponseReturnValue) -> Any:
    return value


def test_the_return_forms_are_response_return_values() -> None:
    # Each call is checked by mypy against the alias.
    for value in (
        "text",
        b"bytes",
        {"json": True},
        [1, 2],
        ("body", 201),
        ("body", {"X-A": "1"}),
        ("body", 201, [("X-A", "1")]),
        Response("r"),
    ):
        assert _accepts(value) is value
