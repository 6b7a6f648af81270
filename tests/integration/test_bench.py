"""The benchmark still runs, end to end, at a tiny size: the README's `make bench` must not
rot between the times someone measures. Figures are not checked (a shared CI machine is too
noisy for that), only that every phase ran, stored every answer and printed its table."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import POSTGRES_URL
from tests.support.botprocess import PROJECT_ROOT


def run_bench(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--users", "4", "--rounds", "1", "--think", "0.05", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def ratio(output: str, mode: str, column: int = 3) -> float:
    row = next(
        line for line in output.splitlines() if re.match(rf"^\| +{re.escape(mode)} \|", line)
    )
    return float(row.split("|")[column])


def test_sqlite_against_the_baseline_and_scale() -> None:
    output = run_bench("--scale", "--households", "30", "--assessments", "90")
    assert ratio(output, "baseline (aiogram + MemoryStorage)") == 1.0
    assert ratio(output, "hoctap, SQLite") > 0
    # CPU per update and its ratio to the baseline's (columns 4 and 5).
    assert ratio(output, "hoctap, SQLite", 4) > 0
    assert ratio(output, "baseline (aiogram + MemoryStorage)", 5) == 1.0
    assert ratio(output, "hoctap, SQLite", 5) > 0
    for operation in ("digest", "commune XLSX", "province CSV", "baseline: the same query"):
        assert re.search(rf"^\| +SQLite: {operation}.*\| +\d+\.\d+ \|", output, re.M), output
    # Each export's time as a multiple of its floor (its own query, written plainly).
    for operation in ("commune XLSX", "province CSV"):
        assert re.search(rf"^\| +SQLite: {operation}.*\| +\d+\.\d \|$", output, re.M), output


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_postgres_one_and_two_webhook_workers_and_scale() -> None:
    assert POSTGRES_URL
    output = run_bench(
        "--postgres",
        "--postgres-url",
        POSTGRES_URL,
        "--scale",
        "--households",
        "30",
        "--assessments",
        "90",
    )
    assert ratio(output, "hoctap, PostgreSQL, 1 process") > 0
    assert "PostgreSQL, webhook, 2 workers" in output, output
    for operation in ("commune XLSX", "province CSV"):
        assert re.search(rf"^\| +PostgreSQL: {operation}.*\| +\d+\.\d \|$", output, re.M), output
