"""RecaptchaField against a fake verify server on loopback (no internet)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

from kolben import Kolben, render_template_string
from kolben.forms import KolbenForm, Recaptcha, RecaptchaField, RecaptchaWidget
from kolben.testing import KolbenClient
from tests.e2e._live import free_port
from tests.forms.conftest import fetch_token, make_app

Make = Callable[[Kolben], KolbenClient]

#: What the fake server answers for each response the widget "posted".
ANSWERS: dict[str, tuple[int, Any]] = {
    "good": (200, {"success": True}),
    "bad": (200, {"success": False, "error-codes": ["invalid-input-response"]}),
    "wrong": (200, {"success": False, "error-codes": ["timeout-or-duplicate"]}),
    "broken": (500, {"oops": True}),
    "garbage": (200, "not json"),
}


class _Verifier(BaseHTTPRequestHandler):
    seen: list[dict[str, list[str]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        form = parse_qs(self.rfile.read(length).decode())
        self.seen.append(form)
        status, answer = ANSWERS[form["response"][0]]
        body = (
            answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()
        )
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def verifier() -> Iterator[str]:
    """The URL of a fake siteverify endpoint on a loopback port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Verifier)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/siteverify"
    server.shutdown()
    server.server_close()


class SignupForm(KolbenForm):
    recaptcha = RecaptchaField()


def _app(verify_server: str, **config: Any) -> Kolben:
    app = make_app(
        {
            "TESTING": False,
            "RECAPTCHA_PUBLIC_KEY": "site-key",
            "RECAPTCHA_PRIVATE_KEY": "secret-key",
            "RECAPTCHA_VERIFY_SERVER": verify_server,
            **config,
        }
    )

    @app.route("/signup", methods=["GET", "POST"])
    def signup() -> Any:
        form = SignupForm()
        if form.validate_on_submit():
            return {"ok": True}
        if form.is_submitted():
            return {"errors": form.errors, "code": form.recaptcha.recaptcha_error}
        return render_template_string("{{ form.recaptcha }}", form=form)

    @app.post("/signup-async")
    async def signup_async() -> Any:
        form = SignupForm()
        if await form.validate_on_submit_async():
            return {"ok": True}
        return {"errors": form.errors}

    return app


def _post(c: KolbenClient, response: str | None, path: str = "/signup") -> Any:
    data = {"csrf_token": fetch_token(c)}
    if response is not None:
        data["g-recaptcha-response"] = response
    return c.post(path, data=data).json


def test_a_good_answer_passes(verifier: str, make_client: Make) -> None:
    c = make_client(_app(verifier))
    _Verifier.seen.clear()
    assert _post(c, "good") == {"ok": True}
    assert _Verifier.seen == [
        {"secret": ["secret-key"], "remoteip": ["127.0.0.1"], "response": ["good"]}
    ]


def test_async_views_verify_off_the_loop(verifier: str, make_client: Make) -> None:
    c = make_client(_app(verifier))
    assert _post(c, "good", "/signup-async") == {"ok": True}
    assert _post(c, "wrong", "/signup-async") == {
        "errors": {"recaptcha": ["The response parameter is missing."]}
    }


def test_json_clients_send_the_response_in_the_body(
    verifier: str, make_client: Make
) -> None:
    c = make_client(_app(verifier))
    r = c.post(
        "/signup",
        json={"g-recaptcha-response": "good"},
        headers={"X-CSRFToken": fetch_token(c)},
    )
    assert r.json == {"ok": True}


@pytest.mark.parametrize(
    ("answer", "message", "code"),
    [
        (None, "The response parameter is missing.", None),
        ("bad", "The response parameter is invalid or malformed.", None),
        ("wrong", "The response parameter is missing.", "incorrect-captcha-sol"),
        ("broken", "The reCAPTCHA could not be checked. Please try again.", None),
        ("garbage", "The reCAPTCHA could not be checked. Please try again.", None),
    ],
)
def test_refused_answers(
    verifier: str, make_client: Make, answer: str | None, message: str, code: Any
) -> None:
    c = make_client(_app(verifier))
    assert _post(c, answer) == {"errors": {"recaptcha": [message]}, "code": code}


def test_an_unreachable_verify_server_is_an_error_not_a_500(
    make_client: Make,
) -> None:
    c = make_client(_app(f"http://127.0.0.1:{free_port()}/siteverify"))
    assert _post(c, "good")["errors"] == {
        "recaptcha": ["The reCAPTCHA could not be checked. Please try again."]
    }


def test_testing_mode_skips_the_check(make_client: Make) -> None:
    c = make_client(_app("http://127.0.0.1:9/never", TESTING=True))
    assert _post(c, None) == {"ok": True}


def test_the_widget_renders_from_the_config(verifier: str, make_client: Make) -> None:
    c = make_client(
        _app(
            verifier,
            RECAPTCHA_PARAMETERS={"hl": "de"},
            RECAPTCHA_DATA_ATTRS={"theme": "dark"},
        )
    )
    html = c.get("/signup").text
    assert (
        '<script src="https://www.google.com/recaptcha/api.js?hl=de" async defer>'
        "</script>"
    ) in html
    assert '<div class="g-recaptcha" data-theme="dark" data-sitekey="site-key">' in (
        html
    )
    disabled = make_client(_app(verifier, RECAPTCHA_DISABLE=True))
    assert disabled.get("/signup").text == "<!-- recaptcha disabled -->"
    custom = make_client(_app(verifier, RECAPTCHA_HTML="<b>captcha</b>"))
    assert custom.get("/signup").text == "<b>captcha</b>"


def test_missing_keys_name_the_setting(app: Kolben) -> None:
    with app.test_request_context():
        with pytest.raises(RuntimeError, match="RECAPTCHA_PUBLIC_KEY"):
            RecaptchaWidget()(None)
    app.testing = False
    with app.test_request_context(method="POST", data={"g-recaptcha-response": "x"}):
        with pytest.raises(RuntimeError, match="RECAPTCHA_PRIVATE_KEY"):
            Recaptcha()(None, RecaptchaField().bind(SignupForm(formdata=None), "r"))
