"""Pages: the numbers a pager shows, and page arguments from the request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask_sqlalchemy.pagination as fsa_pagination
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kolben import Kolben
from kolben.db.pagination import Pagination

from .conftest import dispose, make_app
from .models import User, db


class _ListPage(Pagination):
    def _query_items(self) -> list[Any]:
        rows: list[Any] = self._query_args["rows"]
        return rows[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


class _FlaskListPage(fsa_pagination.Pagination):
    def _query_items(self) -> list[Any]:
        rows: list[Any] = self._query_args["rows"]
        return rows[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


_PROPERTIES = (
    "page",
    "per_page",
    "items",
    "total",
    "first",
    "last",
    "pages",
    "has_prev",
    "prev_num",
    "has_next",
    "next_num",
)


@given(
    total=st.integers(0, 300),
    per_page=st.integers(1, 40),
    page_pick=st.floats(0, 1),
    edges=st.tuples(*[st.integers(0, 5)] * 4),
)
def test_pages_are_flask_sqlalchemys(
    total: int, per_page: int, page_pick: float, edges: tuple[int, ...]
) -> None:
    rows = list(range(total))
    last = max(1, -(-total // per_page))
    page = 1 + int(page_pick * (last - 1))
    ours = _ListPage(page=page, per_page=per_page, max_per_page=None, rows=rows)
    theirs = _FlaskListPage(page=page, per_page=per_page, rows=rows)
    for name in _PROPERTIES:
        assert getattr(ours, name) == getattr(theirs, name), name
    names = ("left_edge", "left_current", "right_current", "right_edge")
    kw = dict(zip(names, edges, strict=True))
    assert list(ours.iter_pages(**kw)) == list(theirs.iter_pages(**kw))
    assert list(ours) == list(theirs)
    for step in ("next", "prev"):
        if getattr(ours, f"has_{step}"):
            assert getattr(ours, step)().items == getattr(theirs, step)().items


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Kolben]:
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite://")
    db.init_app(app)
    with app.app_context():
        db.create_all()
        db.session.add_all(User(username=f"u{i:03}") for i in range(250))
        db.session.commit()
    yield app
    dispose(db, app)


def test_page_arguments_come_from_the_query_string(app: Kolben) -> None:
    select = db.select(User).order_by(User.id)
    with app.test_request_context("/?page=3&per_page=10"):
        page = db.paginate(select)
        assert (page.page, page.per_page, page.first, page.last) == (3, 10, 21, 30)
        assert page.total == 250 and page.pages == 25
        assert page.next().page == 4
    with app.test_request_context("/?page=abc&per_page=-3"):
        page = db.paginate(select, error_out=False)
        assert (page.page, page.per_page) == (1, 20)


def test_a_client_gets_no_more_than_max_per_page(app: Kolben) -> None:
    select = db.select(User).order_by(User.id)
    with app.test_request_context("/?per_page=1000000"):
        assert len(db.paginate(select).items) == 100
        assert len(db.paginate(select, max_per_page=7).items) == 7
    app.config["SQLALCHEMY_MAX_PER_PAGE"] = None
    with app.test_request_context("/?per_page=1000000"):
        assert len(db.paginate(select).items) == 250


def test_a_page_beyond_any_row_is_404_not_an_overflow(
    app: Kolben, protocol: str
) -> None:
    @app.get("/")
    def users() -> Any:
        return {"n": len(db.paginate(db.select(User)).items)}

    client = app.test_client(protocol=protocol)
    r = client.get(f"/?page={10**30}")
    assert r.status_code == 404
    assert client.get(f"/?page={10**30}&per_page={10**30}").status_code == 404
    with app.test_request_context(f"/?page={10**30}"):
        assert db.paginate(db.select(User), error_out=False).items == []


def test_the_legacy_query_api(app: Kolben, protocol: str) -> None:
    @app.get("/users/<int:id>")
    def user(id: int) -> Any:
        return {"name": User.query.get_or_404(id).username}

    @app.get("/first/<name>")
    def first(name: str) -> Any:
        return {"id": User.query.filter_by(username=name).first_or_404().id}

    @app.get("/one")
    def one() -> Any:
        return {"id": User.query.one_or_404().id}

    @app.get("/page")
    def page() -> Any:
        p = User.query.order_by(User.id).paginate(per_page=5)
        return {"names": [u.username for u in p.items], "pages": p.pages}

    client = app.test_client(protocol=protocol)
    assert client.get("/users/2").json == {"name": "u001"}
    assert client.get("/users/9999").status_code == 404
    assert client.get("/first/u010").json == {"id": 11}
    assert client.get("/first/nobody").status_code == 404
    assert client.get("/one").status_code == 404  # several rows
    assert client.get("/page?page=50").json == {
        "names": [f"u{i}" for i in range(245, 250)],
        "pages": 50,
    }
    assert client.get("/page?page=51").status_code == 404
