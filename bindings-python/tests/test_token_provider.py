"""An app that never holds the secret key: ``token_provider=`` asks the merchant's backend (whose
client calls ``issue_token()``). The core caches, asks once for many callers, and refreshes once
after the gateway rejects a token."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Optional

import pytest

import enkash

from .conftest import Mock, make_client


def test_an_app_client_refunds_with_tokens_from_its_backend(mock: Mock) -> None:
    mock.transactions(("EKPAPP1", "100"))
    backend = make_client(mock)
    asked: list[int] = []

    def from_backend() -> enkash.IssuedToken:
        asked.append(1)
        return backend.issue_token()

    with enkash.Client(access_key="ak_test", base_url=mock.base_url, token_provider=from_backend, initial_backoff=0.005, max_backoff=0.05) as app:
        refund = app.refund("EKPAPP1", Decimal("5"), request_id=enkash.new_request_id())
        assert refund.amount == Decimal("5")
        app.get_transaction("EKPAPP1")
        assert len(asked) == 1, "cached"
        mock.expire_tokens()
        app.get_transaction("EKPAPP1")
        assert len(asked) == 2, "a rejected token is refreshed from the provider once"
        with pytest.raises(enkash.UsageError):
            app.issue_token()
    assert mock.count("token") == 2, "only the backend talks to the token endpoint"


def test_a_coroutine_provider_runs_on_the_async_clients_loop(mock: Mock) -> None:
    mock.transactions(("EKPAPP2", "100"))
    backend = make_client(mock)
    issued = backend.issue_token()
    loops: list[asyncio.AbstractEventLoop] = []

    async def from_backend() -> tuple[str, Optional[int]]:
        loops.append(asyncio.get_running_loop())
        await asyncio.sleep(0)
        return issued.token, issued.expires_at_ms

    async def main() -> asyncio.AbstractEventLoop:
        async with enkash.AsyncClient(
            access_key="ak_test", base_url=mock.base_url, token_provider=from_backend, initial_backoff=0.005, max_backoff=0.05
        ) as app:
            txns = await asyncio.gather(*(app.get_transaction("EKPAPP2") for _ in range(16)))
            assert {t.transaction_id for t in txns} == {"EKPAPP2"}
        return asyncio.get_running_loop()

    running = asyncio.run(main())
    assert loops == [running], "asked once, on the caller's loop"


def test_issued_tokens_never_print_and_provider_errors_are_typed(mock: Mock) -> None:
    backend = make_client(mock)
    issued = backend.issue_token()
    assert issued.token and issued.expires_at_ms is not None
    assert issued.token not in repr(issued) and "token='***'" in repr(issued)

    def down() -> enkash.IssuedToken:
        raise ConnectionError("backend unreachable")

    with enkash.Client(access_key="ak_test", base_url=mock.base_url, token_provider=down, initial_backoff=0.005, max_backoff=0.05) as app:
        with pytest.raises(enkash.AuthenticationError, match="backend unreachable"):
            app.get_transaction("EKX")
    with pytest.raises(enkash.InvalidRequestError) as both:
        enkash.Client("ak_test", "sk_test", base_url=mock.base_url, token_provider=down)
    assert both.value.field == "secret_key"
    with pytest.raises(TypeError):
        enkash.Client("ak_test", base_url=mock.base_url, token_provider="not callable")  # type: ignore[arg-type]
