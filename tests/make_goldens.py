"""Regenerate the regression goldens of the directed-growth model.

Run ``python tests/make_goldens.py`` after an intended change of the model or its
defaults; the diff of ``tests/data/regression_golden_outcomes.csv`` (a regression golden:
tests/data/README.md) shows what moved.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import model
from model.directed_growth import policies

GOLDEN = Path(__file__).parent / "data" / "regression_golden_outcomes.csv"


def outcome_table(system) -> pd.DataFrame:
    """Outcomes of the three reference paths, 2025-2100, at the default parameters."""
    from model.directed_growth.outcomes import compare_policies

    ds = model.simulate(system, None, policies.all_paths(), t_span=(2025, 2100))
    return compare_policies(ds, system=system)


if __name__ == "__main__":
    from model.directed_growth.factory import directed_growth

    GOLDEN.parent.mkdir(exist_ok=True)
    outcome_table(directed_growth()).to_csv(GOLDEN, float_format="%.12g")
    print(f"wrote {GOLDEN}")
