"""Loading configuration from files, environment variables and the instance."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest

from kolben import Config, Kolben, _envvars


def test_from_pyfile(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(
        "import os\nDEBUG = True\nSECRET_KEY = 'from file'\nlower = 'skipped'\n"
    )
    config = Config(str(tmp_path))
    assert config.from_pyfile("settings.py") is True
    assert config["DEBUG"] is True
    assert config["SECRET_KEY"] == "from file"
    assert "lower" not in config and "os" not in config


def test_from_pyfile_missing(tmp_path: Path) -> None:
    config = Config(str(tmp_path))
    assert config.from_pyfile("nope.py", silent=True) is False
    with pytest.raises(FileNotFoundError, match="Unable to load configuration file"):
        config.from_pyfile("nope.py")


def test_from_envvar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "prod.py").write_text("SERVER_NAME = 'example.com'\n")
    config = Config(str(tmp_path))
    monkeypatch.delenv("APP_SETTINGS", raising=False)
    assert config.from_envvar("APP_SETTINGS", silent=True) is False
    with pytest.raises(RuntimeError, match="'APP_SETTINGS' is not set"):
        config.from_envvar("APP_SETTINGS")
    monkeypatch.setenv("APP_SETTINGS", str(tmp_path / "prod.py"))
    assert config.from_envvar("APP_SETTINGS") is True
    assert config["SERVER_NAME"] == "example.com"


def test_from_file_json_and_toml(tmp_path: Path) -> None:
    (tmp_path / "c.json").write_text(json.dumps({"A": 1, "b": 2}))
    (tmp_path / "c.toml").write_text('B = "toml"\n[DB]\nHOST = "db"\n')
    config = Config(str(tmp_path))
    config.from_file("c.json", load=json.load)
    config.from_file("c.toml", load=tomllib.load, text=False)
    assert config["A"] == 1 and "b" not in config
    assert config["B"] == "toml"
    assert config["DB"] == {"HOST": "db"}
    assert config.from_file("none.json", load=json.load, silent=True) is False


def test_from_prefixed_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOLBEN_SECRET_KEY", "plain text")
    monkeypatch.setenv("KOLBEN_PORT", "5001")
    monkeypatch.setenv("KOLBEN_FEATURES", '["a", "b"]')
    monkeypatch.setenv("KOLBEN_DEBUG", "true")
    monkeypatch.setenv("KOLBEN_DB__HOST", "db.local")
    monkeypatch.setenv("KOLBEN_DB__POOL__SIZE", "10")
    monkeypatch.setenv("OTHER_VALUE", "ignored")
    config = Config(".")
    config["DB"] = {"NAME": "kept"}
    config.from_prefixed_env()
    assert config["SECRET_KEY"] == "plain text"
    assert config["PORT"] == 5001
    assert config["FEATURES"] == ["a", "b"]
    assert config["DEBUG"] is True
    assert config["DB"] == {"NAME": "kept", "HOST": "db.local", "POOL": {"SIZE": 10}}
    assert "OTHER_VALUE" not in config and "VALUE" not in config


@pytest.fixture
def flask_deployment(monkeypatch: pytest.MonkeyPatch) -> None:
    """An environment with only a ported Flask deployment's variables."""
    for name in [k for k in os.environ if k.startswith(("KOLBEN_", "FLASK_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setattr(_envvars, "_noticed", set())
    monkeypatch.setenv("FLASK_SECRET_KEY", "from flask")
    monkeypatch.setenv("FLASK_MAX_CONTENT_LENGTH", "1024")
    monkeypatch.setenv("FLASK_DB__HOST", "db.local")


def test_from_prefixed_env_reads_a_flask_deployment_as_flask_does(
    flask_deployment: None, capsys: pytest.CaptureFixture[str]
) -> None:
    import flask

    config = Config(".")
    config.from_prefixed_env()
    reference = flask.Config(".")
    reference.from_prefixed_env()
    assert dict(config) == dict(reference)
    assert config["SECRET_KEY"] == "from flask"
    assert config["DB"] == {"HOST": "db.local"}
    # One line per Flask name, and only once per process.
    Config(".").from_prefixed_env()
    assert capsys.readouterr().err.splitlines() == [
        f" * Using FLASK_{name} as KOLBEN_{name}: rename it to KOLBEN_{name} to"
        " silence this notice."
        for name in ("DB__HOST", "MAX_CONTENT_LENGTH", "SECRET_KEY")
    ]


def test_from_prefixed_env_kolben_name_wins(
    flask_deployment: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KOLBEN_SECRET_KEY", "from kolben")
    monkeypatch.setenv("KOLBEN_DB__PORT", "5432")
    config = Config(".")
    config.from_prefixed_env()
    assert config["SECRET_KEY"] == "from kolben"
    assert config["MAX_CONTENT_LENGTH"] == 1024
    assert config["DB"] == {"HOST": "db.local", "PORT": 5432}
    assert "FLASK_SECRET_KEY" not in capsys.readouterr().err


def test_from_prefixed_env_custom_prefix_has_no_fallback(
    flask_deployment: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MYAPP_N", "7")
    config = Config(".")
    config.from_prefixed_env("MYAPP")
    assert dict(config) == {"N": 7}
    assert capsys.readouterr().err == ""


def test_custom_prefix_and_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MYAPP_N", "7")
    config = Config(".")
    config.from_prefixed_env("MYAPP", loads=str.upper)
    assert config["N"] == "7"


def test_instance_folder(tmp_path: Path) -> None:
    app = Kolben(
        "inst",
        root_path=str(tmp_path / "pkg"),
        instance_path=str(tmp_path / "instance"),
        instance_relative_config=True,
    )
    assert app.config.root_path == str(tmp_path / "instance")
    Path(app.instance_path).mkdir()
    with app.open_instance_resource("local.py", "w") as f:
        f.write("SECRET_KEY = 'instance secret'\n")
    app.config.from_pyfile("local.py")
    assert app.secret_key == "instance secret"


def test_open_resource(tmp_path: Path) -> None:
    (tmp_path / "schema.sql").write_text("create table t (x);")
    app = Kolben("res", root_path=str(tmp_path))
    with app.open_resource("schema.sql") as f:
        assert f.read() == b"create table t (x);"
    with app.open_resource("schema.sql", "r", encoding="utf-8") as f:
        assert f.read() == "create table t (x);"
    with pytest.raises(ValueError, match="reading"):
        app.open_resource("schema.sql", "w")


def test_application_factory_pattern(protocol: str) -> None:
    class Production:
        SECRET_KEY = "production"

    def create_app(config: dict[str, object] | None = None) -> Kolben:
        app = Kolben("factory")
        app.config.from_object(Production)
        if config:
            app.config.from_mapping(config)
        app.add_url_rule("/", "i", lambda: str(app.config["SECRET_KEY"]))
        return app

    client = create_app({"SECRET_KEY": "test"}).test_client(protocol=protocol)
    assert client.get("/").text == "test"
    assert create_app().test_client(protocol=protocol).get("/").text == "production"
