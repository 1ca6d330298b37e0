"""Check an app's answers to the four tests before anything is timed.

Each app is asked every endpoint, and the ``queries`` edge cases, through
whatever ``get`` the caller has (a test client, or HTTP to a served app):
JSON of the right shape, fortunes complete, sorted and escaped, and the
rows ``/updates`` answered really written to the database.
"""

from __future__ import annotations

import html.parser
import json
from collections.abc import Callable
from typing import Any

from . import ADDED, FORTUNES, MAX_QUERIES, QUERIES, WORLD_ROWS
from ._schema import read_numbers

#: ``get(path)``: the answer's status, Content-Type and body.
Get = Callable[[str], tuple[int, "str | None", bytes]]

#: A path with ``queries`` and the number of rows its answer must have.
_COUNTS = (
    (f"/queries?queries={QUERIES}", QUERIES),
    ("/queries", 1),
    ("/queries?queries=0", 1),
    ("/queries?queries=many", 1),
    (f"/queries?queries={MAX_QUERIES + 1}", MAX_QUERIES),
    ("/updates?queries=x", 1),
)


def _world_problems(value: Any) -> list[str]:
    if not isinstance(value, dict) or set(value) != {"id", "randomNumber"}:
        return [f"{value!r} is not {{'id': .., 'randomNumber': ..}}"]
    numbers = (value["id"], value["randomNumber"])
    if not all(type(n) is int and 1 <= n <= WORLD_ROWS for n in numbers):
        return [f"{value!r}: id and randomNumber must be integers in 1..10000"]
    return []


def _json(path: str, answer: tuple[int, str | None, bytes]) -> tuple[Any, list[str]]:
    status, content_type, body = answer
    media_type = (content_type or "").split(";")[0].strip()
    if status != 200 or media_type != "application/json":
        return None, [f"GET {path}: {status} {content_type}, expected 200 JSON"]
    return json.loads(body), []


def _list_problems(path: str, value: Any, count: int) -> list[str]:
    if not isinstance(value, list) or len(value) != count:
        return [f"GET {path}: expected a list of {count} rows, got {value!r:.80}"]
    return [f"GET {path}: {p}" for row in value for p in _world_problems(row)]


class _Cells(html.parser.HTMLParser):
    """Collect the text of each table row's cells, references resolved."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def fortunes_problems(status: int, content_type: str | None, body: bytes) -> list[str]:
    """Return how a ``/fortunes`` answer differs from TechEmpower's page.

    :param status: the answer's status code.
    :param content_type: its Content-Type header.
    :param body: its body, which must be UTF-8.
    """
    if status != 200 or not (content_type or "").startswith("text/html"):
        return [f"GET /fortunes: {status} {content_type}, expected 200 text/html"]
    text = body.decode("utf-8")
    found = []
    if "<script>" in text:
        found.append("GET /fortunes: the <script> fortune is not escaped")
    parser = _Cells()
    parser.feed(text)
    cells = [row for row in parser.rows if row]
    expected = sorted((*FORTUNES, ADDED), key=lambda f: f.message)
    if cells != [[str(f.id), f.message] for f in expected]:
        found.append(f"GET /fortunes: the table's rows are {cells!r:.200}")
    return found


def _updates_problems(get: Get, url: str, schema: str) -> list[str]:
    path = f"/updates?queries={QUERIES}"
    value, found = _json(path, get(path))
    found = found or _list_problems(path, value, QUERIES)
    if found:
        return found
    # The last value given to each row is the one the database must have.
    answered = {row["id"]: row["randomNumber"] for row in value}
    stored = read_numbers(url, schema, list(answered))
    if stored != answered:
        return [f"GET {path}: answered {answered}, but the database has {stored}"]
    return []


def problems(get: Get, url: str, schema: str) -> list[str]:
    """Return what is wrong with an app's answers; empty if all is well.

    :param get: makes a GET request to the app and returns its answer.
    :param url: the database the app serves, to see that updates are stored.
    :param schema: the schema the app serves.
    """
    value, found = _json("/db", get("/db"))
    if not found:
        found = [f"GET /db: {p}" for p in _world_problems(value)]
    for path, count in _COUNTS:
        value, wrong = _json(path, get(path))
        found += wrong or _list_problems(path, value, count)
    found += fortunes_problems(*get("/fortunes"))
    found += _updates_problems(get, url, schema)
    return found
