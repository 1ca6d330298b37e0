"""Read values out of a Prometheus text exposition."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    """Return every sample of ``text`` as ``(name, labels, value)``."""
    return [
        (s.name, dict(s.labels), s.value)
        for family in text_string_to_metric_families(text)
        for s in family.samples
    ]


def value(text: str, name: str, **labels: str) -> float:
    """Return the sum of the samples named ``name`` that have ``labels``."""
    return sum(
        v
        for n, have, v in samples(text)
        if n == name and all(have.get(k) == want for k, want in labels.items())
    )


def names(text: str) -> set[str]:
    """Return the names of the samples in ``text``."""
    return {n for n, _, _ in samples(text)}
