"""The one place that secures gRPC hops: server ports and client channels, mutual TLS or plaintext.

With `PAGEMESH_TLS=mtls` every server asks each client for a certificate signed by the mesh's CA, and every
client checks the server's certificate against the same CA, so both ends know who the other is (the
caller's SPIFFE ID is what the authorization policy matches). Certificates are short-lived and renewed on
disk (`pagemesh certs`):

- a server re-reads its files when they change, at the next connection's handshake (gRPC calls a fetcher
  before every handshake; here it costs one `stat` per file), so renewal needs no restart;
- a client cannot swap the certificate of an open channel, so `Transport.stamp()` tells its owner when to
  open a new channel (the aggregator does, and lets calls on the old one finish).

With `PAGEMESH_TLS=plaintext` nothing is encrypted or authenticated: for quick local pokes only.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import grpc
import grpc.aio
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from pagemesh.runtime._config import Settings
from pagemesh.runtime._errors import PagemeshError
from pagemesh.runtime._logging import log_event
from pagemesh.security._certs import CertificateError, IdentityFiles, identity_files

__all__ = ["ChannelOptions", "Transport", "TransportError"]

_logger = logging.getLogger("pagemesh.transport")
ChannelOptions = Sequence[tuple[str, Any]]


class TransportError(PagemeshError):
    """A port cannot be opened, or this process's identity has no usable certificate."""

    code = grpc.StatusCode.UNAVAILABLE


def _key_matches(certificate_pem: bytes, key_pem: bytes) -> bool:
    try:
        certificate = x509.load_pem_x509_certificate(certificate_pem)
        key = serialization.load_pem_private_key(key_pem, password=None)
    except ValueError:
        return False
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    encoding = serialization.Encoding.DER
    return bool(
        certificate.public_key().public_bytes(encoding, public)
        == key.public_key().public_bytes(encoding, public)
    )


class _ServerCertificates:
    """The fetcher gRPC calls before each handshake: the current files when they changed, else None."""

    def __init__(self, files: IdentityFiles) -> None:
        self._files = files
        self._lock = threading.Lock()
        self._stamp = files.stamp()
        self.initial = self._configuration(*files.read())

    @staticmethod
    def _configuration(ca: bytes, certificate: bytes, key: bytes) -> Any:
        return grpc.ssl_server_certificate_configuration([(key, certificate)], root_certificates=ca)

    def __call__(self) -> Any:
        stamp = self._files.stamp()
        if stamp == self._stamp:
            return None
        with self._lock:
            try:
                ca, certificate, key = self._files.read()
            except CertificateError:
                return None
            # Mid-renewal the key may already be new and the certificate still old: keep what works
            # until both are (the stamp is not advanced, so the next handshake looks again).
            if not _key_matches(certificate, key):
                return None
            self._stamp = stamp
        log_event(_logger, logging.INFO, "certificate reloaded", certificate=str(self._files.certificate))
        return self._configuration(ca, certificate, key)


@dataclass(frozen=True)
class Transport:
    """How this process secures its gRPC hops: `mtls` as `identity`, or `plaintext`."""

    mode: str
    identity: str
    files: IdentityFiles | None = None
    """The identity's certificate files (mtls only)."""

    @classmethod
    def from_settings(cls, settings: Settings, identity: str) -> Transport:
        """The transport `settings` ask for, as `identity` (a part's name, or `operator`)."""
        if settings.tls == "plaintext":
            return cls("plaintext", identity)
        files = identity_files(settings.pki, identity)
        missing = [str(p) for p in (files.ca, files.certificate, files.key) if not p.is_file()]
        if missing:
            raise TransportError(
                f"mutual TLS is on but {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing; "
                f"make them with `pagemesh certs --out {settings.pki}` or set PAGEMESH_TLS=plaintext"
            )
        return cls("mtls", identity, files)

    @property
    def secure(self) -> bool:
        """Whether hops are mutually authenticated and encrypted."""
        return self.files is not None

    def listen(self, server: grpc.aio.Server | grpc.Server, address: str, component: str) -> int:
        """Opens `address` on `server` (requiring client certificates under mtls); returns the port."""
        try:
            if self.files is None:
                port = server.add_insecure_port(address)
            else:
                fetcher = _ServerCertificates(self.files)
                credentials = grpc.dynamic_ssl_server_credentials(
                    fetcher.initial, fetcher, require_client_authentication=True
                )
                port = server.add_secure_port(address, credentials)
        except CertificateError as error:
            raise TransportError(error.message) from None
        except RuntimeError:
            port = 0
        if port == 0:
            raise TransportError(
                f"{component}: cannot listen on {address}: "
                "the port is in use or the host is not an address of this machine"
            )
        return port

    def stamp(self) -> tuple[int, ...]:
        """Changes when this identity's certificate files are renewed: time to open a new channel."""
        return () if self.files is None else self.files.stamp()

    def _credentials(self) -> grpc.ChannelCredentials:
        assert self.files is not None
        try:
            ca, certificate, key = self.files.read()
        except CertificateError as error:
            raise TransportError(error.message) from None
        if not _key_matches(certificate, key):
            raise TransportError(
                f"{self.files.certificate} and {self.files.key} do not belong together "
                "(being renewed right now, or mixed up)"
            )
        return grpc.ssl_channel_credentials(ca, key, certificate)

    def _options(self, server_name: str | None, options: ChannelOptions) -> list[tuple[str, Any]]:
        merged = list(options)
        if self.files is not None and server_name:
            # The server is checked against its own name (a DNS SAN of its certificate), whatever address
            # or list of replica addresses the channel dials.
            merged.append(("grpc.ssl_target_name_override", server_name))
        return merged

    def channel(
        self, target: str, *, server_name: str | None = None, options: ChannelOptions = ()
    ) -> grpc.aio.Channel:
        """An asyncio channel to `target`; under mtls the server must present `server_name`'s identity.

        Without `server_name`, the server's certificate must name the host of `target` (loopback IPs are
        in every pagemesh certificate).
        """
        if self.files is None:
            return grpc.aio.insecure_channel(target, options=self._options(None, options))
        return grpc.aio.secure_channel(
            target, self._credentials(), options=self._options(server_name, options)
        )

    def blocking_channel(
        self, target: str, *, server_name: str | None = None, options: ChannelOptions = ()
    ) -> grpc.Channel:
        """A blocking channel, for tools and tests; see `channel`."""
        if self.files is None:
            return grpc.insecure_channel(target, options=self._options(None, options))
        return grpc.secure_channel(target, self._credentials(), options=self._options(server_name, options))
