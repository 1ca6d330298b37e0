"""The benchmark harness: its parsers, its tables, and that every framework's
benchmark app gives the same answers, so the benchmarks compare the same work.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from bench import _drivers, _report, apps, db_apps
from bench.import_time import parse_importtime
from bench.inprocess import _Cell, measure
from bench.served import WrkResult, ceiling, parse_wrk
from hypothesis import given
from hypothesis import strategies as st

_WRK = """Running 5s test @ http://127.0.0.1:40000/does/not/exist
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms  400.00us   9.00ms   90.00%
    Req/Sec    15.20k   900.00    16.00k    80.00%
  {requests} requests in 5.00s, 10.00MB read
{errors}{non_2xx}Requests/sec:  {rate}
Transfer/sec:      2.00MB
"""


def _wrk_output(rate: str, requests: int, non_2xx: int, errors: tuple[int, ...]) -> str:
    return _WRK.format(
        rate=rate,
        requests=requests,
        non_2xx=f"  Non-2xx or 3xx responses: {non_2xx}\n" if non_2xx else "",
        errors=(
            "  Socket errors: connect {}, read {}, write {}, timeout {}\n".format(
                *errors
            )
            if any(errors)
            else ""
        ),
    )


def test_parse_wrk_reads_rate_counts_and_errors() -> None:
    output = _wrk_output("15123.45", 75617, 75617, (0, 3, 0, 1))
    assert parse_wrk(output) == WrkResult(15123.45, 75617, 75617, 4)


def test_parse_wrk_refuses_output_without_a_rate() -> None:
    with pytest.raises(ValueError, match="Requests/sec"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


@given(
    rate=st.floats(min_value=0, max_value=1e7, allow_nan=False).map(
        lambda f: f"{f:.2f}"
    ),
    requests=st.integers(min_value=0, max_value=10**9),
    non_2xx=st.integers(min_value=0, max_value=10**9),
    errors=st.tuples(*[st.integers(min_value=0, max_value=10**6)] * 4),
)
def test_parse_wrk_round_trips(
    rate: str, requests: int, non_2xx: int, errors: tuple[int, int, int, int]
) -> None:
    result = parse_wrk(_wrk_output(rate, requests, non_2xx, errors))
    assert result == WrkResult(float(rate), requests, non_2xx, sum(errors))


def test_parse_importtime_takes_the_package_line() -> None:
    stderr = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       100 |        100 |   kolben.http\n"
        "import time:       250 |       5000 | kolben\n"
        "import time:        10 |         10 | kolbenx\n"
    )
    assert parse_importtime(stderr, "kolben") == (0.005, 3)
    with pytest.raises(ValueError):
        parse_importtime(stderr, "flask")


@pytest.mark.parametrize(
    "spec", (*apps.WSGI_APPS, apps.BARE_APPS["wsgi"]), ids=lambda s: s.framework
)
def test_wsgi_apps_answer_alike(spec: apps.AppSpec) -> None:
    app = spec.load()
    for endpoint in (*apps.ENDPOINTS, *apps.CHECK_ONLY):
        assert apps.problems(endpoint, *_drivers.call_wsgi(app, endpoint.path)) == []


@pytest.mark.parametrize(
    "spec", (*apps.ASGI_APPS, apps.BARE_APPS["asgi"]), ids=lambda s: s.framework
)
def test_asgi_apps_answer_alike(spec: apps.AppSpec) -> None:
    app = spec.load()
    loop = asyncio.new_event_loop()
    try:
        for endpoint in (*apps.ENDPOINTS, *apps.CHECK_ONLY):
            answer = _drivers.call_asgi(loop, app, endpoint.path)
            assert apps.problems(endpoint, *answer) == []
    finally:
        loop.close()


def test_problems_reports_each_difference() -> None:
    endpoint = apps.ENDPOINTS[1]  # /json
    found = apps.problems(endpoint, 500, "text/html", b"<h1>oops</h1>")
    assert len(found) == 3
    assert apps.problems(endpoint, 200, "application/json", b'{"message": "x"}') != []
    assert (
        apps.problems(endpoint, 200, "application/json", b'{"message":"Hello, World!"}')
        == []
    )


def test_ratio_table_marks_goals() -> None:
    rates = {
        ("kolben", "a"): 600.0,
        ("flask", "a"): 100.0,
        ("falcon", "a"): 700.0,
        ("kolben", "b"): 500.0,
    }
    # The ratios are measured apart from the best rates (see paired_ratios).
    ratios = {("flask", "a"): 6.0, ("falcon", "a"): 0.86}
    table = _report.ratio_table(
        "wsgi", ["kolben", "flask", "falcon"], ["a", "b"], rates, ratios
    )
    row_a, row_b = table.splitlines()[2:]
    assert row_a.split()[1:] == ["600", "100", "700", "6.00x", "PASS", "0.86x", "MISS"]
    assert row_b.split()[1:] == ["500", "-", "-", "-", "-", "-", "-"]


def _cell(framework: str, endpoint: int, log: list[tuple[str, str]]) -> _Cell:
    spec = apps.AppSpec(framework, "wsgi", "unused:app")
    end = apps.ENDPOINTS[endpoint]

    def run(n: int) -> None:
        log.append((framework, end.name))
        time.sleep(n * 1e-7)

    return _Cell(spec, end, run)


def test_measure_times_one_endpoints_frameworks_back_to_back() -> None:
    log: list[tuple[str, str]] = []
    cells = [_cell(fw, e, log) for fw in ("kolben", "flask", "falcon") for e in (0, 1)]
    measure(cells, rounds=3, seconds=0.002)
    timed = log[-3 * len(cells) :]
    assert all(len(c.rates) == 3 for c in cells)
    # In each round, the three frameworks of an endpoint run one after another.
    for start in range(0, len(timed), 3):
        assert len({endpoint for _, endpoint in timed[start : start + 3]}) == 1
        assert {fw for fw, _ in timed[start : start + 3]} == {
            "kolben",
            "flask",
            "falcon",
        }
    # The order rotates, so no framework always runs first.
    assert len({timed[start][0] for start in range(0, len(timed), 3)}) > 1


def test_paired_ratios_are_the_median_of_each_rounds_ratio() -> None:
    # Machine drift moves both rates of a round together; the ratio of the
    # best rounds, taken at different moments, would be 2000/1200.
    samples = {
        ("kolben", "a"): [1200.0, 2000.0, 1000.0],
        ("falcon", "a"): [600.0, 1000.0, 1200.0],
        ("falcon", "b"): [1.0, 1.0, 1.0],  # no kolben rounds to pair with
    }
    assert _report.paired_ratios(samples) == {("falcon", "a"): 2.0}
    assert _report.paired_ratios(samples, mine="falcon") == {("kolben", "a"): 0.5}
    # A round where a server answered nothing is left out, not divided by.
    samples = {("kolben", "a"): [900.0, 800.0], ("flask", "a"): [0.0, 100.0]}
    assert _report.paired_ratios(samples) == {("flask", "a"): 8.0}
    samples = {("kolben", "a"): [900.0], ("flask", "a"): [0.0]}
    assert _report.paired_ratios(samples) == {}


def test_ceiling_is_the_bare_app_over_the_multiple_target() -> None:
    names = [e.name for e in apps.ENDPOINTS]
    samples = {("bare", n): [9000.0, 4500.0] for n in names}
    samples |= {("flask", n): [6000.0, 3000.0] for n in names[:-1]}
    line = ceiling("wsgi", samples)
    assert line.startswith("ceiling (no framework at all) over flask: plaintext 1.50x")
    assert line.endswith(", -")
    samples = {("bare", names[0]): [40000.0], ("starlette", names[0]): [10000.0]}
    assert "over starlette: plaintext 4.00x" in ceiling("asgi", samples)


def test_jwt_benchmark_apps_answer_alike() -> None:
    from bench import jwt_api

    for build in (jwt_api.build_kolben, jwt_api.build_flask):
        app, token = build()
        assert jwt_api.check(app, token) == []
    app, token = jwt_api.build_kolben(cache=False)
    assert jwt_api.check(app, token) == []
    # The check sees a wrong answer.
    assert jwt_api.check(app, token + "x") != []


# The database benchmark (bench/db.py): its rules and its apps on PostgreSQL.


def test_query_count_follows_techempower_rules() -> None:
    from bench.db_apps import query_count

    assert [query_count(v) for v in (None, "20", "0", "-3", "x", "", "501")] == [
        1,
        20,
        1,
        1,
        1,
        1,
        500,
    ]


def test_profile_shares_group_by_package() -> None:
    from bench._shares import group

    site = "/venv/lib/python3.11/site-packages"
    assert group("/repo/src/kolben/db/session.py", "get_bind") == "kolben.db"
    assert group("/repo/src/kolben/app.py", "wsgi_app") == "kolben core"
    assert group(f"{site}/sqlalchemy/orm/session.py", "get") == "SQLAlchemy ORM"
    assert group(f"{site}/sqlalchemy/engine/base.py", "execute") == "SQLAlchemy core"
    assert group(f"{site}/psycopg/cursor.py", "execute") == "psycopg + network wait"
    assert group("~", "<method 'poll' of 'select.epoll' objects>") == (
        "psycopg + network wait"
    )
    assert group("/usr/lib/python3.11/asyncio/events.py", "_run") == "event loop"
    assert group("/usr/lib/python3.11/re/__init__.py", "sub") == (
        "other (stdlib, builtins)"
    )


def test_fortunes_check_sees_a_wrong_page() -> None:
    from bench.db_apps import ADDED, FORTUNES
    from bench.db_apps._check import fortunes_problems

    rows = sorted((*FORTUNES, ADDED), key=lambda f: f.message)

    def page(cells: list[tuple[int, str]]) -> bytes:
        body = "".join(f"<tr><td>{i}</td><td>{m}</td></tr>" for i, m in cells)
        return f"<table><tr><th>id</th><th>message</th></tr>{body}</table>".encode()

    escaped = [(f.id, html.escape(f.message)) for f in rows]
    assert fortunes_problems(200, "text/html; charset=utf-8", page(escaped)) == []
    unescaped = page([(f.id, f.message) for f in rows])
    assert any(
        "not escaped" in p for p in fortunes_problems(200, "text/html", unescaped)
    )
    assert fortunes_problems(200, "text/html", page(escaped[1:])) != []  # one missing
    assert fortunes_problems(200, "text/html", page(escaped[::-1])) != []  # unsorted
    assert fortunes_problems(500, "text/html", page(escaped)) != []


@pytest.fixture(scope="module")
def bench_schema() -> Iterator[tuple[str, str]]:
    """A schema of the benchmark's data on PostgreSQL: (url, schema)."""
    from bench.db_apps import _schema

    url = os.environ.get("KOLBEN_TEST_POSTGRES_URL")
    if not url:
        pytest.skip(
            "KOLBEN_TEST_POSTGRES_URL is not set: the database benchmark's apps"
            " need a PostgreSQL server (.ci/run sets it to the local one)"
        )
    schema = f"kolben_bench_test_{uuid.uuid4().hex[:8]}"
    _schema.create_schema(url, schema)
    try:
        yield url, schema
    finally:
        _schema.drop_schema(url, schema)


def _close(name: str, app: Any) -> None:
    """Close the connections the benchmark app ``name`` holds."""
    from bench.db_apps import flask_orm, kolben_orm

    from tests.db.conftest import dispose

    if "bench_raw" in app.extensions:
        app.extensions["bench_raw"].close()
    elif "bench_session" in app.extensions:
        app.extensions["bench_session"].get_bind().dispose()
    elif name == "flask-sqlalchemy":
        with app.app_context():
            flask_orm.db.engine.dispose()
    else:
        dispose(kolben_orm.db, app)


def _check_asgi_app(spec: db_apps.DBApp, url: str, schema: str) -> list[str]:
    """Check an app that only speaks ASGI, called on a loop of its own."""
    from bench.db_apps import _check, starlette_orm_async

    app = spec.load().create_app(url, schema)
    loop = asyncio.new_event_loop()
    try:
        return _check.problems(
            lambda path: _drivers.call_asgi(loop, app, path), url, schema
        )
    finally:
        loop.run_until_complete(starlette_orm_async.engine_of(app).dispose())
        loop.close()


@pytest.mark.parametrize("spec", db_apps.APPS, ids=lambda a: a.name)
def test_db_apps_answer_the_four_tests(
    spec: db_apps.DBApp, bench_schema: tuple[str, str]
) -> None:
    from bench.db_apps import _check

    url, schema = bench_schema
    if spec.name.startswith("starlette"):
        assert _check_asgi_app(spec, url, schema) == []
        return
    app = spec.load().create_app(url, schema)
    if spec.name.startswith("flask"):
        client: Any = app.test_client()
    else:
        # The async app is the one uvicorn serves: test it over ASGI.
        client = app.test_client(
            protocol="asgi" if spec.server == "uvicorn" else "wsgi"
        )

    def get(path: str) -> tuple[int, str | None, bytes]:
        response = client.get(path)
        return response.status_code, response.headers.get("Content-Type"), response.data

    try:
        assert _check.problems(get, url, schema) == []
    finally:
        _close(spec.name, app)


@pytest.mark.parametrize("driver", ["psycopg2", "psycopg"])
def test_raw_apps_answer_alike_on_either_driver(
    driver: str, bench_schema: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench.db_apps import _check

    url, schema = bench_schema
    monkeypatch.setenv("KOLBEN_BENCH_RAW_DRIVER", driver)
    for spec in (db_apps.KOLBEN_RAW, db_apps.FLASK_RAW):
        app = spec.load().create_app(url, schema)
        raw = app.extensions["bench_raw"]
        assert raw.driver == driver

        def get(path: str, app: Any = app) -> tuple[int, str | None, bytes]:
            return _drivers.call_wsgi(app, path)

        try:
            assert _check.problems(get, url, schema) == []
            assert type(raw.connection).__module__.startswith(driver)
        finally:
            raw.close()


def test_callgrind_harness_serves_the_apps(bench_schema: tuple[str, str]) -> None:
    from bench import db_callgrind

    url, schema = bench_schema
    for name, module in (("kolben.db", "kolben_orm"), ("hand", "kolben_session")):
        _close(name, db_callgrind.serve(module, "/fortunes", 3, schema))


def test_raw_driver_must_be_known() -> None:
    from bench.db_apps._raw import RawDatabase

    with pytest.raises(ValueError, match="psycopg2"):
        RawDatabase("postgresql://", "s", driver="asyncpg")


def test_inprocess_tables_pair_the_rounds() -> None:
    from bench import _db_inprocess as inprocess

    # Per round (wall, CPU) seconds a request: kolben.db 4% over the
    # hand-written session in the median round, 2x Flask-SQLAlchemy.
    battery = inprocess.COMPARISONS[1]
    rounds = [1.0, 2.0, 3.0]
    timings = {}
    for comparison in inprocess.COMPARISONS:
        for name in comparison.apps:
            factor = {"hand-written": 1 / 1.04, "flask-sqlalchemy": 2.0}.get(name, 1.0)
            for test in comparison.tests:
                key = (comparison.title, name, test)
                timings[key] = [(r * factor, r * factor / 2) for r in rounds]
    text = "\n".join(inprocess.tables(timings, 0.05, 1.3))
    assert battery.title in text
    battery_rows = text.split(battery.title)[1].splitlines()[3]
    assert "+4.0% (+4.0%..+4.0%)" in battery_rows
    assert "2.00x (2.00-2.00)" in battery_rows
    assert "PASS" in battery_rows
    values = inprocess.ratios(
        {
            ("a", "t"): [(1.0, 1.0), (1.0, 1.0), (1.0, 1.0)],
            ("b", "t"): [(1.1, 1.0), (1.2, 1.0), (1.6, 1.0)],
        },
        "a",
        "b",
        "t",
        cpu=False,
    )
    assert inprocess.ratio_cell(values) == "1.20x (1.15-1.40)"


def test_production_apps_answer_alike() -> None:
    from bench import production

    assert production.check(production.build_kolben()) == []
    assert production.check(production.build_flask()) == []


def test_metrics_bench_apps_answer_and_count() -> None:
    from bench import metrics

    for name in metrics.APPS:
        app = metrics.build(name)
        assert metrics.check(app) == []
        if "+" in name:
            assert metrics.counted(app) == 1


def test_results_hold_the_tables_the_charts_are_drawn_from() -> None:
    from bench.inprocess import results

    log: list[tuple[str, str]] = []
    cells = [_cell(fw, e, log) for fw in ("kolben", "flask", "falcon") for e in (0, 1)]
    measure(cells, rounds=3, seconds=0.002)
    run = json.loads(json.dumps(results(cells, 3, 0.002)))
    wsgi = run["protocols"]["wsgi"]
    assert wsgi["frameworks"][0] == "kolben"
    kolben_rates = {c.endpoint.name: max(c.rates) for c in cells[:2]}
    assert wsgi["rates"]["kolben"] == kolben_rates
    assert set(wsgi["ratios"]) == {"flask", "falcon"}
    assert all(ratio > 0 for ratio in wsgi["ratios"]["flask"].values())
    assert run["rounds"] == 3 and 0 <= run["noise"]["spread"] <= 1


def _charted(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Check a run's tables as the charts read them; return them by name."""
    tables = {t["name"]: t for t in run["tables"]}
    assert len(tables) == len(run["tables"]), "two tables of one name"
    for name, printed in tables.items():
        head, *rows = printed["rows"]
        assert rows and all(len(row) == len(head) for row in rows), name
        assert printed["chart"]["unit"]
        for column in printed["chart"]["columns"]:
            i = head.index(column)
            # Every charted cell is a number or '-' (nothing measured).
            for row in rows:
                cell = row[i]
                assert cell == "-" or float(cell.replace(",", "").rstrip("x%")) >= 0
    return tables


def test_tables_print_what_they_keep_and_write_it_as_json(tmp_path: Any) -> None:
    kept = _report.Tables("example", ["kolben"])
    rows = [["app", "a"], ["kolben", "1,000"], ["flask", "-"]]
    printed = kept.add("rates", "title", rows, ["a"])
    assert printed == "title\n" + _report.grid(rows)
    with pytest.raises(ValueError, match="no column"):
        kept.add("other", "title", rows, ["b"])
    kept.notes.append("a note")
    kept.write(None)
    assert not list(tmp_path.iterdir())
    kept.write(str(tmp_path / "run.json"), rounds=3)
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["benchmark"] == "example" and run["rounds"] == 3
    assert run["versions"].startswith("Python") and "load average" in run["machine"]
    assert run["notes"] == ["a note"]
    assert _charted(run)["rates"]["rows"] == rows


def test_rate_and_ratio_rows() -> None:
    samples = {("kolben", "/a"): [1.0, 3000.0], ("flask", "/a"): [500.0]}
    samples |= {("kolben", "/b"): [10.0]}
    assert _report.rate_rows(samples) == [
        ["app", "/a", "/b"],
        ["kolben", "3,000", "10"],
        ["flask", "500", "-"],
    ]
    assert _report.ratio_rows([("a/b", 4.5, 4.0), ("a/c", 0.5, 1.0), ("b/c", 2, None)])[
        1:
    ] == [
        ["a/b", "4.50x", ">=4x", "PASS"],
        ["a/c", "0.50x", ">=1x", "MISS"],
        ["b/c", "2.00x", "-", "-"],
    ]


@pytest.mark.parametrize(
    ("script", "argv", "names"),
    [
        ("typed_api", [], {"rates", "ratios"}),
        ("jwt_api", [], {"rates", "ratios"}),
        # The run checks that each metered app counted at least 1,000 requests.
        ("metrics", ["--seconds", "0.15"], {"rates", "ratios"}),
        ("production", ["--redis", ""], {"rates", "ratios"}),
        pytest.param(
            "production",
            ["--redis", os.environ.get("KOLBEN_TEST_REDIS_URL", "")],
            {"rates", "ratios", "redis"},
            id="production-redis",
            marks=pytest.mark.skipif(
                not os.environ.get("KOLBEN_TEST_REDIS_URL"),
                reason="KOLBEN_TEST_REDIS_URL is not set",
            ),
        ),
    ],
)
def test_each_in_process_script_writes_the_tables_it_prints(
    script: str,
    argv: list[str],
    names: set[str],
    tmp_path: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import importlib

    module = importlib.import_module(f"bench.{script}")
    out = tmp_path / f"{script}.json"
    tiny = ["--rounds", "2", "--seconds", "0.01", "--json", str(out), *argv]
    assert module.main(tiny) == 0
    printed = capsys.readouterr().out
    run = json.loads(out.read_text())
    assert run["benchmark"] == script and run["rounds"] == 2
    assert run["command"].startswith(f"python -m bench.{script}")
    tables = _charted(run)
    assert set(tables) == names
    for table in tables.values():
        assert f"{table['title']}\n{_report.grid(table['rows'])}" in printed
    rates = tables["rates"]
    assert rates["rows"][1][0] == "kolben" and rates["chart"]["columns"]
    assert tables["ratios"]["chart"]["columns"] == ["median"]


def test_db_and_conduit_tables_are_the_ones_they_print() -> None:
    from bench import _db_inprocess, conduit, db
    from bench.db_apps import ENDPOINTS

    kept = _report.Tables("db", db.PACKAGES)
    names = [n for _, apps_, _ in db.SERVED_TABLES for n in apps_]
    first = ENDPOINTS[0].name
    samples = {(n, first): [100.0 + i, 90.0] for i, n in enumerate(names)}
    samples |= {(n, e.name): [1.0, 2.0] for n in names for e in ENDPOINTS[1:]}
    served = db.served_table_rows(samples)
    assert [slug for slug, *_ in served] == list(db.SERVED_NAMES)
    assert db.served_tables(samples) == [
        f"{title}\n{_report.grid(rows)}" for _, title, rows, _ in served
    ]
    for slug, title, rows, charted in served:
        kept.add(slug, title, rows, charted)
    timings = {}
    for comparison in _db_inprocess.COMPARISONS:
        for name in comparison.apps:
            for test in comparison.tests:
                timings[comparison.title, name, test] = [(0.001, 0.0005)] * 3
    inprocess = _db_inprocess.table_rows(timings, 0.05, 1.3)
    assert _db_inprocess.tables(timings, 0.05, 1.3) == [
        f"{title}\n{_report.grid(rows)}" for title, rows in inprocess
    ]
    for slug, comparison, (title, rows) in zip(
        _db_inprocess.NAMES, _db_inprocess.COMPARISONS, inprocess, strict=True
    ):
        kept.add(slug, title, rows, comparison.apps)
    tables = _charted(json.loads(json.dumps(kept.run())))
    assert set(tables) == {*db.SERVED_NAMES, *_db_inprocess.NAMES}
    assert tables["inprocess-raw"]["rows"][1][1:3] == ["1,000", "1,000"]

    results = {
        (e.name, s.name): [WrkResult(1234.0, 10, 0, 0)]
        for e in conduit.ENDPOINTS
        for s in conduit.SERVERS
    }
    rows = conduit.table_rows(results)
    assert conduit.table(results) == _report.grid(rows)
    kept = _report.Tables("conduit", conduit.PACKAGES)
    kept.add("served", "t", rows, [h for h in rows[0] if "req/s" in h])
    served_table = _charted(kept.run())["served"]
    assert len(served_table["chart"]["columns"]) == len(conduit.SERVERS)
    assert served_table["rows"][1][1] == "1,234"
