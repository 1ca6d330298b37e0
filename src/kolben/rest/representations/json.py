"""The JSON representation, the default of every :class:`kolben.rest.Api`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ...globals import current_app
from ...response import Response


def output_json(data: Any, code: int, headers: Any = None) -> Response:
    """Return a response whose body is ``data`` as JSON, with a final newline.

    ``RESTFUL_JSON`` in the config holds keyword arguments for ``json.dumps``
    (``{"cls": MyEncoder}``, ``{"ensure_ascii": False}``); in debug mode the
    body is indented by 4 unless it says otherwise.

    :param data: the data to encode.
    :param code: the status code.
    :param headers: headers to add to the response.
    """
    settings: dict[str, Any] = dict(current_app.config.get("RESTFUL_JSON", {}))
    if current_app.debug:
        settings.setdefault("indent", 4)
    dumped = json.dumps(data, **settings) + "\n"
    response = current_app.response_class(
        dumped, status=code, mimetype="application/json"
    )
    if isinstance(headers, Mapping):
        headers = headers.items()
    for name, value in headers or ():
        response.headers.add(name, value)
    return response
