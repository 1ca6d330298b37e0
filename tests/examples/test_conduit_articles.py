"""Conduit's articles, feed, favorites, comments and tags.

Every test runs under both protocols, on SQLite and on the PostgreSQL server
of KOLBEN_TEST_POSTGRES_URL (in a schema of the run's own, emptied for each
test; skipped, saying so, when it is unset), on the schema its migrations
make.
"""

from __future__ import annotations

from ._conduit import (
    TIMESTAMP,
    Conduit,
    api,
    app,
    conduit,
    database,
    pg_migrated,
    sqlite_template,
)

__all__ = [
    "api",
    "app",
    "conduit",
    "database",
    "pg_migrated",
    "sqlite_template",
]  # fixtures


def test_create_read_update_delete_an_article(api: Conduit) -> None:
    c = api.client
    jake = api.register("jake")
    ann = api.register("ann")
    article = api.article(jake, "How to train your dragon", ["dragons", "angularjs"])
    assert article["slug"] == "how-to-train-your-dragon"
    assert article["tagList"] == ["angularjs", "dragons"]  # by name
    assert (article["favorited"], article["favoritesCount"]) == (False, 0)
    assert article["author"] == {
        "username": "jake",
        "bio": None,
        "image": None,
        "following": False,
    }
    assert TIMESTAMP.match(article["createdAt"]), article["createdAt"]
    assert article["createdAt"] == article["updatedAt"]
    assert set(article) == {
        "slug", "title", "description", "body", "tagList", "createdAt",
        "updatedAt", "favorited", "favoritesCount", "author",
    }  # fmt: skip
    assert api.get("/api/articles/how-to-train-your-dragon").json == {
        "article": article
    }
    change = {"title": "Did you train your dragon?", "tagList": ["training"]}
    r = c.put("/api/articles/how-to-train-your-dragon", json={"article": change})
    assert r.status_code == 401
    r = c.put(
        "/api/articles/how-to-train-your-dragon",
        json={"article": change},
        headers=ann,
    )
    assert (r.status_code, r.json) == (403, {"errors": {"article": ["forbidden"]}})
    r = c.put(
        "/api/articles/how-to-train-your-dragon",
        json={"article": change},
        headers=jake,
    )
    assert r.status_code == 200
    updated = r.json["article"]
    assert updated["slug"] == "did-you-train-your-dragon"  # a new title, a new slug
    assert (updated["title"], updated["tagList"]) == (change["title"], ["training"])
    assert updated["body"] == article["body"]
    assert updated["updatedAt"] >= article["updatedAt"]
    assert api.get("/api/articles/how-to-train-your-dragon").status_code == 404
    r = c.delete("/api/articles/did-you-train-your-dragon", headers=ann)
    assert r.status_code == 403
    r = c.delete("/api/articles/did-you-train-your-dragon", headers=jake)
    assert (r.status_code, r.data) == (204, b"")
    r = api.get("/api/articles/did-you-train-your-dragon")
    assert (r.status_code, r.json) == (404, {"errors": {"article": ["not found"]}})
    assert c.delete("/api/articles/gone", headers=jake).status_code == 404


def test_bad_articles(api: Conduit) -> None:
    c = api.client
    jake = api.register("jake")
    api.article(jake, "Dragons")
    new = {"title": "Dragons", "description": "again", "body": "again"}
    r = c.post("/api/articles", json={"article": new}, headers=jake)
    assert (r.status_code, r.json) == (
        409,
        {"errors": {"title": ["has already been taken"]}},
    )
    bad = {"title": " ", "description": "", "tagList": "dragons"}
    r = c.post("/api/articles", json={"article": bad}, headers=jake)
    assert (r.status_code, r.json) == (
        422,
        {
            "errors": {
                "title": ["can't be blank"],
                "description": ["can't be blank"],
                "body": ["can't be blank"],
                "tagList": ["Input should be a valid array"],
            }
        },
    )
    r = c.post("/api/articles", json={"article": new})
    assert (r.status_code, r.json) == (401, {"errors": {"token": ["is missing"]}})
    other = api.article(jake, "Other")
    r = c.put(
        f"/api/articles/{other['slug']}",
        json={"article": {"title": "DRAGONS!"}},  # the slug of "Dragons"
        headers=jake,
    )
    assert r.status_code == 409
    r = c.put(
        f"/api/articles/{other['slug']}",
        json={"article": {"title": "Other"}},  # its own slug again
        headers=jake,
    )
    assert r.status_code == 200


def test_list_filter_and_page(api: Conduit) -> None:
    jake = api.register("jake")
    ann = api.register("ann")
    for i in range(3):
        api.article(jake, f"Jake {i}", ["dragons"] if i % 2 == 0 else ["cats"])
    api.article(ann, "Ann 0", ["dragons"])
    r = api.get("/api/articles")
    assert r.json["articlesCount"] == 4
    titles = [a["title"] for a in r.json["articles"]]
    assert titles == ["Ann 0", "Jake 2", "Jake 1", "Jake 0"]  # newest first
    assert all("body" not in a for a in r.json["articles"])  # lists leave it out

    def titles_of(query: str) -> tuple[list[str], int]:
        r = api.get(f"/api/articles?{query}")
        assert r.status_code == 200, r.text
        return [a["title"] for a in r.json["articles"]], r.json["articlesCount"]

    assert titles_of("tag=dragons") == (["Ann 0", "Jake 2", "Jake 0"], 3)
    assert titles_of("author=ann") == (["Ann 0"], 1)
    assert titles_of("author=jake&tag=dragons") == (["Jake 2", "Jake 0"], 2)
    assert titles_of("limit=2") == (["Ann 0", "Jake 2"], 4)
    assert titles_of("limit=2&offset=3") == (["Jake 0"], 4)
    assert titles_of("offset=10") == ([], 4)
    assert titles_of("author=nobody") == ([], 0)
    assert titles_of("tag=none") == ([], 0)
    api.client.post("/api/articles/jake-1/favorite", headers=ann)
    assert titles_of("favorited=ann") == (["Jake 1"], 1)
    assert titles_of("favorited=jake") == ([], 0)
    for query, field in (("limit=0", "limit"), ("offset=-1", "offset")):
        r = api.get(f"/api/articles?{query}")
        assert r.status_code == 422 and list(r.json["errors"]) == [field]
    r = api.get("/api/articles?limit=ten")
    assert r.status_code == 422
    assert r.json["errors"]["limit"][0].startswith("Input should be a valid integer")


def test_the_feed(api: Conduit) -> None:
    c = api.client
    jake = api.register("jake")
    ann = api.register("ann")
    bob = api.register("bob")
    api.article(ann, "By Ann")
    api.article(bob, "By Bob")
    api.article(jake, "By Jake")
    assert api.get("/api/articles/feed", jake).json == {
        "articles": [],
        "articlesCount": 0,
    }
    c.post("/api/profiles/ann/follow", headers=jake)
    r = api.get("/api/articles/feed", jake)
    assert [a["title"] for a in r.json["articles"]] == ["By Ann"]
    assert r.json["articles"][0]["author"]["following"] is True
    c.post("/api/profiles/bob/follow", headers=jake)
    r = api.get("/api/articles/feed?limit=1", jake)
    assert [a["title"] for a in r.json["articles"]] == ["By Bob"]
    assert r.json["articlesCount"] == 2
    # The global list says whom the reader follows too.
    listed = api.get("/api/articles", jake).json["articles"]
    assert {a["title"]: a["author"]["following"] for a in listed} == {
        "By Ann": True,
        "By Bob": True,
        "By Jake": False,
    }
    r = api.get("/api/articles/feed")
    assert (r.status_code, r.json) == (401, {"errors": {"token": ["is missing"]}})


def test_favorites(api: Conduit) -> None:
    c = api.client
    jake = api.register("jake")
    ann = api.register("ann")
    slug = api.article(jake, "Dragons")["slug"]
    r = c.post(f"/api/articles/{slug}/favorite", headers=ann)
    assert r.status_code == 200
    article = r.json["article"]
    assert (article["favorited"], article["favoritesCount"]) == (True, 1)
    r = c.post(f"/api/articles/{slug}/favorite", headers=ann)  # again: no change
    assert r.json["article"]["favoritesCount"] == 1
    r = c.post(f"/api/articles/{slug}/favorite", headers=jake)
    assert r.json["article"]["favoritesCount"] == 2
    viewed = api.get(f"/api/articles/{slug}").json["article"]
    assert (viewed["favorited"], viewed["favoritesCount"]) == (False, 2)
    listed = api.get("/api/articles", ann).json["articles"][0]
    assert (listed["favorited"], listed["favoritesCount"]) == (True, 2)
    r = c.delete(f"/api/articles/{slug}/favorite", headers=ann)
    assert (r.json["article"]["favorited"], r.json["article"]["favoritesCount"]) == (
        False,
        1,
    )
    assert c.post("/api/articles/gone/favorite", headers=ann).status_code == 404
    assert c.delete("/api/articles/gone/favorite", headers=ann).status_code == 404
    assert c.post(f"/api/articles/{slug}/favorite").status_code == 401


def test_comments(api: Conduit) -> None:
    c = api.client
    jake = api.register("jake")
    ann = api.register("ann")
    slug = api.article(jake, "Dragons")["slug"]
    path = f"/api/articles/{slug}/comments"
    r = c.post(
        path, json={"comment": {"body": "His name was my name too."}}, headers=ann
    )
    assert r.status_code == 201
    comment = r.json["comment"]
    assert set(comment) == {"id", "createdAt", "updatedAt", "body", "author"}
    assert comment["body"] == "His name was my name too."
    assert comment["author"]["username"] == "ann"
    assert TIMESTAMP.match(comment["createdAt"])
    c.post(path, json={"comment": {"body": "Second."}}, headers=jake)
    r = api.get(path)
    assert [x["body"] for x in r.json["comments"]] == [
        "His name was my name too.",
        "Second.",
    ]
    c.post("/api/profiles/ann/follow", headers=jake)
    r = api.get(path, jake)
    assert r.json["comments"][0]["author"]["following"] is True
    r = c.post(path, json={"comment": {"body": ""}}, headers=ann)
    assert (r.status_code, r.json) == (422, {"errors": {"body": ["can't be blank"]}})
    assert c.post(path, json={"comment": {"body": "x"}}).status_code == 401
    r = c.post(
        "/api/articles/gone/comments", json={"comment": {"body": "x"}}, headers=ann
    )
    assert r.status_code == 404
    assert api.get("/api/articles/gone/comments").status_code == 404
    r = c.delete(f"{path}/{comment['id']}", headers=jake)
    assert (r.status_code, r.json) == (403, {"errors": {"comment": ["forbidden"]}})
    r = c.delete(f"{path}/{comment['id']}", headers=ann)
    assert (r.status_code, r.data) == (204, b"")
    r = c.delete(f"{path}/{comment['id']}", headers=ann)
    assert (r.status_code, r.json) == (404, {"errors": {"comment": ["not found"]}})
    assert [x["body"] for x in api.get(path).json["comments"]] == ["Second."]
    # A comment is deleted through its own article only.
    other = api.article(ann, "Other")["slug"]
    second = api.get(path).json["comments"][0]["id"]
    r = c.delete(f"/api/articles/{other}/comments/{second}", headers=jake)
    assert r.status_code == 404


def test_deleting_an_article_deletes_its_comments_and_favorites(
    api: Conduit,
) -> None:
    c = api.client
    jake = api.register("jake")
    slug = api.article(jake, "Dragons", ["dragons"])["slug"]
    c.post(
        f"/api/articles/{slug}/comments", json={"comment": {"body": "x"}}, headers=jake
    )
    c.post(f"/api/articles/{slug}/favorite", headers=jake)
    assert c.delete(f"/api/articles/{slug}", headers=jake).status_code == 204
    again = api.article(jake, "Dragons", ["dragons"])
    assert (again["favoritesCount"], again["favorited"]) == (0, False)
    assert api.get(f"/api/articles/{slug}/comments").json == {"comments": []}


def test_tags(api: Conduit) -> None:
    c = api.client
    jake = api.register("jake")
    assert api.get("/api/tags").json == {"tags": []}
    api.article(jake, "One", ["reactjs", "angularjs"])
    two = api.article(jake, "Two", ["angularjs", "dragons", "dragons"])
    assert two["tagList"] == ["angularjs", "dragons"]
    assert api.get("/api/tags").json == {"tags": ["angularjs", "dragons", "reactjs"]}
    c.delete("/api/articles/one", headers=jake)
    # Tags no article has are not listed.
    assert api.get("/api/tags").json == {"tags": ["angularjs", "dragons"]}
