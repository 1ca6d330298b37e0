"""Who may see the debug page, and in which format they want it."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from ..http.accept import MIMEAccept, parse_accept_header

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
