"""Python side of the benchmark: enkash.Client / AsyncClient against what users would write instead.

One "op" = refund 0.01 of a payment (POST, new requestId) + read its status (GET), with a token
fetched once. Prints one JSON object per measurement. Usage: py_bench.py BASE_URL OPS
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Awaitable, Callable

import aiohttp
import httpx
import requests

import enkash

BASE, OPS = sys.argv[1], int(sys.argv[2])
TXNS = [f"EKBENCH{i:03d}" for i in range(64)]


def emit(name: str, ops: int, concurrency: int, secs: float) -> None:
    print(json.dumps({"name": name, "ops": ops, "concurrency": concurrency, "secs": secs, "ops_per_s": ops / secs}), flush=True)


def token() -> str:
    r = requests.post(f"{BASE}/api/v0/merchant/token", json={"accessKey": "ak_test", "secretKey": "sk_test"})
    return str(r.json()["token"])


def headers(tok: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tok}", "merchantAccessKey": "ak_test", "Content-Type": "application/json"}


def body() -> str:
    return json.dumps({"amount": 0.01, "requestId": uuid.uuid4().hex, "remarks": "bench"})


def check(payload: Any) -> None:
    if payload["response_code"] != 0:
        raise RuntimeError(payload)


def sync_case(name: str, threads: int, op: Callable[[int], None]) -> None:
    per = OPS // threads
    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda w: [op(w * per + i) for i in range(per)], range(threads)))
    emit(name, per * threads, threads, time.perf_counter() - start)


async def in_flight(n: int, op: Callable[[int], Awaitable[None]]) -> float:
    nxt = 0

    async def worker() -> None:
        nonlocal nxt
        while nxt < OPS:
            i = nxt
            nxt += 1
            await op(i)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(n)))
    return time.perf_counter() - start


def main() -> None:
    tok = token()
    sdk = enkash.Client(access_key="ak_test", secret_key="sk_test", base_url=BASE)
    sdk.check_token()

    def sdk_op(i: int) -> None:
        t = TXNS[i % 64]
        sdk.refund(t, "0.01", remarks="bench")
        sdk.get_transaction(t)

    session = requests.Session()

    def requests_op(i: int) -> None:
        t = TXNS[i % 64]
        check(session.post(f"{BASE}/api/v0/payment/{t}/refund", data=body(), headers=headers(tok)).json())
        check(session.get(f"{BASE}/api/v0/payment/{t}", headers=headers(tok)).json())

    hx = httpx.Client(limits=httpx.Limits(max_connections=64))

    def httpx_op(i: int) -> None:
        t = TXNS[i % 64]
        check(hx.post(f"{BASE}/api/v0/payment/{t}/refund", content=body(), headers=headers(tok)).json())
        check(hx.get(f"{BASE}/api/v0/payment/{t}", headers=headers(tok)).json())

    for threads in (1, 16):
        sync_case(f"python_sync_enkash_{threads}t", threads, sdk_op)
        sync_case(f"python_sync_requests_{threads}t", threads, requests_op)
        sync_case(f"python_sync_httpx_{threads}t", threads, httpx_op)

    async def async_cases() -> None:
        async with enkash.AsyncClient(access_key="ak_test", secret_key="sk_test", base_url=BASE) as c:
            await c.check_token()

            async def op(i: int) -> None:
                t = TXNS[i % 64]
                await c.refund(t, "0.01", remarks="bench")
                await c.get_transaction(t)

            emit("python_async_enkash_64", OPS, 64, await in_flight(64, op))
        async with httpx.AsyncClient(limits=httpx.Limits(max_connections=64)) as ax:
            async def hop(i: int) -> None:
                t = TXNS[i % 64]
                check((await ax.post(f"{BASE}/api/v0/payment/{t}/refund", content=body(), headers=headers(tok))).json())
                check((await ax.get(f"{BASE}/api/v0/payment/{t}", headers=headers(tok))).json())

            emit("python_async_httpx_64", OPS, 64, await in_flight(64, hop))
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as ah:
            async def aop(i: int) -> None:
                t = TXNS[i % 64]
                async with ah.post(f"{BASE}/api/v0/payment/{t}/refund", data=body(), headers=headers(tok)) as r:
                    check(await r.json())
                async with ah.get(f"{BASE}/api/v0/payment/{t}", headers=headers(tok)) as r:
                    check(await r.json())

            emit("python_async_aiohttp_64", OPS, 64, await in_flight(64, aop))

    asyncio.run(async_cases())


if __name__ == "__main__":
    main()
