"""``python -m fuzz run [--smoke] [--seconds N] [names...]``; see README.md."""

from __future__ import annotations

import sys

from fuzz.runner import main

if __name__ == "__main__":
    sys.exit(main())
