"""Draw the request path diagram of docs/architecture.md as an SVG.

A request comes in through either adapter (WSGI or ASGI), becomes the same
``Request``, goes through the same dispatch, and its ``Response`` goes back
out through the adapter it came in by. Run from the repository root::

    python scripts/architecture_diagram.py          # writes the SVG
    python scripts/architecture_diagram.py --check  # exits 1 if it is stale

The output is plain SVG written by hand, so building it needs nothing but
Python, and the committed file only changes when this script does.
"""

from __future__ import annotations

import argparse
import sys
from html import escape
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "docs" / "_static" / "request-path.svg"

WIDTH = 720
BOX = 'rx="8" ry="8" stroke-width="1.5"'
COLUMNS = (40, 380)  # left edges of the WSGI and ASGI columns
COL_W = 300

#: Fill and stroke per kind of box: the protocol sides, then the shared core.
COLOURS = {
    "wsgi": ("#e8f1fb", "#2f6fb3"),
    "asgi": ("#eef8ec", "#3c8a35"),
    "core": ("#fff6e0", "#b07d12"),
}


def _box(x: int, y: int, w: int, h: int, kind: str, lines: list[str]) -> str:
    fill, stroke = COLOURS[kind]
    parts = [
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}"'
        f' stroke="{stroke}" {BOX}/>'
    ]
    first = y + h / 2 - (len(lines) - 1) * 9 + 5
    for n, line in enumerate(lines):
        weight = ' font-weight="bold"' if n == 0 else ""
        size = 15 if n == 0 else 12.5
        parts.append(
            f'<text x="{x + w / 2:g}" y="{first + n * 18:g}" font-size="{size}"'
            f'{weight} text-anchor="middle">{escape(line)}</text>'
        )
    return "\n".join(parts)


def _arrow(x1: float, y1: float, x2: float, y2: float, label: str = "") -> str:
    line = (
        f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" stroke="#444"'
        ' stroke-width="1.5" marker-end="url(#head)"/>'
    )
    if not label:
        return line
    return line + (
        f'\n<text x="{(x1 + x2) / 2 + 8:g}" y="{(y1 + y2) / 2 + 4:g}"'
        f' font-size="11.5" fill="#444">{escape(label)}</text>'
    )


def draw() -> str:
    """Return the diagram's SVG text."""
    wsgi_x, asgi_x = COLUMNS
    mid = WIDTH / 2
    core_x, core_w = 110, WIDTH - 220
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 720"'
        ' font-family="system-ui, -apple-system, Segoe UI, sans-serif"'
        ' role="img" aria-labelledby="title">',
        "<title id=\"title\">A request's path through kolben's WSGI and ASGI"
        " adapters</title>",
        '<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5"'
        ' markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        _box(wsgi_x, 20, COL_W, 58, "wsgi", ["WSGI server", "gunicorn, granian"]),
        _box(asgi_x, 20, COL_W, 58, "asgi", ["ASGI server", "uvicorn, hypercorn"]),
        _arrow(wsgi_x + COL_W / 2, 78, wsgi_x + COL_W / 2, 112),
        _arrow(asgi_x + COL_W / 2, 78, asgi_x + COL_W / 2, 112),
        _box(
            wsgi_x,
            114,
            COL_W,
            76,
            "wsgi",
            [
                "kolben.wsgi",
                "app(environ, start_response)",
                "body read from wsgi.input on demand",
            ],
        ),
        _box(
            asgi_x,
            114,
            COL_W,
            76,
            "asgi",
            [
                "kolben.asgi",
                "await app(scope, receive, send)",
                "body received before the view",
            ],
        ),
        _arrow(wsgi_x + COL_W / 2, 190, mid - 60, 232),
        _arrow(asgi_x + COL_W / 2, 190, mid + 60, 232),
        _box(
            core_x,
            234,
            core_w,
            58,
            "core",
            ["Request", "one class; headers, query, form, JSON parsed lazily"],
        ),
        _arrow(mid, 292, mid, 318),
        _box(
            core_x,
            320,
            core_w,
            150,
            "core",
            [
                "Dispatch (the same for both)",
                "match the URL: one dict lookup or the compiled matcher",
                "before_request hooks",
                "the view (sync or async)",
                "after_request hooks; error handlers on exceptions",
                "teardown, always",
            ],
        ),
        _arrow(mid, 470, mid, 496),
        _box(
            core_x,
            498,
            core_w,
            58,
            "core",
            ["Response", "status, headers, body: bytes, a file or a stream"],
        ),
        _arrow(mid - 60, 556, wsgi_x + COL_W / 2, 598),
        _arrow(mid + 60, 556, asgi_x + COL_W / 2, 598),
        _box(
            wsgi_x,
            600,
            COL_W,
            76,
            "wsgi",
            [
                "back out through WSGI",
                "start_response(status, headers)",
                "return the body iterable",
            ],
        ),
        _box(
            asgi_x,
            600,
            COL_W,
            76,
            "asgi",
            [
                "back out through ASGI",
                "send http.response.start",
                "send http.response.body, per chunk",
            ],
        ),
        '<text x="360" y="704" font-size="12" text-anchor="middle" fill="#555">'
        "Sync views under ASGI run in a bounded thread pool; async views under"
        " WSGI on the worker's own event loop.</text>",
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the SVG, or with ``--check`` say whether the committed one is current."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if stale")
    args = parser.parse_args(argv)
    svg = draw()
    if args.check:
        current = OUT.exists() and OUT.read_text() == svg
        if not current:
            print(f"{OUT} is stale: run python scripts/architecture_diagram.py")
        return 0 if current else 1
    OUT.write_text(svg)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
