"""The matcher behind ``Map.match``: a dict, a dict of regexes, a slow path.

A static path is one dict lookup, which yields a table from method to
outcome. Otherwise the path's first segment picks a :class:`Bucket` (one
dict lookup), whose regex finds the first matching candidate, whose table
gives the outcome for the method. Rules with a variable first segment sit
in a "wild" bucket, tried second because they rank after every rule with a
literal first segment.

The fast path covers what requests usually need. Anything else (a wrong
method, a ``ValidationError``, a redirect, a WebSocket) goes to the slow
path, which walks the matching candidates in order to find the outcome, or
the methods for a 405.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import quote

from kolben.http.exceptions import MethodNotAllowed, NotFound

from ._compiler import (
    SLASH_ADDED,
    Alternative,
    Bucket,
    Candidate,
    Groups,
    MethodTable,
    candidates,
    default_providers,
    method_table,
)
from .converters import ValidationError
from .exceptions import HTTP_TO_WEBSOCKET_RULE, RequestRedirect, WebsocketMismatch
from .rules import Rule, bound_of

__all__ = ["Matcher"]

_SLASHES = re.compile("/{2,}")
_PATH_SAFE = "!$&'()*+,/:;=@"
_PLACEHOLDER = re.compile("<([^<>]+)>")


def _empty_match() -> re.Match[str]:
    """Return a match that stands in on the static path (no groups read)."""
    found = re.compile("").fullmatch("")
    assert found is not None
    return found


_NO_GROUPS = _empty_match()


class _Seen:
    """What the slow path learnt from candidates that did not take a request."""

    __slots__ = ("methods", "websocket_mismatch")

    def __init__(self) -> None:
        self.methods: set[str] = set()
        self.websocket_mismatch = False


class Matcher:
    """Match paths against a snapshot of a map's rules, compiled once.

    :param rules: The map's rules in declaration order.
    :param merge_slashes: The map's ``merge_slashes`` setting.
    :param redirect_defaults: The map's ``redirect_defaults`` setting.
    """

    def __init__(
        self, rules: Sequence[Rule], *, merge_slashes: bool, redirect_defaults: bool
    ) -> None:
        matching = [rule for rule in rules if not rule.build_only]
        self.has_domains = any(bound_of(rule).static_domain != "" for rule in matching)
        self.merge_slashes = merge_slashes
        self._providers = default_providers(rules) if redirect_defaults else {}
        ordered = candidates(matching, self.has_domains, self._providers)
        by_segment: dict[str | None, list[Candidate]] = {}
        for candidate in ordered:
            segment = None if self.has_domains else candidate.first_segment()
            by_segment.setdefault(segment, []).append(candidate)
        self._wild = Bucket(by_segment.pop(None, []))
        self._buckets = {key: Bucket(group) for key, group in by_segment.items()}
        self._static = self._static_tables(ordered)

    def _static_tables(self, ordered: list[Candidate]) -> dict[Any, MethodTable]:
        """Map each static path (and domain) to its method table."""
        by_path: dict[Any, list[Candidate]] = {}
        for candidate in ordered:
            if candidate.literal is not None:
                domain = bound_of(candidate.rule).static_domain or ""
                path = candidate.literal
                key = (domain, path) if self.has_domains else path
                by_path.setdefault(key, []).append(candidate)
        tables: dict[Any, MethodTable] = {}
        for key, group in by_path.items():
            domain, path = key if self.has_domains else ("", key)
            # A dynamic rule can outrank part of a static entry when its
            # converter matches "" (string(minlength=0)): leave those paths
            # to the slow path.
            first = next(self._candidates_matching(domain, path), None)
            safe = first is None or first[0].candidates[0].order > group[-1].order
            tables[key] = method_table(group, 0) if safe else {}
        return tables

    def _candidates_matching(
        self, domain: str, path: str
    ) -> Iterator[tuple[Alternative, re.Match[str]]]:
        """Yield the dynamic alternatives matching a path, in priority order."""
        subject = domain + path
        for bucket in self._buckets_for(path):
            found = bucket.regex.match(subject)
            if found is not None:
                alternative = bucket.table[found.lastindex or 0]
                assert alternative is not None
                yield alternative, found

    def _buckets_for(self, path: str) -> tuple[Bucket, ...]:
        """Return the buckets to search for a path, in priority order."""
        end = path.find("/", 1)
        bucket = self._buckets.get(path[1:end] if end > 0 else path[1:])
        return (bucket, self._wild) if bucket is not None else (self._wild,)

    def match(
        self, path: str, method: str, domain: str, websocket: bool
    ) -> tuple[Rule, dict[str, Any]]:
        """Return the rule and values for a request; see ``Map.match``.

        :param path: The percent-decoded path.
        :param method: The upper-case request method.
        :param domain: The subdomain or host, when the map uses them.
        :param websocket: Whether the request is a WebSocket handshake.
        """
        if self.has_domains:
            if "/" in domain:
                # SECURITY: a "/" would shift the domain/path boundary in the
                # regex subject and let the Host header choose the route.
                raise NotFound()
            key: Any = (domain, path)
            subject = domain + path
        else:
            key = subject = path
        # PERF: a static path is one dict lookup; a dynamic one a regex call.
        table = self._static.get(key)
        found = _NO_GROUPS  # static outcomes read no groups
        if table is None:
            searched = self._search(path, subject)
            if searched is None:
                if self.merge_slashes and "//" in path:
                    return self.slow_match(path, method, domain, websocket)
                raise NotFound()
            table, found = searched
        hit = table.get(method)
        if hit is None:
            hit = table.get(None)
        if not hit or websocket:
            return self.slow_match(path, method, domain, websocket)
        rule, groups, defaults = hit
        values: dict[str, Any] = {}
        try:
            for name, group, converter in groups:
                text = found.group(group)
                values[name] = text if converter is None else converter.to_python(text)
        except ValidationError:
            return self.slow_match(path, method, domain, websocket)
        if defaults:
            values.update(defaults)
        return rule, values

    def _search(
        self, path: str, subject: str
    ) -> tuple[MethodTable, re.Match[str]] | None:
        """Find the first dynamic alternative matching; return its table."""
        end = path.find("/", 1)
        bucket = self._buckets.get(path[1:end] if end > 0 else path[1:], self._wild)
        found = bucket.regex.match(subject)
        if found is None:
            if bucket is self._wild or not self._wild.table:
                return None
            bucket = self._wild
            found = bucket.regex.match(subject)
            if found is None:
                return None
        return bucket.fast[found.lastindex or 0], found

    def slow_match(
        self, path: str, method: str, domain: str, websocket: bool
    ) -> tuple[Rule, dict[str, Any]]:
        """Match by walking every matching candidate in priority order.

        :param path: The percent-decoded path.
        :param method: The upper-case request method.
        :param domain: The subdomain or host, when the map uses them.
        :param websocket: Whether the request is a WebSocket handshake.
        """
        seen = _Seen()
        found = self._first(domain, path, method, websocket, seen)
        if found is not None:
            return self._finish(found[0], found[1], path, method)
        if self.merge_slashes and "//" in path:
            merged = _SLASHES.sub("/", path)
            found = self._first(domain, merged, method, websocket, seen)
            if found is not None and found[0].rule.merge_slashes:
                candidate = found[0]
                if candidate.kind == SLASH_ADDED and candidate.rule.strict_slashes:
                    merged += "/"
                raise RequestRedirect(_location(merged))
        if seen.methods:
            raise MethodNotAllowed(valid_methods=sorted(seen.methods))
        if seen.websocket_mismatch:
            raise WebsocketMismatch(None if websocket else HTTP_TO_WEBSOCKET_RULE)
        raise NotFound()

    def allowed_methods(self, path: str, domain: str) -> set[str]:
        """Return the union of the methods of the rules matching a path.

        :param path: The percent-decoded path.
        :param domain: The subdomain or host, when the map uses them.
        """
        methods: set[str] = set()
        paths = [path]
        if self.merge_slashes and "//" in path:
            paths.append(_SLASHES.sub("/", path))
        for subject_path in paths:
            for alternative, found in self._matching(domain, subject_path):
                for candidate in alternative.candidates:
                    if candidate.kind == SLASH_ADDED or candidate.methods is None:
                        continue
                    if _converts(candidate, found):
                        methods |= candidate.methods
            if methods:
                return methods
        return methods

    def _first(
        self, domain: str, path: str, method: str, websocket: bool, seen: _Seen
    ) -> tuple[Candidate, dict[str, Any]] | None:
        """Return the first candidate that takes the request, and its values."""
        for alternative, found in self._matching(domain, path):
            for candidate in alternative.candidates:
                values = _consider(candidate, found, method, websocket, seen)
                if values is not None:
                    return candidate, values
        return None

    def _matching(
        self, domain: str, path: str
    ) -> Iterator[tuple[Alternative, re.Match[str]]]:
        """Yield every alternative (static ones too) matching, in order."""
        if self.has_domains and "/" in domain:
            return
        subject = domain + path if self.has_domains else path
        for bucket in self._buckets_for(path):
            yield from bucket.matching(subject)

    def _finish(
        self, candidate: Candidate, values: dict[str, Any], path: str, method: str
    ) -> tuple[Rule, dict[str, Any]]:
        """Apply slash, defaults and ``redirect_to`` redirects to a match."""
        rule = candidate.rule
        if candidate.kind == SLASH_ADDED and rule.strict_slashes:
            raise RequestRedirect(_location(path + "/"))
        if rule.defaults:
            values.update(rule.defaults)
        target = self._default_redirect(rule, values, method)
        if target is not None and target != _location(path):
            raise RequestRedirect(target)
        if rule.redirect_to is not None:
            raise RequestRedirect(_redirect_target(rule, values))
        return rule, values

    def _default_redirect(
        self, rule: Rule, values: dict[str, Any], method: str
    ) -> str | None:
        """Return the URL of the first rule whose defaults cover the values."""
        for provider in self._providers.get(rule, ()):
            if provider.suitable_for(values, method):
                merged = {**values, **(provider.defaults or {})}
                try:
                    return provider.build(merged, append_unknown=False)[1]
                except ValidationError:
                    continue
        return None


def _convert(groups: Groups, found: re.Match[str]) -> dict[str, Any]:
    """Return the converted values of a slow-path match.

    :raises ValidationError: If a converter refuses its value.
    """
    base = found.lastindex or 0
    values: dict[str, Any] = {}
    for name, group, converter in groups:
        text = found.group(base + group)
        values[name] = text if converter is None else converter.to_python(text)
    return values


def _converts(candidate: Candidate, found: re.Match[str]) -> bool:
    """Tell whether the converters accept a candidate's matched values."""
    try:
        _convert(candidate.groups, found)
    except ValidationError:
        return False
    return True


def _consider(
    candidate: Candidate,
    found: re.Match[str],
    method: str,
    websocket: bool,
    seen: _Seen,
) -> dict[str, Any] | None:
    """Return a candidate's values if it takes the request, noting why not."""
    methods = candidate.methods
    allowed = methods is None or method in methods
    if candidate.kind == SLASH_ADDED and (
        not allowed or candidate.rule.websocket != websocket
    ):
        # As in Werkzeug: only offer the slash redirect to a request the
        # rule would take, so it does not turn a 405 into a redirect.
        return None
    try:
        values = _convert(candidate.groups, found)
    except ValidationError:
        return None
    if methods is not None and not allowed:
        seen.methods |= methods
        return None
    if candidate.rule.websocket != websocket:
        seen.websocket_mismatch = True
        return None
    return values


def _location(path: str) -> str:
    r"""Return a path as a safe redirect target.

    SECURITY: percent-encoding keeps ``\``, spaces and CR/LF out of the
    ``Location`` header, and a leading ``//`` would name another host.
    """
    quoted = quote(path, safe=_PATH_SAFE)
    if quoted.startswith("//"):
        quoted = "/" + quoted.lstrip("/")
    return quoted


def _redirect_target(rule: Rule, values: dict[str, Any]) -> str:
    """Fill a rule's ``redirect_to`` placeholders with the matched values."""
    target = rule.redirect_to or ""
    converters = bound_of(rule).converters
    filled = _PLACEHOLDER.sub(
        lambda found: converters[found[1]].to_url(values[found[1]]), target
    )
    if "://" in filled:
        return filled
    return "/" + filled.lstrip("/")
