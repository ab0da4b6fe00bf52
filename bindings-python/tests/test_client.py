"""The sync client: threads, errors as classes, context manager, fork, panics."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

import enkash
from enkash import _native

from .conftest import Mock, make_async_client, make_client


def test_sixteen_threads_share_one_client_and_one_token(mock: Mock) -> None:
    mock.seed({"transactions": [{"id": f"EKT{i}", "amount": "100"} for i in range(16)]})
    # A slow token endpoint makes every thread wait on the same fetch.
    mock.add_fault(route="token", kind="delay", delay_ms=300)
    client = make_client(mock)

    def work(i: int) -> Decimal:
        r = client.refund(f"EKT{i}", Decimal("1.25"), request_id=f"T-{i}")
        client.get_transaction(f"EKT{i}")
        return r.amount

    with ThreadPoolExecutor(16) as pool:
        amounts = list(pool.map(work, range(16)))
    assert amounts == [Decimal("1.25")] * 16
    assert mock.count("token") == 1
    assert len(mock.journal()["refunds"]) == 16


def test_gil_is_released_while_waiting(mock: Mock) -> None:
    mock.transactions(("EKGIL", "10"))
    mock.add_fault(route="get_transaction", kind="delay", delay_ms=400, times=4)
    client = make_client(mock)
    client.check_token()
    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    spinner = threading.Thread(target=spin)
    spinner.start()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: client.get_transaction("EKGIL"), range(4)))
    stop.set()
    spinner.join()
    # Four 400 ms waits ran in parallel while another Python thread kept running.
    assert ticks > 100


def test_blocking_calls_and_an_asyncio_loop_share_the_runtime(mock: Mock) -> None:
    # A lone blocking call drives the runtime from its own thread; asyncio calls started meanwhile
    # (delayed answers outliving each blocking call) must still finish when it stops driving.
    mock.transactions(("EKMIX1", "100"), ("EKMIX2", "100"))
    mock.add_fault(route="get_transaction", kind="delay", delay_ms=150, times=8)
    sync_client = make_client(mock)
    async_client = make_async_client(mock)
    sync_client.check_token()
    finished: list[str] = []

    def on_loop() -> None:
        async def main() -> list[str]:
            txns = await asyncio.gather(*(async_client.get_transaction("EKMIX2") for _ in range(8)))
            return [t.transaction_id for t in txns]

        finished.extend(asyncio.run(main()))

    loop_thread = threading.Thread(target=on_loop)
    loop_thread.start()
    refunds = [sync_client.refund("EKMIX1", Decimal("0.50")) for _ in range(20)]
    loop_thread.join(30)
    assert not loop_thread.is_alive(), "the asyncio calls never finished"
    assert finished == ["EKMIX2"] * 8
    assert [r.amount for r in refunds] == [Decimal("0.50")] * 20
    assert len(mock.journal()["refunds"]) == 20


SIGNAL_HANDLER_SCRIPT = r"""
import os, signal, sys, threading
import enkash
c = enkash.Client(access_key="ak_test", secret_key="sk_test", base_url=sys.argv[1])
seen = []
signal.signal(signal.SIGUSR1, lambda *_: seen.append(c.get_transaction("EKSIG2").transaction_id))
threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGUSR1)).start()
slow = c.get_transaction("EKSIG1")   # answered after 800 ms; the handler runs meanwhile
print(slow.transaction_id, seen)
"""


def test_a_signal_handler_can_call_the_client_while_a_call_waits(mock: Mock) -> None:
    # Python runs signal handlers when the waiting call looks for Ctrl-C; one that makes an enkash
    # call of its own must not deadlock with the call it interrupted (a subprocess, so a hang
    # fails on the timeout instead of stopping the suite).
    mock.transactions(("EKSIG1", "10"), ("EKSIG2", "10"))
    mock.add_fault(route="get_transaction", kind="delay", delay_ms=800, times=1)
    out = subprocess.run(
        [sys.executable, "-c", SIGNAL_HANDLER_SCRIPT, mock.base_url], capture_output=True, text=True, timeout=30
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "EKSIG1 ['EKSIG2']"


def test_every_error_kind_has_its_class() -> None:
    kinds = dict(_native.error_kinds())
    assert len(kinds) == 16
    for code, name in kinds.items():
        cls = getattr(enkash, name)
        assert issubclass(cls, enkash.EnkashError), name
    assert issubclass(enkash.InvalidRequestError, ValueError)
    assert issubclass(enkash.TimeoutError, TimeoutError)
    assert issubclass(enkash.NetworkError, ConnectionError)


@pytest.mark.parametrize(
    ("seed", "amount", "cls", "code", "status"),
    [
        ({"id": "EKE1", "amount": "10"}, "11", enkash.RefundExceedsAvailableError, "refund_exceeds_available", 400),
        ({"id": "EKE1", "amount": "10", "status": "FAILED"}, "1", enkash.TransactionNotRefundableError, "transaction_not_refundable", 400),
        ({"id": "EKE1", "amount": "10", "beneficiary_frozen": True}, "1", enkash.BeneficiaryAccountError, "beneficiary_account", 400),
        ({"id": "EKOTHER", "amount": "10"}, "1", enkash.NotFoundError, "not_found", 404),
    ],
)
def test_refusals_arrive_as_their_class_with_attributes(
    mock: Mock, seed: dict[str, object], amount: str, cls: type, code: str, status: int
) -> None:
    mock.seed({"transactions": [seed]})
    client = make_client(mock)
    with pytest.raises(cls) as info:
        client.refund("EKE1", amount, request_id="ERR-1")
    e = info.value
    assert isinstance(e, enkash.EnkashError)
    assert e.code == code
    assert e.http_status == status
    assert e.request_id == "ERR-1"
    assert e.retryable is False
    assert isinstance(e.response_code, int)


def test_transport_errors_arrive_as_their_class(mock: Mock) -> None:
    mock.seed({"merchants": [{"access_key": "ak_test", "secret_key": "sk_test", "balance": "5"}],
               "transactions": [{"id": "EKE2", "amount": "100"}]})
    client = make_client(mock, max_retries=1)
    with pytest.raises(enkash.InsufficientBalanceError):
        client.refund("EKE2", "6")
    mock.add_fault(route="get_transaction", kind="rate_limit", retry_after_secs=0, times=5)
    with pytest.raises(enkash.RateLimitError) as rl:
        client.get_transaction("EKE2")
    assert rl.value.retryable and rl.value.retry_after == 0.0 and rl.value.http_status == 429
    mock.clear_faults()
    mock.add_fault(route="get_transaction", kind="http_status", status=503, times=5)
    with pytest.raises(enkash.ApiError) as api:
        client.get_transaction("EKE2")
    assert api.value.http_status == 503 and api.value.retryable
    mock.clear_faults()
    mock.add_fault(route="get_transaction", kind="delay", delay_ms=2000, times=5)
    slow = make_client(mock, request_timeout=0.2, timeout=0.5)
    with pytest.raises(enkash.TimeoutError) as to:
        slow.get_transaction("EKE2")
    assert to.value.retryable
    bad = make_client(mock, secret_key="wrong")
    with pytest.raises(enkash.AuthenticationError) as auth:
        bad.check_token()
    assert auth.value.http_status == 401
    refused = enkash.Client("ak", "sk", base_url="http://127.0.0.1:1", max_retries=0)
    with pytest.raises(enkash.NetworkError) as net:
        refused.get_transaction("EK1")
    assert isinstance(net.value.__cause__, RuntimeError), "the Rust cause is chained"
    mock.clear_faults()
    mock.add_fault(route="refund", kind="reset_after_commit", times=1)
    only_docs = make_client(mock, refund_lookup="transaction_status_only")
    with pytest.raises(enkash.OutcomeUnknownError) as ou:
        only_docs.refund("EKE2", "1", request_id="OU-PY")
    assert ou.value.request_id == "OU-PY"
    mock.clear_faults()
    mock.add_fault(route="get_transaction", kind="malformed_body", times=5)
    with pytest.raises(enkash.DecodeError):
        client.get_transaction("EKE2")


def test_context_manager_and_close(mock: Mock) -> None:
    mock.transactions(("EKCM", "10"))
    with make_client(mock) as client:
        assert client.get_transaction("EKCM").status == "SUCCESS"
    assert client.closed
    with pytest.raises(enkash.UsageError):
        client.get_transaction("EKCM")


def test_results_are_immutable_and_exact(mock: Mock) -> None:
    mock.transactions(("EKIM", "250.75"))
    client = make_client(mock)
    r = client.refund("EKIM", Decimal("100.50"), request_id="IM-1", remarks="x")
    assert r.amount == Decimal("100.5") and isinstance(r.amount, Decimal)
    with pytest.raises(AttributeError):
        r.amount = Decimal("1")  # type: ignore[misc]
    assert r.to_dict()["request_id"] == "IM-1"
    assert "IM-1" in repr(r)
    t = client.get_transaction("EKIM")
    assert t.amount == Decimal("250.75")
    assert t.status == "PARTIALLY_REFUNDED"
    assert mock.journal()["requests"][-2]["amount"] == "100.5"
    assert client.find_refund("EKIM", "IM-1") is not None
    assert client.find_refund("EKIM", "NOPE") is None
    assert client.wait_for_refund("EKIM", "IM-1", timeout=5).status == "succeeded"


def test_from_env(mock: Mock, monkeypatch: pytest.MonkeyPatch) -> None:
    mock.transactions(("EKENV", "10"))
    monkeypatch.setenv("ENKASH_ACCESS_KEY", "ak_test")
    monkeypatch.setenv("ENKASH_SECRET_KEY", "sk_test")
    monkeypatch.setenv("ENKASH_BASE_URL", mock.base_url)
    client = enkash.Client.from_env(max_retries=0)
    assert client.get_transaction("EKENV").transaction_id == "EKENV"
    with pytest.raises(TypeError):
        enkash.Client.from_env(not_an_option=1)  # type: ignore[call-arg]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_client_keeps_working_in_a_forked_child(mock: Mock) -> None:
    mock.transactions(("EKFORK", "100"))
    client = make_client(mock)
    client.refund("EKFORK", "1", request_id="FORK-PARENT")
    before = len(mock.journal()["requests"])
    pid = os.fork()
    if pid == 0:  # child
        code = 1
        try:
            r = client.refund("EKFORK", "2", request_id="FORK-CHILD")
            code = 0 if r.amount == Decimal("2") else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    in_child = mock.journal()["requests"][before:]
    assert client.get_transaction("EKFORK").status == "PARTIALLY_REFUNDED"
    journal = mock.journal()
    ids = sorted(r["request_id"] for r in journal["refunds"])
    assert ids == ["FORK-CHILD", "FORK-PARENT"]
    # The child wrote only on connections of its own, never on one the parent holds.
    in_parent = journal["requests"][:before] + journal["requests"][before + len(in_child) :]
    child_connections = {r["connection"] for r in in_child}
    assert in_child and not child_connections & {r["connection"] for r in in_parent}, journal["requests"]


def test_calls_in_a_row_share_one_kept_alive_connection(mock: Mock) -> None:
    mock.transactions(("EKKEEP", "100"))
    client = make_client(mock)
    before = len(mock.journal()["requests"])
    for i in range(20):
        client.refund("EKKEEP", "1", request_id=f"KEEP-{i}")
        client.get_transaction("EKKEEP")
    mine = mock.journal()["requests"][before:]
    assert [r["route"] for r in mine if r["route"] != "token"] == ["refund", "get_transaction"] * 20
    assert len({r["connection"] for r in mine}) == 1, mine


def test_a_panic_in_the_core_is_an_enkash_error_and_the_process_survives() -> None:
    with pytest.raises(enkash.InternalError):
        _native._trigger_internal_panic()
    assert enkash.Client("a", "b").base_url.startswith("https://")
