"""Goodwin (1967) growth cycle, with a linear or a Grasselli-Costa Lima Phillips curve."""

from __future__ import annotations

import sympy as sp

from ..core.blocks import Block
from ..core.metadata import ModelMeta
from ..core.symbols import aux, param, stock
from ..core.system import System, combine
from ..errors import ModelError

PHILLIPS_CHOICES = ("linear", "gcl")

ILLUSTRATIVE = "economics.md section 1, table row 'linear Phillips, illustrative' (not a calibration)"
GCL = "Grasselli & Costa Lima (2012), Math. Financ. Econ. 6(3):191-210, base case"
GOODWIN = "Goodwin (1967) 'A growth cycle'; illustrative initial condition"


def goodwin(phillips: str = "linear") -> System:
    r"""The Goodwin growth cycle in wage share and employment rate.

    Parameters
    ----------
    phillips : {'linear', 'gcl'}
        Real-wage Phillips curve: ``'linear'`` is Goodwin's original
        :math:`\Phi(\lambda) = -\gamma + \rho\lambda` (illustrative parameters);
        ``'gcl'`` is the Grasselli & Costa Lima (2012) curve
        :math:`\Phi(\lambda) = \phi_1/(1-\lambda)^2 - \phi_0` with their base
        parameters (as in :func:`model.library.keen`).

    Returns
    -------
    System
        Stocks ``omega``, ``lam``; auxiliaries ``phillips`` [1/year] and the
        conserved quantity ``H`` [1/year].

    Raises
    ------
    ModelError
        For an unknown ``phillips`` choice.

    Notes
    -----
    Leontief technology, all profits invested (Say's law), a real-wage
    Phillips curve:

    .. math::

        \dot\omega = \omega\,[\Phi(\lambda) - \alpha], \qquad
        \dot\lambda = \lambda\left[\frac{1-\omega}{\nu} - \alpha - \beta - \delta\right].

    Interior equilibrium: :math:`\bar\omega = 1 - \nu(\alpha+\beta+\delta)`,
    :math:`\bar\lambda = \Phi^{-1}(\alpha)`. Orbits are closed: the first integral

    .. math::

        H(\omega, \lambda) = F(\lambda) + \frac{\omega}{\nu}
            - \left(\frac1\nu - \alpha - \beta - \delta\right)\ln\omega,
        \qquad F'(\lambda) = \frac{\Phi(\lambda) - \alpha}{\lambda},

    is constant along every solution, with
    :math:`F(\lambda) = \rho\lambda - (\gamma+\alpha)\ln\lambda` (linear) or
    :math:`F(\lambda) = \phi_1[\ln\lambda - \ln(1-\lambda) + 1/(1-\lambda)] - (\phi_0+\alpha)\ln\lambda`
    (G&CL). The auxiliary ``H`` lets users check integrators against it.

    Small-oscillation period: :math:`T = 2\pi/\Omega` with
    :math:`\Omega^2 = \bar\omega\bar\lambda\Phi'(\bar\lambda)/\nu`. With the
    defaults: linear :math:`(\bar\omega, \bar\lambda) = (0.91, 0.866667)`,
    :math:`T = 15.820424` years; G&CL :math:`(0.835, 0.968612)`,
    :math:`T = 5.943197` years.

    The initial condition :math:`(\omega, \lambda) = (0.8, 0.9)` is illustrative.

    References
    ----------
    Goodwin, R. M. (1967) "A growth cycle", in C. H. Feinstein (ed.) *Socialism,
    Capitalism and Economic Growth*, Cambridge University Press.
    Grasselli, M. R. & Costa Lima, B. (2012) Math. Financ. Econ. 6(3):191-210.
    """
    if phillips not in PHILLIPS_CHOICES:
        raise ModelError(f"goodwin: unknown Phillips curve {phillips!r}; valid choices: "
                         f"{', '.join(map(repr, PHILLIPS_CHOICES))}")
    gcl = phillips == "gcl"
    src = GCL if gcl else ILLUSTRATIVE
    omega = stock("omega", "dimensionless", "wage share", default=0.8, bounds=(0.0, None),
                  description="Wages over output", source=GOODWIN, latex=r"\omega")
    lam = stock("lam", "dimensionless", "employment rate", default=0.9, bounds=(0.0, 1.0 if gcl else None),
                description="Employment over labour force" + ("; the Phillips curve is singular at 1" if gcl else ""),
                source=GOODWIN, latex=r"\lambda")
    alpha = param("alpha", "1/year", "labour productivity growth", default=0.025 if gcl else 0.02,
                  bounds=(0.0, 0.1), source=src, latex=r"\alpha")
    beta = param("beta", "1/year", "labour force growth", default=0.02 if gcl else 0.01, bounds=(0.0, 0.1),
                 source=src, latex=r"\beta")
    delta = param("delta", "1/year", "depreciation rate", default=0.01 if gcl else 0.0, bounds=(0.0, 0.2),
                  source=src, latex=r"\delta")
    nu = param("nu", "year", "capital to output ratio", default=3.0, bounds=(0.5, 10.0), source=src, latex=r"\nu")
    phil = aux("phillips", "1/year", "real wage growth (Phillips curve)", latex=r"\Phi")
    H = aux("H", "1/year", "first integral (conserved quantity)",
            description="Constant along exact solutions; its drift measures integration error")
    G_omega = omega.sym / nu.sym - (1 / nu.sym - alpha.sym - beta.sym - delta.sym) * sp.log(omega.sym)
    if gcl:
        phi0 = param("phi0", "1/year", "Phillips curve intercept", default=0.04 / (1 - 0.04 ** 2), bounds=(0.0, 1.0),
                     source=GCL + ": phi0 = 0.04/(1-0.04^2)", latex=r"\phi_0")
        phi1 = param("phi1", "1/year", "Phillips curve slope", default=0.04 ** 3 / (1 - 0.04 ** 2),
                     bounds=(0.0, 1.0), source=GCL + ": phi1 = 0.04^3/(1-0.04^2)", latex=r"\phi_1")
        curve = (phi0, phi1)
        phillips_eq = phi1.sym / (1 - lam.sym) ** 2 - phi0.sym
        F_lam = (phi1.sym * (sp.log(lam.sym) - sp.log(1 - lam.sym) + 1 / (1 - lam.sym))
                 - (phi0.sym + alpha.sym) * sp.log(lam.sym))
    else:
        gamma = param("gamma", "1/year", "Phillips curve intercept", default=0.5, bounds=(0.0, 2.0), source=src,
                      latex=r"\gamma")
        rho = param("rho", "1/year", "Phillips curve slope", default=0.6, bounds=(0.0, 5.0), source=src,
                    latex=r"\rho")
        curve = (gamma, rho)
        phillips_eq = -gamma.sym + rho.sym * lam.sym
        F_lam = rho.sym * lam.sym - (gamma.sym + alpha.sym) * sp.log(lam.sym)
    b = Block(
        name="goodwin",
        variables=(omega, lam, alpha, beta, delta, nu) + curve + (phil, H),
        auxiliaries={"phillips": phillips_eq, "H": F_lam + G_omega},
        derivatives={
            "omega": omega.sym * (phil.sym - alpha.sym),
            "lam": lam.sym * ((1 - omega.sym) / nu.sym - alpha.sym - beta.sym - delta.sym),
        },
        description=f"Goodwin (1967) growth cycle, {phillips} Phillips curve.",
    )
    return combine(b, name="goodwin" if not gcl else "goodwin_gcl", description=goodwin.__doc__.splitlines()[0],
                   origin={"factory": "model.library.goodwin:goodwin", "kwargs": {"phillips": phillips}},
                   meta=ModelMeta(t_span=(0.0, 100.0)))
