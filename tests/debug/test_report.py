"""Building a DebugReport from real exceptions: frames, source, locals, chains."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from itsdangerous import URLSafeSerializer
from markupsafe import Markup

from kolben import Kolben
from kolben.config import Config
from kolben.debug import DebugReport, Frame, render_html
from kolben.debug._frames import MAX_FRAMES, MAX_LOCALS, classify
from kolben.helpers import abort


def caught(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> BaseException:
    """Call ``fn`` and return the exception it raised."""
    try:
        fn(*args, **kwargs)
    except BaseException as e:  # noqa: B036 - the tests need any exception
        return e
    raise AssertionError(f"{fn.__name__} did not raise")


def frame_named(report: DebugReport, name: str) -> Frame:
    """Return the frame of the function called ``name``."""
    matches = [frame for frame in report.frames if frame.function == name]
    assert matches, [frame.function for frame in report.frames]
    return matches[-1]


def split_bill(total: int, people: int) -> float:
    share_note = "per person"
    return total / people if share_note else 0.0


def checkout(order_id: int) -> float:
    customer = "Ada"
    return split_bill(order_id * 10, 0) if customer else 0.0


def test_type_message_and_title() -> None:
    report = DebugReport.from_exception(caught(checkout, 4))
    assert report.type_name == "ZeroDivisionError"
    assert report.exception.module == "builtins"
    assert report.exception.full_name == "ZeroDivisionError"
    assert report.message == "division by zero"
    assert report.title == "ZeroDivisionError: division by zero"
    assert report.causes == ()
    assert report.request is None


def test_frames_are_oldest_first_with_locations() -> None:
    report = DebugReport.from_exception(caught(checkout, 4))
    names = [frame.function for frame in report.frames]
    assert names[-2:] == ["checkout", "split_bill"]
    last = report.frames[-1]
    assert last.filename == __file__
    assert last.code == "return total / people if share_note else 0.0"
    assert last.is_user_code
    assert last.origin == "user"


def test_source_context_marks_the_failing_line() -> None:
    frame = frame_named(DebugReport.from_exception(caught(checkout, 4)), "split_bill")
    current = [line for line in frame.source if line.is_current]
    assert len(current) == 1
    assert current[0].number == frame.lineno
    assert "total / people" in current[0].text
    numbers = [line.number for line in frame.source]
    assert numbers == list(range(numbers[0], numbers[-1] + 1))
    assert numbers[0] == frame.lineno - 5
    assert any("def split_bill" in line.text for line in frame.source)


def test_locals_are_shown_as_reprs() -> None:
    report = DebugReport.from_exception(caught(checkout, 4))
    assert dict(frame_named(report, "split_bill").locals) == {
        "total": "40",
        "people": "0",
        "share_note": "'per person'",
    }
    assert dict(frame_named(report, "checkout").locals) == {
        "order_id": "4",
        "customer": "'Ada'",
    }


def test_origin_of_stdlib_library_and_kolben_frames() -> None:
    stdlib = DebugReport.from_exception(caught(json.loads, "{"))
    assert stdlib.frames[-1].origin == "stdlib"
    assert not stdlib.frames[-1].is_user_code

    library = DebugReport.from_exception(
        caught(URLSafeSerializer("key").loads, "tampered")
    )
    assert library.frames[-1].origin == "library"

    app = Kolben(__name__)
    with app.app_context():
        kolben_report = DebugReport.from_exception(caught(abort, 404))
    assert kolben_report.frames[-1].origin == "kolben"
    assert kolben_report.frames[0].origin == "user"


@pytest.mark.parametrize(
    ("filename", "origin"),
    [
        ("<frozen importlib._bootstrap>", "stdlib"),
        ("<string>", "user"),
        ("/srv/app/views.py", "user"),
        ("/opt/venv/lib/python3.11/site-packages/pkg/mod.py", "library"),
        ("/usr/lib/python3/dist-packages/pkg/mod.py", "library"),
        (json.__file__, "stdlib"),
    ],
)
def test_classify(filename: str, origin: str) -> None:
    assert classify(filename) == origin


def test_missing_source_gives_no_context() -> None:
    def generated() -> None:
        raise ValueError("from generated code")

    generated.__code__ = generated.__code__.replace(co_filename="<generated>")
    exc = caught(generated)
    frame = DebugReport.from_exception(exc).frames[-1]
    assert frame.filename == "<generated>"
    assert frame.source == ()
    assert frame.code == ""
    assert "(source not available)" in render_html(DebugReport.from_exception(exc))


def login(username: str, password: str) -> None:
    api_key = "k-123"
    auth_token = "t-456"
    session_id = "s-789"
    MY_SECRET = "shh"
    settings = {"db_password": "pw-1", "port": 5432, "nested": {"token": "t-2"}}
    present = all((password, api_key, auth_token, session_id, MY_SECRET, settings))
    raise PermissionError(f"{username} denied" if present else "no credentials")


def test_secret_looking_locals_are_redacted() -> None:
    report = DebugReport.from_exception(caught(login, "ada", "hunter2"))
    shown = dict(report.frames[-1].locals)
    assert shown["username"] == "'ada'"
    for name in ("password", "api_key", "auth_token", "session_id", "MY_SECRET"):
        assert shown[name] == "[redacted]"
    assert shown["settings"] == (
        "{'db_password': [redacted], 'port': 5432, 'nested': {'token': [redacted]}}"
    )
    everything = " ".join(shown.values())
    for secret in ("hunter2", "k-123", "t-456", "s-789", "shh", "pw-1", "t-2"):
        assert secret not in everything


def test_dict_subclasses_are_redacted_too() -> None:
    def configure() -> None:
        conf = Config(".", {"SECRET_KEY": "very-secret", "DEBUG": True})
        raise RuntimeError(str(len(conf)))

    shown = dict(DebugReport.from_exception(caught(configure)).frames[-1].locals)
    assert "very-secret" not in shown["conf"]
    assert shown["conf"] == "Config({'SECRET_KEY': [redacted], 'DEBUG': True})"


def test_long_values_are_truncated() -> None:
    def big() -> None:
        text = "x" * 10_000
        numbers = list(range(10_000))
        nested = [[[[["deep"]]]]]
        wide = {i: i for i in range(30)}
        raise ValueError(len(text) + len(numbers) + len(nested) + len(wide))

    shown = dict(DebugReport.from_exception(caught(big)).frames[-1].locals)
    assert all(len(value) <= 500 for value in shown.values())
    assert shown["text"].startswith("'xxx")
    assert "..." in shown["text"]
    assert shown["numbers"].startswith("[0, 1, 2") and shown["numbers"].endswith("...]")
    assert "deep" not in shown["nested"]
    assert shown["wide"].startswith("{0: 0, 1: 1") and shown["wide"].endswith(", ...}")
    assert "25: 25" not in shown["wide"]


class Broken:
    def __repr__(self) -> str:
        raise RuntimeError("repr exploded")


class LongRepr:
    def __repr__(self) -> str:
        return "L" * 5000


def test_raising_and_huge_reprs_do_not_break_the_report() -> None:
    def uses_broken() -> None:
        broken = Broken()
        in_list = [1, Broken()]
        long_one = LongRepr()
        raise ValueError(f"{id(broken)} {len(in_list)} {id(long_one)}")

    shown = dict(DebugReport.from_exception(caught(uses_broken)).frames[-1].locals)
    assert shown["broken"] == "<Broken object; repr() raised RuntimeError>"
    assert shown["in_list"] == "[1, <Broken object; repr() raised RuntimeError>]"
    assert len(shown["long_one"]) == 500
    assert shown["long_one"].endswith("\u2026")


def test_at_most_fifty_locals_per_frame() -> None:
    module_report = DebugReport.from_exception(caught(_raise_with_many_locals))
    frame = module_report.frames[-1]
    assert len(frame.locals) == MAX_LOCALS
    assert frame.locals_omitted == 10
    assert [name for name, _ in frame.locals][:3] == ["a0", "a1", "a2"]


def _raise_with_many_locals() -> None:
    (a0, a1, a2, a3, a4, a5, a6, a7, a8, a9) = range(10)
    (b0, b1, b2, b3, b4, b5, b6, b7, b8, b9) = range(10)
    (c0, c1, c2, c3, c4, c5, c6, c7, c8, c9) = range(10)
    (d0, d1, d2, d3, d4, d5, d6, d7, d8, d9) = range(10)
    (e0, e1, e2, e3, e4, e5, e6, e7, e8, e9) = range(10)
    (f0, f1, f2, f3, f4, f5, f6, f7, f8, f9) = range(10)
    raise ValueError(a0 + b0 + c0 + d0 + e0 + f0)


def test_dunder_locals_are_skipped() -> None:
    class Model:
        def save(self) -> None:
            __tracebackhide__ = False
            raise ValueError(super().__class__.__name__ + str(__tracebackhide__))

    shown = dict(DebugReport.from_exception(caught(Model().save)).frames[-1].locals)
    assert "self" in shown
    assert not any(name.startswith("__") for name in shown)


def load_user(user_id: str) -> int:
    return int(user_id)


def view_with_cause() -> None:
    try:
        load_user("abc")
    except ValueError as e:
        raise LookupError("no such user") from e


def test_explicit_cause_is_reported_before_the_exception() -> None:
    report = DebugReport.from_exception(caught(view_with_cause))
    assert report.type_name == "LookupError"
    assert [info.type_name for info in report.causes] == ["ValueError"]
    cause = report.causes[0]
    assert cause.relation == "cause"
    assert "invalid literal" in cause.message
    assert cause.frames[-1].function == "load_user"
    assert report.chain == (cause, report.exception)
    assert report.exception.relation is None


def test_implicit_context_is_reported() -> None:
    def implicit() -> None:
        empty: dict[str, int] = {}
        try:
            empty["first"]
        except KeyError:
            load_user("xyz")

    report = DebugReport.from_exception(caught(implicit))
    assert [(c.type_name, c.relation) for c in report.causes] == [
        ("KeyError", "context")
    ]
    assert report.type_name == "ValueError"


def test_suppressed_context_is_not_reported() -> None:
    def suppressed() -> None:
        try:
            load_user("abc")
        except ValueError:
            raise LookupError("clean") from None

    assert DebugReport.from_exception(caught(suppressed)).causes == ()


def test_long_and_cyclic_chains_terminate() -> None:
    first = ValueError("first")
    second = ValueError("second")
    first.__context__ = second
    second.__context__ = first
    report = DebugReport.from_exception(first)
    assert [c.message for c in report.causes] == ["second"]

    exc: BaseException = ValueError("0")
    for i in range(1, 50):
        newer = ValueError(str(i))
        newer.__cause__ = exc
        exc = newer
    assert len(DebugReport.from_exception(exc).causes) == 20


def test_deep_recursion_keeps_the_newest_frames() -> None:
    def recurse(n: int) -> None:
        if n == 0:
            raise RecursionError("bottom")
        recurse(n - 1)

    report = DebugReport.from_exception(caught(recurse, MAX_FRAMES + 20))
    assert len(report.frames) == MAX_FRAMES
    assert report.exception.frames_omitted >= 20
    assert dict(report.frames[-1].locals)["n"] == "0"


class BadStr(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no str for you")


def test_message_is_safe_when_str_raises_or_claims_markup() -> None:
    report = DebugReport.from_exception(BadStr())
    assert report.message == "<BadStr object; str() raised RuntimeError>"
    assert report.exception.module == __name__
    assert report.exception.full_name == f"{__name__}.BadStr"

    markup = DebugReport.from_exception(ValueError(Markup("<b>bold</b>")))
    assert type(markup.message) is str


def test_notes_and_exceptions_without_traceback() -> None:
    exc = ValueError("never raised")
    exc.add_note("retry with a smaller batch")
    report = DebugReport.from_exception(exc)
    assert report.frames == ()
    assert report.exception.notes == ("retry with a smaller batch",)


def test_empty_message_title_is_the_type() -> None:
    assert DebugReport.from_exception(KeyboardInterrupt()).title == "KeyboardInterrupt"
    long = DebugReport.from_exception(ValueError("line one\nline two " + "y" * 500))
    assert long.title == "ValueError: line one"
    assert len(DebugReport.from_exception(ValueError("z" * 999)).title) < 230


def test_locals_of_the_running_frames_are_not_modified() -> None:
    def keeps_state() -> None:
        data = {"password": "kept"}
        raise ValueError(data)

    exc = caught(keeps_state)
    DebugReport.from_exception(exc)
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    assert tb is not None
    assert tb.tb_frame.f_locals["data"] == {"password": "kept"}


def test_deeply_nested_values_are_cut_off() -> None:
    def nested() -> None:
        tree = {"a": {"b": {"c": {"d": {"e": 1}}}}}
        raise ValueError(len(tree))

    shown = dict(DebugReport.from_exception(caught(nested)).frames[-1].locals)
    assert shown["tree"] == "{'a': {'b': {'c': {...}}}}"


def _raising_iter(self: object) -> Any:
    raise RuntimeError("cannot iterate")


def test_container_whose_iteration_raises() -> None:
    # Named "list" so that reprlib treats it as a list and iterates it.
    weird_list = type("list", (list,), {"__iter__": _raising_iter})

    def uses_weird() -> None:
        weird = weird_list()
        raise ValueError(type(weird).__name__)

    shown = dict(DebugReport.from_exception(caught(uses_weird)).frames[-1].locals)
    assert shown["weird"] == "<list object; repr() raised RuntimeError>"
