"""Bridge Werkzeug's exceptions and data structures to kolben's.

Flask extensions import Werkzeug themselves: they raise its ``HTTPException``
classes, register error handlers for them and check ``isinstance`` against
its ``FileStorage``, ``MultiDict`` and ``Headers``. The core never imports
Werkzeug, so :func:`install` (run by ``kolben.compat.flask.install()``) makes
the two meet:

- **Exceptions.** A Werkzeug HTTP exception created after ``install()`` is an
  instance of a class that derives from both its Werkzeug class and kolben's
  class of the same code (``werkzeug.exceptions.NotFound`` and
  ``kolben.http.exceptions.NotFound``). kolben's pipeline then handles it as
  the HTTP error it is, while its own methods (description, headers, body,
  ``get_response``) come first, and ``isinstance``/``except`` against the
  Werkzeug class keep working.
- **Error handlers.** A handler registered for one of Werkzeug's classes is
  registered for kolben's counterpart (as Flask files a class under its code),
  so it handles kolben's exception of that code too; a handler for kolben's
  class or for the code handles the Werkzeug exception through the class
  above.
- **Data structures.** ``werkzeug.datastructures.FileStorage``, ``MultiDict``,
  ``ImmutableMultiDict``, ``CombinedMultiDict`` and ``Headers`` become
  subclasses of themselves whose ``isinstance`` also accepts kolben's class of
  that name. Werkzeug's classes are not ABCs, so ``register`` is not open, and
  a class's metaclass cannot be changed once it exists.
"""

from __future__ import annotations

from typing import Any

import werkzeug.datastructures as wz_datastructures
import werkzeug.exceptions as wz

from ..http import exceptions as k
from ..http.files import FileStorage
from ..http.headers import Headers
from ..http.multidict import CombinedMultiDict, ImmutableMultiDict, MultiDict

__all__ = ["bridged_class", "counterpart", "install", "to_kolben_response"]

_installed = False
_bridged: dict[type[wz.HTTPException], type[Any]] = {}


def install() -> None:
    """Bridge Werkzeug to kolben; calling it again does nothing."""
    global _installed
    if _installed:
        return
    _installed = True
    wz.HTTPException.__new__ = staticmethod(_new_bridged)  # type: ignore[assignment]
    _map_error_handler_registration()
    for name, kolben_class in (
        ("FileStorage", FileStorage),
        ("MultiDict", MultiDict),
        ("ImmutableMultiDict", ImmutableMultiDict),
        ("CombinedMultiDict", CombinedMultiDict),
        ("Headers", Headers),
    ):
        original = getattr(wz_datastructures, name)
        setattr(wz_datastructures, name, _accepting(original, kolben_class))


# -- exceptions ----------------------------------------------------------------


def counterpart(cls: type[Any]) -> type[k.HTTPException] | None:
    """Return kolben's class for one of Werkzeug's own exception classes.

    ``None`` for a class Werkzeug does not define (an extension's subclass)
    and for the few of Werkzeug's that kolben has no class for (``BadHost``,
    ``ClientDisconnected``): those keep their own identity.

    :param cls: a subclass of ``werkzeug.exceptions.HTTPException``.
    """
    if cls is wz.HTTPException:
        return k.HTTPException
    if cls.__module__ != wz.__name__:
        return None
    same_name = getattr(k, cls.__name__, None)
    if (
        isinstance(same_name, type)
        and issubclass(same_name, k.HTTPException)
        and same_name.code == cls.code
    ):
        return same_name
    if cls.code is not None and wz.default_exceptions.get(cls.code) is cls:
        # Spelt differently: RequestURITooLarge is URITooLong, and so on.
        return k.default_exceptions.get(cls.code)
    return None


def bridged_class(cls: type[wz.HTTPException]) -> type[Any]:
    """Return the class a Werkzeug exception of class ``cls`` is made as.

    It derives from ``cls`` and then from kolben's class for the nearest of
    Werkzeug's classes among ``cls``'s bases, so Werkzeug's behaviour wins and
    kolben's pipeline and error handler lookup see a kolben HTTP error.

    :param cls: a subclass of ``werkzeug.exceptions.HTTPException``.
    """
    if issubclass(cls, _Bridged):
        return cls
    bridged = _bridged.get(cls)
    if bridged is None:
        kolben_class = next(c for c in map(counterpart, cls.__mro__) if c is not None)
        namespace = {
            "__module__": cls.__module__,
            "__qualname__": cls.__qualname__,
            "__doc__": cls.__doc__,
        }
        bridged = type(cls.__name__, (_Bridged, cls, kolben_class), namespace)
        _bridged[cls] = bridged
    return bridged


def _new_bridged(cls: type[wz.HTTPException], *args: Any, **kwargs: Any) -> Any:
    # Werkzeug's __init__ runs next, as for any instance of ``cls``.
    return Exception.__new__(bridged_class(cls), *args)


class _Bridged:
    """What a bridged Werkzeug exception adds: responses kolben can send."""

    #: Guards ``response`` while a class's own ``get_response`` runs, since
    #: Werkzeug's ``get_response`` reads ``response`` first.
    _kolben_building = False

    @property
    def response(self) -> Any:
        """The response to send instead of the error page, as kolben's."""
        rv = self.__dict__.get("response")
        if rv is None and not self._kolben_building and _own_get_response(self):
            self._kolben_building = True
            try:
                rv = self.get_response()
            finally:
                self._kolben_building = False
        return to_kolben_response(rv)

    @response.setter
    def response(self, value: Any) -> None:
        self.__dict__["response"] = value

    def get_response(self, environ: Any = None, scope: Any = None) -> Any:
        """Return the error's response as a kolben ``Response``."""
        rv = super().get_response(environ, scope)  # type: ignore[misc]
        return to_kolben_response(rv)


def _own_get_response(e: Any) -> bool:
    """Whether ``e``'s class answers with a ``get_response`` of its own."""
    owner = next(
        c for c in type(e).__mro__ if c is not _Bridged and "get_response" in vars(c)
    )
    return owner is not wz.HTTPException


def to_kolben_response(rv: Any) -> Any:
    """Return a Werkzeug response as a kolben ``Response``; other values as is.

    :param rv: a Werkzeug ``Response``, or anything a view may return.
    """
    from werkzeug.wrappers import Response as WerkzeugResponse

    from ..response import Response

    if not isinstance(rv, WerkzeugResponse):
        return rv
    # kolben sets Content-Length from the body it sends.
    headers = [(n, v) for n, v in rv.headers.items() if n.lower() != "content-length"]
    body = rv.response if rv.is_streamed else rv.get_data()
    return Response(body, rv.status, headers)


def _map_error_handler_registration() -> None:
    """File handlers for Werkzeug's classes under kolben's, by code."""
    from .._scaffold import Scaffold

    original = Scaffold._get_exc_class_and_code

    def get_exc_class_and_code(
        exc_class_or_code: type[BaseException] | int,
    ) -> tuple[type[BaseException], int | None]:
        if isinstance(exc_class_or_code, type) and issubclass(
            exc_class_or_code, wz.HTTPException
        ):
            kolben_class = counterpart(exc_class_or_code)
            if kolben_class is not None:
                return original(kolben_class)
            # An extension's own class: under its code, as Flask files it,
            # so that it is more specific than a handler for the code.
            return exc_class_or_code, exc_class_or_code.code
        return original(exc_class_or_code)

    Scaffold._get_exc_class_and_code = staticmethod(get_exc_class_and_code)  # type: ignore[method-assign]


# -- data structures -----------------------------------------------------------


class _AcceptsKolben(type):
    """Metaclass of the stand-ins: kolben's class of the name counts as ours."""

    def __instancecheck__(cls, obj: Any) -> bool:
        also = cls.__dict__.get("_kolben_also")
        if also is not None and isinstance(obj, also):
            return True
        return super().__instancecheck__(obj)

    def __subclasscheck__(cls, sub: Any) -> bool:
        also = cls.__dict__.get("_kolben_also")
        if also is not None and isinstance(sub, type) and issubclass(sub, also):
            return True
        return super().__subclasscheck__(sub)


def _accepting(original: type[Any], kolben_class: type[Any]) -> type[Any]:
    """Return a subclass of Werkzeug's ``original`` that accepts kolben's too.

    It is what ``werkzeug.datastructures`` then exports under the same name:
    made and subclassed as the original, and ``isinstance`` against it is
    true for instances of the original and of ``kolben_class``.
    """
    namespace = {
        "__module__": original.__module__,
        "__qualname__": original.__qualname__,
        "__doc__": original.__doc__,
        "_kolben_also": (original, kolben_class),
        # ``ImmutableMultiDict[str, str]`` in annotations means the original.
        "__class_getitem__": classmethod(lambda cls, item: original[item]),
    }
    return _AcceptsKolben(original.__name__, (original,), namespace)
