"""The prior of a calibration truncated to the parameters with a start at rest where the model is then used.

A parameter vector whose model has no start at rest in the year a projection (or forecast) starts from the data
cannot describe those data: the start year's national accounts (the consumption share, the debts, the wage share
...) are data the parameters must reproduce. The prior is therefore truncated to the region where that start
exists, before estimation, as An & Schorfheide (2007, Econometric Reviews 26(2-4), section 4) truncate theirs to
the determinacy region: the log-posterior is ``-inf`` outside it.

:class:`ProjectionStart` is the truncation of the joint calibration: the country's 2025 projection model, the one
``dgm`` builds from a joint parameter file (:func:`model.cli.common.calibrated_model`: ``directed_growth(country=...)``
with the file's ``[parameters]``, the posterior medians of the sampled parameters, laid over it), with the sampled
parameters laid over it by name. Every parameter the calibration does not sample keeps that model's value, the
literature default (a joint file sets only the sampled parameters), as it does in a projection at the file's values.
Autonomous-demand growth ``g_Z``, free in the replay, is derived at the natural rate in the projection (the model
factory), so a sampled ``g_Z`` is not passed on. The test is the vectorised start of
:func:`model.analysis.draws.has_start` (:func:`model.directed_growth.factory.consistent_draws`), once for all rows of a
batch.

``dgm ensemble`` then draws the parameters the calibration does not sample from their stated priors
(:func:`calibration.posterior.posterior_draws`) and re-draws members without a start
(:func:`model.analysis.draws.truncate_to_start`): that second truncation is conditional on the posterior draw, as
the likelihood does not depend on those parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["ProjectionStart", "TRUNCATION", "truncated_draws"]

#: the truncation in words (the parameter file's ``[meta.settings] truncation``, figure labels)
TRUNCATION = ("prior truncated to the parameters with a start at rest in the country's 2025 projection (the model "
              "dgm builds from the parameter file, every parameter not sampled at its default; An & Schorfheide 2007)")


class ProjectionStart:
    """Whether ``country``'s 2025 projection model has a start at rest at each row of sampled parameters.

    Call with ``X`` of shape ``(m, k)`` and the ``k`` sampled names: a boolean array ``(m,)``. Names that are not
    parameters of the projection model (a sampled start stock of a historical replay) and names the projection
    derives (``g_Z``) are not passed on. Pickles as its country (a spawn worker re-builds the model).

    Parameters
    ----------
    country : {"USA", "GBR"}
    overrides : mapping, optional
        Parameters of the projection model set to values other than their defaults (the block estimates a joint
        calibration holds fixed: :func:`calibration.pipeline.held_estimates`); names the projection derives from
        its start data (the mark-up, :data:`model.directed_growth.start_state.DERIVED_FROM_DATA`) are left out.
    """

    def __init__(self, country: str, overrides: Mapping[str, float] | None = None):
        from model.directed_growth.factory import directed_growth
        from model.directed_growth.start_state import FROM_DATA

        self.country = str(country).upper()
        # the projection derives these from its start data (the mark-up from the inflation datum)
        self.overrides = {k: float(v) for k, v in (overrides or {}).items() if k not in FROM_DATA}
        self.system = directed_growth(country=self.country, overrides=self.overrides or None)

    def __reduce__(self):
        return (ProjectionStart, (self.country, self.overrides))

    def mapped(self, names: Sequence[str]) -> list[int]:
        """Columns of ``names`` laid over the projection model (its parameters, less the derived ones)."""
        from model.directed_growth.factory import derived_of

        derived = derived_of(self.system)
        return [j for j, n in enumerate(names) if n in self.system.parameters and n not in derived]

    def _values(self, X, names: Sequence[str]) -> dict[str, np.ndarray]:
        X = np.atleast_2d(np.asarray(X, float))
        return {names[j]: X[:, j] for j in self.mapped(names)}

    def __call__(self, X, names: Sequence[str]) -> np.ndarray:
        from model.analysis.draws import has_start

        X = np.atleast_2d(np.asarray(X, float))
        if X.shape[0] == 0:
            return np.zeros(0, bool)
        values = self._values(X, names)
        if not values:  # nothing laid over the model: its own start, for every row
            from model.directed_growth.factory import derived_of

            derived = derived_of(self.system)
            name = next(n for n in self.system.parameters if n not in derived)
            values = {name: np.full(X.shape[0], float(self.system[name].default))}
        with np.errstate(all="ignore"):
            return has_start(self.system, values)

    def reasons(self, X, names: Sequence[str]) -> np.ndarray:
        """Why each row has no start ('' where it has one): :func:`model.directed_growth.factory.no_start_reasons`."""
        with np.errstate(all="ignore"):
            return self.system.meta.no_start(self.system, self._values(X, names))


def truncated_draws(draw, region, names: Sequence[str], n: int, rng: np.random.Generator, *,
                    max_rounds: int = 200) -> tuple[np.ndarray, int]:
    """``n`` rows of ``draw`` truncated to ``region`` by rejection: rows outside are replaced by fresh draws.

    Accepted rows are draws of ``draw``'s density times the indicator of ``region``, renormalised (rejection
    sampling of the truncated density).

    Parameters
    ----------
    draw : callable
        ``(rng, m) -> (m, k)`` draws (e.g. :meth:`calibration.joint.JointPrior.sample`).
    region : callable
        ``(X (m, k), names) -> bool (m,)`` (e.g. :class:`ProjectionStart`).
    names : sequence of str
        The columns' names.
    n : int
    rng : numpy.random.Generator
    max_rounds : int
        Rounds of replacements before giving up.

    Returns
    -------
    (numpy.ndarray, int)
        The ``(n, k)`` draws and the number of candidates drawn (``n`` included): ``1 - n / candidates`` estimates
        the mass outside ``region``.

    Raises
    ------
    CalibrationError
        ``max_rounds`` rounds leave rows outside ``region``.
    """
    from model.errors import CalibrationError

    X = np.array(draw(rng, n), float)
    ok = np.asarray(region(X, names), bool)
    tried = n
    for _ in range(max_rounds):
        bad = np.flatnonzero(~ok)
        if not bad.size:
            return X, tried
        X[bad] = draw(rng, bad.size)
        ok[bad] = np.asarray(region(X[bad], names), bool)
        tried += bad.size
    raise CalibrationError(f"{int((~ok).sum())} of {n} draws still outside the truncation after {max_rounds} rounds "
                           f"of {tried} candidates: the region holds almost none of the sampled density")
