"""KolbenForm: binding the request, validate_on_submit, hidden_tag, Meta."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email

from kolben import Kolben, render_template_string, request
from kolben.forms import FlaskForm, Form, KolbenForm
from kolben.testing import KolbenClient
from tests.conftest import create_app
from tests.forms.conftest import NameForm, fetch_token, make_app, token_in

Make = Callable[[Kolben], KolbenClient]


class ProfileForm(KolbenForm):
    name = StringField("Name", validators=[DataRequired()])
    age = IntegerField("Age")
    tags = SelectMultipleField("Tags", choices=["a", "b"])
    admin = BooleanField("Admin")


def _form_app(config: dict[str, Any] | None = None) -> Kolben:
    app = make_app(config)

    @app.route("/profile", methods=["GET", "POST", "PUT"])
    def profile() -> Any:
        form = ProfileForm()
        if form.validate_on_submit():
            return {"data": {k: v for k, v in form.data.items() if k != "csrf_token"}}
        if form.is_submitted():
            return {"errors": form.errors}, 422
        return render_template_string("{{ form.hidden_tag() }}", form=form)

    @app.route("/async", methods=["GET", "POST"])
    async def profile_async() -> Any:
        form = ProfileForm()
        if form.validate_on_submit():
            return {"name": form.name.data}
        return {"errors": form.errors}, 422

    return app


def test_flask_form_is_kolben_form() -> None:
    assert FlaskForm is KolbenForm
    from wtforms import Form as WTForm

    assert Form is WTForm


def test_a_submitted_form_binds_and_validates(make_client: Make) -> None:
    c = make_client(_form_app())
    token = token_in(c.get("/profile").text)
    data = {"csrf_token": token, "name": "Ada", "age": "36", "tags": ["a", "b"]}
    r = c.post("/profile", data=data)
    assert r.json == {
        "data": {"name": "Ada", "age": 36, "tags": ["a", "b"], "admin": False}
    }


def test_errors_of_a_submitted_form(make_client: Make) -> None:
    c = make_client(_form_app())
    token = token_in(c.get("/profile").text)
    r = c.put("/profile", data={"csrf_token": token, "age": "x"})
    assert r.status_code == 422
    assert r.json["errors"]["name"] == ["This field is required."]
    assert r.json["errors"]["age"] == ["Not a valid integer value."]


def test_the_form_checks_the_token_without_csrf_protect(make_client: Make) -> None:
    app = create_app()

    @app.route("/", methods=["GET", "POST"])
    def index() -> Any:
        form = NameForm()
        if form.validate_on_submit():
            return "ok"
        if form.errors:
            return {"errors": form.errors}, 422
        return str.__str__(form.csrf_token())  # a plain str, not Markup

    c = make_client(app)
    r = c.post("/", data={"name": "x"})
    assert r.json == {"errors": {"csrf_token": ["The CSRF token is missing."]}}
    token = token_in(c.get("/").text)
    assert c.post("/", data={"name": "x", "csrf_token": token}).text == "ok"


def test_json_binds_a_form(make_client: Make) -> None:
    c = make_client(_form_app())
    token = fetch_token(c)
    r = c.post(
        "/profile",
        json={"name": "Grace", "tags": ["b"], "admin": True},
        headers={"X-CSRFToken": token},
    )
    assert r.json == {
        "data": {"name": "Grace", "age": None, "tags": ["b"], "admin": True}
    }


def test_a_bearer_json_api_needs_no_token_in_the_form(make_client: Make) -> None:
    c = make_client(_form_app())
    r = c.post(
        "/profile", json={"name": "Api"}, headers={"Authorization": "Bearer t0k3n"}
    )
    assert r.status_code == 200
    assert r.json["data"]["name"] == "Api"


@pytest.mark.parametrize("body", [[1, 2], "name", 3])
def test_json_that_is_not_an_object_is_400(make_client: Make, body: Any) -> None:
    c = make_client(_form_app())
    r = c.post("/profile", json=body, headers={"X-CSRFToken": fetch_token(c)})
    assert r.status_code == 400
    assert "A form sent as JSON must be an object" in r.text


def test_async_views_bind_the_form(make_client: Make) -> None:
    c = make_client(_form_app())
    token = fetch_token(c)
    r = c.post("/async", data={"csrf_token": token, "name": "Async"})
    assert r.json == {"name": "Async"}
    r = c.post("/async", data={"csrf_token": token})
    assert r.json == {"errors": {"name": ["This field is required."]}}


def test_validate_on_submit_async(make_client: Make) -> None:
    app = make_app()

    @app.route("/", methods=["GET", "POST"])
    async def index() -> Any:
        form = NameForm()
        if await form.validate_on_submit_async():
            return {"name": form.name.data}
        return {"errors": form.errors, "submitted": form.is_submitted()}

    c = make_client(app)
    assert c.get("/").json == {"errors": {}, "submitted": False}
    r = c.post("/", data={"csrf_token": fetch_token(c), "name": "Ada"})
    assert r.json == {"name": "Ada"}


def test_not_submitted_outside_a_request_or_on_get(app: Kolben) -> None:
    with app.test_request_context(method="GET", query_string={"name": "q"}):
        form = NameForm()
        assert not form.is_submitted()
        assert not form.validate_on_submit()
        assert form.name.data is None
    with app.test_request_context(method="POST", data={"name": "x"}):
        assert NameForm(formdata=None).name.data is None
        assert NameForm().name.data == "x"


def test_hidden_tag_renders_hidden_fields(app: Kolben) -> None:
    class F(KolbenForm):
        ref = HiddenField(default="r1")
        name = StringField()

    with app.test_request_context():
        form = F()
        html = str(form.hidden_tag())
        assert 'name="csrf_token" type="hidden"' in html
        assert '<input id="ref" name="ref" type="hidden" value="r1">' in html
        assert 'name="name"' not in html
        only = str(form.hidden_tag("ref", "name", "missing"))
        assert only == '<input id="ref" name="ref" type="hidden" value="r1">'


def test_meta_options(app: Kolben) -> None:
    class NoCSRF(KolbenForm):
        class Meta:
            csrf = False

        name = StringField()

    class Renamed(KolbenForm):
        class Meta:
            csrf_field_name = "token"
            csrf_time_limit = 60
            csrf_secret = b"form secret"

    with app.test_request_context(method="POST", data={"name": "x"}):
        form = NoCSRF()
        assert "csrf_token" not in form
        assert form.validate()
        renamed = Renamed()
        assert "token" in renamed
        assert renamed.meta.csrf_time_limit == 60
        assert renamed.meta.csrf_secret == b"form secret"
        assert not renamed.validate()
        assert renamed.errors == {"token": ["The CSRF token is missing."]}


def test_wtf_csrf_enabled_false_removes_the_token_field() -> None:
    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.test_request_context(method="POST", data={"name": "x"}):
        form = NameForm()
        assert "csrf_token" not in form
        assert form.validate_on_submit()


def test_email_validator_is_installed_with_the_extra(app: Kolben) -> None:
    class F(KolbenForm):
        class Meta:
            csrf = False

        email = StringField(validators=[Email()])

    with app.test_request_context(method="POST", data={"email": "not an address"}):
        form = F()
        assert not form.validate()
        assert form.errors == {"email": ["Invalid email address."]}
    with app.test_request_context(method="POST", data={"email": "ada@example.com"}):
        assert F().validate()


# -- repeated values ----------------------------------------------------------


class Nested(KolbenForm):
    class Meta:
        csrf = False

    class Address(Form):  # type: ignore[misc]
        city = StringField()

    address = FormField(Address)
    phones = FieldList(StringField(), min_entries=1)
    tags = SelectMultipleField(choices=["a", "b"])


def test_a_repeated_single_valued_field_is_400(make_client: Make) -> None:
    c = make_client(_form_app())
    token = fetch_token(c)
    r = c.post("/profile", data={"csrf_token": token, "name": ["Ada", "Eve"]})
    assert r.status_code == 400
    message = "The form sent the field 'name' 2 times; it takes one value."
    assert message in html.unescape(r.text)


def test_repeated_values_can_be_let_through(make_client: Make) -> None:
    c = make_client(_form_app({"WTF_REFUSE_REPEATED_FIELDS": False}))
    token = fetch_token(c)
    r = c.post("/profile", data={"csrf_token": token, "name": ["Ada", "Eve"]})
    assert r.json["data"]["name"] == "Ada"


def test_repeated_values_of_nested_fields(app: Kolben) -> None:
    from kolben.http.exceptions import BadRequest

    with app.test_request_context(
        method="POST", data={"tags": ["a", "b"], "phones-0": "1", "address-city": "X"}
    ):
        form = Nested()
        assert form.tags.data == ["a", "b"]
        assert form.address.city.data == "X"
    with (
        app.test_request_context(method="POST", data={"address-city": ["X", "Y"]}),
        pytest.raises(BadRequest, match="'address-city' 2 times"),
    ):
        Nested()
    with (
        app.test_request_context(method="POST", data={"phones-0": ["1", "2"]}),
        pytest.raises(BadRequest, match="'phones-0' 2 times"),
    ):
        Nested()
    # Data the view passes itself is not the request's: it is not checked.
    with app.test_request_context(method="POST", data={"x": "1"}):
        from kolben.http.multidict import MultiDict

        form = Nested(
            formdata=MultiDict([("address-city", "X"), ("address-city", "Y")])
        )
        assert form.address.city.data == "X"


def test_request_stays_readable_after_binding(make_client: Make) -> None:
    app = make_app()

    @app.post("/")
    def index() -> Any:
        NameForm()
        return {"form": request.form.to_dict()}

    c = make_client(app)
    token = fetch_token(c)
    r = c.post("/", data={"csrf_token": token, "name": "x"})
    assert r.json == {"form": {"csrf_token": token, "name": "x"}}
