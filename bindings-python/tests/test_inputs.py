"""Bad input: a clear InvalidRequestError or TypeError, and nothing reaches the simulator."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Union

import pytest

import enkash

from .conftest import Mock, make_client

BAD_AMOUNTS: list[tuple[Any, type]] = [
    (1.5, TypeError),
    (0.1 + 0.2, TypeError),
    (float("nan"), TypeError),
    (True, TypeError),
    (None, TypeError),
    ([1], TypeError),
    (b"10", TypeError),
    (Decimal("NaN"), enkash.InvalidRequestError),
    (Decimal("Infinity"), enkash.InvalidRequestError),
    (Decimal("-1"), enkash.InvalidRequestError),
    (Decimal("0"), enkash.InvalidRequestError),
    (Decimal("1.005"), enkash.InvalidRequestError),
    (Decimal("1E-3"), enkash.InvalidRequestError),
    (-5, enkash.InvalidRequestError),
    (0, enkash.InvalidRequestError),
    (10**12, enkash.InvalidRequestError),
    ("", enkash.InvalidRequestError),
    ("1.005", enkash.InvalidRequestError),
    ("abc", enkash.InvalidRequestError),
    ("1e3", enkash.InvalidRequestError),
    ("9" * 10_000, enkash.InvalidRequestError),
]

BAD_IDS: list[tuple[Any, type]] = [
    ("", enkash.InvalidRequestError),
    (" EK1", enkash.InvalidRequestError),
    ("EK/1", enkash.InvalidRequestError),
    ("E" * 100_000, enkash.InvalidRequestError),
    (None, TypeError),
    (123, TypeError),
    (b"EK1", TypeError),
]


@pytest.mark.parametrize(("amount", "exc"), BAD_AMOUNTS, ids=[repr(a)[:20] for a, _ in BAD_AMOUNTS])
def test_bad_amounts_are_refused_and_nothing_is_sent(mock: Mock, amount: Any, exc: type) -> None:
    mock.transactions(("EKIN", "100"))
    client = make_client(mock)
    with pytest.raises(exc) as info:
        client.refund("EKIN", amount)
    if isinstance(info.value, enkash.InvalidRequestError):
        assert info.value.field == "amount"
    else:
        assert "amount" in str(info.value) or "argument" in str(info.value)
    assert mock.journal()["requests"] == []


@pytest.mark.parametrize(("tid", "exc"), BAD_IDS, ids=[repr(t)[:20] for t, _ in BAD_IDS])
def test_bad_transaction_ids_are_refused_and_nothing_is_sent(mock: Mock, tid: Any, exc: type) -> None:
    client = make_client(mock)
    with pytest.raises(exc):
        client.refund(tid, "10")
    with pytest.raises(exc):
        client.get_transaction(tid)
    assert mock.journal()["requests"] == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"request_id": ""}, "request_id"),
        ({"request_id": "has space"}, "request_id"),
        ({"request_id": "R" * 65}, "request_id"),
        ({"remarks": "x" * 256}, "remarks"),
        ({"remarks": "bad\x00"}, "remarks"),
        ({"reconcile_first": True}, "request_id"),
    ],
)
def test_bad_options_are_refused_and_nothing_is_sent(mock: Mock, kwargs: dict[str, Any], field: str) -> None:
    client = make_client(mock)
    with pytest.raises(enkash.InvalidRequestError) as info:
        client.refund("EKIN", "10", **kwargs)
    assert info.value.field == field
    assert mock.journal()["requests"] == []


@pytest.mark.parametrize(
    ("kwargs", "exc"),
    [
        ({"base_url": "http://example.com"}, enkash.InvalidRequestError),
        ({"environment": "staging"}, enkash.InvalidRequestError),
        ({"timeout": -1}, enkash.InvalidRequestError),
        ({"timeout": float("inf")}, enkash.InvalidRequestError),
        ({"max_retries": 99}, enkash.InvalidRequestError),
        ({"refund_lookup": "guess"}, enkash.InvalidRequestError),
        ({"bogus": 1}, TypeError),
    ],
)
def test_bad_configuration_is_refused(kwargs: dict[str, Any], exc: type) -> None:
    with pytest.raises(exc):
        enkash.Client("ak", "sk", **kwargs)


def test_accepted_amount_forms_go_on_the_wire_exactly(mock: Mock) -> None:
    mock.transactions(("EKOKAMT", "100000"))
    client = make_client(mock)
    cases: list[tuple[Union[Decimal, int, str], str]] = [
        (Decimal("100.50"), "100.5"),
        (7, "7"),
        ("0.07", "0.07"),
        (Decimal("1E+2"), "100"),
    ]
    for value, wire in cases:
        client.refund("EKOKAMT", value)
        assert mock.journal()["requests"][-1]["amount"] == wire, value
