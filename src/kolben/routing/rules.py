"""URL rules: :class:`Rule`, and what binding one to a map compiles."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from .converters import BaseConverter
from .parser import Variable, parse_rule

if TYPE_CHECKING:
    from .map import Map

__all__ = ["Rule"]

# Static rule text is quoted with the same safe set Werkzeug uses for paths.
_STATIC_SAFE = "!$&'()*+,/:;=@"
# Query strings keep these readable; everything else is percent-encoded.
_QUERY_SAFE = "!$'()*,/:;?@"
_WEBSOCKET_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SLASHES = re.compile("/{2,}")
_PLACEHOLDER = re.compile("<([^<>]+)>")
# How to build a URL part: the leading quoted text, then for each variable
# its name, converter and the quoted text after it.
_BuildOps = tuple[str, tuple[tuple[str, BaseConverter, str], ...]]


class Rule:
    """One URL pattern and what it maps to.

    ``Rule("/users/<int:id>", endpoint="user", methods=["GET"])``. Variables
    use ``<converter(args):name>``; without a converter ``string`` is used.
    If ``methods`` contains ``GET``, ``HEAD`` is added.

    :param string: The rule, starting with ``/``.
    :param endpoint: The name URL building and the app's views use.
    :param methods: Allowed methods (case-insensitive); ``None`` allows all.
    :param defaults: Values passed to the view in addition to the variables;
        another rule of the endpoint with these defaults takes precedence
        when building (and, with ``redirect_defaults``, when matching).
    :param subdomain: The subdomain rule string (may contain variables).
    :param host: The host rule string, used when the map has host matching.
    :param strict_slashes: Redirect ``/foo`` to ``/foo/`` for a rule ending
        in ``/`` (``None``: the map's setting). When off, the rule matches
        either form.
    :param merge_slashes: Redirect a path with repeated slashes to the
        merged form (``None``: the map's setting).
    :param redirect_to: Answer every match with a redirect to this target,
        a rule string whose ``<name>`` placeholders are filled in.
    :param websocket: Match only WebSocket requests.
    :param build_only: Never match; only used to build URLs.
    :param options: Route options the core does not interpret
        (``status_code=``, ``tags=``, ``summary=``, ...), kept in
        :attr:`options` for the batteries that read them. Flask's rule
        class refuses them; kolben keeps them so that
        ``@app.post("/items", status_code=201)`` means something once a
        battery (``kolben.api``) is initialised, and nothing before.
    """

    def __init__(
        self,
        string: str,
        *,
        endpoint: str | None = None,
        methods: Iterable[str] | None = None,
        defaults: Mapping[str, Any] | None = None,
        subdomain: str | None = None,
        host: str | None = None,
        strict_slashes: bool | None = None,
        merge_slashes: bool | None = None,
        redirect_to: str | None = None,
        websocket: bool = False,
        build_only: bool = False,
        alias: bool = False,
        **options: Any,
    ) -> None:
        """Take the pattern, its endpoint, methods, defaults and options."""
        if not isinstance(string, str) or not string.startswith("/"):
            raise ValueError(f"URL rule {string!r} must start with a slash.")
        self.rule = string
        self.endpoint = endpoint
        self.methods = _normalize_methods(string, methods, websocket)
        self.defaults: dict[str, Any] | None = dict(defaults) if defaults else None
        self.subdomain = subdomain
        self.host = host
        self.strict_slashes = strict_slashes
        self.merge_slashes = merge_slashes
        self.redirect_to = redirect_to
        self.websocket = websocket
        self.build_only = build_only
        #: Another URL for an endpoint some other rule names: URL building
        #: tries it only after that rule.
        self.alias = alias
        #: The options given to the route that the core does not use, by
        #: name, as given: public data for the batteries (``kolben.api``
        #: reads ``status_code``, ``tags``, ``responses``, ...).
        self.options: dict[str, Any] = options
        #: Set by the app layer: answer OPTIONS itself for this rule.
        self.provide_automatic_options = False
        #: The map the rule is bound to, once added to one.
        self.map: Map | None = None
        self._items = parse_rule(string)
        # Parse both domain strings now so syntax errors surface here.
        self._subdomain_items = _parse_domain(string, "subdomain", subdomain)
        self._host_items = _parse_domain(string, "host", host)
        #: The names of the rule's variables (domain ones too, once bound).
        self.arguments: frozenset[str] = frozenset(_names(self._items))
        self._bound: _Bound | None = None

    @property
    def is_static(self) -> bool:
        """``True`` when the rule has no variables (in path or domain)."""
        if self._bound is not None:
            return not self._bound.converters
        domain_items = self._subdomain_items + self._host_items
        return not self.arguments and not any(_names(domain_items))

    def bind(self, map: Map) -> None:
        """Bind the rule to ``map``: resolve settings and create converters.

        :class:`Map.add` calls this; a rule can be bound only once.

        :param map: The map the rule belongs to.
        :raises ValueError: If a converter is unknown or rejects its arguments.
        :raises RuntimeError: If the rule is already bound.
        """
        if self.map is not None:
            raise RuntimeError(
                f"{self!r} is already bound to a map; create a new Rule for each map."
            )
        if self.strict_slashes is None:
            self.strict_slashes = map.strict_slashes
        if self.merge_slashes is None:
            self.merge_slashes = map.merge_slashes
        if self.subdomain is None:
            self.subdomain = map.default_subdomain
            self._subdomain_items = parse_rule(self.subdomain)
        domain = self._host_items if map.host_matching else self._subdomain_items
        self._bound = _Bound(self, map, domain)
        self.arguments = frozenset(self._bound.converters)
        self.map = map

    def suitable_for(self, values: Mapping[str, Any], method: str | None) -> bool:
        """Tell whether this rule can build a URL from ``values`` and ``method``.

        Every variable needs a value or a default, and a value given for a
        default must equal it.

        :param values: The values for the URL.
        :param method: The method the URL is for, or ``None``.
        :raises RuntimeError: If the rule is not bound to a map.
        """
        if method is not None and self.methods is not None:
            if method not in self.methods:
                return False
        # PERF: url_for() calls this a lot; compare key sets in C.
        if not values.keys() >= bound_of(self).required:
            return False
        if self.defaults:
            for name, value in self.defaults.items():
                if name in values and values[name] != value:
                    return False
        return True

    def build(
        self, values: Mapping[str, Any], append_unknown: bool = True
    ) -> tuple[str, str]:
        """Return ``(domain_part, path_and_query)`` filled from ``values``.

        :param values: Values for the variables (plus unknown ones for the
            query string); call :meth:`suitable_for` first.
        :param append_unknown: Add values that are not variables or defaults
            as a query string.
        :raises ValidationError: If a converter refuses a value.
        """
        bound = bound_of(self)
        defaults = self.defaults or {}
        domain, variables = bound.domain_ops
        if variables:
            domain = _fill(bound.domain_ops, values, defaults)
        path = _fill(bound.path_ops, values, defaults)
        # PERF: the usual url_for() has no query values; check keys in C.
        if append_unknown and not values.keys() <= bound.build_keys:
            query = _encode_query(values, bound.build_keys, self.map)
            if query:
                path = f"{path}?{query}"
        return domain, path

    def __str__(self) -> str:
        """Return the rule's pattern."""
        return self.rule

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        methods = f" ({', '.join(sorted(self.methods))})" if self.methods else ""
        return f"<{type(self).__name__} {self.rule!r}{methods} -> {self.endpoint}>"


def bound_of(rule: Rule) -> _Bound:
    """Return what binding compiled for ``rule``.

    :param rule: A rule added to a map.
    :raises RuntimeError: If the rule is not bound.
    """
    bound = rule._bound
    if bound is None:
        raise RuntimeError(f"{rule!r} is not bound to a map; add it to a Map first.")
    return bound


def _normalize_methods(
    rule: str, methods: Iterable[str] | None, websocket: bool
) -> frozenset[str] | None:
    """Upper-case ``methods`` and add ``HEAD`` next to ``GET``."""
    if methods is None:
        return None
    if isinstance(methods, str):
        raise TypeError(
            f"'methods' for URL rule {rule!r} must be a list of strings, like"
            f" [{methods!r}], not a string."
        )
    upper = {method.upper() for method in methods}
    if "GET" in upper:
        upper.add("HEAD")
    if websocket and upper - _WEBSOCKET_METHODS:
        raise ValueError(
            f"WebSocket rule {rule!r} can only use GET (plus HEAD and OPTIONS),"
            f" not {sorted(upper - _WEBSOCKET_METHODS)}."
        )
    return frozenset(upper)


def _parse_domain(rule: str, what: str, domain: str | None) -> list[str | Variable]:
    """Parse a rule's subdomain or host; errors name the rule too."""
    if not domain:
        return []
    try:
        return parse_rule(domain)
    except ValueError as exc:
        raise ValueError(f"{exc} It is the {what} of URL rule {rule!r}.") from None


def _names(items: Iterable[str | Variable]) -> Iterable[str]:
    """Yield the variable names among parsed rule items."""
    return (item.name for item in items if isinstance(item, Variable))


def _fill(
    ops: _BuildOps, values: Mapping[str, Any], defaults: Mapping[str, Any]
) -> str:
    """Fill build ops: each variable's value goes through ``to_url``."""
    text, variables = ops
    for name, converter, after in variables:
        value = values[name] if name in values else defaults[name]
        text += converter.to_url(value) + after
    return text


def _encode_query(values: Mapping[str, Any], known: frozenset[str], map: Any) -> str:
    """Encode the values that are not ``known`` as a query string.

    Lists and tuples repeat the key; ``None`` items are dropped; insertion
    order is kept, unless the map sorts parameters (``sort_parameters``).
    """
    pairs: list[tuple[str, Any]] = []
    for key, value in values.items():
        if key in known or value is None:
            continue
        if isinstance(value, (list, tuple)):
            pairs.extend((key, item) for item in value if item is not None)
        else:
            pairs.append((key, value))
    if map is not None and map.sort_parameters:
        pairs.sort(key=map.sort_key)
    return urlencode(pairs, safe=_QUERY_SAFE) if pairs else ""


class _Bound:
    """What binding compiles for a rule: converters, parts, build ops."""

    __slots__ = (
        "build_keys",
        "converters",
        "domain_items",
        "domain_ops",
        "parts",
        "path_items",
        "path_ops",
        "required",
        "slash_variant",
        "static_domain",
        "static_path",
    )

    def __init__(
        self, rule: Rule, map: Map, domain_items: list[str | Variable]
    ) -> None:
        path_items = rule._items
        if rule.merge_slashes:
            path_items = [
                _SLASHES.sub("/", item) if isinstance(item, str) else item
                for item in path_items
            ]
        self.converters = _domain_and_path_converters(
            rule, map, domain_items, path_items
        )
        convs = self.converters
        self.domain_items = domain_items
        self.path_items = path_items
        #: Whether the rule also answers its path without the trailing slash.
        self.slash_variant = _ends_with_slash(path_items)
        self.parts = (_part(domain_items, convs), *_path_parts(path_items, convs))
        self.static_domain = _literal(domain_items)
        self.static_path = _literal(path_items)
        self.domain_ops = _build_ops(domain_items, convs)
        self.path_ops = _build_ops(path_items, convs)
        self.build_keys = frozenset(convs) | frozenset(rule.defaults or ())
        #: The variables a build needs values for: those without a default.
        self.required = frozenset(convs) - frozenset(rule.defaults or ())
        for name in _PLACEHOLDER.findall(rule.redirect_to or ""):
            if name not in convs:
                raise ValueError(
                    f"redirect_to {rule.redirect_to!r} of URL rule {rule.rule!r}"
                    f" uses <{name}>, which is not a variable of the rule."
                )


def _domain_and_path_converters(
    rule: Rule,
    map: Map,
    domain_items: list[str | Variable],
    path_items: list[str | Variable],
) -> dict[str, BaseConverter]:
    """Create the converters of a rule's domain and path, domain first."""
    domain = _converters(rule, map, domain_items)
    for name, converter in domain.items():
        if not converter.part_isolating:
            raise ValueError(
                f"URL rule {rule.rule!r}: the domain variable {name!r} uses a"
                " converter that matches '/', which a host name cannot contain."
            )
    path = _converters(rule, map, path_items)
    clash = sorted(domain.keys() & path.keys())
    if clash:
        raise ValueError(
            f"URL rule {rule.rule!r} uses the variables {clash} in both its"
            " domain and its path; rename one of them."
        )
    return {**domain, **path}


def _converters(
    rule: Rule, map: Map, items: list[str | Variable]
) -> dict[str, BaseConverter]:
    """Instantiate the converters named by ``items`` from ``map.converters``."""
    result: dict[str, BaseConverter] = {}
    for item in items:
        if not isinstance(item, Variable):
            continue
        cls = map.converters.get(item.converter)
        if cls is None:
            raise ValueError(
                f"URL rule {rule.rule!r} uses the unknown converter"
                f" {item.converter!r}. Register it before adding the rule:"
                f" url_map.converters[{item.converter!r}] = YourConverter."
            )
        try:
            converter = cls(map, *item.args, **item.kwargs)
        except (TypeError, ValueError, OverflowError) as exc:
            # OverflowError: int() of an infinite float, e.g. length=1e999.
            raise ValueError(
                f"Converter {item.converter!r} in URL rule {rule.rule!r}"
                f" rejected its arguments: {exc}"
            ) from exc
        _check_regex(rule, converter)
        result[item.name] = converter
    return result


def _check_regex(rule: Rule, converter: BaseConverter) -> None:
    """Check that a converter's regex compiles and has no named groups."""
    try:
        compiled = re.compile(converter.regex)
    except (re.error, OverflowError) as exc:
        # OverflowError: a repeat count past re's limit, e.g. length=10**11.
        raise ValueError(
            f"{type(converter).__name__} in URL rule {rule.rule!r} has an"
            f" invalid regex {converter.regex!r}: {exc}"
        ) from exc
    if compiled.groupindex:
        raise ValueError(
            f"{type(converter).__name__} in URL rule {rule.rule!r}: its regex"
            f" {converter.regex!r} must not use named groups; use (?:...)."
        )


def _regex(
    items: list[str | Variable], convs: Mapping[str, BaseConverter], group: int
) -> tuple[str, list[tuple[str, int, BaseConverter | None]], int]:
    """Return a regex source for ``items``, its groups and the next group.

    Each group entry is ``(name, group, converter)``, ``group`` counting
    from ``group``; the converter is ``None`` when its ``to_python`` is the
    identity. The source has no anchors.
    """
    parts: list[str] = []
    groups: list[tuple[str, int, BaseConverter | None]] = []
    for item in items:
        if isinstance(item, str):
            parts.append(re.escape(item))
            continue
        converter = convs[item.name]
        parts.append(f"({converter.regex})")
        # PERF: skip calling an identity to_python on the hot path.
        identity = type(converter).to_python is BaseConverter.to_python
        groups.append((item.name, group, None if identity else converter))
        group += 1 + re.compile(converter.regex).groups
    return "".join(parts), groups, group


def _ends_with_slash(items: list[str | Variable]) -> bool:
    """Tell whether a path ends with ``/`` and is not ``/`` itself."""
    last = items[-1]
    return isinstance(last, str) and last.endswith("/") and items != ["/"]


def _literal(items: list[str | Variable]) -> str | None:
    """Return the text of items without variables, else ``None``."""
    if any(isinstance(item, Variable) for item in items):
        return None
    return "".join(item for item in items if isinstance(item, str))


def _build_ops(
    items: list[str | Variable], convs: Mapping[str, BaseConverter]
) -> _BuildOps:
    """Return how to build a URL part from parsed items, text quoted."""
    head = ""
    variables: list[tuple[str, BaseConverter, str]] = []
    for item in items:
        if isinstance(item, Variable):
            variables.append((item.name, convs[item.name], ""))
            continue
        text = quote(item, safe=_STATIC_SAFE)
        if variables:
            name, converter, after = variables[-1]
            variables[-1] = (name, converter, after + text)
        else:
            head += text
    return head, tuple(variables)


def _path_parts(
    items: list[str | Variable], convs: Mapping[str, BaseConverter]
) -> list[tuple[tuple[Any, ...], str]]:
    """Return a path's parts as ``(priority key, identity)``, one per segment.

    Segments are split at ``/``. From the first segment holding a converter
    that matches ``/`` (``path``), the rest forms one final part, as in
    Werkzeug, so ``/<path:p>/edit`` outranks ``/<path:p>``.
    """
    segments: list[list[str | Variable]] = [[]]
    for item in items:
        if isinstance(item, Variable):
            segments[-1].append(item)
            continue
        first, *rest = item.split("/")
        if first:
            segments[-1].append(first)
        segments.extend([chunk] if chunk else [] for chunk in rest)
    segments = segments[1:]  # what precedes the leading "/" is always empty
    for index, segment in enumerate(segments):
        if any(
            isinstance(item, Variable) and not convs[item.name].part_isolating
            for item in segment
        ):
            final: list[str | Variable] = []
            for offset, tail in enumerate(segments[index:]):
                final.extend(["/", *tail] if offset else tail)
            segments[index:] = [final]
            break
    return [_part(segment, convs) for segment in segments]


def _part(
    part: list[str | Variable], convs: Mapping[str, BaseConverter]
) -> tuple[tuple[Any, ...], str]:
    """Return one part's priority key (smaller is tried first) and identity.

    Static parts come first. Among parts with converters: more static
    pieces, then longer ones (``/`` only separates pieces), then more
    converters, then lower converter weights (int 50, string 100, path 200).
    The identity tells parts apart; the matcher uses it to break ties.
    """
    identity = _regex(part, convs, 1)[0]
    if all(isinstance(item, str) for item in part):
        return (0, "".join(item for item in part if isinstance(item, str))), identity
    statics: list[int] = []
    weights: list[int] = []
    for item in part:
        if isinstance(item, Variable):
            weights.append(convs[item.name].weight)
            continue
        statics.extend(-len(piece) for piece in item.split("/") if piece)
    key = (1, -len(statics), tuple(statics), -len(weights), tuple(weights))
    return key, identity
