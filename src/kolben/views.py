"""Class-based views: ``View`` and ``MethodView``, as Flask has them."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any, ClassVar

from .globals import request

http_method_funcs = frozenset(
    ["get", "post", "head", "options", "delete", "put", "trace", "patch"]
)


class View:
    """A view as a class: subclass it and implement ``dispatch_request``.

    Example::

        class Hello(View):
            def dispatch_request(self, name):
                return f"Hello {name}"

        app.add_url_rule("/hello/<name>", view_func=Hello.as_view("hello"))

    ``dispatch_request`` may be ``async def``; the view is then async too and
    runs on the event loop under ASGI.
    """

    #: The methods the view answers; ``route``'s ``methods`` by default.
    methods: ClassVar[Collection[str] | None] = None
    #: Whether to answer OPTIONS automatically; the app decides when ``None``.
    provide_automatic_options: ClassVar[bool | None] = None
    #: Decorators applied, in order, to the function ``as_view`` returns.
    decorators: ClassVar[list[Callable[..., Any]]] = []
    #: Make an instance for every request (``False``: one for all requests,
    #: so it must not keep per-request state on ``self``).
    init_every_request: ClassVar[bool] = True

    if TYPE_CHECKING:
        # Subclasses take the URL's variables as their own parameters.
        dispatch_request: Callable[..., Any]
    else:

        def dispatch_request(self, **kwargs):
            """Answer the request; the URL's variables come as keyword arguments."""
            raise NotImplementedError(
                f"{type(self).__name__} must implement dispatch_request()."
            )

    @classmethod
    def _is_async(cls) -> bool:
        return inspect.iscoroutinefunction(cls.dispatch_request)

    @classmethod
    def as_view(
        cls, name: str, *class_args: Any, **class_kwargs: Any
    ) -> Callable[..., Any]:
        """Return a view function for ``add_url_rule``, named ``name``.

        :param name: the view function's name, the endpoint by default.
        :param class_args: positional arguments for the class.
        :param class_kwargs: keyword arguments for the class.
        """
        shared = None if cls.init_every_request else cls(*class_args, **class_kwargs)

        def instance() -> View:
            if shared is not None:
                return shared
            # Read at call time, from the function add_url_rule got, so a
            # test can patch ``view_func.view_class``, as in Flask.
            view_class: type[View] = getattr(view, "view_class", cls)
            return view_class(*class_args, **class_kwargs)

        view: Callable[..., Any]
        if cls._is_async():

            async def view(**kwargs: Any) -> Any:
                return await instance().dispatch_request(**kwargs)

        else:

            def view(**kwargs: Any) -> Any:
                return instance().dispatch_request(**kwargs)

        view.__name__ = name
        view.__qualname__ = name
        view.__doc__ = cls.__doc__
        view.__module__ = cls.__module__
        for decorator in cls.decorators:
            view = decorator(view)
        # What add_url_rule reads, and what Flask code expects to find.
        result: Any = view
        result.view_class = cls
        result.methods = cls.methods
        result.provide_automatic_options = cls.provide_automatic_options
        return result  # type: ignore[no-any-return]


class MethodView(View):
    """A view with one method per HTTP method: ``get``, ``post``, ...

    The methods the view answers are worked out from the handlers it has.
    ``HEAD`` uses ``get`` when there is no ``head``.

    Example::

        class UserAPI(MethodView):
            def get(self, user_id):
                ...

            async def post(self, user_id):
                ...

        app.add_url_rule("/users/<int:user_id>", view_func=UserAPI.as_view("user"))
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Set ``methods`` from the methods the subclass defines."""
        super().__init_subclass__(**kwargs)
        if "methods" in cls.__dict__:
            return
        methods: set[str] = set()
        for base in cls.__bases__:
            methods.update(getattr(base, "methods", None) or ())
        methods.update(key.upper() for key in http_method_funcs if hasattr(cls, key))
        if methods:
            cls.methods = methods

    @classmethod
    def _is_async(cls) -> bool:
        # An async view only when every handler is async: sync handlers must
        # run off the event loop, which a sync view function does under ASGI.
        handlers = [getattr(cls, key) for key in http_method_funcs if hasattr(cls, key)]
        return bool(handlers) and all(inspect.iscoroutinefunction(h) for h in handlers)

    def dispatch_request(self, **kwargs: Any) -> Any:
        """Call the handler named after the request's method."""
        handler = getattr(self, request.method.lower(), None)
        if handler is None and request.method == "HEAD":
            handler = getattr(self, "get", None)
        if handler is None:
            raise AssertionError(f"Unimplemented method {request.method!r}")
        return handler(**kwargs)
