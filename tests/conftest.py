"""Shared fixtures and markers of the test suite.

Markers (registered in ``pyproject.toml``; all of them run by default):

* ``slow``: a test that took more than 30 s in a full run with ``-n 2`` on the shared 2-core machine
  (load about 8), mostly compiling models with a fresh cache (about 10 s unloaded);
* ``data``: needs the shared data directory (``DGM_DATA_DIR``, else ``../shared/data``
  beside the checkout). Such tests fail, never skip, when the data are missing;
* ``subprocess``: starts another process (the entry point, exit codes of a real
  process, signals, a fresh interpreter's hash seed or environment, pdflatex).

Fixtures here are session-scoped where the object is immutable and costly (a
:class:`model.System` is a frozen dataclass; its compiled module is memoised per
process), so each model is declared once per test process.
"""

from __future__ import annotations

import os
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (a random draw once found a nested Piecewise that
# sympy evaluated for over ten minutes, hanging a fresh-clone run). HYPOTHESIS_PROFILE=explore draws new
# random examples on each run; a failure it finds becomes an @example of the test.
settings.register_profile("default", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

#: fixtures whose value is read from the shared data directory: tests using them get the ``data`` marker
DATA_FIXTURES = frozenset({"panel", "gbr", "usa"})


def pytest_collection_modifyitems(config, items):
    for item in items:
        if DATA_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.data)


# ------------------------------------------------------------------------------------------- models


@pytest.fixture(scope="session")
def keen_system():
    """The Keen (1995) model with the defaults of Grasselli & Costa Lima (2012)."""
    from model.library.keen import keen

    return keen()


@pytest.fixture(scope="session")
def dg():
    """The directed-growth model with its declared defaults."""
    from model.directed_growth.factory import directed_growth

    return directed_growth()


# ------------------------------------------------------------------------------------------- data


@pytest.fixture(scope="session")
def panel():
    """The country-year panel built from the shared data directory."""
    from calibration.data import data_dir, load_panel

    return load_panel(data_dir())


# ------------------------------------------------------------------------------------------- calibration


@pytest.fixture(scope="session")
def simulated_targets(dg):
    """Noisy targets simulated from known parameter values (whole-model least squares and its profile).

    ``simulated_targets.problem(seed)`` is a :class:`calibration.least_squares.Problem` over the
    parameters of ``simulated_targets.truth`` with targets ``simulated_targets.sigma`` (noise standard
    deviation per series) on ``simulated_targets.years``.
    """
    import model
    from calibration.least_squares import Problem, Target
    from model import Policy, step

    # alpha0, not g_Z: autonomous-demand growth is derived from productivity and labour-force growth (issue 12)
    truth = {"alpha0": 0.018, "phi1": 0.6, "gamma_p": 0.4, "psi_Z": 0.7, "beta_B": 0.08}
    sigma = {"lam": 0.003, "omega": 0.003, "Y": 0.005, "b": 0.01}
    years = np.arange(2025, 2061, 1.0)
    #: a public-investment step in 2030 moves employment, distribution and debt
    policy = Policy("shock", i_G=step(2030, 0.035, 0.045))
    ds = model.simulate(dg, truth, policy, t_span=(2025, 2060), t_eval=years)

    def targets(seed: int) -> list:
        rng = np.random.default_rng(seed)
        out = []
        for name, s in sigma.items():
            noise = rng.normal(0, s, years.size)
            values = ds[name].values * np.exp(noise) if name == "Y" else ds[name].values + noise
            out.append(Target(name, years, values, s, log=name == "Y", source="simulated"))
        return out

    def problem(seed: int, targets_=None) -> Problem:
        return Problem(dg, targets(seed) if targets_ is None else targets_, list(truth), policy=policy)

    return SimpleNamespace(truth=truth, sigma=sigma, years=years, policy=policy, targets=targets, problem=problem)
