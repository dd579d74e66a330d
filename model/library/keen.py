"""Keen (1995) model of debt-financed investment, as analysed by Grasselli & Costa Lima (2012)."""

from __future__ import annotations

import sympy as sp

from ..core.blocks import Block
from ..core.metadata import ModelMeta
from ..core.symbols import aux, param, stock
from ..core.system import System, combine

GCL = "Grasselli & Costa Lima (2012), Math. Financ. Econ. 6(3):191-210, base case"

#: Divergence limits (``Var.limit``). The wage share overshoots to 77 on the way to the
#: bad equilibrium (start (0.75, 0.70, 0.1), default parameters); it grows beyond that only
#: as the employment rate nears the Phillips curve's singularity at 1 (Phi -> infinity), where
#: a wage bill of a thousand times output describes no economy.
OMEGA_LIMIT = 1e3
#: On the debt-crisis path to G&CL's bad equilibrium the debt ratio grows exponentially at
#: about r + delta - kappa0/nu (4.2 %/year at the defaults; 5.2e6 years of output at t = 300);
#: at 1e8 years of output the interest bill r d is millions of times output and the profit
#: share pi = 1 - omega - r d is r d to every printed digit: the path has left the model.
D_LIMIT = 1e8


def keen() -> System:
    r"""The Keen model in intensive form (wage share, employment rate, debt ratio).

    Notes
    -----
    .. math::

        \pi &= 1 - \omega - r d, \qquad
        \Phi(\lambda) = \frac{\phi_1}{(1-\lambda)^2} - \phi_0, \qquad
        \kappa(\pi) = \kappa_0 + \kappa_1 e^{\kappa_2 \pi}, \qquad
        g = \kappa(\pi)/\nu - \delta \\
        \dot\omega &= \omega[\Phi(\lambda) - \alpha], \qquad
        \dot\lambda = \lambda[g - \alpha - \beta], \qquad
        \dot d = \kappa(\pi) - \pi - d\, g

    Good equilibrium (closed form): :math:`\lambda_1 = 1-\sqrt{\phi_1/(\alpha+\phi_0)}`,
    :math:`\pi_1 = \kappa^{-1}(\nu(\alpha+\beta+\delta))`,
    :math:`d_1 = (\kappa(\pi_1)-\pi_1)/(\alpha+\beta)`, :math:`\omega_1 = 1-\pi_1-r d_1`;
    with the defaults :math:`(\omega_1,\lambda_1,d_1) = (0.836053, 0.968612, 0.070191)`.

    The debt ratio :math:`d = D/Y` has units of years of output, so that
    :math:`r d` is a share of output.

    References
    ----------
    Keen, S. (1995) J. Post Keynesian Economics 17(4).
    Grasselli, M. R. & Costa Lima, B. (2012) Math. Financ. Econ. 6(3):191-210.
    """
    omega = stock("omega", "dimensionless", "wage share", default=0.75, bounds=(0.0, None), limit=OMEGA_LIMIT,
                  description="Wages over output", source="initial condition of G&CL (2012) figures")
    lam = stock("lam", "dimensionless", "employment rate", default=0.75, bounds=(0.0, 1.0),
                description="Employment over labour force; the Phillips curve is singular at 1",
                source="initial condition of G&CL (2012) figures", latex=r"\lambda")
    d = stock("d", "year", "private debt to output ratio", default=0.1, bounds=(None, None), limit=D_LIMIT,
              description="Firm debt over output [years of output]", source="initial condition of G&CL (2012)")
    alpha = param("alpha", "1/year", "labour productivity growth", default=0.025, bounds=(0.0, 0.1), source=GCL,
                  latex=r"\alpha")
    beta = param("beta", "1/year", "labour force growth", default=0.02, bounds=(0.0, 0.1), source=GCL, latex=r"\beta")
    delta = param("delta", "1/year", "depreciation rate", default=0.01, bounds=(0.0, 0.2), source=GCL,
                  latex=r"\delta")
    nu = param("nu", "year", "capital to output ratio", default=3.0, bounds=(0.5, 10.0), source=GCL, latex=r"\nu")
    r = param("r", "1/year", "real interest rate", default=0.03, bounds=(0.0, 0.2), source=GCL)
    phi0 = param("phi0", "1/year", "Phillips curve intercept", default=0.04 / (1 - 0.04 ** 2), bounds=(0.0, 1.0),
                 source=GCL + ": phi0 = 0.04/(1-0.04^2)", latex=r"\phi_0")
    phi1 = param("phi1", "1/year", "Phillips curve slope", default=0.04 ** 3 / (1 - 0.04 ** 2), bounds=(0.0, 1.0),
                 source=GCL + ": phi1 = 0.04^3/(1-0.04^2)", latex=r"\phi_1")
    kappa0 = param("kappa0", "dimensionless", "investment function intercept", default=-0.0065, bounds=(-0.1, 0.1),
                   source=GCL, latex=r"\kappa_0")
    kappa1 = param("kappa1", "dimensionless", "investment function scale", default=float(sp.exp(-5)),
                   bounds=(0.0, 0.1), source=GCL + ": kappa1 = exp(-5)", latex=r"\kappa_1")
    kappa2 = param("kappa2", "dimensionless", "investment function curvature", default=20.0, bounds=(1.0, 50.0),
                   source=GCL, latex=r"\kappa_2")
    pi = aux("pi", "dimensionless", "profit share net of interest", latex=r"\pi")
    phillips = aux("phillips", "1/year", "real wage growth (Phillips curve)", latex=r"\Phi")
    kappa = aux("kappa", "dimensionless", "investment share of output", latex=r"\kappa")
    g = aux("g", "1/year", "output growth rate")
    b = Block(
        name="keen",
        variables=(omega, lam, d, alpha, beta, delta, nu, r, phi0, phi1, kappa0, kappa1, kappa2, pi, phillips, kappa,
                   g),
        auxiliaries={
            "pi": 1 - omega.sym - r.sym * d.sym,
            "phillips": phi1.sym / (1 - lam.sym) ** 2 - phi0.sym,
            "kappa": kappa0.sym + kappa1.sym * sp.exp(kappa2.sym * pi.sym),
            "g": kappa.sym / nu.sym - delta.sym,
        },
        derivatives={
            "omega": omega.sym * (phillips.sym - alpha.sym),
            "lam": lam.sym * (g.sym - alpha.sym - beta.sym),
            "d": kappa.sym - pi.sym - d.sym * g.sym,
        },
        description="Goodwin growth cycle with debt-financed investment (Keen 1995).",
    )
    return combine(b, name="keen", description=keen.__doc__.splitlines()[0],
                   origin={"factory": "model.library.keen:keen", "kwargs": {}},
                   meta=ModelMeta(t_span=(0.0, 300.0)))
