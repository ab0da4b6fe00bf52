"""Parity with the Rust core: every operation, option, record field and error field the core lists
(its surface) exists in the Python package, at run time and in the type stub."""

from __future__ import annotations

import ast
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import enkash
from enkash import _native

SURFACE: dict[str, Any] = json.loads(_native._surface())
STUB = ast.parse((Path(_native.__file__).parent / "_native.pyi").read_text())


def stub_class(name: str) -> ast.ClassDef:
    for node in STUB.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return node
    raise AssertionError(f"_native.pyi has no class {name}")


def stub_members(name: str) -> set[str]:
    members: set[str] = set()
    for node in stub_class(name).body:
        if isinstance(node, ast.FunctionDef):
            members.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            members.add(node.target.id)
    return members


def test_parity_operations_on_both_clients() -> None:
    for op in SURFACE["operations"]:
        for cls in (enkash.Client, enkash.AsyncClient):
            assert callable(getattr(cls, op, None)), f"{cls.__name__}.{op}"
            assert op in stub_members(cls.__name__), f"stub {cls.__name__}.{op}"
    for fn in SURFACE["functions"]:
        assert callable(getattr(enkash, fn, None)), fn


def test_parity_options_typed_in_stub() -> None:
    typed = stub_members("_ClientOptions") | stub_members("_EnvOptions")
    for spec in SURFACE["options"]:
        assert spec["name"] in typed, f"stub option {spec['name']}"
    with pytest.raises(TypeError, match="base_url"):
        enkash.Client("ak", "sk", no_such_option=1)  # type: ignore[call-arg]


@pytest.mark.parametrize("model", SURFACE["models"], ids=[m[0] for m in SURFACE["models"]])
def test_parity_record_fields(model: list[Any]) -> None:
    name, fields = model
    cls = getattr(enkash, name)
    members = stub_members(name)
    for f in fields:
        assert hasattr(cls, f), f"{name}.{f}"
        assert f in members, f"stub {name}.{f}"


def test_parity_error_fields_and_classes() -> None:
    with pytest.raises(enkash.InvalidRequestError) as info:
        enkash.Client("ak", "sk", base_url="ftp://x")
    for f in SURFACE["error_fields"]:
        assert hasattr(info.value, f), f"error.{f}"
        assert hasattr(enkash.EnkashError, f), f"EnkashError.{f} declared"
    assert info.value.name == "InvalidRequestError" and info.value.field == "base_url"
    for cls in SURFACE["error_classes"]:
        assert issubclass(getattr(enkash, cls), enkash.EnkashError), cls


def test_reprs_are_python_idiom() -> None:
    n = enkash.parse_payment_notification(b'{"transactionId":"EK1","amount":"1.005","paymentToken":"tok-xyz"}')
    text = repr(n)
    assert "transaction_id='EK1'" in text and "order_id=None" in text, text
    assert "amount=Decimal('1.005')" in text, text
    assert "Some(" not in text and "tok-xyz" not in text and "payment_token='***'" in text, text


def test_money_text_is_exact_both_ways() -> None:
    assert enkash.parse_amount("100.5") == Decimal("100.50")
    assert str(enkash.parse_amount("100.5")) == "100.50"
    with pytest.raises(enkash.InvalidRequestError):
        enkash.parse_amount("1.00000000000000000000000000001")
