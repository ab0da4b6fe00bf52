"""A server that closes kept-alive connections after a short idle time (as real ones do after their
keep-alive timeout): the next call opens a new connection instead of sending on the closed one,
so a refund after an idle pause is sent once and needs no look-up."""

from __future__ import annotations

import subprocess
import time
from typing import Iterator

import pytest

from .conftest import Mock, make_client, mock_binary


@pytest.fixture()
def idle_closing_mock() -> Iterator[Mock]:
    proc = subprocess.Popen(
        [mock_binary(), "--listen", "127.0.0.1:0", "--idle-timeout-ms", "100"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), url
    m = Mock(url)
    m.seed({})
    yield m
    proc.terminate()
    proc.wait(timeout=10)


def test_calls_after_the_server_closed_an_idle_connection_are_sent_once(idle_closing_mock: Mock) -> None:
    mock = idle_closing_mock
    mock.transactions(("EKIDLE", "100"))
    client = make_client(mock)
    for i in range(3):
        refund = client.refund("EKIDLE", "1", request_id=f"IDLE-{i}")
        assert refund.request_id == f"IDLE-{i}"
        time.sleep(0.4)  # the server closes the idle connection meanwhile
        assert client.get_transaction("EKIDLE").transaction_id == "EKIDLE"
        time.sleep(0.4)
    journal = mock.journal()
    calls = [r for r in journal["requests"] if r["route"] != "token"]
    assert len({r["connection"] for r in calls}) == len(calls) == 6, "each call after a pause on a new connection"
    counts = journal["counts"]
    assert counts.get("refund") == 3, counts
    assert counts.get("refund_enquiry") is None, "no refund was left ambiguous by a closed connection"
    assert counts.get("get_transaction") == 3, counts
