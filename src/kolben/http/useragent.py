"""The ``User-Agent`` request header, kept as an opaque string."""

from __future__ import annotations

__all__ = ["UserAgent"]


class UserAgent:
    """The client's ``User-Agent`` string.

    No browser or platform sniffing is done: such guesses go stale quickly
    and Werkzeug dropped them too. Parse ``string`` with a dedicated library
    (e.g. ``ua-parser``) if you need them.

    :param string: The header value.
    """

    __slots__ = ("string",)

    def __init__(self, string: str) -> None:
        """Take the header's value."""
        self.string = string

    def to_header(self) -> str:
        """Return the header value."""
        return self.string

    def __str__(self) -> str:
        """Return the header value."""
        return self.string

    def __bool__(self) -> bool:
        """Tell whether the header is non-empty."""
        return bool(self.string)

    def __eq__(self, other: object) -> bool:
        """Compare the header values."""
        if isinstance(other, UserAgent):
            return self.string == other.string
        return NotImplemented

    def __hash__(self) -> int:
        """Hash the header value."""
        return hash(self.string)

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return f"<{type(self).__name__} {self.string!r}>"
