"""The chaos matrix of core/tests/chaos.rs, driven from Python through the installed wheel.

Every gateway personality cell: REFUNDS refunds (asyncio, 32 in flight) with ~20% of refund POSTs
faulted and tokens revoked every 250 ms; the outcomes are compared with the simulator's journal.
Prints one JSON line per cell and a Markdown table; exits 1 if any cell shows a duplicate, a
refund reported succeeded that was not applied, one applied but reported failed, or an
OutcomeUnknownError without its request_id.

Usage: chaos.py BASE_URL [REFUNDS] [--only SUBSTRING] [--out FILE.md]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import urllib.request
from collections import Counter
from typing import Any

import enkash

ENQUIRY = ["real", "missing_json", "missing_html", "generic_empty", "generic_null", "generic_other", "no_request_id"]
DUPLICATE = ["replay", "reject_1006", "reject_409", "already_processed_200", "none"]
COMMIT = ["immediate", "late"]
TOKENS = ["many_valid", "single_active"]
FAULTS = [  # (kind, probability, extra)
    ("reset_after_commit", 0.05, {}),
    ("reset_before", 0.04, {}),
    ("http_status", 0.04, {"status": 503}),
    ("rate_limit", 0.03, {"retry_after_secs": 0}),
    ("delay", 0.02, {"delay_ms": 900}),
    ("malformed_body", 0.02, {}),
]


def admin(base: str, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers={"content-type": "application/json"})
    with urllib.request.urlopen(req) as res:
        text = res.read()
    return json.loads(text) if text else None


def cells() -> list[dict[str, Any]]:
    out = []
    for enquiry in ENQUIRY:
        for duplicate in DUPLICATE:
            for commit in COMMIT:
                for tokens in TOKENS:
                    out.append(dict(enquiry=enquiry, duplicate=duplicate, commit=commit, tokens=tokens, switch=False))
                if duplicate != "none":
                    out.append(dict(enquiry=enquiry, duplicate=duplicate, commit=commit, tokens="single_active", switch=True))
    return out


def name(cell: dict[str, Any]) -> str:
    switch = "on" if cell["switch"] else "off"
    return f"{cell['enquiry']} | {cell['duplicate']} | {cell['commit']} | {cell['tokens']} | {switch}"


async def run(base: str, cell: dict[str, Any], refunds: int, tag: str) -> dict[str, Any]:
    txns = max(8, refunds // 20)
    admin(base, "POST", "/__mock/seed", {
        "config": {
            "duplicate_mode": cell["duplicate"], "enquiry_mode": cell["enquiry"], "commit_timing": cell["commit"],
            "late_commit_ms": 800, "token_mode": cell["tokens"], "fault_seed": 20261204,
        },
        "merchants": [{"access_key": "ak_test", "secret_key": "sk_test", "balance": "100000000"}],
        "transactions": [{"id": f"EKPY{i:05}", "amount": "1000000"} for i in range(txns)],
        "faults": [{"route": "refund", "kind": k, "probability": p, **x} for k, p, x in FAULTS]
        + [{"route": "refund_enquiry", "kind": "http_status", "probability": 0.03}],
    })
    client = enkash.AsyncClient(
        access_key="ak_test", secret_key="sk_test", base_url=base, request_timeout=0.4, timeout=15,
        max_retries=3, initial_backoff=0.005, max_backoff=0.1, max_retry_after=2,
        reconcile_settle_delay=1.5, gateway_dedupes_request_id=cell["switch"],
    )
    stop = asyncio.Event()

    async def revoke_tokens() -> None:
        while not stop.is_set():
            await asyncio.sleep(0.25)
            await asyncio.to_thread(admin, base, "POST", "/__mock/tokens/expire", {})

    gate = asyncio.Semaphore(32)

    async def one(i: int) -> tuple[str, int, Any]:
        rid = f"{tag}-{i:06}"
        async with gate:
            try:
                return rid, i % txns, await client.refund(f"EKPY{i % txns:05}", "1.01", request_id=rid)
            except enkash.EnkashError as e:
                return rid, i % txns, e

    started = time.monotonic()
    revoker = asyncio.create_task(revoke_tokens())
    outcomes = await asyncio.gather(*(one(i) for i in range(refunds)))
    stop.set()
    await revoker
    secs = time.monotonic() - started
    await asyncio.sleep(1.2)  # stalled first attempts and late commits land
    journal = admin(base, "GET", "/__mock/journal")
    applied = Counter(r["request_id"] for r in journal["refunds"] if r["request_id"].startswith(tag + "-"))
    t: Counter[str] = Counter({k: 0 for k in (
        "succeeded", "failed", "outcome_unknown", "unknown_without_request_id", "duplicates",
        "applied_but_reported_failed", "reported_succeeded_not_applied")})
    t.update(refunds=refunds, applied=sum(applied.values()))
    t["duplicates"] = sum(1 for n in applied.values() if n > 1)
    for rid, _, r in outcomes:
        n = applied.get(rid, 0)
        if isinstance(r, enkash.Refund):
            t["succeeded"] += 1
            t["reported_succeeded_not_applied"] += n == 0
        elif isinstance(r, enkash.OutcomeUnknownError):
            t["outcome_unknown"] += 1
            t["unknown_without_request_id"] += r.request_id != rid
        else:
            t["failed"] += 1
            t["applied_but_reported_failed"] += n > 0
    t["refund_posts"] = journal["counts"].get("refund", 0)
    t["token_requests"] = journal["counts"].get("token", 0)
    await client.aclose()
    return {"cell": name(cell), **t, "secs": round(secs, 1)}


async def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("refunds", nargs="?", type=int, default=200)
    ap.add_argument("--only", default="")
    ap.add_argument("--out")
    a = ap.parse_args()
    rows, bad = [], []
    for i, cell in enumerate(cells()):
        if a.only and a.only not in name(cell):
            continue
        r = await run(a.base, cell, a.refunds, f"PY{i:03}")
        print(json.dumps(r), flush=True)
        rows.append(r)
        if r["duplicates"] or r["reported_succeeded_not_applied"] or r["applied_but_reported_failed"] or r["unknown_without_request_id"]:
            bad.append(r["cell"])
    head = ("| enquiry | duplicate requestId | commit | tokens | dedupe switch | refunds | applied | succeeded | failed | "
            "outcome unknown | unknown % | duplicates | applied but reported failed | reported succeeded, not applied | "
            "refund POSTs | token requests | secs |\n" + "|---" * 5 + "|---:" * 12 + "|\n")
    table = head + "".join(
        f"| {r['cell']} | {r['refunds']} | {r['applied']} | {r['succeeded']} | {r['failed']} | {r['outcome_unknown']} | "
        f"{100 * r['outcome_unknown'] / r['refunds']:.1f} | {r['duplicates']} | {r['applied_but_reported_failed']} | "
        f"{r['reported_succeeded_not_applied']} | {r['refund_posts']} | {r['token_requests']} | {r['secs']} |\n"
        for r in rows
    )
    print(table)
    if a.out:
        with open(a.out, "a") as f:
            f.write(f"\n## The same matrix from Python, through the wheel\n\n`python bench/chaos.py URL {a.refunds}` "
                    f"(asyncio, 32 in flight; same faults and settings)\n\n{table}")
    if bad:
        print("FAILED cells:", *bad, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
