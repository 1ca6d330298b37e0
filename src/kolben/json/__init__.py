"""JSON helpers that use the current app's provider when there is one."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

from ..globals import _app_ctx, _cv_app
from . import provider as _provider

if TYPE_CHECKING:
    from ..response import Response


def dumps(obj: Any, **kwargs: Any) -> str:
    """Serialize ``obj`` with the current app's JSON provider, if any."""
    ctx = _cv_app.get(None)
    if ctx is not None:
        return ctx.app.json.dumps(obj, **kwargs)
    return _provider.dumps(obj, **kwargs)


def loads(s: str | bytes, **kwargs: Any) -> Any:
    """Parse JSON with the current app's JSON provider, if any."""
    ctx = _cv_app.get(None)
    if ctx is not None:
        return ctx.app.json.loads(s, **kwargs)
    return _provider.loads(s, **kwargs)


def dump(obj: Any, fp: IO[str], **kwargs: Any) -> None:
    """Serialize ``obj`` as JSON into the text file ``fp``.

    Uses the current app's JSON provider, if any, as :func:`dumps` does.

    :param obj: the data to serialize.
    :param fp: a file opened for writing text.
    :param kwargs: passed to the provider's ``dump`` or to :func:`json.dump`.
    """
    ctx = _cv_app.get(None)
    if ctx is not None:
        ctx.app.json.dump(obj, fp, **kwargs)
    else:
        fp.write(_provider.dumps(obj, **kwargs))


def load(fp: IO[Any], **kwargs: Any) -> Any:
    """Parse the JSON in the file ``fp`` (text, or UTF-8/16/32 bytes).

    Uses the current app's JSON provider, if any, as :func:`loads` does.

    :param fp: a file opened for reading.
    :param kwargs: passed to the provider's ``load`` or to :func:`json.load`.
    """
    ctx = _cv_app.get(None)
    if ctx is not None:
        return ctx.app.json.load(fp, **kwargs)
    return _provider.loads(fp.read(), **kwargs)


def jsonify(*args: Any, **kwargs: Any) -> Response:
    """Return a JSON response of the arguments.

    One positional argument is serialized as is, several as a list, keyword
    arguments as an object::

        return jsonify(id=1, name="ada")
    """
    # PERF: the context variable directly, not the current_app proxy.
    return _app_ctx().app.json.response(*args, **kwargs)
