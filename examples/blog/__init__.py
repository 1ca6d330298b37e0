"""A tiny blog built by an application factory, with its own CLI command.

Run it with the ``kolben`` command; the folder is the --app:

    kolben --app examples/blog routes
    kolben --app examples/blog init-db
    kolben --app "examples/blog:create_app('testing')" run --debug
"""

from __future__ import annotations

from typing import Any

import click

from kolben import Kolben, abort

POSTS: dict[int, str] = {}


def create_app(mode: str = "development") -> Kolben:
    """Build the blog app; ``mode`` is ``"development"`` or ``"testing"``.

    :param mode: ``"testing"`` turns on ``TESTING``.
    """
    app = Kolben(__name__)
    app.config.from_mapping(SECRET_KEY="change me", TESTING=mode == "testing")

    @app.get("/")
    def index() -> Any:
        return {"mode": mode, "posts": len(POSTS)}

    @app.get("/posts/<int:post_id>")
    def post(post_id: int) -> Any:
        if post_id not in POSTS:
            abort(404, description=f"No post {post_id}.")
        return {"id": post_id, "title": POSTS[post_id]}

    @app.cli.command("init-db")
    @click.option("--sample", is_flag=True, help="Add a sample post.")
    def init_db(sample: bool) -> None:
        """Clear the posts, optionally adding a sample one."""
        POSTS.clear()
        if sample:
            POSTS[1] = "Hello, kolben"
        click.echo(f"Initialized the database for {app.name} ({len(POSTS)} posts).")

    @app.shell_context_processor
    def shell_names() -> dict[str, Any]:
        return {"POSTS": POSTS}

    return app
