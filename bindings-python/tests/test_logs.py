"""The SDK's records reach `logging.getLogger("enkash")`; a program that never imports `logging`
(or `threading`) does not pay for importing it (each case runs in a fresh interpreter: pytest
imports both)."""

from __future__ import annotations

import subprocess
import sys

from .conftest import Mock

SCRIPT = r"""
import sys
import enkash
client = enkash.Client(access_key="ak_test", secret_key="sk_test", base_url=sys.argv[1])
if sys.argv[2] == "configure-after-client":
    import logging
    logging.basicConfig(level=logging.WARNING, stream=sys.stdout, format="%(name)s %(levelname)s %(message)s")
print("status", client.get_transaction("EKLOG").status)
print("logging loaded:", "logging" in sys.modules)
print("threading loaded:", "threading" in sys.modules)
"""


def run(mock: Mock, mode: str) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, mock.base_url, mode], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "status " in out.stdout
    return out


def test_a_program_without_logging_or_threading_does_not_import_them(mock: Mock) -> None:
    mock.transactions(("EKLOG", "10"))
    out = run(mock, "plain")
    assert "logging loaded: False" in out.stdout, out.stdout
    assert "threading loaded: False" in out.stdout, out.stdout
    assert out.stderr == ""


def rate_limited_once(mock: Mock) -> None:
    """The status read is answered 429 once: the retry logs a WARNING record."""
    mock.transactions(("EKLOG", "10"))
    mock.add_fault(route="get_transaction", kind="rate_limit", retry_after_secs=0, times=1)


def test_a_warning_imports_logging_and_prints_nothing_unconfigured(mock: Mock) -> None:
    rate_limited_once(mock)
    out = run(mock, "plain")
    assert mock.count("get_transaction") == 2, "the call was retried once (a WARNING record)"
    assert "logging loaded: True" in out.stdout, out.stdout
    # The "enkash" logger has its NullHandler: logging's last-resort handler printed nothing.
    assert out.stderr == ""


def test_a_handler_configured_after_the_client_gets_its_warnings(mock: Mock) -> None:
    rate_limited_once(mock)
    out = run(mock, "configure-after-client")
    assert "enkash" in out.stdout and "WARNING" in out.stdout and "retrying" in out.stdout, out.stdout
    assert "ak_test" not in out.stdout and "sk_test" not in out.stdout
