"""The fuzz harnesses, run over their committed seed corpora without atheris.

This keeps the harnesses and the corpora honest in the normal suite: a
harness that no longer runs, a seed that crashes one, or a harness without
a corpus fails here, before anybody starts a fuzzing campaign.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from fuzz import runner
from fuzz.harnesses import names

_CORPUS = Path(__file__).parent.parent / "fuzz" / "corpus"


def test_every_harness_has_a_corpus_and_every_corpus_a_harness() -> None:
    assert names(), "no harnesses found in fuzz/harnesses"
    assert sorted(path.name for path in _CORPUS.iterdir()) == names()


@pytest.mark.parametrize("name", names())
def test_harness_runs_over_its_corpus(name: str) -> None:
    harness = importlib.import_module(f"fuzz.harnesses.{name}")
    seeds = sorted((_CORPUS / name).iterdir())
    assert seeds, f"fuzz/corpus/{name} has no seed inputs"
    for seed in seeds:
        harness.TestOneInput(seed.read_bytes())


def test_harness_contract_lets_undocumented_exceptions_through() -> None:
    from fuzz.harnesses._contract import only_raises

    from kolben.http.exceptions import BadRequest, InternalServerError

    with only_raises(BadRequest):
        raise BadRequest()
    with pytest.raises(KeyError), only_raises(ValueError):
        raise KeyError("x")
    # A documented HTTP error must still be a client error.
    with pytest.raises(AssertionError, match="500"), only_raises(Exception):
        raise InternalServerError()


def test_runner_refuses_unknown_harnesses(capsys: pytest.CaptureFixture[str]) -> None:
    assert runner.main(["run", "--smoke", "no_such_harness"]) == 2
    assert "no_such_harness" in capsys.readouterr().out
