"""``kolben run --cert --key`` and ``--cert adhoc`` serve HTTPS on loopback."""

from __future__ import annotations

import http.client
import ipaddress
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
import trustme
from cryptography import x509

from tests.cli.conftest import kolben_env
from tests.e2e._live import HOST, free_port

APP = """\
from kolben import Kolben, request

app = Kolben(__name__)

@app.get("/")
def index():
    return {"scheme": request.scheme, "secure": request.is_secure}
"""


@pytest.mark.e2e
def test_run_serves_https_with_the_given_certificate(tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert(HOST)
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    (tmp_path / "tls_app.py").write_text(APP)
    port = free_port()
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kolben.cli", "--app", "tls_app.py", "run"]
            + ["--host", HOST, "--port", str(port)]
            + ["--cert", str(cert_file), "--key", str(key_file)],
            cwd=tmp_path,
            env=kolben_env(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    context = ssl.create_default_context()
    ca.configure_trust(context)  # the client trusts only this test CA
    try:
        body = _get_when_up(port, context, process, log)
    finally:
        process.send_signal(signal.SIGINT)
        status = process.wait(timeout=15)
    assert body == b'{"scheme":"https","secure":true}\n'
    assert f"Running on https://{HOST}:{port}" in log.read_text()
    assert status in (0, -signal.SIGINT)


def _get_when_up(
    port: int, context: ssl.SSLContext, process: subprocess.Popen[bytes], log: Path
) -> bytes:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"kolben run exited early:\n{log.read_text()}")
        conn = http.client.HTTPSConnection(HOST, port, context=context, timeout=3)
        try:
            conn.request("GET", "/")
            return conn.getresponse().read()
        except (ConnectionError, OSError):
            time.sleep(0.2)
        finally:
            conn.close()
    pytest.fail(f"no HTTPS answer within 20 s:\n{log.read_text()}")


@pytest.mark.e2e
def test_run_serves_https_with_an_adhoc_certificate(tmp_path: Path) -> None:
    (tmp_path / "tls_app.py").write_text(APP)
    port = free_port()
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kolben.cli", "--app", "tls_app.py", "run"]
            + ["--host", HOST, "--port", str(port), "--cert", "adhoc"],
            cwd=tmp_path,
            env=kolben_env(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    # The certificate is made up on start, so no CA vouches for it; the test
    # checks what it is instead.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        body = _get_when_up(port, context, process, log)
        with socket.create_connection((HOST, port), timeout=5) as raw:
            with context.wrap_socket(raw) as tls:
                der = tls.getpeercert(binary_form=True)
    finally:
        process.send_signal(signal.SIGINT)
        status = process.wait(timeout=15)
    assert body == b'{"scheme":"https","secure":true}\n'
    assert der is not None
    cert = x509.load_der_x509_certificate(der)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    addresses = names.value.get_values_for_type(x509.IPAddress)
    assert ipaddress.ip_address(HOST) in addresses
    assert f"Running on https://{HOST}:{port}" in log.read_text()
    assert status in (0, -signal.SIGINT)
