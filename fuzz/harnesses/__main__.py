"""Run one harness under libFuzzer: ``python -m fuzz.harnesses NAME [flags]``.

Every argument after the name goes to libFuzzer (corpus directories and
``-flag=value`` options). kolben and the parsers it builds on are imported
with atheris instrumentation, so coverage guides the search.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

from fuzz.harnesses import names

# Packages whose branches guide the search: kolben, and the third-party
# parsers it hands input to.
_INSTRUMENTED = ["kolben", "python_multipart", "itsdangerous", "markupsafe"]
# What libFuzzer runs when a mode of it starts the fuzzer again.
_LAUNCHER = Path(__file__).resolve().parents[1] / "launch"


def main(argv: list[str]) -> None:
    """Instrument kolben, import the harness named in *argv* and fuzz it.

    :param argv: ``[program, name, *libfuzzer_arguments]``.
    """
    if len(argv) < 2 or argv[1] not in names():
        sys.exit(
            f"usage: python -m fuzz.harnesses NAME [flags]; NAME is one of: "
            f"{', '.join(names())}"
        )
    # atheris is a development dependency: imported here only, so the harness
    # modules load without it (the test suite runs them over the corpus).
    import atheris

    if any(name.split(".")[0] in _INSTRUMENTED for name in sys.modules):
        sys.exit(
            "kolben was imported before instrumentation; run this module "
            "in a fresh interpreter."
        )
    with atheris.instrument_imports(include=_INSTRUMENTED):
        harness = importlib.import_module(f"fuzz.harnesses.{argv[1]}")
    # -merge=1 (and -fork, -jobs) run argv[0] again: make it the launcher,
    # which finds this harness and interpreter from any working directory.
    root = str(_LAUNCHER.parent.parent)
    path = os.environ.get("PYTHONPATH")
    os.environ.update(
        KOLBEN_FUZZ_HARNESS=argv[1],
        KOLBEN_FUZZ_PYTHON=sys.executable,
        PYTHONPATH=f"{root}{os.pathsep}{path}" if path else root,
    )
    atheris.Setup([str(_LAUNCHER), *argv[2:]], harness.TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
