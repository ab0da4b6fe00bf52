"""Fixtures: the enkash-mock simulator binary on an ephemeral loopback port, and clients for it."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest

import enkash

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "tests" / "scenarios"
FAST = {"initial_backoff": 0.005, "max_backoff": 0.05, "request_timeout": 5.0, "timeout": 20.0}


def mock_binary() -> str:
    env = os.environ.get("ENKASH_MOCK_BIN")
    if env:
        return env
    for candidate in [
        ROOT / "target" / "x86_64-unknown-linux-gnu" / "debug" / "enkash-mock",
        ROOT / "target" / "debug" / "enkash-mock",
        ROOT / "target" / "release" / "enkash-mock",
    ]:
        if candidate.exists():
            return str(candidate)
    raise RuntimeError("build the simulator first (cargo build -p enkash-mock) or set ENKASH_MOCK_BIN")


class Mock:
    """Talks to the simulator's admin API."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def _call(self, method: str, path: str, body: Optional[Any] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.base_url + path, data=data, method=method, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read() or b"null")

    def seed(self, seed: dict[str, Any]) -> None:
        self._call("POST", "/__mock/seed", seed)

    def add_fault(self, **fault: Any) -> None:
        self._call("POST", "/__mock/faults", fault)

    def clear_faults(self) -> None:
        self._call("DELETE", "/__mock/faults")

    def configure(self, **config: Any) -> None:
        self._call("POST", "/__mock/config", config)

    def expire_tokens(self) -> None:
        self._call("POST", "/__mock/tokens/expire", {})

    def journal(self) -> dict[str, Any]:
        j: dict[str, Any] = self._call("GET", "/__mock/journal")
        return j

    def count(self, route: str) -> int:
        return int(self.journal()["counts"].get(route, 0))

    def transactions(self, *pairs: tuple[str, str]) -> None:
        self.seed({"transactions": [{"id": i, "amount": a} for i, a in pairs]})


@pytest.fixture(scope="session")
def mock_server() -> Iterator[str]:
    proc = subprocess.Popen(
        [mock_binary(), "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), url
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture()
def mock(mock_server: str) -> Mock:
    m = Mock(mock_server)
    m.seed({})
    return m


def make_client(mock: Mock, **options: Any) -> enkash.Client:
    opts: dict[str, Any] = {**FAST, **options}
    opts.setdefault("access_key", "ak_test")
    opts.setdefault("secret_key", "sk_test")
    return enkash.Client(base_url=mock.base_url, **opts)


def make_async_client(mock: Mock, **options: Any) -> enkash.AsyncClient:
    opts: dict[str, Any] = {**FAST, **options}
    opts.setdefault("access_key", "ak_test")
    opts.setdefault("secret_key", "sk_test")
    return enkash.AsyncClient(base_url=mock.base_url, **opts)
