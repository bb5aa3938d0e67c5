"""The ledger benchmark runs, scaled down, and prints every target's figure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "ledger.py"


def test_the_benchmark_runs_scaled_down() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH), "--entries", "300", "--leaves", "1000"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    out = result.stdout
    assert "append 300 signed entries" in out
    assert "baseline plain SQLite insert" in out
    assert "built a log of 1,000 leaves" in out
    for line in ("produce an inclusion proof", "verify it (Merkle path only)", "signed head"):
        assert line in out
    assert "target" in out
