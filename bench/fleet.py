"""Fleet bench: N processes x T threads refunding for a while on a gateway that keeps ONE active
token per merchant (simulator personality ``token_mode=single_active``), with and without a
shared Redis token store. Reports token calls per expiry window and authentication failures.

    python bench/fleet.py MOCK_URL REDIS_URL [--processes 8] [--threads 16] [--seconds 60]
                          [--lifetime 10] [--out bench/results/fleet.md]

The simulator and redis-server must be running (bench/run.sh or scripts/test-all.sh start them).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import threading
import time
import urllib.request
from collections import Counter
from typing import Any, Optional

import enkash

TXNS = 64


def admin(base: str, method: str, path: str, body: Optional[Any] = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        text = r.read()
    return json.loads(text) if text else None


def worker(base: str, store: Optional[str], threads: int, seconds: float, skew: float, p: int, out: Any) -> None:
    options: dict[str, Any] = {"base_url": base, "token_refresh_skew": skew, "max_retries": 2}
    if store:
        options["token_store_url"] = store
    client = enkash.Client("ak_test", "sk_test", **options)
    errors: Counter[str] = Counter()
    done = [0] * threads
    stop_at = time.monotonic() + seconds

    def run(t: int) -> None:
        i = 0
        while time.monotonic() < stop_at:
            try:
                client.refund(f"EKFLEET{(p * threads + t) % TXNS}", "0.01", request_id=f"F{p}-{t}-{i}")
                done[t] += 1
            except enkash.EnkashError as e:
                errors[e.code] += 1
            i += 1

    pool = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    client.close()
    out.put((sum(done), dict(errors)))


def one_run(base: str, store: Optional[str], args: argparse.Namespace) -> dict[str, Any]:
    admin(base, "POST", "/__mock/seed", {
        "config": {"token_mode": "single_active", "token_lifetime_ms": int(args.lifetime * 1000)},
        "merchants": [{"access_key": "ak_test", "secret_key": "sk_test", "balance": "100000000000"}],
        "transactions": [{"id": f"EKFLEET{i}", "amount": "100000000"} for i in range(TXNS)],
    })
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [
        ctx.Process(target=worker, args=(base, store, args.threads, args.seconds, args.skew, p, out))
        for p in range(args.processes)
    ]
    started = time.monotonic()
    for pr in procs:
        pr.start()
    results = [out.get() for _ in procs]
    for pr in procs:
        pr.join()
    elapsed = time.monotonic() - started
    errors: Counter[str] = Counter()
    for _, e in results:
        errors.update(e)
    counts = admin(base, "GET", "/__mock/journal")["counts"]
    windows = args.seconds / args.lifetime
    return {
        "store": "redis" if store else "none",
        "refunds": sum(n for n, _ in results),
        "elapsed_s": round(elapsed, 1),
        "token_calls": counts.get("token", 0),
        "token_calls_per_window": round(counts.get("token", 0) / windows, 2),
        "auth_failures": errors.get("authentication", 0),
        "other_errors": {k: v for k, v in errors.items() if k != "authentication"},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mock")
    ap.add_argument("redis")
    ap.add_argument("--processes", type=int, default=8)
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--lifetime", type=float, default=10, help="token lifetime the gateway gives, seconds")
    ap.add_argument("--skew", type=float, default=1, help="the clients' token_refresh_skew, seconds")
    ap.add_argument("--out")
    args = ap.parse_args()
    rows = [one_run(args.mock, args.redis, args), one_run(args.mock, None, args)]
    head = (
        f"{args.processes} processes x {args.threads} threads, {args.seconds:g} s, gateway token_mode=single_active, "
        f"token lifetime {args.lifetime:g} s ({args.seconds / args.lifetime:g} expiry windows), client token_refresh_skew {args.skew:g} s"
    )
    lines = [
        "## Fleet: one token shared through Redis", "", head, "",
        "| token store | refunds | token calls | per expiry window | authentication failures | other errors |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['store']} | {r['refunds']} | {r['token_calls']} | {r['token_calls_per_window']} | "
            f"{r['auth_failures']} | {r['other_errors'] or '—'} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    print(json.dumps(rows))
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
