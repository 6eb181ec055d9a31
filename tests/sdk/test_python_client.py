"""The Python SDK's typed clients, without a network: one method per RPC, the retry policy from the
contracts, and bad settings refused before any call. The live calls are in sdk_e2e.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import pagemesh.client
from pagemesh.client import AsyncPagemeshClient, PagemeshClient, RetryPolicy, Tls
from pagemesh.client._services import FILES
from pagemesh.client._settings import service_config
from tests.harness import pki_dir


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def test_public_names() -> None:
    assert sorted(pagemesh.client.__all__) == [
        "AsyncPagemeshClient",
        "DEFAULT_TIMEOUT",
        "PagemeshClient",
        "RetryPolicy",
        "RpcError",
        "Tls",
        "is_retryable",
    ]


def _assert_every_rpc_is_a_method(client: PagemeshClient | AsyncPagemeshClient) -> None:
    assert len(FILES) == 14
    for file in FILES:
        _, area, version = file.package.split(".")
        (service,) = file.services_by_name.values()
        typed = getattr(getattr(client, version), area)
        for method in service.methods:
            assert callable(getattr(typed, _snake(method.name))), (service.full_name, method.name)


def test_every_rpc_of_every_version_is_a_method() -> None:
    with PagemeshClient("127.0.0.1:1", tls=None) as client:  # channels connect lazily: no server needed
        _assert_every_rpc_is_a_method(client)


async def test_every_rpc_of_every_version_is_an_asyncio_method() -> None:
    async with AsyncPagemeshClient("127.0.0.1:1", tls=None) as client:
        _assert_every_rpc_is_a_method(client)


def test_the_retry_policy_names_every_read_and_no_write() -> None:
    config = json.loads(service_config(FILES, RetryPolicy()))
    (entry,) = config["methodConfig"]
    names = {(n["service"], n["method"]) for n in entry["name"]}
    assert ("pagemesh.page.v2.PageService", "GetProductPage") in names
    assert ("pagemesh.history.v1.HistoryService", "ListViewedProducts") in names
    assert not {n for n in names if n[1] == "RecordView"}
    all_methods = {
        (s.full_name, m.name) for f in FILES for s in f.services_by_name.values() for m in s.methods
    }
    assert names == {n for n in all_methods if n[1] != "RecordView"}
    assert entry["retryPolicy"] == {
        "maxAttempts": 3,
        "initialBackoff": "0.1s",
        "maxBackoff": "1s",
        "backoffMultiplier": 2.0,
        "retryableStatusCodes": ["UNAVAILABLE"],
    }
    assert json.loads(service_config(FILES, None)) == {}


def test_bad_settings_are_refused_before_any_call(tmp_path: Path) -> None:
    pki = pki_dir()
    with pytest.raises(ValueError, match="both a certificate and its key"):
        PagemeshClient("127.0.0.1:1", tls=Tls(ca=pki / "ca.pem", certificate=pki / "operator.pem"))
    with pytest.raises(FileNotFoundError):
        PagemeshClient("127.0.0.1:1", tls=Tls(ca=tmp_path / "missing.pem"))
    with pytest.raises(ValueError, match="timeout must be more than 0"):
        PagemeshClient("127.0.0.1:1", tls=None, timeout=0)
    with pytest.raises(ValueError, match="from 2 to 5"):
        RetryPolicy(max_attempts=9)
    tls = Tls(ca=pki / "ca.pem", certificate=pki / "operator.pem", key=pki / "operator-key.pem")
    with PagemeshClient("127.0.0.1:1", tls=tls) as client:
        assert client.target == "127.0.0.1:1"
