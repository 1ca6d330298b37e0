"""Flask's signals, sent through blinker.

PERF: kolben sends a signal only when it has receivers, so an app that does
not connect to these pays nothing for them.
"""

from __future__ import annotations

from typing import Any

from blinker import ANY, NamedSignal, Namespace

#: Whether a receiver was ever connected to one of these signals. Until one
#: is, the request pipeline skips looking at each signal: PERF, a handful of
#: attribute reads on every request.
ever_connected = False


class _Signal(NamedSignal):
    """A blinker signal that notes its first receiver in ``ever_connected``."""

    def connect(self, receiver: Any, sender: Any = ANY, weak: bool = True) -> Any:
        """Connect ``receiver``, as blinker does; see ``ever_connected``."""
        global ever_connected
        ever_connected = True
        return super().connect(receiver, sender, weak)


class _Namespace(Namespace):
    def signal(self, name: str, doc: str | None = None) -> NamedSignal:
        if name not in self:
            self[name] = _Signal(name, doc)
        return self[name]


_signals = _Namespace()

template_rendered = _signals.signal("template-rendered")
before_render_template = _signals.signal("before-render-template")
request_started = _signals.signal("request-started")
request_finished = _signals.signal("request-finished")
request_tearing_down = _signals.signal("request-tearing-down")
got_request_exception = _signals.signal("got-request-exception")
appcontext_tearing_down = _signals.signal("appcontext-tearing-down")
appcontext_pushed = _signals.signal("appcontext-pushed")
appcontext_popped = _signals.signal("appcontext-popped")
message_flashed = _signals.signal("message-flashed")
