"""A DNS server on loopback for one test: A records that the test changes, as a headless Service's would.

It answers A queries for the names it is given (TTL 0), nothing for other types of those names, and
NXDOMAIN for any other name, over UDP on 127.0.0.1 and a free port; gRPC's c-ares resolver asks it
through a `dns://127.0.0.1:PORT/NAME:PORT` target.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

__all__ = ["LoopbackDns", "loopback_dns"]

_A, _IN = 1, 1


class LoopbackDns:
    """The records it answers with (change `records[name]` at any time) and where it listens."""

    def __init__(self, records: Mapping[str, Sequence[str]]) -> None:
        self.records = {name.lower().rstrip("."): list(addresses) for name, addresses in records.items()}
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.settimeout(0.2)
        self.port = int(self._socket.getsockname()[1])
        self.queries = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="loopback-dns", daemon=True)

    def _answer(self, query: bytes) -> bytes | None:
        if len(query) < 12:
            return None
        (ident,) = struct.unpack("!H", query[:2])
        labels, position = [], 12
        while position < len(query) and query[position]:
            length = query[position]
            labels.append(query[position + 1 : position + 1 + length].decode("ascii", "replace"))
            position += 1 + length
        question_end = position + 5
        if question_end > len(query):
            return None
        qtype, _ = struct.unpack("!HH", query[position + 1 : question_end])
        name = ".".join(labels).lower()
        addresses = self.records.get(name)
        answers = addresses if addresses is not None and qtype == _A else []
        rcode = 0 if addresses is not None else 3
        header = struct.pack("!HHHHHH", ident, 0x8180 | rcode, 1, len(answers), 0, 0)
        records = b"".join(
            # A pointer to the question's name (offset 12), type A, class IN, TTL 0, 4 bytes of address.
            struct.pack("!HHHIH", 0xC00C, _A, _IN, 0, 4) + socket.inet_aton(address)
            for address in answers
        )
        return header + query[12:question_end] + records

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                query, client = self._socket.recvfrom(4096)
            except TimeoutError:
                continue
            answer = self._answer(query)
            if answer is not None:
                self.queries += 1
                self._socket.sendto(answer, client)

    def target(self, name: str, port: int) -> str:
        """The gRPC target that resolves `name` with this server."""
        return f"dns://127.0.0.1:{self.port}/{name}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()


@contextmanager
def loopback_dns(records: Mapping[str, Sequence[str]]) -> Iterator[LoopbackDns]:
    """A `LoopbackDns` serving until the block ends."""
    server = LoopbackDns(records)
    server.start()
    try:
        yield server
    finally:
        server.stop()
