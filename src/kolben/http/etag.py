"""Entity tags and the evaluation of conditional request headers."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from .dates import parse_date

__all__ = [
    "ETags",
    "evaluate_preconditions",
    "generate_etag",
    "is_resource_modified",
    "parse_etags",
    "precondition_failed",
    "quote_etag",
    "unquote_etag",
]

# One entity tag in a list: weak or strong quoted, "*", or a bare token that
# some clients send without quotes.
_ETAG_RE = re.compile(r'\s*(?:(W/)?"([^"]*)"|(\*)|([^\s,"]+))\s*(?:,|$)', re.I)


class ETags:
    """A set of entity tags from ``If-Match`` or ``If-None-Match``.

    Tags are stored unquoted. ``star_tag`` is set for ``*``, which matches
    every tag.

    :param strong_etags: Strong tags, unquoted.
    :param weak_etags: Weak tags, unquoted, without ``W/``.
    :param star_tag: Whether the header was ``*``.
    """

    __slots__ = ("_strong", "_weak", "star_tag")

    def __init__(
        self,
        strong_etags: Iterable[str] | None = None,
        weak_etags: Iterable[str] | None = None,
        star_tag: bool = False,
    ) -> None:
        """Take the strong and weak tags, and whether ``*`` was given."""
        self._strong = frozenset(strong_etags or ())
        self._weak = frozenset(weak_etags or ())
        self.star_tag = star_tag

    def as_set(self, include_weak: bool = False) -> set[str]:
        """Return the strong tags, and the weak ones if asked, as a set.

        :param include_weak: Include the weak tags.
        """
        result = set(self._strong)
        if include_weak:
            result.update(self._weak)
        return result

    def is_weak(self, etag: str) -> bool:
        """Return whether *etag* (unquoted) is one of the weak tags.

        :param etag: The unquoted tag.
        """
        return etag in self._weak

    def is_strong(self, etag: str) -> bool:
        """Return whether *etag* (unquoted) is one of the strong tags.

        :param etag: The unquoted tag.
        """
        return etag in self._strong

    def contains(self, etag: str) -> bool:
        """Return whether *etag* matches by strong comparison, or ``*`` was set.

        :param etag: The unquoted tag.
        """
        return self.star_tag or etag in self._strong

    def contains_weak(self, etag: str) -> bool:
        """Return whether *etag* matches by weak comparison.

        :param etag: The unquoted tag.
        """
        return self.star_tag or etag in self._strong or etag in self._weak

    def contains_raw(self, etag: str) -> bool:
        """Match a quoted tag, weak (``W/"x"``) or strong, as a client sent it.

        :param etag: The quoted tag.
        """
        value, weak = unquote_etag(etag)
        if value is None:
            return False
        return self.contains_weak(value) if weak else self.contains(value)

    def to_header(self) -> str:
        """Return the tags as a header value."""
        if self.star_tag:
            return "*"
        tags = [quote_etag(tag) for tag in sorted(self._strong)]
        tags.extend(quote_etag(tag, weak=True) for tag in sorted(self._weak))
        return ", ".join(tags)

    def __contains__(self, etag: object) -> bool:
        """Tell whether ``etag`` matches one of the tags."""
        return isinstance(etag, str) and self.contains(etag)

    def __iter__(self) -> Iterator[str]:
        """Iterate over the strong tags."""
        return iter(self._strong)

    def __len__(self) -> int:
        """Return the number of strong tags."""
        return len(self._strong)

    def __bool__(self) -> bool:
        """Tell whether any tag (or ``*``) was given."""
        return bool(self.star_tag or self._strong or self._weak)

    def __eq__(self, other: object) -> bool:
        """Compare the tags with another set's."""
        if not isinstance(other, ETags):
            return NotImplemented
        return (self.star_tag, self._strong, self._weak) == (
            other.star_tag,
            other._strong,
            other._weak,
        )

    def __hash__(self) -> int:
        """Hash the tags."""
        return hash((self.star_tag, self._strong, self._weak))

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return f"<{type(self).__name__} {self.to_header()!r}>"


def parse_etags(value: str | None) -> ETags:
    """Parse an ``If-Match``/``If-None-Match`` value; never raises.

    Unparseable parts are skipped.

    :param value: The header value, or ``None``.
    """
    if not value:
        return ETags()
    strong: list[str] = []
    weak: list[str] = []
    for match in _ETAG_RE.finditer(value):
        is_weak, quoted, star, bare = match.groups()
        if star:
            return ETags(star_tag=True)
        if quoted is not None:
            (weak if is_weak else strong).append(quoted)
        elif bare:
            strong.append(bare)
    return ETags(strong, weak)


def quote_etag(etag: str, weak: bool = False) -> str:
    """Quote an entity tag for a header: ``"x"`` or ``W/"x"``.

    :param etag: The unquoted tag.
    :param weak: Mark the tag as weak.
    :raises ValueError: If the tag contains a double quote.
    """
    if '"' in etag:
        raise ValueError(f"Invalid entity tag {etag!r}: it contains a quote.")
    quoted = f'"{etag}"'
    return f"W/{quoted}" if weak else quoted


def unquote_etag(value: str | None) -> tuple[str | None, bool]:
    """Split a tag as sent into its value and whether it is weak.

    ``W/"x"`` gives ``("x", True)``; an unquoted value is returned as is.

    :param value: The tag, quoted or not, or ``None``.
    """
    if not value:
        return None, False
    value = value.strip()
    weak = value[:2] in ("W/", "w/")
    if weak:
        value = value[2:]
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value, weak


def generate_etag(data: bytes) -> str:
    """Return an unquoted entity tag for *data*: its SHA-1 hex digest.

    :param data: The representation's bytes.
    """
    # SHA-1 only identifies content here; collisions are no security issue.
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def evaluate_preconditions(
    method: str,
    *,
    if_match: str | None = None,
    if_none_match: str | None = None,
    if_modified_since: str | None = None,
    if_unmodified_since: str | None = None,
    etag: str | None = None,
    last_modified: datetime | None = None,
) -> int | None:
    """Evaluate conditional headers in RFC 9110 section 13.2.2 order.

    Returns ``412`` when ``If-Match``/``If-Unmodified-Since`` fail (or
    ``If-None-Match`` matches for a method other than GET/HEAD), ``304``
    when a GET/HEAD can be answered "Not Modified", else ``None``.

    :param method: The request method.
    :param if_match: The ``If-Match`` header.
    :param if_none_match: The ``If-None-Match`` header.
    :param if_modified_since: The ``If-Modified-Since`` header.
    :param if_unmodified_since: The ``If-Unmodified-Since`` header.
    :param etag: The current representation's tag, quoted or not.
    :param last_modified: When the representation last changed.
    """
    current, current_weak = unquote_etag(etag)
    last = _truncate(last_modified)
    if if_match:
        etags = parse_etags(if_match)
        # If-Match uses strong comparison: a weak tag never matches.
        matched = etags.star_tag or (
            current is not None and not current_weak and etags.contains(current)
        )
        if not matched:
            return 412
    elif if_unmodified_since and last is not None:
        since = parse_date(if_unmodified_since)
        if since is not None and last > since:
            return 412
    safe = method.upper() in ("GET", "HEAD")
    if if_none_match:
        etags = parse_etags(if_none_match)
        if etags.star_tag or (current is not None and etags.contains_weak(current)):
            return 304 if safe else 412
    elif if_modified_since and safe and last is not None:
        since = parse_date(if_modified_since)
        if since is not None and last <= since:
            return 304
    return None


def is_resource_modified(
    method: str,
    *,
    if_none_match: str | None,
    if_modified_since: str | None,
    if_match: str | None = None,
    if_unmodified_since: str | None = None,
    etag: str | None = None,
    last_modified: datetime | None = None,
    ignore_if_range: bool = True,
    if_range: str | None = None,
) -> bool:
    """Return ``False`` when a "304 Not Modified" answer is due.

    With ``ignore_if_range=False`` and an ``If-Range`` value, answer instead
    whether the representation changed since the validator in ``If-Range``
    (``False`` means a requested range may be served). Check
    :func:`precondition_failed` first for 412.

    :param method: The request method.
    :param if_none_match: The ``If-None-Match`` header.
    :param if_modified_since: The ``If-Modified-Since`` header.
    :param if_match: The ``If-Match`` header.
    :param if_unmodified_since: The ``If-Unmodified-Since`` header.
    :param etag: The current representation's tag, quoted or not.
    :param last_modified: When the representation last changed.
    :param ignore_if_range: Ignore ``if_range``.
    :param if_range: The ``If-Range`` header.
    """
    if not ignore_if_range and if_range:
        return not _if_range_matches(if_range, etag, last_modified)
    result = evaluate_preconditions(
        method,
        if_match=if_match,
        if_none_match=if_none_match,
        if_modified_since=if_modified_since,
        if_unmodified_since=if_unmodified_since,
        etag=etag,
        last_modified=last_modified,
    )
    return result != 304


def precondition_failed(
    method: str,
    *,
    if_match: str | None = None,
    if_none_match: str | None = None,
    if_unmodified_since: str | None = None,
    etag: str | None = None,
    last_modified: datetime | None = None,
) -> bool:
    """Return ``True`` when the request must be answered "412".

    :param method: The request method.
    :param if_match: The ``If-Match`` header.
    :param if_none_match: The ``If-None-Match`` header.
    :param if_unmodified_since: The ``If-Unmodified-Since`` header.
    :param etag: The current representation's tag, quoted or not.
    :param last_modified: When the representation last changed.
    """
    result = evaluate_preconditions(
        method,
        if_match=if_match,
        if_none_match=if_none_match,
        if_unmodified_since=if_unmodified_since,
        etag=etag,
        last_modified=last_modified,
    )
    return result == 412


def _if_range_matches(
    if_range: str, etag: str | None, last_modified: datetime | None
) -> bool:
    """Return whether an ``If-Range`` validator matches the representation."""
    value = if_range.strip()
    if value[:1] == '"' or value[:2] in ("W/", "w/"):
        tag, weak = unquote_etag(value)
        current, current_weak = unquote_etag(etag)
        # RFC 9110 13.1.5: If-Range needs a strong comparison.
        return not weak and not current_weak and current is not None and tag == current
    since = parse_date(value)
    last = _truncate(last_modified)
    return since is not None and last is not None and last == since


def _truncate(value: datetime | None) -> datetime | None:
    """Make a datetime aware UTC with whole seconds, as HTTP dates are."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.replace(microsecond=0)
