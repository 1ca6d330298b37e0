"""Flaskr: the Flask tutorial's blog, built for kolben by an app factory.

Run it with the ``kolben`` command; the folder is the --app:

    kolben --app examples/flaskr init-db
    kolben --app examples/flaskr run --debug

The database lives in the instance folder unless ``DATABASE`` says otherwise
(in ``instance/config.py`` or as ``KOLBEN_DATABASE`` in the environment).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from kolben import Kolben
from kolben.forms import CSRFProtect


def create_app(test_config: Mapping[str, Any] | None = None) -> Kolben:
    """Create and configure a Flaskr application.

    :param test_config: settings that replace ``instance/config.py`` and the
        environment, so that tests never read a developer's configuration.
    """
    app = Kolben(__name__, instance_relative_config=True)
    app.config.from_mapping(
        # SECURITY: "dev" only suits a local run; a deployment sets its own
        # SECRET_KEY in instance/config.py or KOLBEN_SECRET_KEY.
        SECRET_KEY="dev",
        DATABASE=os.path.join(app.instance_path, "flaskr.sqlite"),
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)

    # Only the folder that holds the database is created, so a test with a
    # temporary database leaves no instance folder behind in the source tree.
    os.makedirs(os.path.dirname(os.path.abspath(app.config["DATABASE"])), exist_ok=True)

    from . import auth, blog, db

    db.init_app(app)
    # SECURITY: every POST carries the token of the page's form (or of
    # csrf_token() in the log-out and delete buttons); others get a 400.
    CSRFProtect(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(blog.bp)
    # The blog is the whole site: its index is the app's index too.
    app.add_url_rule("/", endpoint="index")
    return app
