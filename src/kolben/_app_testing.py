"""The app's testing helpers: a test request context, client and CLI runner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from .app import Kolben
    from .cli import KolbenCliRunner
    from .ctx import AppContext
    from .response import Response
    from .testing import KolbenClient


class TestingMixin:
    """Flask's testing methods; the :class:`~kolben.Kolben` app has them."""

    if TYPE_CHECKING:
        response_class: type[Response]
        test_client_class: type[KolbenClient] | None
        test_cli_runner_class: type[KolbenCliRunner] | None

        def request_context(self, environ: dict[str, Any]) -> AppContext: ...

    def test_request_context(self, *args: Any, **kwargs: Any) -> AppContext:
        """Return a request context for a request built from the arguments.

        Example::

            with app.test_request_context("/users/1?q=x", method="POST"):
                assert request.args["q"] == "x"

        :param args: :class:`~kolben.testing.EnvironBuilder` arguments after
            the app (path, base_url, subdomain, url_scheme, ...).
        :param kwargs: :class:`~kolben.testing.EnvironBuilder` arguments.
        """
        from .testing import EnvironBuilder

        builder = EnvironBuilder(self._kolben(), *args, **kwargs)
        try:
            return self.request_context(builder.get_environ())
        finally:
            builder.close()

    def test_client(self, use_cookies: bool = True, **kwargs: Any) -> KolbenClient:
        """Return a test client that drives the app through WSGI or ASGI.

        Example::

            client = app.test_client(protocol="asgi")
            assert client.get("/").status_code == 200

        :param use_cookies: keep cookies between requests.
        :param kwargs: passed to the client class: ``protocol="wsgi"``
            (default) or ``"asgi"``, ``allow_subdomain_redirects``.
        """
        from .testing import KolbenClient

        cls = self.test_client_class or KolbenClient
        return cls(
            self._kolben(), self.response_class, use_cookies=use_cookies, **kwargs
        )

    def test_cli_runner(self, **kwargs: Any) -> KolbenCliRunner:
        """Return a click runner that invokes the app's commands in tests.

        :param kwargs: passed to :class:`click.testing.CliRunner`.
        """
        from .cli import KolbenCliRunner

        cls = self.test_cli_runner_class or KolbenCliRunner
        return cls(self._kolben(), **kwargs)

    def _kolben(self) -> Kolben:
        return cast("Kolben", self)
