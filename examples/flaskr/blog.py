"""Flaskr's posts: the index, and creating, updating and deleting a post."""

from __future__ import annotations

import sqlite3

from kolben import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    url_for,
)

from .auth import login_required
from .db import get_db
from .forms import PostForm

bp = Blueprint("blog", __name__)

_SELECT_POSTS = """
    SELECT p.id, title, body, date(created) AS created, author_id, username
    FROM post p JOIN user u ON p.author_id = u.id
"""


@bp.route("/")
def index() -> str:
    """List every post, newest first."""
    posts = get_db().execute(f"{_SELECT_POSTS} ORDER BY p.id DESC").fetchall()
    return render_template("blog/index.html", posts=posts)


def get_post(post_id: int, check_author: bool = True) -> sqlite3.Row:
    """Return a post with its author's name, or stop with 404 or 403.

    :param post_id: the post's id.
    :param check_author: answer 403 unless the logged-in user wrote it.
    """
    post: sqlite3.Row | None = (
        get_db().execute(f"{_SELECT_POSTS} WHERE p.id = ?", (post_id,)).fetchone()
    )
    if post is None:
        abort(404, description=f"Post {post_id} does not exist.")
    if check_author and post["author_id"] != g.user["id"]:
        abort(403, description="Only a post's author may change it.")
    return post


@bp.route("/create", methods=("GET", "POST"))
@login_required
def create() -> str | Response:
    """Show the new-post form, and publish the post it submits."""
    form = PostForm()
    if form.validate_on_submit():
        db = get_db()
        db.execute(
            "INSERT INTO post (title, body, author_id) VALUES (?, ?, ?)",
            (form.title.data, form.body.data, g.user["id"]),
        )
        db.commit()
        flash("Post published.", "success")
        return redirect(url_for("blog.index"))
    return render_template("blog/create.html", form=form)


@bp.route("/<int:post_id>/update", methods=("GET", "POST"))
@login_required
def update(post_id: int) -> str | Response:
    """Show a post's edit form, and save the changes it submits.

    :param post_id: the post's id.
    """
    post = get_post(post_id)
    form = PostForm(data={"title": post["title"], "body": post["body"]})
    if form.validate_on_submit():
        db = get_db()
        db.execute(
            "UPDATE post SET title = ?, body = ? WHERE id = ?",
            (form.title.data, form.body.data, post_id),
        )
        db.commit()
        flash("Post updated.", "success")
        return redirect(url_for("blog.index"))
    return render_template("blog/update.html", post=post, form=form)


@bp.route("/<int:post_id>/delete", methods=("POST",))
@login_required
def delete(post_id: int) -> Response:
    """Delete a post, if the logged-in user wrote it.

    :param post_id: the post's id.
    """
    get_post(post_id)
    db = get_db()
    db.execute("DELETE FROM post WHERE id = ?", (post_id,))
    db.commit()
    flash("Post deleted.", "success")
    return redirect(url_for("blog.index"))
