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


# (label, SDK measurement, peers, target per peer, target against the best peer)
GROUPS: list[tuple[str, str, list[str], dict[str, float], Optional[float]]] = [
    ("Rust async client, GET status, c=1", "rust_get_c1", ["wrk_get_c1"], {}, 0.85),
    ("Rust async client, GET status, c=16", "rust_get_c16", ["wrk_get_c16"], {}, 0.9),
    ("Rust async client, GET status, c=64", "rust_get_c64", ["wrk_get_c64"], {}, 0.9),
    ("Python enkash.Client, 1 thread", "python_sync_enkash_1t",
     ["python_sync_requests_1t", "python_sync_httpx_1t", "python_sync_pyreqwest_1t", "python_sync_primp_1t"],
     {"python_sync_pyreqwest_1t": 1.3}, 1.3),
    ("Python enkash.Client, 16 threads", "python_sync_enkash_16t",
     ["python_sync_requests_16t", "python_sync_httpx_16t", "python_sync_pyreqwest_16t", "python_sync_primp_16t"],
     {"python_sync_pyreqwest_16t": 1.3}, 1.3),
    ("Python AsyncClient, 64 in flight", "python_async_enkash_64",
     ["python_async_httpx_64", "python_async_aiohttp_64", "python_async_pyreqwest_64", "python_async_primp_64"],
     {"python_async_aiohttp_64": 3.0, "python_async_pyreqwest_64": 1.3}, 1.3),
    ("Node Client, 64 in flight", "node_enkash_64", ["node_fetch_64", "node_undici_request_64"],
     {"node_undici_request_64": 1.0}, 1.0),
]


def ops(name: str) -> list[float]:
    return [r["ops_per_s"] for r in rows.get(name, []) if "ops_per_s" in r]


def best_peer_ratios(sdk: str, peers: list[str]) -> tuple[list[float], str]:
    """SDK / the fastest peer of each run (so the headline is never against a slow baseline)."""
    series = {p: ops(p) for p in peers if ops(p)}
    n = min([len(ops(sdk))] + [len(v) for v in series.values()]) if series else 0
    ratios = [ops(sdk)[i] / max(v[i] for v in series.values()) for i in range(n)]
    best = max(series, key=lambda p: statistics.median(series[p])) if series else ""
    return ratios, best


def peer_label(name: str) -> str:
    for prefix in ("python_sync_", "python_async_", "node_"):
        name = name.removeprefix(prefix)
    return name.rsplit("_", 1)[0].replace("undici_request", "undici.request (Pool)").replace(
        "fetch", "undici fetch").replace("wrk_get", "wrk")


def verdict(ratio: float, target: Optional[float]) -> str:
    return "" if target is None else f"≥ {target:g} {'met' if ratio >= target else 'MISSED'}"


# How many interleaved rounds the Python and Node cases took (BENCH_ROUNDS; each case records it).
round_counts = sorted({r["rounds"] for runs in rows.values() for r in runs if "rounds" in r})
rounds_text = " or ".join(map(str, round_counts)) if round_counts else "several"

lines = [
    "# Benchmark results", "",
    "One op = refund ₹0.01 (POST, new requestId) + status (GET), token fetched once, against the",
    "`enkash-mock` simulator (release build, faults off, pending delay 0) on this 2-core machine; the",
    "Rust/wrk rows compare GET-status requests/s at equal concurrency. Within a run the SDK and its",
    "peers are measured in interleaved slices (wrk and the Rust client alternate one-second slices;",
    f"the Python and Node cases take turns in {rounds_text} rounds, the order rotated each round), so each run's",
    "ratio compares them over the same machine states. ops/s are medians of the runs; ratio = median",
    "of the per-run ratios SDK / peer, with the lowest and highest run. The **bold** row of each",
    "group is the headline: the SDK against the fastest peer of each run.", "",
    "| measurement | SDK ops/s | peer | peer ops/s | ratio | runs' range | target | runs |",
    "|---|---:|---|---:|---:|---:|---:|---:|",
]
chart = []
for label, sdk, peers, targets, best_target in GROUPS:
    if not ops(sdk):
        continue
    per_best, best = best_peer_ratios(sdk, peers)
    if per_best:
        r = statistics.median(per_best)
        lines.append(f"| **{label}** | {med(sdk):,.0f} | **best peer ({peer_label(best)})** | {med(best):,.0f} | "
                     f"**{r:.2f}×** | {min(per_best):.2f}–{max(per_best):.2f} | {verdict(r, best_target)} | {len(per_best)} |")
        chart.append((f"{label} vs best ({peer_label(best)})", r, best_target))
    for peer in peers:
        per_run = paired_ratios(sdk, peer)
        if not per_run or len(peers) == 1:
            continue
        r = statistics.median(per_run)
        lines.append(f"| {label} | {med(sdk):,.0f} | {peer_label(peer)} | {med(peer):,.0f} | {r:.2f}× | "
                     f"{min(per_run):.2f}–{max(per_run):.2f} | {verdict(r, targets.get(peer))} | {len(per_run)} |")

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
for sdk, label in [("import_python_enkash", "`import enkash` over a bare interpreter (ms; target ≤ 10)"),
                   ("require_node_enkash", "`require('enkash')` over a bare node (ms; target ≤ 10)")]:
    # Measured in pairs (bench/run.sh): the median of the pair differences.
    lines.append(f"| {label} | {med(f'{sdk}_over_bare', 'ms'):.1f} |")
# One call (token + status read) in a fresh process, start-up included; ratio = SDK time / peer time
# per pair, so below 1 is faster; the headline peer is the fastest one.
for lang, label, peers in [("python", "Python", ["pyreqwest", "primp"]), ("node", "Node", ["fetch", "undici"])]:
    sdk = f"one_call_{lang}_enkash"
    timed = [p for p in peers if rows.get(f"one_call_{lang}_{p}")]
    if not rows.get(sdk) or not timed:
        continue
    fastest = min(timed, key=lambda p: med(f"one_call_{lang}_{p}", "ms"))
    each = ", ".join(f"{p} {med(f'one_call_{lang}_{p}', 'ms'):.1f} ms ({med(f'{sdk}_over_{p}', 'ratio'):.2f}×)"
                     for p in timed)
    lines.append(f"| one call in a fresh process, {label}: token + status read, start-up included (ms; SDK time / "
                 f"peer's, paired) | **{med(sdk, 'ms'):.1f} ms, {med(f'{sdk}_over_{fastest}', 'ratio'):.2f}× the "
                 f"fastest peer ({fastest})**; {each} |")
for name, label in [("size_wheel", "abi3 wheel (MB; target ≤ 3)"), ("size_node", "`.node` addon, stripped (MB; target ≤ 4)"),
                    ("size_uniffi", "uniffi `libenkash_uniffi.so`, stripped copy (MB; target ≤ 3)")]:
    lines.append(f"| {label} | {med(name, 'mb'):.2f} |")
for name, label in [("instructions_rust", "Rust"), ("instructions_python_sync", "Python Client"),
                    ("instructions_python_async", "Python AsyncClient"), ("instructions_node", "Node")]:
    if rows.get(name):
        lines.append(f"| instructions per refund + status round trip, {label} (callgrind) | "
                     f"{rows[name][-1]['per_round_trip']:,} |")
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
