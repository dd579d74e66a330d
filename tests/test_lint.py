"""The code passes the project's ruff configuration (``[tool.ruff]`` in pyproject.toml)."""

import subprocess
from pathlib import Path

import pytest
from ruff.__main__ import find_ruff_bin

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("model", "calibration", "tests", "benchmarks")


@pytest.mark.subprocess
def test_ruff_finds_nothing():
    proc = subprocess.run([find_ruff_bin(), "check", "--no-cache", "--output-format", "concise", *CHECKED],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"ruff findings (fix them, or `ruff check --fix`):\n{proc.stdout}{proc.stderr}"
