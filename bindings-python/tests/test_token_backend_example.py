"""examples/token_backend.py, served over real HTTP, gives an app client (no secret key) its tokens."""

from __future__ import annotations

import json
import urllib.error
import sys
import threading
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Optional

import pytest
from werkzeug.serving import make_server

import enkash

from .conftest import Mock, make_client

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
import token_backend  # noqa: E402


@pytest.fixture
def backend_url(mock: Mock) -> Iterator[str]:
    with make_client(mock) as server_client:
        server = make_server("127.0.0.1", 0, token_backend.create_app(server_client, frozenset({"s3ssion"})))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}/enkash/token"
        finally:
            server.shutdown()


def fetch(url: str, session: str) -> tuple[str, Optional[int]]:
    req = urllib.request.Request(url, method="POST", headers={"Authorization": f"Bearer {session}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        body = json.load(r)
    return body["token"], body["expiresAtMs"]


def test_an_app_refunds_with_tokens_from_the_example_backend(mock: Mock, backend_url: str) -> None:
    mock.transactions(("EKBACKEND1", "100"))
    provider = lambda: fetch(backend_url, "s3ssion")  # noqa: E731
    with enkash.Client("ak_test", base_url=mock.base_url, token_provider=provider, initial_backoff=0.005) as app:
        refund = app.refund("EKBACKEND1", Decimal("12.50"), request_id=enkash.new_request_id())
        assert refund.amount == Decimal("12.50")
        assert app.get_transaction("EKBACKEND1").status == "PARTIALLY_REFUNDED"
    assert mock.count("token") == 1


def test_the_example_backend_refuses_strangers(backend_url: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as e:
        fetch(backend_url, "guess")
    assert e.value.code == 401
