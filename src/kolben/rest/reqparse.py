"""Request parsing: Flask-RESTful's ``reqparse``, argparse for requests.

Example::

    parser = reqparse.RequestParser()
    parser.add_argument("rate", type=int, required=True, help="Rate: {error_msg}")
    parser.add_argument("tag", action="append", location="args")
    args = parser.parse_args()
    args.rate, args["tag"]

A value that fails its type, its choices or ``required`` ends the request
with 400 and ``{"message": {"rate": "Rate: invalid literal for int() ..."}}``;
with ``bundle_errors=True`` (or ``BUNDLE_ERRORS`` in the config) every
failing argument is named at once.

Where a value comes from is ``location``: ``"json"``, ``"values"`` (query
string, and the form for non-GET requests), ``"args"``, ``"form"``,
``"headers"``, ``"cookies"``, ``"files"``, or a list of them. The default
reads the JSON body and the values. A body that is not JSON gives no JSON
values (Flask-RESTful on Flask 2.1+ answers 415 instead); malformed JSON
answers 400.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping, MutableSequence
from copy import deepcopy
from typing import Any, NoReturn

from ..globals import current_app, request
from ..http.exceptions import BadRequest
from ..http.files import FileStorage
from ..http.multidict import MultiDict
from ._abort import abort

__all__ = ["Argument", "Namespace", "RequestParser"]


class Namespace(dict[str, Any]):
    """The parsed arguments: a dict whose keys are attributes too."""

    def __getattr__(self, name: str) -> Any:
        """Return the value of the key ``name``."""
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        """Set the key ``name``."""
        self[name] = value


_friendly_location = {
    "json": "the JSON body",
    "form": "the post body",
    "args": "the query string",
    "values": "the post body or the query string",
    "headers": "the HTTP headers",
    "cookies": "the request's cookies",
    "files": "an uploaded file",
}


def _text(value: Any) -> str:
    return str(value)


def _location_value(req: Any, location: str) -> Any:
    """Return the values of one location of ``req``, or ``None``."""
    if location == "json":
        if not req.is_json:
            return None
        data = req.get_json()
        if data is not None and not isinstance(data, Mapping):
            raise BadRequest("The JSON body must be an object.")
        return data
    value = getattr(req, location, None)
    if callable(value):
        value = value()
    return value


def _multi_items(source: Any, location: str) -> Iterable[tuple[str, Any]]:
    """Yield every ``(key, value)`` of a location, as MultiDict.update reads it."""
    if location == "headers":
        # Header names are written as Werkzeug's WSGI headers spell them, so
        # that merged sources find them alike under both protocols.
        return ((str(k).title(), v) for k, v in source.items())
    if hasattr(source, "getlist"):
        return source.items(multi=True)  # type: ignore[no-any-return]
    return (
        (k, item)
        for k, v in source.items()
        for item in (v if isinstance(v, list | tuple) else (v,))
    )


class Argument:
    """One argument a :class:`RequestParser` reads.

    :param name: the key it is read from; the attribute of the result
        unless ``dest`` says otherwise.
    :param default: the value when it is missing (called if callable).
    :param dest: the attribute of the result.
    :param required: whether a missing value is an error.
    :param ignore: skip values the type refuses, rather than fail.
    :param type: a callable that converts the value (``int``, an
        :mod:`~kolben.rest.inputs` function); its ``ValueError`` message is
        the error's. It may take ``(value, name, operator)`` or
        ``(value, name)`` too.
    :param location: where the value is read: one name or several; see
        the module's docs.
    :param choices: the values allowed.
    :param action: ``"store"`` (one value) or ``"append"`` (a list).
    :param help: the error message; ``{error_msg}`` in it is the type's.
    :param operators: suffixes of the name to read as well (``">="``).
    :param case_sensitive: ``False`` lowercases values (and choices).
    :param store_missing: put the default in the result when missing.
    :param trim: strip whitespace around values.
    :param nullable: whether a JSON ``null`` is accepted.
    """

    def __init__(
        self,
        name: str,
        default: Any = None,
        dest: str | None = None,
        required: bool = False,
        ignore: bool = False,
        type: Any = _text,
        location: str | Iterable[str] = ("json", "values"),
        choices: Any = (),
        action: str = "store",
        help: str | None = None,
        operators: Iterable[str] = ("=",),
        case_sensitive: bool = True,
        store_missing: bool = True,
        trim: bool = False,
        nullable: bool = True,
    ) -> None:
        """Take the argument's name, where to read it, and how to check it."""
        self.name = name
        self.default = default
        self.dest = dest
        self.required = required
        self.ignore = ignore
        self.location = location
        self.type = type
        self.choices = choices
        self.action = action
        self.help = help
        self.case_sensitive = case_sensitive
        self.operators = operators
        self.store_missing = store_missing
        self.trim = trim
        self.nullable = nullable

    def __str__(self) -> str:
        """Return the argument's name, type and choices."""
        choices = list(self.choices)
        if len(choices) > 5:
            choices = [*choices[:3], "...", choices[-1]]
        return f"Name: {self.name}, type: {self.type}, choices: {choices}"

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return (
            f"{type(self).__name__}({self.name!r}, default={self.default!r},"
            f" dest={self.dest!r}, required={self.required}, location="
            f"{self.location!r}, type={self.type!r}, action={self.action!r})"
        )

    def source(self, request: Any) -> Any:
        """Return the values of the argument's location(s) in ``request``.

        :param request: the request to read.
        """
        if isinstance(self.location, str):
            value = _location_value(request, self.location)
            return MultiDict() if value is None else value
        values: MultiDict[str, Any] = MultiDict()
        for location in self.location:
            value = _location_value(request, location)
            if value is not None:
                for key, item in _multi_items(value, location):
                    values.add(key, item)
        return values

    def convert(self, value: Any, op: str) -> Any:
        """Convert one value with the argument's type.

        :param value: the value read.
        :param op: the operator its name was read with.
        :raises ValueError: ``null`` where it is not allowed, or the type's.
        """
        if value is None:
            if self.nullable:
                return None
            raise ValueError("Must not be null!")
        if isinstance(value, FileStorage) and self.type == FileStorage:
            return value
        try:
            return self.type(value, self.name, op)
        except TypeError:
            try:
                if self.type is decimal.Decimal:
                    return self.type(str(value))
                return self.type(value, self.name)
            except TypeError:
                return self.type(value)

    def handle_validation_error(self, error: Exception, bundle_errors: bool) -> Any:
        """Return ``(error, {name: message})``, or end the request with 400.

        :param error: what the conversion or check raised.
        :param bundle_errors: return the error to be reported with others.
        """
        error_msg = str(error)
        if self.help:
            try:
                error_msg = self.help.format(error_msg=error_msg)
            except (KeyError, IndexError, ValueError):
                error_msg = self.help
        msg = {self.name: error_msg}
        if current_app.config.get("BUNDLE_ERRORS", False) or bundle_errors:
            return error, msg
        abort(400, message=msg)

    def _values(self, source: Any, name: str) -> list[Any]:
        if hasattr(source, "getlist"):
            return list(source.getlist(name))
        values = source.get(name)
        if isinstance(values, MutableSequence) and self.action == "append":
            return list(values)
        return [values]

    def _clean(self, value: Any) -> Any:
        if self.trim and isinstance(value, str):
            value = value.strip()
        if not self.case_sensitive and isinstance(value, str):
            value = value.lower()
        return value

    def _allowed(self, value: Any) -> bool:
        if not self.choices:
            return True
        choices = self.choices
        if not self.case_sensitive:
            choices = [c.lower() if isinstance(c, str) else c for c in choices]
        try:
            return value in choices
        except TypeError:
            return False

    def parse(self, request: Any, bundle_errors: bool = False) -> tuple[Any, Any]:
        """Return ``(value, found)``, or ``(error, {name: message})`` on an error.

        Without bundling, an error ends the request with 400 instead.

        :param request: the request to read.
        :param bundle_errors: return errors rather than end the request.
        """
        source = self.source(request)
        unparsed = getattr(request, "unparsed_arguments", None)
        results = []
        for operator in self.operators:
            name = self.name + operator.replace("=", "", 1)
            if name not in source:
                continue
            for raw in self._values(source, name):
                value = self._clean(raw)
                try:
                    value = self.convert(value, operator)
                except Exception as error:
                    if self.ignore:
                        continue
                    return self.handle_validation_error(error, bundle_errors)  # type: ignore[no-any-return]
                if not self._allowed(value):
                    refused = ValueError(f"{value} is not a valid choice")
                    return self.handle_validation_error(refused, bundle_errors)  # type: ignore[no-any-return]
                if unparsed:
                    unparsed.pop(name, None)
                results.append(value)
        if not results and self.required:
            return self.handle_validation_error(  # type: ignore[no-any-return]
                ValueError(self._missing_message()), bundle_errors
            )
        if not results:
            default = self.default() if callable(self.default) else self.default
            return default, False
        if self.action == "append":
            return results, True
        if self.action == "store" or len(results) == 1:
            return results[0], True
        return results, True

    def _missing_message(self) -> str:
        locations = [self.location] if isinstance(self.location, str) else self.location
        where = " or ".join(_friendly_location.get(loc, loc) for loc in locations)
        return f"Missing required parameter in {where}"


class RequestParser:
    """A set of arguments to read from a request.

    :param argument_class: the class ``add_argument`` makes.
    :param namespace_class: the class of ``parse_args``' result.
    :param trim: strip whitespace around every argument's values.
    :param bundle_errors: report every failing argument, not the first.
    """

    def __init__(
        self,
        argument_class: type[Argument] = Argument,
        namespace_class: type[dict[str, Any]] = Namespace,
        trim: bool = False,
        bundle_errors: bool = False,
    ) -> None:
        """Take the argument and result classes, and parser-wide options."""
        self.args: list[Argument] = []
        self.argument_class = argument_class
        self.namespace_class = namespace_class
        self.trim = trim
        self.bundle_errors = bundle_errors

    def add_argument(self, *args: Any, **kwargs: Any) -> RequestParser:
        """Add an argument: an :class:`Argument`, or the arguments to make one.

        Returns the parser, so that calls chain.
        """
        if len(args) == 1 and isinstance(args[0], self.argument_class):
            self.args.append(args[0])
        else:
            self.args.append(self.argument_class(*args, **kwargs))
        if self.trim and self.argument_class is Argument:
            self.args[-1].trim = kwargs.get("trim", self.trim)
        return self

    def parse_args(
        self, req: Any = None, strict: bool = False, http_error_code: int = 400
    ) -> Any:
        """Read every argument from the request and return them.

        :param req: the request; the current one by default.
        :param strict: answer 400 when the request has arguments the parser
            does not know (of the JSON body and the values).
        :param http_error_code: the status of a validation error.
        :raises HTTPException: a value is missing or invalid.
        """
        if req is None:
            req = request
        namespace = self.namespace_class()
        req.unparsed_arguments = (
            dict(self.argument_class("").source(req)) if strict else {}
        )
        bundle = self.bundle_errors or current_app.config.get("BUNDLE_ERRORS", False)
        errors: dict[str, Any] = {}
        for arg in self.args:
            value, found = arg.parse(req, True)
            # An error comes back as (exception, {name: message}).
            if isinstance(value, Exception) and isinstance(found, dict):
                if not bundle:
                    _fail(http_error_code, found)
                errors.update(found)
                found = None
            if found or arg.store_missing:
                namespace[arg.dest or arg.name] = value
        if errors:
            _fail(http_error_code, errors)
        if strict and req.unparsed_arguments:
            unknown = ", ".join(req.unparsed_arguments.keys())
            raise BadRequest(f"Unknown arguments: {unknown}")
        return namespace

    def copy(self) -> RequestParser:
        """Return a copy of the parser with copies of its arguments."""
        parser_copy = type(self)(self.argument_class, self.namespace_class)
        parser_copy.args = deepcopy(self.args)
        parser_copy.trim = self.trim
        parser_copy.bundle_errors = self.bundle_errors
        return parser_copy

    def replace_argument(self, name: str, *args: Any, **kwargs: Any) -> RequestParser:
        """Replace the argument called ``name`` with a new one, made last."""
        new_arg = self.argument_class(name, *args, **kwargs)
        for index, arg in enumerate(self.args):
            if arg.name == new_arg.name:
                del self.args[index]
                self.args.append(new_arg)
                break
        return self

    def remove_argument(self, name: str) -> RequestParser:
        """Remove the argument called ``name``."""
        for index, arg in enumerate(self.args):
            if arg.name == name:
                del self.args[index]
                break
        return self


def _fail(code: int, message: Any) -> NoReturn:
    abort(code, message=message)
