"""Secrets never appear in repr, logs (at the most verbose level) or error messages."""

from __future__ import annotations

import io
import logging

import pytest

import enkash

from .conftest import Mock, make_client

ACCESS = "AK-py-live-5d1e9f"
SECRET = "SK-py-live-8c2a7b"


def test_secrets_do_not_leak_through_a_full_flow(mock: Mock) -> None:
    mock.seed({
        "merchants": [{"access_key": ACCESS, "secret_key": SECRET, "balance": "1000"}],
        "transactions": [{"id": "EKSEC", "amount": "100"}],
        "faults": [{"route": "refund", "kind": "reset_after_commit", "times": 1}],
    })
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.setLevel(logging.DEBUG)
    logger = logging.getLogger("enkash")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    seen: list[str] = []
    try:
        client = make_client(mock, access_key=ACCESS, secret_key=SECRET)
        seen.append(repr(client))
        r = client.refund("EKSEC", "10", request_id="SEC-PY")
        seen += [repr(r), str(r.to_dict())]
        mock.expire_tokens()
        seen.append(repr(client.get_transaction("EKSEC")))
        seen.append(repr(client.check_token()))
        for call in (lambda: client.refund("EKSEC", "1000"), lambda: client.get_order("NOPE")):
            with pytest.raises(enkash.EnkashError) as info:
                call()
            seen += [str(info.value), repr(info.value), repr(info.value.__cause__), repr(vars(info.value))]
        bad = make_client(mock, access_key=ACCESS, secret_key="SK-wrong-1234")
        with pytest.raises(enkash.AuthenticationError) as auth:
            bad.check_token()
        seen += [str(auth.value), repr(vars(auth.value))]
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    logs = buf.getvalue()
    assert "refund" in logs, "SDK logs reached the logging module"
    everything = "\n".join(seen) + logs
    for secret in (ACCESS, SECRET, "SK-wrong-1234"):
        assert secret not in everything
    assert "bearer " not in everything.lower()


def test_payment_token_is_hidden_in_repr() -> None:
    n = enkash.parse_payment_notification(b'{"transactionId":"EK1","paymentToken":"tok-secret-xyz","amount":1.5}')
    assert "tok-secret-xyz" not in repr(n)
    assert n.payment_token == "tok-secret-xyz"
    assert str(n.amount) == "1.50"  # the core's one money text: two decimals
    with pytest.raises(enkash.DecodeError):
        enkash.parse_payment_notification(b"\xff\xfe")


def test_the_enkash_logger_level_decides_what_the_core_emits(mock: Mock) -> None:
    mock.transactions(("EKLVL", "100"))
    logger = logging.getLogger("enkash")
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        logger.setLevel(logging.WARNING)
        make_client(mock).refund("EKLVL", "1", request_id="LVL-1")
        assert "sending refund" not in buf.getvalue()
        logger.setLevel(logging.DEBUG)  # read when the next client is made
        make_client(mock).refund("EKLVL", "1", request_id="LVL-2")
        assert "sending refund" in buf.getvalue()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
