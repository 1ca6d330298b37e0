"""Rule strings: the parser, converter arguments, binding, matching, building.

Input: a rule string, a NUL, a path to match, a NUL, then a value to build
with. A rule that is not refused at registration must then work: match
and build raise only what they document.
"""

from __future__ import annotations

from typing import Any

from fuzz.harnesses._contract import only_raises, split, text
from kolben.http.exceptions import HTTPException
from kolben.routing import BuildError, Map, Rule
from kolben.routing.parser import parse_rule


def TestOneInput(data: bytes) -> None:
    """Register *data*'s rule; what registers matches and builds cleanly."""
    rule_text, path, value = (text(piece) for piece in split(data, 3))
    if not rule_text.startswith("/"):
        rule_text = "/" + rule_text
    with only_raises(ValueError):
        parse_rule(rule_text)
    url_map = Map([Rule("/static/<path:filename>", endpoint="static")])
    try:
        url_map.add(Rule(rule_text, endpoint="fuzz", methods=["GET", "POST"]))
    except ValueError:
        return  # Refused at registration, with a message naming the rule.
    matched = _match(url_map, "/" + path.lstrip("/"))
    if matched is not None and matched[0].endpoint == "fuzz":
        # The values a rule matched build a URL of that rule again.
        _, built = url_map.build("fuzz", matched[1], method="GET")
        assert built.startswith("/"), built
    arguments = next(url_map.iter_rules("fuzz")).arguments
    with only_raises(BuildError, ValueError):
        # ValueError: a converter's to_url refuses the value, as documented.
        url_map.build("fuzz", dict.fromkeys(arguments, value))


def _match(url_map: Map, path: str) -> tuple[Rule, dict[str, Any]] | None:
    """Match *path*; a routing error (404, 405, a redirect) gives ``None``."""
    for method in ("GET", "PUT"):
        with only_raises(HTTPException):
            return url_map.match(path, method)
    return None
