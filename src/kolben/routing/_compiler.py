"""Compile a map's rules into what the matcher runs: ordered candidates, regexes.

Priority is a total order on *candidates*. Each rule is a candidate as
written (``EXACT``); a rule ending in ``/`` is also a candidate for the path
without it (``SLASH_ADDED``: a 308 when strict, a match when not); a
non-strict rule not ending in ``/`` is also a candidate for the path with
one (``SLASH_DROPPED``, ranked after everything sharing its segments).
Candidates are sorted by their rule's key (see :func:`_keys`), then by
declaration order. A request gets the outcome of the first candidate, in
that order, that matches it and takes its method.

Why a combined regex and not a segment tree: the tree walks the path in
Python, a loop of dict lookups and per-segment regex calls per request,
while a regex made of the rules, in priority order, does the same search in
C with one call. Python's ``re`` tries alternatives in order and
backtracks, which is exactly "the first candidate that matches", and
``Match.lastindex`` names it, because the group wrapping it closes last.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from .converters import BaseConverter
from .parser import Variable
from .rules import Rule, _Bound, _regex, bound_of

EXACT, SLASH_ADDED, SLASH_DROPPED = 0, 1, 2
# Ranks a SLASH_DROPPED candidate after every candidate sharing its segments.
_AFTER_ALL = (2,)

Groups = tuple[tuple[str, int, BaseConverter | None], ...]
# The fast path's answer for one method: (rule, absolute groups, defaults),
# or () for "ask the slow path".
Outcome = tuple[Rule, Groups, dict[str, Any] | None] | tuple[()]
MethodTable = Mapping[str | None, Outcome]
_Compiled = tuple["re.Pattern[str] | None", "list[Alternative | None]"]
_NEVER = re.compile("(?!)")
EMPTY: MethodTable = MappingProxyType({})


class Candidate:
    """One way a rule can match: as written, or with a slash added/dropped.

    :param rule: The bound rule.
    :param kind: ``EXACT``, ``SLASH_ADDED`` or ``SLASH_DROPPED``.
    :param simple: Whether a match needs no redirect check.
    :param has_domains: Whether the subject starts with the domain.
    """

    __slots__ = (
        "group_count",
        "groups",
        "kind",
        "literal",
        "methods",
        "order",
        "prefix",
        "rest",
        "rule",
        "simple",
    )

    def __init__(self, rule: Rule, kind: int, simple: bool, has_domains: bool) -> None:
        bound = bound_of(rule)
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
        #: The literal text before the first variable.
        self.prefix = "".join(i for i in items[:position] if isinstance(i, str))
        rest, groups, next_group = _regex(items[position:], bound.converters, 1)
        if kind == SLASH_ADDED and rest:
            rest += "(?<!/)"  # a path ending in "/" is the EXACT candidate's
        #: The regex for everything after the literal text (no anchor).
        self.rest = rest
        self.groups: Groups = tuple(groups)
        self.group_count = next_group - 1

    def first_segment(self) -> str | None:
        """Return the path's first segment if it is literal, else ``None``."""
        after = self.prefix[1:]
        if "/" in after or self.literal is not None:
            return after.split("/", 1)[0]
        return None


class Alternative:
    """Adjacent candidates with the same regex: one branch of the regex.

    :param candidate: The first candidate.
    :param index: The alternative's position in its bucket.
    """

    __slots__ = ("candidates", "group_count", "index", "prefix", "rest")

    def __init__(self, candidate: Candidate, index: int) -> None:
        self.prefix = candidate.prefix
        self.rest = candidate.rest
        self.group_count = candidate.group_count
        self.index = index
        self.candidates = [candidate]


class Bucket:
    """The candidates sharing a first path segment, compiled into regexes.

    ``regex`` holds only dynamic candidates, for the fast path; the slow
    path's resumable regex (compiled on first use) holds them all. PERF:
    buckets keep each regex small: a match costs time for every group in
    the pattern, so one regex of a thousand rules would be slow to hit.

    :param candidates: The bucket's candidates in priority order.
    """

    __slots__ = ("_resumable", "alternatives", "fast", "regex", "table")

    def __init__(self, candidates: list[Candidate]) -> None:
        self.alternatives = _alternatives(candidates)
        dynamic = [a for a in self.alternatives if a.candidates[0].literal is None]
        regex, table = _compile(dynamic, resumable=False)
        self.regex = regex or _NEVER
        #: Regex group -> the alternative it wraps; empty without a regex.
        self.table = table if regex is not None else []
        #: Per regex group: the method table of the alternative it wraps.
        self.fast = [
            method_table(alt.candidates, group) if alt else EMPTY
            for group, alt in enumerate(table)
        ]
        self._resumable: _Compiled | None = None

    def matching(self, subject: str) -> Iterator[tuple[Alternative, re.Match[str]]]:
        """Yield every alternative matching ``subject``, in priority order.

        The resumable regex's alternative ``i`` only matches a subject
        ending in a character ``<= chr(i)``: appending ``chr(k)`` resumes
        the search after alternative ``k - 1``, in C.

        :param subject: The (domain and) path.
        """
        if self._resumable is None:
            self._resumable = _compile(self.alternatives, resumable=True)
        regex, table = self._resumable
        start = 0
        while regex is not None:
            found = regex.match(subject + chr(start))
            if found is None:
                return
            alternative = table[found.lastindex or 0]
            assert alternative is not None
            yield alternative, found
            start = alternative.index + 1


def candidates(
    rules: list[Rule], has_domains: bool, providers: Mapping[Rule, Any]
) -> list[Candidate]:
    """Return every rule's candidates in priority order.

    :param rules: The rules that match, in declaration order.
    :param has_domains: Whether subjects start with the domain.
    :param providers: Rules needing a ``redirect_defaults`` check.
    """
    ranked: list[tuple[Any, int, int, Candidate]] = []
    for position, (rule, key) in enumerate(zip(rules, _keys(rules), strict=True)):
        simple = rule.redirect_to is None and rule not in providers
        ranked.append(
            (key, position, EXACT, Candidate(rule, EXACT, simple, has_domains))
        )
        if bound_of(rule).slash_variant:
            added = Candidate(rule, SLASH_ADDED, simple, has_domains)
            ranked.append((key, position, SLASH_ADDED, added))
        elif not rule.strict_slashes:
            dropped = Candidate(rule, SLASH_DROPPED, simple, has_domains)
            ranked.append(((*key, _AFTER_ALL), position, SLASH_DROPPED, dropped))
    ranked.sort(key=lambda entry: entry[:3])
    for order, entry in enumerate(ranked):
        entry[3].order = order
    return [entry[3] for entry in ranked]


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
        for part_key, identity in bound_of(rule).parts:
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
            keys = bound_of(rule).build_keys
            found = tuple(
                other
                for other in ordered[:position]
                if other.defaults
                and not other.build_only
                and other.rule != rule.rule
                and bound_of(other).build_keys == keys
            )
            if found:
                providers[rule] = found
    return providers


def build_order(rules: Sequence[Rule]) -> dict[str | None, list[Rule]]:
    """Group rules by endpoint, most specific first, as URL building tries them.

    Aliases (``alias=True``) come after the rules they stand in for; then
    rules needing more values come first, then rules with more defaults;
    ties keep declaration order.

    :param rules: The map's rules.
    """
    grouped: dict[str | None, list[Rule]] = {}
    for rule in rules:
        grouped.setdefault(rule.endpoint, []).append(rule)
    for ordered in grouped.values():
        ordered.sort(
            key=lambda r: (
                r.alias,
                -len(bound_of(r).build_keys),
                -len(r.defaults or ()),
            )
        )
    return grouped


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


def _alternatives(candidates: list[Candidate]) -> list[Alternative]:
    """Group adjacent candidates with the same regex into alternatives."""
    alternatives: list[Alternative] = []
    for candidate in candidates:
        previous = alternatives[-1] if alternatives else None
        if (
            previous is not None
            and previous.prefix == candidate.prefix
            and previous.rest == candidate.rest
        ):
            previous.candidates.append(candidate)
        else:
            alternatives.append(Alternative(candidate, len(alternatives)))
    return alternatives


def _compile(alternatives: list[Alternative], *, resumable: bool) -> _Compiled:
    """Compile alternatives into one regex; map group numbers to them.

    The returned table is indexed by ``Match.lastindex``.
    """
    if not alternatives:
        return None, [None]
    table: list[Alternative | None] = [None]
    branches: list[tuple[str, str]] = []
    for alternative in alternatives:
        end = f"[\\x00-\\U{alternative.index:08x}]\\Z" if resumable else "\\Z"
        branches.append((alternative.prefix, f"({alternative.rest}{end})"))
        table.append(alternative)
        table.extend([None] * alternative.group_count)
    return re.compile(_trie(branches), re.DOTALL), table


def _trie(branches: list[tuple[str, str]]) -> str:
    """Join ``(literal prefix, tail regex)`` branches into one alternation.

    Adjacent branches sharing a first character are grouped behind their
    common prefix, recursively: ``/api/(?:users/...|posts/...)``. PERF: the
    regex engine tests a branch's first character before entering it, so a
    404 or the last of many rules costs a few tests per character of the
    path, not one per rule. Branch order, hence priority, is kept; sorting
    candidates by their static text keeps shared prefixes adjacent.
    """
    out: list[str] = []
    start = 0
    while start < len(branches):
        literal, tail = branches[start]
        end = start + 1
        if literal:
            while end < len(branches) and branches[end][0][:1] == literal[0]:
                end += 1
        if end - start == 1:
            out.append(re.escape(literal) + tail)
        else:
            prefix = _common_prefix([branch[0] for branch in branches[start:end]])
            inner = _trie([(lit[len(prefix) :], t) for lit, t in branches[start:end]])
            out.append(f"{re.escape(prefix)}(?:{inner})")
        start = end
    return "|".join(out)


def _common_prefix(texts: list[str]) -> str:
    """Return the longest common prefix of non-empty ``texts``."""
    shortest, longest = min(texts), max(texts)
    size = 0
    while size < len(shortest) and shortest[size] == longest[size]:
        size += 1
    return shortest[:size]


def method_table(candidates: list[Candidate], group: int) -> MethodTable:
    """Map each method to the fast outcome of the first candidate taking it.

    ``None`` is the key for "any other method"; ``()`` means "ask the slow
    path". WebSocket candidates are left to the slow path.

    :param candidates: Candidates sharing one regex (or one static path).
    :param group: The regex group that wraps them, for absolute groups.
    """
    table: dict[str | None, Outcome] = {}
    for candidate in candidates:
        if candidate.rule.websocket:
            continue
        outcome: Outcome = ()
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
