"""Solow (1956) growth model in capital per effective worker."""

from __future__ import annotations

from ..core.blocks import Block
from ..core.metadata import ModelMeta
from ..core.symbols import aux, param, stock
from ..core.system import System, combine

SOLOW = "Solow, R. M. (1956) Q. J. Econ. 70(1):65-94; textbook form (illustrative value)"


def solow() -> System:
    r"""The Solow growth model with Cobb-Douglas technology, in capital per effective worker.

    Returns
    -------
    System
        One stock ``k`` [dimensionless model units], six parameters and the
        auxiliary ``y`` (output per effective worker per year).

    Notes
    -----
    .. math::

        y &= A k^{a}, \qquad
        \dot k = s\,y - (n + g + \delta)\,k

    :math:`A` [1/year] scales output per unit of capital and year, so that
    :math:`y` is a flow [1/year] and :math:`k` a stock [dimensionless]. The
    steady state is :math:`k^* = (sA/(n+g+\delta))^{1/(1-a)}` and the model has
    the closed form (a Bernoulli equation, linear in :math:`x = k^{1-a}`)

    .. math::

        k(t)^{1-a} = \frac{sA}{n+g+\delta}
        + \left(k_0^{1-a} - \frac{sA}{n+g+\delta}\right) e^{-(1-a)(n+g+\delta)\,t},

    with :math:`t` counted from the initial time. The equations use only the
    state, so an offset of the time axis does not matter. Linearised around
    :math:`k^*` the convergence rate is :math:`(1-a)(n+g+\delta)`.

    The defaults (:math:`s=0.2, a=1/3, n=0.01, g=0.02, \delta=0.05, A=1,
    k_0=1`) are illustrative textbook values, not a calibration.

    References
    ----------
    Solow, R. M. (1956) "A contribution to the theory of economic growth",
    Quarterly Journal of Economics 70(1):65-94.
    """
    k = stock("k", "dimensionless", "capital per effective worker", default=1.0, bounds=(0.0, None),
              description="Capital stock over effective labour (model units)", source=SOLOW)
    s = param("s", "dimensionless", "saving rate", default=0.2, bounds=(0.0, 1.0), source=SOLOW)
    a = param("a", "dimensionless", "capital share (output elasticity of capital)", default=1.0 / 3.0,
              bounds=(0.0, 1.0), source=SOLOW, latex=r"a")
    n = param("n", "1/year", "labour force growth", default=0.01, bounds=(-0.05, 0.1), source=SOLOW)
    g = param("g", "1/year", "labour-augmenting technical progress", default=0.02, bounds=(0.0, 0.1), source=SOLOW)
    delta = param("delta", "1/year", "depreciation rate", default=0.05, bounds=(0.0, 0.3), source=SOLOW,
                  latex=r"\delta")
    A = param("A", "1/year", "total factor productivity", default=1.0, bounds=(0.0, None),
              description="Output per unit of capital and year at k = 1", source=SOLOW)
    y = aux("y", "1/year", "output per effective worker", latex=r"y",
                description="Output per effective worker per year, A k^a")
    b = Block(
        name="solow",
        variables=(k, s, a, n, g, delta, A, y),
        auxiliaries={"y": A.sym * k.sym ** a.sym},
        derivatives={"k": s.sym * y.sym - (n.sym + g.sym + delta.sym) * k.sym},
        description="Capital accumulation per effective worker (Solow 1956).",
    )
    return combine(b, name="solow", description=solow.__doc__.splitlines()[0],
                   origin={"factory": "model.library.solow:solow", "kwargs": {}},
                   meta=ModelMeta(t_span=(0.0, 100.0)))
