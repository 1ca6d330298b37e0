"""The test client's cookie jar: what a browser keeps between requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from .http.cookies import parse_cookie
from .http.dates import parse_date
from .http.headers import Headers


@dataclass
class Cookie:
    """A cookie the jar holds."""

    key: str
    value: str
    domain: str = "localhost"
    path: str = "/"
    expires: datetime | None = None
    secure: bool = False
    http_only: bool = False
    same_site: str | None = None

    @property
    def decoded_key(self) -> str:
        """The cookie name (Flask's test client name for it)."""
        return self.key

    @property
    def decoded_value(self) -> str:
        """The value with cookie quoting undone."""
        parsed = parse_cookie(f"{self.key}={self.value}")
        return str(parsed.get(self.key, self.value))

    def matches(self, host: str, path: str) -> bool:
        """Whether a request to ``host`` and ``path`` carries this cookie."""
        hostname = host.partition(":")[0].lower()
        domain = self.domain.lstrip(".").lower()
        if hostname != domain and not hostname.endswith("." + domain):
            return False
        return path == self.path or path.startswith(self.path.rstrip("/") + "/")


class CookieJar:
    """Cookies by (domain, path, name), set from Set-Cookie headers."""

    def __init__(self) -> None:
        self._cookies: dict[tuple[str, str, str], Cookie] = {}

    def get(self, key: str, domain: str, path: str) -> Cookie | None:
        """Return the cookie stored under exactly this name, domain and path."""
        return self._cookies.get((domain, path, key))

    def set(self, key: str, value: str, domain: str, path: str) -> None:
        """Store a cookie."""
        self._cookies[(domain, path, key)] = Cookie(key, value, domain, path)

    def delete(self, key: str, domain: str, path: str) -> None:
        """Forget a cookie."""
        self._cookies.pop((domain, path, key), None)

    def header_for(self, host: str, path: str) -> str:
        """Return the Cookie header for a request, or ``""``."""
        now = datetime.now(UTC)
        pairs = [
            f"{c.key}={c.value}"
            for c in self._cookies.values()
            if c.matches(host, path) and (c.expires is None or c.expires > now)
        ]
        return "; ".join(pairs)

    def extract(self, host: str, request_path: str, headers: Headers) -> None:
        """Store or delete cookies from a response's Set-Cookie headers."""
        default_domain = host.partition(":")[0]
        default_path = request_path.rsplit("/", 1)[0] or "/"
        for header in headers.getlist("Set-Cookie"):
            cookie = _parse_set_cookie(header, default_domain, default_path)
            if cookie is None:
                continue
            key = (cookie.domain, cookie.path, cookie.key)
            if cookie.expires is not None and cookie.expires <= datetime.now(UTC):
                self._cookies.pop(key, None)
            else:
                self._cookies[key] = cookie


def _parse_set_cookie(header: str, domain: str, path: str) -> Cookie | None:
    first, *attrs = header.split(";")
    pair = parse_cookie(first)
    if not pair:
        return None
    key = next(iter(pair))
    # Send the value back exactly as the server wrote it (quoted or not).
    raw_value = first.partition("=")[2].strip()
    cookie = Cookie(key, raw_value, domain, path)
    for attr in attrs:
        name, _, val = attr.strip().partition("=")
        name = name.lower()
        if name == "domain" and val:
            cookie.domain = val.lstrip(".")
        elif name == "path" and val:
            cookie.path = val
        elif name == "expires":
            cookie.expires = (
                parse_date(val) if cookie.expires is None else cookie.expires
            )
        elif name == "max-age" and val.lstrip("-").isdigit():
            seconds = int(val)
            cookie.expires = datetime.fromtimestamp(
                datetime.now(UTC).timestamp() + seconds, UTC
            )
        elif name == "secure":
            cookie.secure = True
        elif name == "httponly":
            cookie.http_only = True
        elif name == "samesite":
            cookie.same_site = val
    return cookie
