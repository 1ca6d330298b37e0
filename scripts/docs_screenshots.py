"""Screenshots of the documentation site, at a phone's and a desktop's width.

Builds the site (unless ``--no-build``), serves ``docs/_build/html`` on a
free loopback port, and has headless Chromium (Debian's, at
``/usr/bin/chromium``, driven by Playwright) photograph the front page, the
tutorial's first chapter and a battery's page at 390 and 1280 pixels wide.
It is for reviewing the look by eye, not a test. Run from the repository
root::

    python scripts/docs_screenshots.py                 # into .cache/docs-screenshots
    python scripts/docs_screenshots.py --out /tmp/shots --no-build
"""

from __future__ import annotations

import argparse
import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "docs" / "_build" / "html"

PAGES = {
    "front": "index.html",
    "tutorial": "tutorial/routing.html",
    "battery": "db.html",
}
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging each request."""

    def log_message(self, format: str, *args: object) -> None:
        """Log nothing."""


def build() -> None:
    """Build the site as CI does: warnings are errors."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-n",
            "-q",
            "-b",
            "html",
            str(ROOT / "docs"),
            str(SITE),
        ],
        check=True,
    )


def shoot(out: Path, full_page: bool) -> list[Path]:
    """Serve the built site on loopback and save one PNG per page and width.

    :param out: the folder for the PNGs.
    :param full_page: photograph whole pages, not just the first screen.
    """
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium")
            try:
                for width_name, (width, height) in WIDTHS.items():
                    page = browser.new_page(viewport={"width": width, "height": height})
                    for name, path in PAGES.items():
                        page.goto(base + path, wait_until="networkidle")
                        target = out / f"{name}-{width_name}.png"
                        page.screenshot(path=str(target), full_page=full_page)
                        saved.append(target)
                    page.close()
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return saved


def main(argv: list[str] | None = None) -> int:
    """Build the site, photograph it, and print where the PNGs are."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / ".cache" / "docs-screenshots"
    )
    parser.add_argument("--no-build", action="store_true", help="use the last build")
    parser.add_argument("--full-page", action="store_true", help="whole pages")
    args = parser.parse_args(argv)
    if not args.no_build:
        build()
    for path in shoot(args.out, args.full_page):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
