"""kolben.jwt has every public name and submodule of Flask-JWT-Extended."""

from __future__ import annotations

import importlib
import inspect
import types

import flask_jwt_extended

import kolben.jwt


def _public(module: types.ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }


def test_every_name_flask_jwt_extended_exports_is_here() -> None:
    missing = _public(flask_jwt_extended) - _public(kolben.jwt)
    assert missing == set()
    added = _public(kolben.jwt) - _public(flask_jwt_extended) - {"annotations"}
    assert added == {"HeaderScheme", "verify_jwt_in_request_async"}


def test_the_public_submodules_and_their_names() -> None:
    for name in (
        "config",
        "default_callbacks",
        "exceptions",
        "internal_utils",
        "jwt_manager",
        "tokens",
        "typing",
        "utils",
        "view_decorators",
    ):
        ours = importlib.import_module(f"kolben.jwt.{name}")
        theirs = importlib.import_module(f"flask_jwt_extended.{name}")
        wanted = {
            n
            for n, v in vars(theirs).items()
            if not n.startswith("_")
            and getattr(v, "__module__", None) == theirs.__name__
            and (inspect.isfunction(v) or inspect.isclass(v))
        }
        assert wanted <= set(vars(ours)), (name, wanted - set(vars(ours)))


def test_jwt_required_takes_flask_jwt_extendeds_parameters() -> None:
    for name in ("jwt_required", "verify_jwt_in_request"):
        ours = inspect.signature(getattr(kolben.jwt, name)).parameters
        theirs = inspect.signature(getattr(flask_jwt_extended, name)).parameters
        assert list(ours) == list(theirs)
        assert [p.default for p in ours.values()] == [
            p.default for p in theirs.values()
        ]
