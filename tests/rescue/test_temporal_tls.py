"""Mutual TLS and an API key to an external Temporal, by configuration.

The dev server speaks plain gRPC, so a TLS terminator stands in front of it here, as a load
balancer or the Temporal frontend itself would in production: it requires a client
certificate signed by the test CA and forwards the bytes to the dev server."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest

from rescue.settings import Settings
from rescue.temporal_client import connect, tls_config
from stack.temporal_server import TemporalDevServer, free_port
from support import TEST_PAYLOAD_KEY

SERVER_NAME = "temporal.rescue.test"


def _cert(name: str, key: ec.EllipticCurvePrivateKey, issuer: tuple[str, ec.EllipticCurvePrivateKey] | None,
          *, ca: bool = False) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    issuer_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer[0])]) if issuer else subject
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(minutes=5))
               .not_valid_after(now + dt.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]),
                                        critical=False)
    return builder.sign(issuer[1] if issuer else key, hashes.SHA256())


def _write(path: Path, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> tuple[Path, Path]:
    path.with_suffix(".crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    path.with_suffix(".key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return path.with_suffix(".crt"), path.with_suffix(".key")


@contextlib.asynccontextmanager
async def _mtls_front(upstream: int, certs: Path) -> AsyncIterator[int]:
    """A TLS terminator on a free port that requires a client certificate from the CA."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certs / "server.crt", certs / "server.key")
    context.load_verify_locations(certs / "ca.crt")
    context.verify_mode = ssl.CERT_REQUIRED
    context.set_alpn_protocols(["h2"])

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream)
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    port = free_port()
    server = await asyncio.start_server(handle, "127.0.0.1", port, ssl=context)
    try:
        yield port
    finally:
        server.close()


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(str(tmp_path_factory.mktemp("certs")))
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("rescue test CA", ca_key, None, ca=True)
    _write(folder / "ca", ca, ca_key)
    for name, cn in (("server", SERVER_NAME), ("client", "rescue-worker")):
        key = ec.generate_private_key(ec.SECP256R1())
        _write(folder / name, _cert(cn, key, ("rescue test CA", ca_key)), key)
    return folder


async def test_mutual_tls_and_api_key_by_configuration(certs: Path, tmp_path: Path) -> None:
    server = TemporalDevServer(port=free_port(), ui_port=None, db_file=None,
                               log_file=tmp_path / "temporal.log")
    await server.start()
    try:
        async with _mtls_front(server.port, certs) as port:
            settings = Settings(
                data_dir=tmp_path, payload_key=TEST_PAYLOAD_KEY,
                temporal_address=f"127.0.0.1:{port}",
                temporal_tls_ca_file=certs / "ca.crt",
                temporal_tls_cert_file=certs / "client.crt",
                temporal_tls_key_file=certs / "client.key",
                temporal_tls_server_name=SERVER_NAME, temporal_api_key="rescue-api-key")
            client = await connect(settings)
            assert client.api_key == "rescue-api-key"
            info = await client.workflow_service.get_system_info(GetSystemInfoRequest())
            assert info.server_version
            # Without the client certificate the front refuses the connection.
            no_cert = settings.model_copy(update={"temporal_tls_cert_file": None,
                                                   "temporal_tls_key_file": None})
            with pytest.raises(RuntimeError):
                await asyncio.wait_for(connect(no_cert), 20)
    finally:
        await server.stop()


def test_tls_settings_are_checked() -> None:
    assert tls_config(Settings()) is False  # the embedded dev server: plain, on loopback
    assert tls_config(Settings(temporal_tls=True)) is True  # system roots
    assert tls_config(Settings(temporal_api_key="k")) is True  # an API key implies TLS
    with pytest.raises(ValueError, match="go together"):
        tls_config(Settings(temporal_tls_cert_file=Path("/x.crt")))
