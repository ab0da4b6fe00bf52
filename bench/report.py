"""Turns the JSON lines of benchmark runs into bench/results/latest.md and latest.png.

Each measurement is run several times; the table shows medians and the ratio to its baseline.
Usage: report.py RESULTS.jsonl OUT_DIR
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Optional

rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
for line in Path(sys.argv[1]).read_text().splitlines():
    if line.strip().startswith("{"):
        d = json.loads(line)
        rows[d["name"]].append(d)
out = Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)


def med(name: str, key: str = "ops_per_s") -> float:
    vals = [r[key] for r in rows.get(name, []) if key in r]
    return statistics.median(vals) if vals else float("nan")


def paired_ratios(sdk: str, base: str) -> list[float]:
    """SDK / baseline for each run (the i-th measurement of each), so machine drift cancels."""
    a = [r["ops_per_s"] for r in rows.get(sdk, []) if "ops_per_s" in r]
    b = [r["ops_per_s"] for r in rows.get(base, []) if "ops_per_s" in r]
    return [x / y for x, y in zip(a, b) if y > 0]


COMPARE: list[tuple[str, str, str, Optional[float]]] = [
    ("Rust async client vs wrk, GET status, c=1", "rust_get_c1", "wrk_get_c1", None),
    ("Rust async client vs wrk, GET status, c=16", "rust_get_c16", "wrk_get_c16", None),
    ("Rust async client vs wrk, GET status, c=64", "rust_get_c64", "wrk_get_c64", 0.7),
    ("Python enkash.Client vs requests.Session, 1 thread", "python_sync_enkash_1t", "python_sync_requests_1t", 2.0),
    ("Python enkash.Client vs httpx.Client, 1 thread", "python_sync_enkash_1t", "python_sync_httpx_1t", None),
    ("Python enkash.Client vs requests.Session, 16 threads", "python_sync_enkash_16t", "python_sync_requests_16t", 3.0),
    ("Python enkash.Client vs httpx.Client, 16 threads", "python_sync_enkash_16t", "python_sync_httpx_16t", None),
    ("Python AsyncClient vs httpx.AsyncClient, 64 in flight", "python_async_enkash_64", "python_async_httpx_64", 2.0),
    ("Python AsyncClient vs aiohttp, 64 in flight", "python_async_enkash_64", "python_async_aiohttp_64", None),
    ("Node Client vs undici fetch, 64 in flight", "node_enkash_64", "node_fetch_64", 1.0),
]

lines = [
    "# Benchmark results", "",
    "One op = refund ₹0.01 (POST, new requestId) + status (GET), token fetched once, against the",
    "`enkash-mock` simulator (release build, faults off, pending delay 0) on this 2-core machine; the",
    "Rust/wrk rows compare GET-status requests/s at equal concurrency (wrk and the client alternate,",
    "same seconds each). ops/s are medians of the runs; ratio = median of the per-run ratios",
    "SDK / baseline (each pair measured back to back), with the lowest and highest run.", "",
    "| measurement | SDK ops/s | baseline ops/s | ratio | runs' range | target | runs |",
    "|---|---:|---:|---:|---:|---:|---:|",
]
chart = []
for label, sdk, base, target in COMPARE:
    a, b = med(sdk), med(base)
    per_run = paired_ratios(sdk, base)
    ratio = statistics.median(per_run) if per_run else float("nan")
    spread = f"{min(per_run):.2f}–{max(per_run):.2f}" if per_run else ""
    verdict = "" if target is None else f"≥ {target:g} {'met' if ratio >= target else 'MISSED'}"
    lines.append(f"| {label} | {a:,.0f} | {b:,.0f} | {ratio:.2f}× | {spread} | {verdict} | {len(per_run)} |")
    chart.append((label, ratio, target))

lines += ["", "| other figure | value |", "|---|---|"]
for name, label in [("rust_refund_status_c1", "Rust refund+status ops/s, c=1"),
                    ("rust_refund_status_c16", "Rust refund+status ops/s, c=16"),
                    ("rust_refund_status_c64", "Rust refund+status ops/s, c=64")]:
    lines.append(f"| {label} | {med(name):,.0f} |")
lines.append(f"| token requests for 256 concurrent callers | {med('token_requests_256_callers', 'value'):.0f} |")
for name, label in [("import_python_enkash", "`import enkash` incl. interpreter start (ms)"),
                    ("import_python_bare", "bare `python -c pass` (ms)"),
                    ("require_node_enkash", "`require('enkash')` incl. node start (ms)"),
                    ("require_node_bare", "bare `node -e 0` (ms)")]:
    lines.append(f"| {label} | {med(name, 'ms'):.1f} |")
for name, label in [("size_wheel", "abi3 wheel (MB)"), ("size_node", "`.node` addon, stripped (MB)"),
                    ("size_uniffi", "uniffi `libenkash_uniffi.so`, stripped copy (MB)")]:
    lines.append(f"| {label} | {med(name, 'mb'):.2f} |")
for name, label in [("python_soak", "Python"), ("node_soak", "Node")]:
    if rows.get(name):
        r = rows[name][-1]
        lines.append(f"| {label} RSS after {r['calls'] // 10:,} / {r['calls']:,} calls (MB) | "
                     f"{r['rss_mb_after_first']:.1f} / {r['rss_mb_end']:.1f} (growth {r['growth_mb']:+.1f}) |")
(out / "latest.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines))

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(11, 5.5))
    labels = [c[0] for c in chart]
    ratios = [c[1] for c in chart]
    colors = ["#2a9d8f" if (c[2] is None or c[1] >= c[2]) else "#e76f51" for c in chart]
    floor = 0.1
    ax.barh(labels, [max(r, floor) - floor for r in ratios], left=floor, color=colors)
    ax.set_xscale("log")
    ax.set_xlim(floor, max(max(ratios) * 2, 2))
    for i, c in enumerate(chart):
        ax.text(max(c[1], floor) * 1.05, i, f"{c[1]:.2f}×", va="center", fontsize=8)
        if c[2] is not None:
            ax.plot([c[2], c[2]], [i - 0.4, i + 0.4], color="black", linewidth=1.5)
    ax.axvline(1.0, color="grey", linestyle=":")
    ax.set_xlabel("SDK / baseline, log scale (higher is better; black tick = target)")
    ax.invert_yaxis()
    ax.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    fig.savefig(out / "latest.png", dpi=110)
except ImportError:
    print("matplotlib not installed: no chart", file=sys.stderr)
