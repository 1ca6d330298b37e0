"""Validating a typed view's request and converting its result, per request.

A :class:`Binder` is compiled once from a :class:`~kolben.api.ViewSpec`: the
pydantic validators of its parameters and body, and the adapter of its
response model. :func:`validated` wraps a view or handler with one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import datetime
from types import CoroutineType
from typing import Any

from pydantic import ValidationError, create_model
from pydantic_core import to_json

from ..globals import current_app, request
from ..json.provider import check_depth
from ..response import Response
from .errors import MalformedBody, RequestValidationError, UnsupportedBody
from .signature import (
    _ARBITRARY,
    Parameter,
    ViewSpec,
    _safe,
    inspect_view,
    is_model,
)

__all__ = ["Binder", "ResponseValidationError", "validated"]

#: The attribute a validated view or handler carries: its ViewSpec.
SPEC_ATTR = "__kolben_api__"
_HEADER_TYPES = (dict, list, tuple)
_MISSING: Any = object()
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
#: Where each location's values are, in a request.
_SOURCES: dict[str, Callable[[Any], Any]] = {
    "query": lambda req: req.args,
    "header": lambda req: req.headers,
    "cookie": lambda req: req.cookies,
    "form": lambda req: req.form,
}


class ResponseValidationError(Exception):
    """A typed view returned what its response model refuses: a 500.

    :param errors: pydantic's errors, as ``{loc, msg, type}`` dicts.
    """

    def __init__(self, view: str, errors: list[dict[str, Any]]) -> None:
        """Keep the ``view`` that returned the value and pydantic's ``errors``."""
        self.errors = errors
        super().__init__(
            f"The view {view!r} returned a value its response model refuses: {errors}"
        )


class Binder:
    """The compiled request validation and response conversion of a view.

    :param spec: what :func:`~kolben.api.inspect_view` read from the view.
    """

    def __init__(self, spec: ViewSpec) -> None:
        """Compile the validators of the view described by ``spec``."""
        self.spec = spec
        gathered = [
            p
            for p in spec.parameters
            if p.validate and p.location not in ("body", "file")
        ]
        self._gather = tuple((p.name, _source(p), p.alias, p.is_list) for p in gathered)
        self._by_name = {p.name: p for p in spec.parameters}
        self._params = None
        if gathered:
            model = create_model(  # type: ignore[call-overload]
                f"Params_{_safe(spec.func.__qualname__)}",
                __config__=_ARBITRARY,
                **{p.name: p.field() for p in gathered},
            )
            self._params = model.__pydantic_validator__
        body = spec.body_adapter()
        # PERF: the core validator itself, past TypeAdapter's Python layer.
        self._body = body.validator if body is not None else None
        self._body_required = any(p.required for p in spec.bodies)
        self._files = tuple(p for p in spec.parameters if p.location == "file")
        self._reads_form = any(p.location in ("form", "file") for p in spec.parameters)
        self._adapter = spec.response_adapter
        self._to_json = (
            self._adapter.serializer.to_json if self._adapter is not None else None
        )
        self._validate_response = spec.validate_response
        model_type = spec.response_model
        self._instance_of = model_type if isinstance(model_type, type) else None
        self._status = spec.status_code
        self._settings: tuple[str, str, int, Any] | None = None
        # PERF: a view whose only typed input is a JSON body, the usual API
        # view, takes a path that reads nothing else.
        self._body_only = self._body is not None and not (
            self._params is not None or self._files or self._reads_form
        )
        self._body_name = (
            None if spec.embed else spec.bodies[0].name if spec.bodies else None
        )
        #: The response model's class when a result of exactly that class is
        #: serialized as it is; set once the app's settings are read.
        self._exact: type | None = None

    # -- the request ---------------------------------------------------------------

    def arguments(self, values: dict[str, Any]) -> dict[str, Any]:
        """Return the view's keyword arguments: ``values`` with the validated ones.

        :param values: the URL values the core passes the view; updated.
        :raises RequestValidationError: a parameter or the body is invalid.
        """
        req = request._get_current_object()  # type: ignore[attr-defined]
        if self._body_only:
            found = self._validate_body(req, values)
            if found:
                raise self._error(RequestValidationError(found))
            return values
        errors: list[dict[str, Any]] = []
        if self._reads_form and req.content_length and req.mimetype not in _FORMS:
            raise self._error(
                UnsupportedBody(
                    "The body must be a form (application/x-www-form-urlencoded"
                    f" or multipart/form-data), not {req.mimetype or 'untyped'}."
                )
            )
        if self._params is not None:
            self._validate_params(req, values, errors)
        if self._body is not None:
            errors.extend(self._validate_body(req, values))
        if self._files:
            self._read_files(req, values, errors)
        if errors:
            raise self._error(RequestValidationError(errors))
        return values

    def _validate_params(
        self, req: Any, values: dict[str, Any], errors: list[dict[str, Any]]
    ) -> None:
        assert self._params is not None
        try:
            validated = self._params.validate_python(self._raw(req, values))
        except ValidationError as e:
            for err in e.errors(include_url=False):
                param = self._by_name[str(err["loc"][0])]
                where = [param.location, param.alias]
                if _source(param) == "form-model":
                    where = ["form"]
                loc = [*where, *err["loc"][1:]]
                errors.append({"loc": loc, "msg": err["msg"], "type": err["type"]})
        else:
            values.update(validated.__dict__)

    def _raw(self, req: Any, values: dict[str, Any]) -> dict[str, Any]:
        """Return the request's raw value of each gathered parameter it has."""
        raw: dict[str, Any] = {}
        for name, location, alias, is_list in self._gather:
            if location == "path":
                value = values.get(name, _MISSING)
                if value is not _MISSING:
                    raw[name] = value
                continue
            if location == "form-model":
                form = req.form
                raw[name] = {k: _one_or_all(form.getlist(k)) for k in form}
                continue
            source = _SOURCES[location](req)
            if is_list:
                items = source.getlist(alias)
                if items:
                    raw[name] = items
            else:
                value = source.get(alias)
                if value is not None:
                    raw[name] = value
        return raw

    def _validate_body(self, req: Any, values: dict[str, Any]) -> list[dict[str, Any]]:
        """Set the body parameters in ``values``; return the body's errors."""
        data = req.get_data()
        if not data:
            for p in self.spec.bodies:
                values[p.name] = p.default
            if self._body_required:
                return [{"loc": ["body"], "msg": "Field required", "type": "missing"}]
            return []
        # PERF: the usual header, told without parsing it.
        if req.content_type != "application/json" and not req.is_json:
            raise self._error(
                UnsupportedBody(
                    "The body must be JSON, sent with Content-Type:"
                    f" application/json, not {req.mimetype or 'untyped'}."
                )
            )
        check_depth(data, (self._settings or self._read_settings())[2])
        try:
            obj = self._body.validate_json(data)  # type: ignore[union-attr]
        except ValidationError as e:
            errors = []
            for err in e.errors(include_url=False):
                if err["type"] == "json_invalid":
                    raise self._error(
                        MalformedBody(f"The body is not valid JSON: {err['msg']}.")
                    ) from None
                loc = ["body", *err["loc"]]
                errors.append({"loc": loc, "msg": err["msg"], "type": err["type"]})
            return errors
        name = self._body_name
        if name is not None:
            values[name] = obj
        else:
            for p in self.spec.bodies:
                values[p.name] = getattr(obj, p.alias)
        return []

    def _read_files(
        self, req: Any, values: dict[str, Any], errors: list[dict[str, Any]]
    ) -> None:
        files = req.files
        for p in self._files:
            found = files.getlist(p.alias)
            if found:
                values[p.name] = found if p.is_list else found[0]
            elif p.required:
                msg = "Field required"
                errors.append({"loc": ["file", p.alias], "msg": msg, "type": "missing"})
            else:
                values[p.name] = p.default

    def _error(self, error: Any) -> Any:
        error.error_format = (self._settings or self._read_settings())[0]
        return error

    def _read_settings(self) -> tuple[str, str, int, Any]:
        """Read the app's settings, once: at the view's first request."""
        config = current_app.config
        settings = self._settings = (
            config.get("API_ERROR_FORMAT", "problem"),
            config.get("API_DATETIME_FORMAT", "iso"),
            int(config.get("MAX_JSON_DEPTH") or 100),
            current_app.response_class,
        )
        if settings[1] == "iso" and not self._validate_response:
            self._exact = self._instance_of
        return settings

    # -- the response --------------------------------------------------------------

    def render(self, rv: Any) -> Any:
        """Return the view's result converted through its response model.

        A ``Response`` passes as it is; ``(value, status, headers)`` tuples
        keep their status and headers.

        :param rv: what the view returned.
        """
        if type(rv) is self._exact:
            # PERF: an instance of the response model, the usual result, is
            # serialized as it is, straight to the response's bytes.
            return self._settings[3](  # type: ignore[index]
                self._to_json(rv),  # type: ignore[misc]
                self._status or 200,
                mimetype="application/json",
            )
        if isinstance(rv, Response):
            return rv
        status = self._status
        headers = None
        if type(rv) is tuple:
            rv, given, headers = _unpack(rv)
            if given is not None:
                status = given
            if isinstance(rv, Response):
                return rv, status, headers
        if self._adapter is None:
            if status is None:
                return rv if headers is None else (rv, headers)
            return rv, status, headers
        body = self._dump(rv)
        cls = (self._settings or self._read_settings())[3]
        return cls(body, status or 200, headers, mimetype="application/json")

    def _dump(self, rv: Any) -> bytes:
        adapter = self._adapter
        assert adapter is not None
        try:
            if self._validate_response:
                rv = adapter.validate_python(adapter.dump_python(rv, warnings=False))
            elif self._instance_of is None or not isinstance(rv, self._instance_of):
                rv = adapter.validate_python(rv, from_attributes=True)
        except ValidationError as e:
            errors = [
                {"loc": list(err["loc"]), "msg": err["msg"], "type": err["type"]}
                for err in e.errors(include_url=False)
            ]
            raise ResponseValidationError(self.spec.func.__qualname__, errors) from None
        if (self._settings or self._read_settings())[1] == "iso":
            return self._to_json(rv)  # type: ignore[misc]
        return to_json(_milliseconds(adapter.dump_python(rv)))


def _source(p: Parameter) -> str:
    """Return where a gathered parameter is read: a model reads the whole form."""
    if p.location == "form" and is_model(p.annotation):
        return "form-model"
    return p.location


def _one_or_all(items: list[str]) -> Any:
    return items[0] if len(items) == 1 else items


def _unpack(rv: tuple[Any, ...]) -> tuple[Any, Any, Any]:
    """Split ``(body, status, headers)``, ``(body, status)``, ``(body, headers)``."""
    if len(rv) == 3:
        return rv
    if len(rv) == 2:
        if isinstance(rv[1], _HEADER_TYPES) or hasattr(rv[1], "items"):
            return rv[0], None, rv[1]
        return rv[0], rv[1], None
    return rv, None, None


def _milliseconds(value: Any) -> Any:
    """Format every datetime in ``value`` as ISO 8601 with milliseconds."""
    if isinstance(value, datetime):
        text = value.isoformat(timespec="milliseconds")
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, dict):
        return {k: _milliseconds(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_milliseconds(v) for v in value]
    return value


def validated(
    func: Callable[..., Any],
    *,
    path: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
    skip: int = 0,
    spec: ViewSpec | None = None,
) -> Callable[..., Any]:
    """Return ``func`` validating its typed parameters and converting its result.

    The wrapper is ``async def`` when ``func`` is, keeps its name, docstring
    and attributes (``__kolben_auth__``), and carries the
    :class:`~kolben.api.ViewSpec` in ``__kolben_api__`` for the OpenAPI
    builder. Leading positional arguments (``self`` with ``skip=1``) and
    keyword arguments the view does not type pass through.

    Example, a handler of a class-based view::

        class Items(Resource):
            get = validated(get_items, skip=1)

    :param func: the view or handler.
    :param path: the URL variables and their converters.
    :param options: the route options (``status_code``, ...).
    :param skip: leading positional parameters to pass through.
    :param spec: what :func:`~kolben.api.inspect_view` read, if done already.
    """
    if spec is None:
        spec = inspect_view(func, path=path, options=options, skip=skip)
    binder = Binder(spec)
    spec.validated = True
    arguments, render = binder.arguments, binder.render
    view: Callable[..., Any]
    if spec.is_async:

        async def view(*args: Any, **values: Any) -> Any:
            return render(await func(*args, **arguments(values)))

    else:

        def view(*args: Any, **values: Any) -> Any:
            rv = func(*args, **arguments(values))
            if type(rv) is CoroutineType:
                return _finish(render, rv)
            return render(rv)

    functools.update_wrapper(view, func)
    setattr(view, SPEC_ATTR, spec)
    return view


async def _finish(render: Callable[[Any], Any], coroutine: Any) -> Any:
    """Await what a sync wrapper's view handed back, then convert it."""
    return render(await coroutine)


def spec_of(func: Any) -> ViewSpec | None:
    """Return the :class:`ViewSpec` a :func:`validated` callable carries."""
    spec = getattr(func, SPEC_ATTR, None)
    return spec if isinstance(spec, ViewSpec) else None


def form_parameters(spec: ViewSpec) -> tuple[Parameter, ...]:
    """Return the form and file parameters of ``spec``."""
    return tuple(p for p in spec.parameters if p.location in ("form", "file"))
