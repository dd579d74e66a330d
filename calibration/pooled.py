"""What a posterior pooled from independent sampler runs holds, whatever the sampler: the base of
:class:`calibration.smc.SMCResult` (tempered SMC) and :class:`calibration.nested.NestedResult` (nested sampling)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PooledRuns"]


@dataclass
class PooledRuns:
    """Independent runs onto one posterior, pooled.

    Attributes
    ----------
    names1, names2 : tuple of str
        Stage-1 and stage-2 parameter names (the columns, in that order).
    runs : list
        The sampler's runs (each with ``kish_ess`` [draws] and ``evaluations``).
    diagnostics : dict
        Per parameter: the sampler's summary, with ``pass``.
    table : numpy.ndarray, shape (m, k)
        Equally weighted posterior rows.
    """

    names1: tuple[str, ...]
    names2: tuple[str, ...]
    runs: list
    diagnostics: dict
    table: np.ndarray

    @property
    def names(self) -> tuple[str, ...]:
        return self.names1 + self.names2

    @property
    def kish_ess(self) -> float:
        """Kish ESS summed over the runs [draws] (SMC: of each run's last reweighting)."""
        return float(sum(r.kish_ess for r in self.runs))

    @property
    def evaluations(self) -> int:
        return int(sum(r.evaluations for r in self.runs))

    def converged(self) -> bool:
        """Every parameter passes its sampler's diagnostics."""
        return bool(self.diagnostics) and all(d["pass"] for d in self.diagnostics.values())
