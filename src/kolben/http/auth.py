"""The ``Authorization`` and ``WWW-Authenticate`` headers (RFC 9110 11)."""

from __future__ import annotations

import base64
import binascii
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, Self

from ._callback import CallbackDict
from .headers import parse_dict_header, quote_header_value

__all__ = ["Authorization", "WWWAuthenticate", "parse_authorization_header"]

# Digest parameters that the RFCs define as tokens, never quoted-strings.
_TOKEN_PARAMS = frozenset({"algorithm", "stale", "nc", "qop"})


def _split_credentials(value: str | None) -> tuple[str, str] | None:
    """Split ``Scheme rest`` into a lower-cased scheme and the rest."""
    if not value:
        return None
    scheme, _, rest = value.strip().partition(" ")
    scheme = scheme.strip().lower()
    if not scheme:
        return None
    return scheme, rest.strip()


def _parse_params(rest: str) -> dict[str, str] | None:
    """Parse ``k=v, k2="v2"`` parameters, or ``None`` if *rest* is a token."""
    # token68 (base64-like) may end in "=" padding; parameters have "=" inside.
    if "=" not in rest.rstrip("="):
        return None
    return {
        key.lower(): "" if value is None else value
        for key, value in parse_dict_header(rest).items()
    }


def _dump_params(params: Mapping[str, str], quote_all: bool) -> str:
    """Format auth parameters as ``k="v", k2=v2``."""
    parts = []
    for key, value in params.items():
        if quote_all and key.lower() not in _TOKEN_PARAMS:
            escaped = value.replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'{key}="{escaped}"')
        else:
            parts.append(f"{key}={quote_header_value(value)}")
    return ", ".join(parts)


class _SchemeValue(ABC):
    """A scheme with either a token or parameters, as both auth headers hold.

    :param auth_type: The scheme, stored lower-cased.
    :param parameters: The scheme's parameters.
    :param token: A token68 value instead of parameters.
    """

    def __init__(
        self,
        auth_type: str,
        parameters: Mapping[str, str] | None = None,
        token: str | None = None,
    ) -> None:
        self.type = auth_type.lower()
        self.parameters: dict[str, str] = dict(parameters or {})
        self.token = token

    def __getattr__(self, name: str) -> str | None:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.parameters.get(name)

    @abstractmethod
    def to_header(self) -> str:
        """Return the header value."""

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _SchemeValue)
        return (self.type, self.parameters, self.token) == (
            other.type,
            other.parameters,
            other.token,
        )

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.to_header()


class Authorization(_SchemeValue):
    """Credentials from an ``Authorization`` header.

    ``Basic`` credentials are in ``parameters`` as ``username`` and
    ``password``; ``Bearer`` and other token schemes set ``token``; schemes
    like Digest set ``parameters``. Parameters are readable as attributes
    (``auth.realm``), ``None`` when missing.

    :param auth_type: The scheme, stored lower-cased.
    :param parameters: The scheme's parameters.
    :param token: The token for token schemes.
    """

    @property
    def username(self) -> str | None:
        """The user name, from the parameters."""
        return self.parameters.get("username")

    @property
    def password(self) -> str | None:
        """The password, from the parameters (Basic only)."""
        return self.parameters.get("password")

    @classmethod
    def from_header(cls, value: str | None) -> Self | None:
        """Parse an ``Authorization`` header; ``None`` if absent or invalid.

        Basic credentials are base64 ``user:pass``, decoded as UTF-8 with a
        latin-1 fallback. Never raises.

        :param value: The header value.
        """
        split = _split_credentials(value)
        if split is None:
            return None
        scheme, rest = split
        if scheme == "basic":
            return cls._from_basic(rest)
        if not rest:
            return None
        if scheme != "bearer":
            params = _parse_params(rest)
            if params is not None:
                return cls(scheme, params)
        return cls(scheme, token=rest)

    @classmethod
    def _from_basic(cls, encoded: str) -> Self | None:
        """Decode Basic credentials; ``None`` for bad base64 or no colon."""
        try:
            raw = base64.b64decode(encoded.encode("ascii"), validate=True)
        except (binascii.Error, ValueError):
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            # RFC 7617 allows other charsets; latin-1 is the old default.
            text = raw.decode("latin-1")
        username, colon, password = text.partition(":")
        if not colon:
            return None
        return cls("basic", {"username": username, "password": password})

    def to_header(self) -> str:
        """Return the credentials as an ``Authorization`` header value."""
        scheme = self.type.title()
        if self.type == "basic":
            pair = f"{self.username or ''}:{self.password or ''}"
            return f"Basic {base64.b64encode(pair.encode()).decode('ascii')}"
        if self.token is not None:
            return f"{scheme} {self.token}"
        return f"{scheme} {_dump_params(self.parameters, quote_all=False)}"

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return f"<{type(self).__name__} {self.type!r}>"


def parse_authorization_header(value: str | None) -> Authorization | None:
    """Parse an ``Authorization`` header; see :meth:`Authorization.from_header`.

    :param value: The header value.
    """
    return Authorization.from_header(value)


class WWWAuthenticate(_SchemeValue):
    """A challenge for a ``WWW-Authenticate`` header, e.g. ``Basic realm="x"``.

    Pass it to :class:`~kolben.http.exceptions.Unauthorized` to send it with
    a 401. Parameters are readable as attributes, ``None`` when missing.

    A response's :attr:`~kolben.response.Response.www_authenticate` sets
    ``_on_update``, so that changing the challenge (``challenge.realm = "y"``,
    ``challenge["realm"] = "y"``, ``challenge.token = ...``) rewrites the
    header.

    :param auth_type: The scheme, e.g. ``"basic"``; stored lower-cased.
    :param parameters: The challenge's parameters, e.g. ``{"realm": "x"}``.
    :param token: A token68 value instead of parameters.
    """

    _on_update: Callable[[WWWAuthenticate], None] | None = None
    _fields = frozenset({"type", "parameters", "token", "_on_update"})

    def _trigger_on_update(self) -> None:
        if self._on_update is not None:
            self._on_update(self)

    def __setattr__(self, name: str, value: Any) -> None:
        """Set a field, or a parameter for any other name."""
        if name not in self._fields:
            self[name] = value
            return
        if name == "parameters":
            value = CallbackDict(value, lambda _: self._trigger_on_update())
        object.__setattr__(self, name, value)
        if name != "_on_update":
            self._trigger_on_update()

    def __delattr__(self, name: str) -> None:
        """Delete a parameter."""
        del self[name]

    def __getitem__(self, key: str) -> str | None:
        """Return a parameter's value."""
        return self.parameters.get(key)

    def __setitem__(self, key: str, value: str | None) -> None:
        """Set a parameter's value."""
        if value is None:
            self.parameters.pop(key, None)
        else:
            self.parameters[key] = value

    def __delitem__(self, key: str) -> None:
        """Delete a parameter."""
        if key in self.parameters:
            del self.parameters[key]

    def __contains__(self, key: str) -> bool:
        """Tell whether the challenge has a parameter."""
        return key in self.parameters

    def get(self, key: str, default: str | None = None) -> str | None:
        """Return a parameter, or ``default`` when it is missing.

        :param key: The parameter, e.g. ``"realm"``.
        :param default: The value for a missing parameter.
        """
        return self.parameters.get(key, default)

    @classmethod
    def from_header(cls, value: str | None) -> Self | None:
        """Parse one challenge; ``None`` if absent or empty. Never raises.

        :param value: The header value.
        """
        split = _split_credentials(value)
        if split is None:
            return None
        scheme, rest = split
        if not rest:
            return cls(scheme)
        params = _parse_params(rest)
        if params is None:
            return cls(scheme, token=rest)
        return cls(scheme, params)

    def to_header(self) -> str:
        """Return the challenge as a header value; parameters are quoted."""
        scheme = self.type.title()
        if self.token is not None:
            return f"{scheme} {self.token}"
        if not self.parameters:
            return scheme
        return f"{scheme} {_dump_params(self.parameters, quote_all=True)}"

    def __repr__(self) -> str:
        """Return a representation for debugging."""
        return f"<{type(self).__name__} {self.to_header()!r}>"
