"""The user's alternative to ``model.simulate(keen(), t_span=(0, 300))``: the Keen model written by hand
and integrated with scipy's ``solve_ivp``, as a script (used by ``first_result.py``, section (a)).

Same equations, default parameters, start values, span, annual output and tolerances as
``model.library.keen`` with ``model.simulate``'s defaults (rtol 1e-8, atol 1e-10); only numpy and
scipy are imported. Run: ``python benchmarks/hand_keen.py``.
"""

import math

import numpy as np
from scipy.integrate import solve_ivp

ALPHA, BETA, DELTA, NU, R = 0.025, 0.02, 0.01, 3.0, 0.03
PHI0, PHI1 = 0.04 / (1 - 0.04 ** 2), 0.04 ** 3 / (1 - 0.04 ** 2)
KAPPA0, KAPPA1, KAPPA2 = -0.0065, math.exp(-5.0), 20.0


def rhs(t, y):
    omega, lam, d = y
    pi = 1.0 - omega - R * d
    kappa = KAPPA0 + KAPPA1 * math.exp(KAPPA2 * pi)
    g = kappa / NU - DELTA
    phillips = PHI1 / (1.0 - lam) ** 2 - PHI0
    return [omega * (phillips - ALPHA), lam * (g - ALPHA - BETA), kappa - pi - d * g]


sol = solve_ivp(rhs, (0.0, 300.0), [0.75, 0.75, 0.1], t_eval=np.arange(0.0, 301.0), rtol=1e-8, atol=1e-10)
assert sol.success, sol.message
