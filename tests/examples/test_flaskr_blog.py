"""Flaskr's posts: listing, creating, editing and deleting, author only."""

from __future__ import annotations

import re
from types import ModuleType

import pytest

from kolben import Kolben, url_for
from kolben.testing import KolbenClient
from tests.examples.conftest import AuthActions


def _post_count(app: Kolben, flaskr: ModuleType) -> int:
    with app.app_context():
        row = flaskr.db.get_db().execute("SELECT COUNT(id) FROM post").fetchone()
    return int(row[0])


def test_index_lists_posts_for_everyone(client: KolbenClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert "<title>Posts - Flaskr</title>" in r.text
    assert "<h1>test title</h1>" in r.text
    assert "by test on 2018-01-01" in r.text
    assert "test body" in r.text
    assert 'href="/auth/register"' in r.text
    assert 'href="/create"' not in r.text
    assert 'href="/1/update"' not in r.text


def test_index_offers_the_author_new_and_edit(
    client: KolbenClient, auth: AuthActions
) -> None:
    auth.login()
    r = client.get("/")
    assert 'action="/auth/logout"' in r.text
    assert 'href="/create"' in r.text
    assert 'href="/1/update"' in r.text


def test_other_users_see_no_edit_link(client: KolbenClient, auth: AuthActions) -> None:
    auth.login("other", "other")
    r = client.get("/")
    assert "test title" in r.text
    assert 'href="/1/update"' not in r.text


def test_post_lifecycle(client: KolbenClient, auth: AuthActions) -> None:
    r = client.post("/auth/register", data={"username": "ada", "password": "engine"})
    assert r.headers["Location"] == "/auth/login"
    assert auth.login("ada", "engine").headers["Location"] == "/"
    assert '<span class="user">ada</span>' in client.get("/").text

    r = client.post("/create", data={"title": "Notes", "body": "On the engine"})
    assert r.headers["Location"] == "/"
    page = client.get("/").text
    assert "Post published." in page
    assert "<h1>Notes</h1>" in page
    assert "by ada on " in page
    # The newest post comes first; the new post has id 2.
    assert page.index("Notes") < page.index("test title")
    assert 'href="/2/update"' in page

    assert 'value="Notes"' in client.get("/2/update").text
    r = client.post("/2/update", data={"title": "Sketch", "body": "Revised"})
    assert r.headers["Location"] == "/"
    page = client.get("/").text
    assert "Post updated." in page
    assert "<h1>Sketch</h1>" in page
    assert "Revised" in page
    assert "Notes" not in page

    assert client.post("/2/delete").headers["Location"] == "/"
    page = client.get("/").text
    assert "Post deleted." in page
    assert "Sketch" not in page
    assert client.get("/2/update").status_code == 404


def test_flash_shows_after_a_followed_redirect(
    client: KolbenClient, auth: AuthActions
) -> None:
    auth.login()
    r = client.post("/create", data={"title": "t", "body": ""}, follow_redirects=True)
    assert "Post published." in r.text


def test_create_stores_the_post(
    app: Kolben, client: KolbenClient, auth: AuthActions, flaskr: ModuleType
) -> None:
    auth.login()
    assert client.get("/create").status_code == 200
    r = client.post("/create", data={"title": "created", "body": ""})
    assert r.status_code == 302
    assert r.headers["Location"] == "/"
    assert _post_count(app, flaskr) == 2


@pytest.mark.parametrize("path", ["/create", "/1/update"])
def test_title_is_required(
    app: Kolben,
    client: KolbenClient,
    auth: AuthActions,
    flaskr: ModuleType,
    path: str,
) -> None:
    auth.login()
    r = client.post(path, data={"title": "  ", "body": "kept"})
    assert r.status_code == 200
    assert "Title is required." in r.text
    assert "kept</textarea>" in r.text
    assert "<li>Title is required.</li>" in r.text
    assert _post_count(app, flaskr) == 1
    assert "test title" in client.get("/").text


def test_titles_are_escaped(client: KolbenClient, auth: AuthActions) -> None:
    auth.login()
    client.post("/create", data={"title": "<script>x()</script>", "body": "b"})
    r = client.get("/")
    assert "<script>" not in r.text
    assert "&lt;script&gt;x()&lt;/script&gt;" in r.text


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/1/update"), ("POST", "/1/update"), ("POST", "/1/delete")],
)
def test_only_the_author_may_change_a_post(
    app: Kolben,
    client: KolbenClient,
    auth: AuthActions,
    flaskr: ModuleType,
    method: str,
    path: str,
) -> None:
    auth.login("other", "other")
    r = client.open(path, method=method, data={"title": "hijacked", "body": ""})
    assert r.status_code == 403
    assert "Only a post&#x27;s author may change it." in r.text or (
        "Only a post's author may change it." in r.text
    )
    assert _post_count(app, flaskr) == 1
    assert "test title" in client.get("/").text


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/2/update"), ("POST", "/2/update"), ("POST", "/2/delete")],
)
def test_missing_post_is_404(
    client: KolbenClient, auth: AuthActions, method: str, path: str
) -> None:
    auth.login()
    r = client.open(path, method=method, data={"title": "t", "body": ""})
    assert r.status_code == 404
    assert "Post 2 does not exist." in r.text


def test_delete_is_post_only(client: KolbenClient, auth: AuthActions) -> None:
    auth.login()
    assert client.get("/1/delete").status_code == 405


def test_static_css_is_served_and_linked(client: KolbenClient) -> None:
    r = client.get("/static/style.css")
    assert r.status_code == 200
    assert r.mimetype == "text/css"
    assert b".flash-error" in r.data
    assert 'rel="stylesheet" href="/static/style.css"' in client.get("/").text


def test_index_endpoint_is_the_site_root(app: Kolben) -> None:
    with app.test_request_context():
        assert url_for("index") == "/"
        assert url_for("blog.index") == "/"


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/create", {"title": "forged", "body": ""}),
        ("/1/update", {"title": "forged", "body": ""}),
        ("/1/delete", {}),
    ],
)
def test_a_forged_post_changes_nothing(
    app: Kolben,
    client: KolbenClient,
    auth: AuthActions,
    flaskr: ModuleType,
    path: str,
    data: dict[str, str],
) -> None:
    auth.login()
    r = client.post(path, data=data, csrf=False)
    assert r.status_code == 400
    assert "The CSRF token is missing." in r.text
    assert _post_count(app, flaskr) == 1
    page = client.get("/").text
    assert "test title" in page
    assert "forged" not in page


def test_the_delete_button_carries_the_token(
    client: KolbenClient, auth: AuthActions
) -> None:
    auth.login()
    page = client.get("/1/update").text
    delete_form = page[page.index('action="/1/delete"') :]
    token = re.search(r'name="csrf_token" value="([^"]+)"', delete_form)
    assert token is not None
    r = client.post("/1/delete", data={"csrf_token": token.group(1)}, csrf=False)
    assert r.headers["Location"] == "/"
