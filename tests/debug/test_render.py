"""Rendering the report: an escaped self-contained page, and JSON data."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup, escape

import kolben.debug
from kolben import Kolben
from kolben.debug import DebugReport, render_html, render_json
from kolben.helpers import abort
from kolben.request import Request

XSS = "<script>alert('x')</script>"

# Every tag the page may use: nothing that runs code or loads a resource.
_LAYOUT_TAGS = {
    "!doctype", "html", "head", "meta", "title", "style", "body", "header", "main",
    "footer", "section", "div", "p", "h1", "h2", "h3", "small", "span", "code",
    "pre", "details", "summary", "table", "tr", "th", "td",
}  # fmt: skip


def report_for(exc_factory: Any, request: Request | None = None) -> DebugReport:
    """Raise from ``exc_factory()`` in a real frame and build the report."""
    try:
        exc_factory()
    except BaseException as e:  # noqa: B036 - any exception is a test input
        return DebugReport.from_exception(e, request)
    raise AssertionError("nothing was raised")


def raise_with_local(message: str, value: object) -> None:
    user_value = value
    raise ValueError(message if user_value is not None else message)


def make_request(app: Kolben, *args: Any, **kwargs: Any) -> Request:
    ctx = app.test_request_context(*args, **kwargs)
    assert ctx.request is not None
    return ctx.request


def test_page_title_and_summary() -> None:
    page = render_html(report_for(lambda: raise_with_local("bad input", 3)))
    assert page.startswith("<!doctype html>")
    assert "<title>ValueError: bad input // kolben debug</title>" in page
    assert "<h1>ValueError</h1>" in page
    assert "in <code>raise_with_local</code>" in page


def test_page_is_self_contained_without_scripts() -> None:
    page = render_html(report_for(lambda: raise_with_local("x", 1))).lower()
    tags = re.findall(r"<[a-z][^>]*>", page)
    assert {tag.split()[0].strip("<>") for tag in tags} <= _LAYOUT_TAGS
    assert not [tag for tag in tags if "src=" in tag or "href=" in tag]
    assert "<style>" in page
    assert "content-security-policy" in page


def test_message_locals_and_source_are_escaped() -> None:
    page = render_html(report_for(lambda: raise_with_local(XSS, XSS)))
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert str(escape(repr(XSS))) in page  # the local's repr
    assert "raise ValueError(message if user_value is not None" in page


def test_markup_messages_are_escaped_too() -> None:
    page = render_html(report_for(lambda: raise_with_local(Markup(XSS), None)))
    assert "<script" not in page
    assert "&lt;script&gt;" in page


def test_request_values_are_escaped(app: Kolben) -> None:
    request = make_request(
        app,
        "/?q=<script>q</script>",
        method="POST",
        headers={"X-Evil": "<script>h</script>"},
        data={"<script>field": "v", "up": (b"data", "<script>.txt")},
    )
    page = render_html(report_for(lambda: raise_with_local("boom", 1), request))
    request.close()  # the uploaded file's spool; no context was pushed to do it
    assert "<script" not in page
    assert "&lt;script&gt;h&lt;/script&gt;" in page
    assert "&lt;script&gt;q&lt;/script&gt;" in page
    assert "&lt;script&gt;field" in page
    assert "&lt;script&gt;.txt" in page


def test_user_frames_are_emphasized_library_frames_dimmed() -> None:
    def view() -> None:
        item_id = 7
        abort(404, description=f"no item {item_id}")

    with Kolben(__name__).app_context():
        report = report_for(view)
    page = render_html(report)
    assert page.count('<div class="frame user">') == 2  # report_for and view
    assert '<div class="frame library">' in page
    assert '<span class="tag">kolben</span>' in page
    # Only the newest user frame's locals start expanded.
    assert page.count("<details open>") == 1


def test_locals_are_in_collapsible_details() -> None:
    page = render_html(report_for(lambda: raise_with_local("m", [1, 2])))
    assert "<summary>Local variables (3)</summary>" in page
    assert '<th class="mono">user_value</th><td><pre>[1, 2]</pre>' in page


def test_source_lines_with_the_failing_one_marked() -> None:
    page = render_html(report_for(lambda: raise_with_local("m", 1)))
    assert '<span class="line current">' in page
    assert "def raise_with_local" in page


def test_chain_is_shown_oldest_first_like_python() -> None:
    def chained() -> None:
        try:
            int("abc")
        except ValueError as e:
            raise LookupError("no user") from e

    page = render_html(report_for(chained))
    cause_at = page.index("invalid literal for int()")
    link_at = page.index("The above exception was the direct cause")
    main_at = page.index('<p class="exc-line">LookupError')
    assert cause_at < link_at < main_at


def test_implicit_context_link_text() -> None:
    def implicit() -> None:
        try:
            int("abc")
        except ValueError:
            empty: dict[str, int] = {}
            empty["missing"]

    page = render_html(report_for(implicit))
    assert "During handling of the above exception, another exception occurred" in page


def test_request_section(app: Kolben) -> None:
    request = _request_with_secrets(app)
    page = render_html(report_for(lambda: raise_with_local("m", 1), request))
    request_part = page[page.index('<section class="request">') :]
    assert "http://localhost/items?page=2" in request_part
    assert "Form fields (names only)" in request_part
    assert '<th class="mono">name</th>' in request_part
    for secret in ("s3cr3t", "dTpw", "private-value"):
        assert secret not in page


def _request_with_secrets(app: Kolben) -> Request:
    # Kept away from any raising line, so the source context cannot show it.
    return make_request(
        app,
        "/items?page=2",
        method="POST",
        headers={"Cookie": "session=s3cr3t", "Authorization": "Basic dTpw"},
        data={"name": "private-value"},
    )


def test_unreadable_request_parts_say_why(app: Kolben) -> None:
    request = make_request(
        app,
        "/",
        method="POST",
        data=b"--xyz\r\nbroken",
        content_type="multipart/form-data; boundary=xyz",
    )
    page = render_html(report_for(lambda: raise_with_local("m", 1), request))
    assert "(unavailable: BadRequest" in page


def test_no_request_no_request_section() -> None:
    page = render_html(report_for(lambda: raise_with_local("m", 1)))
    assert '<section class="request">' not in page


def test_json_shape(app: Kolben) -> None:
    request = make_request(app, "/a?b=1", headers={"Authorization": "Bearer t"})

    def failing() -> None:
        try:
            int("abc")
        except ValueError as e:
            raise LookupError("no user") from e

    data = render_json(report_for(failing, request))
    json.dumps(data)  # serializable as it is
    assert data["error"] == {
        "type": "LookupError",
        "module": "builtins",
        "message": "no user",
        "notes": [],
        "causes": [data["error"]["causes"][0]],
    }
    cause = data["error"]["causes"][0]
    assert (cause["type"], cause["relation"]) == ("ValueError", "cause")
    assert cause["traceback"][-1]["function"] == "failing"
    frame = data["traceback"][-1]
    assert frame["function"] == "failing"
    assert frame["file"] == __file__
    assert frame["code"] == 'raise LookupError("no user") from e'
    assert frame["origin"] == "user" and frame["user_code"] is True
    assert frame["locals"] == {}  # ``e`` is unbound once the except block ends
    assert sum(line["current"] for line in frame["context"]) == 1
    assert data["request"]["method"] == "GET"
    assert data["request"]["url"] == "http://localhost/a?b=1"
    assert data["request"]["args"] == {"b": ["1"]}
    assert data["request"]["headers"]["Authorization"] == "[redacted]"


def test_json_without_request() -> None:
    data = render_json(report_for(lambda: raise_with_local("m", 1)))
    assert data["request"] is None
    assert data["traceback"][-1]["locals"]["user_value"] == "1"


def test_package_never_evaluates_code() -> None:
    package = Path(kolben.debug.__file__).parent
    sources = list(package.glob("*.py"))
    assert len(sources) >= 5
    for path in sources:
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            # The builtins by name, however called (re.compile is a regex).
            if isinstance(node, ast.Name):
                assert node.id not in ("eval", "exec", "compile", "__import__"), (
                    f"{node.id} in {path.name}:{node.lineno}"
                )


def test_code_in_the_request_is_shown_never_run(app: Kolben, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    code = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    request = make_request(
        app,
        "/",
        method="POST",
        query_string={"q": code},
        headers={"X-Code": code},
        data={code: code},
    )
    report = report_for(lambda: raise_with_local(code, code), request)
    page = render_html(report)
    json.dumps(render_json(report))
    assert not marker.exists()
    assert page.count(str(escape(code))) >= 3  # message, header, query arg
    assert "__import__(&#39;pathlib&#39;)" in page


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(message=st.text(), value=_values)
def test_render_never_raises_nor_emits_raw_markup(message: str, value: object) -> None:
    report = report_for(lambda: raise_with_local(message, value))
    page = render_html(report)
    assert "<script" not in page.lower()
    assert str(escape(message)) in page
    json.dumps(render_json(report))


@settings(max_examples=100, deadline=None)
@given(
    message=st.sampled_from(["<script>", "<SCRIPT src=x>", "</pre><script>", "\x00<"])
    | st.text(alphabet="<>&\"'/scriptSCRIPT ", max_size=40)
)
def test_render_escapes_hostile_markup(message: str) -> None:
    page = render_html(report_for(lambda: raise_with_local(message, message)))
    assert "<script" not in page.lower()


def test_exception_without_traceback_renders() -> None:
    page = render_html(DebugReport.from_exception(ValueError("never raised")))
    assert '<p class="where">' not in page
    assert "<title>ValueError: never raised // kolben debug</title>" in page


def test_library_only_traceback_focuses_the_newest_frame() -> None:
    try:
        json.loads("{")
    except ValueError as e:
        # Drop this test's own frame: only stdlib frames remain.
        exc = e.with_traceback(e.__traceback__.tb_next if e.__traceback__ else None)
    report = DebugReport.from_exception(exc)
    assert not any(frame.is_user_code for frame in report.frames)
    page = render_html(report)
    assert f"in <code>{report.frames[-1].function}</code>" in page
    assert page.count("<details open>") == 1


def test_omitted_frames_are_announced() -> None:
    def recurse(n: int) -> None:
        if n:
            recurse(n - 1)
        raise RecursionError("bottom")

    page = render_html(report_for(lambda: recurse(150)))
    assert "older frames omitted</p>" in page


def test_framework_frames_are_folded_and_user_frames_open() -> None:
    from kolben import Kolben

    app = Kolben(__name__)

    def user_code() -> None:
        raise ValueError("from user code")

    app.add_url_rule("/", "index", user_code)
    client = app.test_client()
    app.testing = False
    app.debug = True
    app.config["PROPAGATE_EXCEPTIONS"] = False
    page = client.get("/").text
    user_frame = page.split('in <span class="func mono">user_code</span>')[1]
    # The user's frame shows its source directly, not behind a fold.
    assert user_frame.lstrip().startswith('</div>\n<pre class="source">')
    # kolben's own frames fold their source away.
    assert "<details><summary>Source</summary>" in page
