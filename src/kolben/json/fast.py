"""A faster JSON provider backed by orjson (``pip install kolben[orjson]``).

Use it with ``app.json = OrjsonProvider(app)`` or by setting
``Kolben.json_provider_class``. It makes JSON responses and parses request
bodies with orjson; ``dumps`` (spaced, like the default provider's) stays
with the standard library. Responses are the same as the default
provider's, byte for byte, for everything the default provider serializes:
where orjson would write something else (a non-ASCII character while
``ensure_ascii`` is on, a float with a negative exponent, an integer past 64
bits) it falls back to the standard library. The one difference: NaN and the
infinities become ``null``, where the standard library writes ``NaN``, which
is not JSON.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .provider import DefaultJSONProvider, _prepare_response_obj

if TYPE_CHECKING:
    from ..app import Kolben
    from ..response import Response


def _import_orjson() -> Any:
    try:
        import orjson
    except ImportError as e:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "OrjsonProvider needs the 'orjson' package: install it with"
            " 'pip install kolben[orjson]'."
        ) from e
    return orjson


class OrjsonProvider(DefaultJSONProvider):
    """The default provider's output, made by orjson where it can be.

    :param app: the application.
    """

    def __init__(self, app: Kolben) -> None:
        """Take the app whose settings the provider follows."""
        super().__init__(app)
        self._orjson = _import_orjson()

    def _options(self, indent: bool) -> int:
        o = self._orjson
        # Datetimes go through ``default``, which writes HTTP dates.
        options: int = o.OPT_PASSTHROUGH_DATETIME
        if self.sort_keys:
            options |= o.OPT_SORT_KEYS
        if indent:
            options |= o.OPT_INDENT_2
        return options

    def _dump_bytes(self, obj: Any, indent: bool) -> bytes | None:
        """Serialize with orjson; ``None`` where the output would differ."""
        try:
            out: bytes = self._orjson.dumps(
                obj, default=self.default, option=self._options(indent)
            )
        except TypeError:  # integers past 64 bits, among others
            return None
        if (self.ensure_ascii and not out.isascii()) or out.find(b"e-") != -1:
            return None
        return out

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON; what orjson refuses is parsed (or refused) by json."""
        if not kwargs:
            try:
                return self._orjson.loads(s)
            except self._orjson.JSONDecodeError:
                pass
        return json.loads(s, **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """Serialize into a response, as the default provider does."""
        obj = _prepare_response_obj(args, kwargs)
        indent = self.compact is False or (self.compact is None and self._app.debug)
        out = self._dump_bytes(obj, indent)
        if out is None:
            return super().response(*args, **kwargs)
        return self._app.response_class(out + b"\n", mimetype=self.mimetype)
