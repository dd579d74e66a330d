#!/usr/bin/env python
"""Benchmark (opt-in): market shaping's failed members of a US ensemble with the central bank's speed of
adjustment ``rho_cb`` [1/year] set to fixed values in every member (issue 14, session 12).

Usage: ``python benchmarks/failures_rho_cb.py ENSEMBLE.nc [0.3,0.5,2.0]``, ENSEMBLE.nc from
``dgm ensemble --country USA --draws 10000 --seed 0 --variables '' --out ENSEMBLE.nc`` (the README's command).
Each member's drawn parameters are read from the file, its start is derived at rest, and market shaping is run
to 2100 with damages on and with them off (``d_sw = 0``); a member counts as failed when it leaves the plausible
range (or does not integrate) both ways, as :mod:`model.directed_growth.attribution` counts a member that left
the plausible range with damages off too. The first line is at the drawn ``rho_cb`` (it reproduces the report's
"left the plausible range with damages off too"), then one line per fixed value. Result of session 12:
``benchmarks/failures_rho_cb.txt``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def failed_share(path: str, values: list[float]) -> list[str]:
    """Market shaping's failed members at the drawn ``rho_cb`` and at each fixed value.

    Parameters
    ----------
    path : str
        Ensemble netCDF written by ``dgm ensemble --country USA`` (every member's drawn parameters).
    values : list of float
        Values of ``rho_cb`` [1/year] set in every member.

    Returns
    -------
    list of str
        One line per setting: members flagged with damages on, implausible with damages off, failed (both).
    """
    import numpy as np
    import pandas as pd
    import xarray as xr

    from model.directed_growth.factory import T0, derived_of, directed_growth
    from model.solve.ensembles import ensemble

    ds = xr.open_dataset(path)
    system = directed_growth(country="USA")
    derived = set(derived_of(system))
    per_draw = [v for v in ds.data_vars if ds[v].dims == ("draw",)]
    base = pd.DataFrame({v: ds[v].values for v in per_draw if v in system.parameters and v not in derived})
    path_ = {p.name: p for p in system.meta.policies}["market_shaping"]

    def flagged(draws: pd.DataFrame, damages: bool) -> np.ndarray:
        start = system.meta.derive_start(system, {k: draws[k].to_numpy(float) for k in draws.columns})
        draws = draws.assign(**{k: np.broadcast_to(np.asarray(v, float), len(draws)) for k, v in start.items()})
        if not damages:
            draws["d_sw"] = 0.0
        run = ensemble(system, draws, [path_.factory()], t_span=(T0, 2100), variables=("lam",), progress=False,
                       consistent=False, outcomes=False)
        return np.asarray(run["status"].values[-1] != 0)

    lines = []
    for rho in [None, *values]:
        draws = base.copy()
        if rho is not None:
            draws["rho_cb"] = rho
        on, off = flagged(draws, True), flagged(draws, False)
        failed = on & off
        label = "as drawn" if rho is None else f"{rho:g}"
        lines.append(f"rho_cb {label}: flagged {int(on.sum())}, implausible with damages off {int(off.sum())}, "
                     f"failed {int(failed.sum())} of {len(failed)} ({100 * failed.mean():.2f}%)")
        print(lines[-1], flush=True)
    return lines


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    failed_share(sys.argv[1], [float(x) for x in (sys.argv[2] if len(sys.argv) > 2 else "0.3,0.5,2.0").split(",")])
