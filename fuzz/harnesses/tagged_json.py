"""The tagged-JSON serializer that sessions are stored with.

Input: a serialized session, as the cookie or Redis would hold it.
"""

from __future__ import annotations

from kolben.json.tag import TaggedJSONSerializer

_SERIALIZER = TaggedJSONSerializer()


def TestOneInput(data: bytes) -> None:
    """Load *data*; only ValueError escapes, and what loads dumps stably."""
    try:
        value = _SERIALIZER.loads(data)
    except ValueError:
        return
    dumped = _SERIALIZER.dumps(value)
    # Tags round-trip: what loads from a dump dumps to the same text.
    assert _SERIALIZER.dumps(_SERIALIZER.loads(dumped)) == dumped, dumped
