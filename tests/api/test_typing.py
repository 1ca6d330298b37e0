"""The parameter shorthands type-check as the value's own type.

mypy (strict, over the tests too, as CI runs it) checks the ``assert_type``
lines: were ``Query[bool]`` a type of its own, ``dry_run`` would not be a
``bool`` and the default ``False`` would not fit it.
"""

from __future__ import annotations

from typing import Annotated, assert_type

from kolben import Kolben
from kolben.api import Cookie, File, Form, Header, Path, Query
from kolben.http.files import FileStorage
from kolben.testing import KolbenClient


def test_shorthands_are_their_value_types(app: Kolben, client: KolbenClient) -> None:
    @app.post("/t/<int:n>")
    def typed(
        n: Path[int],
        title: Form[str],
        dry_run: Query[bool] = False,
        tags: Annotated[list[str] | None, Query(alias="tag")] = None,
        agent: Header[str | None] = None,
        theme: Cookie[str] = "light",
        upload: File[FileStorage | None] = None,
    ) -> dict[str, object]:
        assert_type(n, int)
        assert_type(title, str)
        assert_type(dry_run, bool)
        assert_type(tags, list[str] | None)
        assert_type(agent, str | None)
        assert_type(theme, str)
        assert_type(upload, FileStorage | None)
        return {"n": n + 1, "dry_run": not dry_run, "tags": tags, "title": title}

    r = client.post("/t/1?dry_run=1&tag=a", data={"title": "x"})
    assert r.json == {"n": 2, "dry_run": False, "tags": ["a"], "title": "x"}
