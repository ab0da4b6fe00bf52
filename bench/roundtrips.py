"""N sequential refund + status round trips through enkash.Client (or AsyncClient with `async`),
printing nothing: bench/instructions.sh counts its instructions under callgrind. Each round trip
reads the two statuses, as a caller would.
Usage: roundtrips.py BASE_URL N [sync|async]"""

from __future__ import annotations

import asyncio
import sys

import enkash

BASE, N = sys.argv[1], int(sys.argv[2])
MODE = sys.argv[3] if len(sys.argv) > 3 else "sync"


def read(refund: enkash.Refund, txn: enkash.Transaction) -> None:
    if refund.status != "succeeded" or not txn.status:
        raise RuntimeError((refund, txn))


def sync_main() -> None:
    with enkash.Client(access_key="ak_test", secret_key="sk_test", base_url=BASE) as c:
        c.check_token()
        for i in range(N):
            t = f"EKBENCH{i % 64:03d}"
            read(c.refund(t, "0.01", remarks="bench"), c.get_transaction(t))


async def async_main() -> None:
    async with enkash.AsyncClient(access_key="ak_test", secret_key="sk_test", base_url=BASE) as c:
        await c.check_token()
        for i in range(N):
            t = f"EKBENCH{i % 64:03d}"
            r = await c.refund(t, "0.01", remarks="bench")
            read(r, await c.get_transaction(t))


if MODE == "async":
    asyncio.run(async_main())
else:
    sync_main()
