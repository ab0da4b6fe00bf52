"""The host process exits cleanly: no abort when the interpreter finalizes with the SDK in use."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import Mock

SCRIPT = r"""
import asyncio, logging, sys, threading
import enkash
logging.basicConfig(level=logging.DEBUG if sys.argv[2] == "debug" else logging.WARNING)
c = enkash.Client(access_key="ak_test", secret_key="sk_test", base_url=sys.argv[1], max_retries=0)
for _ in range(5):
    c.get_transaction("EKEXIT")          # leaves pooled keep-alive connections behind
async def main():
    a = enkash.AsyncClient(access_key="ak_test", secret_key="sk_test", base_url=sys.argv[1])
    await asyncio.gather(*(a.get_transaction("EKEXIT") for _ in range(8)))
    # a request still in flight when the loop and the interpreter go away
    asyncio.ensure_future(a.get_transaction("EKEXIT"))
asyncio.run(main())
threading.Thread(target=lambda: c.get_transaction("EKEXIT"), daemon=True).start()
# exit without close(): finalization must not abort the process
"""


@pytest.mark.parametrize("level", ["debug", "warning"])
def test_interpreter_exit_never_aborts(mock: Mock, level: str) -> None:
    mock.transactions(("EKEXIT", "10"))
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", SCRIPT, mock.base_url, level], capture_output=True, text=True, timeout=60
        )
        assert out.returncode == 0, f"exit {out.returncode}: {out.stderr[-2000:]}"
