"""The quickstart example runs against the simulator as a user would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import Mock

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "quickstart.py"


def test_quickstart_runs(mock: Mock) -> None:
    mock.transactions(("EK1743074262175e8KIO", "250.75"))
    mock.configure(pending_delay_ms=200)
    env = dict(os.environ, ENKASH_ACCESS_KEY="ak_test", ENKASH_SECRET_KEY="sk_test", ENKASH_BASE_URL=mock.base_url)
    out = subprocess.run(
        [sys.executable, str(EXAMPLE), "EK1743074262175e8KIO", "100.50"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "100.50 pending" in out.stdout
    assert "is succeeded (SUCCESS)" in out.stdout
    assert "payment EK1743074262175e8KIO is PARTIALLY_REFUNDED" in out.stdout
    assert "(async) payment" in out.stdout
