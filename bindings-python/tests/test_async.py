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


def test_each_loop_gets_its_own_completion_queue_released_with_the_loop(mock: Mock) -> None:
    import gc

    from enkash import _aio

    mock.transactions(("EKLOOP", "10"))
    client = make_async_client(mock)

    async def one() -> str:
        return (await client.get_transaction("EKLOOP")).transaction_id

    gc.collect()
    before = len(_aio._completions)
    for _ in range(3):  # asyncio.run makes (and closes) a new loop each time
        assert asyncio.run(one()) == "EKLOOP"
    gc.collect()
    assert len(_aio._completions) == before


def test_a_loop_without_add_reader_is_woken_with_call_soon_threadsafe(mock: Mock) -> None:
    mock.transactions(("EKNOFD", "10"))

    class NoReaderLoop(asyncio.SelectorEventLoop):
        readers_refused = 0

        def add_reader(self, *args: object) -> None:
            NoReaderLoop.readers_refused += 1
            raise NotImplementedError

    async def main() -> list[str]:
        client = make_async_client(mock)
        txns = await asyncio.gather(*(client.get_transaction("EKNOFD") for _ in range(16)))
        return [t.transaction_id for t in txns]

    import gc
    import weakref

    from enkash import _aio

    loop = NoReaderLoop()
    try:
        assert loop.run_until_complete(asyncio.wait_for(main(), 20)) == ["EKNOFD"] * 16
        queue = weakref.ref(_aio._completions[loop])
    finally:
        loop.close()
    assert NoReaderLoop.readers_refused == 1
    del loop
    # A wake-up the runtime thread began for a batch the loop had already drained holds the
    # queue for the length of its `call_soon_threadsafe` call: released within moments. A leak
    # (a reference cycle through the Rust object) never is.
    deadline = time.monotonic() + 5
    while queue() is not None and time.monotonic() < deadline:
        gc.collect()
        time.sleep(0.01)
    assert queue() is None, "the loop's completion queue is released with the loop"


def test_loops_on_two_threads_complete_their_own_calls(mock: Mock) -> None:
    import threading

    mock.seed({"transactions": [{"id": f"EKT{i}", "amount": "10"} for i in range(2)]})
    client = make_async_client(mock)
    seen: dict[int, list[str]] = {}

    def on_thread(i: int) -> None:
        async def main() -> list[str]:
            txns = await asyncio.gather(*(client.get_transaction(f"EKT{i}") for _ in range(32)))
            return [t.transaction_id for t in txns]

        seen[i] = asyncio.run(main())

    threads = [threading.Thread(target=on_thread, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert seen == {0: ["EKT0"] * 32, 1: ["EKT1"] * 32}
