"""The shared scenario manifest (tests/scenarios/*.json), run through the Python binding."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import pytest

import enkash

from .conftest import SCENARIOS, Mock, make_client

FILES = sorted(SCENARIOS.glob("*.json"))


def result_dict(value: Any) -> dict[str, Any]:
    d: dict[str, Any] = value.to_dict()
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in d.items()}


def error_dict(e: enkash.EnkashError) -> dict[str, Any]:
    return {
        "code": e.code,
        "field": e.field,
        "request_id": e.request_id,
        "retryable": e.retryable,
        "http_status": e.http_status,
    }


def call(client: enkash.Client, name: str, args: dict[str, Any]) -> Any:
    if name == "refund":
        return client.refund(
            args["transaction_id"],
            args["amount"],
            request_id=args.get("request_id"),
            remarks=args.get("remarks"),
        )
    if name == "get_refund":
        return client.get_refund(
            args["transaction_id"], args["request_id"], refund_transaction_id=args.get("refund_transaction_id")
        )
    if name == "wait_for_refund":
        return client.wait_for_refund(
            args["transaction_id"],
            args["request_id"],
            refund_transaction_id=args.get("refund_transaction_id"),
            timeout=args.get("timeout_ms", 10_000) / 1000,
        )
    if name == "get_transaction":
        return client.get_transaction(args["transaction_id"])
    if name == "issue_token":
        return client.issue_token()
    if name == "get_order":
        return client.get_order(args["order_id"])
    if name == "parse_payment_notification":
        return enkash.parse_payment_notification(args["body"].encode())
    raise AssertionError(f"unknown call {name}")


def same(key: str, want: Any, got: Any) -> bool:
    if "amount" in key and isinstance(want, str) and isinstance(got, str):
        return Decimal(want) == Decimal(got)
    return bool(want == got)


def check(expected: dict[str, Any], actual: dict[str, Any], where: str) -> None:
    for key, want in expected.items():
        got = actual.get(key)
        assert same(key, want, got), f"{where}: {key}: expected {want!r}, got {got!r}"


def check_journal(journal: dict[str, Any], want: dict[str, Any]) -> None:
    per_request: dict[str, int] = {}
    for r in journal["refunds"]:
        per_request[r["request_id"]] = per_request.get(r["request_id"], 0) + 1
    assert all(n == 1 for n in per_request.values()), per_request
    if "refunds_applied" in want:
        assert len(journal["refunds"]) == want["refunds_applied"]
    for route, n in want.get("counts", {}).items():
        assert journal["counts"].get(route, 0) == n, f"journal count {route}"
    for rid, amount in want.get("refund_amounts", {}).items():
        applied = [r for r in journal["refunds"] if r["request_id"] == rid]
        assert len(applied) == 1 and Decimal(applied[0]["amount"]) == Decimal(amount), rid
    for text in want.get("user_agent_contains", []):
        for r in journal["requests"]:
            assert text in (r.get("user_agent") or ""), f"User-Agent of {r['route']} lacks {text!r}: {r.get('user_agent')!r}"
    for route, ids in want.get("request_ids_sent", {}).items():
        assert [r["request_id"] for r in journal["requests"] if r["route"] == route] == ids


def backend_down() -> enkash.IssuedToken:
    raise ConnectionError("backend unreachable")


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario(path: Path, mock: Mock) -> None:
    sc = json.loads(path.read_text())
    mock.seed(sc["seed"])
    opts: dict[str, Any] = {}
    c = sc.get("client", {})
    if "max_retries" in c:
        opts["max_retries"] = c["max_retries"]
    if "secret_key" in c:
        opts["secret_key"] = c["secret_key"]
    if "refund_lookup" in c:
        opts["refund_lookup"] = c["refund_lookup"]
    for key in ("environment", "user_agent_suffix"):
        if key in c:
            opts[key] = c[key]
    if "gateway_dedupes_request_id" in c:
        opts["gateway_dedupes_request_id"] = c["gateway_dedupes_request_id"]
    backend = make_client(mock)
    if c.get("token_source") == "provider":
        # The app holds no secret key: its tokens come from the merchant's backend.
        opts["secret_key"] = None
        opts["token_provider"] = backend_down if c.get("provider") == "fails" else backend.issue_token
    with backend, make_client(mock, **opts) as client:
        for i, step in enumerate(sc["steps"]):
            if "wait_ms" in step:
                time.sleep(step["wait_ms"] / 1000)
                continue
            if step.get("admin") == "expire_tokens":
                mock.expire_tokens()
                continue
            where = f"step {i} ({step['call']})"
            result: Optional[Any] = None
            error: Optional[enkash.EnkashError] = None
            try:
                result = call(client, step["call"], step["args"])
            except enkash.EnkashError as e:
                error = e
            expect: dict[str, Any] = step["expect"]
            if "ok" in expect:
                assert error is None, f"{where}: expected success, got {error!r}"
                check(expect["ok"], result_dict(result), where)
            else:
                assert error is not None, f"{where}: expected an error, got {result!r}"
                check(expect["error"], error_dict(error), where)
    check_journal(mock.journal(), sc["journal"])


def test_the_manifest_is_complete() -> None:
    assert len(FILES) >= 20
