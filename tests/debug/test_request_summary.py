"""The request part of the report: what is shown, what is redacted, no raising."""

from __future__ import annotations

import io

from kolben import Kolben
from kolben.debug import DebugReport, RequestSummary
from kolben.request import Request


def failing_view() -> None:
    raise RuntimeError("view failed")


def summarize(app: Kolben, *args: object, **kwargs: object) -> RequestSummary:
    """Build a report for a failure during a real test request."""
    with app.test_request_context(*args, **kwargs) as ctx:
        request = ctx.request
        assert isinstance(request, Request)
        try:
            failing_view()
        except RuntimeError as e:
            report = DebugReport.from_exception(e, request)
    assert report.request is not None
    return report.request


def test_method_url_client_and_query(app: Kolben) -> None:
    summary = summarize(
        app,
        "/orders/7?page=2&q=a+b",
        method="PATCH",
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert summary.method == "PATCH"
    assert summary.url == "http://localhost/orders/7?page=2&q=a+b"
    assert summary.remote_addr == "127.0.0.1"
    assert summary.args == (("page", "2"), ("q", "a b"))
    assert summary.unavailable == {}


def test_credentials_in_headers_are_redacted(app: Kolben) -> None:
    summary = summarize(
        app,
        "/",
        headers={
            "Cookie": "session=abc123; theme=dark",
            "Authorization": "Bearer tok-1",
            "Proxy-Authorization": "Basic cHJveHk=",
            "X-Api-Key": "key-2",
            "X-Request-Id": "req-42",
        },
    )
    headers = dict(summary.headers)
    assert headers["Cookie"] == "[redacted]"
    assert headers["Authorization"] == "[redacted]"
    assert headers["Proxy-Authorization"] == "[redacted]"
    assert headers["X-Api-Key"] == "[redacted]"
    assert headers["X-Request-Id"] == "req-42"
    assert summary.cookie_names == ("session", "theme")
    shown = repr(summary)
    for secret in ("abc123", "tok-1", "cHJveHk=", "key-2", "dark"):
        assert secret not in shown


def test_secret_looking_query_values_are_redacted_in_args_and_url(
    app: Kolben,
) -> None:
    summary = summarize(app, "/cb?code=1&access_token=zzz&apikey=yyy")
    assert summary.args == (
        ("code", "1"),
        ("access_token", "[redacted]"),
        ("apikey", "[redacted]"),
    )
    assert summary.url == (
        "http://localhost/cb?code=1&access_token=[redacted]&apikey=[redacted]"
    )


def test_form_keys_only_never_values(app: Kolben) -> None:
    summary = summarize(
        app,
        "/signup",
        method="POST",
        data={"email": "ada@example.com", "pin": "4711", "tags": ["a", "b"]},
    )
    assert summary.form_keys == ("email", "pin", "tags")
    shown = repr(summary)
    assert "ada@example.com" not in shown
    assert "4711" not in shown


def test_file_field_names_and_filenames(app: Kolben) -> None:
    summary = summarize(
        app,
        "/upload",
        method="POST",
        data={
            "title": "Report",
            "doc": (io.BytesIO(b"%PDF-private"), "q3 report.pdf", "application/pdf"),
        },
    )
    assert summary.form_keys == ("title",)
    assert summary.files == (("doc", "q3 report.pdf"),)
    assert "%PDF-private" not in repr(summary)


def test_malformed_body_is_reported_unavailable(app: Kolben) -> None:
    summary = summarize(
        app,
        "/",
        method="POST",
        data=b"--xyz\r\nno headers here",
        content_type="multipart/form-data; boundary=xyz",
    )
    assert summary.form_keys == ()
    assert summary.unavailable["form"].startswith("BadRequest")
    assert summary.method == "POST"  # the rest is still there


def test_body_over_the_limit_is_reported_unavailable(app: Kolben) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10
    summary = summarize(app, "/", method="POST", data={"field": "x" * 100})
    assert summary.unavailable["form"].startswith("RequestEntityTooLarge")
    assert summary.files == ()


def test_invalid_host_is_reported_unavailable(app: Kolben) -> None:
    summary = summarize(app, "/", headers={"Host": "evil host/<x>"})
    assert summary.url == ""
    assert summary.unavailable["url"].startswith("BadRequest")
    assert dict(summary.headers)["Host"] == "evil host/<x>"
