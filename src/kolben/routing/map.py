"""The URL map: a set of rules, matched against paths and used to build URLs."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Iterator, Mapping
from pprint import pformat
from typing import Any

from ._compiler import build_order
from ._matcher import Matcher
from .adapter import MapAdapter
from .converters import DEFAULT_CONVERTERS, BaseConverter, ValidationError
from .exceptions import BuildError
from .rules import Rule

__all__ = ["Map"]


class _BuildIndex:
    """Rules per endpoint in build order, and constant URLs for the common case.

    :param rules: The map's rules in declaration order.
    """

    __slots__ = ("constants", "rules")

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = build_order(rules)
        #: endpoint -> (domain, path) of ``build(endpoint)`` when that is fixed.
        self.constants: dict[str | None, tuple[str, str]] = {}
        for endpoint, ordered in self.rules.items():
            for method in ("GET", None):
                rule = next((r for r in ordered if r.suitable_for({}, method)), None)
                if rule is not None:
                    if rule.is_static:
                        self.constants[endpoint] = rule.build({}, append_unknown=False)
                    break


class Map:
    """The URL rules of an application, matched and built without binding.

    ``match`` and ``build`` take everything per call; nothing is allocated
    per request besides the result. The matcher is compiled on the first
    ``match`` after rules changed, so add every rule before serving.

    :param rules: Rules to add right away.
    :param strict_slashes: Redirect ``/foo`` to ``/foo/`` for rules ending in
        a slash; rules can override it.
    :param merge_slashes: Redirect paths with repeated slashes to the merged
        path; rules can override it.
    :param redirect_defaults: Redirect ``/page/1`` to ``/`` when a rule of the
        same endpoint has ``defaults={"page": 1}``.
    :param host_matching: Match rules' ``host`` against the full host instead
        of ``subdomain`` against the subdomain.
    :param converters: Converters to add to (or replace in) the defaults.
    :param default_subdomain: The subdomain of rules that do not set one.
    :param sort_parameters: Sort the query arguments of built URLs.
    :param sort_key: The sort key for them, given ``(name, value)``.
    """

    def __init__(
        self,
        rules: Iterable[Rule] | None = None,
        *,
        strict_slashes: bool = True,
        merge_slashes: bool = True,
        redirect_defaults: bool = True,
        host_matching: bool = False,
        converters: Mapping[str, type[BaseConverter]] | None = None,
        default_subdomain: str = "",
        sort_parameters: bool = False,
        sort_key: Callable[[Any], Any] | None = None,
    ) -> None:
        """Take the rules, slash handling, host matching and converters."""
        self.strict_slashes = strict_slashes
        self.sort_parameters = sort_parameters
        self.sort_key = sort_key
        self.merge_slashes = merge_slashes
        self.redirect_defaults = redirect_defaults
        self.host_matching = host_matching
        self.default_subdomain = default_subdomain
        #: Converter name -> class; extend it before adding rules that use it.
        self.converters: dict[str, type[BaseConverter]] = dict(DEFAULT_CONVERTERS)
        if converters:
            self.converters.update(converters)
        self._rules: list[Rule] = []
        self._by_endpoint: dict[str | None, list[Rule]] = {}
        self._matcher: Matcher | None = None
        self._build_index: _BuildIndex | None = None
        for rule in rules or ():
            self.add(rule)

    def add(self, rule: Rule) -> None:
        """Bind ``rule`` to this map and add it.

        Converters are created now, so an unknown converter or bad
        arguments fail here, at registration.

        :param rule: An unbound rule.
        :raises ValueError: If the rule's converters are unknown or invalid.
        """
        if not isinstance(rule, Rule):
            raise TypeError(f"Map.add() takes a Rule, not {type(rule).__name__}.")
        rule.bind(self)
        self._rules.append(rule)
        self._by_endpoint.setdefault(rule.endpoint, []).append(rule)
        # Adding a rule invalidates the compiled matcher and build index.
        self._matcher = None
        self._build_index = None

    def iter_rules(self, endpoint: str | None = None) -> Iterator[Rule]:
        """Iterate over all rules, or one endpoint's, in declaration order.

        :param endpoint: Only yield this endpoint's rules.
        """
        if endpoint is None:
            return iter(list(self._rules))
        return iter(list(self._by_endpoint.get(endpoint, ())))

    def is_endpoint_expecting(self, endpoint: str, *arguments: str) -> bool:
        """Tell whether a rule of ``endpoint`` has all of ``arguments``.

        Useful in ``url_defaults`` functions, as in Flask's docs.

        :param endpoint: The endpoint to look at.
        :param arguments: Variable names.
        """
        wanted = set(arguments)
        return any(wanted <= rule.arguments for rule in self.iter_rules(endpoint))

    def __iter__(self) -> Iterator[Rule]:
        """Iterate over all rules in declaration order."""
        return self.iter_rules()

    def __len__(self) -> int:
        """Return the number of rules."""
        return len(self._rules)

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return f"{type(self).__name__}({pformat(self._rules)})"

    def _compile(self) -> Matcher:
        """Compile the matcher for the current rules and keep it."""
        matcher = Matcher(
            self._rules,
            merge_slashes=self.merge_slashes,
            redirect_defaults=self.redirect_defaults,
        )
        self._matcher = matcher
        return matcher

    def matcher(self) -> Matcher:
        """Return the compiled matcher for the rules added so far.

        Its ``match(path, method, domain, websocket)`` is :meth:`match` with
        every argument given, for a caller that matches many requests; a rule
        added later is not in it.
        """
        return self._matcher or self._compile()

    def match(
        self,
        path: str,
        method: str = "GET",
        *,
        domain: str = "",
        websocket: bool = False,
    ) -> tuple[Rule, dict[str, Any]]:
        """Return the rule matching a request and its converted values.

        The values include the rule's ``defaults``.

        :param path: The percent-decoded path, starting with ``/``.
        :param method: The request method, upper-case.
        :param domain: The subdomain (``""`` for none), or the host with host
            matching. Ignored when no rule has a subdomain or host.
        :param websocket: Whether the request is a WebSocket handshake.
        :raises NotFound: If no rule matches.
        :raises MethodNotAllowed: If rules match but none takes ``method``.
        :raises RequestRedirect: If the URL should be redirected.
        :raises WebsocketMismatch: If only rules of the other protocol match.
        """
        matcher = self._matcher or self._compile()
        return matcher.match(path, method, domain, websocket)

    def allowed_methods(self, path: str, *, domain: str = "") -> set[str]:
        """Return the methods of every rule matching ``path``.

        Used for the ``Allow`` header and automatic ``OPTIONS``. Rules that
        take any method add nothing.

        :param path: The percent-decoded path.
        :param domain: As for :meth:`match`.
        """
        matcher = self._matcher or self._compile()
        return matcher.allowed_methods(path, domain)

    def bind(
        self,
        server_name: str,
        script_name: str | None = None,
        subdomain: str | None = None,
        url_scheme: str = "http",
        default_method: str = "GET",
        path_info: str | None = None,
        query_args: str | Mapping[str, Any] | None = None,
    ) -> MapAdapter:
        """Return an adapter that matches and builds for one host.

        Example::

            adapter = app.url_map.bind("example.com")
            adapter.build("index", force_external=True)  # "http://example.com/"

        :param server_name: the host (and port).
        :param script_name: the prefix the app is mounted at; ``/`` by default.
        :param subdomain: the current subdomain; ``default_subdomain`` by default.
        :param url_scheme: the scheme of external URLs.
        :param default_method: the method ``match`` uses by default.
        :param path_info: the path ``match`` matches by default; ``/``.
        :param query_args: the query string redirects carry over.
        """
        server_name = server_name.lower()
        if self.host_matching:
            if subdomain is not None:
                raise RuntimeError(
                    "The map matches hosts, so it has no subdomain: bind it"
                    " without 'subdomain'."
                )
        elif subdomain is None:
            subdomain = self.default_subdomain
        return MapAdapter(
            self,
            server_name,
            script_name or "/",
            subdomain,
            url_scheme,
            path_info or "/",
            default_method,
            query_args,
        )

    def bind_to_environ(
        self,
        environ: Mapping[str, Any],
        server_name: str | None = None,
        subdomain: str | None = None,
    ) -> MapAdapter:
        """Return an adapter for the request a WSGI environ describes.

        :param environ: a WSGI environ, or an object with an ``environ``.
        :param server_name: the configured host; the request's by default.
            The subdomain is then what the request's host adds to it, or
            ``"<invalid>"`` (nothing matches) if the host is not under it.
        :param subdomain: the current subdomain, instead of working it out.
        """
        env: Mapping[str, Any] = getattr(environ, "environ", environ)
        scheme = str(env.get("wsgi.url_scheme", "http"))
        host = env.get("HTTP_HOST") or (
            f"{env.get('SERVER_NAME', 'localhost')}:{env.get('SERVER_PORT', '80')}"
        )
        host = _strip_default_port(str(host).lower(), scheme)
        server_name = host if server_name is None else server_name.lower()
        server_name = _strip_default_port(server_name, scheme)
        if subdomain is None and not self.host_matching:
            subdomain = subdomain_of(host, server_name)
        return self.bind(
            server_name,
            env.get("SCRIPT_NAME", ""),
            subdomain,
            scheme,
            env.get("REQUEST_METHOD", "GET"),
            env.get("PATH_INFO", ""),
            env.get("QUERY_STRING", ""),
        )

    def build(
        self,
        endpoint: str,
        values: Mapping[str, Any] | None = None,
        *,
        method: str | None = None,
        domain: str | None = None,
        append_unknown: bool = True,
    ) -> tuple[str, str]:
        """Build ``(domain_part, path_and_query)`` for an endpoint.

        The first rule of the endpoint (most specific first) that has every
        value it needs is used; a value for a default must equal it. Values
        that are ``None`` are dropped; the others that are not variables go
        to the query string (lists repeat the key).

        :param endpoint: The endpoint to build for.
        :param values: Values for the rule's variables, and for the query.
        :param method: Only use rules allowing this method. By default rules
            allowing ``GET`` are preferred.
        :param domain: Prefer a rule whose domain part builds to this.
        :param append_unknown: Put unknown values into the query string.
        :raises BuildError: If no rule can be built; it says what to change.
        """
        index = self._build_index
        if index is None:
            index = self._build_index = _BuildIndex(self._rules)
        if not values and method is None:
            # PERF: url_for() of a static rule is a dict lookup and a check.
            constant = index.constants.get(endpoint)
            if constant is not None and (domain is None or domain == constant[0]):
                return constant
        given = {k: v for k, v in values.items() if v is not None} if values else {}
        rules = index.rules.get(endpoint, [])
        for attempt in ("GET", None) if method is None else (method,):
            built = _build_first(rules, given, attempt, domain, append_unknown)
            if built is not None:
                return built
        raise BuildError(endpoint, given, method, rules=self._rules)


def _build_first(
    rules: list[Rule],
    values: Mapping[str, Any],
    method: str | None,
    domain: str | None,
    append_unknown: bool,
) -> tuple[str, str] | None:
    """Build with the first suitable rule, preferring one on ``domain``."""
    first: tuple[str, str] | None = None
    for rule in rules:
        if not rule.suitable_for(values, method):
            continue
        try:
            built = rule.build(values, append_unknown)
        except ValidationError:
            continue
        if domain is None or built[0] == domain:
            return built
        if first is None:
            first = built
    return first


def _strip_default_port(host: str, scheme: str) -> str:
    port = ":443" if scheme in ("https", "wss") else ":80"
    return host[: -len(port)] if host.endswith(port) else host


def subdomain_of(host: str, server_name: str) -> str:
    """Return what ``host`` adds in front of ``server_name``.

    Labels are compared whole, and an IP address is never under a name:
    ``127.0.0.1`` is not a subdomain of ``0.0.1``.

    :param host: the request's host, lower-case.
    :param server_name: the configured host, lower-case.
    :return: the subdomain, ``""`` for the name itself, or ``"<invalid>"``
        (which no rule matches) for a host that is not under it.
    """
    if host == server_name:
        return ""
    if _is_ip(host):
        return "<invalid>"
    labels = host.split(".")
    wanted = server_name.split(".")
    if labels[-len(wanted) :] != wanted:
        return "<invalid>"
    return ".".join(labels[: -len(wanted)])


def _is_ip(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return host.startswith("[")
    return True
