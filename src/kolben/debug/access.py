"""Who may see the debug page, and in which format they want it."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..http.accept import MIMEAccept, parse_accept_header
from ..http.headers import parse_list_header

if TYPE_CHECKING:
    from ..request import Request

#: Set in the WSGI environ (or ASGI scope) by Werkzeug's or kolben's
#: ``ProxyFix`` once it has applied the forwarding headers of the proxies it
#: was told to trust: the values from before.
PROXY_FIX_KEY = "werkzeug.proxy_fix.orig"
#: Set by kolben's ``ProxyFix`` to the client address it took from
#: ``X-Forwarded-For``, or ``None`` (``kolben.middleware.proxy_fix.FOR_KEY``).
PROXY_FIX_FOR_KEY = "kolben.proxy_fix.for"

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_is_allowed(remote_addr: str | None, allowed: Iterable[str] = ()) -> bool:
    """Return whether a client at ``remote_addr`` may see the debug page.

    Loopback clients (``127.0.0.0/8``, ``::1`` and ``::ffff:127.x.x.x``) are
    always allowed; others only inside one of the ``allowed`` networks.

    Example::

        client_is_allowed("10.1.2.3", ["10.0.0.0/8"])  # True

    :param remote_addr: The client's IP address; ``None`` or anything that
        is not an IP address is refused.
    :param allowed: Networks or single addresses, e.g. ``"10.0.0.0/8"`` or
        ``"192.168.1.5"``. Entries that do not parse are ignored.
    """
    # SECURITY: the page shows source code, local variables and request
    # headers. Fail closed: anything we cannot parse is refused, and only
    # loopback or networks the developer listed explicitly get through.
    if not isinstance(remote_addr, str):
        return False
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    candidates: list[_Address] = [address]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        # An IPv4 client seen through a dual-stack socket.
        candidates.append(address.ipv4_mapped)
    if any(candidate.is_loopback for candidate in candidates):
        return True
    networks = _parse_networks(allowed)
    return any(candidate in network for candidate in candidates for network in networks)


def request_may_see_page(
    request: Request,
    allowed: Iterable[str] = (),
    trusted_hosts: Iterable[str] = (),
) -> bool:
    """Return whether the client of ``request`` may see the debug page.

    Three checks, all of which must pass:

    - the peer is loopback or in ``allowed`` (:func:`client_is_allowed`);
    - if the request carries forwarding headers (``Forwarded``,
      ``X-Forwarded-*``, ``X-Real-IP``), the peer is a proxy that ``allowed``
      names explicitly, and the client it forwards for is allowed too; a
      proxy on the same host would otherwise make every client look local.
      Once ``ProxyFix`` (kolben's, the ``PROXY_FIX`` setting, or Werkzeug's)
      has taken the client address from the proxies it trusts, that address
      is checked instead, and the peer it came from must be allowed too;
    - the ``Host`` is a loopback name or address, or in ``trusted_hosts``:
      a DNS-rebinding page in the developer's browser names its own host.

    :param request: The request that failed.
    :param allowed: ``DEBUG_ALLOWED_CLIENTS``.
    :param trusted_hosts: ``TRUSTED_HOSTS``.
    """
    # SECURITY: fail closed; any part that cannot be read refuses the page.
    try:
        if not _host_is_allowed(request, trusted_hosts):
            return False
        forwarded = _forwarded_clients(request)
        if forwarded is None:
            return client_is_allowed(request.remote_addr, allowed)
        peer = _peer_before_proxy_fix(request)
        if peer is not None:
            # The address ProxyFix set, from a peer allowed to be a proxy.
            return client_is_allowed(peer, allowed) and client_is_allowed(
                request.remote_addr, allowed
            )
        if not _names_explicitly(request.remote_addr, allowed):
            return False
        return bool(forwarded) and all(
            client_is_allowed(client, allowed) for client in forwarded
        )
    except Exception:
        return False


def _peer_before_proxy_fix(request: Request) -> str | None:
    """Return the peer whose forwarded client ProxyFix made the client, if any.

    ``None`` when no ProxyFix ran, or kolben's ran without taking the address
    from ``X-Forwarded-For`` (``x_for=0``, or fewer values than it trusts):
    the forwarding headers then came from a peer nobody configured.
    """
    env = request.scope if request.scope is not None else request.environ
    orig = env.get(PROXY_FIX_KEY)
    if not isinstance(orig, dict):
        return None
    if PROXY_FIX_FOR_KEY in env and env[PROXY_FIX_FOR_KEY] is None:
        return None
    peer = orig.get("REMOTE_ADDR")
    return peer if isinstance(peer, str) else None


def _forwarded_clients(request: Request) -> list[str] | None:
    """Return the clients the forwarding headers name; ``None`` if none are sent.

    The last hop of each header counts: it was added by the proxy next to us.
    """
    clients: list[str] = []
    found = False
    for name, value in request.headers.items():
        lower = name.lower()
        if lower == "forwarded":
            found = True
            last = parse_list_header(value)[-1:] or [""]
            for pair in last[0].split(";"):
                key, _, client = pair.strip().partition("=")
                if key.lower() == "for":
                    clients.append(client.strip('"[]').rsplit("]:", 1)[0])
        elif lower in ("x-forwarded-for", "x-real-ip"):
            found = True
            clients.append(value.rsplit(",", 1)[-1].strip())
        elif lower.startswith("x-forwarded-"):
            found = True
    return clients if found else None


def _names_explicitly(remote_addr: str | None, allowed: Iterable[str]) -> bool:
    """Return whether ``remote_addr`` is in a network ``allowed`` lists."""
    if not isinstance(remote_addr, str):
        return False
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    return any(address in network for network in _parse_networks(allowed))


def _host_is_allowed(request: Request, trusted_hosts: Iterable[str]) -> bool:
    """Return whether the Host is loopback, or trusted by the app."""
    host = request.host
    hostname = host.rpartition(":")[0] if host.rfind(":") > host.rfind("]") else host
    hostname = hostname.strip("[]").lower()
    if hostname == "localhost" or hostname.endswith(".localhost"):
        return True
    try:
        if ipaddress.ip_address(hostname).is_loopback:
            return True
    except ValueError:
        pass
    trusted = list(trusted_hosts)
    if not trusted:
        return False
    request.check_trusted_host(trusted)
    return True


def _parse_networks(allowed: Iterable[str]) -> list[_Network]:
    """Parse the allowed networks, skipping entries that are not networks."""
    if isinstance(allowed, str):
        # A single string would otherwise be iterated character by character.
        allowed = (allowed,)
    networks: list[_Network] = []
    for entry in allowed:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            continue
    return networks


def wants_json(accept_header: str | None) -> bool:
    """Return whether the client prefers ``application/json`` to HTML.

    Ties go to HTML, so a browser's ``*/*`` gets the page.

    :param accept_header: The request's ``Accept`` header, or ``None``.
    """
    accept = parse_accept_header(accept_header, MIMEAccept)
    best = accept.best_match(("text/html", "application/json"))
    return best == "application/json"
