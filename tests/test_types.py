"""mypy finds no type error in the engine (configuration: ``[tool.mypy]`` in pyproject.toml)."""

from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ("model/core", "model/compiler", "model/solve", "model/analysis", "model/files.py", "model/errors.py",
          "model/text.py")


@pytest.mark.slow
def test_engine_type_checks():
    report, errors, status = api.run(["--config-file", str(ROOT / "pyproject.toml"),
                                      "--cache-dir", str(ROOT / ".mypy_cache"),
                                      *(str(ROOT / p) for p in ENGINE)])
    assert status == 0, f"mypy on the engine:\n{report}{errors}"
    assert "no issues found in" in report
