"""Run each compat test file in a fresh process of the compat virtualenv.

Usage: ``.venv-compat/bin/python tests/compat/run.py [test files]``. Each
file gets a process of its own because ``install()`` and the extensions
change the process for good (``sys.modules``, Werkzeug's classes); one
extension's setup must not decide whether another's test passes. Runs under
coverage, whose data ``.ci/run`` combines with the main suite's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    """Run the files, print one line each, return non-zero if any failed."""
    files = [Path(a) for a in argv] or sorted(HERE.glob("test_*.py"))
    env = {**os.environ, "KOLBEN_COMPAT_TESTS": "1"}
    failed = []
    for path in files:
        started = time.monotonic()
        command = [sys.executable, "-m", "coverage", "run", "-m", "pytest", "-q"]
        done = subprocess.run([*command, "-p", "no:cacheprovider", str(path)], env=env)
        took = time.monotonic() - started
        print(
            f"{path.name}: {'ok' if done.returncode == 0 else 'FAILED'} ({took:.1f}s)"
        )
        if done.returncode != 0:
            failed.append(path.name)
    print(f"files: {len(files) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
