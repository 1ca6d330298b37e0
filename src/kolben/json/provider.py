"""JSON providers: how an app turns data into JSON and back.

``app.json`` is an instance of ``app.json_provider_class``; subclass
:class:`DefaultJSONProvider` to change how types are serialized.
"""

from __future__ import annotations

import dataclasses
import decimal
import json
import re
import uuid
import weakref
from collections.abc import Mapping
from datetime import date
from typing import IO, TYPE_CHECKING, Any, cast

from ..http.dates import http_date
from ..http.exceptions import BadRequest

if TYPE_CHECKING:
    from ..app import Kolben
    from ..response import Response


def _default(o: Any) -> Any:
    if isinstance(o, date):
        return http_date(o)
    if isinstance(o, decimal.Decimal | uuid.UUID):
        return str(o)
    if dataclasses.is_dataclass(o) and not isinstance(o, type):
        return dataclasses.asdict(o)
    if hasattr(o, "__html__"):
        return str(o.__html__())
    if isinstance(o, Mapping):
        # MultiDicts (request.args, request.form): the first value of each key.
        return dict(o.items())
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


def dumps(obj: Any, **kwargs: Any) -> str:
    """Serialize ``obj`` with kolben's defaults (dates, UUIDs, dataclasses)."""
    kwargs.setdefault("default", _default)
    return json.dumps(obj, **kwargs)


def loads(s: str | bytes, **kwargs: Any) -> Any:
    """Parse JSON text or UTF-8/16/32 bytes."""
    return json.loads(s, **kwargs)


# One token of a JSON document that changes the nesting depth, or a string
# (skipped whole, so brackets inside strings do not count).
_depth_re = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def check_depth(data: bytes, limit: int) -> None:
    """Raise BadRequest if the JSON in ``data`` nests deeper than ``limit``.

    SECURITY: a deeply nested document would otherwise exhaust the parser's
    recursion limit (a 500) or the view's.
    PERF: a document with no more brackets than the limit cannot be too deep,
    which ``bytes.count`` tells at C speed; only the rest is scanned.
    """
    if data.count(b"[") + data.count(b"{") <= limit:
        return
    depth = 0
    for m in _depth_re.finditer(data):
        tok = m.group()
        if tok in (b"[", b"{"):
            depth += 1
            if depth > limit:
                raise BadRequest(
                    f"The JSON body is nested more than {limit} levels deep."
                )
        elif tok in (b"]", b"}"):
            depth -= 1


class _Encoder:
    """Encode with fixed settings, reusing one C encoder.

    PERF: ``json.dumps`` with any non-default argument, and even a kept
    ``JSONEncoder``, build a new C encoder on every call. This builds it once.
    It leaves out the encoder's record of containers in progress; a circular
    structure is caught by the C recursion guard instead and reported with
    the standard library's error.
    """

    def __init__(
        self,
        default: Any,
        ensure_ascii: bool,
        sort_keys: bool,
        separators: tuple[str, str] | None,
    ) -> None:
        item_sep, key_sep = separators or (", ", ": ")
        self._fallback = json.JSONEncoder(
            default=default,
            ensure_ascii=ensure_ascii,
            sort_keys=sort_keys,
            separators=(item_sep, key_sep),
        )
        make = getattr(json.encoder, "c_make_encoder", None)
        quote = (
            json.encoder.encode_basestring_ascii
            if ensure_ascii
            else json.encoder.encode_basestring
        )
        self._c_encode = (
            make(None, default, quote, None, key_sep, item_sep, sort_keys, False, True)
            if make is not None
            else None
        )

    def encode(self, obj: Any) -> str:
        """Return ``obj`` as JSON text."""
        if self._c_encode is None:  # pragma: no cover - Pythons without _json
            return self._fallback.encode(obj)
        try:
            return "".join(self._c_encode(obj, 0))
        except RecursionError:
            raise ValueError("Circular reference detected") from None


class JSONProvider:
    """The interface an app's JSON provider implements.

    :param app: the application it serves.
    """

    def __init__(self, app: Kolben) -> None:
        # A proxy, as in Flask: the app holds its provider, and a strong
        # reference back would keep an app nobody uses alive until the
        # cycle collector runs.
        """Take the app whose settings the provider follows."""
        self._app = cast("Kolben", weakref.proxy(app))

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialize ``obj`` to a JSON string."""
        raise NotImplementedError

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse a JSON string or bytes."""
        raise NotImplementedError

    def dump(self, obj: Any, fp: IO[str], **kwargs: Any) -> None:
        """Serialize ``obj`` with :meth:`dumps` and write it to ``fp``.

        :param obj: the data to serialize.
        :param fp: a file opened for writing text.
        :param kwargs: passed to :meth:`dumps`.
        """
        fp.write(self.dumps(obj, **kwargs))

    def load(self, fp: IO[Any], **kwargs: Any) -> Any:
        """Read ``fp`` and parse it with :meth:`loads`.

        :param fp: a file opened for reading, text or bytes.
        :param kwargs: passed to :meth:`loads`.
        """
        return self.loads(fp.read(), **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """Serialize the arguments (as ``jsonify`` takes them) into a response."""
        obj = _prepare_response_obj(args, kwargs)
        return self._app.response_class(self.dumps(obj), mimetype="application/json")


def _prepare_response_obj(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if args and kwargs:
        raise TypeError("jsonify() takes positional or keyword arguments, not both.")
    if not args and not kwargs:
        return None
    if len(args) == 1:
        return args[0]
    return args or kwargs


class DefaultJSONProvider(JSONProvider):
    """The standard-library JSON provider, with Flask's defaults.

    Serializes dates as HTTP dates, ``Decimal`` and ``UUID`` as strings,
    dataclasses as dicts and objects with ``__html__`` as their markup.
    """

    default = staticmethod(_default)
    ensure_ascii = True
    sort_keys = True
    compact: bool | None = None
    mimetype = "application/json"

    def __init__(self, app: Kolben) -> None:
        """Take the app whose settings the provider follows."""
        super().__init__(app)
        self._encoders: dict[tuple[Any, ...], _Encoder] = {}

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialize ``obj``, with this provider's settings as defaults."""
        if not kwargs:
            return self._encoder(None).encode(obj)
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return json.dumps(obj, **kwargs)

    def _encoder(self, separators: tuple[str, str] | None) -> _Encoder:
        """Return an encoder for the current settings, made once.

        The settings stay public attributes, so the cache is keyed by them and
        a changed setting takes effect at once.
        """
        key = (self.default, self.ensure_ascii, self.sort_keys, separators)
        encoder = self._encoders.get(key)
        if encoder is None:
            encoder = _Encoder(
                self.default, self.ensure_ascii, self.sort_keys, separators
            )
            self._encoders[key] = encoder
        return encoder

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON text or bytes."""
        return json.loads(s, **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """Serialize into a response; indented in debug mode unless ``compact``."""
        obj = _prepare_response_obj(args, kwargs)
        if self.compact is False or (self.compact is None and self._app.debug):
            body = self.dumps(obj, indent=2) + "\n"
        else:
            body = self._encoder((",", ":")).encode(obj) + "\n"
        return self._app.response_class(body, mimetype=self.mimetype)
