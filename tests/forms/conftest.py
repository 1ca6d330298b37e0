"""Apps and helpers for the tests of kolben.forms."""

from __future__ import annotations

import re
from typing import Any

import pytest
from wtforms import StringField
from wtforms.validators import DataRequired

from kolben import Kolben, render_template_string
from kolben.forms import CSRFProtect, KolbenForm
from kolben.testing import KolbenClient
from tests.conftest import create_app

_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def token_in(page: str) -> str:
    """Return the CSRF token a rendered form holds."""
    match = _TOKEN.search(page)
    assert match is not None, page
    return match.group(1)


def fetch_token(client: KolbenClient) -> str:
    """GET ``/token``, a page that renders ``csrf_token()``; return the token."""
    r = client.get("/token")
    assert r.status_code == 200, r.text
    return r.text


def make_app(config: dict[str, Any] | None = None) -> Kolben:
    """An app with CSRFProtect, a ``/token`` page and a ``POST /submit`` view."""
    app = create_app(config)
    CSRFProtect(app)

    @app.get("/token")
    def token() -> str:
        return render_template_string("{{ csrf_token() }}")

    @app.route("/submit", methods=["POST", "PUT", "PATCH", "DELETE"])
    def submit() -> str:
        return "done"

    return app


@pytest.fixture
def csrf_app() -> Kolben:
    """See :func:`make_app`."""
    return make_app()


class NameForm(KolbenForm):
    """A form with one required field."""

    name = StringField("Name", validators=[DataRequired()])
