"""Where one round trip's instructions go: the difference of two callgrind profiles of the same
program (1 and 1+K round trips) divided by K, by object file and by function (self cost).
Usage: callgrind_diff.py ONE.out MANY.out K TITLE PER_ROUND_TRIP  (prints a small text report)
PER_ROUND_TRIP is the figure instructions.sh reports (from the profiles' totals); the shares below
are of the per-function differences, which leave out functions under callgrind_annotate's threshold."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict

LINE = re.compile(r"^\s*([\d,]+)\s+\([^)]*\)\s+(.*?)(?:\s+\[(.*)\])?$")


def profile(path: str) -> dict[tuple[str, str], int]:
    text = subprocess.run(["callgrind_annotate", "--threshold=100", "--auto=no", path],
                          capture_output=True, text=True, check=True).stdout
    out: dict[tuple[str, str], int] = defaultdict(int)
    for line in text.splitlines():
        m = LINE.match(line)
        if m and "PROGRAM TOTALS" not in line:
            fn = m.group(2).split(":", 1)[-1]
            out[(fn, m.group(3) or "?")] += int(m.group(1).replace(",", ""))
    return out


def main() -> None:
    one, many, title = sys.argv[1], sys.argv[2], sys.argv[4]
    k, per_round_trip = int(sys.argv[3]), int(sys.argv[5])
    a, b = profile(one), profile(many)
    diff = {key: (b.get(key, 0) - a.get(key, 0)) / k for key in set(a) | set(b)}
    diff = {key: v for key, v in diff.items() if v > 0}
    total = sum(diff.values())
    by_obj: dict[str, float] = defaultdict(float)
    for (_, obj), v in diff.items():
        by_obj[obj.rsplit("/", 1)[-1]] += v
    print(f"# {title}: {per_round_trip:,} instructions per refund + status round trip (callgrind, K={k})")
    print(f"# by object file (shares of the {total:,.0f} attributed to functions):")
    for obj, v in sorted(by_obj.items(), key=lambda kv: -kv[1])[:6]:
        print(f"{100 * v / total:6.1f}%  {obj}")
    print("# top functions (self):")
    for (fn, obj), v in sorted(diff.items(), key=lambda kv: -kv[1])[:15]:
        print(f"{100 * v / total:6.1f}%  {v:>9,.0f}  {fn[:110]}  [{obj.rsplit('/', 1)[-1]}]")


if __name__ == "__main__":
    main()
