"""Python side of the benchmark: enkash.Client / AsyncClient against what users would write instead:
requests and httpx (the common choices), aiohttp (the fast asyncio client), and the Rust-backed
pyreqwest and primp — each used the way its documentation recommends for speed (one client,
keep-alive pool sized to the concurrency, redirects and cookies off where they can be).

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

try:  # Rust-backed peers: wheels for CPython >= 3.11 (pyreqwest) / 3.10 (primp)
    import primp
    from pyreqwest.client import ClientBuilder as PyreqwestBuilder
    from pyreqwest.client import SyncClientBuilder as PyreqwestSyncBuilder
except ImportError:  # pragma: no cover - older interpreters: those rows are left out
    primp = None

BASE, OPS = sys.argv[1], int(sys.argv[2])
# Untimed operations before each measurement (connections opened, caches and JIT warm), for every peer alike.
WARMUP = 256
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
    with ThreadPoolExecutor(threads) as pool:
        # Warm-up, untimed: every peer opens its connections before the clock starts.
        list(pool.map(op, range(min(OPS, WARMUP))))
        per = OPS // threads
        start = time.perf_counter()
        list(pool.map(lambda w: [op(w * per + i) for i in range(per)], range(threads)))
        emit(name, per * threads, threads, time.perf_counter() - start)


async def in_flight(n: int, op: Callable[[int], Awaitable[None]]) -> float:
    async def run(total: int) -> None:
        nxt = 0

        async def worker() -> None:
            nonlocal nxt
            while nxt < total:
                i = nxt
                nxt += 1
                await op(i)

        await asyncio.gather(*(worker() for _ in range(n)))

    await run(min(OPS, WARMUP))  # warm-up, untimed: connections open before the clock starts
    start = time.perf_counter()
    await run(OPS)
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

    peers: list[tuple[str, Callable[[int], None]]] = [("requests", requests_op), ("httpx", httpx_op)]
    if primp is not None:
        prq = PyreqwestSyncBuilder().max_connections(64).default_headers(headers(tok)).build()

        def pyreqwest_op(i: int) -> None:
            t = TXNS[i % 64]
            check(prq.post(f"{BASE}/api/v0/payment/{t}/refund").body_text(body()).build().send().json())
            check(prq.get(f"{BASE}/api/v0/payment/{t}").build().send().json())

        pm = primp.Client(headers=headers(tok), cookie_store=False, follow_redirects=False)

        def primp_op(i: int) -> None:
            t = TXNS[i % 64]
            check(pm.post(f"{BASE}/api/v0/payment/{t}/refund", content=body().encode()).json())
            check(pm.get(f"{BASE}/api/v0/payment/{t}").json())

        peers += [("pyreqwest", pyreqwest_op), ("primp", primp_op)]

    for threads in (1, 16):
        sync_case(f"python_sync_enkash_{threads}t", threads, sdk_op)
        for peer, op in peers:
            sync_case(f"python_sync_{peer}_{threads}t", threads, op)

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
        if primp is None:
            return
        async with PyreqwestBuilder().max_connections(64).default_headers(headers(tok)).build() as pr:
            async def prop(i: int) -> None:
                t = TXNS[i % 64]
                r = await pr.post(f"{BASE}/api/v0/payment/{t}/refund").body_text(body()).build().send()
                check(await r.json())
                r = await pr.get(f"{BASE}/api/v0/payment/{t}").build().send()
                check(await r.json())

            emit("python_async_pyreqwest_64", OPS, 64, await in_flight(64, prop))
        pa = primp.AsyncClient(headers=headers(tok), cookie_store=False, follow_redirects=False)

        async def pmop(i: int) -> None:
            t = TXNS[i % 64]
            check((await pa.post(f"{BASE}/api/v0/payment/{t}/refund", content=body().encode())).json())
            check((await pa.get(f"{BASE}/api/v0/payment/{t}")).json())

        emit("python_async_primp_64", OPS, 64, await in_flight(64, pmop))

    asyncio.run(async_cases())


if __name__ == "__main__":
    main()
