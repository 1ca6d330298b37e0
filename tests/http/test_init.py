"""Tests for the public names re-exported by kolben.http."""

from __future__ import annotations

import importlib
import pkgutil

import kolben.http


def test_exported_members():
    exported = {name for name in dir(kolben.http) if not name.startswith("_")}
    modules = {info.name for info in pkgutil.iter_modules(kolben.http.__path__)}
    expected = {
        "Accept",
        "Aborter",
        "Authorization",
        "BadRequest",
        "BadRequestKeyError",
        "CharsetAccept",
        "CombinedMultiDict",
        "CookieTooLarge",
        "ContentRange",
        "ETags",
        "FileStorage",
        "HTTPException",
        "HTTP_STATUS_CODES",
        "Headers",
        "IfRange",
        "ImmutableMultiDict",
        "LanguageAccept",
        "MIMEAccept",
        "MultiDict",
        "MultipartDecoder",
        "Range",
        "RequestCacheControl",
        "ResponseCacheControl",
        "UserAgent",
        "WWWAuthenticate",
        "parse_set_header",
        "parse_csp_header",
        "parse_content_range_header",
        "parse_age",
        "is_byte_range_valid",
        "dump_header",
        "dump_csp_header",
        "dump_age",
        "HeaderSet",
        "ContentSecurityPolicy",
        "COOP",
        "COEP",
        "abort",
        "default_exceptions",
        "dump_cookie",
        "dump_options_header",
        "encode_multipart",
        "evaluate_preconditions",
        "generate_etag",
        "get_multipart_boundary",
        "http_date",
        "iri_to_uri",
        "is_resource_modified",
        "parse_accept_header",
        "parse_authorization_header",
        "parse_cache_control_header",
        "parse_cookie",
        "parse_date",
        "parse_dict_header",
        "parse_etags",
        "parse_form_data",
        "parse_if_range_header",
        "parse_list_header",
        "parse_options_header",
        "parse_qs",
        "parse_range_header",
        "parse_status",
        "parse_urlencoded",
        "precondition_failed",
        "quote",
        "quote_etag",
        "quote_header_value",
        "quote_plus",
        "secure_filename",
        "status_line",
        "unquote",
        "unquote_etag",
        "unquote_header_value",
        "unquote_path",
        "unquote_plus",
        "url_encode",
        "wsgi_decoding_dance",
    }
    assert exported - modules - {"annotations"} == expected


def test_every_module_all_is_importable():
    for info in pkgutil.iter_modules(kolben.http.__path__):
        module = importlib.import_module(f"kolben.http.{info.name}")
        for name in getattr(module, "__all__", ()):
            assert hasattr(module, name), f"{info.name}.{name}"


def test_sans_io_package_imports_nothing_else_from_kolben():
    for info in pkgutil.iter_modules(kolben.http.__path__):
        module = importlib.import_module(f"kolben.http.{info.name}")
        source = module.__loader__.get_source(module.__name__)  # type: ignore[union-attr]
        assert source is not None
        assert "from kolben" not in source
        assert "from .." not in source
        assert "import werkzeug" not in source
        assert "from werkzeug" not in source
        assert "import flask" not in source
