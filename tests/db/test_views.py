"""The data battery in views: sync and async, both protocols, both databases."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from kolben import Kolben, request
from kolben.testing import KolbenClient

from .conftest import dispose, make_app
from .models import Post, User, db


def _routes(app: Kolben) -> None:
    @app.post("/users")
    def create_user() -> Any:
        user = User(username=request.get_json()["username"])
        db.session.add(user)
        db.session.commit()
        return {"id": user.id}, 201

    @app.get("/users/<int:id>")
    def get_user(id: int) -> Any:
        user = db.get_or_404(User, id, description="No such user.")
        return {"username": user.username, "posts": [p.title for p in user.posts]}

    @app.get("/users")
    def list_users() -> Any:
        page = db.paginate(db.select(User).order_by(User.id))
        names = [u.username for u in page.items]
        return {"items": names, "pages": page.pages, "total": page.total}

    @app.post("/async/users")
    async def acreate_user() -> Any:
        user = User(username=request.get_json()["username"])
        db.async_session.add(user)
        await db.async_session.commit()
        return {"id": user.id}, 201

    @app.get("/async/users/<int:id>")
    async def aget_user(id: int) -> Any:
        user = await db.aget_or_404(User, id, description="No such user.")
        titles = await db.async_session.scalars(
            db.select(Post.title).where(Post.author_id == user.id)
        )
        return {"username": user.username, "posts": list(titles)}

    @app.get("/async/users")
    async def alist_users() -> Any:
        page = await db.apaginate(db.select(User).order_by(User.id))
        names = [u.username for u in page.items]
        return {"items": names, "pages": page.pages, "total": page.total}

    @app.get("/async/first/<name>")
    async def afirst(name: str) -> Any:
        user = await db.afirst_or_404(db.select(User).filter_by(username=name))
        one = await db.aone_or_404(db.select(User).filter_by(id=user.id))
        return {"id": one.id}

    @app.get("/async/count-on-the-sync-session")
    async def acount_sync() -> Any:
        # Blocking I/O on the loop, which async views should not do; the
        # teardown still closes this session, off the loop.
        return {"count": db.session.scalar(sa.select(sa.func.count(User.id)))}

    @app.post("/fail")
    def fail() -> Any:
        db.session.add(User(username="never"))
        db.session.flush()
        raise RuntimeError("the view failed after writing")


@pytest.fixture
def crud(database: dict[str, Any], tmp_path: Path) -> Iterator[Kolben]:
    app = make_app(tmp_path, PROPAGATE_EXCEPTIONS=False, **database)
    db.init_app(app)
    _routes(app)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
    dispose(db, app)


@pytest.fixture
def client(crud: Kolben, protocol: str) -> KolbenClient:
    return crud.test_client(protocol=protocol)


@pytest.mark.parametrize("prefix", ["", "/async"])
def test_create_read_and_paginate(client: KolbenClient, prefix: str) -> None:
    ids = []
    for name in ("ann", "bob", "cy"):
        r = client.post(f"{prefix}/users", json={"username": name})
        assert r.status_code == 201
        ids.append(r.json["id"])
    r = client.get(f"{prefix}/users/{ids[1]}")
    assert r.json == {"username": "bob", "posts": []}
    r = client.get(f"{prefix}/users?page=2&per_page=2")
    assert r.json == {"items": ["cy"], "pages": 2, "total": 3}
    r = client.get(f"{prefix}/users?page=3&per_page=2")
    assert r.status_code == 404
    r = client.get(f"{prefix}/users?page=abc")
    assert r.status_code == 404
    assert "page must be a whole number." in r.text


@pytest.mark.parametrize("prefix", ["", "/async"])
def test_missing_row_is_404_with_the_description(
    client: KolbenClient, prefix: str
) -> None:
    r = client.get(f"{prefix}/users/999")
    assert r.status_code == 404
    assert "No such user." in r.text


@pytest.mark.parametrize("prefix", ["", "/async"])
def test_unique_violation_is_409_naming_the_field(
    client: KolbenClient, prefix: str
) -> None:
    assert client.post(f"{prefix}/users", json={"username": "ann"}).status_code == 201
    r = client.post(f"{prefix}/users", json={"username": "ann"})
    assert r.status_code == 409
    assert "A record with this username already exists." in r.text
    # The failed transaction was rolled back: the next request works.
    assert client.post(f"{prefix}/users", json={"username": "bo"}).status_code == 201


def test_status_handlers_registered_after_the_battery(
    crud: Kolben, protocol: str
) -> None:
    # db.init_app registers its handlers first; the app's come after it.
    @crud.errorhandler(409)
    def conflict(e: Exception) -> Any:
        return {"error": "taken"}, 409

    @crud.errorhandler(422)
    def unprocessable(e: Exception) -> Any:
        return {"error": "invalid"}, 422

    client = crud.test_client(protocol=protocol)
    client.post("/users", json={"username": "ann"})
    r = client.post("/users", json={"username": "ann"})
    assert (r.status_code, r.json) == (409, {"error": "taken"})


def test_first_and_one_or_404(client: KolbenClient) -> None:
    client.post("/users", json={"username": "ann"})
    assert client.get("/async/first/ann").status_code == 200
    assert client.get("/async/first/zed").status_code == 404


def test_a_view_that_raised_leaves_nothing_behind(
    crud: Kolben, client: KolbenClient
) -> None:
    assert client.post("/fail").status_code == 500
    with crud.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_sync_and_async_see_the_same_rows(crud: Kolben, client: KolbenClient) -> None:
    with crud.app_context():
        user = User(username="ann", posts=[Post(title="one"), Post(title="two")])
        db.session.add(user)
        db.session.commit()
        uid = user.id
    assert client.get(f"/async/users/{uid}").json == {
        "username": "ann",
        "posts": ["one", "two"],
    }
    assert client.get(f"/users/{uid}").json["posts"] == ["one", "two"]


def test_sessions_are_closed_after_each_request(
    crud: Kolben, client: KolbenClient
) -> None:
    client.post("/users", json={"username": "ann"})
    client.post("/async/users", json={"username": "bob"})
    with crud.app_context():
        pool = db.engine.pool
        assert pool.checkedout() == 0  # type: ignore[attr-defined]
    assert db._async_sessions == {}
    for engines in db._app_async_engines.get(crud, {}).values():
        assert engines[None].pool.checkedout() == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize("prefix", ["", "/async"])
@pytest.mark.parametrize("ident", [2**31, 2**63, 10**30])
def test_a_key_past_its_columns_range_is_404(
    client: KolbenClient, prefix: str, ident: int
) -> None:
    # The int converter takes any size; no row can have such a key.
    assert client.get(f"{prefix}/users/{ident}").status_code == 404
    assert client.post(f"{prefix}/users", json={"username": "after"}).status_code == 201


def test_requests_inside_an_app_context_share_its_session(
    crud: Kolben, client: KolbenClient
) -> None:
    # As in Flask-SQLAlchemy: a test's app context is the requests' app
    # context, and its session is removed once, when that context ends.
    with crud.app_context():
        outer = db.session()
        assert client.post("/users", json={"username": "ann"}).status_code == 201
        assert db.session() is outer
        assert db.session.registry.has()
    with crud.app_context():
        assert not db.session.registry.has()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_an_async_view_on_the_sync_session_has_it_closed(
    crud: Kolben, client: KolbenClient
) -> None:
    client.post("/users", json={"username": "ann"})
    response = client.get("/async/count-on-the-sync-session")
    assert response.get_json() == {"count": 1}
    assert db.session.registry.registry == {}
    with crud.app_context():
        pool = db.engine.pool
        deadline = time.monotonic() + 10
        while pool.checkedout() and time.monotonic() < deadline:  # type: ignore[attr-defined]
            time.sleep(0.01)
        assert pool.checkedout() == 0  # type: ignore[attr-defined]


def test_get_bind_takes_a_model_or_its_mapper(crud: Kolben) -> None:
    with crud.app_context():
        session = db.session()
        assert session.get_bind(mapper=User) is db.engine
        assert session.get_bind(mapper=sa.inspect(User)) is db.engine
        with pytest.raises(sa.orm.exc.UnmappedClassError):
            session.get_bind(mapper=int)
