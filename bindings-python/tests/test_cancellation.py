"""Cancellation never abandons a refund half-way: an asyncio cancel / ``wait_for`` timeout or a
Ctrl-C in the sync client after the POST was committed leaves the refund to finish in the
background (looked up, never resent, its outcome logged), and the ``request_id`` held before the
call finds it."""

from __future__ import annotations

import _thread
import asyncio
import logging
import threading
import time
from decimal import Decimal

import pytest

import enkash

from .conftest import Mock, make_async_client, make_client


def _commit_then_cut_later(mock: Mock, txn: str) -> None:
    mock.transactions((txn, "500"))
    # Committed at once; the connection is cut 600 ms later, after the caller gave up.
    mock.add_fault(route="refund", kind="reset_after_commit", delay_ms=600, times=1)


def _settled_in_background(mock: Mock, request_id: str) -> None:
    deadline = time.monotonic() + 5
    while mock.count("refund_enquiry") == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    journal = mock.journal()
    assert [r["request_id"] for r in journal["refunds"]] == [request_id], "refunded once"
    assert journal["counts"].get("refund") == 1, "never resent"
    assert journal["counts"].get("refund_enquiry") == 1, "the abandoned refund was reconciled"


def test_wait_for_timeout_leaves_the_refund_to_finish(mock: Mock, caplog: pytest.LogCaptureFixture) -> None:
    _commit_then_cut_later(mock, "EKCX1")
    request_id = enkash.new_request_id()
    caplog.set_level(logging.WARNING, logger="enkash")

    async def main() -> None:
        async with make_async_client(mock) as client:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.refund("EKCX1", Decimal("25"), request_id=request_id), 0.2)
            await asyncio.to_thread(_settled_in_background, mock, request_id)
            found = await client.find_refund("EKCX1", request_id)
            assert found is not None and found.request_id == request_id
            assert found.amount == Decimal("25")

    asyncio.run(main())
    assert "refund finished after its caller stopped waiting" in caplog.text


def test_ctrl_c_in_the_sync_client_leaves_the_refund_to_finish(mock: Mock) -> None:
    _commit_then_cut_later(mock, "EKCX2")
    request_id = enkash.new_request_id()
    with make_client(mock) as client:
        timer = threading.Timer(0.2, _thread.interrupt_main)
        timer.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                client.refund("EKCX2", "25", request_id=request_id)
        finally:
            timer.cancel()
        _settled_in_background(mock, request_id)
        found = client.find_refund("EKCX2", request_id)
        assert found is not None and found.request_id == request_id
