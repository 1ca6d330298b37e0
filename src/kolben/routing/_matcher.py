"""The compiled matcher behind ``Map.match``: a dict for static rules, a regex.

Why a combined regex and not a segment tree: the tree walks the path in
Python, a loop of dict lookups and per-segment regex calls for every
request, while a regex made of every dynamic rule, in priority order, does
the same search in C with one call. Python's ``re`` tries alternatives in
order and backtracks, which is exactly "first rule in priority order that
matches"; ``Match.lastindex`` names the rule, because the group wrapping it
is the last to close.

Priority is a total order on *candidates*. Each rule is a candidate as
written (``EXACT``); a rule ending in ``/`` is also a candidate for the path
without it (``SLASH_ADDED``: a 308 when strict, a match when not); a
non-strict rule not ending in ``/`` is also a candidate for the path with
one (``SLASH_DROPPED``, ranked after everything sharing its segments).
Candidates are sorted by the rule's key (see ``rules._part_key``), then
declaration order. Whatever outcome a request gets is the outcome of the
first candidate, in that order, that matches it and takes its method.

The fast path covers what requests usually need. Everything else (a wrong
method, a ``ValidationError``, a redirect, a WebSocket) goes to the slow
path, which walks the matching candidates in order. It uses a second regex
whose alternative ``i`` only matches a subject ending in a character
``<= chr(i)``: appending ``chr(k)`` resumes the search after candidate
``k - 1``, in C, instead of looping over every rule in Python. Both regexes
share literal prefixes between rules (see ``_trie``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

from kolben.http.exceptions import MethodNotAllowed, NotFound

from .converters import BaseConverter, ValidationError
from .exceptions import RequestRedirect, WebsocketMismatch
from .parser import Variable
from .rules import Rule, _Bound, _regex

EXACT, SLASH_ADDED, SLASH_DROPPED = 0, 1, 2
# Ranks a SLASH_DROPPED candidate after every candidate sharing its segments.
_AFTER_ALL = (2,)
_SLASHES = re.compile("/{2,}")
_PATH_SAFE = "!$&'()*+,/:;=@"
_PLACEHOLDER = re.compile("<([^<>]+)>")
# Literal text splits into chunks ending at each "/" to share prefixes in the
# regex; branches then start with a segment's first character, which the
# regex engine checks before entering a branch.
_CHUNK = re.compile("[^/]*/|[^/]+")

_Groups = tuple[tuple[str, int, BaseConverter | None], ...]
# The fast path's answer for one method: (rule, absolute groups, defaults),
# or () for "ask the slow path".
_Outcome = tuple[Rule, _Groups, dict[str, Any] | None] | tuple[()]
_Compiled = tuple["re.Pattern[str] | None", "list[_Alternative | None]"]
_NEVER = re.compile("(?!)")


def _empty_match() -> re.Match[str]:
    """Return a match that stands in on the static path (no groups read)."""
    found = re.compile("").fullmatch("")
    assert found is not None
    return found


_NO_GROUPS = _empty_match()
_EMPTY: Mapping[str | None, _Outcome] = MappingProxyType({})


class _Candidate:
    """One way a rule can match: as written, or with a slash added/dropped."""

    __slots__ = (
        "chunks",
        "group_count",
        "groups",
        "kind",
        "literal",
        "methods",
        "order",
        "rest",
        "rule",
        "simple",
    )

    def __init__(
        self, rule: Rule, bound: _Bound, kind: int, simple: bool, has_domains: bool
    ) -> None:
        self.rule = rule
        self.kind = kind
        self.methods = rule.methods
        self.order = 0
        #: Whether the fast path may return this candidate's match as is.
        self.simple = simple and (kind != SLASH_ADDED or not rule.strict_slashes)
        #: The exact path this candidate answers, when it has no variables.
        self.literal = None
        if bound.static_domain is not None:
            self.literal = _literal_path(bound.static_path, kind)
        items = _candidate_items(bound, kind, has_domains)
        position = 0
        while position < len(items) and isinstance(items[position], str):
            position += 1
        literal = "".join(item for item in items[:position] if isinstance(item, str))
        #: The leading literal text, in chunks that end at each "/".
        self.chunks = tuple(_CHUNK.findall(literal))
        rest, groups, next_group = _regex(items[position:], bound.converters, 1)
        if kind == SLASH_ADDED and rest:
            rest += "(?<!/)"  # a path ending in "/" is the EXACT candidate's
        #: The regex for everything after the literal text (no anchor).
        self.rest = rest
        self.groups: _Groups = tuple(groups)
        self.group_count = next_group - 1


class _Alternative:
    """Adjacent candidates with the same regex: one branch of the regex."""

    __slots__ = ("candidates", "chunks", "group_count", "index", "rest")

    def __init__(self, candidate: _Candidate, index: int) -> None:
        self.chunks = candidate.chunks
        self.rest = candidate.rest
        self.group_count = candidate.group_count
        self.index = index
        self.candidates = [candidate]


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
        self.has_domains = any(_bound(rule).static_domain != "" for rule in matching)
        self.merge_slashes = merge_slashes
        self._providers = default_providers(rules) if redirect_defaults else {}
        candidates = self._candidates(matching)
        self._alternatives = _alternatives(candidates)
        dynamic = [
            alt for alt in self._alternatives if alt.candidates[0].literal is None
        ]
        regex, self._fast_table = _compile(dynamic, resumable=False)
        self._fast_regex = regex or _NEVER
        self._fast = [
            _method_table(alt.candidates, group) if alt else _EMPTY
            for group, alt in enumerate(self._fast_table)
        ]
        self._static = self._static_entries(candidates)
        self._resumable: _Compiled | None = None

    def _candidates(self, rules: list[Rule]) -> list[_Candidate]:
        """Return every rule's candidates in priority order."""
        ranked: list[tuple[Any, int, int, _Candidate]] = []
        for position, (rule, key) in enumerate(zip(rules, _keys(rules), strict=True)):
            bound = _bound(rule)
            simple = rule.redirect_to is None and rule not in self._providers
            domains = self.has_domains
            exact = _Candidate(rule, bound, EXACT, simple, domains)
            ranked.append((key, position, EXACT, exact))
            if bound.slash_variant:
                added = _Candidate(rule, bound, SLASH_ADDED, simple, domains)
                ranked.append((key, position, SLASH_ADDED, added))
            elif not rule.strict_slashes:
                dropped = _Candidate(rule, bound, SLASH_DROPPED, simple, domains)
                ranked.append(((*key, _AFTER_ALL), position, SLASH_DROPPED, dropped))
        ranked.sort(key=lambda entry: entry[:3])
        for order, entry in enumerate(ranked):
            entry[3].order = order
        return [entry[3] for entry in ranked]

    def _static_entries(
        self, candidates: list[_Candidate]
    ) -> dict[Any, Mapping[str | None, _Outcome]]:
        """Map each static path (and domain) to its answer per method."""
        by_path: dict[Any, list[_Candidate]] = {}
        for candidate in candidates:
            if candidate.literal is not None:
                key = self._key(_bound(candidate.rule).static_domain, candidate.literal)
                by_path.setdefault(key, []).append(candidate)
        entries: dict[Any, Mapping[str | None, _Outcome]] = {}
        for key, group in by_path.items():
            entries[key] = _method_table(group, 0)
            subject = "".join(key) if self.has_domains else key
            found = self._fast_regex.match(subject)
            if found is not None:
                alternative = self._fast_table[found.lastindex or 0]
                if alternative is not None:
                    if alternative.candidates[0].order < group[-1].order:
                        # A dynamic rule outranks part of this entry (a
                        # converter that matches ""): always ask the slow path.
                        entries[key] = _EMPTY
        return entries

    def _key(self, domain: str | None, path: str) -> Any:
        """Return the static table's key for a domain and a path."""
        return (domain, path) if self.has_domains else path

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
        found = _NO_GROUPS  # static outcomes have no groups to read
        if table is None:
            match = self._fast_regex.match(subject)
            if match is None:
                if self.merge_slashes and "//" in path:
                    return self.slow_match(path, method, domain, websocket)
                raise NotFound()
            found = match
            table = self._fast[found.lastindex or 0]
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
            raise WebsocketMismatch()
        raise NotFound()

    def allowed_methods(self, path: str, domain: str) -> set[str]:
        """Return the union of the methods of the rules matching a path.

        :param path: The percent-decoded path.
        :param domain: The subdomain or host, when the map uses them.
        """
        if self.has_domains and "/" in domain:
            return set()
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
                break
        return methods

    def _first(
        self, domain: str, path: str, method: str, websocket: bool, seen: _Seen
    ) -> tuple[_Candidate, dict[str, Any]] | None:
        """Return the first candidate that takes the request, and its values."""
        for alternative, found in self._matching(domain, path):
            for candidate in alternative.candidates:
                values = _consider(candidate, found, method, websocket, seen)
                if values is not None:
                    return candidate, values
        return None

    def _matching(
        self, domain: str, path: str
    ) -> Iterator[tuple[_Alternative, re.Match[str]]]:
        """Yield every alternative whose regex matches, in priority order."""
        if self._resumable is None:
            self._resumable = _compile(self._alternatives, resumable=True)
        regex, table = self._resumable
        if regex is None:
            return
        subject = domain + path if self.has_domains else path
        start = 0
        while True:
            found = regex.match(subject + chr(start))
            if found is None:
                return
            alternative = table[found.lastindex or 0]
            assert alternative is not None
            yield alternative, found
            start = alternative.index + 1

    def _finish(
        self, candidate: _Candidate, values: dict[str, Any], path: str, method: str
    ) -> tuple[Rule, dict[str, Any]]:
        """Apply slash, defaults and ``redirect_to`` redirects to a match."""
        rule = candidate.rule
        if candidate.kind == SLASH_ADDED and rule.strict_slashes:
            raise RequestRedirect(_location(path + "/"))
        if rule.defaults:
            values.update(rule.defaults)
        for provider in self._providers.get(rule, ()):
            if provider.suitable_for(values, method):
                try:
                    _, target = provider.build(
                        {**values, **(provider.defaults or {})}, append_unknown=False
                    )
                except ValidationError:
                    continue
                if target != _location(path):
                    raise RequestRedirect(target)
                break
        if rule.redirect_to is not None:
            raise RequestRedirect(_redirect_target(rule, values))
        return rule, values


def _keys(rules: list[Rule]) -> list[tuple[Any, ...]]:
    """Return each rule's priority key: its parts' keys, with tie-breaks.

    Two converter parts of equal weight at the same place are ordered by
    the first rule (in declaration order) that has the part there, after
    the same preceding parts. The result is Werkzeug's depth-first order:
    at each segment static text first, converters by weight, then
    declaration order, and a rule is only left for the next one at a
    segment when nothing below it matches.
    """
    first_seen: dict[tuple[str, ...], int] = {}
    keys: list[tuple[Any, ...]] = []
    for position, rule in enumerate(rules):
        identities: tuple[str, ...] = ()
        key: list[tuple[Any, ...]] = []
        for part_key, identity in _bound(rule).parts:
            identities += (identity,)
            first = first_seen.setdefault(identities, position)
            key.append(part_key if part_key[0] == 0 else (*part_key, first))
        keys.append(tuple(key))
    return keys


def default_providers(rules: Sequence[Rule]) -> dict[Rule, tuple[Rule, ...]]:
    """Map rules to the same-endpoint rules whose defaults they redirect to.

    As in Werkzeug: with ``/`` (defaults ``{"page": 1}``) and ``/<int:page>``
    for one endpoint, ``/1`` redirects to ``/``.

    :param rules: The map's rules.
    """
    providers: dict[Rule, tuple[Rule, ...]] = {}
    for ordered in build_order(rules).values():
        for position, rule in enumerate(ordered):
            keys = _bound(rule).build_keys
            found = tuple(
                other
                for other in ordered[:position]
                if other.defaults
                and not other.build_only
                and other.rule != rule.rule
                and _bound(other).build_keys == keys
            )
            if found:
                providers[rule] = found
    return providers


def build_order(rules: Sequence[Rule]) -> dict[str | None, list[Rule]]:
    """Group rules by endpoint, most specific first, as URL building tries them.

    Rules needing more values come first, then rules with more defaults;
    ties keep declaration order.

    :param rules: The map's rules.
    """
    grouped: dict[str | None, list[Rule]] = {}
    for rule in rules:
        grouped.setdefault(rule.endpoint, []).append(rule)
    for ordered in grouped.values():
        ordered.sort(key=lambda r: (-len(_bound(r).build_keys), -len(r.defaults or ())))
    return grouped


def _bound(rule: Rule) -> _Bound:
    """Return the compiled form of a bound rule."""
    bound = rule._bound
    if bound is None:
        raise RuntimeError(f"{rule!r} is not bound to a map.")
    return bound


def _literal_path(static_path: str | None, kind: int) -> str | None:
    """Return the literal path a static candidate answers, else ``None``."""
    if static_path is None:
        return None
    if kind == SLASH_ADDED:
        return static_path[:-1]
    if kind == SLASH_DROPPED:
        return static_path + "/"
    return static_path


def _candidate_items(
    bound: _Bound, kind: int, has_domains: bool
) -> list[str | Variable]:
    """Return what a candidate matches: domain (if used) and path items."""
    path = list(bound.path_items)
    last = path[-1]
    if kind == SLASH_ADDED and isinstance(last, str):
        path[-1:] = [last[:-1]] if last != "/" else []
    elif kind == SLASH_DROPPED:
        path[-1:] = [last + "/"] if isinstance(last, str) else [last, "/"]
    return [*bound.domain_items, *path] if has_domains else path


def _alternatives(candidates: list[_Candidate]) -> list[_Alternative]:
    """Group adjacent candidates with the same regex into alternatives."""
    alternatives: list[_Alternative] = []
    for candidate in candidates:
        previous = alternatives[-1] if alternatives else None
        if (
            previous is not None
            and previous.chunks == candidate.chunks
            and previous.rest == candidate.rest
        ):
            previous.candidates.append(candidate)
        else:
            alternatives.append(_Alternative(candidate, len(alternatives)))
    return alternatives


def _compile(alternatives: list[_Alternative], *, resumable: bool) -> _Compiled:
    """Compile alternatives into one regex; map group numbers to them.

    The returned table is indexed by ``Match.lastindex``. A resumable regex
    expects one more character at the end of the subject: alternative ``i``
    only matches when that character is ``<= chr(i)``.
    """
    if not alternatives:
        return None, [None]
    table: list[_Alternative | None] = [None]
    branches: list[tuple[tuple[str, ...], str]] = []
    for alternative in alternatives:
        end = f"[\\x00-\\U{alternative.index:08x}]\\Z" if resumable else "\\Z"
        branches.append((alternative.chunks, f"({alternative.rest}{end})"))
        table.append(alternative)
        table.extend([None] * alternative.group_count)
    return re.compile(_trie(branches, 0), re.DOTALL), table


def _trie(branches: list[tuple[tuple[str, ...], str]], depth: int) -> str:
    """Join branches into an alternation, factoring out shared literal chunks.

    PERF: ``(?:/api(?:/users...|/posts...)|/blog...)`` lets the regex engine
    reject a whole group of rules on one character, so a 404 or a late rule
    costs a few branch tests, not one per rule. Branch order is kept.
    """
    out: list[str] = []
    start = 0
    while start < len(branches):
        chunks, tail = branches[start]
        if depth >= len(chunks):
            out.append(tail)
            start += 1
            continue
        end = start + 1
        while (
            end < len(branches)
            and len(branches[end][0]) > depth
            and branches[end][0][depth] == chunks[depth]
        ):
            end += 1
        if end - start == 1:
            out.append("".join(re.escape(chunk) for chunk in chunks[depth:]) + tail)
        else:
            inner = _trie(branches[start:end], depth + 1)
            out.append(f"{re.escape(chunks[depth])}(?:{inner})")
        start = end
    return "|".join(out)


def _method_table(
    candidates: list[_Candidate], group: int
) -> Mapping[str | None, _Outcome]:
    """Map each method to the fast outcome of the first candidate taking it.

    ``None`` is the key for "any other method"; ``()`` means "ask the slow
    path". WebSocket candidates are left to the slow path.

    :param candidates: Candidates sharing one regex (or one static path).
    :param group: The regex group that wraps them, for absolute groups.
    """
    table: dict[str | None, _Outcome] = {}
    for candidate in candidates:
        if candidate.rule.websocket:
            continue
        outcome: _Outcome = ()
        if candidate.simple:
            rule = candidate.rule
            groups = tuple((n, group + offset, c) for n, offset, c in candidate.groups)
            outcome = (rule, groups, rule.defaults)
        if candidate.methods is None:
            table.setdefault(None, outcome)
            break
        for method in candidate.methods:
            table.setdefault(method, outcome)
    return table


def _convert(groups: _Groups, found: re.Match[str] | None, base: int) -> dict[str, Any]:
    """Return the converted values of a match.

    :raises ValidationError: If a converter refuses its value.
    """
    assert found is not None
    values: dict[str, Any] = {}
    for name, group, converter in groups:
        text = found.group(base + group)
        values[name] = text if converter is None else converter.to_python(text)
    return values


def _converts(candidate: _Candidate, found: re.Match[str]) -> bool:
    """Tell whether the converters accept a candidate's matched values."""
    try:
        _convert(candidate.groups, found, found.lastindex or 0)
    except ValidationError:
        return False
    return True


def _consider(
    candidate: _Candidate,
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
        values = _convert(candidate.groups, found, found.lastindex or 0)
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
    """Return a path as a safe redirect target.

    SECURITY: percent-encoding keeps ``\\``, spaces and CR/LF out of the
    ``Location`` header, and a leading ``//`` would name another host.
    """
    quoted = quote(path, safe=_PATH_SAFE)
    if quoted.startswith("//"):
        quoted = "/" + quoted.lstrip("/")
    return quoted


def _redirect_target(rule: Rule, values: dict[str, Any]) -> str:
    """Fill a rule's ``redirect_to`` placeholders with the matched values."""
    target = rule.redirect_to or ""
    converters = _bound(rule).converters
    filled = _PLACEHOLDER.sub(
        lambda found: converters[found[1]].to_url(values[found[1]]), target
    )
    if "://" in filled:
        return filled
    return "/" + filled.lstrip("/")
