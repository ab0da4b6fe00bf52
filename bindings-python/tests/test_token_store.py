"""A fleet of processes sharing one token in a real Redis (``token_store_url``).

The test script starts ``redis-server`` on loopback and sets ``ENKASH_REDIS_URL``.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import enkash

from .conftest import Mock, make_client

REDIS = os.environ.get("ENKASH_REDIS_URL")

# Each worker is its own process with its own Redis connection, as in a fleet.
WORKER = """
import sys, enkash
with enkash.Client("ak_test", "sk_test", base_url=sys.argv[1], token_store_url=sys.argv[2]) as c:
    for _ in range(3):
        c.get_transaction("EKPYREDIS1")
"""


def test_a_store_url_is_checked_and_never_printed(mock: Mock) -> None:
    with pytest.raises(enkash.InvalidRequestError) as e:
        make_client(mock, token_store_url="memcached://cache:11211")
    assert e.value.field == "token_store_url"
    with make_client(mock, token_store_url="redis://:hunter2@127.0.0.1:1/0") as c:
        assert "hunter2" not in repr(c)


@pytest.mark.skipif(REDIS is None and "CI" not in os.environ, reason="ENKASH_REDIS_URL is not set")
def test_processes_sharing_redis_make_one_token_call(mock: Mock) -> None:
    assert REDIS, "CI must set ENKASH_REDIS_URL (scripts/test-all.sh starts redis-server)"
    mock.transactions(("EKPYREDIS1", "100"))
    mock.configure(token_mode="single_active")
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, mock.base_url, REDIS], stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    for w in workers:
        _, err = w.communicate(timeout=60)
        assert w.returncode == 0, err
    assert mock.count("token") == 1, "four processes, one Redis, one token call"
    assert mock.count("get_transaction") == 12


def test_a_store_that_cannot_be_reached_is_bypassed(mock: Mock) -> None:
    mock.transactions(("EKPYREDIS2", "100"))
    with make_client(mock, token_store_url="redis://127.0.0.1:1/0") as c:
        assert c.get_transaction("EKPYREDIS2").transaction_id == "EKPYREDIS2"
    assert mock.count("token") == 1
