"""Sessions: the ``session`` dict, kept in a signed cookie by default.

:class:`SessionInterface` is the extension point for other back ends; the
default :class:`SecureCookieSessionInterface` signs the session with
itsdangerous and rotates keys through ``SECRET_KEY_FALLBACKS``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import MutableMapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from itsdangerous import BadData, BadSignature, URLSafeTimedSerializer

from .http.cookies import CookieTooLarge
from .json.tag import TaggedJSONSerializer

if TYPE_CHECKING:
    from .app import Kolben
    from .request import Request
    from .response import Response


class SessionTooLarge(CookieTooLarge):
    """The session does not fit in its cookie; saving it would lose it.

    Raised by the cookie session's ``save_session``: in debug and testing
    mode it reaches the developer; in production the request is answered
    with a 500 and this message is logged.
    """

    def __init__(self, size: int, max_size: int) -> None:
        """Take the session's size and the largest cookie browsers keep."""
        ValueError.__init__(
            self,
            f"The session cookie is {size} bytes, over the limit of {max_size}"
            " bytes (MAX_COOKIE_SIZE): browsers would drop it, and the"
            " session's changes would be lost. Store less in the session, or"
            " keep sessions on the server: app.session_interface ="
            " kolben.sessions.RedisSessionInterface(url=...).",
        )
        self.key = "session"
        self.size = size
        self.max_size = max_size


def _vary_cookie(response: Response) -> None:
    """Add ``Cookie`` to the response's Vary header, keeping what it names.

    Every field name of every Vary header the response already has is kept
    (``Vary: Accept-Encoding`` becomes ``Vary: Accept-Encoding, Cookie``);
    nothing is added when Cookie or ``*`` is there.
    """
    headers = response.headers
    values = headers.getlist("Vary")
    if not values:
        headers["Vary"] = "Cookie"
        return
    names = {name.strip().lower() for value in values for name in value.split(",")}
    if "cookie" not in names and "*" not in names:
        # SECURITY: a cache that did not vary on the cookie would hand one
        # user's page, made from their session, to another.
        headers["Vary"] = ", ".join([*values, "Cookie"])


class SessionMixin(MutableMapping[str, Any]):
    """What every session object offers besides being a dict."""

    #: Kept for ``PERMANENT_SESSION_LIFETIME`` rather than the browser session.
    @property
    def permanent(self) -> bool:
        """Whether the cookie outlives the browser session."""
        return bool(self.get("_permanent", False))

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self["_permanent"] = bool(value)

    new = False
    modified = True
    #: Set by the request context whenever the ``session`` is used.
    accessed = False


class SecureCookieSession(dict[str, Any], SessionMixin):
    """A dict that records whether it was read or changed.

    ``modified`` is set by item assignment and deletion; after changing a
    mutable value in place (``session["cart"].append(x)``) set it yourself.
    """

    modified = False
    accessed = False

    def __init__(self, initial: Any = None) -> None:
        """Take the session's initial contents."""
        super().__init__(initial or ())

    def __getitem__(self, key: str) -> Any:
        """Return a value and mark the session as read."""
        self.accessed = True
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        """Return ``session[key]`` or ``default``."""
        self.accessed = True
        return super().get(key, default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        """Return ``session[key]``, setting it to ``default`` if missing."""
        self.accessed = True
        if key not in self:
            self.modified = True
        return super().setdefault(key, default)

    def __setitem__(self, key: str, value: Any) -> None:
        """Set a value and mark the session as changed."""
        self.accessed = self.modified = True
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        """Delete a key and mark the session as changed."""
        self.accessed = self.modified = True
        super().__delitem__(key)

    def pop(self, key: str, *default: Any) -> Any:
        """Remove ``key`` and return its value."""
        self.accessed = self.modified = True
        return super().pop(key, *default)

    def clear(self) -> None:
        """Remove every key."""
        self.accessed = self.modified = True
        super().clear()

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Update from a mapping or pairs."""
        self.accessed = self.modified = True
        super().update(*args, **kwargs)


class NullSession(SecureCookieSession):
    """The session of an app without ``SECRET_KEY``: reading works, writing fails."""

    def _fail(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            "The session is unavailable because no secret key was set. Set"
            " SECRET_KEY on the application (app.secret_key = ... or"
            " app.config['SECRET_KEY'] = ...) to something unique and secret."
        )

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = _fail


class SessionInterface:
    """The interface a session back end implements.

    Subclass it and set ``app.session_interface`` to keep sessions elsewhere.
    """

    null_session_class = NullSession
    #: Whether sessions are pickled, as Flask's flag says; kolben's never are
    #: (the cookie session is tagged JSON, the Redis one too).
    pickle_based = False

    def make_null_session(self, app: Kolben) -> NullSession:
        """Return the session used when the real one cannot be opened."""
        return self.null_session_class()

    def is_null_session(self, obj: object) -> bool:
        """Return whether ``obj`` is a null session (which is never saved)."""
        return isinstance(obj, self.null_session_class)

    def get_cookie_name(self, app: Kolben) -> str:
        """Return the cookie name (``SESSION_COOKIE_NAME``)."""
        return str(app.config["SESSION_COOKIE_NAME"])

    def get_cookie_domain(self, app: Kolben) -> str | None:
        """Return the cookie domain (``SESSION_COOKIE_DOMAIN``)."""
        return app.config["SESSION_COOKIE_DOMAIN"]  # type: ignore[no-any-return]

    def get_cookie_path(self, app: Kolben) -> str:
        """Return the cookie path (``SESSION_COOKIE_PATH`` or ``APPLICATION_ROOT``)."""
        return str(app.config["SESSION_COOKIE_PATH"] or app.config["APPLICATION_ROOT"])

    def get_cookie_httponly(self, app: Kolben) -> bool:
        """Whether the cookie is hidden from JavaScript."""
        return bool(app.config["SESSION_COOKIE_HTTPONLY"])

    def get_cookie_secure(self, app: Kolben) -> bool:
        """Whether the cookie is sent only over HTTPS."""
        return bool(app.config["SESSION_COOKIE_SECURE"])

    def get_cookie_samesite(self, app: Kolben) -> str | None:
        """Return the cookie's SameSite attribute."""
        return app.config["SESSION_COOKIE_SAMESITE"]  # type: ignore[no-any-return]

    def get_cookie_partitioned(self, app: Kolben) -> bool:
        """Whether the cookie is partitioned (CHIPS)."""
        return bool(app.config["SESSION_COOKIE_PARTITIONED"])

    def get_expiration_time(
        self, app: Kolben, session: SessionMixin
    ) -> datetime | None:
        """When a permanent session expires; ``None`` for a browser session."""
        if session.permanent:
            return datetime.now(UTC) + app.permanent_session_lifetime
        return None

    def should_set_cookie(self, app: Kolben, session: SessionMixin) -> bool:
        """Whether to send the cookie: changed, or permanent and refreshed."""
        return session.modified or (
            session.permanent and bool(app.config["SESSION_REFRESH_EACH_REQUEST"])
        )

    def open_session(self, app: Kolben, request: Request) -> SessionMixin | None:
        """Load the session for ``request``; ``None`` gives a null session."""
        raise NotImplementedError

    def save_session(
        self, app: Kolben, session: SessionMixin, response: Response
    ) -> None:
        """Store ``session`` and set what the response needs (a cookie)."""
        raise NotImplementedError


class SecureCookieSessionInterface(SessionInterface):
    """Keep the session in a cookie signed with ``SECRET_KEY``.

    A cookie that was tampered with, signed with an unknown key or expired
    gives an empty session, never an error.
    """

    salt = "cookie-session"
    digest_method = staticmethod(hashlib.sha1)
    key_derivation = "hmac"
    serializer = TaggedJSONSerializer()
    session_class = SecureCookieSession

    def get_signing_serializer(self, app: Kolben) -> URLSafeTimedSerializer | None:
        """Return the serializer for the app's keys, newest first, or ``None``."""
        if not app.secret_key:
            return None
        keys = [app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ())]
        keys = [k.encode() if isinstance(k, str) else k for k in keys]
        # itsdangerous signs with the last key and verifies with all of them.
        return URLSafeTimedSerializer(
            list(reversed(keys)),
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )

    def open_session(self, app: Kolben, request: Request) -> SecureCookieSession | None:
        """Load and verify the session cookie."""
        s = self.get_signing_serializer(app)
        if s is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            sess = self.session_class()
            sess.new = True
            return sess
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data = s.loads(value, max_age=max_age)
        except (BadData, ValueError, TypeError):
            # SECURITY: a forged, stale or garbled cookie starts a new session.
            # BadData covers BadSignature and BadPayload, which itsdangerous
            # raises for a validly signed payload the serializer cannot read.
            sess = self.session_class()
            sess.new = True
            return sess
        return self.session_class(data if isinstance(data, dict) else None)

    def save_session(
        self, app: Kolben, session: SessionMixin, response: Response
    ) -> None:
        """Write the session cookie, or delete it when the session was emptied.

        :raises SessionTooLarge: the cookie would be larger than browsers
            keep (``MAX_COOKIE_SIZE``).
        """
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        secure = self.get_cookie_secure(app)
        partitioned = self.get_cookie_partitioned(app)
        samesite = self.get_cookie_samesite(app)
        httponly = self.get_cookie_httponly(app)
        if session.accessed:
            _vary_cookie(response)
        if not session:
            if session.modified:
                response.delete_cookie(
                    name,
                    path=path,
                    domain=domain,
                    secure=secure,
                    partitioned=partitioned,
                    samesite=samesite,
                    httponly=httponly,
                )
                _vary_cookie(response)
            return
        if not self.should_set_cookie(app, session):
            return
        s = self.get_signing_serializer(app)
        assert s is not None
        value = s.dumps(dict(session))
        try:
            response.set_cookie(
                name,
                value,
                expires=self.get_expiration_time(app, session),
                httponly=httponly,
                domain=domain,
                path=path,
                secure=secure,
                samesite=samesite,
                partitioned=partitioned,
            )
        except CookieTooLarge as e:
            # Never drop the user's data silently: the request fails (a 500
            # in production, whose log says this) rather than losing it.
            raise SessionTooLarge(e.size, e.max_size) from e
        # A permanent session refreshed without being read sends a cookie too.
        _vary_cookie(response)


class RedisSessionInterface(SessionInterface):
    """Keep sessions in Redis; the cookie holds only a signed session id.

    Use it when sessions are large, or must be revocable on the server::

        app.session_interface = RedisSessionInterface(url="redis://localhost/0")

    Needs the ``redis`` package (``pip install kolben[redis]``). Sessions
    expire in Redis after ``PERMANENT_SESSION_LIFETIME``.

    :param client: a ``redis.Redis`` client; made from ``url`` if not given.
    :param url: the Redis URL, when no client is given.
    :param prefix: the prefix of the Redis keys.
    """

    serializer = TaggedJSONSerializer()
    session_class = SecureCookieSession
    salt = "kolben-session-id"

    def __init__(
        self, client: Any = None, url: str | None = None, prefix: str = "session:"
    ) -> None:
        """Take a Redis client or URL, and the key prefix."""
        if client is None:
            try:
                import redis
            except ImportError as e:  # pragma: no cover - depends on the install
                raise RuntimeError(
                    "RedisSessionInterface needs the 'redis' package: install"
                    " it with 'pip install kolben[redis]'."
                ) from e
            client = redis.Redis.from_url(url or "redis://localhost:6379/0")
        self.client = client
        self.prefix = prefix

    def _signer(self, app: Kolben) -> Any:
        from itsdangerous import Signer

        keys = [app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ())]
        return Signer(
            list(reversed(keys)), salt=self.salt, digest_method=hashlib.sha256
        )

    def open_session(self, app: Kolben, request: Request) -> SecureCookieSession | None:
        """Load the session whose signed id the cookie holds."""
        if not app.secret_key:
            return None
        signed = request.cookies.get(self.get_cookie_name(app))
        sid = None
        if signed:
            try:
                sid = self._signer(app).unsign(signed).decode()
            except BadSignature:
                sid = None  # SECURITY: a forged id starts a new session
        data = self.client.get(self.prefix + sid) if sid else None
        if sid is None or data is None:
            sess = self.session_class()
            sess.new = True
            # SECURITY: an id the server does not know is never adopted, so a
            # client (or an attacker planting a cookie) cannot choose it.
            sess.sid = self._new_sid()  # type: ignore[attr-defined]
            return sess
        try:
            values = self.serializer.loads(data)
        except ValueError:
            values = None
        sess = self.session_class(values if isinstance(values, dict) else None)
        sess.sid = sid  # type: ignore[attr-defined]
        return sess

    @staticmethod
    def _new_sid() -> str:
        return secrets.token_urlsafe(32)

    def regenerate(self, session: SessionMixin) -> None:
        """Give ``session`` a new id, keeping its data; the old id stops working.

        Call it when the privileges of a session change, as ``login_user`` and
        ``logout_user`` do: an id planted before login (session fixation) or
        seen before logout leads nowhere afterwards. The new id is sent with
        the response.

        :param session: the current session (``session._get_current_object()``).
        """
        old: str = session.sid  # type: ignore[attr-defined]
        if not session.new:
            self.client.delete(self.prefix + old)
        session.sid = self._new_sid()  # type: ignore[attr-defined]
        session.modified = True

    def save_session(
        self, app: Kolben, session: SessionMixin, response: Response
    ) -> None:
        """Store the session in Redis and send its signed id."""
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        sid: str = session.sid  # type: ignore[attr-defined]
        if session.accessed:
            _vary_cookie(response)
        if not session:
            if session.modified:
                self.client.delete(self.prefix + sid)
                response.delete_cookie(name, path=path, domain=domain)
                _vary_cookie(response)
            return
        if not self.should_set_cookie(app, session):
            return
        lifetime = app.permanent_session_lifetime
        self.client.set(
            self.prefix + sid,
            self.serializer.dumps(dict(session)),
            ex=int(lifetime.total_seconds()),
        )
        response.set_cookie(
            name,
            self._signer(app).sign(sid).decode(),
            expires=self.get_expiration_time(app, session),
            httponly=self.get_cookie_httponly(app),
            domain=domain,
            path=path,
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
            partitioned=self.get_cookie_partitioned(app),
        )
        _vary_cookie(response)


def session_accessed() -> bool:
    """Return whether the current request has read or changed its session.

    A response made after that may differ from visitor to visitor: kolben
    sends it with ``Vary: Cookie``, and a shared cache (``kolben.caching``)
    must not store it. Outside a request, ``False``.
    """
    from .globals import _cv_app

    ctx = _cv_app.get(None)
    sess = ctx._session if ctx is not None else None
    return sess is not None and bool(getattr(sess, "accessed", True))
