"""Python side of the benchmark: enkash.Client / AsyncClient against what users would write instead:
requests and httpx (the common choices), aiohttp (the fast asyncio client), and the Rust-backed
pyreqwest and primp — each used the way its documentation recommends for speed (one client,
keep-alive pool sized to the concurrency, redirects and cookies off where they can be).

One "op" = refund 0.01 of a payment (POST, new requestId) + read its status (GET), with a token
fetched once. Prints one JSON object per measurement. Usage: py_bench.py BASE_URL OPS
(BENCH_ROUNDS=5: each measurement's OPS run in that many slices, interleaved with its peers').
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Awaitable, Callable, Iterator, TypeVar

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
# Interleaved slices per measurement (see sync_cases).
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
TXNS = [f"EKBENCH{i:03d}" for i in range(64)]


def emit(name: str, ops: int, concurrency: int, secs: float) -> None:
    print(json.dumps({"name": name, "ops": ops, "concurrency": concurrency, "rounds": ROUNDS, "secs": secs,
                      "ops_per_s": ops / secs}), flush=True)


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


def check_sdk(refund: enkash.Refund, txn: enkash.Transaction) -> None:
    """What a caller reads of the SDK's answers, as `check` reads the peers' JSON (the SDK's result
    attributes become Python objects when read, so the op pays for the ones it looks at)."""
    if refund.status != "succeeded" or not txn.status:
        raise RuntimeError((refund, txn))


T = TypeVar("T")


def turns(cases: list[T]) -> Iterator[T]:
    """The cases in ROUNDS rounds, each round starting one case later than the one before."""
    for r in range(ROUNDS):
        k = r % len(cases)
        yield from cases[k:] + cases[:k]


def sync_cases(threads: int, cases: list[tuple[str, Callable[[int], None]]]) -> None:
    """Every case on the same thread pool, in ROUNDS interleaved slices of OPS // ROUNDS ops, the
    order rotated each round: the machine's state drifts within seconds here, and a case measured
    whole and always first would also meet the simulator with the shortest journal."""
    with ThreadPoolExecutor(threads) as pool:
        # Warm-up, untimed: every peer opens its connections before the clock starts.
        for _, op in cases:
            list(pool.map(op, range(min(OPS, WARMUP))))
        per = max(1, OPS // ROUNDS // threads)
        secs = dict.fromkeys((name for name, _ in cases), 0.0)
        for name, op in turns(cases):
            def worker(w: int, op: Callable[[int], None] = op) -> None:
                for i in range(per):
                    op(w * per + i)

            start = time.perf_counter()
            list(pool.map(worker, range(threads)))
            secs[name] += time.perf_counter() - start
        for name, _ in cases:
            emit(name, per * threads * ROUNDS, threads, secs[name])


async def in_flight_cases(n: int, cases: list[tuple[str, Callable[[int], Awaitable[None]]]]) -> None:
    """As sync_cases, with n operations in flight on one event loop."""
    async def run(total: int, op: Callable[[int], Awaitable[None]]) -> None:
        nxt = 0

        async def worker() -> None:
            nonlocal nxt
            while nxt < total:
                i = nxt
                nxt += 1
                await op(i)

        await asyncio.gather(*(worker() for _ in range(n)))

    for _, op in cases:
        await run(min(OPS, WARMUP), op)  # warm-up, untimed: connections open before the clock starts
    per = max(1, OPS // ROUNDS)
    secs = dict.fromkeys((name for name, _ in cases), 0.0)
    for name, op in turns(cases):
        start = time.perf_counter()
        await run(per, op)
        secs[name] += time.perf_counter() - start
    for name, _ in cases:
        emit(name, per * ROUNDS, n, secs[name])


def main() -> None:
    tok = token()
    sdk = enkash.Client(access_key="ak_test", secret_key="sk_test", base_url=BASE)
    sdk.check_token()

    def sdk_op(i: int) -> None:
        t = TXNS[i % 64]
        check_sdk(sdk.refund(t, "0.01", remarks="bench"), sdk.get_transaction(t))

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
        sync_cases(threads, [(f"python_sync_{peer}_{threads}t", op) for peer, op in [("enkash", sdk_op), *peers]])

    async def async_cases() -> None:
        async with contextlib.AsyncExitStack() as stack:
            c = await stack.enter_async_context(enkash.AsyncClient(access_key="ak_test", secret_key="sk_test", base_url=BASE))
            await c.check_token()

            async def op(i: int) -> None:
                t = TXNS[i % 64]
                r = await c.refund(t, "0.01", remarks="bench")
                check_sdk(r, await c.get_transaction(t))

            ax = await stack.enter_async_context(httpx.AsyncClient(limits=httpx.Limits(max_connections=64)))

            async def hop(i: int) -> None:
                t = TXNS[i % 64]
                check((await ax.post(f"{BASE}/api/v0/payment/{t}/refund", content=body(), headers=headers(tok))).json())
                check((await ax.get(f"{BASE}/api/v0/payment/{t}", headers=headers(tok))).json())

            ah = await stack.enter_async_context(aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)))

            async def aop(i: int) -> None:
                t = TXNS[i % 64]
                async with ah.post(f"{BASE}/api/v0/payment/{t}/refund", data=body(), headers=headers(tok)) as r:
                    check(await r.json())
                async with ah.get(f"{BASE}/api/v0/payment/{t}", headers=headers(tok)) as r:
                    check(await r.json())

            cases: list[tuple[str, Callable[[int], Awaitable[None]]]] = [
                ("python_async_enkash_64", op), ("python_async_httpx_64", hop), ("python_async_aiohttp_64", aop)]
            if primp is not None:
                pr = await stack.enter_async_context(PyreqwestBuilder().max_connections(64).default_headers(headers(tok)).build())

                async def prop(i: int) -> None:
                    t = TXNS[i % 64]
                    r = await pr.post(f"{BASE}/api/v0/payment/{t}/refund").body_text(body()).build().send()
                    check(await r.json())
                    r = await pr.get(f"{BASE}/api/v0/payment/{t}").build().send()
                    check(await r.json())

                pa = primp.AsyncClient(headers=headers(tok), cookie_store=False, follow_redirects=False)

                async def pmop(i: int) -> None:
                    t = TXNS[i % 64]
                    check((await pa.post(f"{BASE}/api/v0/payment/{t}/refund", content=body().encode())).json())
                    check((await pa.get(f"{BASE}/api/v0/payment/{t}")).json())

                cases += [("python_async_pyreqwest_64", prop), ("python_async_primp_64", pmop)]
            await in_flight_cases(64, cases)

    asyncio.run(async_cases())


if __name__ == "__main__":
    main()
