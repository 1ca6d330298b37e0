"""Security policy headers: Content-Security-Policy, COOP and COEP."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Any, overload

from ._callback import CallbackDict

__all__ = [
    "COEP",
    "COOP",
    "ContentSecurityPolicy",
    "dump_csp_header",
    "parse_csp_header",
]


class COOP(Enum):
    """The values of ``Cross-Origin-Opener-Policy``."""

    UNSAFE_NONE = "unsafe-none"
    SAME_ORIGIN_ALLOW_POPUPS = "same-origin-allow-popups"
    SAME_ORIGIN = "same-origin"


class COEP(Enum):
    """The values of ``Cross-Origin-Embedder-Policy``."""

    UNSAFE_NONE = "unsafe-none"
    REQUIRE_CORP = "require-corp"


class _Directive:
    """One CSP directive as an attribute; ``None`` when it is not set."""

    def __init__(self, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> _Directive: ...
    @overload
    def __get__(self, obj: ContentSecurityPolicy, owner: type[Any]) -> str | None: ...
    def __get__(
        self, obj: ContentSecurityPolicy | None, owner: type[Any]
    ) -> _Directive | str | None:
        if obj is None:
            return self
        return obj.get(self.name)

    def __set__(self, obj: ContentSecurityPolicy, value: str | None) -> None:
        if value is None:
            self.__delete__(obj)
        else:
            obj[self.name] = value

    def __delete__(self, obj: ContentSecurityPolicy) -> None:
        if self.name in obj:
            del obj[self.name]


class ContentSecurityPolicy(CallbackDict[str, str]):
    """The directives of a Content-Security-Policy header, in order.

    A dict from directive (``"script-src"``) to its value (``"'self'"``);
    each CSP level 3 directive is also an attribute with ``_`` for ``-``.

    :param values: the directives, as a mapping or pairs.
    :param on_update: called with the policy after each change.
    """

    base_uri = _Directive("base-uri")
    child_src = _Directive("child-src")
    connect_src = _Directive("connect-src")
    default_src = _Directive("default-src")
    font_src = _Directive("font-src")
    form_action = _Directive("form-action")
    frame_ancestors = _Directive("frame-ancestors")
    frame_src = _Directive("frame-src")
    img_src = _Directive("img-src")
    manifest_src = _Directive("manifest-src")
    media_src = _Directive("media-src")
    navigate_to = _Directive("navigate-to")
    object_src = _Directive("object-src")
    prefetch_src = _Directive("prefetch-src")
    plugin_types = _Directive("plugin-types")
    report_to = _Directive("report-to")
    report_uri = _Directive("report-uri")
    sandbox = _Directive("sandbox")
    script_src = _Directive("script-src")
    script_src_attr = _Directive("script-src-attr")
    script_src_elem = _Directive("script-src-elem")
    style_src = _Directive("style-src")
    style_src_attr = _Directive("style-src-attr")
    style_src_elem = _Directive("style-src-elem")
    worker_src = _Directive("worker-src")

    def __init__(
        self,
        values: Mapping[str, str] | Iterable[tuple[str, str]] | None = (),
        on_update: Callable[[ContentSecurityPolicy], None] | None = None,
    ) -> None:
        """Take the initial directives and a callback run on every change."""
        super().__init__(values, on_update)
        #: Whether the policy came from a header (or was given values).
        self.provided = values is not None

    def to_header(self) -> str:
        """Return the header value, ``"default-src 'self'; img-src *"``."""
        return dump_csp_header(self)

    def __str__(self) -> str:
        """Return the header value."""
        return self.to_header()

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return f"<{type(self).__name__} {self.to_header()!r}>"


def dump_csp_header(header: Mapping[str, str]) -> str:
    """Join CSP directives into a header value.

    :param header: the directives, e.g. a :class:`ContentSecurityPolicy`.
    """
    return "; ".join(f"{key} {value}" for key, value in header.items())


def parse_csp_header(
    value: str | None,
    on_update: Callable[[ContentSecurityPolicy], None] | None = None,
    cls: type[ContentSecurityPolicy] | None = None,
) -> ContentSecurityPolicy:
    """Parse a Content-Security-Policy header. Never raises.

    A directive without a value (no space) is skipped, as browsers skip
    what they cannot read.

    :param value: the header value.
    :param on_update: see :class:`ContentSecurityPolicy`.
    :param cls: the class to return, a subclass of ContentSecurityPolicy.
    """
    if cls is None:
        cls = ContentSecurityPolicy
    if value is None:
        return cls((), on_update)
    items = []
    for policy in value.split(";"):
        directive, space, rest = policy.strip(" \t").partition(" ")
        if space:
            items.append((directive.strip(" \t"), rest.strip(" \t")))
    return cls(items, on_update)
