"""Soak: CALLS calls through enkash.Client; RSS after the first 10% and at the end (MB).

Usage: soak.py BASE_URL [CALLS]   (the simulator must hold payment EKSOAK)
"""

from __future__ import annotations

import json
import sys

import enkash


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


base, calls = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
client = enkash.Client(access_key="ak_test", secret_key="sk_test", base_url=base)
first = calls // 10
rss_first = 0.0
for i in range(calls):
    if i % 2:
        client.refund("EKSOAK", "0.01")
    else:
        client.get_transaction("EKSOAK")
    if i + 1 == first:
        rss_first = rss_mb()
end = rss_mb()
print(json.dumps({"name": "python_soak", "calls": calls, "rss_mb_after_first": rss_first, "rss_mb_end": end,
                  "growth_mb": end - rss_first}))
