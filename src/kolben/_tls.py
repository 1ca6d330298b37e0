"""HTTPS for the development server: ``--cert``, ``--key`` and ``adhoc``."""

from __future__ import annotations

import atexit
import datetime
import ipaddress
import os
import shutil
import ssl
import sys
import tempfile
from typing import Any

import click

from .config import import_string

#: What ``--cert`` and ``app.run(ssl_context=...)`` accept, once converted.
SSLContextArg = ssl.SSLContext | tuple[str, str | None] | str | None


class CertParamType(click.ParamType[Any, Any]):
    """The type of ``kolben run --cert``: a file, ``adhoc``, or an SSLContext.

    A value that names an existing file is that file's absolute path.
    ``adhoc`` serves HTTPS with a certificate made up on start (it needs the
    ``cryptography`` package); browsers warn about it, which is fine for a
    quick local test. Anything else is imported as ``module:name`` and must
    be an :class:`ssl.SSLContext`.
    """

    name = "path"

    def __init__(self) -> None:
        self.path_type = click.Path(exists=True, dir_okay=False, resolve_path=True)

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Any:
        """Return the file's path, ``"adhoc"``, or the imported SSLContext.

        :param value: the option's value.
        :param param: the option.
        :param ctx: the click context.
        """
        if isinstance(value, ssl.SSLContext):
            return value
        try:
            return self.path_type(value, param, ctx)
        except click.BadParameter as not_a_file:
            text = click.STRING(value, param, ctx)
            if text.lower() == "adhoc":
                _require_cryptography(ctx, param)
                return "adhoc"
            found = _import_context(text)
            if isinstance(found, ssl.SSLContext):
                return found
            raise click.BadParameter(
                f"{not_a_file.format_message()} It is not 'adhoc' either, nor"
                " the 'module:name' of an ssl.SSLContext.",
                ctx,
                param,
            ) from None


def _require_cryptography(ctx: click.Context | None, param: Any) -> None:
    try:
        import cryptography  # noqa: F401
    except ImportError:
        raise click.BadParameter(
            "An 'adhoc' certificate is made with the cryptography library:"
            " pip install cryptography",
            ctx,
            param,
        ) from None


def _import_context(name: str) -> Any:
    """Import ``module:name``, from the current folder as ``python -m`` would."""
    if ":" not in name and "." not in name:
        return None
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        return import_string(name)
    except ImportError:
        return None


def validate_key(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Check ``--key`` against ``--cert``; pair a certificate file with it.

    A certificate file needs a key file; ``adhoc`` and an SSLContext take
    none. With both files, the ``cert`` parameter becomes ``(cert, key)``.

    :param ctx: the click context.
    :param param: the ``--key`` option.
    :param value: the key file, or ``None``.
    """
    cert = ctx.params.get("cert")
    is_adhoc = cert == "adhoc"
    is_context = isinstance(cert, ssl.SSLContext)
    if value is not None:
        if is_adhoc:
            raise click.BadParameter(
                'When "--cert" is "adhoc", "--key" is not used.', ctx, param
            )
        if is_context:
            raise click.BadParameter(
                'When "--cert" is an SSLContext object, "--key" is not used.',
                ctx,
                param,
            )
        if not cert:
            raise click.BadParameter('"--cert" must also be given.', ctx, param)
        ctx.params["cert"] = (cert, value)
    elif cert and not (is_adhoc or is_context):
        raise click.BadParameter('Required when using "--cert".', ctx, param)
    return value


def uvicorn_tls_options(ssl_context: SSLContextArg) -> dict[str, Any]:
    """Return uvicorn's settings for ``ssl_context``; empty for plain HTTP.

    :param ssl_context: ``None``, ``"adhoc"``, a ``(cert, key)`` pair of
        files, or an :class:`ssl.SSLContext`.
    """
    if ssl_context is None:
        return {}
    if isinstance(ssl_context, ssl.SSLContext):
        context = ssl_context
        return {"ssl_context_factory": lambda config, default: context}
    if ssl_context == "adhoc":
        cert, key = make_adhoc_certificate()
        return {"ssl_certfile": cert, "ssl_keyfile": key}
    if isinstance(ssl_context, tuple):
        return {"ssl_certfile": ssl_context[0], "ssl_keyfile": ssl_context[1]}
    raise TypeError(
        f"ssl_context must be 'adhoc', a (cert_file, key_file) pair or an"
        f" ssl.SSLContext, not {ssl_context!r}."
    )


def make_adhoc_certificate() -> tuple[str, str]:
    """Write a fresh self-signed certificate and key; return their paths.

    The files live in a private temporary folder removed when the process
    exits; the reloader's worker processes read them while it runs.
    """
    _require_cryptography(None, None)
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kolben adhoc")])
    now = datetime.datetime.now(datetime.UTC)
    names: list[x509.GeneralName] = [x509.DNSName("localhost")]
    names += [x509.IPAddress(ipaddress.ip_address(a)) for a in ("127.0.0.1", "::1")]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(key, hashes.SHA256())
    )
    # SECURITY: mkdtemp makes the folder readable by this user only, so the
    # private key is not exposed to other users of the machine.
    folder = tempfile.mkdtemp(prefix="kolben-adhoc-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    cert_path = os.path.join(folder, "cert.pem")
    key_path = os.path.join(folder, "key.pem")
    with open(cert_path, "wb") as file:
        file.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as file:
        file.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return cert_path, key_path
