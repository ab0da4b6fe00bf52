"""The asyncio client: concurrency, one token, cancellation, context manager."""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

import pytest

import enkash

from .conftest import Mock, make_async_client


def test_64_concurrent_refunds_share_one_token(mock: Mock) -> None:
    mock.seed({"transactions": [{"id": f"EKA{i}", "amount": "100"} for i in range(64)]})

    async def main() -> list[enkash.Refund]:
        async with make_async_client(mock) as client:
            return await asyncio.gather(
                *(client.refund(f"EKA{i}", Decimal("9.99"), request_id=f"A-{i}") for i in range(64))
            )

    refunds = asyncio.run(main())
    assert [r.request_id for r in refunds] == [f"A-{i}" for i in range(64)]
    assert all(r.amount == Decimal("9.99") for r in refunds)
    assert mock.count("token") == 1
    assert len(mock.journal()["refunds"]) == 64


def test_errors_are_raised_from_await(mock: Mock) -> None:
    mock.transactions(("EKAE", "10"))

    async def main() -> None:
        client = make_async_client(mock)
        with pytest.raises(enkash.RefundExceedsAvailableError) as info:
            await client.refund("EKAE", "11", request_id="AE-1")
        assert info.value.request_id == "AE-1"
        with pytest.raises(enkash.InvalidRequestError):
            await client.refund("EKAE", "1.001")
        with pytest.raises(TypeError):
            client.refund("EKAE", 1.5)  # type: ignore[arg-type]
        assert (await client.get_transaction("EKAE")).status == "SUCCESS"
        assert await client.find_refund("EKAE", "NONE") is None
        await client.aclose()
        with pytest.raises(enkash.UsageError):
            await client.get_transaction("EKAE")

    asyncio.run(main())


def test_cancelling_the_task_cancels_the_request(mock: Mock) -> None:
    mock.transactions(("EKCAN", "10"))
    mock.add_fault(route="get_transaction", kind="delay", delay_ms=3000)

    async def main() -> float:
        client = make_async_client(mock, request_timeout=10, timeout=10)
        await client.check_token()
        task = asyncio.ensure_future(client.get_transaction("EKCAN"))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        elapsed = time.monotonic() - started
        # The loop is not stuck and the client still works afterwards.
        assert (await client.get_transaction("EKCAN")).transaction_id == "EKCAN"
        return elapsed

    assert asyncio.run(main()) < 1.0


def test_calling_outside_a_running_loop_is_a_clear_error(mock: Mock) -> None:
    client = make_async_client(mock)
    with pytest.raises(RuntimeError):
        client.get_transaction("EK1")
