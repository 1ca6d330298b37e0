"""Finding the app: every ``--app`` form, KOLBEN_APP, and the failures."""

from __future__ import annotations

import keyword
import re
import string
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kolben import Kolben
from kolben._discovery import (
    NoAppException,
    _parse_app_name,
    find_app_by_string,
    find_best_app,
    load_app,
    prepare_import,
    split_import_path,
)
from tests.cli.conftest import Invoke, WriteFile, run_kolben

#: A module with one app instance and a factory; each app's only endpoint
#: says where it came from.
SHOP = """\
from kolben import Kolben

def _make(label):
    app = Kolben(__name__)
    app.add_url_rule(f"/{label}", endpoint=f"from_{label}", view_func=lambda: label)
    return app

my_app = _make("attribute")

def create_app(mode="factory"):
    return _make(mode)
"""

BLOG_INIT = """\
from kolben import Kolben

def create_app(mode="package"):
    app = Kolben(__name__)
    app.add_url_rule("/", endpoint=f"blog_{mode}", view_func=lambda: mode)
    return app
"""

BLOG_VIEWS = """\
from . import create_app

app = create_app("views")
"""


@pytest.fixture
def shop(write_file: WriteFile) -> Path:
    write_file("sites/blog/__init__.py", BLOG_INIT)
    write_file("sites/blog/views.py", BLOG_VIEWS)
    return write_file("shop.py", SHOP)


@pytest.mark.parametrize(
    ("app_option", "endpoint"),
    [
        ("shop", "from_attribute"),
        ("shop:my_app", "from_attribute"),
        ("shop:create_app()", "from_factory"),
        ("shop:create_app('dev')", "from_dev"),
        ("shop:create_app(mode='kw')", "from_kw"),
        ("shop.py", "from_attribute"),
        ("sites/blog", "blog_package"),
        ("sites/blog:create_app('arg')", "blog_arg"),
        ("sites/blog/views.py", "blog_views"),
    ],
)
def test_app_option_forms(shop: Path, app_option: str, endpoint: str) -> None:
    result = run_kolben(shop.parent, "--app", app_option, "routes")
    assert result.returncode == 0, result.stderr
    assert endpoint in result.stdout
    # The same app found in-process; other endpoints are absent.
    assert result.stdout.count("from_") + result.stdout.count("blog_") == 1


def test_short_option_and_env_var(shop: Path) -> None:
    result = run_kolben(shop.parent, "-A", "shop:create_app('short')", "routes")
    assert "from_short" in result.stdout
    result = run_kolben(shop.parent, "routes", env={"KOLBEN_APP": "shop:my_app"})
    assert result.returncode == 0, result.stderr
    assert "from_attribute" in result.stdout
    # The option wins over the environment.
    result = run_kolben(
        shop.parent, "-A", "sites/blog", "routes", env={"KOLBEN_APP": "shop"}
    )
    assert "blog_package" in result.stdout


@pytest.mark.parametrize("filename", ["app.py", "wsgi.py"])
def test_default_files(write_file: WriteFile, filename: str) -> None:
    path = write_file(filename, "from shop import create_app\napp = create_app('x')")
    write_file("shop.py", SHOP)
    result = run_kolben(path.parent, "routes")
    assert result.returncode == 0, result.stderr
    assert "from_x" in result.stdout


def test_wsgi_py_is_tried_before_app_py(write_file: WriteFile) -> None:
    write_file("shop.py", SHOP)
    write_file("app.py", "from shop import create_app\napp = create_app('app')")
    path = write_file("wsgi.py", "from shop import create_app\napp = create_app('w')")
    result = run_kolben(path.parent, "routes")
    assert "from_w" in result.stdout and "from_app" not in result.stdout


def test_failed_discovery_explains_without_traceback(tmp_path: Path) -> None:
    result = run_kolben(tmp_path, "routes")
    assert result.returncode == 2
    assert "Could not locate a kolben application." in result.stderr
    assert "'kolben --app' option, 'KOLBEN_APP' environment variable" in result.stderr
    assert "app.py" in result.stderr
    assert "Traceback" not in result.stderr
    # In debug mode the traceback is there for whoever needs it.
    debug = run_kolben(tmp_path, "routes", env={"KOLBEN_DEBUG": "1"})
    assert debug.returncode == 2
    assert "Traceback" in debug.stderr
    assert "Could not locate a kolben application." in debug.stderr


def test_missing_module_is_a_discovery_failure(tmp_path: Path) -> None:
    result = run_kolben(tmp_path, "--app", "nothere:app", "routes")
    assert result.returncode == 2
    assert "Could not import 'nothere'" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_error_inside_module_shows_its_traceback(
    write_file: WriteFile,
) -> None:
    path = write_file(
        "broken.py",
        """\
        from kolben import Kolben

        import kolben_missing_dependency_xyz

        app = Kolben(__name__)
        """,
    )
    result = run_kolben(path.parent, "--app", "broken", "routes")
    assert result.returncode == 2
    assert "While importing 'broken', an ImportError was raised" in result.stderr
    assert "Traceback" in result.stderr
    assert str(path) in result.stderr
    assert "import kolben_missing_dependency_xyz" in result.stderr


def test_error_inside_factory_propagates(write_file: WriteFile) -> None:
    path = write_file(
        "factory.py",
        """\
        def create_app():
            raise TypeError("the user's own bug")
        """,
    )
    result = run_kolben(path.parent, "--app", "factory", "routes")
    assert result.returncode == 1
    assert "TypeError: the user's own bug" in result.stderr


# -- in-process: each rule of the search ------------------------------------------


def _module(write_file: WriteFile, name: str, source: str) -> object:
    write_file(f"{name}.py", source)
    return __import__(prepare_import(f"{name}.py"))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("app = Kolben('a')\nother = Kolben('b')", "a"),
        ("application = Kolben('a')\nother = Kolben('b')", "a"),
        ("only = Kolben('a')", "a"),
        ("def create_app():\n    return Kolben('c')", "c"),
        ("def make_app():\n    return Kolben('m')", "m"),
    ],
)
def test_find_best_app_order(
    isolated: Path, write_file: WriteFile, source: str, expected: str
) -> None:
    module = _module(write_file, "search", "from kolben import Kolben\n" + source)
    assert find_best_app(module).name == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "app_name", "message"),
    [
        ("a = Kolben('a')\nb = Kolben('b')", None, "multiple kolben applications"),
        ("x = 1", None, "Tried the attributes app, application"),
        ("def create_app(mode):\n    return Kolben(mode)", None, "could not call"),
        ("def create_app():\n    return 1", None, "returned int"),
        ("x = 1", "nope", "Failed to find attribute 'nope'"),
        ("x = 1", "x", "A valid kolben application was not obtained"),
        ("x = 1", "x('a')", "is not a function"),
        ("x = 1", "create_app(", "Failed to parse"),
        ("x = 1", "a.b", "Failed to parse"),
        ("x = 1", "f(**{'a': 1})", "'**' arguments are not supported"),
        ("def f(*a):\n    return Kolben('f')", "f(a)", "only literal values"),
    ],
)
def test_find_errors_explain(
    isolated: Path,
    write_file: WriteFile,
    source: str,
    app_name: str | None,
    message: str,
) -> None:
    module = _module(write_file, "bad", "from kolben import Kolben\n" + source)
    with pytest.raises(NoAppException, match=re.escape(message)):
        if app_name is None:
            find_best_app(module)  # type: ignore[arg-type]
        else:
            find_app_by_string(module, app_name)  # type: ignore[arg-type]


def test_factory_arguments_are_never_evaluated(
    isolated: Path, write_file: WriteFile
) -> None:
    module = _module(
        write_file, "victim", "def create_app(*a):\n    raise AssertionError"
    )
    attack = "create_app(open('pwned', 'w'))"
    with pytest.raises(NoAppException, match="only literal values"):
        find_app_by_string(module, attack)  # type: ignore[arg-type]
    assert not (isolated / "pwned").exists()


def test_factory_gets_literal_arguments(isolated: Path, write_file: WriteFile) -> None:
    module = _module(
        write_file,
        "literal",
        "from kolben import Kolben\n"
        "def create_app(*args, **kwargs):\n"
        "    app = Kolben('lit')\n"
        "    app.config['ARGS'] = (args, kwargs)\n"
        "    return app\n",
    )
    app = find_app_by_string(module, "create_app(1, [2, 'x'], k={'n': None})")  # type: ignore[arg-type]
    assert app.config["ARGS"] == ((1, [2, "x"]), {"k": {"n": None}})


def test_prepare_import_walks_up_packages(
    isolated: Path, write_file: WriteFile
) -> None:
    write_file("outer/pkg/__init__.py", "")
    write_file("outer/pkg/sub/__init__.py", "")
    write_file("outer/pkg/sub/mod.py", "")
    assert prepare_import("outer/pkg/sub/mod.py") == "pkg.sub.mod"
    assert sys.path[0] == str(isolated / "outer")
    assert prepare_import("outer/pkg/sub/__init__.py") == "pkg.sub"
    assert prepare_import("outer/pkg") == "pkg"
    assert sys.path.count(str(isolated / "outer")) == 1


def test_load_app_default_files_and_failures(
    isolated: Path, write_file: WriteFile
) -> None:
    with pytest.raises(NoAppException, match="Could not locate"):
        load_app(None)
    write_file("app.py", "from kolben import Kolben\nfound = Kolben('found')")
    assert load_app(None).name == "found"
    with pytest.raises(NoAppException, match="Could not import 'missing'"):
        load_app("missing")


def test_app_py_with_broken_import_is_reported(
    isolated: Path, write_file: WriteFile
) -> None:
    write_file("app.py", "import kolben_missing_dependency_xyz")
    with pytest.raises(NoAppException, match="an ImportError was raised"):
        load_app(None)


def test_in_process_forms(invoke: Invoke, write_file: WriteFile) -> None:
    write_file("shop.py", SHOP)
    result = invoke("--app", "shop:create_app('inproc')", "routes")
    assert result.exit_code == 0, result.output
    assert "from_inproc" in result.output
    result = invoke("--app", "shop:nope", "routes")
    assert result.exit_code == 2
    assert "Failed to find attribute 'nope'" in result.output


def test_split_import_path() -> None:
    assert split_import_path("pkg.mod") == ("pkg.mod", None)
    assert split_import_path("pkg.mod:") == ("pkg.mod", None)
    assert split_import_path("a/b.py:make('x:y')") == ("a/b.py", "make('x:y')")
    assert split_import_path("C:\\apps\\hello.py") == ("C:\\apps\\hello.py", None)
    assert split_import_path("C:/apps/hello.py:app") == ("C:/apps/hello.py", "app")


_names = st.text(string.ascii_letters + "_", min_size=1, max_size=12).filter(
    lambda s: s.isidentifier() and not keyword.iskeyword(s)
)
_literals = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


@given(
    _names,
    st.lists(_literals, max_size=3),
    st.dictionaries(_names, _literals, max_size=3),
)
def test_parse_app_name_round_trips_literal_calls(
    name: str, args: list[object], kwargs: dict[str, object]
) -> None:
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    assert _parse_app_name(f"{name}({', '.join(parts)})") == (name, args, kwargs)
    assert _parse_app_name(f" {name} ") == (name, [], {})


@given(st.text(max_size=30))
def test_parse_app_name_accepts_or_explains(text: str) -> None:
    try:
        name, args, kwargs = _parse_app_name(text)
    except NoAppException as e:
        assert repr(text) in e.format_message() or "**" in e.format_message()
    else:
        assert name.isidentifier()
        assert isinstance(args, list) and isinstance(kwargs, dict)


@given(_names, st.sampled_from(["", "pkg.mod", "a/b.py", "/abs/x", "C:\\d\\e.py"]))
def test_split_import_path_round_trips(name: str, path: str) -> None:
    if path:
        assert split_import_path(f"{path}:{name}") == (path, name)


def test_kolben_is_found_not_called(isolated: Path, write_file: WriteFile) -> None:
    # A Kolben instance is callable (it is a WSGI/ASGI app); it must be
    # returned as is, never called like a factory.
    module = _module(
        write_file, "plain", "from kolben import Kolben\napp = Kolben('p')"
    )
    assert isinstance(find_app_by_string(module, "app"), Kolben)  # type: ignore[arg-type]


def test_in_process_failures_and_debug_traceback(
    invoke: Invoke, write_file: WriteFile
) -> None:
    write_file("plain_import.py", "from kolben import no_such_name_xyz\n")
    result = invoke("--app", "plain_import", "routes")
    assert result.exit_code == 2
    assert "an ImportError was raised" in result.output
    assert "no_such_name_xyz" in result.output
    result = invoke("--debug", "routes")
    assert result.exit_code == 2
    assert "Traceback" in result.output and "Could not locate" in result.output
    write_file("raising.py", "def create_app():\n    raise TypeError('inside')\n")
    result = invoke("--app", "raising", "routes")
    assert isinstance(result.exception, TypeError)
    assert str(result.exception) == "inside"
